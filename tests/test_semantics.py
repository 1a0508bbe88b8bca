"""Semantics a deliberately broken copy once passed the suite with: a bar on an `if` grading line,
explain's labels for sections that take the highest or the mean, and which of two equal records
`drop` removes. Each test fails if that behaviour is broken; every value is worked out by hand."""

from __future__ import annotations

from typing import Any

from helpers_scoring import D
from kaoping.compiler.load import compile_sources
from kaoping.exact import Q
from kaoping.explain import explain_text
from kaoping.explain_tree import explain_data
from kaoping.io.validate import validate
from kaoping.scoring import Results, score


def run(rules: str, units: list[dict[str, Any]]) -> Results:
    scheme = compile_sources("semantics", {"s.rules": rules})
    return score(scheme, validate({"units": units}, scheme.model, "data"), trace=True)


# ------------------------------------------------------------------ a bar on an `if` line
BARRED = """
分组 区直
枚举 等次: 优秀, 达标, 不达标
输入 得分: 数值 0 至 1000 "综合得分"
输入 一票否决: 是否 "被一票否决(003 四(一)2.)"
评分 区直:
    指标 综合 满分 1000 = 得分
评定 等次:
    取消 优秀 若 一票否决
    优秀 若 总分 ≥ 900
    达标 若 总分 ≥ 600
    不达标 其余
"""


def test_a_unit_barred_from_a_grade_does_not_get_it_from_an_if_line() -> None:
    # 甲 950 but vetoed: barred from 优秀, so the ≥ 900 line skips it and ≥ 600 gives 达标;
    # 乙 950 without a veto: 优秀; 丙 500 vetoed: 不达标 (otherwise ignores bars, but it is not 优秀)
    res = run(
        BARRED,
        [
            {"unit": "甲", "group": "区直", "facts": {"得分": 950, "一票否决": True}},
            {"unit": "乙", "group": "区直", "facts": {"得分": 950, "一票否决": False}},
            {"unit": "丙", "group": "区直", "facts": {"得分": 500, "一票否决": True}},
        ],
    )
    assert {r.name: r.unit.grades["等次"] for r in res.units} == {
        "甲": "达标",
        "乙": "优秀",
        "丙": "不达标",
    }
    steps = {s.rule: (s.applied, s.reason) for s in res.by_name("甲").unit.grade_steps}  # type: ignore[union-attr]
    assert steps["优秀 若 总分 ≥ 900"] == (False, "barred from 优秀")
    assert steps["达标 若 总分 ≥ 600"] == (True, "condition holds")


# ------------------------------------------------------------------ explain labels
SECTIONS = """
分组 单位
输入 甲分: 数值 0 至 10 "甲"
输入 乙分: 数值 0 至 10 "乙"
评分 单位:
    部分 取其高者 满分 10:
        取最高
        指标 甲 满分 10 = 甲分
        指标 乙 满分 10 = 乙分
    部分 取其均值 满分 10:
        取平均
        指标 丙 满分 10 = 甲分
        指标 丁 满分 10 = 乙分
"""


def test_explain_labels_sections_that_take_the_highest_or_the_mean() -> None:
    # 甲分 4, 乙分 7: the highest part is 7; the mean of the parts (4 + 7) ÷ 2 = 5.5
    res = run(SECTIONS, [{"unit": "U", "group": "单位", "facts": {"甲分": 4, "乙分": 7}}])
    r = res.by_name("U")
    assert r is not None
    values = {v["path"]: v for v in explain_data(res, r)["values"]}
    assert [(s["kind"], s["amount"]) for s in values["取其高者"]["steps"]] == [("highest", "7")]
    assert [(s["kind"], s["amount"]) for s in values["取其均值"]["steps"]] == [("mean", "5.5")]
    text = explain_text(res, r)
    assert "highest part 7" in text and "mean of the parts 5.5" in text
    assert "sum of the parts" not in text
    zh = explain_text(res, r, lang="zh")
    assert "取最高 7" in zh and "取平均 5.5" in zh and "各项之和" not in zh
    assert r.total == D("12.5")  # 7 + 5.5


# ------------------------------------------------------------------ drop: which equal record goes
DROP = """
scheme "drop"
group Dept "部门"
enum 等次: 优, 良, 合格
record 事项:
    等次: 等次
    分: number 0 to 10
input 事项表: list of 事项 "单位的事项"
scoring Dept:
    item 剔除最低 max 30 = sum 事项表 of 分 drop 1 lowest by 等次
    item 剔除最高 max 30 = sum 事项表 of 分 drop 1 highest by 等次
"""


def _dropped(records: list[tuple[str, int]]) -> tuple[Q, Q]:
    facts = {"事项表": [{"等次": g, "分": v} for g, v in records]}
    r = run(DROP, [{"unit": "U", "group": "Dept", "facts": facts}]).by_name("U")
    assert r is not None
    return r.unit.values["剔除最低"], r.unit.values["剔除最高"]


def test_drop_lowest_removes_the_equal_record_worth_less() -> None:
    # two 合格 tie for lowest: the one worth 2 goes, not the one worth 5 → 5 + 9 = 14,
    # whichever is listed first
    assert _dropped([("合格", 5), ("合格", 2), ("优", 9)])[0] == D(14)
    assert _dropped([("合格", 2), ("合格", 5), ("优", 9)])[0] == D(14)


def test_drop_highest_removes_the_equal_record_worth_more() -> None:
    # two 优 tie for highest: the one worth 8 goes, not the one worth 3 → 3 + 4 = 7,
    # whichever is listed first
    assert _dropped([("优", 3), ("优", 8), ("合格", 4)])[1] == D(7)
    assert _dropped([("优", 8), ("优", 3), ("合格", 4)])[1] == D(7)
