"""What a condition proves where it holds and where it fails: the ranges an `if`'s branches and
a conditional clause's amount are typed within.

`if 目标 = 0 then 0 else 实际 ÷ 目标` divides only where 目标 ≠ 0, and `add 实际 ÷ 目标 × 10 if 目标 > 0`
only where 目标 > 0: the quotient exists there, so it needs no `default`. Only comparisons of
an input or a value with a number are used, joined by `and` (where it holds), by `or` (where
it fails), or under `not`. The per-unit backend computes a branch only where it is taken; the
columnar backend computes it everywhere and keeps it where taken (its quotients are absent in
the other rows, never read)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.requirements import ref_key
from kaoping.exact import Q, ceil, floor

if TYPE_CHECKING:
    from kaoping.compiler.model import Model

Narrow = dict[str, T.Ty]  # "input:NAME" / "value:PATH" → the range known to hold

_NEGATED = {"=": "!=", "!=": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}
_MIRRORED = {"=": "=", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}


def branch_ranges(cond: ir.Expr, model: Model, block: int) -> tuple[Narrow, Narrow]:
    """(what holds where `cond` holds, what holds where it fails), for a condition already
    typed in `block` (its names resolved)."""
    return _facts(cond, model, block, True), _facts(cond, model, block, False)


def within(narrow: Narrow, more: Narrow) -> Narrow:
    """`narrow` with `more` known too."""
    out = dict(narrow)
    for key, ty in more.items():
        out[key] = T.intersect(out[key], ty) if key in out else ty
    return out


def _facts(cond: ir.Expr, model: Model, block: int, holds: bool) -> Narrow:
    """What every comparison `cond` joins proves (a loop, not recursion: a condition may join
    hundreds): under `and` where it holds, under `or` where it fails, `not` turning one into
    the other; a comparison under any other join proves nothing."""
    known: Narrow = {}
    todo: list[tuple[ir.Expr, bool]] = [(cond, holds)]
    while todo:
        x, true = todo.pop()
        if isinstance(x, ir.Not):
            todo.append((x.operand, not true))
        elif isinstance(x, ir.Logic):
            if (x.op == "and") == true:  # both sides are known to hold (or to fail)
                todo += [(x.right, true), (x.left, true)]
        elif isinstance(x, ir.Compare):
            for key, ty in _compared(x, model, block, true).items():
                known[key] = T.intersect(known[key], ty) if key in known else ty
    return known


def _compared(cond: ir.Compare, model: Model, block: int, holds: bool) -> Narrow:
    op = cond.op if holds else _NEGATED[cond.op]
    key, term = ref_key(model, cond.left, block), cond.left
    number = _number(model, cond.right, block)
    if key is None or number is None:
        key, term = ref_key(model, cond.right, block), cond.right
        number = _number(model, cond.left, block)
        op = _MIRRORED[op]
    if key is None or number is None:
        return {}
    typed = model.types.get((id(term), block))
    return {key: _range(op, number, typed is not None and typed.integer)}


def _number(model: Model, x: ir.Expr, block: int) -> Q | None:
    """The one number `x` is (a literal, a constant the rules fix), else None."""
    t = model.types.get((id(x), block))
    if t is None or t.kind != "number" or t.low is None or t.low != t.high:
        return None
    return t.low


def _range(op: str, c: Q, integer: bool) -> T.Ty:
    """The numbers `x op c` allows (closed; a whole number moves past a strict bound, and a
    strict bound at 0 or `≠ 0` rules 0 out)."""
    if op == "=":
        return T.number(c, c)
    if op == "!=":
        return T.never_zero(T.ANY_NUMBER) if c == 0 else T.ANY_NUMBER
    if op in ("<", "<="):
        high = Q(ceil(c) - 1) if op == "<" and integer else c
        ty = T.number(None, high)
    else:
        low = Q(floor(c) + 1) if op == ">" and integer else c
        ty = T.number(low, None)
    return T.never_zero(ty) if op in ("<", ">") and c == 0 else ty
