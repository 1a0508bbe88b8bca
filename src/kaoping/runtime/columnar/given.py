"""Values the data gives (`given`) on columns. A unit whose data gives a value skips its rule,
and the values only skipped rules read (`Unit.skip`: path → the given value, or None where it
is not computed): the rows of such units take the given value (absent where not computed) as
soon as the column is computed, so everything after reads it, and what the per-unit backend
records only for a rule it runs (a value above its maximum, an item that does not apply, last
year's warnings) is not recorded for them."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from kaoping.runtime.columnar.logic import choose
from kaoping.runtime.columnar.numbers import Col, Flags, Labels, column, full, where

if TYPE_CHECKING:
    from kaoping.runtime.columnar.table import Table

Rows = npt.NDArray[np.bool_]

# table → path → (the rows that skip it, each row's given value or None)
_SKIPS: weakref.WeakKeyDictionary[Table, dict[str, tuple[Rows, list[Any]]]] = (
    weakref.WeakKeyDictionary()
)


def skips(t: Table) -> dict[str, tuple[Rows, list[Any]]]:
    """The skipped values of the table's units, by path (empty when no unit gives a value)."""
    found = _SKIPS.get(t)
    if found is None:
        found = {}
        for row, u in enumerate(t.units):
            for path, value in u.skip.items():
                if path not in found:
                    found[path] = (np.zeros(t.n, dtype=bool), [None] * t.n)
                found[path][0][row] = True
                found[path][1][row] = value
        _SKIPS[t] = found
    return found


def give(t: Table, path: str, value: Any) -> Any:
    """`value` as a column for every row (as `full`), with the rows that skip `path` holding what the data gives (absent where the
    value is not computed for them)."""
    found = skips(t).get(path) if t.units else None
    if found is None:
        return full(value, t.n)
    rows, given = found
    # a yes/no or label value: a column, or one constant for every row (`let x = no`)
    if isinstance(value, Flags | Labels | bool | str) or any(
        isinstance(g, bool | str) for g in given
    ):
        present = np.array([g is not None for g in given], dtype=bool)
        mask = None if present.all() else present
        chosen: Flags | Labels
        if any(isinstance(g, str) for g in given) or isinstance(value, Labels | str):
            text = np.array(["" if g is None else g for g in given], dtype=object)
            chosen = Labels(text, mask)
        else:
            chosen = Flags(np.array([bool(g) for g in given], dtype=bool), mask)
        return choose(Flags(rows), chosen, value, t.n)
    numbers: Col = column(given)
    out: Col = where(Flags(rows), numbers, full(value, t.n), t.n)
    return out


def computed(t: Table, path: str, mask: Rows) -> Rows:
    """`mask` on the rows whose unit computes `path` (those that skip it left out)."""
    found = skips(t).get(path) if t.units else None
    return mask if found is None else mask & ~found[0]


def computed_only(t: Table, path: str, value: Any) -> Any:
    """`value`, absent on the rows whose unit skips `path` (what a check of it passes over)."""
    found = skips(t).get(path) if t.units else None
    if found is None:
        return value
    col = full(value, t.n)
    keep = ~found[0] if col.present is None else col.present & ~found[0]
    return Col(np.where(keep, col.num, 0), col.den, col.bound, keep)


def skipping(t: Table, path: str | None) -> Rows | None:
    """The rows whose unit skips `path` (None when none does)."""
    if path is None or not t.units:
        return None
    found = skips(t).get(path)
    return None if found is None else found[0]
