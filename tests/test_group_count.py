"""`group count` / `组内单位数`: how many units the group has (where a condition holds), for a
place turned into a share of the group ("得分=[1−(本院位次−1)÷(同类医院数−1)]×30"). A rank is not
a count when units tie for last place, so the count is its own construct. Each value is worked
out by hand; both backends agree."""

from __future__ import annotations

from typing import Any

import pytest

from helpers_columnar import same_results
from helpers_scoring import D
from kaoping.compiler.load import CompileError, compile_sources
from kaoping.explain import explain_text
from kaoping.formatter import format_text
from kaoping.io.validate import validate
from kaoping.scoring import Results, score

PERCENTILE = """
方案 "百分位"
分组 综合医院
分组 专科医院
输入 死亡率: 数值 0 至 100 "低风险组病例死亡率(%)"
输入 设置中医科: 是否 "设置中医科"
评分 综合医院, 专科医院:
    组内:
        设 位次 = 排名 按 死亡率 升序
        设 医院数 = 组内单位数
        设 中医科医院数 = 组内单位数 其中 设置中医科
        指标 死亡率得分 满分 30 = (1 - (位次 - 1) ÷ (组内单位数 - 1)) × 30 缺省 30
        总分 = 死亡率得分
    跨组 综合医院, 专科医院:
        设 全市医院数 = 组内单位数
"""


def _units(*rows: tuple[str, str, str, bool]) -> list[dict[str, Any]]:
    return [
        {"unit": u, "group": g, "facts": {"死亡率": rate, "设置中医科": tcm}}
        for u, g, rate, tcm in rows
    ]


ROWS = _units(
    ("甲院", "综合医院", "0.1", True),
    ("乙院", "综合医院", "0.2", False),
    ("丙院", "综合医院", "0.3", True),
    ("丁院", "综合医院", "0.3", False),
    ("戊院", "专科医院", "0.5", False),
)


def _run(units: list[dict[str, Any]]) -> Results:
    scheme = compile_sources("pct", {"s.rules": PERCENTILE})
    return score(scheme, validate({"units": units}, scheme.model, "data"), trace=True)


def test_the_count_is_not_the_highest_rank() -> None:
    # 综合医院: ranks 1, 2, 3, 3 (丙 and 丁 tie for last) but 4 hospitals:
    # 甲 (1 − 0 ÷ 3) × 30 = 30; 乙 (1 − 1/3) × 30 = 20; 丙, 丁 (1 − 2/3) × 30 = 10
    res = _run(ROWS)
    got = {r.name: r.unit.values["死亡率得分"] for r in res.units}
    assert got == {"甲院": D(30), "乙院": D(20), "丙院": D(10), "丁院": D(10), "戊院": D(30)}
    丙 = res.by_name("丙院")
    assert 丙 is not None
    assert 丙.unit.values["医院数"] == D(4) and 丙.unit.values["中医科医院数"] == D(2)


def test_a_group_of_one_divides_by_zero_and_takes_the_default() -> None:
    # 专科医院 has only 戊院: 1 − 1 = 0, the quotient is absent, 缺省 30
    res = _run(ROWS)
    戊 = res.by_name("戊院")
    assert 戊 is not None
    assert 戊.unit.values["医院数"] == D(1) and 戊.unit.values["中医科医院数"] == D(0)
    assert 戊.unit.values["死亡率得分"] == D(30)


def test_across_several_groups_it_counts_the_pool() -> None:
    res = _run(ROWS)
    assert {r.unit.values["全市医院数"] for r in res.units} == {D(5)}


def test_both_backends_agree() -> None:
    scheme = compile_sources("pct", {"s.rules": PERCENTILE})
    assert same_results(scheme, {"units": ROWS}) is not None


def test_it_reads_other_units_so_it_belongs_across_the_group() -> None:
    rules = PERCENTILE.replace("    组内:\n", "    设 错 = 组内单位数\n    组内:\n")
    with pytest.raises(CompileError) as err:
        compile_sources("pct", {"s.rules": rules})
    assert "E203" in str(err.value) and "组内:" in str(err.value)


def test_its_condition_is_a_yes_no_value() -> None:
    rules = PERCENTILE.replace("其中 设置中医科", "其中 死亡率")
    with pytest.raises(CompileError) as err:
        compile_sources("pct", {"s.rules": rules})
    assert "E203" in str(err.value)


def test_explain_shows_the_count_in_either_language() -> None:
    res = _run(ROWS)
    r = res.by_name("丙院")
    assert r is not None
    assert "group value: group count where 设置中医科 = 2" in explain_text(res, r)
    assert "组内值: 组内单位数 其中 设置中医科 = 2" in explain_text(res, r, lang="zh")


def test_fmt_translates_it() -> None:
    english = format_text(PERCENTILE, to="en")
    assert "let 中医科医院数 = group count where 设置中医科" in english
    assert format_text(english, to="zh") == format_text(PERCENTILE)


def test_a_place_over_the_count_lies_between_0_and_1() -> None:
    # no W402: (位次 − 1) ÷ (组内单位数 − 1) is at most 1, so the item stays within its 30
    scheme = compile_sources("pct", {"s.rules": PERCENTILE})
    assert scheme.warnings == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # a count where a condition holds may be below the place
        ("(组内单位数 - 1)) × 30", "((组内单位数 其中 设置中医科) - 1)) × 30"),
        # a place among the pooled groups may be above this group's count
        ("        设 位次 = 排名 按 死亡率 升序\n", ""),
    ],
)
def test_other_shares_are_not_bounded_so(old: str, new: str) -> None:
    rules = PERCENTILE.replace(old, new)
    if not new:  # the rank moves into the pool of both groups
        rules = rules.replace(
            "        设 全市医院数 = 组内单位数\n",
            "        设 全市医院数 = 组内单位数\n        设 位次 = 排名 按 死亡率 升序\n",
        )
    scheme = compile_sources("pct", {"s.rules": rules})
    assert [d.code for d in scheme.warnings] == ["W402"]


SHARE = PERCENTILE.replace(
    "        总分 = 死亡率得分\n",
    "        设 位次百分比 = 位次 ÷ 组内单位数\n"
    "        设 档位 = 分段 位次百分比 {(0, 10%]: 甲档, (10%, 30%]: 乙档, (30%, 1]: 丙档}\n"
    "        指标 位次分 满分 10 = (1 - 位次百分比) × 10\n"
    "        总分 = 死亡率得分 + 位次分\n",
).replace("评分 综合医院", "枚举 档: 甲档, 乙档, 丙档\n评分 综合医院")


def test_a_place_over_the_count_as_a_percentage_lies_above_0_up_to_1() -> None:
    # "位次百分比=本单位位次÷同类单位数,10%以内(含)为甲档……": the place over the count is above 0
    # and at most 1, so a band from (0, 10%] to (30%, 1] covers it and 位次分 stays within its 10
    # (before: E406 "do not cover values below 0", "above 1", and W402 on 位次分)
    scheme = compile_sources("pct", {"s.rules": SHARE})
    assert scheme.warnings == []
    results = score(scheme, validate({"units": ROWS}, scheme.model, "data"))
    got = {r.name: (r.unit.values["位次百分比"], r.unit.values["档位"]) for r in results.units}
    # 综合医院 of 4: 甲 1/4 = 25% 乙档, 乙 2/4 = 50% 丙档, 丙 and 丁 tie at 3: 3/4 丙档;
    # 专科医院 of 1: 戊 1/1 = 100% 丙档
    assert got == {
        "甲院": (D("1/4"), "乙档"),
        "乙院": (D("1/2"), "丙档"),
        "丙院": (D("3/4"), "丙档"),
        "丁院": (D("3/4"), "丙档"),
        "戊院": (D("1"), "丙档"),
    }
    assert same_results(scheme, {"units": ROWS}) is not None


def test_a_band_that_misses_a_share_says_what_range_the_share_has() -> None:
    with pytest.raises(CompileError) as err:
        compile_sources("pct", {"s.rules": SHARE.replace("(30%, 1]", "(30%, 90%]")})
    assert "do not cover values above 0.9: 位次百分比 lies in (0, 1]" in str(err.value)
    with pytest.raises(CompileError) as err:
        compile_sources("pct", {"s.rules": SHARE.replace("(0, 10%]", "(5%, 10%]")})
    assert "do not cover values at or below 0.05: 位次百分比 lies in (0, 1]" in str(err.value)
