"""A branch is checked knowing how it was reached: `if 目标 = 0 then 10 else 实际 ÷ 目标 × 10` divides
only where 目标 ≠ 0 (完成率 with a target that may be 0), `add 实际 ÷ 目标 if 目标 > 0` only where
目标 > 0, and `if 回收率 < 80 then 得分 × 回收率 ÷ 80 else 得分` stays within 得分. Both backends
score such rules alike: the columnar one computes every branch (and every keyed row) on every
unit and keeps the one taken, so a quotient by 0 in a branch not taken must not stop the run."""

from __future__ import annotations

import json

import pytest

from helpers_columnar import same_results
from helpers_scoring import compile_rules, unit
from kaoping.compiler.load import frontend

HEAD = """
scheme "完成率"
group 单位 "单位"
input 目标: number 0 to 100 "年度目标"
input 实际: number 0 to 100 "实际完成"
input 次数: count "次数"
scoring 单位:
"""


def codes(body: str) -> list[tuple[str, int]]:
    """The diagnostics of HEAD + body, but W407 for an input of HEAD the body does not read."""
    _model, diags = frontend({"r.rules": HEAD + body})
    return [(d.code, d.span.line) for d in diags if d.code != "W407"]


@pytest.mark.parametrize(
    "body",
    [
        "    item 完成 = if 目标 = 0 then 10 else 实际 ÷ 目标 × 10\n",
        "    item 完成 = if 目标 ≠ 0 then 实际 ÷ 目标 else 0\n",
        "    item 完成 = if 0 < 目标 then 实际 ÷ 目标 else 0\n",
        "    item 完成 = if not (目标 = 0) then 实际 ÷ 目标 else 0\n",
        "    item 完成 = if 目标 = 0 or 实际 = 0 then 0 else 实际 ÷ 目标\n",
        "    item 完成 = if 实际 > 0 and 目标 > 0 then 实际 ÷ 目标 else 0\n",
        "    item 完成 = if 次数 > 0 then 10 ÷ 次数 else 0\n",
        "    item 完成 max 10:\n        add 实际 ÷ 目标 if 目标 > 0\n        cap max\n",
        "    let 差 = 实际 - 目标\n    item 完成 = if 差 > 0 then 1 ÷ 差 else 0\n",
        # a keyed row open at 0: its key is never 0 there
        "    item 完成 by 目标:\n        (0, 100]: 实际 ÷ 目标\n        otherwise: 0\n",
    ],
)
def test_a_branch_reached_only_where_the_divisor_is_not_zero_needs_no_default(body: str) -> None:
    assert codes(body) == []


@pytest.mark.parametrize(
    "body",
    [
        # where 目标 > 0 fails, 目标 ≤ 0: it may be 0
        "    item 完成 = if 目标 > 0 then 0 else 1 ÷ 目标\n",
        # `or` proves nothing where it holds
        "    item 完成 = if 目标 > 0 or 实际 > 0 then 实际 ÷ 目标 else 0\n",
        # a condition on another value proves nothing of 目标
        "    item 完成 = if 实际 > 0 then 实际 ÷ 目标 else 0\n",
        # `≥ 0` keeps 0
        "    item 完成 max 10:\n        add 实际 ÷ 目标 if 目标 ≥ 0\n        cap max\n",
        # a keyed row closed at 0 holds 0
        "    item 完成 by 目标:\n        [0, 100]: 实际 ÷ 目标\n",
    ],
)
def test_a_condition_that_keeps_zero_still_asks_what_then(body: str) -> None:
    assert [code for code, _line in codes(body)] == ["E206"]


def test_a_branch_is_bounded_by_its_condition() -> None:
    # 回收率 < 80: 得分 × 回收率 ÷ 80 < 得分 ≤ 20, so the 20-point item needs no cap (was W402)
    body = (
        "    item 社会满意度 max 20 = if 实际 < 80 then least(目标, 20) × 实际 ÷ 80 "
        "else least(目标, 20)\n"
    )
    assert codes(body) == []
    # without the condition's knowledge the same formula can reach 25
    unbounded = body.replace("if 实际 < 80", "if 次数 = 0")
    assert codes(unbounded) == [("W402", 8)]


def test_a_default_the_condition_makes_unnecessary_is_a_warning() -> None:
    body = "    item 完成 = if 目标 > 5 then 实际 ÷ 目标 default 0 else 0\n"
    _model, diags = frontend({"r.rules": HEAD + body})
    diags = [d for d in diags if d.code != "W407"]
    assert [(d.code, d.severity) for d in diags] == [("W418", "warning")]
    assert "目标 is never 0 here" in diags[0].headline()


TOTALS = HEAD.replace('input 次数: count "次数"\n', "") + (
    "    item 完成 = if 目标 = 0 then 10 else 实际 ÷ 目标 × 10\n"
    "    item 加 max 5:\n        add 实际 ÷ 目标 if 目标 > 0\n        cap max\n"
    "    item 档 max 10 by 目标:\n        [1, 100]: 10 ÷ 目标\n        otherwise: 0\n"
)


def test_both_backends_score_branches_over_zero_divisors_alike() -> None:
    # 甲 目标 0: 完成 10, 加 0 (the clause does not apply), 档 0 (otherwise)
    # 乙 目标 4, 实际 3: 完成 3 ÷ 4 × 10 = 7.5, 加 3 ÷ 4 = 0.75, 档 10 ÷ 4 = 2.5
    # 丙 目标 0.5, 实际 6: 完成 120, 加 12 capped at 5, 档 0 (below 1)
    s = compile_rules(TOTALS, "branches")
    data = {
        "units": [
            unit("甲", "单位", 目标=0, 实际=7),
            unit("乙", "单位", 目标=4, 实际=3),
            unit("丙", "单位", 目标="0.5", 实际=6),
        ]
    }
    out = same_results(s, data)
    assert out is not None
    totals = {u["unit"]: u["total"] for u in json.loads(out)["units"]}
    assert totals == {"甲": "10", "乙": "10.75", "丙": "125"}


def test_explain_and_given_values_compute_a_clause_only_where_its_condition_holds() -> None:
    # 甲's 目标 is 0: the clause `add 实际 ÷ 目标 if 目标 > 0` is skipped, its amount never computed
    # (explain once computed it to show it, and divided by 0); 乙 gives 完成 (an appeal decision),
    # so it is scored by the variant that tests each value for being given
    from kaoping.explain import explain_text
    from kaoping.explain_tree import explain_data
    from kaoping.io.validate import validate
    from kaoping.scoring import score

    s = compile_rules(TOTALS, "branches")
    given = unit("乙", "单位", 目标=0, 实际=2)
    given["given"] = {"完成": {"value": 6, "by": "考核办复核"}}
    data = validate({"units": [unit("甲", "单位", 目标=0, 实际=7), given]}, s.model, "t")
    for traced in (True, False):
        res = score(s, data, trace=traced)
        totals = {r.name: r.total for r in res.units}
        assert totals == {"甲": 10, "乙": 6}  # 乙: 6 (given) + 0 + 0
    traced_res = score(s, data, trace=True)
    r = traced_res.by_name("甲")
    assert r is not None
    [step] = next(v for v in explain_data(traced_res, r)["values"] if v["path"] == "加")["steps"]
    assert (step["kind"], step["amount"], step["condition"]) == ("skip", None, {"目标": "0"})
    assert "its condition does not hold: 目标 = 0" in explain_text(traced_res, r)


def test_a_branch_no_unit_reaches_is_checked_without_a_crash() -> None:
    # in `else` of `if 次数 > 0`, 次数 is 0; `if 次数 > 0` inside it can never hold: its range is
    # empty, which once divided by the 0 at its top inside the checker (ZeroDivisionError)
    body = "    item 完成 = if 0 < 次数 then 1 ÷ 次数 else (if 次数 > 0 then 1 ÷ 次数 else 0)\n"
    assert codes(body) == []


def test_a_requirement_no_data_meets_is_checked_without_a_crash() -> None:
    # 目标 declared ≤ 0 and required ≥ 1: no unit can meet it (each one is a data error); the
    # checker once divided by the empty range's top, 0 (a traceback from `kaoping check`).
    # Where the requirement holds, 目标 ≥ 1: the quotient needs no default
    text = HEAD.replace('0 to 100 "年度目标"', '-5 to 0 "年度目标"') + (
        "    require 目标 ≥ 1\n    item 完成 = 1 ÷ 目标\n"
    )
    _model, diags = frontend({"r.rules": text})
    assert [d.code for d in diags if d.code != "W407"] == []
