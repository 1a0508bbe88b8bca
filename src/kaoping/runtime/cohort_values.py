"""Group values beyond the best: the lowest, and means over some of the units (where a condition
holds, weighted by headcount, or of the other units only). Independent of the order units were
listed in; plain + − × ÷ and comparisons on the runtime's exact numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kaoping.runtime.numbers import ONE, ZERO, Q, div


def lowest(values: Sequence[Any]) -> Any:
    """The lowest value among the units that have one (0 for an empty group, as `best` gives;
    absent when no unit has one)."""
    present = [v for v in values if v is not None]
    if present:
        return min(present)
    return None if values else ZERO


def count_units(n: int, keep: Sequence[bool] | None = None) -> Any:
    """`group count [where C]`: the group's units (those where C holds)."""
    return Q(n if keep is None else sum(1 for k in keep if k))


def _terms(
    values: Sequence[Any], weights: Sequence[Any] | None, keep: Sequence[bool] | None
) -> list[tuple[Any, Any] | None]:
    """Per unit: (weight × value, weight) when the unit counts, else None."""
    out: list[tuple[Any, Any] | None] = []
    for i, x in enumerate(values):
        w = ONE if weights is None else weights[i]
        if x is None or w is None or (keep is not None and not keep[i]):
            out.append(None)
        else:
            out.append((w * x, w))
    return out


def mean_of(
    values: Sequence[Any],
    weights: Sequence[Any] | None = None,
    keep: Sequence[bool] | None = None,
) -> Any:
    """The (weighted) mean over the units where the value is present and `keep` holds; absent
    when none counts (or their weights add up to 0)."""
    terms = [t for t in _terms(values, weights, keep) if t is not None]
    total = sum((t[0] for t in terms), ZERO)
    weight = sum((t[1] for t in terms), ZERO)
    return div(total, weight) if terms else None


def peer_means(
    values: Sequence[Any],
    weights: Sequence[Any] | None = None,
    keep: Sequence[bool] | None = None,
) -> list[Any]:
    """For each unit, the mean of the *other* units (其他单位平均分): the group's sums less the
    unit's own part."""
    terms = _terms(values, weights, keep)
    total = sum((t[0] for t in terms if t is not None), ZERO)
    weight = sum((t[1] for t in terms if t is not None), ZERO)
    count = sum(1 for t in terms if t is not None)
    out = []
    for t in terms:
        if t is None:
            out.append(div(total, weight) if count else None)
        else:
            out.append(div(total - t[0], weight - t[1]) if count > 1 else None)
    return out
