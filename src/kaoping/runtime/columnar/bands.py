"""`band X {[a, b): V, …}` and `unit group` on columns: labels chosen unit by unit, as the
per-unit backend's `runs.band` chooses them (the first row whose interval holds the number,
the last row when none before it does)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from kaoping.exact import Q
from kaoping.runtime.columnar.logic import compare
from kaoping.runtime.columnar.numbers import Labels, full, truth

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
    return Labels(np.full(t.n, t.group, dtype=object))
