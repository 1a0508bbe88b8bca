"""A section whose items each stay within an input or constant, bounded by a requirement on the
sum of those: items that start from 甲分值 and 乙分值 and only lose points, under
`require 甲分值 + 乙分值 = 1000`, sum to at most 1000. Intervals alone cannot see it (each
constant may be anything from 0 to 1000); this is what lets a 大块 whose 中项 share its 基础分
do without a `cap` that restates it.

An item's ceiling is `K + c` (K an input or constant, c a number), or a number when its range has
an upper end. Only clauses that never lift a value above where it started keep a ceiling:
deductions of amounts never below 0, caps, `until zero` and floors and `zero if` that stay under
it; the group's mean stands in for an item only when K is a constant (one number for every unit,
so the mean of values within it is within it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.model import BlockModel
from kaoping.compiler.requirements import declared
from kaoping.exact import Q

if TYPE_CHECKING:
    from kaoping.compiler.check_values import ValueTyping

Ceiling = tuple[str | None, Q]  # (key or None, number): the value is at most key + number


def section_ceiling(
    checker: ValueTyping, block: BlockModel, children: list[str], tys: list[T.Ty]
) -> Q | None:
    """The most the sum of `children` can be, by a requirement bounding the sum of the inputs
    or constants they stay within; None when no requirement says so."""
    if not block.sums:
        return None
    keys: list[str] = []
    extra = Q(0)
    for path, ty in zip(children, tys, strict=True):
        node = block.values[path].node
        ceiling = _item_ceiling(checker, block, node) if isinstance(node, ir.Item) else None
        if ceiling is None or ceiling[0] is None:
            if ty.high is None:
                return None
            ceiling = (None, ty.high if ceiling is None else min(ty.high, ceiling[1]))
        key, number = ceiling
        if key is not None:
            keys.append(key)
        extra += number
    if not keys or len(set(keys)) < len(keys):
        return None
    best: Q | None = None
    for summed, limit in block.sums:
        if not set(keys) <= summed:
            continue
        # the terms of the sum the section does not use are at least their lowest
        rest = [_low(checker, block, k) for k in summed - set(keys)]
        if any(low is None for low in rest):
            continue
        bound = limit - sum((low for low in rest if low is not None), Q(0)) + extra
        best = bound if best is None else min(best, bound)
    return best


def _low(checker: ValueTyping, block: BlockModel, key: str) -> Q | None:
    ty = declared(key, checker.model)
    known = block.known.get(key)
    return (T.intersect(ty, known) if known is not None else ty).low


def _item_ceiling(checker: ValueTyping, block: BlockModel, item: ir.Item) -> Ceiling | None:
    if item.formula is not None:
        return _start(checker, block, item.formula, None)
    starts = [c for c in item.clauses if isinstance(c, ir.Start)]
    if len(starts) != 1:
        return None
    ceiling = _start(checker, block, starts[0].value, item.max)
    if ceiling is None:
        return None
    key, number = ceiling
    # the least the ceiling can be: a floor, `until zero` or `zero if` must stay under it
    low = Q(0) if key is None else _low(checker, block, key)
    least = None if low is None else low + number
    for clause in item.clauses:
        if isinstance(clause, ir.Start | ir.Cap | ir.Uncapped):
            continue
        if isinstance(clause, ir.Add):
            if clause.sign > 0 or not _never_negative(checker, block, clause):
                return None
        elif isinstance(clause, ir.Floor):
            floor = checker.model.types.get((id(clause.value), block.index))
            if least is None or floor is None or floor.high is None or floor.high > least:
                return None
        elif isinstance(clause, ir.ZeroIf):
            if least is None or least < 0:
                return None
        elif isinstance(clause, ir.NotApplicable):
            # the group's mean stays within one number for every unit; an item that is merely
            # absent is summed by no section that does not rescale (E207)
            if not clause.group_mean or (key is not None and _is_input(key, checker)):
                return None
        else:  # rounding may lift a value over its ceiling; the rest are a section's
            return None
    return ceiling


def _start(
    checker: ValueTyping, block: BlockModel, value: ir.Expr | None, maximum: Q | None
) -> Ceiling | None:
    """The ceiling of where an item starts: `start max`, a number, an input or a constant."""
    if value is None:
        return None if maximum is None else (None, maximum)
    if isinstance(value, ir.Num):
        return (None, value.value)
    if isinstance(value, ir.Ref):
        res = checker.model.refs.get((id(value), block.index))
        if res is not None and res.kind == "constant":
            const = checker.model.constants[res.target]
            if const.value is not None:
                return (None, const.value)
            if isinstance(const.type, ir.NumberType | ir.CountType):
                return (f"input:{res.target}", Q(0))
        if res is not None and res.kind == "input" and not res.partial:
            decl = checker.model.inputs[res.target]
            if not decl.optional and isinstance(decl.type, ir.NumberType | ir.CountType):
                return (f"input:{res.target}", Q(0))
    return None


def _is_input(key: str, checker: ValueTyping) -> bool:
    return key.split(":", 1)[1] in checker.model.inputs


def _never_negative(checker: ValueTyping, block: BlockModel, clause: ir.Add) -> bool:
    """Whether a deduction takes away at least 0 (amount × per, both typed by the checker)."""
    amount = checker.model.types.get((id(clause.amount), block.index))
    if amount is None or amount.kind != "number":
        return False
    if clause.per is not None:
        per = checker.model.types.get((id(clause.per), block.index))
        if per is None or per.kind != "number":
            return False
        amount = T.mul(amount.required(), per.required())
    return amount.low is not None and amount.low >= 0
