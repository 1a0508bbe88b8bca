"""Exact arithmetic for generated code: every number is a rational (`mpq`), so quotients,
means and weighted sums never round unless the scheme rounds them. No binary float anywhere."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kaoping.exact import ONE, ZERO, Q, round_count, round_to

__all__ = [
    "ONE",
    "ZERO",
    "Q",
    "default",
    "div",
    "enum_score",
    "excess",
    "greatest",
    "least",
    "lift",
    "lift_in",
    "mean",
    "mul",
    "round_count",
    "round_to",
    "satisfied",
    "shortfall",
    "weighted",
]


def div(a: Q | None, b: Q | None) -> Q | None:
    """`a ÷ b`; absent when either is absent or b is 0 (the rules must say what then, with
    `default`)."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def mul(a: Q, b: Q) -> Q:
    return a * b


def shortfall(x: Q, n: Q) -> Q:
    return n - x if x < n else ZERO


def excess(x: Q, n: Q) -> Q:
    return x - n if x > n else ZERO


def least(*xs: Q) -> Q:
    return min(xs)


def greatest(*xs: Q) -> Q:
    return max(xs)


def satisfied(*conds: bool) -> Q:
    return Q(sum(1 for c in conds if c))


def default(value: object, fallback: object) -> object:
    return fallback if value is None else value


def mean(values: Sequence[Q]) -> Q | None:
    if not values:
        return None
    return sum(values, ZERO) / len(values)


def weighted(
    parts: Iterable[tuple[Q | None, Q]],
    redistribute: bool,
    note: tuple[Any, int, tuple[str, ...]] | None = None,
) -> Q:
    """Weighted sum; an absent part's weight is shared equally among the present parts.
    `note` (traced scoring only): the unit, rule line and part names under which to record the
    weight each part was given, for `explain`."""
    items = parts if isinstance(parts, tuple) else tuple(parts)
    if note is None:  # every part present (the common case): nothing to share out
        total = None
        for v, w in items:
            if v is None:
                break
            total = v * w if total is None else total + v * w
        else:
            return ZERO if total is None else total
    present = [(v, w) for v, w in items if v is not None]
    missing = sum((w for v, w in items if v is None), ZERO)
    share = missing / len(present) if redistribute and missing and present else ZERO
    if note is not None:
        unit, line, names = note
        unit.weight_notes[line] = [
            (name, v, None if v is None else w + share)
            for name, (v, w) in zip(names, items, strict=True)
        ]
    if not present:
        return ZERO
    return sum((v * (w + share) for v, w in present), ZERO)


def enum_score(value: str, values: tuple[str, ...]) -> Q:
    """Enums order best first: the first value scores highest."""
    return Q(len(values) - values.index(value))


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
