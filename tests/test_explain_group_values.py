"""`explain` shows the group values an item's clauses read (the best a `start` divides by), as it
does for a one-line item: "start ≈-1.3534" traces to the best it was divided by. The units
holding the best are named as a policy writer reads them, not as a Python list."""

from __future__ import annotations

from kaoping.compiler.load import compile_sources
from kaoping.explain import explain_text
from kaoping.explain_tree import explain_data
from kaoping.io.validate import validate
from kaoping.scoring import score

RULES = """
分组 镇
输入 增幅: 数值 -100 至 inf "财政收入增幅(%)"
评分 镇:
    组内:
        指标 增幅得分 满分 15:
            起评 增幅 ÷ 组内最高 增幅 × 15 缺省 0
            封顶 满分
        指标 一行 满分 15 = 增幅 ÷ 组内最高 增幅 × 15 缺省 0
        总分 = 增幅得分 + 一行
"""


def _explained(lang: str = "en") -> tuple[str, dict[str, dict[str, object]]]:
    scheme = compile_sources("best", {"s.rules": RULES})
    units = [
        {"unit": "甲镇", "group": "镇", "facts": {"增幅": 12}},
        {"unit": "乙镇", "group": "镇", "facts": {"增幅": 8}},
    ]
    res = score(scheme, validate({"units": units}, scheme.model, "d"), trace=True)
    r = res.by_name("乙镇")
    assert r is not None
    values = {v["path"]: v for v in explain_data(res, r)["values"]}
    return explain_text(res, r, lang=lang), values


def test_a_block_item_shows_the_best_its_start_read() -> None:
    # 乙镇: 8 ÷ 12 × 15 = 10, the best 12 held by 甲镇
    text, values = _explained()
    assert values["增幅得分"]["group"] == values["一行"]["group"]
    item = text.split("增幅得分 = 10")[1].split("一行 =")[0]
    assert "group value: best 增幅 = 12" in item
    assert "group value: best 增幅: unit = 甲镇" in item


def test_the_units_holding_the_best_are_named_plainly() -> None:
    text, _ = _explained("zh")
    assert "组内值: 组内最高 增幅:单位 = 甲镇" in text
    assert "['" not in text


RATE = """
分组 镇
输入 实际: 数值 0 至 inf "实际到位资金"
输入 目标: 数值 1 至 inf "年度目标"
评分 镇:
    设 完成率 = 实际 ÷ 目标
    指标 超额加分 满分 3:
        加 1 每 向下舍入(超出(完成率, 1) ÷ 10%, 0)
        封顶 3
"""


def test_an_item_at_zero_shows_the_clause_that_added_nothing_and_the_value_it_read() -> None:
    # 完成率 0.8: 超出 0, + 0 (每超过10个百分点加1分): the 0 traces to its rule and to 完成率
    scheme = compile_sources("rate", {"s.rules": RATE})
    units = [{"unit": "甲镇", "group": "镇", "facts": {"实际": 80, "目标": 100}}]
    res = score(scheme, validate({"units": units}, scheme.model, "d"), trace=True)
    text = explain_text(res, res.units[0])
    item = text.split("超额加分 = 0")[1].split("total =")[0]
    assert "+ 0" in item and "s.rules:8" in item
    assert "values read: 完成率 = 0.8" in item
    zh = explain_text(res, res.units[0], lang="zh")
    assert "读取的值: 完成率 = 0.8" in zh
