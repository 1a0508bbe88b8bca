"""`前 1/3 去尾`: a quota that is a fraction of the group ("前三分之一"), exact where a
percentage is not (33.33% of 9 units is 2.9997 units)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers_columnar import cli_csv_both_backends
from kaoping.cli import main
from kaoping.compiler.load import compile_sources
from kaoping.errors import CompileError
from kaoping.io.validate import validate
from kaoping.scoring import score

RULES = """方案 "三分之一"
分组 乡镇 "乡镇"
枚举 等次: 优秀, 合格
输入 得分: 数值 0 至 100 "得分"
评分 乡镇:
    总分 = 得分
评定 等次:
    优秀 前 SHARE 去尾
    合格 其余
"""


def _nine() -> dict[str, object]:
    """Nine units scoring 90, 80, … 10: no ties."""
    return {
        "units": [
            {"unit": f"u{i}", "group": "乡镇", "facts": {"得分": str(90 - 10 * i)}}
            for i in range(9)
        ]
    }


@pytest.mark.parametrize("backend", ["unit", "columnar"])
@pytest.mark.parametrize(("share", "best"), [("1/3", 3), ("33.33%", 2), ("３/９", 3)])
def test_a_fraction_of_the_group_is_exact(backend: str, share: str, best: int) -> None:
    # 9 × 1/3 = 3 → 去尾 3; 9 × 33.33% = 2.9997 → 去尾 2 (why a document's 三分之一 is a fraction)
    scheme = compile_sources(f"q{share}", {"q.rules": RULES.replace("SHARE", share)})
    results = score(scheme, validate(_nine(), scheme.model, "d"), None, backend=backend)
    grades = {r.unit.name: r.unit.grades["等次"] for r in results.units}
    assert sorted(n for n, g in grades.items() if g == "优秀") == [f"u{i}" for i in range(best)]


def test_whole_columns_take_the_same_fraction(tmp_path: Path) -> None:
    """1,200 units by whole columns: 1,200 × 1/3 = 400 优秀 exactly, as per unit."""
    rules = tmp_path / "q.rules"
    rules.write_text(RULES.replace("SHARE", "1/3"), encoding="utf-8")
    data = tmp_path / "d.csv"
    rows = [f"u{i:04d},乡镇,{i / 12:.4f}" for i in range(1_200)]  # 0 to 99.9167, no ties
    data.write_text("unit,group,得分\n" + "\n".join(rows) + "\n", encoding="utf-8")
    written = cli_csv_both_backends(rules, data, tmp_path)
    assert written.count(",优秀,") == 400


@pytest.mark.parametrize(
    ("share", "said"),
    [
        ("1/0 去尾", "q.rules:8:5: error E203 type error: a quota share must lie between 0%"),
        ("4/3 去尾", "q.rules:8:5: error E203 type error: a quota share must lie between 0%"),
        (
            "1/3",
            "q.rules:8:13: error E101 syntax error: unexpected end of line; expected `四舍五入`",
        ),
        ("1/" + "3" * 30 + " 去尾", "q.rules:8:10: error E106"),
        ("1 / 3 去尾", "fraction written without spaces (`1/3`), then its rounding"),
    ],
)
def test_a_fraction_that_is_no_share_is_an_error(tmp_path: Path, share: str, said: str) -> None:
    rules = tmp_path / "q.rules"
    rules.write_text(RULES.replace("SHARE 去尾", share), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(rules)])
    assert result.exit_code == 1
    assert said in result.output, result.output


def test_the_formatter_keeps_the_fraction(tmp_path: Path) -> None:
    rules = tmp_path / "q.rules"
    rules.write_text(RULES.replace("SHARE", "1/3"), encoding="utf-8")
    assert CliRunner().invoke(main, ["fmt", "--to", "en", str(rules)]).exit_code == 0
    assert "    优秀 top 1/3 rounded down\n" in rules.read_text(encoding="utf-8")


DISTRIBUTE = """方案 "分档"
分组 乡镇 "乡镇"
枚举 档: 好, 中, 差
输入 得分: 数值 0 至 100 "得分"
评分 乡镇:
    组内:
        设 档次 = 分档 得分 为 SHARES 去尾
        总分 = 得分
"""


@pytest.mark.parametrize("backend", ["unit", "columnar"])
def test_thirds_split_a_group_as_the_document_says(backend: str) -> None:
    # "好、中、差各占三分之一": nine units in three bands of 3 (sizes ⌊9 × 1/3⌋, ⌊9 × 2/3⌋ − 3, rest)
    scheme = compile_sources(
        "thirds", {"d.rules": DISTRIBUTE.replace("SHARES", "好 1/3, 中 1/3, 差 1/3")}
    )
    results = score(scheme, validate(_nine(), scheme.model, "d"), None, backend=backend)
    bands = [results.by_name(f"u{i}").unit.values["档次"] for i in range(9)]  # type: ignore[union-attr]
    assert bands == ["好"] * 3 + ["中"] * 3 + ["差"] * 3


def test_thirds_written_as_percentages_do_not_add_up() -> None:
    """33.33% three times is 99.99%: the shares must add up to 100% (E405), which thirds do."""
    text = DISTRIBUTE.replace("SHARES", "好 33.33%, 中 33.33%, 差 33.33%")
    with pytest.raises(CompileError) as err:
        compile_sources("percent", {"d.rules": text})
    assert [d.code for d in err.value.diagnostics] == ["E405"]
