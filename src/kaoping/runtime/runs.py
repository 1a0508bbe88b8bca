"""Long runs of one operator and long band tables, evaluated in a loop.

The emitter writes `a + b - c` as Python does; a run of hundreds of terms (a section of
hundreds of items, a flat sum written out in the rules) would nest deeper than Python's compiler
accepts, so it is written as `chain(a, '+', b, '-', c)` instead and folded here, left to right,
exactly as the operators would be."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "and": lambda a, b: a and b,
    "or": lambda a, b: a or b,
}


def chain(first: Any, *rest: Any) -> Any:
    """`first op₁ x₁ op₂ x₂ …` from the left (`rest` alternates operators and operands).

    Absent in, absent out, as `lift`; a quotient by zero is absent, as `div`. The checker only
    lets a run reach here with an absent operand or a zero divisor where the rules say what
    happens then (`default`)."""
    value = first
    for i in range(0, len(rest), 2):
        op, x = rest[i], rest[i + 1]
        if value is None or x is None:
            value = None
        elif op == "/":
            value = None if x == 0 else value / x
        else:
            value = _OPERATORS[op](value, x)
    return value


Bound = Any  # a number, or None for an open end (−∞ or +∞)


def band(x: Any, rows: Sequence[tuple[Bound, bool, Bound, bool, str]]) -> str:
    """The label of the first row `(low, low closed, high, high closed, label)` whose interval
    holds `x`; the last row when none before it does (the checker proved the rows cover every
    value `x` can take)."""
    return rows[band_index(x, rows)][4]


def band_index(x: Any, rows: Sequence[tuple[Bound, bool, Bound, bool, str]]) -> int:
    """The index of the row `band` takes the label of."""
    for i, (low, low_closed, high, high_closed, _label) in enumerate(rows[:-1]):
        above = low is None or (x >= low if low_closed else x > low)
        below = high is None or (x <= high if high_closed else x < high)
        if above and below:
            return i
    return len(rows) - 1
