"""Exact sums of parts over different denominators, kept apart: `offset + Σ coefᵢ × numᵢ`.

A quotient by a group's best, or a group's mean standing in where an item does not apply,
gives each column a denominator that depends on the data; a sum of several such columns over
their least common denominator has numerators of a hundred digits and more, which numpy can
only hold as Python integers (slow). A `Linear` column keeps the sum as its parts instead: each
part an int64 column of numerators with an exact rational coefficient (one number for the
column), parts merged while their common form still fits in int64. Scaling by one number (÷ the
group's best, × a weight) only changes coefficients. Order questions (rank, best, lowest,
comparisons with a number) are answered on a float64 estimate whose error is bounded, and
exactly, in Python integers, for the units whose estimates are too close to tell apart; the
exact per-unit values (`num` over `den`) are built only when something reads them."""

from __future__ import annotations

from math import gcd, lcm
from typing import Any

import numpy as np

from kaoping.exact import Q
from kaoping.runtime.columnar.numbers import LIMIT, Array, Col, Mask, _both

# float64's unit round-off, and the margin the estimate's error bound is taken with
EPS = 2.0**-52
_FLOAT_SAFE = 2**53


class Linear(Col):
    """`offset + Σ coef × num` per unit, each `num` an int64 column bounded by its `bound`."""

    __slots__ = ("_made", "n", "offset", "parts")

    def __init__(self, parts: list[tuple[Array, Q, int]], offset: Q, present: Mask, n: int):
        self.parts = parts
        self.offset = offset
        self.present = present
        self.n = n
        self.whole = False
        self._made: tuple[Array, int, int] | None = None

    def __len__(self) -> int:
        return self.n

    def fits(self) -> bool:
        """Whether the one-denominator form fits in int64 (then it is cheap to build)."""
        if self._made is not None:
            return self._made[0].dtype != object
        den = lcm(int(self.offset.denominator), *(int(c.denominator) for _, c, _ in self.parts))
        bound = abs(int(self.offset * den))
        for _, coef, b in self.parts:
            bound += abs(int(coef * den)) * b
            if bound >= LIMIT:
                return False
        return True

    # the exact per-unit numerators over one denominator, built when first read
    def _materialize(self) -> tuple[Array, int, int]:
        if self._made is None:
            den = lcm(int(self.offset.denominator), *(int(c.denominator) for _, c, _ in self.parts))
            base = int(self.offset * den)
            factors = [int(coef * den) for _, coef, _ in self.parts]
            bound = abs(base) + sum(
                abs(m) * b for m, (_, _, b) in zip(factors, self.parts, strict=True)
            )
            wide = bound >= LIMIT or any(abs(m) >= LIMIT for m in factors)
            kind: Any = object if wide else np.int64
            total: Any = np.full(self.n, base, dtype=kind)
            for m, (num, _, _) in zip(factors, self.parts, strict=True):
                total = total + num.astype(kind) * m
            if self.present is not None:
                total = np.where(self.present, total, 0).astype(kind)
            self._made = (total, den, bound)
        return self._made

    @property
    def num(self) -> Array:
        return self._materialize()[0]

    @num.setter
    def num(self, value: Array) -> None:
        made = self._materialize()
        self._made = (value, made[1], made[2])

    @property
    def den(self) -> int:
        return self._materialize()[1]

    @den.setter
    def den(self, value: int) -> None:
        made = self._materialize()
        self._made = (made[0], value, made[2])

    @property
    def bound(self) -> int:
        return self._materialize()[2]

    @bound.setter
    def bound(self, value: int) -> None:
        made = self._materialize()
        self._made = (made[0], made[1], value)

    # ------------------------------------------------------------------ exact and estimated
    def scale(self, q: Q) -> Linear:
        """This sum × one number: only the coefficients change."""
        parts = [(num, coef * q, b) for num, coef, b in self.parts if coef * q != 0]
        return Linear(parts, self.offset * q, self.present, self.n)

    def take(self, start: int, stop: int) -> Linear:
        parts = [(num[start:stop], coef, b) for num, coef, b in self.parts]
        mask = None if self.present is None else self.present[start:stop]
        return Linear(parts, self.offset, mask, stop - start)

    def estimate(self) -> tuple[Any, float] | None:
        """A float64 value per unit and a bound on its error; None where a coefficient is
        beyond float range."""
        try:
            approx = np.full(self.n, _float(self.offset))
            size = abs(_float(self.offset))
            for num, coef, b in self.parts:
                c = _float(coef)
                approx += num.astype(np.float64) * c
                size += abs(c) * float(b)
        except OverflowError:
            return None
        if not np.isfinite(size):
            return None
        # each product and each addition is off by at most EPS relative; numerators beyond
        # 2**53 lose as much when converted: a wide margin over (parts + 2) roundings
        return approx, 4.0 * (len(self.parts) + 3) * EPS * (size + 1.0)

    def rows(self, idx: Array) -> Array:
        """The parts' numerators of units `idx`, one row per unit: equal rows, equal values."""
        if not self.parts:
            return np.zeros((len(idx), 1), dtype=np.int64)
        return np.stack([num[idx].astype(np.int64) for num, _, _ in self.parts], axis=1)

    def exact(self, idx: Array) -> tuple[list[int], int]:
        """The exact values of units `idx` as integers over one denominator, worked out once
        for each distinct row of parts."""
        den = lcm(int(self.offset.denominator), *(int(c.denominator) for _, c, _ in self.parts))
        distinct, which = np.unique(self.rows(idx), axis=0, return_inverse=True)
        out = [int(self.offset * den)] * len(distinct)
        for j, (_, coef, _) in enumerate(self.parts):
            m = int(coef * den)
            out = [o + m * x for o, x in zip(out, distinct[:, j].tolist(), strict=True)]
        return [out[i] for i in np.asarray(which).reshape(-1).tolist()], den


def linear_of(x: Any, n: int) -> Linear | None:
    """`x` as a Linear sum (a column, a number), or None for what is none (absent, flags)."""
    if isinstance(x, Linear):
        return x
    if isinstance(x, Col):
        num = x.num
        if num.dtype == object:
            return None
        return Linear(
            [(num.astype(np.int64, copy=False), Q(1, x.den), x.bound)], Q(0), x.present, n
        )
    if isinstance(x, Q | int) and not isinstance(x, bool):
        return Linear([], Q(x), None, n)
    return None


def linear_sum(values: list[Any], n: int) -> Linear | None:
    """Σ values as one Linear sum, parts merged while their common form fits in int64; None
    when a value has no such form (the caller then sums over one denominator)."""
    parts: list[tuple[Array, Q, int]] = []
    offset = Q(0)
    present: Mask = None
    for v in values:
        lin = linear_of(v, n)
        if lin is None:
            return None
        offset += lin.offset
        present = _both(present, lin.present)
        for part in lin.parts:
            _merge_into(parts, part)
    return Linear(parts, offset, present, n)


def _merge_into(parts: list[tuple[Array, Q, int]], part: tuple[Array, Q, int]) -> None:
    """Add `part` to the first part it shares an int64 form with (coefficient the rationals'
    greatest common divisor), else append it."""
    num, coef, b = part
    for i, (num2, coef2, b2) in enumerate(parts):
        common = Q(
            gcd(int(coef.numerator), int(coef2.numerator)),
            lcm(int(coef.denominator), int(coef2.denominator)),
        )
        m, m2 = int(coef / common), int(coef2 / common)
        bound = b * abs(m) + b2 * abs(m2)
        if bound < LIMIT and abs(m) < LIMIT and abs(m2) < LIMIT:  # (a column of zeros: b = 0)
            merged = num.astype(np.int64) * m + num2.astype(np.int64) * m2
            parts[i] = (merged, common, bound)
            return
    parts.append((num, coef, b))


# ------------------------------------------------------------------------------ order


def extreme(x: Linear, keep: Array, highest: bool) -> Q:
    """The group's highest (or lowest) value among units `keep` (at least one), exactly."""
    est = x.estimate()
    idx = np.flatnonzero(keep)
    if est is not None:
        approx, err = est
        a = approx[idx]
        edge = a.max() if highest else a.min()
        near = a >= edge - 2 * err if highest else a <= edge + 2 * err
        idx = idx[near]
    values, den = x.exact(idx)
    return Q(max(values) if highest else min(values), den)


def rank_linear(x: Linear, ascending: bool) -> Array | None:
    """Competition ranks (1 for the best, ties share) of the exact values: sorted on the
    estimate; neighbours whose estimates are within the error and whose parts differ are
    settled exactly. None when there is no estimate."""
    est = x.estimate()
    if est is None:
        return None
    approx, err = est
    n = x.n
    signed = approx if ascending else -approx
    # equal parts give equal estimates, so they sit together unless another unit's estimate
    # is the very same float (then the run is settled exactly below)
    order = np.argsort(signed)
    s = signed[order]
    close = np.zeros(n, dtype=bool)  # too close to the one before to tell apart
    if n:
        close[1:] = s[1:] - s[:-1] <= 2 * err
    # of those, the ones with the same parts as the one before (the same value) and the others
    at = np.flatnonzero(close)
    same = np.ones(len(at), dtype=bool)
    here, before = order[at], order[at - 1]
    for num, _, _ in x.parts:
        same &= num[here] == num[before]
    equal = np.zeros(n, dtype=bool)
    equal[at] = same
    unsure = np.zeros(n, dtype=bool)
    unsure[at] = ~same
    if unsure.any():
        chain = np.cumsum(~close)  # units chained by close neighbours share a number
        for c in np.unique(chain[unsure]).tolist():
            start = int(np.searchsorted(chain, c, "left"))
            stop = int(np.searchsorted(chain, c, "right"))
            run = order[start:stop]
            values, _ = x.exact(run)
            sign = 1 if ascending else -1
            pos = sorted(range(len(run)), key=lambda j: sign * values[j])
            order[start:stop] = run[pos]
            equal[start] = False
            for k in range(1, len(pos)):
                equal[start + k] = values[pos[k]] == values[pos[k - 1]]
    ranks = np.empty(n, dtype=np.int64)
    firsts = np.where(equal, 0, np.arange(1, n + 1))
    if n:
        ranks[order] = np.maximum.accumulate(firsts)
    return ranks


def compare_number(op: str, x: Linear, b: Q) -> Array | None:
    """`x op b` for each unit, b one number: on the estimate where it decides, exactly where
    it is within the error of b. None when there is no estimate."""
    est = x.estimate()
    if est is None:
        return None
    approx, err = est
    diff = approx - _float(b)
    sign = np.where(diff > err, 1, np.where(diff < -err, -1, 0)).astype(np.int64)
    unsure = np.flatnonzero(sign == 0)
    if len(unsure):
        values, den = x.exact(unsure)
        target = b * den
        sign[unsure] = [(v > target) - (v < target) for v in values]
    found: Array = {
        "=": sign == 0,
        "!=": sign != 0,
        "<": sign < 0,
        "<=": sign <= 0,
        ">": sign > 0,
        ">=": sign >= 0,
    }[op]
    return found


def _float(q: Any) -> float:
    """The rational's nearest float or one next to it (an error the bounds allow for)."""
    return float(q)
