"""Keyed items (`item X by KEY:` / `指标 X 按 KEY:`): a rank or a count mapped to points in one
declaration, row by row, with the rows checked for gaps, overlaps and keys no row covers.

The documents' shapes: "1–5名依次得60、57、54、51、48分" (each rank its own value), "前3名分别
加10、5、3分" (one number a row), "10例以上得10分,不足的按比例得分" (a range mapped to a formula).
Every expected value is worked out by hand in the comment beside it."""

from __future__ import annotations

from typing import Any

import pytest

from helpers_scoring import D, compile_rules, run, unit, value
from kaoping.compiler.load import frontend
from kaoping.explain_tree import explain_data
from kaoping.io.validate import validate
from kaoping.scoring import score

RANKS = """
方案 "名次得分"
分组 单位
输入 名次: 次数 "本单位在全市的名次"
输入 例数: 次数 "全年查处案件例数"
评分 单位:
    指标 名次得分 满分 60 按 名次 条款 "名次得分":
        0: 0
        1 至 5: 60, 57, 54, 51, 48
        6 至 10: 40
        其余: 30
    指标 办案 满分 10 按 例数 条款 "办案":
        10 至 inf: 10
        其余: 例数 ÷ 10 × 10
"""


@pytest.mark.parametrize(
    ("rank", "expected"),
    [
        (1, 60),  # 1–5名依次60、57、54、51、48: the first value
        (2, 57),
        (3, 54),
        (4, 51),
        (5, 48),  # the fifth value
        (6, 40),  # 6 至 10: one value for every rank of the range
        (10, 40),
        (11, 30),  # no row covers 11: the otherwise row
        (0, 0),  # 0 = not ranked
    ],
)
def test_each_rank_of_a_range_takes_its_own_value(rank: int, expected: int) -> None:
    s = compile_rules(RANKS, "keyed_ranks")
    r = run(s, [unit("U", "单位", 名次=rank, 例数=10)]).by_name("U")
    assert value(r, "名次得分") == expected


@pytest.mark.parametrize(
    ("cases", "expected"),
    [
        (12, "10"),  # 10例以上: 10
        (10, "10"),  # 10 itself is 以上 (inclusive)
        (3, "3"),  # 不足10例按比例: 3 ÷ 10 × 10 = 3
        (7, "7"),
        (0, "0"),
    ],
)
def test_a_range_mapped_to_a_formula(cases: int, expected: str) -> None:
    s = compile_rules(RANKS, "keyed_ranks")
    r = run(s, [unit("U", "单位", 名次=1, 例数=cases)]).by_name("U")
    assert value(r, "办案") == D(expected)
    # total = 60 (rank 1) + the case points
    assert r is not None and r.total == 60 + D(expected)


def test_the_proportional_row_needs_no_cap_its_key_is_below_ten_there() -> None:
    # 例数 ÷ 10 × 10 is unbounded for any count, but the otherwise row only applies below 10
    # (10 至 inf covers the rest), so it reaches 9 at most: no W402 against max 10
    _model, diags = frontend({"r.rules": RANKS})
    assert [d.code for d in diags] == []


TOP3 = """
scheme "前三名"
group 县区
input 得分: number 0 to 100 "考核得分"
scoring 县区:
    item 基础 max 100 = 得分
    across group:
        let 名次 = rank by 基础
        item 名次加分 max 10 by 名次 article "前3名分别加10、5、3分":
            1: 10
            2: 5
            3: 3
            otherwise: 0
        total = 基础 + 名次加分
"""


def test_top_three_by_a_rank_computed_across_the_group() -> None:
    # scores 90, 80, 80, 70, 60 → ranks 1, 2, 2, 4, 5 → points 10, 5, 5, 0, 0
    s = compile_rules(TOP3, "keyed_top3")
    scores = {"甲": 90, "乙": 80, "丙": 80, "丁": 70, "戊": 60}
    res = run(s, [unit(n, "县区", 得分=x) for n, x in scores.items()])
    got = {r.name: value(r, "名次加分") for r in res.units}
    assert got == {"甲": 10, "乙": 5, "丙": 5, "丁": 0, "戊": 0}
    totals = {r.name: r.total for r in res.units}
    assert totals == {"甲": 100, "乙": 85, "丙": 85, "丁": 70, "戊": 60}


def test_explain_names_the_row_and_the_key() -> None:
    s = compile_rules(RANKS, "keyed_ranks")
    data = validate({"units": [unit("U", "单位", 名次=4, 例数=3)]}, s.model, "t")
    res = score(s, data, trace=True)
    r = res.by_name("U")
    assert r is not None
    values = {v["path"]: v for v in explain_data(res, r)["values"]}
    (step,) = values["名次得分"]["steps"]
    # rank 4 is the 4th value of the row on line 8 of the rules: 51
    assert (step["kind"], step["rule"], step["amount"], step["before"]) == (
        "row",
        "keyed_ranks.rules:8",
        "51",
        "4",
    )
    (step,) = values["办案"]["steps"]
    assert (step["rule"], step["amount"]) == ("keyed_ranks.rules:13", "3")


def test_traced_and_plain_scoring_agree() -> None:
    s = compile_rules(RANKS, "keyed_ranks")
    units = [unit(f"U{i}", "单位", 名次=i, 例数=2 * i) for i in range(13)]
    data = validate({"units": units}, s.model, "t")
    plain = score(s, data)
    traced = score(s, data, trace=True)
    assert [r.unit.values for r in plain.units] == [r.unit.values for r in traced.units]


def codes(rules: str) -> list[tuple[str, int, str]]:
    """The diagnostics (but W407: each test reads one of the two inputs of HEAD)."""
    _model, diags = frontend({"r.rules": rules})
    return [(d.code, d.span.line, d.message()) for d in diags if d.code != "W407"]


HEAD = """
分组 单位
输入 名次: 次数 "名次"
输入 得分率: 数值 0 至 1 "得分率"
评分 单位:
"""


def test_rows_that_leave_a_gap_are_reported_at_the_row_after_it() -> None:
    rules = HEAD + "    指标 甲 满分 10 按 名次:\n        0 至 3: 10\n        5 至 inf: 0\n"
    assert codes(rules) == [("E406", 8, "rows leave a gap between 3 and 5")]


def test_rows_that_overlap_are_reported() -> None:
    rules = HEAD + "    指标 甲 满分 10 按 名次:\n        0 至 3: 10\n        3 至 inf: 0\n"
    assert codes(rules) == [("E406", 8, "rows overlap at 3")]


def test_an_overlap_is_an_error_even_with_an_otherwise_row() -> None:
    rules = (
        HEAD + "    指标 甲 满分 10 按 名次:\n        1 至 3: 10\n        2: 5\n        其余: 0\n"
    )
    assert [c[:2] for c in codes(rules)] == [("E406", 8)]


def test_keys_no_row_covers_are_an_error_unless_there_is_an_otherwise_row() -> None:
    # a count can be 0 and any number above 3; the hint quotes the file's keyword (`其余`)
    rules = HEAD + "    指标 甲 满分 10 按 名次:\n        1 至 3: 10, 5, 3\n"
    assert codes(rules) == [
        ("E406", 7, "rows do not cover keys below 1; add an `其余` row"),
        ("E406", 7, "rows do not cover keys above 3; add an `其余` row"),
    ]
    assert codes(rules + "        其余: 0\n") == []


def test_whole_number_rows_meet_where_decimal_ones_would_leave_a_gap() -> None:
    # for a count, 1 至 5 and 6 至 10 meet; for a rate, 0.5 至 0.8 and 0.9 至 1 leave a gap
    whole = HEAD + "    指标 甲 满分 10 按 名次:\n        0 至 5: 10\n        6 至 inf: 0\n"
    assert codes(whole) == []
    rate = (
        HEAD
        + "    指标 乙 满分 10 按 得分率:\n        [0, 0.8): 5\n        0.9 至 1: 10\n"
        + "    指标 甲 按 名次:\n        0 至 inf: 0\n"
    )
    assert codes(rate) == [("E406", 8, "rows leave a gap between 0.8 and 0.9")]


def test_a_list_of_values_must_give_one_value_per_whole_number() -> None:
    rules = HEAD + "    指标 甲 满分 60 按 名次:\n        1 至 5: 60, 57, 54\n        其余: 0\n"
    assert codes(rules) == [("E406", 7, "rows list 3 values for the 5 whole numbers 1 to 5")]


def test_a_list_of_values_needs_a_whole_number_key() -> None:
    rules = HEAD + "    指标 乙 满分 10 按 得分率:\n        0 至 1: 5, 10\n"
    assert [c[:2] for c in codes(rules)] == [("E203", 7)]


def test_the_key_must_be_a_number_that_is_never_absent() -> None:
    rules = """
分组 单位
输入 名次: 次数 可缺 "名次"
评分 单位:
    指标 甲 按 名次:
        0 至 inf: 0
"""
    assert [c[0] for c in codes(rules)] == ["E206"]


def test_a_row_value_above_the_maximum_warns_as_a_formula_would() -> None:
    rules = HEAD + "    指标 甲 满分 10 按 名次:\n        1: 12\n        其余: 0\n"
    assert [c[0] for c in codes(rules)] == ["W402"]


def test_english_and_chinese_keyed_items_score_alike() -> None:
    english = """
group Unit
input place: count "place"
scoring Unit:
    item points max 60 by place:
        0: 0
        1 to 5: 60, 57, 54, 51, 48
        [6, 11): 40
        otherwise: 30
"""
    chinese = """
分组 Unit
输入 place: 次数 "place"
评分 Unit:
    指标 points 满分 60 按 place:
        0: 0
        1 至 5: 60, 57, 54, 51, 48
        [6, 11): 40
        其余: 30
"""
    got: list[Any] = []
    for i, text in enumerate((english, chinese)):
        s = compile_rules(text, f"keyed_lang{i}")
        res = run(s, [unit(f"U{k}", "Unit", place=k) for k in (0, 3, 10, 11)])
        got.append({r.name: value(r, "points") for r in res.units})
    # rank 0 → 0; rank 3 → the 3rd value 54; rank 10 lies in [6, 11) → 40; rank 11 → 30
    assert got[0] == got[1] == {"U0": 0, "U3": 54, "U10": 40, "U11": 30}


def test_a_keyed_item_whose_only_row_covers_no_whole_number_is_reported_not_a_crash() -> None:
    # found by the long fuzzing run: a whole-number key (a rank) with one row 0.25 to 0.75
    rules = """\
scheme "t"
group G "g"
input 名次: integer 1 to 10 "名次"
scoring G:
    item 排名分 max 5 by 名次:
        0.25 to 0.75: 5
"""
    _model, diags = frontend({"r.rules": rules})
    assert [(d.code, d.span.line) for d in diags if d.severity == "error"] == [("E406", 6)]
