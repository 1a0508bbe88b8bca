"""Cohort rules (DOMAIN constructs 20–28): values that depend on the other units of a group.

Every expected value below is worked out by hand from the rules text of the test."""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpers_scoring import D
from kaoping.compiler.load import compile_sources, frontend
from kaoping.errors import DataError
from kaoping.explain_tree import explain_data
from kaoping.io.results import to_json
from kaoping.io.validate import validate
from kaoping.scoring import Results, score


def run(rules: str, units: list[dict[str, Any]], history: Any = None) -> Results:
    scheme = compile_sources("cohort-test", {"cohort.rules": rules})
    data = validate({"units": units}, scheme.model, "test")
    return score(scheme, data, history, trace=True)


def unit(name: str, group: str = "乡镇", **facts: Any) -> dict[str, Any]:
    return {"unit": name, "group": group, "facts": facts}


def by_name(results: Results) -> dict[str, Any]:
    return {r.name: r for r in results.units}


RANKED = """
分组 乡镇
输入 得分: 数值 0 至 100 "得分"
输入 次要: 数值 0 至 100 "次要得分"
评分 乡镇:
    指标 基础 满分 100 = 得分
    组内:
        设 名次 = 排名 按 总分
        设 细排 = 排名 按 总分, 次要
"""


def test_rank_ties_share_the_better_place_and_skip_the_next() -> None:
    # totals 90, 85, 85, 70 → ranks 1, 2, 2, 4 (ties share; the next place is skipped)
    r = by_name(
        run(
            RANKED,
            [
                unit("甲", 得分=90, 次要=1),
                unit("乙", 得分=85, 次要=5),
                unit("丙", 得分=85, 次要=3),
                unit("丁", 得分=70, 次要=9),
            ],
        )
    )
    assert [r[n].rank for n in "甲乙丙丁"] == [1, 2, 2, 4]
    # the tie-breaker chain: 乙 (次要 5) before 丙 (次要 3)
    assert r["乙"].unit.values["细排"] == 2 and r["丙"].unit.values["细排"] == 3


def test_rank_single_unit_group_and_rank_by_total_are_independent_of_input_order() -> None:
    only = by_name(run(RANKED, [unit("甲", 得分=10, 次要=0)]))
    assert only["甲"].rank == 1
    forward = run(
        RANKED, [unit(n, 得分=s, 次要=0) for n, s in zip("甲乙丙", (5, 9, 5), strict=True)]
    )
    backward = run(
        RANKED, [unit(n, 得分=s, 次要=0) for n, s in zip("丙乙甲", (5, 9, 5), strict=True)]
    )
    assert (
        {r.name: r.rank for r in forward.units}
        == {r.name: r.rank for r in backward.units}
        == {"甲": 2, "乙": 1, "丙": 2}
    )


RELATIVE = """
分组 乡镇
输入 基础分: 数值 0 至 100 "决战园区基础分(004 三(一)1)"
评分 乡镇:
    指标 决战园区 满分 100 = 基础分
    组内:
        指标 决战园区权重分 满分 120 = 决战园区 ÷ 组内最高 决战园区 × 120 缺省 0
        总分 = 决战园区权重分
        设 名次 = 排名 按 总分
"""


def test_relative_to_best_gives_the_best_full_weight() -> None:
    # 004 四(一): best base 80 gets 120; 60 → 60 ÷ 80 × 120 = 90; 0 → 0
    r = by_name(run(RELATIVE, [unit("甲", 基础分=80), unit("乙", 基础分=60), unit("丙", 基础分=0)]))
    assert r["甲"].total == D("120.00")
    assert r["乙"].total == D("90.00")
    assert r["丙"].total == D("0.00")


def test_relative_when_every_unit_has_zero_uses_the_declared_default() -> None:
    # best is 0: 0 ÷ 0 is absent, and the rules say `缺省 0`
    r = by_name(run(RELATIVE, [unit("甲", 基础分=0), unit("乙", 基础分=0)]))
    assert r["甲"].total == D(0) and r["乙"].total == D(0)
    assert r["甲"].rank == r["乙"].rank == 1


def test_relative_division_without_a_default_is_rejected_by_the_checker() -> None:
    _, diags = frontend({"r.rules": RELATIVE.replace(" 缺省 0", "")})
    assert [d.code for d in diags if d.severity == "error"] == ["E206"]


def test_explain_shows_the_best_unit_and_its_value() -> None:
    results = run(RELATIVE, [unit("甲", 基础分=80), unit("乙", 基础分=60)])
    data = explain_data(results, results.by_name("乙"))  # type: ignore[arg-type]
    entry = next(v for v in data["values"] if v["path"] == "决战园区权重分")
    assert entry["group"] == {"best 决战园区": "80", "best 决战园区: unit": ["甲"]}
    assert data["rank"] == 2 and data["group_size"] == 2


PROPORTIONAL = """
分组 部门
输入 争取资金: 数值 0 至 100000 "争取国家和省资金(万元)"
评分 部门:
    指标 基础 满分 0 = 0
    组内:
        指标 争资加分 满分 2 = 争取资金 ÷ 组内最高 争取资金 × 2 缺省 0
"""


def test_proportional_points_best_gets_two_others_in_proportion() -> None:
    # 002 六(一)2(3): most 500 → 2; 125 → 125 ÷ 500 × 2 = 0.5; 0 → 0
    r = by_name(
        run(
            PROPORTIONAL,
            [
                unit("甲", "部门", 争取资金=500),
                unit("乙", "部门", 争取资金=125),
                unit("丙", "部门", 争取资金=0),
            ],
        )
    )
    assert [r[n].unit.values["争资加分"] for n in "甲乙丙"] == [D(2), D("0.5"), D(0)]


PEERS = """
分组 市直
输入 计生: 数值 0 至 100 可缺 "计划生育中项基础分;不承担此项的单位为 null(004 三)"
评分 市直:
    指标 占位 满分 0 = 0
    组内:
        指标 计划生育 满分 100 = 计生 缺省 组内平均 计生 缺省 0
"""


def test_peers_average_for_a_unit_the_item_does_not_apply_to() -> None:
    # 004 三 "给予其他被考评单位平均分": (80 + 90) ÷ 2 = 85 for the unit without the item
    r = by_name(
        run(
            PEERS,
            [
                unit("甲", "市直", 计生=80),
                unit("乙", "市直", 计生=90),
                unit("丙", "市直", 计生=None),
            ],
        )
    )
    assert r["丙"].unit.values["计划生育"] == D(85)
    assert r["甲"].unit.values["计划生育"] == D(80)


def test_peers_average_when_no_unit_has_the_item_falls_back() -> None:
    r = by_name(run(PEERS, [unit("甲", "市直", 计生=None)]))
    assert r["甲"].unit.values["计划生育"] == D(0)


FORCED = """
分组 县直单位
枚举 档次: 优, 良, 合格
输入 测评分: 数值 0 至 100 "县领导测评分"
输入 评定档次: 档次 "县领导评定的档次(000 附件2 县领导测评)"
对照表 档次分 按 档次:
    优: 15
    良: 12
    合格: 9
评分 县直单位:
    指标 基础 满分 0 = 0
    组内:
        设 档 = 分档 测评分 为 优 20%, 良 60%, 合格 20% 四舍五入
        指标 县领导测评 满分 15 = 档次分[档]
        校验 评定档次 分布 优 20%, 良 60%, 合格 20% 四舍五入
"""


def forced_units(scores: list[int], ratings: list[str] | None) -> list[dict[str, Any]]:
    """Units with their scores, and the raters' ratings when the rules read them."""
    if ratings is None:
        return [unit(f"单位{i}", "县直单位", 测评分=s) for i, s in enumerate(scores)]
    return [
        unit(f"单位{i}", "县直单位", 测评分=s, 评定档次=g)
        for i, (s, g) in enumerate(zip(scores, ratings, strict=True))
    ]


def test_forced_distribution_derived_from_a_score() -> None:
    # 10 units: 20% → 2 优, 60% → 6 良, 20% → 2 合格, by descending score
    scores = [95, 90, 85, 80, 75, 70, 65, 60, 55, 50]
    ratings = ["优"] * 2 + ["良"] * 6 + ["合格"] * 2
    r = by_name(run(FORCED, forced_units(scores, ratings)))
    got = [r[f"单位{i}"].unit.values["档"] for i in range(10)]
    assert got == ratings
    assert r["单位0"].unit.values["县领导测评"] == D(15)
    assert r["单位9"].unit.values["县领导测评"] == D(9)


def test_forced_distribution_shares_that_do_not_divide_evenly() -> None:
    # 7 units: cumulative 20% × 7 = 1.4 → 1 优; 80% × 7 = 5.6 → 6, so 5 良; 1 合格
    scores = [70, 60, 50, 40, 30, 20, 10]
    ratings = ["优"] + ["良"] * 5 + ["合格"]
    r = by_name(run(FORCED, forced_units(scores, ratings)))
    assert [r[f"单位{i}"].unit.values["档"] for i in range(7)] == ratings


def test_forced_distribution_ties_at_a_boundary_join_the_better_band() -> None:
    # 5 units: 1 优 by share, but the top two tie at 90, so both are 优
    scores = [90, 90, 80, 70, 60]
    ratings = ["优", "优", "良", "良", "合格"]
    r = by_name(
        run(
            FORCED.replace("        校验 评定档次 分布 优 20%, 良 60%, 合格 20% 四舍五入\n", ""),
            forced_units(scores, None),
        )
    )
    assert [r[f"单位{i}"].unit.values["档"] for i in range(5)] == ratings


def test_ratings_entered_by_raters_are_validated_against_the_shares() -> None:
    # 5 units must be rated 1 优, 3 良, 1 合格; two 优 is an error naming the group and counts
    scores = [90, 80, 70, 60, 50]
    with pytest.raises(DataError) as err:
        run(FORCED, forced_units(scores, ["优", "优", "良", "良", "合格"]))
    text = str(err.value)
    assert "县直单位" in text and "优 1, 良 3, 合格 1" in text and "优 2, 良 2, 合格 1" in text


GRADES = """
分组 工业发展型
分组 街道
分组 区直
枚举 等次: 优秀, 达标, 基本达标, 不达标
输入 得分: 数值 0 至 1000 "综合得分"
输入 一票否决: 是否 "被一票否决(003 四(一)2(1))"
输入 通报批评: 是否 "受市级以上通报批评(003 四(一)2(4))"
输入 中央表彰且省肯定: 是否 "受党中央国务院表彰并获省委省政府充分肯定且加分(003 四(一)1)"
评分 工业发展型, 街道, 区直:
    指标 综合 满分 1000 = 得分
    组内:
        设 名次 = 排名 按 总分
评定 等次:
    取消 优秀 若 一票否决 或 通报批评
    优秀 前 2 名 于 工业发展型
    优秀 前 1 名 于 街道
    优秀 前 25% 四舍五入 于 区直
    达标 若 总分 ≥ 700
    基本达标 若 总分 ≥ 600
    不达标 其余
    晋升 优秀 若 等次 = 达标 且 中央表彰且省肯定
    降为 不达标 若 满足数(一票否决, 通报批评) ≥ 2
"""


def g(
    name: str, group: str, score: int, veto: bool = False, notice: bool = False, award: bool = False
) -> dict[str, Any]:
    return unit(name, group, 得分=score, 一票否决=veto, 通报批评=notice, 中央表彰且省肯定=award)


def grades(results: Results) -> dict[str, str]:
    return {r.name: r.unit.grades["等次"] for r in results.units}


def test_quota_grades_top_n_per_named_group_and_thresholds() -> None:
    # 003 四: top 2 of the township sequence and top 1 street are 优秀; the rest by threshold
    res = run(
        GRADES,
        [
            g("镇甲", "工业发展型", 900),
            g("镇乙", "工业发展型", 800),
            g("镇丙", "工业发展型", 750),
            g("镇丁", "工业发展型", 650),
            g("镇戊", "工业发展型", 500),
            g("街甲", "街道", 720),
            g("街乙", "街道", 710),
        ],
    )
    assert grades(res) == {
        "镇甲": "优秀",
        "镇乙": "优秀",
        "镇丙": "达标",
        "镇丁": "基本达标",
        "镇戊": "不达标",
        "街甲": "优秀",
        "街乙": "达标",
    }


def test_quota_share_rounding_and_ties_at_the_boundary() -> None:
    # 区直 of 6: 25% × 6 = 1.5 → 2 (half-up); of 5: 1.25 → 1, but a tie at first place gives 2
    six = run(GRADES, [g(f"局{i}", "区直", 800 - 10 * i) for i in range(6)])
    assert sorted(n for n, v in grades(six).items() if v == "优秀") == ["局0", "局1"]
    five = run(
        GRADES,
        [g("局A", "区直", 800), g("局B", "区直", 800)]
        + [g(f"局{i}", "区直", 700 - i) for i in range(3)],
    )
    assert sorted(n for n, v in grades(five).items() if v == "优秀") == ["局A", "局B"]


def test_bars_promotions_and_demotions_apply_in_the_order_written() -> None:
    res = run(
        GRADES,
        [
            g("镇甲", "工业发展型", 900, veto=True),  # barred: the quota passes to the next
            g("镇乙", "工业发展型", 800),
            g("镇丙", "工业发展型", 790),
            g("镇丁", "工业发展型", 720, award=True),  # 达标, promoted outside the quota
            g("镇戊", "工业发展型", 710, veto=True, notice=True),  # two situations → 不达标
        ],
    )
    assert grades(res) == {
        "镇甲": "达标",
        "镇乙": "优秀",
        "镇丙": "优秀",
        "镇丁": "优秀",
        "镇戊": "不达标",
    }
    steps = [(s.rule, s.applied) for s in res.by_name("镇甲").unit.grade_steps]  # type: ignore[union-attr]
    assert ("取消 优秀 若 一票否决 或 通报批评", True) in steps
    assert any(rule.startswith("优秀 前 2 名") and not applied for rule, applied in steps)


def test_an_empty_group_is_fine() -> None:
    res = run(GRADES, [g("街甲", "街道", 650)])
    assert grades(res) == {"街甲": "优秀"}


def test_grading_needs_an_otherwise_line() -> None:
    _, diags = frontend({"g.rules": GRADES.replace("    不达标 其余\n", "")})
    assert "E601" in [d.code for d in diags]


HISTORY = """
分组 乡镇
枚举 等次: 达标, 基本达标, 不达标
输入 得分: 数值 0 至 100 "得分"
评分 乡镇:
    指标 综合 满分 100 = 得分
    组内:
        设 名次 = 排名 按 总分
        设 进位 = 上年 名次 - 名次
        指标 进位加分 满分 3 = 若 (上年 名次 = 1 且 名次 = 1) 缺省 否 则 1.5 否则 最小(最大(进位 缺省 0, 0) × 0.5, 3)
评定 等次:
    达标 若 总分 ≥ 70
    基本达标 若 总分 ≥ 60
    不达标 其余
结果运用:
    标记 连续两年基本达标 若 (等次 = 基本达标 且 上年 等次 = 基本达标) 缺省 否
"""


def test_history_rank_change_bonus_stay_first_and_consecutive_grades() -> None:
    # 003 (七)1: +0.5 per place improved, cap 3; +1.5 for staying first; 003 五(三) two years 基本达标
    last = {
        "units": [
            {
                "unit": "甲",
                "group": "乡镇",
                "total": "90",
                "rank": 1,
                "rank_value": "名次",
                "grades": {"等次": "达标"},
            },
            {
                "unit": "乙",
                "group": "乡镇",
                "total": "50",
                "rank": 9,
                "rank_value": "名次",
                "grades": {"等次": "不达标"},
            },
            {
                "unit": "丙",
                "group": "乡镇",
                "total": "65",
                "rank": 3,
                "rank_value": "名次",
                "grades": {"等次": "基本达标"},
            },
        ]
    }
    res = by_name(
        run(
            HISTORY,
            [unit("甲", 得分=95), unit("乙", 得分=80), unit("丙", 得分=62), unit("新", 得分=10)],
            last,
        )
    )
    assert res["甲"].unit.values["进位加分"] == D("1.5")  # first both years
    assert res["乙"].unit.values["进位加分"] == D(3)  # 9 → 2: 7 × 0.5 = 3.5, cap 3
    assert res["丙"].unit.values["进位加分"] == D(0)  # 3 → 3
    assert res["新"].unit.values["进位加分"] == D(0)  # no history
    assert res["丙"].unit.flags == ["连续两年基本达标"]
    assert res["新"].unit.flags == []


def test_a_per_unit_value_may_not_read_a_group_value() -> None:
    rules = RANKED.replace(
        "    指标 基础 满分 100 = 得分\n", "    指标 基础 满分 100 = 得分\n    设 偷看 = 名次 + 1\n"
    )
    _, diags = frontend({"r.rules": rules})
    e501 = [d for d in diags if d.code == "E501"]
    assert len(e501) == 1
    assert "偷看" in e501[0].message() and "名次" in e501[0].message()


CONSEQUENCES = """
分组 区直
枚举 等次: 优秀, 达标
输入 得分: 数值 0 至 1000 "综合得分"
输入 在岗在编人数: 次数 "在岗在编工作人员人数(003 五(六))"
对照表 人均奖金 按 等次:
    优秀: 2000
    达标: 1000
对照表 优岗比例 按 等次:
    优秀: 20%
    达标: 15%
评分 区直:
    指标 综合 满分 1000 = 得分
评定 等次:
    优秀 前 1 名
    达标 其余
结果运用:
    输出 奖金总额 = 人均奖金[等次] × 在岗在编人数
    输出 优岗比例值 = 优岗比例[等次]
"""


def test_consequences_of_a_grade_are_outputs() -> None:
    # 003 五(六): 优秀 2000 per head × 12 = 24000; 达标 1000 × 8 = 8000; 五(五) 优岗 20% / 15%
    res = by_name(
        run(
            CONSEQUENCES,
            [
                unit("甲", "区直", 得分=900, 在岗在编人数=12),
                unit("乙", "区直", 得分=800, 在岗在编人数=8),
            ],
        )
    )
    assert res["甲"].unit.values["奖金总额"] == D(24000)
    assert res["乙"].unit.values["奖金总额"] == D(8000)
    assert res["甲"].unit.values["优岗比例值"] == D("0.20")


BY_GROUP = """
分组 区直
分组 驻区
枚举 等次: 优秀, 达标
输入 得分: 数值 0 至 1000 "综合得分"
输入 在岗在编人数: 次数 "在岗在编工作人员人数(003 五(六)1.)" 适用 区直
评分 区直, 驻区:
    指标 综合 满分 1000 = 得分
    标记 驻区单位 若 所在分组 = 驻区
评定 等次:
    优秀 前 1 名
    达标 其余
结果运用 适用 区直:
    输出 奖金总额 = (若 等次 = 优秀 则 2000 否则 1000) × 在岗在编人数
结果运用 适用 驻区:
    输出 奖金总额驻区 = 若 等次 = 优秀 则 40000 否则 20000
"""


def test_rules_can_test_the_unit_group_and_consequences_can_be_per_group() -> None:
    # 003 五(六): 区直 units get money per head, 驻区 units a fixed amount (4万 / 2万); one scoring
    # block serves both groups, and the per-head input is only asked of 区直 units
    res = by_name(
        run(
            BY_GROUP,
            [
                unit("区财政局", "区直", 得分=900, 在岗在编人数=10),
                unit("区审计局", "区直", 得分=800, 在岗在编人数=5),
                unit("赫山国税局", "驻区", 得分=700),
            ],
        )
    )
    assert res["区财政局"].unit.values["奖金总额"] == D(20000)  # 优秀: 2000 × 10
    assert res["区审计局"].unit.values["奖金总额"] == D(5000)  # 达标: 1000 × 5
    assert res["赫山国税局"].unit.values["奖金总额驻区"] == D(40000)  # first of its group
    assert "奖金总额" not in res["赫山国税局"].unit.values
    assert res["赫山国税局"].unit.flags == ["驻区单位"] and res["区财政局"].unit.flags == []


def test_a_group_name_that_does_not_exist_is_reported() -> None:
    _, diags = frontend({"g.rules": BY_GROUP.replace("所在分组 = 驻区", "所在分组 = 驻区单位X")})
    assert [d.code for d in diags if d.severity == "error"] == ["E204"]


def test_a_consequence_for_some_groups_cannot_be_read_for_others() -> None:
    rules = BY_GROUP + "结果运用:\n    输出 合计 = 奖金总额 + 1\n"
    _, diags = frontend({"g.rules": rules})
    assert any(d.code == "E203" and "奖金总额" in d.message() for d in diags)


SHARED_SHEET = """
分组 县政府部门
分组 镇街园区
输入 省专项: 数值 0 至 100 "省专项指标完成情况(002 四(一)1.1))" 适用 县政府部门
输入 年度考核: 数值 0 至 100 "县考核主体制定的年度考核得分(002 四(二)1.)" 适用 镇街园区
输入 争取支持量: 数值 0 至 inf "争取国家和省资金、项目(002 六(一)2.3))"
评分 县政府部门, 镇街园区:
    指标 年度 满分 100 = 若 所在分组 = 县政府部门 则 省专项 缺省 0 否则 年度考核 缺省 0
    组内:
        指标 争取支持加分 满分 2 = 2 × 争取支持量 ÷ 组内最高 争取支持量 缺省 0
        总分 = 年度 + 争取支持加分
"""


def test_one_sheet_for_two_groups_reads_inputs_given_for_only_one_of_them() -> None:
    # an input given for only some of a sheet's groups is absent for the others
    res = by_name(
        run(
            SHARED_SHEET,
            [
                unit("县发改局", "县政府部门", 省专项=80, 争取支持量=500),
                unit("县财政局", "县政府部门", 省专项=70, 争取支持量=250),
                unit("太平镇", "镇街园区", 年度考核=90, 争取支持量=0),
            ],
        )
    )
    assert res["县发改局"].unit.values["年度"] == D(80)
    assert res["太平镇"].unit.values["年度"] == D(90)
    # 2 × 250 ÷ 500 = 1; the town is alone in its group with 0: 0 ÷ 0 is absent → 0
    assert res["县财政局"].unit.values["争取支持加分"] == D(1)
    assert res["太平镇"].unit.values["争取支持加分"] == D(0)


def test_a_partly_given_input_must_be_handled_where_it_is_absent() -> None:
    rules = SHARED_SHEET.replace("则 省专项 缺省 0 否则", "则 省专项 否则")
    _, diags = frontend({"s.rules": rules})
    assert [d.code for d in diags if d.severity == "error"] == ["E206"]


def test_a_share_of_the_best_times_a_constant_is_bounded_by_the_constant() -> None:
    # 2 × X ÷ best X lies in [0, 2]: `满分 2` needs no cap, so no W402
    _, diags = frontend({"s.rules": SHARED_SHEET})
    assert diags == []


def test_a_quota_can_break_ties_with_a_chain_of_keys() -> None:
    # 000 第七条(一) "确定6个先进单位" gives no tie rule; a scheme that wants one writes it:
    # by the total, then by 指标 (the second key decides between the two units tied at 800)
    rules = """
分组 区直
枚举 等次: 先进, 其他
输入 得分: 数值 0 至 1000 "综合得分"
输入 指标: 数值 0 至 700 "指标评估得分"
评分 区直:
    指标 综合 满分 1000 = 得分
评定 等次:
    先进 前 1 名 按 总分, 指标
    其他 其余
"""
    res = run(
        rules,
        [
            unit("甲", "区直", 得分=800, 指标=500),
            unit("乙", "区直", 得分=800, 指标=600),
            unit("丙", "区直", 得分=700, 指标=700),
        ],
    )
    assert grades(res) == {"甲": "其他", "乙": "先进", "丙": "其他"}


def test_a_malformed_history_file_is_a_data_error_naming_the_entry() -> None:
    bad = {"units": [{"unit": "甲", "group": "乡镇", "total": [90]}, {"group": "乡镇", "rank": 2}]}
    with pytest.raises(DataError) as err:
        run(HISTORY, [unit("甲", 得分=95)], bad)
    found = {(p.unit, p.field) for p in err.value.problems}
    assert found == {("甲", "total"), (None, "unit")}


def test_one_consequence_defined_per_group_under_one_name() -> None:
    # 003 五(六): 区直 units get money per head, 驻区 units a fixed amount, both as 奖金总额
    rules = BY_GROUP.replace("输出 奖金总额驻区 =", "输出 奖金总额 =")
    res = by_name(
        run(
            rules,
            [
                unit("区财政局", "区直", 得分=900, 在岗在编人数=10),
                unit("赫山国税局", "驻区", 得分=700),
            ],
        )
    )
    assert res["区财政局"].unit.values["奖金总额"] == D(20000)  # 2000 × 10
    assert res["赫山国税局"].unit.values["奖金总额"] == D(40000)  # first of its group
    data = explain_data(*_explained(rules))
    entry = next(v for v in data["values"] if v["path"] == "奖金总额")
    assert "40000" in entry["text"] and entry["value"] == "40000"


def _explained(rules: str) -> tuple[Results, Any]:
    results = run(rules, [unit("赫山国税局", "驻区", 得分=700)])
    return results, results.by_name("赫山国税局")


def test_one_name_for_overlapping_groups_is_still_a_duplicate() -> None:
    rules = BY_GROUP.replace(
        "结果运用 适用 驻区:\n    输出 奖金总额驻区 =",
        "结果运用 适用 区直, 驻区:\n    输出 奖金总额 =",
    )
    _, diags = frontend({"g.rules": rules})
    assert "E202" in [d.code for d in diags]


def test_last_year_reads_last_years_facts_from_the_results_file() -> None:
    # 003 三(七)1.: places gained in the 全区排位 of an indicator (an input) against last year;
    # the results JSON carries each unit's facts, so this year's run reads last year's 排位
    rules = """
分组 乡镇
输入 排位: 次数 "城镇居民可支配收入增长率全区排位"
评分 乡镇:
    指标 排位进位加分 满分 3 = 最小(最大((上年 排位 缺省 排位) - 排位, 0) × 0.5, 3)
"""
    scheme = compile_sources("facts", {"f.rules": rules})
    last_year = score(scheme, validate({"units": [unit("泉交河镇", 排位=9)]}, scheme.model, "d"))
    history = json.loads(to_json(last_year))
    assert history["units"][0]["facts"] == {"排位": "9"}
    this_year = by_name(run(rules, [unit("泉交河镇", 排位=4), unit("新镇", 排位=2)], history))
    assert this_year["泉交河镇"].unit.values["排位进位加分"] == D("2.5")  # 9 → 4: 5 × 0.5
    assert this_year["新镇"].unit.values["排位进位加分"] == D(0)  # no history: no gain


def test_a_fact_of_last_year_that_is_not_a_number_is_a_data_error() -> None:
    rules = """
分组 乡镇
输入 排位: 次数 "全区排位"
评分 乡镇:
    指标 进位 满分 3 = 最小(最大((上年 排位 缺省 排位) - 排位, 0) × 0.5, 3)
"""
    history = {"units": [{"unit": "甲", "facts": {"排位": "第九"}}]}
    with pytest.raises(DataError) as err:
        run(rules, [unit("甲", 排位=4)], history)
    assert [(p.unit, p.field) for p in err.value.problems] == [("甲", "排位")]


STEPS = """
分组 镇
枚举 等次: 优秀, 良好, 合格, 不合格
输入 得分: 数值 0 至 100 "得分"
输入 极端事件: 是否 "发生个人极端事件"
输入 表彰: 是否 "获省级以上表彰"
评分 镇:
    指标 综合 满分 100 = 得分
评定 等次:
    优秀 前 1 名
    良好 若 总分 ≥ 80
    合格 若 总分 ≥ 60
    不合格 其余
    降一档 若 极端事件 条款 "在评定的等次基础上降低一个等次;已为不合格的,仍为不合格"
    升一档 若 表彰
"""


def test_step_down_moves_each_unit_one_grade_and_keeps_the_lowest() -> None:
    # 优秀 → 良好 (the quota place is not passed on), 良好 → 合格 (once, not on to 不合格),
    # 合格 → 不合格, 不合格 stays; 升一档: 合格 → 良好, 优秀 stays
    s = compile_sources("steps", {"s.rules": STEPS})
    units = [
        ("甲", 95, True, False),
        ("乙", 85, True, False),
        ("丙", 82, False, False),
        ("丁", 65, True, False),
        ("戊", 40, True, False),
        ("己", 62, False, True),
        ("庚", 30, True, True),
    ]
    data = {
        "units": [
            {"unit": n, "group": "镇", "facts": {"得分": x, "极端事件": e, "表彰": a}}
            for n, x, e, a in units
        ]
    }
    res = score(s, validate(data, s.model, "t"))
    got = {r.name: r.unit.grades["等次"] for r in res.units}
    assert got == {
        "甲": "良好",
        "乙": "合格",
        "丙": "良好",
        "丁": "不合格",
        "戊": "不合格",
        "己": "良好",
        "庚": "合格",  # 不合格 stays 不合格, then one up
    }


def test_a_step_before_every_unit_has_a_grade_is_refused() -> None:
    # before `其余` a unit may have no grade to move
    early = STEPS.replace("    优秀 前 1 名\n", "    降一档 若 表彰\n    优秀 前 1 名\n")
    _, diags = frontend({"s.rules": early})
    assert [d.code for d in diags if d.severity == "error"] == ["E203"]
    assert "其余" in str(diags[0].args)


def test_step_lines_translate_between_the_keyword_sets() -> None:
    from kaoping.formatter import format_text

    en = format_text(STEPS, to="en")
    assert "    step down if 极端事件 article" in en and "    step up if 表彰" in en
    assert compile_sources("en", {"s.rules": en}).model is not None


def test_a_quota_that_ties_give_to_more_units_is_warned_about() -> None:
    # 优秀名额不超过 30%: of 2 units the quota is 1, but two units tied on every key both get
    # it; the run says so (the document may settle ties otherwise); no tie, no warning
    s = compile_sources(
        "ties",
        {
            "t.rules": (
                '分组 乡镇\n枚举 等次: 优秀, 良好\n输入 得分: 数值 0 至 100 "得分"\n'
                "评分 乡镇:\n    指标 综合 满分 100 = 得分\n"
                "评定 等次:\n    优秀 前 30% 四舍五入\n    良好 其余\n"
            )
        },
    )

    def run_of(a: int, b: int) -> Results:
        data = {"units": [g2("甲", a), g2("乙", b)]}
        return score(s, validate(data, s.model, "t"))

    def g2(name: str, x: int) -> dict[str, Any]:
        return {"unit": name, "group": "乡镇", "facts": {"得分": x}}

    tied = run_of(95, 95)
    assert [r.unit.grades["等次"] for r in tied.units] == ["优秀", "优秀"]
    (w,) = tied.warnings
    assert (
        w.code == "quota-ties" and "2 units receive 优秀" in w.message and "quota is 1" in w.message
    )
    assert run_of(95, 90).warnings == ()


@pytest.mark.parametrize("line", ["    降为 一档 若 极端事件\n", "    降低一个等次 若 极端事件\n"])
def test_a_grade_named_one_step_points_to_step_down(line: str) -> None:
    # "降低一个等次" written as a grade (`降为 一档`): E204, with the line that says it
    from kaoping.diagnostics import render

    text = STEPS.replace("    降一档 若 极端事件 条款", line + "    降一档 若 极端事件 条款")
    _, diags = frontend({"s.rules": text})
    (e204,) = [d for d in diags if d.code == "E204"]
    assert "`降一档 若 …`" in render(e204, text, "zh")
