"""`last year X` on columns: one value per unit from last year's results, read from the units
the table's rows stand for (none, for a table handed over as columns: absent for every unit).

The per-unit backend warns about a unit whose results lack `X`, and refuses a number that is
not one, as it meets them: unit after unit (each unit's values in turn). Columns read one `X`
for every unit at a time, so what they meet is kept, and `settle` raises it in the per-unit
order once the values that read last year are computed."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from kaoping.errors import DataError, DataProblem
from kaoping.exact import Q
from kaoping.runtime.columnar.given import skipping
from kaoping.runtime.columnar.numbers import absent, column, flags_or_labels

if TYPE_CHECKING:
    from kaoping.runtime.columnar.table import Table

# table → what its per-unit stage met: (row, order read, warning or problem)
_PENDING: weakref.WeakKeyDictionary[Table, list[tuple[int, int, Any]]] = weakref.WeakKeyDictionary()


def last_year(t: Table, key: str, kind: str, checked: bool, within: str | None = None) -> Any:
    """Last year's `key` for every row: a number column (`kind` "number"; `checked`: a number
    input or value, refused unless it is one), yes/no flags, or labels; absent where last
    year's results hold no unit or no value, and on the rows whose data gives the value
    `within` (their rule is skipped: it reads nothing)."""
    units = t.units
    if not units:
        return absent(t.n) if kind == "number" else flags_or_labels(kind, [None] * t.n)
    pending = _PENDING.setdefault(t, [])
    skipped = skipping(t, within)
    values: list[Any] = []
    for row, u in enumerate(units):
        history = u.history
        if skipped is not None and skipped[row]:
            values.append(None)
            continue
        if history is not None and key not in history and u.run is not None:
            warning = (
                "history-missing",
                u.name,
                f"last year's results hold this unit but no value for {key!r}: "
                f"`last year {key}` is absent and its default applies",
            )
            pending.append((row, len(pending), ("warn", u.run, warning)))
        value = None if history is None else history.get(key)
        if checked and value is not None and not isinstance(value, Q):
            problem = DataProblem("history", u.name, key, f"expected a number, got {value!r}")
            pending.append((row, len(pending), ("problem", None, problem)))
            value = None
        values.append(value)
    if kind == "number":
        return column(values)
    return flags_or_labels(kind, values)


def no_last_year(t: Table, kind: str) -> Any:
    """`last year` in a run without last year's results (a consequence on the whole-column
    path): absent for every row, as the per-unit module reads it then."""
    if t.units and any(u.history is not None for u in t.units):
        raise RuntimeError("consequences on columns read no last year's results")
    return absent(t.n) if kind == "number" else flags_or_labels(kind, [None] * t.n)


def settle(t: Table) -> None:
    """What the per-unit stage's reads of last year met, raised unit by unit as the per-unit
    backend raises it: warnings in that order, the first refused number as a data error."""
    met = sorted(_PENDING.pop(t, []), key=lambda x: (x[0], x[1]))
    for _, _, (what, run, detail) in met:
        if what == "problem":
            raise DataError([detail])
        run.warn(*detail)
