"""Items that may not apply to a unit (不涉及) and what the document says then: the section is
rescaled to its maximum by the maxima of the items that apply (不涉及项目折算), or the item takes
the other units' mean ("有关考核项目对有关单位基本不涉及的,给予其他被考评单位平均分", 004 三).
Each expected value is worked out by hand in the comment beside it."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from conftest import diagnostics
from helpers_scoring import compile_rules, run, unit, value
from kaoping.errors import DataError
from kaoping.explain import explain_text
from kaoping.explain_tree import explain_data
from kaoping.io.results import unit_json
from kaoping.io.validate import validate
from kaoping.scoring import score

RULES = """
scheme "乡镇综合考评(节选)"
group 乡镇
input 安全事故次数: count "全年安全生产事故次数"
input 不涉及安全生产: yesno "本单位不涉及安全生产考核"
input 信访得分: number 0 to 8 optional "信访工作得分(不涉及的为空)"
input 治安得分: number 0 to 9 "社会治安综合治理得分"
input 组织工作得分: number 0 to 100 optional "组织工作得分(不涉及的为空)"
scoring 乡镇:
    section 社会管理 max 20:
        rescale
        item 安全生产 max 3:
            start max
            deduct 1 per 安全事故次数
            until zero
            not applicable if 不涉及安全生产
        item 信访 max 8:
            start 信访得分
            not applicable if not present(信访得分)
        item 治安 max 9 = 治安得分
    across group:
        item 组织工作 max 100 article "004 三":
            start 组织工作得分
            not applicable if not present(组织工作得分) then group mean
        total = 社会管理 + 组织工作
"""

G = "乡镇"


def units() -> list[dict[str, Any]]:
    return [
        unit(
            "甲镇", G, 安全事故次数=1, 不涉及安全生产=False, 信访得分=6, 治安得分=8, 组织工作得分=90
        ),
        unit(
            "乙镇", G, 安全事故次数=0, 不涉及安全生产=True, 信访得分=7, 治安得分=9, 组织工作得分=80
        ),
        unit(
            "丙镇",
            G,
            安全事故次数=0,
            不涉及安全生产=True,
            信访得分=None,
            治安得分=6,
            组织工作得分=None,
        ),
    ]


@pytest.fixture(scope="module")
def scheme() -> Any:
    return compile_rules(RULES, "na")


def close(x: Any, want: Fraction) -> bool:
    """The value is the rational `want`: exactly where the runtime keeps rationals, within the
    34 significant digits of a decimal quotient otherwise."""
    return abs(Fraction(str(x)) - want) < Fraction(1, 10**30)


def test_a_section_where_every_item_applies_is_summed_as_written(scheme: Any) -> None:
    # 甲镇: 安全生产 3 − 1 = 2, 信访 6, 治安 8; maxima 3 + 8 + 9 = 20 = the section's, so the
    # factor is 20/20: 16
    r = run(scheme, units()).by_name("甲镇")
    assert value(r, "社会管理") == 16


def test_an_item_that_does_not_apply_rescales_its_section(scheme: Any) -> None:
    # 乙镇 不涉及安全生产: 信访 7 + 治安 9 = 16 out of 8 + 9 = 17; 16 × 20/17 = 320/17
    r = run(scheme, units()).by_name("乙镇")
    assert value(r, "社会管理.安全生产") is None
    assert close(value(r, "社会管理"), Fraction(320, 17))
    # 丙镇: neither 安全生产 nor 信访 applies: 治安 6 of 9; 6 × 20/9 = 40/3
    r = run(scheme, units()).by_name("丙镇")
    assert close(value(r, "社会管理"), Fraction(40, 3))


def test_the_rescaled_section_is_the_exact_rational_where_it_terminates(scheme: Any) -> None:
    # 丙镇 with 治安 4.5: 4.5 × 20/9 = 10 exactly
    data = units()
    data[2]["facts"]["治安得分"] = "4.5"
    assert value(run(scheme, data).by_name("丙镇"), "社会管理") == 10


def test_an_item_that_does_not_apply_takes_the_other_units_mean(scheme: Any) -> None:
    # 004 三: 丙镇 has no 组织工作; the others have 90 and 80: (90 + 80) ÷ 2 = 85
    results = run(scheme, units())
    assert value(results.by_name("丙镇"), "组织工作") == 85
    assert value(results.by_name("甲镇"), "组织工作") == 90
    # 甲镇 total = 16 + 90 = 106
    assert results.by_name("甲镇").total == 106  # type: ignore[union-attr]


def test_the_mean_is_over_the_units_the_item_applies_to(scheme: Any) -> None:
    # two units without 组织工作: both take 甲镇's 90 (the only unit it applies to)
    data = units()
    data[1]["facts"]["组织工作得分"] = None
    results = run(scheme, data)
    assert value(results.by_name("乙镇"), "组织工作") == 90
    assert value(results.by_name("丙镇"), "组织工作") == 90


def test_no_unit_to_take_the_mean_over_is_a_data_error(scheme: Any) -> None:
    data = units()
    for u in data:
        u["facts"]["组织工作得分"] = None
    with pytest.raises(DataError) as err:
        run(scheme, data)
    text = str(err.value)
    assert "组织工作" in text and "甲镇" in text and "mean does not exist" in text


def test_no_item_of_a_rescaled_section_applying_is_a_data_error(scheme: Any) -> None:
    s = compile_rules(
        RULES.replace(
            "item 治安 max 9 = 治安得分",
            "item 治安 max 9:\n            start 治安得分\n            not applicable if 不涉及安全生产",
        ),
        "na2",
    )
    data = units()
    with pytest.raises(DataError) as err:
        run(s, data)
    assert "丙镇" in str(err.value) and "社会管理" in str(err.value)


def test_results_list_the_items_that_do_not_apply(scheme: Any) -> None:
    results = run(scheme, units())
    r = results.by_name("丙镇")
    assert r is not None
    out = unit_json(r, scheme.model)
    assert out["not_applicable"] == ["社会管理.安全生产", "社会管理.信访", "组织工作"]
    assert out["scores"]["社会管理.信访"] is None
    assert "not_applicable" not in unit_json(results.by_name("甲镇"), scheme.model)  # type: ignore[arg-type]


def test_explain_shows_the_factor_and_the_mean(scheme: Any) -> None:
    results = score(scheme, validate({"units": units()}, scheme.model, "d"), trace=True)
    r = results.by_name("乙镇")
    assert r is not None
    text = explain_text(results, r)
    assert "rescaled × 20/17" in text and "not applicable 安全生产" in text
    assert "安全生产 = not applicable (max 3)" in text
    r = results.by_name("丙镇")
    assert r is not None
    text = explain_text(results, r)
    assert "rescaled × 20/9" in text and "not applicable 安全生产, 信访" in text
    assert "the other units' mean 85 (乙镇, 甲镇)" in text
    zh = explain_text(results, r, lang="zh")
    assert "折算 × 20/9" in zh and "不涉及 安全生产, 信访" in zh
    assert "安全生产 = 不涉及 (满分 3)" in zh and "其他单位平均分 85 (乙镇, 甲镇)" in zh
    values = {v["path"]: v for v in explain_data(results, r)["values"]}
    [step] = [s for s in values["社会管理"]["steps"] if s["kind"] == "rescale"]
    assert step["note"] == {"max": "20", "applicable": "9", "not_applicable": ["安全生产", "信访"]}
    assert step["before"] == "6"


def test_plain_and_traced_scoring_agree(scheme: Any) -> None:
    data = validate({"units": units()}, scheme.model, "d")
    plain = {r.name: dict(r.unit.values) for r in score(scheme, data).units}
    traced = {r.name: dict(r.unit.values) for r in score(scheme, data, trace=True).units}
    assert plain == traced


def test_a_given_value_of_an_item_counts_as_applying(scheme: Any) -> None:
    # 丙镇's 信访 given as 4: 信访 4 + 治安 6 = 10 of 8 + 9 = 17 → 10 × 20/17 = 200/17
    data = units()
    data[2]["given"] = {"信访": {"value": 4, "by": "县信访局"}}
    r = run(scheme, data).by_name("丙镇")
    assert close(value(r, "社会管理"), Fraction(200, 17))


def test_the_rescaled_range_is_known_to_the_checker() -> None:
    # children at most their maxima: the rescaled section is at most 20, so `cap 20` never binds
    text = RULES.replace("        rescale\n", "        rescale\n        cap 20\n")
    assert [d.code for d in diagnostics(text)] == ["W403"]


# ------------------------------------------------------------------ checks
HEAD = (
    'group G "g"\ninput x: number 0 to 5 "x"\ninput y: number 0 to 5 optional "y"\n'
    'input 不涉及: yesno "n"\nscoring G:\n'
)


def _errors(text: str) -> list[tuple[str, int]]:
    return [(d.code, d.span.line) for d in diagnostics(text) if d.severity == "error"]


def test_an_item_tested_absent_reads_its_value_as_present() -> None:
    ok = HEAD + (
        "    section s max 10:\n        rescale\n        item a max 5 = x\n"
        "        item b max 5:\n            start y\n            not applicable if not present(y)\n"
    )
    assert _errors(ok) == []
    # without the `not applicable` line, y may be absent
    assert _errors(ok.replace("            not applicable if not present(y)\n", "")) == [
        ("E206", 10)
    ]


def test_a_value_that_may_not_apply_must_be_handled_where_read() -> None:
    text = HEAD + (
        "    section s max 10:\n        rescale\n        item a max 5 = x\n"
        "        item b max 5:\n            start x\n            not applicable if 不涉及\n"
        "    let 差 = b - a\n    flag f if 差 > 1\n"
    )
    assert ("E206", 13) in _errors(text)


def test_an_item_at_the_top_that_may_not_apply_is_e207() -> None:
    text = HEAD + "    item b max 5:\n        start x\n        not applicable if 不涉及\n"
    [d] = [d for d in diagnostics(text) if d.severity == "error"]
    assert (d.code, d.span.line) == ("E207", 6)
    assert "the total does not say what then" in d.message()


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        (  # rescaling needs the section's maximum
            "    section s:\n        rescale\n        item a max 5 = x\n",
            7,
            "the section needs `max`",
        ),
        (  # and every child's
            "    section s max 5:\n        rescale\n        item a = x\n",
            8,
            "needs `max` above 0",
        ),
        (  # a sum, not a mean
            "    section s max 5:\n        rescale\n        take mean\n        item a max 5 = x\n",
            7,
            "cannot rescale",
        ),
        (  # an item has nothing to rescale
            "    item a max 5:\n        start x\n        rescale\n",
            8,
            "an item has none",
        ),
        (  # the group's mean reads other units
            "    item a max 5:\n        start x\n        not applicable if 不涉及 then group mean\n",
            8,
            "belongs in an `across group:` block",
        ),
        (  # one condition line per item
            "    item a max 5:\n        start x\n        not applicable if 不涉及 then group mean\n"
            "        not applicable if x > 4 then group mean\n",
            9,
            "an item has one `not applicable if` line",
        ),
    ],
)
def test_misused_rescale_and_not_applicable_are_rules_errors(
    body: str, line: int, words: str
) -> None:
    text = HEAD + body
    diags = [d for d in diagnostics(text) if d.severity == "error"]
    assert any(d.code == "E203" and d.span.line == line and words in d.message() for d in diags), [
        d.headline() for d in diags
    ]


def test_english_and_chinese_are_the_same_rules() -> None:
    en = compile_rules(
        HEAD + "    section s max 10:\n        rescale\n        item a max 5 = x\n"
        "        item b max 5:\n            start x\n            not applicable if 不涉及\n"
        "    across group:\n        item c max 5:\n            start x\n"
        "            not applicable if 不涉及 then group mean\n        total = s + c\n",
        "en",
    )
    zh = compile_rules(
        '分组 G "g"\n输入 x: 数值 0 至 5 "x"\n输入 y: 数值 0 至 5 可缺 "y"\n'
        '输入 不涉及: 是否 "n"\n评分 G:\n'
        "    部分 s 满分 10:\n        不涉及项目折算\n        指标 a 满分 5 = x\n"
        "        指标 b 满分 5:\n            起评 x\n            不涉及 若 不涉及\n"
        "    组内:\n        指标 c 满分 5:\n            起评 x\n"
        "            不涉及 若 不涉及 则 组内平均\n        总分 = s + c\n",
        "zh",
    )
    assert en.module == zh.module
    data = [unit("U", "G", x=4, 不涉及=True), unit("V", "G", x=2, 不涉及=False)]
    totals = {r.name: r.total for r in run(zh, data).units}
    # U: a 4 of 5 → 4 × 10/5 = 8; c takes V's 2 → 10.  V: (2 + 2) × 10/10 = 4; c 2 → 6
    assert totals == {"U": 10, "V": 6}


def test_a_sheet_rescales_by_its_own_maxima() -> None:
    s = compile_rules(
        'group G\ninput x: number 0 to 10 "x"\ninput 不涉及: yesno "n"\nscoring G:\n'
        "    section 个性指标 max 20:\n        rescale\n        item 共同 max 10 = x\n"
        "        for 县发改委:\n            item a max 10:\n                start max\n"
        "                not applicable if 不涉及\n"
        "        for 县教育局:\n            item b max 10 = 10\n",
        "sheet_rescale",
    )
    # (only 县发改委's sheet reads 不涉及: 县教育局 does not give it)
    data = [unit("县发改委", "G", x=6, 不涉及=True), unit("县教育局", "G", x=6)]
    totals = {r.name: r.total for r in run(s, data).units}
    # 县发改委: its a does not apply; 共同 6 of 10 → 6 × 20/10 = 12
    # 县教育局: its sheet has no such item: (6 + 10) × 20/20 = 16
    assert totals == {"县发改委": 12, "县教育局": 16}


# ------------------------------------------------------------------ a group the item is not for
GROUPS = """
group 街道
group 乡镇
input 防汛得分: number 0 to 7 "县防指评定的防汛抗旱得分" for 乡镇
input 信访得分: number 0 to 8 "信访得分"
scoring 街道, 乡镇:
    section 安全稳定 max 15:
        rescale
        item 信访 max 8 = 信访得分
        item 防汛抗旱 max 7:
            start 防汛得分
            not applicable if unit group = 街道
"""


def test_an_item_not_applying_to_a_group_reads_that_groups_missing_input_as_present() -> None:
    # 城区街道不承担防汛抗旱任务: the input is given by 乡镇 only, and the item's `start` runs
    # only where the item applies, so it needs no `default`
    assert _errors(GROUPS) == []
    assert _errors(GROUPS.replace("unit group = 街道", "unit group in {街道}")) == []
    assert _errors(GROUPS.replace("unit group = 街道", "unit group ≠ 乡镇")) == []
    assert _errors(GROUPS.replace("unit group = 街道", "信访得分 < 1 or unit group = 街道")) == []
    # a condition that does not rule the group out leaves the input absent for 街道's units
    for cond in ("unit group = 街道 and 信访得分 < 1", "信访得分 < 1"):
        assert _errors(GROUPS.replace("unit group = 街道", cond)) == [("E206", 11)], cond
    # an item left only to 街道 reads an input 街道 does not give
    [d] = [d for d in diagnostics(GROUPS.replace("= 街道", "= 乡镇")) if d.code == "E201"]
    assert (d.code, d.span.line) == ("E201", 11)
    assert d.hint() == "input '防汛得分' is given for 乡镇 only, not for 街道"
    assert d.hint("zh") == "输入 '防汛得分' 仅适用于 乡镇,不适用于 街道"


def test_the_group_the_item_is_not_for_is_rescaled_and_gives_no_input() -> None:
    scheme = compile_rules(GROUPS, "groups")
    r = run(
        scheme, [unit("城南", "街道", 信访得分=6), unit("东湖", "乡镇", 信访得分=6, 防汛得分=5)]
    )
    # 城南: 信访 6 of 8, rescaled to 15: 6 × 15 / 8 = 45/4; 东湖: 6 + 5 = 11 of 15
    assert close(value(r.by_name("城南"), "安全稳定"), Fraction(45, 4))
    assert close(value(r.by_name("东湖"), "安全稳定"), Fraction(11))
    with pytest.raises(DataError, match="防汛得分"):
        run(scheme, [unit("城南", "街道", 信访得分=6, 防汛得分=5)])
    with pytest.raises(DataError, match="防汛得分"):
        run(scheme, [unit("东湖", "乡镇", 信访得分=6)])


QUARTERS = """
分组 乡镇
输入 一季度得分: 数值 0 至 100 可缺 "第一季度考核得分(未开展考核的为空)"
输入 二季度得分: 数值 0 至 100 可缺 "第二季度考核得分(未开展考核的为空)"
输入 三季度得分: 数值 0 至 100 "第三季度考核得分"
评分 乡镇:
    部分 日常考核 满分 100 条款 "各季度平均;某季度未开展考核的,按已考核季度平均":
        取平均
        指标 一季度 满分 100:
            起评 一季度得分
            不涉及 若 非 有值(一季度得分)
        指标 二季度 满分 100:
            起评 二季度得分
            不涉及 若 非 有值(二季度得分)
        指标 三季度 满分 100 = 三季度得分
    部分 最好季度 满分 100 条款 "取已考核季度的最高分":
        取最高
        指标 甲 满分 100:
            起评 一季度得分
            不涉及 若 非 有值(一季度得分)
        指标 乙 满分 100:
            起评 二季度得分
            不涉及 若 非 有值(二季度得分)
"""


def test_a_mean_section_takes_the_mean_of_the_items_that_apply() -> None:
    # 甲镇: 80, (not assessed), 90 → (80 + 90) ÷ 2 = 85, not (80 + 0 + 90) ÷ 3; best of 80 = 80
    # 乙镇: 70, 95, 60 → 225 ÷ 3 = 75; best of 70 and 95 = 95
    s = compile_rules(QUARTERS, "quarters")
    res = run(
        s,
        [
            unit("甲镇", "乡镇", 一季度得分=80, 二季度得分=None, 三季度得分=90),
            unit("乙镇", "乡镇", 一季度得分=70, 二季度得分=95, 三季度得分=60),
        ],
    )
    got = {r.name: (value(r, "日常考核"), value(r, "最好季度")) for r in res.units}
    assert got == {"甲镇": (85, 80), "乙镇": (75, 95)}
    assert diagnostics(QUARTERS) == []  # no E207, and the ranges stay within 100


def test_a_highest_section_with_no_item_that_applies_is_a_data_error() -> None:
    # neither 一季度 nor 二季度 applies: 最好季度 has nothing to take (日常考核 still has 三季度)
    s = compile_rules(QUARTERS, "quarters")
    with pytest.raises(DataError) as err:
        run(s, [unit("甲镇", "乡镇", 一季度得分=None, 二季度得分=None, 三季度得分=90)])
    assert "甲镇" in str(err.value) and "'最好季度'" in str(err.value)
    assert "there is no highest to take" in str(err.value)


def test_a_summed_section_still_says_what_then() -> None:
    summed = QUARTERS.replace("        取平均\n", "")
    assert "E207" in [d.code for d in diagnostics(summed)]
