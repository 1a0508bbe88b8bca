"""An item's own maximum: `max` / `满分` as a name in its rules ("此项得分以满分为限": `cap max`),
the checker's warning for an item whose rules can never reach its maximum (W409), and a value
above its maximum at run time flagged on the unit (when the writer left a W402 unanswered)."""

from __future__ import annotations

import pytest

from helpers_scoring import D, compile_rules, run, unit, value
from kaoping.compiler.load import frontend
from kaoping.explain import explain_data
from kaoping.io.data import validate
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
        assert diags == [] and model is not None
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
        ("    指标 无满分:\n        起评 满分\n", "`start max` needs the item to declare `max`"),
    ],
)
def test_max_outside_an_item_with_a_maximum_is_a_type_error(line: str, words: str) -> None:
    _model, diags = frontend({"r.rules": OWN_MAX + line})
    assert [(d.code, words in d.message()) for d in diags] == [("E203", True)]
