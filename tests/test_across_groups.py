"""Values across several groups (`across G1, G2:` / `跨组 G1, G2:`): a rank 在全区 over the
units of three groups that share one score sheet (003 三(七)1.: the 16 乡镇 and 街道 of 一(一)).

Every expected value is worked out by hand in the comment beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import kaoping
from conftest import diagnostics
from helpers_scoring import D, compile_rules, unit
from kaoping.cli import main
from kaoping.errors import DataError
from kaoping.explain import explain_text
from kaoping.explain_tree import explain_data
from kaoping.io.results import to_json
from kaoping.io.validate import validate
from kaoping.scoring import Results, score

# Three groups share one sheet; 区直 has its own. The bonus is 3 for the first place of the
# district, and the total adds it, so the rank within each group reads a value computed across
# the groups.
RULES = """
方案 "全区排位"
分组 工业 "工业发展型乡镇"
分组 农业 "农业发展型乡镇"
分组 街道 "街道"
分组 区直 "区直单位"
输入 增长率: 数值 -100 至 inf "增长率(%)"
输入 得分: 数值 0 至 100 "得分"
评分 工业, 农业, 街道:
    指标 基础 满分 100 = 得分
    设 上年排位 = 上年 排位
    跨组 工业, 农业, 街道 条款 "003 三(七)1.":
        设 排位 = 排名 按 增长率 条款 "003 三(七)1."
        设 倒数排位 = 排名 按 增长率 升序
        设 最高增长率 = 组内最高 增长率
        设 最低增长率 = 组内最低 增长率
        设 平均增长率 = 组内平均 增长率
        设 其他单位平均增长率 = 其他单位平均 增长率
        指标 第一加分 满分 3 = 若 排位 = 1 则 3 否则 0
        指标 前移加分 满分 3:
            加 0.5 每 超出(上年排位 缺省 0, 排位)
            封顶 3
        总分 = 基础 + 第一加分 + 前移加分
    组内:
        设 名次 = 排名 按 总分
评分 区直:
    指标 基础 满分 100 = 得分
    组内:
        设 名次 = 排名 按 总分
"""

# growth rates 12.5 (工业 甲镇), 9 (工业 乙镇), 12.5 (农业 丙乡), -3 (农业 丁乡), 10 (街道 戊街道);
# 局 (区直) is scored by another block and has no growth rate
UNITS = [
    unit("甲镇", "工业", 增长率=D("12.5"), 得分=80),
    unit("乙镇", "工业", 增长率=9, 得分=82),
    unit("丙乡", "农业", 增长率=D("12.5"), 得分=70),
    unit("丁乡", "农业", 增长率=-3, 得分=75),
    unit("戊街道", "街道", 增长率=10, 得分=90),
    unit("局", "区直", 得分=90),
]


def scored(rules: str = RULES, units: list[dict[str, Any]] = UNITS, history: Any = None) -> Results:
    scheme = compile_rules(rules, "quanqu")
    return score(scheme, validate({"units": units}, scheme.model, "t"), history, trace=True)


def values(res: Results, path: str) -> dict[str, Any]:
    return {r.name: r.unit.values.get(path) for r in res.units}


def test_ranks_pool_the_units_of_all_named_groups_and_ties_across_groups_share_a_place() -> None:
    # descending: 12.5 甲镇 (工业) and 12.5 丙乡 (农业) share 1; 10 戊街道 is 3 (2 is skipped);
    # 9 乙镇 is 4; -3 丁乡 is 5. 局 (区直) is not in the pool and has no such value.
    res = scored()
    assert values(res, "排位") == {
        "甲镇": 1,
        "乙镇": 4,
        "丙乡": 1,
        "丁乡": 5,
        "戊街道": 3,
        "局": None,
    }
    # ascending: -3 is 1, 9 is 2, 10 is 3, the two 12.5 share 4
    assert values(res, "倒数排位") == {
        "甲镇": 4,
        "乙镇": 2,
        "丙乡": 4,
        "丁乡": 1,
        "戊街道": 3,
        "局": None,
    }


def test_best_lowest_and_means_read_the_whole_pool() -> None:
    res = scored()
    pool = ("甲镇", "乙镇", "丙乡", "丁乡", "戊街道")
    # the best of the pool is 12.5 and the lowest -3, for every unit whatever its group
    assert {values(res, "最高增长率")[n] for n in pool} == {D("12.5")}
    assert {values(res, "最低增长率")[n] for n in pool} == {D(-3)}
    # mean: (12.5 + 9 + 12.5 − 3 + 10) ÷ 5 = 41 ÷ 5 = 8.2
    assert {values(res, "平均增长率")[n] for n in pool} == {D("8.2")}
    # the other units' mean: 甲镇 (41 − 12.5) ÷ 4 = 7.125; 丁乡 (41 + 3) ÷ 4 = 11
    peers = values(res, "其他单位平均增长率")
    assert (peers["甲镇"], peers["丁乡"]) == (D("7.125"), D(11))


def test_the_rank_within_a_group_reads_a_total_computed_across_groups() -> None:
    # 工业: 甲镇 80 + 3 (first of the district) = 83; 乙镇 82 + 0 = 82, so 甲镇 is first in 工业
    # although its own score is lower. 农业: 丙乡 70 + 3 = 73 against 丁乡 75: 丁乡 first.
    res = scored()
    totals = {r.name: r.total for r in res.units}
    assert totals == {
        "甲镇": D(83),
        "乙镇": D(82),
        "丙乡": D(73),
        "丁乡": D(75),
        "戊街道": D(90),
        "局": D(90),
    }
    assert {r.name: r.rank for r in res.units} == {
        "甲镇": 1,
        "乙镇": 2,
        "丙乡": 2,
        "丁乡": 1,
        "戊街道": 1,
        "局": 1,
    }


def test_the_order_of_the_units_in_the_data_never_matters() -> None:
    forward = scored()
    backward = scored(units=list(reversed(UNITS)))
    for path in ("排位", "倒数排位", "其他单位平均增长率", "total"):
        assert values(forward, path) == values(backward, path)


def test_last_years_rank_is_read_from_last_years_results() -> None:
    # last year 乙镇 was 5th of the district and 丁乡 2nd; this year 4th and 5th:
    # 乙镇 moves up 5 − 4 = 1 place: 0.5; 丁乡 moves down: 0. 甲镇 has no history: 0.
    history = {
        "units": [
            {"unit": "乙镇", "group": "工业", "total": "80", "scores": {"排位": "5"}},
            {"unit": "丁乡", "group": "农业", "total": "70", "scores": {"排位": "2"}},
        ]
    }
    res = scored(history=history)
    moved = values(res, "前移加分")
    assert (moved["乙镇"], moved["丁乡"], moved["甲镇"]) == (D("0.5"), D(0), D(0))
    assert values(res, "上年排位")["乙镇"] == D(5)


def test_a_rank_across_groups_reaches_next_years_history_through_the_results_file() -> None:
    # year 1: 乙镇 (9) is 4th of five; its results file carries 排位 = 4. Year 2: 乙镇 grows 13
    # and is first (13 > 12.5): 4 − 1 = 3 places × 0.5 = 1.5, and the first place's 3.
    year1 = scored()
    history = json.loads(to_json(year1))
    entry = next(u for u in history["units"] if u["unit"] == "乙镇")
    assert entry["scores"]["排位"] == "4"
    year2_units = [
        {**u, "facts": {**u["facts"], "增长率": 13}} if u["unit"] == "乙镇" else u for u in UNITS
    ]
    year2 = scored(units=year2_units, history=history)
    r = year2.by_name("乙镇")
    assert r is not None
    assert r.unit.values["排位"] == 1
    assert r.unit.values["前移加分"] == D("1.5")
    assert r.total == D(82) + 3 + D("1.5")


NARROW = """
分组 工业 "工业"
分组 农业 "农业"
分组 街道 "街道"
输入 增长率: 数值 -100 至 inf "增长率"
输入 得分: 数值 0 至 100 "得分"
评分 工业, 农业, 街道:
    指标 基础 满分 100 = 得分
    跨组 工业, 农业:
        设 乡镇排位 = 排名 按 增长率
        输出 乡镇最高增长率 = 组内最高 增长率
"""


def test_a_unit_of_a_group_outside_the_scope_is_not_pooled_and_has_no_such_value() -> None:
    # the pool is 工业 and 农业 only: 12.5, 9, 12.5, −3 → 1, 3, 1, 4 (戊街道's 10 is not counted:
    # with it, 乙镇 would be 4th); 戊街道 has neither value
    # 戊街道 gives no growth rate: no rule of 街道 reads it, so giving one is a data error
    street_rate = [*UNITS[:4], unit("戊街道", "街道", 增长率=10, 得分=90)]
    with pytest.raises(DataError, match="'戊街道', input '增长率'"):
        scored(NARROW, street_rate)
    res = scored(NARROW, [*UNITS[:4], unit("戊街道", "街道", 得分=90)])
    assert values(res, "乡镇排位") == {"甲镇": 1, "乙镇": 3, "丙乡": 1, "丁乡": 4, "戊街道": None}
    outputs = {u["unit"]: u["outputs"] for u in json.loads(to_json(res))["units"]}
    assert outputs["甲镇"] == {"乡镇最高增长率": "12.5"}
    assert outputs["戊街道"] == {}
    street = res.by_name("戊街道")
    assert street is not None
    shown = [v["path"] for v in explain_data(res, street)["values"]]
    assert "乡镇排位" not in shown and "基础" in shown


def test_explain_shows_the_groups_and_the_place_among_how_many_units() -> None:
    res = scored()
    r = res.by_name("戊街道")
    assert r is not None
    data = explain_data(res, r)
    rank = next(v for v in data["values"] if v["path"] == "排位")
    assert rank["scope"] == {"groups": ["工业", "农业", "街道"], "units": 5, "rank": True}
    best = next(v for v in data["values"] if v["path"] == "最高增长率")
    assert best["scope"] == {"groups": ["工业", "农业", "街道"], "units": 5, "rank": False}
    # the best is held by units of two groups
    assert best["group"]["best 增长率: unit"] == ["丙乡", "甲镇"]
    # a value of the block that reads only the unit's own values shows no pool
    bonus = next(v for v in data["values"] if v["path"] == "第一加分")
    assert bonus["scope"] is None
    text = explain_text(res, r)
    assert "    across 工业, 农业, 街道: rank 3 of 5" in text.splitlines()
    assert "    across 工业, 农业, 街道 (5 units)" in text.splitlines()
    # the header's rank is the rank within the group (戊街道 is alone in 街道)
    assert text.splitlines()[0].endswith("rank 1 of 1")
    zh = explain_text(res, r, lang="zh")
    assert "    跨组 工业、农业、街道:第 3 名(共 5 个)" in zh.splitlines()
    assert "    跨组 工业、农业、街道(共 5 个单位)" in zh.splitlines()


def test_explain_from_the_command_line(tmp_path: Any) -> None:
    rules = tmp_path / "quanqu.rules"
    rules.write_text(RULES.lstrip("\n"), "utf-8")
    data = tmp_path / "data.json"
    rates = {"甲镇": "12.5", "乙镇": "9", "丙乡": "12.5", "丁乡": "-3", "戊街道": "10"}
    plain = [
        {**u, "facts": {**u["facts"], "增长率": rates[u["unit"]]}} if u["unit"] in rates else u
        for u in UNITS
    ]
    data.write_text(json.dumps({"units": plain}, ensure_ascii=False), "utf-8")
    out = CliRunner().invoke(main, ["explain", str(rules), str(data), "--unit", "乙镇"])
    assert out.exit_code == 0, out.output
    assert "across 工业, 农业, 街道: rank 4 of 5" in out.output


ENGLISH = """
group 工业 "工业"
group 农业 "农业"
input 增长率: number -100 to inf "增长率"
scoring 工业, 农业:
    across 工业, 农业 article "003 三(七)1.":
        let 排位 = rank by 增长率
        total = 0
"""


def test_the_english_keywords_say_the_same() -> None:
    zh = ENGLISH.replace("group ", "分组 ").replace("input ", "输入 ").replace(": number", ": 数值")
    zh = (
        zh.replace(" to inf", " 至 inf")
        .replace("scoring ", "评分 ")
        .replace("across 工业", "跨组 工业")
    )
    zh = zh.replace("article", "条款").replace("let 排位 = rank by", "设 排位 = 排名 按")
    zh = zh.replace("total = 0", "总分 = 0")
    units = [
        unit("甲", "工业", 增长率=3),
        unit("乙", "农业", 增长率=5),
        unit("丙", "农业", 增长率=3),
    ]
    for text in (ENGLISH, zh):
        assert diagnostics(text.lstrip("\n")) == []
        # 5 first; the two 3s of different groups share the second place
        assert values(scored(text, units), "排位") == {"甲": 2, "乙": 1, "丙": 2}


DISTRIBUTED = """
分组 工业 "工业"
分组 农业 "农业"
枚举 档次: 优, 良
输入 增长率: 数值 -100 至 inf "增长率"
评分 工业, 农业:
    跨组 工业, 农业:
        设 档 = 分档 增长率 为 优 50%, 良 50% 四舍五入
        总分 = 0
"""


def test_a_forced_distribution_over_the_pool_of_several_groups() -> None:
    # four units, 50% 优 (half-up: 2 of 4): the two highest of the pool are both 工业 (9 and 8);
    # within each group alone, 丙 (3) would have been 优 and 乙 (8) 良
    units = [
        unit("甲", "工业", 增长率=9),
        unit("乙", "工业", 增长率=8),
        unit("丙", "农业", 增长率=3),
        unit("丁", "农业", 增长率=1),
    ]
    assert values(scored(DISTRIBUTED, units), "档") == {
        "甲": "优",
        "乙": "优",
        "丙": "良",
        "丁": "良",
    }


BOTH_RANKS = """
分组 工业 "工业"
分组 农业 "农业"
输入 得分: 数值 0 至 100 "得分"
评分 工业, 农业:
    指标 基础 满分 100 = 得分
    跨组 工业, 农业:
        设 全区名次 = 排名 按 总分
    组内:
        设 名次 = 排名 按 总分
"""


def test_the_reported_rank_is_the_rank_within_the_group() -> None:
    # totals 90 (工业 甲), 80 (工业 乙), 85 (农业 丙): in the district 1, 3, 2; within the groups
    # 1, 2, 1. The results report the rank within the group; the district's is a value.
    units = [unit("甲", "工业", 得分=90), unit("乙", "工业", 得分=80), unit("丙", "农业", 得分=85)]
    res = scored(BOTH_RANKS, units)
    assert {r.name: r.rank for r in res.units} == {"甲": 1, "乙": 2, "丙": 1}
    assert values(res, "全区名次") == {"甲": 1, "乙": 3, "丙": 2}
    doc = json.loads(to_json(res))
    assert {u["unit"]: u["rank_value"] for u in doc["units"]} == {
        "甲": "名次",
        "乙": "名次",
        "丙": "名次",
    }
    assert {u["unit"]: u["scores"]["全区名次"] for u in doc["units"]} == {
        "甲": "1",
        "乙": "3",
        "丙": "2",
    }
    # without a rank within the group, the district's is reported, and explain counts the pool
    only_district = BOTH_RANKS.replace("    组内:\n        设 名次 = 排名 按 总分\n", "")
    res = scored(only_district, units)
    assert {r.name: r.rank for r in res.units} == {"甲": 1, "乙": 3, "丙": 2}
    r = res.by_name("乙")
    assert r is not None
    assert explain_text(res, r).splitlines()[0] == "乙 (工业)  total 80  rank 3 of 3"


# ------------------------------------------------------------------ what the checker rejects
def only(text: str) -> Any:
    """The one error of a rules text (an input it leaves unused is a warning, not counted)."""
    found = [d for d in diagnostics(text.lstrip("\n")) if d.severity == "error"]
    assert len(found) == 1, [d.headline() for d in found]
    return found[0]


HEAD = """\
group 工业 "工业"
group 农业 "农业"
group 区直 "区直"
input 增长率: number -100 to inf "增长率"
input 得分: number 0 to 100 "得分"
scoring 区直:
    item 基础 max 100 = 得分
"""


def test_a_group_of_another_scoring_block_is_e503_at_the_across_line() -> None:
    d = only(
        HEAD + "scoring 工业, 农业:\n    item 基础 max 100 = 得分\n"
        "    across 工业, 区直:\n        let 排位 = rank by 增长率\n"
    )
    assert (d.code, d.span.line, d.span.col) == ("E503", 10, 5)
    assert "'区直'" in d.message() and "t.rules:6" in d.message()
    assert "区直" in d.message("zh") and "跨组" in d.message("zh")


def test_an_undeclared_group_is_e201() -> None:
    d = only(
        HEAD + "scoring 工业, 农业:\n    item 基础 max 100 = 得分\n"
        "    across 工业, 街道:\n        let 排位 = rank by 增长率\n"
    )
    assert (d.code, d.span.line) == ("E201", 10)
    assert "'街道'" in d.message()


def test_a_per_unit_value_reading_a_value_across_groups_is_e501_naming_the_block() -> None:
    d = only(
        HEAD + "scoring 工业, 农业:\n    item 基础 max 100 = 得分\n    let 偷看 = 排位 + 1\n"
        "    across 工业, 农业:\n        let 排位 = rank by 增长率\n"
    )
    assert (d.code, d.span.line) == ("E501", 10)
    assert "'偷看' is a per-unit value but reads '排位', a value across several groups" in (
        d.message()
    )
    assert d.hint() == "move '偷看' into the `across 工业, 农业:` block"
    assert "跨组计算的" in d.message("zh") and "跨组 工业、农业:" in d.hint("zh")


def test_a_value_across_groups_reading_a_group_value_is_e501() -> None:
    # the group stage runs after the values across groups: they cannot read it
    d = only(
        HEAD + "scoring 工业, 农业:\n    item 基础 max 100 = 得分\n"
        "    across 工业, 农业:\n        let 加分 = if 名次 = 1 then 1 else 0\n"
        "        total = 基础 + 加分\n"
        "    across group:\n        let 名次 = rank by 基础\n"
    )
    assert (d.code, d.span.line) == ("E501", 11)
    assert "a value across several groups but reads '名次', a group value" in d.message()
    assert d.hint() == "move '加分' into the `across group:` block"


def test_a_total_in_a_scope_that_leaves_out_a_group_is_e203() -> None:
    d = only(
        'group 街道 "街道"\n' + HEAD + "scoring 工业, 农业, 街道:\n    item 基础 max 100 = 得分\n"
        "    across 工业, 农业:\n        let 排位 = rank by 增长率\n        total = 基础 + 排位\n"
    )
    assert (d.code, d.span.line) == ("E203", 13)
    assert "leaves out 街道" in d.message()


def test_require_distributed_cannot_stand_across_groups() -> None:
    d = only(
        'enum 等级: 优, 良\ninput 测评: 等级 "测评"\n' + HEAD + "scoring 工业, 农业:\n"
        "    item 基础 max 100 = 得分\n    across 工业, 农业:\n"
        "        require 测评 distributed 优 50%, 良 50% rounded half-up\n"
    )
    assert (d.code, d.span.line) == ("E203", 13)
    assert "require … distributed" in d.message()


def test_nothing_for_every_group_may_read_a_value_only_some_groups_have() -> None:
    text = (
        'group 工业 "工业"\ngroup 农业 "农业"\ngroup 街道 "街道"\nenum 等次: 好, 差\n'
        'input 增长率: number -100 to inf "增长率"\n'
        "scoring 工业, 农业, 街道:\n    across 工业, 农业:\n        let 排位 = rank by 增长率\n"
        "grading 等次:\n    好 if 排位 = 1\n    差 otherwise\n"
    )
    d = only(text)
    assert (d.code, d.span.line) == ("E203", 10)
    assert "'排位' is computed only for 工业, 农业" in d.message()
    # a quota among the named groups only may read it
    quota = text.replace("    好 if 排位 = 1\n", "    好 top 1 by 排位 in 工业, 农业\n")
    assert diagnostics(quota) == []
    # a value of the block for every group is E203 too
    d = only(
        'group 街道 "街道"\n' + HEAD + "scoring 工业, 农业, 街道:\n"
        "    item 基础 max 100 = 得分\n    across 工业, 农业:\n"
        "        let 排位 = rank by 增长率\n    across group:\n        let 差 = 排位 - 1\n"
    )
    assert (d.code, d.span.line) == ("E203", 14)


# ------------------------------------------------------------------ heshan-2013, 003 三(七)1.
def heshan_sample() -> dict[str, Any]:
    path = Path(kaoping.__file__).parent / "schemes" / "heshan_2013" / "sample.json"
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def test_heshan_explains_a_towns_place_among_the_16_of_the_district() -> None:
    # the sample's 城镇居民可支配收入增长率 from high to low: 12.8 龙光桥镇, 12.5 会龙山, 12.2 赫山,
    # 11.9 八字哨镇, 11.6 岳家桥镇, 11.4 沧水铺镇, 11.1 衡龙桥镇, 10.7 笔架山乡, 10.4 欧江岔镇,
    # 10.1 牌口乡, 9.9 桃花仑, 9.6 新市渡镇, 9.3 泥江口镇, 9.0 泉交河镇 (14th), 8.6 金银山, 8.4 兰溪镇
    out = CliRunner().invoke(main, ["explain", "heshan-2013", "--sample", "--unit", "泉交河镇"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    at = lines.index(next(x for x in lines if x.startswith("城镇居民可支配收入增长率排位 = 14")))
    assert "across 工业发展型乡镇, 农业发展型乡镇, 街道: rank 14 of 16" in lines[at + 2]


def test_heshan_two_years_the_rank_gained_comes_from_last_years_results(tmp_path: Path) -> None:
    # year 1 is the sample; year 2 is the same data with 泉交河镇's 城镇居民可支配收入增长率 raised
    # from 9.0 to 10.5: below 10.7 (笔架山乡) and above 10.4 (欧江岔镇), so 9th instead of 14th.
    # 14 → 9: 5 places × 0.5 = 2.5; every other indicator keeps its place (0), and 泉交河镇 is
    # first in none, so its total rises by exactly 2.5. 龙光桥镇 stays first (12.8): +1.5.
    runner = CliRunner()
    year1 = tmp_path / "2012.json"
    out = runner.invoke(
        main, ["score", "heshan-2013", "--sample", "--format", "json", "-o", str(year1)]
    )
    assert out.exit_code == 0, out.output
    data = heshan_sample()
    for u in data["units"]:
        if u["unit"] == "泉交河镇":
            assert u["facts"]["城镇居民可支配收入增长率"] == "9.0"
            u["facts"]["城镇居民可支配收入增长率"] = "10.5"
    year2_data = tmp_path / "2013-data.json"
    year2_data.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    out = runner.invoke(
        main,
        ["score", "heshan-2013", str(year2_data), "--history", str(year1), "--format", "json"],
    )
    assert out.exit_code == 0, out.output
    before = {u["unit"]: u for u in json.loads(year1.read_text("utf-8"))["units"]}
    after = {u["unit"]: u for u in json.loads(out.output)["units"]}
    town = after["泉交河镇"]["scores"]
    assert before["泉交河镇"]["scores"]["城镇居民可支配收入增长率排位"] == "14"
    assert town["上年城镇居民可支配收入增长率排位"] == "14"
    assert town["城镇居民可支配收入增长率排位"] == "9"
    item = "加减分.加分.主要指标排位加分.城镇居民可支配收入增长率排位加分"
    assert town[item] == "2.5"
    assert town["加减分.加分.主要指标排位加分"] == "2.5"
    assert D(after["泉交河镇"]["total"]) == D(before["泉交河镇"]["total"]) + D("2.5")
    assert after["龙光桥镇"]["scores"][item] == "1.5"


def test_heshan_reads_last_years_rank_from_a_results_file_that_entered_it_as_a_fact(
    tmp_path: Path,
) -> None:
    # results written when the 全区排位 was entered by hand carry it among the facts; the rank
    # is now computed, and last year's figure is read with the rank's type. In the sample
    # 泉交河镇 is 14th in 城镇居民可支配收入增长率: from 8th it moved back, 0; 龙光桥镇 is 1st:
    # from 3rd, 2 places × 0.5 = 1
    history = tmp_path / "old.json"
    old = [
        {
            "unit": "泉交河镇",
            "group": "工业发展型乡镇",
            "facts": {"城镇居民可支配收入增长率排位": 8},
        },
        {
            "unit": "龙光桥镇",
            "group": "工业发展型乡镇",
            "facts": {"城镇居民可支配收入增长率排位": "3"},
        },
    ]
    # a results file names its scheme (one written before results carried a rules hash)
    history.write_text(json.dumps({"scheme": "heshan-2013", "units": old}, ensure_ascii=False))
    out = CliRunner().invoke(
        main,
        ["score", "heshan-2013", "--sample", "--history", str(history), "--format", "json"],
    )
    assert out.exit_code == 0, out.output
    after = {u["unit"]: u["scores"] for u in json.loads(out.stdout)["units"]}
    item = "加减分.加分.主要指标排位加分.城镇居民可支配收入增长率排位加分"
    assert after["泉交河镇"]["上年城镇居民可支配收入增长率排位"] == "8"
    assert after["泉交河镇"][item] == "0"
    assert after["龙光桥镇"][item] == "1"
    # the old file holds one of the five ranks: each other one read is absent, and said so
    assert "unit '泉交河镇': last year's results hold this unit but no value for '财政总收入" in (
        out.stderr
    )
