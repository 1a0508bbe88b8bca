"""Exact decimal arithmetic for generated code. Nothing here ever touches a binary float."""

from __future__ import annotations

import decimal
import operator
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)
ONE = Decimal(1)

_MODES = {
    "half-up": decimal.ROUND_HALF_UP,
    "half-even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
}

# Enough digits that a quotient such as 1/3 of a weight never loses a cent at 2 places.
CONTEXT = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero],
)


def round_to(value: Decimal, places: int, mode: str) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=_MODES[mode])


def round_count(value: Decimal, mode: str) -> int:
    """A share of a head count, rounded to a whole number of units as the scheme says."""
    return int(value.quantize(ONE, rounding=_MODES[mode]))


def div(a: Decimal, b: Decimal) -> Decimal | None:
    """`a ÷ b`; absent when b is 0 (the rules must say what then, with `default`)."""
    if b == 0:
        return None
    return CONTEXT.divide(a, b)


def mul(a: Decimal, b: Decimal) -> Decimal:
    return CONTEXT.multiply(a, b)


def shortfall(x: Decimal, n: Decimal) -> Decimal:
    return n - x if x < n else ZERO


def excess(x: Decimal, n: Decimal) -> Decimal:
    return x - n if x > n else ZERO


def least(*xs: Decimal) -> Decimal:
    return min(xs)


def greatest(*xs: Decimal) -> Decimal:
    return max(xs)


def satisfied(*conds: bool) -> Decimal:
    return Decimal(sum(1 for c in conds if c))


def default(value: object, fallback: object) -> object:
    return fallback if value is None else value


def mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return CONTEXT.divide(sum(values, ZERO), Decimal(len(values)))


def weighted(
    parts: Iterable[tuple[Decimal | None, Decimal]],
    redistribute: bool,
    note: tuple[Any, int, tuple[str, ...]] | None = None,
) -> Decimal:
    """Weighted sum; an absent part's weight is shared equally among the present parts.
    `note` (traced scoring only): the unit, rule line and part names under which to record the
    weight each part was given, for `explain`."""
    items = list(parts)
    present = [(v, w) for v, w in items if v is not None]
    missing = sum((w for v, w in items if v is None), ZERO)
    share = (
        CONTEXT.divide(missing, Decimal(len(present)))
        if redistribute and missing and present
        else ZERO
    )
    if note is not None:
        unit, line, names = note
        unit.weight_notes[line] = [
            (name, v, None if v is None else w + share)
            for name, (v, w) in zip(names, items, strict=True)
        ]
    if not present:
        return ZERO
    return sum((mul(v, w + share) for v, w in present), ZERO)


def enum_score(value: str, values: tuple[str, ...]) -> Decimal:
    """Enums order best first: the first value scores highest."""
    return Decimal(len(values) - values.index(value))


_LIFTABLE: dict[str, Callable[..., object]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "neg": operator.neg,
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "and": lambda a, b: a and b,
    "or": lambda a, b: a or b,
    "not": operator.not_,
}


def lift(op: str, *args: object) -> object:
    """An operator over values that may be absent: absent in, absent out."""
    if any(a is None for a in args):
        return None
    return _LIFTABLE[op](*args)


def lift_in(value: object, values: tuple[str, ...]) -> bool | None:
    return None if value is None else value in values
