"""Conditions a whole column at a time: comparisons, `and`/`or`/`not`, `in {…}`, `present()`,
`satisfied()`, and runs of one operator (`a + b - c`) folded as the per-unit backend folds
them. Absent in, absent out, as the per-unit `lift`."""

from __future__ import annotations

from typing import Any

import numpy as np

from kaoping.exact import Q
from kaoping.runtime.columnar.linear import Linear, compare_number
from kaoping.runtime.columnar.numbers import (
    Col,
    Flags,
    Labels,
    _aligned,
    _both,
    _mask,
    _present,
    absent,
    add,
    div,
    mul,
    neg,
    sub,
    total_of,
    truth,
)

_COMPARE = {
    "=": np.equal,
    "!=": np.not_equal,
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}


def compare(op: str, a: Any, b: Any) -> Flags | bool:
    """`a op b` for numbers, enum values or text, unit by unit; absent in, absent out."""
    if isinstance(a, Labels) or isinstance(b, Labels) or isinstance(a, str) or isinstance(b, str):
        ta = a.text if isinstance(a, Labels) else a
        tb = b.text if isinstance(b, Labels) else b
        truth = _COMPARE[op](ta, tb)
        return Flags(np.asarray(truth, dtype=bool), _both(_mask(a), _mask(b)))
    if isinstance(a, Flags) or isinstance(b, Flags) or isinstance(a, bool):
        ta = a.truth if isinstance(a, Flags) else a
        tb = b.truth if isinstance(b, Flags) else b
        return Flags(np.asarray(_COMPARE[op](ta, tb), dtype=bool), _both(_mask(a), _mask(b)))
    if a is None or b is None:  # one absent number for the whole group: absent, unit by unit
        col = a if isinstance(a, Col) else b
        if isinstance(col, Col):
            return Flags(np.zeros(len(col), dtype=bool), np.zeros(len(col), dtype=bool))
        return None  # type: ignore[return-value]
    if isinstance(a, Linear) and not isinstance(b, Col):
        found = compare_number(op, a, Q(b))
        if found is not None:
            return Flags(found, a.present)
    na, nb, _, _, present = _aligned(a, b)
    if not isinstance(na, np.ndarray) and not isinstance(nb, np.ndarray):
        return bool(_COMPARE[op](na, nb))
    return Flags(np.asarray(_COMPARE[op](na, nb), dtype=bool), present)


def member(a: Labels, values: tuple[str, ...]) -> Flags:
    return Flags(np.isin(a.text, list(values)), a.present)


def both(a: Flags | bool, b: Flags | bool) -> Flags | bool:
    if isinstance(a, bool) and isinstance(b, bool):
        return a and b
    ta = a.truth if isinstance(a, Flags) else a
    tb = b.truth if isinstance(b, Flags) else b
    return Flags(np.logical_and(ta, tb), _both(_mask(a), _mask(b)))


def either(a: Flags | bool, b: Flags | bool) -> Flags | bool:
    if isinstance(a, bool) and isinstance(b, bool):
        return a or b
    ta = a.truth if isinstance(a, Flags) else a
    tb = b.truth if isinstance(b, Flags) else b
    return Flags(np.logical_or(ta, tb), _both(_mask(a), _mask(b)))


def negate(a: Flags | bool) -> Flags | bool:
    if isinstance(a, Flags):
        return Flags(~a.truth, a.present)
    return not a


def is_present(a: Any, n: int) -> Flags:
    """`present(x)`: whether each unit has the value."""
    return Flags(_present(a, n).copy())


_ARITHMETIC = frozenset(("+", "-", "*", "/"))


def chain(n: int, zero_absent: bool, first: Any, *rest: Any) -> Any:
    """`first op₁ x₁ op₂ x₂ …` folded from the left, as the per-unit `chain` does (a run of
    + and − summed in one pass: exact sums do not depend on the order)."""
    ops = rest[0::2]
    if any(op in _ARITHMETIC for op in ops) and (
        first is None or any(x is None for x in rest[1::2])
    ):
        return absent(n)  # an absent number for the whole group (the mean of a value no unit has)
    if ops and all(op in ("+", "-") for op in ops):
        terms = [first] + [
            x if op == "+" else neg(x) for op, x in zip(ops, rest[1::2], strict=True)
        ]
        if any(isinstance(t, Col) for t in terms):
            return total_of(terms, n)
    value = first
    for i in range(0, len(rest), 2):
        op, x = rest[i], rest[i + 1]
        if op == "+":
            value = add(value, x)
        elif op == "-":
            value = sub(value, x)
        elif op == "*":
            value = mul(value, x)
        elif op == "/":
            value = div(value, x, zero_absent)
        elif op == "and":
            value = both(value, x)
        else:
            value = either(value, x)
    return value


def satisfied(n: int, *conds: Any) -> Col:
    """How many of the conditions hold, unit by unit."""
    count = np.zeros(n, dtype=np.int64)
    for c in conds:
        count += truth(c, n)
    return Col(count, 1, len(conds))


def choose(cond: Any, then: Any, otherwise: Any, n: int) -> Flags | Labels:
    """`if cond then a else b` for yes/no values, enum values or text, unit by unit (an absent
    condition counts as not holding, as Python's `if None` does)."""
    holds = truth(cond, n)
    if isinstance(then, Labels | str) or isinstance(otherwise, Labels | str):
        ta = then.text if isinstance(then, Labels) else then
        tb = otherwise.text if isinstance(otherwise, Labels) else otherwise
        chosen: Any = np.where(holds, ta, tb).astype(object)
    else:
        ta = then.truth if isinstance(then, Flags) else then
        tb = otherwise.truth if isinstance(otherwise, Flags) else otherwise
        chosen = np.asarray(np.where(holds, ta, tb), dtype=bool)
    present = np.where(holds, _present(then, n), _present(otherwise, n))
    mask = None if present.all() else present
    if chosen.dtype == object:
        return Labels(np.where(present, chosen, ""), mask)
    return Flags(chosen & present, mask)
