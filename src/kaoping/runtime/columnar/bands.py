"""Choices by intervals on columns: `band X {[a, b): V, …}` (labels, as the per-unit backend's
`runs.band` chooses them: the first row whose interval holds the number, the last row when none
before it does), keyed items (`item X by KEY:`, numbers), and `unit group`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from kaoping.exact import Q
from kaoping.runtime.checks import no_row
from kaoping.runtime.columnar.logic import compare
from kaoping.runtime.columnar.numbers import Flags, Labels, full, truth, where

if TYPE_CHECKING:
    from kaoping.runtime.columnar.table import Table

Bound = Q | None


def band(x: Any, rows: Sequence[tuple[Bound, bool, Bound, bool, str]], n: int) -> Labels:
    """The label of each unit's row; `x` is present for every unit (the emitter sees to it)."""
    value = full(x, n)
    chosen = np.full(n, len(rows) - 1, dtype=np.int64)
    undecided = np.ones(n, dtype=bool)
    for i, (low, low_closed, high, high_closed, _label) in enumerate(rows[:-1]):
        holds = undecided.copy()
        if low is not None:
            holds &= truth(compare(">=" if low_closed else ">", value, low), n)
        if high is not None:
            holds &= truth(compare("<=" if high_closed else "<", value, high), n)
        chosen[holds] = i
        undecided &= ~holds
    labels = np.array([row[4] for row in rows], dtype=object)
    return Labels(labels[chosen])


def unit_group(t: Table) -> Labels:
    """Each unit's group: the units' own, or the group a table of columns was handed over for."""
    if t.units:
        return Labels(np.array([u.group for u in t.units], dtype=object))
    if t.groups is not None:
        return t.groups
    return Labels(np.full(t.n, t.group, dtype=object))


def keyed(
    key: Any,
    rows: Sequence[tuple[Bound, bool, Bound, bool, Any]],
    otherwise: Any,
    n: int,
    path: str,
    where_: str,
) -> Any:
    """A keyed item (`item X by KEY:`): each unit's value from the first row whose interval
    holds its key (a list of values: one row per whole number), else `otherwise`; with no
    `otherwise`, a key no row covers stops the scoring as the per-unit backend does."""
    value = full(key, n)
    undecided = np.ones(n, dtype=bool)
    chosen: list[tuple[npt.NDArray[np.bool_], Any]] = []
    for low, low_closed, high, high_closed, amount in rows:
        holds = undecided.copy()
        if low is not None:
            holds &= truth(compare(">=" if low_closed else ">", value, low), n)
        if high is not None:
            holds &= truth(compare("<=" if high_closed else "<", value, high), n)
        chosen.append((holds, amount))
        undecided &= ~holds
    if otherwise is None and undecided.any():
        first = int(np.flatnonzero(undecided)[0])
        no_row(path, where_, value.values()[first])
    out: Any = otherwise
    for holds, amount in reversed(chosen):
        out = where(Flags(holds), amount, out, n)
    return full(out, n)
