"""Consequences on whole columns: a scheme with `consequences:` takes the whole-column path and
writes the very bytes the per-unit path writes (JSON, CSV, Parquet): outputs from the total,
the facts and the grades, flags on grades, on values and on yes/no inputs (in the order the
per-unit path raises them), lets, consequences for some groups, several groups and blocks, on
random data full of ties at the quotas' boundaries. A consequence with no columnar form keeps
the run per unit, and `--verbose` names it."""

from __future__ import annotations

import json
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
from kaoping.scoring_whole import stage_refused

HEAD = """\
scheme "consequences on columns"
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

table 奖金标准 by 等次:
    优秀: 2000
    良好: 1500
    合格: 1000
    不合格: 0

scoring 甲组, 乙组:
    let 档 = band work {[60, inf): 高, (-inf, 60): 低}
    flag 多次 if bad ≥ 3
    total = work + extra
    across group:
        let 名次 = rank by total

scoring 丙组:
    let 档 = band work {[50, inf): 中, (-inf, 50): 低}
    flag 多次 if bad ≥ 3
    total = work / 3 + extra
    across group:
        let 名次 = rank by total
"""

GRADING = """
grading 等次:
    bar 优秀 if veto
    优秀 top 25% rounded half-up
    良好 top 2 by total, extra in 甲组, 丙组
    不合格 if total < 30
    合格 otherwise

grading 奖项:
    一等 top 1
    二等 if 等次 = 优秀 or 等次 = 良好
    无 otherwise
"""

# every kind of line: outputs from the total, the facts, a grade (a choice, a table), a yes/no
# and a text output, lets read by later lines, flags on grades, values, yes/no inputs and the
# unit's group, consequences for some groups, names defined apart for two sets of groups (in
# two blocks, and in one)
CONSEQUENCES = """
consequences:
    flag 否决 if veto
    output 系数 = if 等次 = 优秀 then 1.2 else 1
    output 奖金 = 奖金标准[等次] × 系数 + total × 3 / 2 - extra
    flag 警示 if 等次 = 不合格 or 名次 > 6
    let 双优 = 等次 = 优秀 and 奖项 = 一等
    flag 表彰 if 双优 or (档 = 高 and extra ≥ 9.5)
    output 获奖 = 双优
    output 评语 = if bad ≥ 2 then 档 else 档
    flag 多扣 if bad ≥ 4
    output 奖 = 奖项
    flag 丙组高分 if unit group = 丙组 and total ≥ 30
consequences for 丙组:
    output 丙奖 = work - bad × 2.5
    output 份额 = total / 4
consequences for 甲组, 乙组:
    output 份额 = total / 2
consequences for 甲组:
    output 档奖 = total / 4
    flag 甲警 if 等次 = 不合格
consequences for 乙组:
    output 档奖 = total / 5
    flag 甲警 if 等次 = 合格
"""

# consequences without a grading: the total and the facts only
PLAIN = """
consequences:
    output 奖金 = total × 10 + extra / 2
    output 三分 = total / 3
    flag 否决 if veto
    flag 高分 if total ≥ 80
"""

SCHEMES = {"graded": GRADING + CONSEQUENCES, "plain": PLAIN}
GROUPS = GRID_GROUPS
VETOES = ("false", "false", "true", "是", "no")


def compiled(name: str) -> CompiledScheme:
    return compiled_text(HEAD + SCHEMES[name], "final")


@pytest.mark.parametrize("name", list(SCHEMES))
@CI
@given(rows=grid_units(VETOES))
def test_consequences_on_columns_write_the_per_unit_bytes(name: str, rows: list[list[str]]) -> None:
    scheme = compiled(name)
    with tempfile.TemporaryDirectory() as folder:
        data = grid_csv(Path(folder), rows)
        for kind in ("json", "csv", "parquet"):
            assert whole_bytes(scheme, data, kind) == per_unit_bytes(scheme, data, kind)


def test_flags_and_outputs_as_the_per_unit_path_writes_them(tmp_path: Path) -> None:
    """A unit's flags in the order raised (the scoring's first, then the consequences', in
    the order written), its outputs in the order declared, its group's own definition."""
    rows = [
        ["a", "丙组", "90", "10", "4", "true"],
        ["b", "丙组", "90", "10", "0", "false"],
        ["c", "乙组", "10", "0", "4", "true"],
    ]
    data = grid_csv(tmp_path, rows)
    text = whole_bytes(compiled("graded"), data, "json")
    assert text == per_unit_bytes(compiled("graded"), data, "json")
    got = {u["unit"]: u for u in json.loads(text)["units"]}
    assert got["a"]["flags"] == ["多次", "否决", "多扣", "丙组高分"]
    assert got["c"]["flags"] == ["多次", "否决", "警示", "多扣"]
    assert got["b"]["grades"] == {"等次": "优秀", "奖项": "一等"}
    assert got["b"]["flags"] == ["表彰", "丙组高分"]
    assert list(got["b"]["outputs"]) == ["系数", "奖金", "获奖", "评语", "奖", "丙奖", "份额"]
    assert got["b"]["outputs"]["系数"] == "1.2"
    assert got["b"]["outputs"]["份额"] == "10"  # (90 / 3 + 10) / 4, 丙组's definition
    assert list(got["c"]["outputs"]) == ["系数", "奖金", "获奖", "评语", "奖", "份额", "档奖"]
    assert got["c"]["outputs"]["份额"] == "5"  # (10 + 0) / 2
    assert got["c"]["outputs"]["档奖"] == "2"  # 乙组's definition: 10 / 5


@pytest.mark.parametrize("kind", [".json", ".csv", ".parquet"])
def test_score_takes_whole_columns_for_a_scheme_with_consequences(
    tmp_path: Path, kind: str
) -> None:
    rules = tmp_path / "final.rules"
    rules.write_text(HEAD + GRADING + CONSEQUENCES, encoding="utf-8")
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
    written = []
    for backend in ("unit", "columnar"):
        out = tmp_path / f"{backend}{kind}"
        args = ["score", str(rules), str(data), "-o", str(out), "--backend", backend]
        result = CliRunner().invoke(main, [*args, "--format", "json", "--verbose"])
        assert result.exit_code == 0, result.stderr
        assert ("by whole columns" in result.stderr) == (backend == "columnar"), result.stderr
        written.append(out.read_bytes())
    assert written[0] == written[1]
    if kind == ".json":
        units = json.loads(written[1])["units"]
        assert len(units) == 10_000 and any("表彰" in u["flags"] for u in units)


def test_last_year_in_a_consequence_without_last_years_results(tmp_path: Path) -> None:
    """A consequence reading last year's grade (read where a condition holds, too) takes whole
    columns in a run without last year's results: absent for every unit, as per unit."""
    old = "    flag 多扣 if bad ≥ 4\n"
    new = (
        "    flag 多扣 if bad ≥ 4\n"
        "    flag 连续 if 等次 = 不合格 and (last year 等次 = 不合格 default true)\n"
        "    output 上年 = last year total default 0\n"
    )
    text = HEAD + GRADING + CONSEQUENCES
    assert old in text
    rules = tmp_path / "final.rules"
    rules.write_text(text.replace(old, new, 1), encoding="utf-8")
    scheme = compile_paths("final", [rules])
    assert stage_refused(scheme) is None
    rows = [[f"u{i}", GROUPS[i % 3], str(i % 4 * 10), "5", str(i % 3), "no"] for i in range(30)]
    data = grid_csv(tmp_path, rows)
    text_out = whole_bytes(scheme, data, "json")
    assert text_out == per_unit_bytes(scheme, data, "json")
    units = json.loads(text_out)["units"]
    failed = [u for u in units if u["grades"]["等次"] == "不合格"]
    assert failed and all("连续" in u["flags"] for u in failed)
    assert all(u["outputs"]["上年"] == "0" for u in units)
