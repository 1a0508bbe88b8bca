"""Grading on whole columns: a scheme with grading takes the whole-column path and writes the
very bytes the per-unit path writes (JSON, CSV, Parquet), on random data full of ties, for
every kind of grading line; a line with no columnar form keeps the run per unit and says so."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given

from helpers_columnar import (
    CI,
    GRID_GROUPS,
    compiled_text,
    grid_csv,
    grid_units,
    per_unit_bytes,
    whole_bytes,
)
from kaoping.cli import main
from kaoping.compiler.load import CompiledScheme, compile_paths
from kaoping.io.data import validate
from kaoping.io.results import iter_json
from kaoping.scoring import score
from kaoping.scoring_columnar import columnar_scheme
from kaoping.scoring_whole import score_whole, stage_refused

HEAD = """\
scheme "grading on columns"
rounding 1 places half-up

group 甲组 "first"
group 乙组 "second"
group 丙组 "third"

input work: number 0 to 100 "work"
input extra: number 0 to 10 "extra"
input bad: count "bad"
input veto: yesno "vetoed"

enum 等次: 优秀, 良好, 合格, 不合格
enum 奖项: 一等, 二等, 无
enum 档次: 高, 中, 低

scoring 甲组, 乙组:
    let 档 = band work {[60, inf): 高, (-inf, 60): 低}
    flag 多次 if bad ≥ 3
    flag 否决 if veto
    total = work + extra
    across group:
        let 名次 = rank by total

scoring 丙组:
    let 档 = band work {[50, inf): 中, (-inf, 50): 低}
    flag 多次 if bad ≥ 3
    flag 否决 if veto
    total = work / 3 + extra
    across group:
        let 名次 = rank by total
"""

# quotas by count and by share, per group and for some groups only, in each rounding mode
SHARES = """
grading 等次:
    优秀 top 25% rounded {mode}
    良好 top 35% rounded {mode} in 甲组, 丙组
    合格 top 2
    不合格 otherwise
"""

# bars, a key chain (an enum key), conditions, otherwise, overrides, a grading reading an
# earlier one and its own grade after `otherwise`, steps along the enum (降一档 / 升一档), a
# rank read
LINES = """
grading 等次:
    bar 优秀, 良好 if bad ≥ 2 or veto
    优秀 top 20% rounded half-even by total, extra
    良好 top 3 by 档, work in 甲组, 乙组
    不合格 if total < 30
    bar 合格 if bad ≥ 3
    合格 if extra ≥ 5
    合格 otherwise
    demote 不合格 if bad ≥ 4
    promote 良好 if 等次 = 合格 and extra ≥ 9.5
    step down if bad = 3
    step up if extra = 10 and bad = 0

grading 奖项:
    bar 一等 if 等次 = 不合格
    一等 top 1 in 乙组
    二等 if 等次 = 优秀 or 等次 = 良好
    无 otherwise
    demote 无 if 名次 > 5
"""

SCHEMES = {
    **{
        f"shares {mode}": SHARES.format(mode=mode)
        for mode in ("half-up", "half-even", "down", "up")
    },
    "lines": LINES,
}
GROUPS = GRID_GROUPS
VETOES = ("false", "false", "false", "true", "是", "no")


def compiled(name: str) -> CompiledScheme:
    return compiled_text(HEAD + SCHEMES[name], "grading")


@pytest.mark.parametrize("name", list(SCHEMES))
@CI
@given(rows=grid_units(VETOES))
def test_grades_on_columns_write_the_per_unit_bytes(name: str, rows: list[list[str]]) -> None:
    scheme = compiled(name)
    with tempfile.TemporaryDirectory() as folder:
        data = grid_csv(Path(folder), rows)
        for kind in ("json", "csv", "parquet"):
            assert whole_bytes(scheme, data, kind) == per_unit_bytes(scheme, data, kind)


@pytest.mark.parametrize("name", list(SCHEMES))
@CI
@given(rows=grid_units(VETOES))
def test_either_backend_through_score_grades_alike(name: str, rows: list[list[str]]) -> None:
    """`score()` with the columnar backend computes the values on columns and grades per
    unit: the results are the per-unit backend's, grade for grade."""
    scheme = compiled(name)
    raw = {
        "units": [
            {
                "unit": r[0],
                "group": r[1],
                "facts": {
                    "work": r[2],
                    "extra": r[3],
                    "bad": int(r[4]),
                    "veto": r[5] in ("true", "是"),
                },
            }
            for r in rows
        ]
    }
    got = {}
    for backend in ("unit", "columnar"):
        results = score(scheme, validate(raw, scheme.model, "test"), None, backend=backend)
        assert results.backend == backend
        got[backend] = "".join(iter_json(results))
    assert got["unit"] == got["columnar"]


def test_the_shares_round_as_the_line_says() -> None:
    """25% of ten units is 2.5: half-up and up give 优秀 to places 1 to 3, half-even and down
    to places 1 and 2; the third place is a tie of two units, which takes the grade whole."""
    works = [100, 90, 80, 80, 60, 50, 40, 30, 20, 10]
    rows = [[f"u{i}", "甲组", str(w), "0", "0", "false"] for i, w in enumerate(works)]
    with tempfile.TemporaryDirectory() as folder:
        data = grid_csv(Path(folder), rows)
        for mode, best in (("half-up", 4), ("up", 4), ("half-even", 2), ("down", 2)):
            scheme = compiled(f"shares {mode}")
            text = whole_bytes(scheme, data, "csv").decode()
            assert text.count(",优秀,") == best, (mode, text)
            assert text == per_unit_bytes(scheme, data, "csv").decode()


@pytest.mark.parametrize("kind", [".json", ".csv", ".parquet"])
def test_score_takes_whole_columns_for_a_scheme_with_grading(tmp_path: Path, kind: str) -> None:
    rules = tmp_path / "grading.rules"
    rules.write_text(HEAD + LINES, encoding="utf-8")
    rows = [
        [
            f"u{i:05d}",
            GROUPS[i % 3],
            str(i * 7 % 11 * 10),
            "9.5" if i % 5 else "0",
            str(i % 5),
            "true" if i % 13 == 0 else "false",
        ]
        for i in range(10_000 if kind == ".json" else 1_200)
    ]
    data = grid_csv(tmp_path, rows)
    written, warned = [], []
    for backend in ("unit", "columnar"):
        out = tmp_path / f"{backend}{kind}"
        args = ["score", str(rules), str(data), "-o", str(out), "--backend", backend]
        result = CliRunner().invoke(main, [*args, "--format", "json", "--verbose"])
        assert result.exit_code == 0, result.stderr
        assert ("by whole columns" in result.stderr) == (backend == "columnar"), result.stderr
        written.append(out.read_bytes())
        warned.append([w for w in result.stderr.splitlines() if w.startswith("warning:")])
    assert written[0] == written[1]
    # units tied at a quota's last place take it past its size: said alike on stderr
    assert warned[0] == warned[1] and any("[quota-ties]" in w for w in warned[0]), warned


UNSUPPORTED = [
    (
        "a grade read before its grading's `otherwise`",
        "    不合格 if total < 30\n",
        "    不合格 if total < 30\n    不合格 if 等次 = 良好 and bad ≥ 1\n",
        "grading.rules:38",
    ),
    (
        "`last year` read only where a condition holds",
        "    合格 if extra ≥ 5\n",
        "    合格 if extra ≥ 5 and (last year total default 0) ≥ 20\n",
        "grading.rules:39",
    ),
]


@pytest.mark.parametrize(
    ("what", "old", "new", "where"), UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED]
)
def test_a_line_without_a_columnar_form_keeps_grading_per_unit(
    tmp_path: Path, what: str, old: str, new: str, where: str
) -> None:
    """The values are still computed on columns; `--verbose` names the line that keeps the
    results per unit, and they are the per-unit backend's."""
    rules = tmp_path / "grading.rules"
    rules.write_text((HEAD + LINES).replace(old, new, 1), encoding="utf-8")
    scheme = compile_paths("grading", [rules])
    assert not isinstance(columnar_scheme(scheme), Exception)  # the values: on columns
    refused = stage_refused(scheme)
    assert refused is not None and what in refused and where in refused, refused
    rows = [[f"u{i}", GROUPS[i % 3], str(i % 4 * 10), "5", str(i % 3), "no"] for i in range(30)]
    data = grid_csv(tmp_path, rows)
    assert score_whole(scheme, data, "columnar") is None
    args = ["score", str(rules), str(data), "-o", str(tmp_path / "out.csv"), "--verbose"]
    result = CliRunner().invoke(main, [*args, "--backend", "columnar"])
    assert result.exit_code == 0, result.stderr
    assert f"whole columns: not taken: no columnar form for {what}" in result.stderr
    assert "by whole columns" not in result.stderr
    assert (tmp_path / "out.csv").read_bytes() == per_unit_bytes(scheme, data, "csv", "columnar")
