"""Exact numbers a whole column at a time: scaled integers, never floats.

A number column is `num / den`: an integer numerator per unit (int64 while it provably fits,
else Python ints in an object array) over one denominator shared by the column, a Python int.
Every column carries `bound`, an upper bound on |num| worked out from the operands' bounds
(interval arithmetic, no pass over the data), so an operation knows before it runs whether its
result still fits in int64; where it would not, the operands are widened to Python ints first.
Nothing is ever rounded except by `round_to`, in the scheme's mode, where the scheme says.

A value may be absent for some units (an optional input, a quotient by zero): `present` is then
a boolean mask (None: present for every unit), and the numerator there is 0 and meaningless,
exactly as the per-unit backend's `None` is."""

from __future__ import annotations

from itertools import repeat
from math import gcd, lcm
from operator import is_not
from typing import Any

import numpy as np
import numpy.typing as npt

from kaoping.exact import Mode, Q

# int64 holds |x| < 2**63; operations stay a factor of 2 below so a sum of two bounded
# operands never wraps before the bound check sees it
LIMIT = 2**62
INT32 = 2**31

Array = npt.NDArray[Any]
Mask = npt.NDArray[np.bool_] | None


class Col:
    """A column of exact rationals `num[i] / den` (see the module docstring)."""

    __slots__ = ("bound", "den", "num", "present", "whole")

    def __init__(self, num: Array, den: int, bound: int, present: Mask = None, whole: bool = False):
        self.num = num
        self.den = den
        self.bound = bound
        self.present = present
        # a rank: whole numbers the per-unit backend holds as Python ints
        self.whole = whole

    def __len__(self) -> int:
        return len(self.num)

    def values(self) -> list[Any]:
        """The column as the per-unit backend's values (exact rationals, None where absent)."""
        den = self.den
        if self.whole and den == 1:
            made: list[Any] = self.num.tolist()
        elif self.num.dtype != object and len(self.num) > 64:
            # one rational per distinct numerator, shared by the units that have it
            distinct, which = np.unique(self.num, return_inverse=True)
            made_once = [Q(n, den) for n in distinct.tolist()]
            made = [made_once[i] for i in which.tolist()]
        else:
            made = [Q(n, den) for n in self.num.tolist()]
        if self.present is None:
            return made
        keep = self.present.tolist()
        return [x if k else None for x, k in zip(made, keep, strict=True)]


class Flags:
    """A column of yes/no values, `present` as for `Col` (None: every unit has one)."""

    __slots__ = ("present", "truth")

    def __init__(self, truth: npt.NDArray[np.bool_], present: Mask = None):
        self.truth = truth
        self.present = present

    def __len__(self) -> int:
        return len(self.truth)

    def values(self) -> list[bool | None]:
        truth: list[bool | None] = self.truth.tolist()
        if self.present is None:
            return truth
        keep = self.present.tolist()
        return [t if k else None for t, k in zip(truth, keep, strict=True)]


class Labels:
    """A column of enum values or text (an object array of str), `present` as for `Col`."""

    __slots__ = ("present", "text")

    def __init__(self, text: Array, present: Mask = None):
        self.text = text
        self.present = present

    def __len__(self) -> int:
        return len(self.text)

    def values(self) -> list[str | None]:
        text: list[str | None] = self.text.tolist()
        if self.present is None:
            return text
        keep = self.present.tolist()
        return [t if k else None for t, k in zip(text, keep, strict=True)]


Num = Col | Q | int
Value = Col | Flags | Labels | Q | int | bool | str | None


# ------------------------------------------------------------------------------ building


def column(values: list[Any]) -> Col:
    """A column from exact rationals (None: absent); the denominator is the least common one."""
    distinct = set(values)  # few distinct values in most inputs: each converted once
    distinct.discard(None)
    den = lcm(*{int(v.denominator) for v in distinct}) if distinct else 1
    scaled_of: dict[Any, int] = {v: int(v * den) for v in distinct}
    scaled_of[None] = 0
    nums = list(map(scaled_of.__getitem__, values))
    # (`None in values` would compare every rational with None: far slower than `is`)
    present: Mask = np.fromiter(map(is_not, values, repeat(None)), dtype=bool, count=len(values))
    if present is not None and present.all():
        present = None
    try:
        num = np.array(nums, dtype=np.int64)
        bound = magnitude(num)
    except OverflowError:  # beyond int64: Python ints
        bound = max((abs(x) for x in nums), default=0)
        num = np.array(nums, dtype=object)
    if bound >= LIMIT:
        num = np.array(nums, dtype=object)
    return Col(_narrow(num, bound), den, bound, present)


def flags_or_labels(kind: str, values: list[Any]) -> Flags | Labels:
    """The per-unit backend's yes/no (`kind` "yesno") or text values (None: absent) as a
    column."""
    present = np.array([v is not None for v in values], dtype=bool)
    mask = None if present.all() else present
    if kind == "yesno":
        return Flags(np.array([bool(v) for v in values], dtype=bool), mask)
    return Labels(np.array(["" if v is None else v for v in values], dtype=object), mask)


def scaled(num: Array, den: int, present: Mask = None) -> Col:
    """A column from integer numerators over `den` (int64, or Python ints in an object array):
    how a reader that already holds exact fixed-point data (0.1 points: tenths) hands it over."""
    num = np.asarray(num)
    keep = num if present is None else np.where(present, num, 0)
    if keep.dtype == object:
        bound = max((abs(int(x)) for x in keep.tolist()), default=0)
    else:
        keep = keep.astype(np.int64, copy=False)
        bound = magnitude(keep)
    return Col(_narrow(keep, bound), den, bound, present)


def constant(value: Q, n: int) -> Col:
    """A column holding one number for every unit."""
    num, den = _parts(value)
    return Col(np.full(n, num, dtype=_dtype_for(abs(num))), den, abs(num))


def absent(n: int) -> Col:
    """A column absent for every unit."""
    return Col(np.zeros(n, dtype=np.int64), 1, 0, np.zeros(n, dtype=bool))


def _parts(value: Q | int) -> tuple[int, int]:
    if isinstance(value, int):
        return value, 1
    return int(value.numerator), int(value.denominator)


def _both(a: Mask, b: Mask) -> Mask:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def _wide(num: Array, bound: int) -> Array:
    """`num` in a type that holds a result bounded by `bound`: int32 while it fits (half the
    memory traffic), else int64, else Python ints."""
    if num.dtype == object:
        return num
    need = _dtype_for(bound)
    if need is object:
        return num.astype(object)
    if need is np.int64 and num.dtype != np.int64:
        return num.astype(np.int64)
    return num


def magnitude(num: Array) -> int:
    """The largest absolute value in an int64 column, as a Python int (numpy's `abs` of
    -2**63 is -2**63 itself: a bound taken that way would be negative)."""
    if not len(num):
        return 0
    return max(-int(num.min()), int(num.max()), 0)


def _narrow(num: Array, bound: int) -> Array:
    """An int64 column stored as int32 when its bound allows."""
    if num.dtype == np.int64 and bound < INT32:
        return num.astype(np.int32)
    return num


def _dtype_for(bound: int) -> Any:
    if bound >= LIMIT:
        return object
    return np.int32 if bound < INT32 else np.int64


# ------------------------------------------------------------------------------ arithmetic


def _aligned(a: Num, b: Num) -> tuple[Any, Any, int, int, Mask]:
    """Both operands over their least common denominator: (num a, num b, den, bound, present).
    A number that is not a column stays a Python int."""
    na, da, ba, pa = _split(a)
    nb, db, bb, pb = _split(b)
    den = lcm(da, db)
    fa, fb = den // da, den // db
    bound = ba * fa + bb * fb
    if isinstance(na, np.ndarray):
        na = _wide(na, max(bound, fa))
    if isinstance(nb, np.ndarray):
        nb = _wide(nb, max(bound, fb))
    if fa != 1:
        na = na * fa
    if fb != 1:
        nb = nb * fb
    return na, nb, den, bound, _both(pa, pb)


def _split(x: Num) -> tuple[Any, int, int, Mask]:
    if isinstance(x, Col):
        return x.num, x.den, x.bound, x.present
    num, den = _parts(x)
    return num, den, abs(num), None


def _col(num: Any, den: int, bound: int, present: Mask, like: Num, other: Num) -> Num:
    """A result column, or a plain number when neither operand was a column."""
    if not isinstance(num, np.ndarray):
        return Q(num, den)
    return _tidy(Col(num, den, bound, present))


def _tidy(c: Col) -> Col:
    """Absent entries hold 0 (so bounds and sums never read stale numerators)."""
    if c.present is not None and c.num.dtype == object:
        c.num = np.where(c.present, c.num, 0).astype(object)
    elif c.present is not None:
        c.num = np.where(c.present, c.num, 0)
    return c


def _is_zero(x: Num) -> bool:
    return not isinstance(x, Col) and x == 0


def _linear(*xs: Any) -> bool:
    from kaoping.runtime.columnar.linear import Linear

    return any(isinstance(x, Linear) for x in xs)


def _absent_as(a: Any, b: Any) -> Any:
    """What an operator gives when an operand is one absent number for the whole group (the mean
    or best of a value no unit has): absent, for every unit when the other is a column."""
    for x in (a, b):
        if isinstance(x, Col):
            return absent(len(x))
    return None


def add(a: Num, b: Num) -> Num:
    if a is None or b is None:
        return _absent_as(a, b)
    if _linear(a, b):
        return total_of([a, b], len(a if isinstance(a, Col) else b))  # type: ignore[arg-type]
    if _is_zero(a) and isinstance(b, Col):  # x = 0; x += …: no new column
        return b
    if _is_zero(b) and isinstance(a, Col):
        return a
    na, nb, den, bound, present = _aligned(a, b)
    return _col(na + nb, den, bound, present, a, b)


def sub(a: Num, b: Num) -> Num:
    if a is None or b is None:
        return _absent_as(a, b)
    if _linear(a, b):
        return add(a, neg(b))
    if _is_zero(a) and isinstance(b, Col):
        return neg(b)
    if _is_zero(b) and isinstance(a, Col):
        return a
    na, nb, den, bound, present = _aligned(a, b)
    return _col(na - nb, den, bound, present, a, b)


def neg(a: Num) -> Num:
    if a is None:
        return None
    if _linear(a):
        scaled_a: Col = a.scale(Q(-1))  # type: ignore[union-attr]
        return scaled_a
    if isinstance(a, Col):
        return Col(-a.num, a.den, a.bound, a.present)
    return -Q(a)


def mul(a: Num, b: Num) -> Num:
    if a is None or b is None:
        return _absent_as(a, b)
    if not isinstance(a, Col) and not isinstance(b, Col):
        return Q(a) * Q(b)
    if not isinstance(a, Col):
        a, b = b, a
    assert isinstance(a, Col)
    if _linear(a) and not isinstance(b, Col):  # × one number: the coefficients change
        scaled_a: Col = a.scale(Q(b))  # type: ignore[attr-defined]
        return scaled_a
    if isinstance(b, Col):
        bound = a.bound * b.bound
        na, nb = _wide(a.num, bound), _wide(b.num, bound)
        den = a.den * b.den
        return _reduce(Col(na * nb, den, bound, _both(a.present, b.present)))
    p, q = _parts(b)
    if p == q:  # × 1
        return a
    g = gcd(p, a.den) or 1  # p/q × n/d = (p/g) n / ((d/g) q)
    p, den = p // g, (a.den // g) * q
    bound = a.bound * abs(p)
    if p == 1:  # only the denominator changes (÷ 24): the numerators stand
        return Col(a.num, den, bound, a.present, a.whole)
    return Col(_wide(a.num, max(bound, abs(p))) * p, den, bound, a.present)


def _reduce(c: Col) -> Col:
    """Keep denominators small: divide out what every numerator shares with the denominator
    (only when the denominator has grown, since finding it reads the column)."""
    if c.den < 2**20 or len(c.num) == 0:
        return c
    g = c.den
    for n in c.num.tolist() if c.num.dtype == object else np.unique(c.num).tolist():
        g = gcd(g, int(n))
        if g == 1:
            return c
    c.num = c.num // g
    c.den //= g
    c.bound //= g
    return c


def div(a: Num, b: Num, zero_absent: bool) -> Num:
    """`a ÷ b`, `b` one number for the whole column (a constant, a group's best) or a column
    (each unit's own target: `kaoping.runtime.columnar.quotient`). Zero: absent
    (`zero_absent`, as the per-unit `div`) or the error plain `/` raises."""
    if a is None or b is None:
        return _absent_as(a, b)
    if isinstance(b, Col):
        from kaoping.runtime.columnar.quotient import divide_by_column

        return divide_by_column(a, b, zero_absent)
    q = Q(b)
    if q == 0:
        if zero_absent:
            return absent(len(a)) if isinstance(a, Col) else None  # type: ignore[return-value]
        raise ZeroDivisionError("division by zero")
    return mul(a, 1 / q)


def where(cond: Any, then: Num, otherwise: Num, n: int) -> Col:
    """`then if cond else otherwise`, unit by unit (an absent condition counts as not holding,
    as Python's `if None` does)."""
    holds = truth(cond, n)
    na, nb, den, bound, _ = _aligned(_as_col(then, n), _as_col(otherwise, n))
    pa, pb = _present(then, n), _present(otherwise, n)
    present = np.where(holds, pa, pb)
    return _tidy(Col(np.where(holds, na, nb), den, bound, None if present.all() else present))


def _as_col(x: Num | None, n: int) -> Col:
    if isinstance(x, Col):
        return x
    if x is None:
        return absent(n)
    return constant(Q(x), n)


def _present(x: Any, n: int) -> npt.NDArray[np.bool_]:
    mask = getattr(x, "present", None)
    if mask is None:
        return np.zeros(n, dtype=bool) if x is None else np.ones(n, dtype=bool)
    return np.asarray(mask)


def truth(cond: Flags | bool | npt.NDArray[np.bool_] | None, n: int) -> npt.NDArray[np.bool_]:
    """Where a condition holds, unit by unit (absent: does not hold, as Python's `if None`)."""
    if isinstance(cond, np.ndarray):
        return cond
    if isinstance(cond, Flags):
        return cond.truth if cond.present is None else cond.truth & cond.present
    return np.full(n, bool(cond))


def least(a: Num, b: Num) -> Num:
    if a is None or b is None:
        return _absent_as(a, b)
    na, nb, den, bound, present = _aligned(a, b)
    if not isinstance(na, np.ndarray) and not isinstance(nb, np.ndarray):
        return Q(min(na, nb), den)
    return _col(np.minimum(na, nb), den, bound, present, a, b)


def greatest(a: Num, b: Num) -> Num:
    if a is None or b is None:
        return _absent_as(a, b)
    na, nb, den, bound, present = _aligned(a, b)
    if not isinstance(na, np.ndarray) and not isinstance(nb, np.ndarray):
        return Q(max(na, nb), den)
    return _col(np.maximum(na, nb), den, bound, present, a, b)


def _mask(x: Any) -> Mask:
    return getattr(x, "present", None)


def default(a: Any, fallback: Any, n: int) -> Any:
    """`a default fallback`: the fallback where `a` is absent."""
    if a is None:
        return fallback
    mask = _mask(a)
    if mask is None:
        return a
    if isinstance(a, Flags):
        if isinstance(fallback, Flags):
            truth = np.where(mask, a.truth, fallback.truth)
            present = mask | _present(fallback, n)
            return Flags(truth, None if present.all() else present)
        return Flags(np.where(mask, a.truth, bool(fallback)))
    if isinstance(a, Labels):
        fb = fallback.text if isinstance(fallback, Labels) else fallback
        present = mask | _present(fallback, n)
        return Labels(np.where(mask, a.text, fb), None if present.all() else present)
    return where(Flags(mask), a, fallback, n)


def weighted(parts: list[tuple[Any, Q]], redistribute: bool, n: int) -> Col:
    """Σ value × weight over the parts a unit has; an absent part's weight shared equally among
    the present parts (`redistribute`). Exact: each unit's share has a denominator dividing
    lcm(1…k) × the weights' common denominator, so one denominator serves the whole column."""
    k = len(parts)
    wden = 1
    for _, weight in parts:
        wden = lcm(wden, int(Q(weight).denominator))
    spread = lcm(*range(1, k + 1)) if redistribute else 1
    cols = [_as_col(v, n) for v, _ in parts]
    vden = 1
    for c in cols:
        vden = lcm(vden, c.den)
    whole = [int(Q(weight) * wden) * spread for _, weight in parts]  # weight × wden × spread
    present = [_present(c, n) for c in cols]
    count = np.zeros(n, dtype=np.int64)
    for p in present:
        count += p
    extra: Any = 0
    if redistribute:
        missing = np.zeros(n, dtype=np.int64)
        for p, w in zip(present, whole, strict=True):
            missing += np.where(p, 0, w // spread)
        # the share × wden × spread each present part gains: missing × spread ÷ count
        extra = np.where(count > 0, missing * spread // np.maximum(count, 1), 0)
    wmax = sum(abs(w) for w in whole) * (2 if redistribute else 1)
    bound = sum(c.bound * (vden // c.den) for c in cols) * wmax
    total: Any = np.zeros(n, dtype=_dtype_for(bound))
    for c, p, w in zip(cols, present, whole, strict=True):
        num = _wide(c.num, bound) * (vden // c.den)
        total = total + np.where(p, num * (w + extra), 0)
    return _reduce(Col(np.asarray(total), vden * wden * spread, bound))


def round_to(a: Num, places: int, mode: Mode) -> Num:
    """Each value rounded to `places` decimal places in the scheme's mode (as the per-unit
    backend's `round_to`: half-up and up away from zero, half-even, down toward zero)."""
    if not isinstance(a, Col):
        from kaoping.exact import round_to as one

        return one(Q(a), places, mode)
    scale = 10**places
    if scale % a.den == 0:
        return a
    bound = a.bound * scale
    num = _wide(a.num, bound) * scale
    negative = num < 0
    size = np.abs(num)
    whole, rest = size // a.den, size % a.den  # (divmod has no object-array loop)
    if mode == "up":
        bump = rest > 0
    elif mode == "down":
        bump = np.zeros(len(num), dtype=bool)
    else:
        twice = 2 * rest
        tie = twice == a.den
        bump = twice > a.den
        bump |= tie & ((whole % 2 == 1) if mode == "half-even" else True)
    whole = whole + bump
    out = np.where(negative, -whole, whole)
    return _tidy(Col(out, scale, a.bound * scale // a.den + 1, a.present))


def total_of(values: list[Any], n: int) -> Col:
    """Σ values (a section's children, an item's additions), as one column: over the least
    common denominator, in one pass when the bound fits in int64."""
    values = [v for v in values if not _is_zero(v)]
    if _linear(*values):
        return _linear_sum(values, n)
    cols = [v for v in values if isinstance(v, Col)]
    if cols and len(cols) == len(values) and all(c.num.dtype != object for c in cols):
        den = lcm(*(c.den for c in cols))
        bound = sum(c.bound * (den // c.den) for c in cols)
        if bound < LIMIT:
            present = None
            for c in cols:
                present = _both(present, c.present)
            factors = [den // c.den for c in cols]
            need = max(bound, *factors)  # one type for the sum and every scaled part
            total = _wide(cols[0].num, need) * factors[0]
            for c, factor in zip(cols[1:], factors[1:], strict=True):
                part = _wide(c.num, need)
                total += part if factor == 1 else part * factor
            return _tidy(Col(total, den, bound, present))
        if len(values) > 1:  # beyond int64 over one denominator: the parts kept apart
            return _linear_sum(values, n)
    acc: Any = 0
    for v in values:
        acc = add(acc, v)
    return _as_col(acc, n)


def _linear_sum(values: list[Any], n: int) -> Col:
    from kaoping.runtime.columnar.linear import linear_sum

    found = linear_sum(values, n)
    if found is not None:
        return found
    acc: Any = 0
    for v in values:  # Python integers over one denominator
        plain = Col(v.num, v.den, v.bound, v.present) if _linear(v) else v
        acc = add(acc, plain)
    return _as_col(acc, n)


def full(value: Any, n: int) -> Any:
    """A value for every unit of the table (a constant the data entered too): a number, a
    yes/no or an option becomes a column."""
    if isinstance(value, Col | Flags | Labels):
        return value
    if isinstance(value, bool):
        return Flags(np.full(n, value))
    if isinstance(value, str):
        return Labels(np.full(n, value, dtype=object))
    if value is None:
        return absent(n)
    return constant(Q(value), n)
