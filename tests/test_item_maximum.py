"""An item's own maximum: `max` / `满分` as a name in its rules ("此项得分以满分为限": `cap max`),
the checker's warning for an item whose rules can never reach its maximum (W409), and a value
above its maximum at run time flagged on the unit (when the writer left a W402 unanswered)."""

from __future__ import annotations

import json

import pytest

from helpers_scoring import D, compile_rules, run, unit, value
from kaoping.compiler.load import frontend
from kaoping.explain import explain_text
from kaoping.explain_tree import explain_data
from kaoping.io.results import to_json, to_table
from kaoping.io.validate import validate
from kaoping.scoring import score

OWN_MAX = """
分组 单位
输入 采用篇数: 次数 "被采用的篇数"
输入 扣分: 数值 0 至 3 "考评组认定的扣分"
评分 单位:
    部分 协同推进 满分 10:
        指标 信息采用 满分 6:
            加 2 每 采用篇数
            封顶 满分
        指标 工作落实 满分 4:
            起评 满分 - 扣分
            保底 满分 × 50%
"""


@pytest.mark.parametrize(
    ("pieces", "deducted", "adopted", "done"),
    [
        (2, "1.5", 4, "2.5"),  # 2 × 2 = 4 under the cap 6; 4 − 1.5 = 2.5
        (4, "0", 6, 4),  # 4 × 2 = 8, capped at the item's maximum 6; 4 − 0 = 4
        (1, "3", 2, 2),  # 4 − 3 = 1, below the floor 4 × 50% = 2
    ],
)
def test_max_names_the_items_own_maximum(
    pieces: int, deducted: str, adopted: object, done: object
) -> None:
    s = compile_rules(OWN_MAX, "own_max")
    r = run(s, [unit("U", "单位", 采用篇数=pieces, 扣分=deducted)]).by_name("U")
    assert value(r, "协同推进.信息采用") == D(str(adopted))
    assert value(r, "协同推进.工作落实") == D(str(done))


def test_explain_shows_the_cap_at_the_maximum() -> None:
    s = compile_rules(OWN_MAX, "own_max")
    data = validate({"units": [unit("U", "单位", 采用篇数=4, 扣分=0)]}, s.model, "t")
    res = score(s, data, trace=True)
    r = res.by_name("U")
    assert r is not None
    values = {v["path"]: v for v in explain_data(res, r)["values"]}
    steps = [
        (st["kind"], st["amount"], st["before"]) for st in values["协同推进.信息采用"]["steps"]
    ]
    assert steps == [("add", "8", None), ("cap", "6", "8")]


def test_the_english_keyword_set_says_cap_max() -> None:
    english = """
group Unit
input pieces: count "pieces adopted"
scoring Unit:
    item adopted max 6:
        add 2 per pieces
        cap max
    item steady max 4:
        start max - 1
"""
    chinese = """
分组 Unit
输入 pieces: 次数 "pieces adopted"
评分 Unit:
    指标 adopted 满分 6:
        加 2 每 pieces
        封顶 满分
    指标 steady 满分 4:
        起评 满分 - 1
"""
    results = []
    for i, text in enumerate((english, chinese)):
        model, diags = frontend({"r.rules": text})
        # steady reaches 4 − 1 = 3 at most, below its maximum 4
        assert [d.code for d in diags] == ["W409"] and model is not None
        s = compile_rules(text, f"own_max_lang{i}")
        r = run(s, [unit("U", "Unit", pieces=5)]).by_name("U")
        results.append((value(r, "adopted"), value(r, "steady")))
    # 5 × 2 = 10 capped at 6; 4 − 1 = 3
    assert results == [(6, 3), (6, 3)]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("    设 x = 满分\n", "the maximum of the item whose rule it stands in"),
        (
            "    指标 无满分:\n        加 1\n        封顶 满分\n",
            "the maximum of '无满分', which declares none",
        ),
        ("    指标 无满分:\n        起评 满分\n", "`起评 满分` needs the item to declare `满分`"),
    ],
)
def test_max_outside_an_item_with_a_maximum_is_a_type_error(line: str, words: str) -> None:
    _model, diags = frontend({"r.rules": OWN_MAX + line})
    assert [(d.code, words in d.message()) for d in diags] == [("E203", True)]


# --------------------------------------------------------------------------- W409


def warnings(rules: str) -> list[tuple[str, str]]:
    """The diagnostics (but W407: 得分 is read by some of the cases only)."""
    _model, diags = frontend({"r.rules": rules})
    return [(d.code, d.message()) for d in diags if d.code != "W407"]


CHECKLIST = """
分组 单位
输入 调研: 是否 "开展改革调研"
输入 会商: 是否 "班子会商部署改革"
输入 得分: 数值 0 至 100 "得分"
评分 单位:
    指标 主体责任 满分 3:
        加 1 若 调研
        加 1 若 会商
"""


def test_an_item_whose_rules_can_never_reach_its_maximum_is_flagged() -> None:
    # two points of checklist under a maximum of 3: a third condition is probably missing
    assert warnings(CHECKLIST) == [
        ("W409", "the rules of '主体责任' reach at most 2, below its maximum 3")
    ]
    # with the third point it reaches 3: nothing to say
    assert warnings(CHECKLIST.replace("满分 3", "满分 2")) == []


@pytest.mark.parametrize(
    ("item", "upper"),
    [
        ("    指标 折算 满分 10 = 得分 × 5%\n", "5"),  # a formula: 100 × 5% = 5
        ("    指标 封顶低 满分 10:\n        起评 得分\n        封顶 8\n", "8"),  # a cap below
        ("    指标 档 满分 10 按 得分:\n        [60, 100]: 8\n        其余: 0\n", "8"),  # rows
    ],
)
def test_formulas_caps_and_rows_short_of_the_maximum_are_flagged(item: str, upper: str) -> None:
    rules = CHECKLIST.replace("满分 3", "满分 2") + item
    name = item.split()[1]
    assert warnings(rules) == [
        ("W409", f"the rules of '{name}' reach at most {upper}, below its maximum 10")
    ]


# --------------------------------------------------------------------------- above max at run time

UNCAPPED_BY_MISTAKE = """
分组 单位
输入 篇数: 次数 "被采用篇数"
评分 单位:
    指标 信息采用 满分 6:
        加 2 每 篇数
    指标 封顶的 满分 6:
        加 2 每 篇数
        封顶 满分
    指标 上不封顶的 满分 6:
        加 2 每 篇数
        上不封顶
"""


def test_a_value_above_its_maximum_with_no_cap_is_reported_on_the_unit() -> None:
    s = compile_rules(UNCAPPED_BY_MISTAKE, "above_max")
    assert [d.code for d in s.warnings] == ["W402"]  # the writer left it unanswered
    units = [unit("甲", "单位", 篇数=4), unit("乙", "单位", 篇数=3)]
    data = validate({"units": units}, s.model, "t")
    for traced in (False, True):
        res = score(s, data, trace=traced)
        a, b = res.by_name("甲"), res.by_name("乙")
        assert a is not None and b is not None
        # 甲: 4 × 2 = 8 > 6, kept (no cap) and reported; the capped copy is 6, the uncapped 8
        assert [(x.path, x.value, x.max) for x in a.unit.above_max] == [("信息采用", 8, 6)]
        assert (value(a, "信息采用"), value(a, "封顶的"), value(a, "上不封顶的")) == (8, 6, 8)
        # 乙: 3 × 2 = 6 is the maximum itself: nothing to report
        assert b.unit.above_max == []


def test_the_report_is_in_the_json_the_table_and_explain() -> None:
    s = compile_rules(UNCAPPED_BY_MISTAKE, "above_max")
    data = validate({"units": [unit("甲", "单位", 篇数=4)]}, s.model, "t")
    res = score(s, data, trace=True)
    (doc,) = json.loads(to_json(res))["units"]
    assert doc["warnings"] == [
        {
            "warning": "above max",
            "value": "信息采用",
            "amount": "8",
            "max": "6",
            "rule": "above_max.rules:4",
            "message": "信息采用 = 8 is above its maximum 6 (the rules set no cap)",
        }
    ]
    assert "  ! 甲: 信息采用 = 8 is above its maximum 6 (the rules set no cap)" in to_table(res)
    r = res.by_name("甲")
    assert r is not None
    data_ = explain_data(res, r)
    assert [w["value"] for w in data_["warnings"]] == ["信息采用"]
    flagged = {v["path"]: v["above_max"] for v in data_["values"] if v["kind"] == "item"}
    assert flagged == {"信息采用": True, "封顶的": False, "上不封顶的": False}
    assert "信息采用 = 8 (max 6)  ! above its maximum (the rules set no cap)" in explain_text(
        res, r
    )
