"""`a ÷ b` where the divisor differs from unit to unit (完成率 = 实际完成 ÷ 各单位的年度目标): each
unit's quotient exact, over one denominator for the column, the least common multiple of the
quotients' own (reduced) denominators. Targets written in round figures share few of them, so
the column stays small; any data stays exact (Python integers where int64 would not hold it)."""

from __future__ import annotations

from math import gcd, lcm
from typing import Any

import numpy as np

from kaoping.runtime.columnar.numbers import Col, _dtype_for, _present, _tidy, constant

__all__ = ["MAX_BITS", "TooWide", "divide_by_column"]

# a column's denominator past this many bits (thousands of unrelated targets: 123457, 98731 …)
# would make every later operation on it slow: the run is scored per unit instead, exactly
MAX_BITS = 1024


class TooWide(Exception):
    """The quotients share no denominator of a useful size: score this run per unit."""


def divide_by_column(a: Any, b: Col, zero_absent: bool) -> Col:
    """Unit by unit `a ÷ b` (`a` a column or one number): absent where either is absent, and
    where `b` is 0 when `zero_absent` (as the per-unit `div`), else the error `/` raises there."""
    n = len(b)
    if not isinstance(a, Col):
        a = constant(a, n)
    present = _present(a, n) & _present(b, n)
    tops, bottoms, keep = a.num.tolist(), b.num.tolist(), present.tolist()
    quotients: list[tuple[int, int] | None] = []
    made: dict[tuple[int, int], tuple[int, int]] = {}
    for top, bottom, k in zip(tops, bottoms, keep, strict=True):
        if not k:
            quotients.append(None)
            continue
        if bottom == 0:
            if not zero_absent:
                raise ZeroDivisionError("division by zero")
            quotients.append(None)
            continue
        key = (int(top), int(bottom))
        q = made.get(key)
        if q is None:  # (top / a.den) ÷ (bottom / b.den), in lowest terms
            over, under = key[0] * b.den, a.den * key[1]
            if under < 0:
                over, under = -over, -under
            g = gcd(over, under) or 1
            q = made[key] = (over // g, under // g)
        quotients.append(q)
    den = 1
    for under in {q[1] for q in made.values()}:
        den = lcm(den, under)
        if den.bit_length() > MAX_BITS:
            raise TooWide(
                "a division by a value that differs from unit to unit: its quotients share no "
                f"denominator under {MAX_BITS} bits"
            )
    nums = [0 if q is None else q[0] * (den // q[1]) for q in quotients]
    bound = max((abs(x) for x in nums), default=0)
    dtype = _dtype_for(bound)
    column = np.array(nums, dtype=object) if dtype is object else np.array(nums, dtype=dtype)
    kept = np.array([q is not None for q in quotients], dtype=bool)
    return _tidy(Col(column, den, bound, None if kept.all() else kept))
