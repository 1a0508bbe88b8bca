"""A group's ratings checked against a distribution (`require X distributed 优 20%, …`) from
whole-table code: the per-unit backend's checks, run on the units the group's rows stand for,
so that a split that does not fit is the same data error (or, on part of a roster, the same
warning) whichever backend scores. A table handed over as columns (`score_columns`) has no
units and checks no data requirements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kaoping.exact import Mode, Q
from kaoping.runtime import cohort
from kaoping.runtime.columnar.numbers import full

if TYPE_CHECKING:
    from kaoping.runtime.columnar.table import Table


def require_distribution(
    t: Table,
    ratings: Any,
    labels: tuple[str, ...],
    shares: tuple[Q, ...],
    mode: Mode | None,
    where: str,
) -> None:
    """Each unit's rating (a column, or one value for all) in the shares."""
    if t.units:
        rated = full(ratings, t.n).values()
        cohort.require_distribution(t.units, rated, labels, shares, mode, where)


def require_records(
    t: Table,
    source: str,
    field: str,
    key: str | None,
    by: str | None,
    labels: tuple[str, ...],
    shares: tuple[Q, ...],
    mode: Mode | None,
    where: str,
) -> None:
    """Ratings carried by the units' records, pooled over the group, in the shares."""
    if t.units:
        cohort.require_records(t.units, source, field, key, by, labels, shares, mode, where)
