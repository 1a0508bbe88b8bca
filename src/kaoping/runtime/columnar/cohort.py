"""Group operations on columns: best, lowest, mean, rank with shared ties, the group's mean
standing in for an item that does not apply. Each reads one group's table; the result is one
number for the group (an exact rational) or a column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from kaoping.errors import DataError, DataProblem
from kaoping.exact import Mode, Q
from kaoping.runtime import cohort
from kaoping.runtime.columnar.linear import Linear, extreme, rank_linear
from kaoping.runtime.columnar.numbers import (
    LIMIT,
    Col,
    Flags,
    Labels,
    _present,
    _reduce,
    full,
    total_of,
    truth,
    where,
)

if TYPE_CHECKING:
    from kaoping.runtime.columnar.table import Table

ZERO = Q(0)


def _as_col(x: Any, n: int) -> Col:
    if isinstance(x, Col):
        return x
    return total_of([x], n)


def best(x: Any, n: int) -> Q | None:
    """The highest value among the units that have one (0 for an empty group, absent when no
    unit has one), as the per-unit `best`."""
    c = _as_col(x, n)
    keep = _present(c, n)
    if not keep.any():
        return None if n else ZERO
    if isinstance(c, Linear):
        return extreme(c, keep, True)
    return Q(int(c.num[keep].max()), c.den)


def lowest(x: Any, n: int) -> Q | None:
    c = _as_col(x, n)
    keep = _present(c, n)
    if not keep.any():
        return None
    if isinstance(c, Linear):
        return extreme(c, keep, False)
    return Q(int(c.num[keep].min()), c.den)


def group_mean(x: Any, n: int) -> Q | None:
    """The mean over the units that have the value; absent when none has."""
    c = _as_col(x, n)
    keep = _present(c, n)
    count = int(keep.sum())
    if not count:
        return None
    if isinstance(c, Linear):  # Σ over the units of each part, then the coefficients
        total_q = c.offset * count
        for num, coef, b in c.parts:
            kept = num[keep]
            part = int(kept.sum(dtype=np.int64)) if b * count < LIMIT else sum(kept.tolist())
            total_q += coef * part
        return total_q / count
    if c.num.dtype == object or c.bound * count >= LIMIT:  # the sum could leave int64
        total = sum(int(x) for x in c.num[keep].tolist())
    else:
        total = int(c.num[keep].sum(dtype=np.int64))
    return Q(int(total), c.den * count)


def mean_of(x: Any, weight: Any, keep: Any, n: int) -> Q | None:
    """The group's mean over the units that have the value (and a weight) and where `keep`
    holds, weighted by `weight` when given: Σ w·x ÷ Σ w, exact in Python integers; absent when
    no unit counts or the weights add up to 0 (as the per-unit `mean_of`)."""
    c = _as_col(x, n)
    counts = _present(c, n) & (truth(keep, n) if keep is not None else True)
    if weight is not None:
        wc = _as_col(weight, n)
        counts = counts & _present(wc, n)
    if not counts.any():
        return None
    xs = [int(v) for v in c.num[counts].tolist()]
    if weight is None:
        return Q(sum(xs), c.den * len(xs))
    ws = [int(v) for v in wc.num[counts].tolist()]
    total = sum(a * b for a, b in zip(xs, ws, strict=True))  # Σ w·x, over den(x) · den(w)
    weights = sum(ws)  # Σ w, over den(w)
    return None if weights == 0 else Q(total, c.den * weights)


def count_units(keep: Any, n: int) -> Q:
    """`group count [where C]`: the group's units (those where C holds), as the per-unit
    `count_units`."""
    if keep is None:
        return Q(n)
    return Q(int(truth(keep, n).sum()))


def peer_means(x: Any, keep: Any, n: int) -> Col:
    """For each unit, the mean of the *other* units that have the value (and where `keep`
    holds): the group's sum less the unit's own, over the count less one; the whole group's
    mean for a unit that does not count; absent where no other unit counts."""
    c = _as_col(x, n)
    counts = _present(c, n) & (truth(keep, n) if keep is not None else True)
    k = int(counts.sum())
    nums = [int(v) for v in c.num.tolist()]
    s = sum(v for v, m in zip(nums, counts.tolist(), strict=True) if m)
    if k == 0:
        return Col(np.zeros(n, dtype=np.int64), 1, 0, np.zeros(n, dtype=bool))
    # over den · k · (k − 1): a counted unit's (s − own) · k, another's s · (k − 1)
    spread = k * (k - 1) if k > 1 else 1
    out = [
        ((s - v) * k if k > 1 else 0) if m else (s * (k - 1) if k > 1 else s)
        for v, m in zip(nums, counts.tolist(), strict=True)
    ]
    present = ~counts if k == 1 else np.ones(n, dtype=bool)
    bound = max((abs(v) for v in out), default=0)
    num = np.array(out, dtype=object if bound >= LIMIT else np.int64)
    mean = Col(num, c.den * spread, bound, None if present.all() else present)
    return _reduce(mean)


def distribute(
    x: Any, labels: tuple[str, ...], shares: tuple[Q, ...], mode: Mode, n: int
) -> Labels:
    """Forced distribution: the per-unit backend's (ranked by the value, band sizes from the
    rounded cumulative shares, a unit tied with a band's last joining it) on the group's
    values, one label per unit."""
    values = full(x, n).values()
    chosen = cohort.distribute(values, labels, shares, mode)
    return Labels(np.array(chosen, dtype=object))


def rank(keys: list[Any], ascending: bool, n: int) -> Col:
    """1 for the best; units equal on the whole key chain share a rank (1, 2, 2, 4)."""
    if len(keys) == 1 and isinstance(keys[0], Linear) and not keys[0].fits():
        # (a sum whose one-denominator form fits in int64 is ranked on that form, below)
        found_linear = rank_linear(keys[0], ascending) if keys[0].present is None else None
        if found_linear is not None:
            return Col(found_linear, 1, n, whole=True)
    columns = [_key(k, n) for k in keys]
    if len(columns) == 1 and columns[0].dtype == object:
        found = _rank_wide(columns[0].tolist(), ascending)
        if found is not None:
            return Col(found, 1, n, whole=True)
    if any(c.dtype == object for c in columns):  # Python ints: sort with Python
        signed = list(zip(*[c.tolist() for c in columns], strict=True)) if columns else []
        sign = 1 if ascending else -1
        signed = [tuple(sign * k for k in key) for key in signed]
        first_at: dict[tuple[Any, ...], int] = {}
        for pos, key in enumerate(sorted(signed), 1):
            first_at.setdefault(key, pos)
        ranks = np.array([first_at[k] for k in signed], dtype=np.int64)
        return Col(ranks, 1, n, whole=True)
    signed_cols = [c if ascending else -c for c in columns]
    if len(signed_cols) == 1:
        order = np.argsort(signed_cols[0])
    else:
        order = np.lexsort(signed_cols[::-1]) if signed_cols else np.arange(n)
    ranks = np.empty(n, dtype=np.int64)
    if n:
        new = np.zeros(n, dtype=bool)
        new[0] = True
        for c in signed_cols:
            s = c[order]
            new[1:] |= s[1:] != s[:-1]
        starts = np.where(new, np.arange(1, n + 1), 0)
        ranks[order] = np.maximum.accumulate(starts)
    return Col(ranks, 1, n, whole=True)


def _rank_wide(values: list[int], ascending: bool) -> np.ndarray | None:
    """Competition ranks of Python ints, sorted by their nearest floats (a monotone map: only
    values with equal floats can be out of order, and a run of equal floats holding different
    values is sorted exactly), then tied only where the ints are equal. None when a value is
    beyond float range."""
    sign = 1 if ascending else -1
    try:
        approx = np.array([sign * float(v) for v in values])
    except OverflowError:
        return None
    n = len(values)
    exact = np.empty(n, dtype=object)
    exact[:] = [sign * v for v in values]
    order = np.argsort(approx, kind="stable")
    near = approx[order]
    same = np.zeros(n, dtype=bool)  # the same float as the one before
    same[1:] = near[1:] == near[:-1]
    equal = np.zeros(n, dtype=bool)  # the same value as the one before
    ordered = exact[order]
    equal[1:] = same[1:] & (ordered[1:] == ordered[:-1]).astype(bool)
    for i in np.flatnonzero(same & ~equal).tolist():  # equal floats, different values
        start = i - 1
        while start > 0 and same[start]:
            start -= 1
        stop = i + 1
        while stop < n and same[stop]:
            stop += 1
        run = order[start:stop].tolist()
        order[start:stop] = sorted(run, key=lambda j: exact[j])
        ordered = exact[order]
        equal[start + 1 : stop] = (ordered[start + 1 : stop] == ordered[start : stop - 1]).astype(
            bool
        )
    ranks = np.empty(n, dtype=np.int64)
    starts = np.where(equal, 0, np.arange(1, n + 1))
    ranks[order] = np.maximum.accumulate(starts) if n else starts
    return ranks


def _key(k: Any, n: int) -> np.ndarray:
    """A ranking key as integers that order as the values do (a number column over one
    denominator orders as its numerators)."""
    if isinstance(k, Col):
        return k.num
    if isinstance(k, Flags):
        return k.truth.astype(np.int64)
    if isinstance(k, Labels):
        raise TypeError("text is no ranking key")
    return np.full(n, int(Q(k).numerator), dtype=np.int64)


def impute_mean(value: Any, inapplicable: np.ndarray, t: Table, path: str, where_: str) -> Col:
    """An item that does not apply to some units of the group takes, for them, the mean of the
    item over the units it applies to (004 三); no unit applying leaves no mean: a data error."""
    n = t.n
    c = _as_col(value, n)
    if not inapplicable.any():
        return c
    donors = ~inapplicable & _present(c, n)
    if not donors.any():
        raise DataError(
            [
                DataProblem(
                    where_,
                    t.names[i],
                    None,
                    f"{path!r} applies to no unit of group {t.group!r}: the other units' mean "
                    "does not exist; give the value",
                )
                for i in np.flatnonzero(inapplicable).tolist()
            ]
        )
    mean = group_mean(Col(c.num, c.den, c.bound, donors), n)
    assert mean is not None
    if c.den % int(mean.denominator) == 0 or c.num.dtype == object or isinstance(c, Linear):
        return where(Flags(inapplicable), mean, c, n)
    # the mean's own denominator kept apart: the unit's value where the item applies, plus the
    # mean × 1 where it does not (sums of such items stay int64 parts)
    present = None if c.present is None else c.present | inapplicable
    applies = np.where(inapplicable, 0, c.num).astype(np.int64)
    parts = [(applies, Q(1, c.den), c.bound), (inapplicable.astype(np.int64), mean, 1)]
    return Linear(parts, ZERO, None if present is None or present.all() else present, n)
