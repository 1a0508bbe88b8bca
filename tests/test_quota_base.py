"""`前 20% 四舍五入 至少 1 名 其中 C`: a quota by share with a floor ("参加考核人数不足5人的,可确定1名")
and a base ("不确定等次的人员不计入参加考核人数"), the same by whole columns as per unit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers_columnar import cli_csv_both_backends
from kaoping.cli import main
from kaoping.compiler.load import compile_sources
from kaoping.errors import CompileError
from kaoping.io.validate import validate
from kaoping.scoring import score

RULES = """方案 "年度考核"
分组 科室 "科室"
枚举 等次: 优秀, 称职, 不确定等次
输入 得分: 数值 0 至 100 "得分"
输入 不定等次: 是否 "不确定等次"
评分 科室:
    总分 = 得分
评定 等次:
    不确定等次 若 不定等次
    优秀 前 20% 四舍五入 TAIL
    称职 其余
"""


def _units(n: int, unrated: int = 0) -> dict[str, object]:
    """n people scoring 90, 89, …; the `unrated` best of them 不确定等次."""
    return {
        "units": [
            {
                "unit": f"u{i}",
                "group": "科室",
                "facts": {"得分": str(90 - i), "不定等次": i < unrated},
            }
            for i in range(n)
        ]
    }


def _best(tail: str, data: dict[str, object], backend: str) -> list[str]:
    scheme = compile_sources("q", {"q.rules": RULES.replace("TAIL", tail)})
    results = score(scheme, validate(data, scheme.model, "d"), None, backend=backend)
    return sorted(r.unit.name for r in results.units if r.unit.grades["等次"] == "优秀")


@pytest.mark.parametrize("backend", ["unit", "columnar"])
@pytest.mark.parametrize(
    ("n", "best"),
    # 20% half-up: 1 → 0.2 → 0, 2 → 0.4 → 0, 3 → 0.6 → 1, 8 → 1.6 → 2; at least 1
    [(1, ["u0"]), (2, ["u0"]), (3, ["u0"]), (8, ["u0", "u1"])],
)
def test_a_share_below_the_minimum_takes_the_minimum(backend: str, n: int, best: list[str]) -> None:
    assert _best("至少 1 名", _units(n), backend) == best
    assert _best("", _units(n), backend) == best[: round(n * 2 // 10 + (n * 2 % 10 >= 5))]


@pytest.mark.parametrize("backend", ["unit", "columnar"])
def test_the_share_is_of_the_units_where_the_condition_holds(backend: str) -> None:
    # 8 people, the best one 不确定等次: 7 counted, 7 × 20% = 1.4 → 1 (of all 8: 1.6 → 2)
    where = "其中 非 不定等次"
    assert _best(where, _units(8, unrated=1), backend) == ["u1"]
    assert _best("", _units(8, unrated=1), backend) == ["u1", "u2"]
    # a unit where the condition fails neither counts nor competes, even with no grade yet
    rules = RULES.replace("    不确定等次 若 不定等次\n", "")
    scheme = compile_sources("q", {"q.rules": rules.replace("TAIL", where)})
    results = score(scheme, validate(_units(8, 1), scheme.model, "d"), None, backend=backend)
    grades = {r.unit.name: r.unit.grades["等次"] for r in results.units}
    assert [n for n, g in sorted(grades.items()) if g == "优秀"] == ["u1"]


def test_explain_says_who_is_not_counted(tmp_path: Path) -> None:
    rules = RULES.replace("    不确定等次 若 不定等次\n", "").replace("TAIL", "其中 非 不定等次")
    (tmp_path / "q.rules").write_text(rules, encoding="utf-8")
    (tmp_path / "d.json").write_text(json.dumps(_units(3, 1)), encoding="utf-8")
    args = ["explain", str(tmp_path / "q.rules"), str(tmp_path / "d.json"), "--unit", "u0"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    assert "优秀 前 20% 四舍五入 其中 非 不定等次  — 不计入名额基数" in out.stdout


def test_whole_columns_take_the_same_base(tmp_path: Path) -> None:
    """1,200 people by whole columns, every tenth 不确定等次: 1,080 counted, 216 优秀, as per unit."""
    rules = tmp_path / "q.rules"
    rules.write_text(RULES.replace("TAIL", "至少 1 名 其中 非 不定等次"), encoding="utf-8")
    data = tmp_path / "d.csv"
    rows = [f"u{i:04d},科室,{i / 12:.4f},{'是' if i % 10 == 0 else '否'}" for i in range(1_200)]
    data.write_text("unit,group,得分,不定等次\n" + "\n".join(rows) + "\n", encoding="utf-8")
    written = cli_csv_both_backends(rules, data, tmp_path)
    assert written.count(",优秀,") == 216


@pytest.mark.parametrize(
    ("tail", "said"),
    [
        ("", None),
        ("至少 1 名 其中 得分", "E203"),
        ("其中 (得分 > 80) 缺省 否", "E203"),
    ],
)
def test_the_condition_is_yes_no(tail: str, said: str | None) -> None:
    rules = RULES.replace("TAIL", tail)
    if said is None:
        compile_sources("q", {"q.rules": rules})
        return
    with pytest.raises(CompileError) as err:
        compile_sources("q", {"q.rules": rules})
    assert said in str(err.value)


def test_a_minimum_is_for_a_share() -> None:
    rules = RULES.replace("前 20% 四舍五入 TAIL", "前 2 名 至少 1 名")
    with pytest.raises(CompileError) as err:
        compile_sources("q", {"q.rules": rules})
    assert "E203" in str(
        err.value
    ) and "`至少 N` is for a quota by share (`前 20% 四舍五入 至少 1`)" in str(err.value)


def test_english_keywords_and_translation(tmp_path: Path) -> None:
    zh = tmp_path / "q.rules"
    zh.write_text(RULES.replace("TAIL", "至少 1 名 其中 非 不定等次"), encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", "--to", "en", str(zh)])
    assert result.exit_code == 0, result.output
    en = zh.read_text("utf-8")
    assert "优秀 top 20% rounded half-up minimum 1 where not 不定等次" in en
    back = CliRunner().invoke(main, ["fmt", "--to", "zh", str(zh)])
    assert back.exit_code == 0, back.output
    assert "优秀 前 20% 四舍五入 至少 1 名 其中 非 不定等次" in zh.read_text("utf-8")
