"""Typing of the newer group values: a group mean's weight and condition, the range of a
share of the group's lowest (`k × group lowest X ÷ X` lies in [0, k]), of a distance to
the frontier (前沿距离: `(X − group lowest X) ÷ (best X − group lowest X)` lies in [0, 1]), and
of a place as a share of the group (百分位: `(位次 − 1) ÷ (group count − 1)` lies in [0, 1])."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.compiler import ir
from kaoping.compiler.walk import same
from kaoping.exact import Q

if TYPE_CHECKING:
    from kaoping.compiler.infer_context import Ctx
    from kaoping.compiler.infer_core import InferenceCore
    from kaoping.compiler.model import Model


def mean_parts(checker: InferenceCore, e: ir.GroupMean, ctx: Ctx) -> None:
    """A mean's weight (a number ≥ 0, never absent) and its condition (yes/no, never absent),
    both read for each unit of the group."""
    if e.weight is not None:
        w = checker.need_number(checker.infer(e.weight, ctx), e.weight, ctx)
        if w.low is None or w.low < 0:
            checker.type_error(
                e.weight.span,
                f"a weight must be a number ≥ 0; {e.weight} lies in {w.range_text}",
                "declare it `number 0 to …` or `count`",
                "请声明为 `数值 0 至 …` 或 `次数`",
                f"权数须是不小于 0 的数;{e.weight} 的取值范围是 {w.range_text}",
            )
    if e.where is not None:
        checker.need_bool(checker.infer(e.where, ctx), e.where)


def share_of_lowest(e: ir.BinOp) -> Q | None:
    """k for `group lowest X ÷ X` (k = 1) and `k × group lowest X ÷ X`: relative scores when
    less is better (the lowest unit gets k, the others less)."""
    left, x = e.left, e.right
    if isinstance(left, ir.GroupLowest) and same(left.operand, x):
        return Q(1)
    if isinstance(left, ir.BinOp) and left.op == "*":
        for low, k in ((left.left, left.right), (left.right, left.left)):
            if (
                isinstance(low, ir.GroupLowest)
                and same(low.operand, x)
                and isinstance(k, ir.Num)
                and k.value >= 0
            ):
                return k.value
    return None


def share_of_range(e: ir.BinOp) -> Q | None:
    """k for the distance to the frontier (前沿距离法) and k times it: `(X − group lowest X) ÷
    (best X − group lowest X)` when more is better, `(best X − X) ÷ (best X − group lowest X)`
    when less is better. X lies between the group's lowest and best (both over the units that
    have X), so the share lies in [0, 1]; it is absent when every unit has the same X."""
    den = e.right
    if not (
        isinstance(den, ir.BinOp)
        and den.op == "-"
        and isinstance(den.left, ir.Best)
        and isinstance(den.right, ir.GroupLowest)
        and same(den.left.operand, den.right.operand)
    ):
        return None
    x = den.left.operand
    num, k = e.left, Q(1)
    if isinstance(num, ir.BinOp) and num.op == "*":
        for part, factor in ((num.left, num.right), (num.right, num.left)):
            if isinstance(factor, ir.Num) and factor.value >= 0 and _distance(part, x):
                return factor.value
        return None
    return k if _distance(num, x) else None


def _distance(num: ir.Expr, x: ir.Expr) -> bool:
    """`X − group lowest X` or `best X − X`."""
    if not (isinstance(num, ir.BinOp) and num.op == "-"):
        return False
    left, right = num.left, num.right
    if isinstance(right, ir.GroupLowest) and same(right.operand, x) and same(left, x):
        return True
    return isinstance(left, ir.Best) and same(left.operand, x) and same(right, x)


def place_over_count(model: Model, e: ir.BinOp, ctx: Ctx) -> bool:
    """`(R − 1) ÷ (group count − 1)`, R a rank over the same units the count counts: a place
    is at most the number of units ranked, so the share lies in [0, 1] (absent for a group of
    one). A rank the data gives is checked as a whole number from 1, not against the count."""
    num, den = e.left, e.right
    if not (_less_one(num) and _less_one(den)):
        return False
    assert isinstance(num, ir.BinOp) and isinstance(den, ir.BinOp)
    count = den.left
    if not (isinstance(count, ir.GroupCount) and count.where is None):
        return False
    return _is_rank(model, num.left, ctx)


def place_share(model: Model, e: ir.BinOp, ctx: Ctx) -> bool:
    """`R ÷ group count`, R a rank over the same units the count counts (位次百分比 = 本单位位次 ÷
    同类单位数): above 0, and at most 1 (the last place), never absent (the count is 1 at least)."""
    count = e.right
    if not (isinstance(count, ir.GroupCount) and count.where is None):
        return False
    return _is_rank(model, e.left, ctx)


def _is_rank(model: Model, rank: ir.Expr, ctx: Ctx) -> bool:
    """A `rank by` (or a `let` holding one) over the units of the value's own scope."""
    owner = ctx.block.values.get(ctx.owner)
    here = owner.scope if owner is not None else ()
    if isinstance(rank, ir.Rank):
        return True
    if not isinstance(rank, ir.Ref):
        return False
    res = model.refs.get((id(rank), ctx.block.index))
    vd = ctx.block.values.get(res.target) if res is not None and res.kind == "value" else None
    return (
        vd is not None
        and isinstance(vd.node, ir.Let)
        and isinstance(vd.node.expr, ir.Rank)
        and vd.scope == here
    )


def _less_one(e: ir.Expr) -> bool:
    """`x − 1`."""
    return (
        isinstance(e, ir.BinOp)
        and e.op == "-"
        and isinstance(e.right, ir.Num)
        and e.right.value == 1
    )
