"""Group values a second document needed: the group's lowest (less is better: "第1名得6分,第2-5名
按第1名的比例得分" for a rate where the lowest is first), a mean over the units where a condition
holds, the mean of the *other* units ("给予其他单位平均分"), and a mean weighted by headcount.

Every expected value is worked out by hand in the comment beside it."""

from __future__ import annotations

from typing import Any

import pytest

from helpers_scoring import D, compile_rules, run, unit, value
from kaoping.compiler.load import frontend
from kaoping.explain_tree import explain_data
from kaoping.io.validate import validate
from kaoping.runtime.numbers import div
from kaoping.scoring import score

LOWEST = """
方案 "发案率"
分组 乡镇
输入 发案率: 数值 0 至 100 "每万人发案数"
评分 乡镇:
    组内:
        指标 治安 满分 6 条款 "第1名得6分,其余按第1名的比例得分" = 6 × 组内最低 发案率 ÷ 发案率 缺省 6
        总分 = 治安
"""


def test_the_lowest_is_first_and_the_others_get_their_share() -> None:
    # rates 2, 4, 5: the lowest (2) gets 6; 4 → 6 × 2 ÷ 4 = 3; 5 → 6 × 2 ÷ 5 = 2.4
    s = compile_rules(LOWEST, "lowest")
    res = run(s, [unit(n, "乡镇", 发案率=x) for n, x in (("甲", 2), ("乙", 4), ("丙", 5))])
    got = {r.name: value(r, "治安") for r in res.units}
    assert got == {"甲": 6, "乙": 3, "丙": D("2.4")}


def test_a_share_of_the_lowest_lies_between_zero_and_the_constant() -> None:
    # 6 × lowest ÷ X is at most 6 for X ≥ 0: no W402 against max 6
    _model, diags = frontend({"r.rules": LOWEST})
    assert diags == []


def test_when_every_rate_is_zero_the_default_applies() -> None:
    # 0 ÷ 0 is absent: `缺省 6` gives every unit full marks
    s = compile_rules(LOWEST, "lowest")
    res = run(s, [unit("甲", "乡镇", 发案率=0), unit("乙", "乡镇", 发案率=0)])
    assert [value(r, "治安") for r in res.units] == [6, 6]


def test_explain_names_the_unit_holding_the_lowest() -> None:
    s = compile_rules(LOWEST, "lowest")
    units = [unit("甲", "乡镇", 发案率=2), unit("乙", "乡镇", 发案率=4)]
    res = score(s, validate({"units": units}, s.model, "t"), trace=True)
    r = res.by_name("乙")
    assert r is not None
    (v,) = [v for v in explain_data(res, r)["values"] if v["path"] == "治安"]
    assert v["group"] == {"group lowest 发案率": "2", "group lowest 发案率: unit": ["甲"]}


MEANS = """
分组 部门
输入 得分: 数值 0 至 100 可缺 "专项工作得分(不涉及为空)"
输入 在岗人数: 次数 "在岗在编人数"
输入 纳入平均: 是否 "该单位得分纳入平均"
评分 部门:
    组内:
        设 纳入者平均 = 组内平均 得分 其中 纳入平均
        设 人数加权平均 = 组内平均 得分 按 在岗人数 加权
        设 其他单位平均分 = 其他单位平均 得分
        指标 专项工作 满分 100 条款 "不涉及的,给予其他单位平均分" = 得分 缺省 其他单位平均 得分 缺省 0
        总分 = 专项工作
"""


def means_units() -> list[dict[str, Any]]:
    return [
        unit("甲", "部门", 得分=80, 在岗人数=10, 纳入平均=True),
        unit("乙", "部门", 得分=90, 在岗人数=30, 纳入平均=True),
        unit("丙", "部门", 得分=50, 在岗人数=10, 纳入平均=False),
        unit("丁", "部门", 得分=None, 在岗人数=50, 纳入平均=True),
    ]


def test_a_group_mean_over_the_units_where_a_condition_holds() -> None:
    # 纳入平均: 甲 80, 乙 90, 丁 (no score, left out) → (80 + 90) ÷ 2 = 85; 丙 is not counted
    res = run(compile_rules(MEANS, "means"), means_units())
    assert {value(r, "纳入者平均") for r in res.units} == {85}


def test_a_group_mean_weighted_by_headcount() -> None:
    # (80 × 10 + 90 × 30 + 50 × 10) ÷ (10 + 30 + 10) = 4000 ÷ 50 = 80; 丁 has no score
    res = run(compile_rules(MEANS, "means"), means_units())
    assert {value(r, "人数加权平均") for r in res.units} == {80}


def test_the_mean_of_the_other_units_leaves_the_unit_itself_out() -> None:
    # 甲: (90 + 50) ÷ 2 = 70; 乙: (80 + 50) ÷ 2 = 65; 丙: (80 + 90) ÷ 2 = 85;
    # 丁 (no score of its own): (80 + 90 + 50) ÷ 3 = 73.33…, which it is given for 专项工作
    res = run(compile_rules(MEANS, "means"), means_units())
    third_of_220 = div(D(220), D(3))  # as exact as the runtime's numbers are
    got = {r.name: value(r, "其他单位平均分") for r in res.units}
    assert got == {"甲": 70, "乙": 65, "丙": 85, "丁": third_of_220}
    assert {r.name: value(r, "专项工作") for r in res.units} == {
        "甲": 80,
        "乙": 90,
        "丙": 50,
        "丁": third_of_220,
    }


def test_the_other_units_mean_of_a_lone_unit_is_absent() -> None:
    # one unit: no other unit, so 其他单位平均 is absent and 专项工作 takes `缺省 0`
    res = run(
        compile_rules(MEANS, "means"), [unit("丁", "部门", 得分=None, 在岗人数=5, 纳入平均=True)]
    )
    (r,) = res.units
    assert value(r, "专项工作") == 0
    assert value(r, "其他单位平均分") is None


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("设 x = 组内最低 在岗人数", "belongs in an `组内:` block"),
        ("设 x = 其他单位平均 得分", "belongs in an `组内:` block"),
    ],
)
def test_group_values_belong_in_the_across_block(expr: str, words: str) -> None:
    rules = MEANS.replace("    组内:\n", f"    {expr}\n    组内:\n")
    _model, diags = frontend({"r.rules": rules})
    assert [(d.code, words in d.message()) for d in diags] == [("E203", True)]


def test_a_weight_that_may_be_negative_is_rejected() -> None:
    rules = MEANS.replace('在岗人数: 次数 "在岗在编人数"', '在岗人数: 数值 "在岗在编人数"')
    _model, diags = frontend({"r.rules": rules})
    assert [d.code for d in diags] == ["E203"]
    assert "a weight must be a number ≥ 0" in diags[0].message()


def test_english_and_chinese_spell_the_same_means() -> None:
    english = """
group Depts
input score: number 0 to 100 optional "score"
input staff: count "staff"
input counted: yesno "counted"
scoring Depts:
    across group:
        let a = group mean score weighted by staff where counted
        let b = peer mean score
        let c = group lowest staff
"""
    chinese = """
分组 Depts
输入 score: 数值 0 至 100 可缺 "score"
输入 staff: 次数 "staff"
输入 counted: 是否 "counted"
评分 Depts:
    组内:
        设 a = 组内平均 score 按 staff 加权 其中 counted
        设 b = 其他单位平均 score
        设 c = 组内最低 staff
"""
    modules = []
    for text in (english, chinese):
        model, diags = frontend({"r.rules": text})
        assert diags == [] and model is not None
        modules.append(model.module)
    assert modules[0] == modules[1]


FRONTIER = """
方案 "前沿距离"
分组 县区
输入 网办率: 数值 0 至 100 可缺 "网上可办率(未报送的为空)"
输入 开办时间: 数值 0 至 inf "企业开办时间(天)"
评分 县区:
    组内:
        指标 网办 满分 100 条款 "(本地区-最差)÷(最佳-最差)×100;未报送的得0分,不参与最佳最差值确定" = 若 有值(网办率) 则 (网办率 - 组内最低 网办率) ÷ (组内最高 网办率 - 组内最低 网办率) × 100 缺省 100 否则 0
        指标 开办 满分 100 条款 "(最差-本地区)÷(最差-最佳)×100" = 100 × (组内最高 开办时间 - 开办时间) ÷ (组内最高 开办时间 - 组内最低 开办时间) 缺省 100
        总分 = 网办 + 开办
"""


def test_best_and_lowest_leave_out_the_units_without_the_value() -> None:
    # 网办率 95, 85, 75 and one unreported: best 95, worst 75 among the three that report
    # (an unreported 0 would make the worst 0): 85 → (85 − 75) ÷ 20 × 100 = 50; unreported 0.
    # 开办时间 2, 4, 6, 6: best 2, worst 6: 4 → 100 × (6 − 4) ÷ 4 = 50
    s = compile_rules(FRONTIER, "frontier")
    data = [("甲", 95, 2), ("乙", 85, 4), ("丙", 75, 6), ("丁", None, 6)]
    res = run(s, [unit(n, "县区", 网办率=x, 开办时间=t) for n, x, t in data])
    got = {r.name: (value(r, "网办"), value(r, "开办")) for r in res.units}
    assert got == {"甲": (100, 100), "乙": (50, 50), "丙": (0, 0), "丁": (0, 0)}


def test_best_of_a_value_no_unit_has_is_absent() -> None:
    # nobody reports: the best and the worst do not exist, each unit scores 0 (否则 0)
    s = compile_rules(FRONTIER, "frontier")
    res = run(
        s,
        [unit("甲", "县区", 网办率=None, 开办时间=3), unit("乙", "县区", 网办率=None, 开办时间=3)],
    )
    assert [value(r, "网办") for r in res.units] == [0, 0]


def test_the_frontier_distance_scores_alike_on_both_backends() -> None:
    from helpers_columnar import same_results

    s = compile_rules(FRONTIER, "frontier")
    data = [("甲", 95, 2), ("乙", 85, 4), ("丙", None, 6), ("丁", 75, 6)]
    raw = {"units": [unit(n, "县区", 网办率=x, 开办时间=t) for n, x, t in data]}
    assert same_results(s, raw) is not None
    none = {"units": [unit(n, "县区", 网办率=None, 开办时间=3) for n in ("甲", "乙")]}
    assert same_results(s, none) is not None


def test_a_distance_to_the_frontier_lies_between_zero_and_its_factor() -> None:
    # (X − lowest) ÷ (best − lowest) and (best − X) ÷ (best − lowest) lie in [0, 1]: no W402
    _model, diags = frontend({"r.rules": FRONTIER})
    assert diags == []


def test_a_ratio_of_other_differences_is_not_taken_for_a_frontier_distance() -> None:
    # (best − X) ÷ (best − lowest of another value) is not bounded: still W402
    text = FRONTIER.replace(
        "(组内最高 开办时间 - 组内最低 开办时间)", "(组内最高 开办时间 - 组内最低 网办率)"
    ).replace(" 缺省 100\n        总分", " 缺省 100\n        总分")
    _model, diags = frontend({"r.rules": text})
    assert [d.code for d in diags if d.code.startswith("W")] == ["W402"]


def test_a_group_value_no_unit_has_reads_as_absent_on_the_columnar_backend() -> None:
    # nobody gives y: its mean is absent, so is every sum, difference, product, quotient and
    # comparison with it, and the defaults apply (the columnar backend raised AttributeError)
    from helpers_columnar import same_results

    s = compile_rules(
        """
        分组 县区
        输入 x: 数值 0 至 100 "x"
        输入 y: 数值 0 至 100 可缺 "y"
        评分 县区:
            组内:
                指标 a 满分 100 = (x - 组内平均 y) 缺省 0
                指标 b 满分 2:
                    加 1 若 (x > 组内平均 y) 缺省 否
                    加 1 若 (x × 2 > 组内平均 y × 2 + 1) 缺省 否
                指标 d = (x ÷ 组内平均 y) 缺省 4
                指标 e = (x + 1 - 组内最高 y + 2) 缺省 5
                总分 = a + b + d + e
        """,
        "absent",
    )
    raw = {"units": [unit(f"u{i}", "县区", x=5, y=None) for i in range(3)]}
    got = same_results(s, raw)
    assert got is not None
    import json

    assert {u["total"] for u in json.loads(got)["units"]} == {"9"}
