"""Traced scoring only: the choices made inside a rule's expressions, noted on the unit so the
value's trace holds them (which way an `if` went, which band of a table a number fell in,
which band of a forced distribution a unit got). `test --coverage` reads them back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kaoping.runtime.runs import Bound, band_index
from kaoping.runtime.unit import Unit


def held(u: Unit, line: int, column: int, cond: Any) -> Any:
    """An `if`'s condition, unchanged, noted as held or not (as Python's `if` reads it)."""
    u.choices.append((line, column, bool(cond)))
    return cond


def chosen(u: Unit, line: int, column: int, value: Any) -> Any:
    """A value one of several bands gave the unit (a distribution's label), unchanged."""
    u.choices.append((line, column, value))
    return value


def band_noted(
    u: Unit, line: int, column: int, x: Any, rows: Sequence[tuple[Bound, bool, Bound, bool, str]]
) -> str:
    """`band X {…}` as `runs.band` computes it, noting the row that gave the label."""
    index = band_index(x, rows)
    u.choices.append((line, column, index))
    return rows[index][4]
