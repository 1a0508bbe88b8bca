"""List inputs as columns: every unit's records in one table, each record knowing its unit
(`owner`), and aggregates over them (sum, count, mean, highest, lowest; `where`,
`highest per F`, `drop N lowest|highest by KEY`) folded back to one value per unit with exact
integer scatter-adds."""

from __future__ import annotations

from collections.abc import Sequence
from math import lcm
from typing import Any

import numpy as np

from kaoping.exact import Q
from kaoping.runtime.columnar.numbers import (
    LIMIT,
    Col,
    Flags,
    Labels,
    _present,
    _reduce,
    column,
    total_of,
)


class Records:
    """The records of one list input for the units of a table."""

    __slots__ = ("fields", "n_units", "owner", "present")

    def __init__(self, owner: np.ndarray, n_units: int, fields: dict[str, Any]):
        self.owner = owner
        self.n_units = n_units
        self.fields = fields
        # the units whose list is given at all (None: every unit's), as a reader saw them
        self.present: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.owner)

    def take(self, start: int, stop: int) -> Records:
        """The records of units start … stop − 1 (renumbered from 0)."""
        keep = (self.owner >= start) & (self.owner < stop)
        fields = {k: _take(v, keep) for k, v in self.fields.items()}
        return Records(self.owner[keep] - start, stop - start, fields)

    def pick(self, rows: np.ndarray) -> Records:
        """The records of units `rows` (in that order, renumbered from 0), each unit's in the
        order they had."""
        place = np.full(self.n_units, -1, dtype=np.int64)
        place[rows] = np.arange(len(rows))
        owner = place[self.owner]
        kept = np.flatnonzero(owner >= 0)
        kept = kept[np.argsort(owner[kept], kind="stable")]
        fields = {k: _take(v, kept) for k, v in self.fields.items()}
        return Records(owner[kept], len(rows), fields)


def _take(v: Any, keep: np.ndarray) -> Any:
    """The entries `keep` selects (a mask, or indices in the order wanted)."""
    mask = None if v.present is None else v.present[keep]
    if isinstance(v, Col):
        return Col(v.num[keep], v.den, v.bound, mask)
    if isinstance(v, Flags):
        return Flags(v.truth[keep], mask)
    return Labels(v.text[keep], mask)


def records_of(lists: list[Any], fields: dict[str, str]) -> Records:
    """Records from each unit's list of dicts; `fields`: name → "number", "yesno" or "text"."""
    owner: list[int] = []
    values: dict[str, list[Any]] = {name: [] for name in fields}
    for i, recs in enumerate(lists):
        for rec in recs or ():
            owner.append(i)
            for name in fields:
                values[name].append(rec.get(name))
    cols: dict[str, Any] = {}
    for name, kind in fields.items():
        vals = values[name]
        present = np.array([v is not None for v in vals], dtype=bool)
        mask = None if present.all() else present
        if kind == "number":
            cols[name] = column(vals)
        elif kind == "yesno":
            cols[name] = Flags(np.array([bool(v) for v in vals], dtype=bool), mask)
        else:
            cols[name] = Labels(
                np.array(["" if v is None else v for v in vals], dtype=object), mask
            )
    return Records(np.array(owner, dtype=np.int64), len(lists), cols)


def lookup(table: dict[str, Q], key: Any, n: int) -> Any:
    """`TABLE[key]` for each row: the table's number for each enum value."""
    if isinstance(key, str):
        return table[key]
    assert isinstance(key, Labels)
    uniques, inverse = np.unique(key.text.astype(str), return_inverse=True)
    values = column([table.get(k) for k in uniques.tolist()])
    return Col(values.num[inverse], values.den, values.bound, key.present)


def aggregate(
    kind: str,
    recs: Records,
    value: Any,
    keep: Any,
    per: str | None,
    drop: Sequence[tuple[int, str, Any]] | None = None,
) -> Col:
    """`kind` over each unit's records (those `keep` holds), one record per value of field
    `per` (the one worth most) when `per` is given, less, for each `drop` = (count, "lowest"
    or "highest", key column) in turn, the records of each unit with the lowest or highest
    keys."""
    m, n = len(recs), recs.n_units
    chosen = np.ones(m, dtype=bool)
    if isinstance(keep, Flags):
        chosen &= keep.truth & _present(keep, m)
    elif keep is not None and not keep:
        chosen[:] = False
    val = total_of([value], m) if value is not None else None
    if per is not None:
        chosen = _best_per(recs, chosen, val, per)
    for one in drop or ():
        chosen = _drop(recs, chosen, val, *one)
    owner = recs.owner[chosen]
    counts = np.bincount(owner, minlength=n).astype(np.int64)
    if kind == "count":
        return Col(counts, 1, int(counts.max(initial=0)))
    assert val is not None
    nums = val.num[chosen]
    most = int(counts.max(initial=0))
    if kind == "sum":
        bound = val.bound * max(most, 1)
        out = np.zeros(n, dtype=object if bound >= LIMIT else np.int64)
        np.add.at(out, owner, nums.astype(out.dtype))
        return Col(out, val.den, bound)
    if kind == "mean":
        return _mean(owner, nums, counts, val)
    if kind in ("highest", "lowest"):
        out = np.zeros(n, dtype=nums.dtype)
        seen = counts > 0
        if kind == "highest":
            if len(nums):
                out[:] = nums.min()
            np.maximum.at(out, owner, nums)
        else:
            if len(nums):
                out[:] = nums.max()
            np.minimum.at(out, owner, nums)
        out = np.where(seen, out, 0)
        return Col(out, val.den, val.bound, None if seen.all() else seen)
    raise ValueError(f"aggregate {kind!r} is not computed on columns")


def _mean(owner: np.ndarray, nums: np.ndarray, counts: np.ndarray, val: Col) -> Col:
    """Each unit's Σ ÷ its count of records, exact over one denominator: the values' times the
    least common multiple of the counts that occur (absent where a unit has no record)."""
    n = len(counts)
    seen = counts > 0
    spread = lcm(*set(counts[seen].tolist())) if seen.any() else 1
    bound = val.bound * spread  # |Σ| ≤ count × bound, times spread ÷ count
    wide = bound * int(counts.max(initial=1)) >= LIMIT
    sums = np.zeros(n, dtype=object if wide else np.int64)
    np.add.at(sums, owner, nums.astype(sums.dtype))
    factor = np.where(seen, spread // np.maximum(counts, 1), 0)
    out = sums * (factor.astype(object) if wide else factor)
    mean = Col(out, val.den * spread, bound, None if seen.all() else seen)
    return _reduce(mean)


def _drop(
    recs: Records, chosen: np.ndarray, val: Col | None, count: int, which: str, key: Any
) -> np.ndarray:
    """Of each unit's chosen records, all but the `count` with the lowest (or highest) key;
    among equal keys those worth least go first (any of records equal on both leaves the same
    aggregate, as the per-unit backend's stable sort does)."""
    idx = np.flatnonzero(chosen)
    if not len(idx) or count <= 0:
        return chosen
    keys = total_of([key], len(recs))
    k = keys.num[idx]
    worth = val.num[idx] if val is not None else np.zeros(len(idx), dtype=np.int64)
    owner = recs.owner[idx]
    if which == "highest":
        k, worth = -k, -worth
    if k.dtype == object or worth.dtype == object:
        order_arr = np.array(
            sorted(range(len(idx)), key=lambda i: (owner[i], k[i], worth[i])), dtype=np.int64
        )
    else:
        order_arr = np.lexsort((worth, k, owner))
    o = owner[order_arr]
    starts = np.flatnonzero(np.r_[True, o[1:] != o[:-1]])
    place = np.arange(len(o)) - np.repeat(starts, np.diff(np.r_[starts, len(o)]))
    out = chosen.copy()
    out[idx[order_arr[place < count]]] = False
    return out


def enum_score(labels: Any, values: tuple[str, ...], n: int) -> Any:
    """An enum value's place as a number, best first scoring highest (the order a drop's key
    sorts enum values by)."""
    scores = {v: Q(len(values) - i) for i, v in enumerate(values)}
    return lookup(scores, labels, n)


def _best_per(recs: Records, chosen: np.ndarray, val: Col | None, per: str) -> np.ndarray:
    """Of the chosen records, one per (unit, value of `per`): the first worth most (the
    first one, for a count)."""
    field = recs.fields[per]
    keys = (
        field.text
        if isinstance(field, Labels)
        else (field.num if isinstance(field, Col) else field.truth)
    )
    _, code = np.unique(np.asarray(keys).astype(str), return_inverse=True)
    idx = np.flatnonzero(chosen)
    if not len(idx):
        return chosen
    worth = val.num[idx] if val is not None else np.zeros(len(idx), dtype=np.int64)
    if worth.dtype == object:
        order = sorted(
            range(len(idx)), key=lambda i: (recs.owner[idx[i]], code[idx[i]], -worth[i], i)
        )
        order_arr = np.array(order, dtype=np.int64)
    else:
        order_arr = np.lexsort((np.arange(len(idx)), -worth, code[idx], recs.owner[idx]))
    o, c = recs.owner[idx][order_arr], code[idx][order_arr]
    first = np.ones(len(idx), dtype=bool)
    first[1:] = (o[1:] != o[:-1]) | (c[1:] != c[:-1])
    out = np.zeros(len(chosen), dtype=bool)
    out[idx[order_arr[first]]] = True
    return out


def per_record(value: Any, recs: Records) -> Any:
    """A unit's value repeated beside each of its records."""
    return _take_rows(value, recs.owner)


def _take_rows(v: Any, rows: np.ndarray) -> Any:
    if not isinstance(v, Col | Flags | Labels):
        return v
    mask = None if v.present is None else v.present[rows]
    if isinstance(v, Col):
        return Col(v.num[rows], v.den, v.bound, mask, v.whole)
    if isinstance(v, Flags):
        return Flags(v.truth[rows], mask)
    return Labels(v.text[rows], mask)
