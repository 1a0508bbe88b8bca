"""Group-level operations: best, peers' mean, rank, forced distribution, and the check of
ratings entered by raters. Every one is independent of the order units were listed in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kaoping.errors import DataError, DataProblem
from kaoping.exact import Mode
from kaoping.runtime.numbers import ZERO, Q, mean
from kaoping.runtime.shares import Splits, band_counts, counted

if TYPE_CHECKING:  # (unit.py imports this module through applicable.py)
    from kaoping.runtime.unit import Run, Unit


def best(values: Sequence[Q | None]) -> Q | None:
    """The highest value among the units that have one (0 for an empty group; absent when no
    unit has one, as a group mean is)."""
    present = [v for v in values if v is not None]
    if present:
        return max(present)
    return None if values else ZERO


def group_mean(values: Sequence[Q | None]) -> Q | None:
    return mean([v for v in values if v is not None])


def rank(keys: Sequence[Any], ascending: bool = False) -> list[int]:
    """1 for the best; units equal on the whole key chain (a tuple) or on their one key share a
    rank (1, 2, 2, 4)."""
    # best first: reversing the order of whole key chains reverses it on every key of the chain
    try:
        order = sorted(range(len(keys)), key=keys.__getitem__, reverse=not ascending)
    except TypeError:
        if keys and isinstance(keys[0], tuple):
            raise
        # bare keys that do not compare (absent values: units whose data gives the rank) are
        # compared as one-key chains, where equal ones need no ordering
        return rank([(k,) for k in keys], ascending)
    ranks = [0] * len(keys)
    place, previous = 0, None
    for pos, i in enumerate(order, 1):
        key = keys[i]
        if pos == 1 or key != previous:  # a tie keeps the place of the first unit of the tie
            place, previous = pos, key
        ranks[i] = place
    return ranks


def distribute(
    values: Sequence[Q], labels: Sequence[str], shares: Sequence[Q], mode: Mode
) -> list[str]:
    """Forced distribution: band i takes the units ranked within its rounded cumulative share;
    a unit tied with the last unit of a band joins that band."""
    n = len(values)
    if n == 0:
        return []
    ranks = rank(values)
    counts = band_counts(n, shares, mode)
    limits, cum = [], 0
    for c in counts:
        cum += c
        limits.append(cum)
    out = []
    for r in ranks:
        for label, limit in zip(labels, limits, strict=True):
            if r <= limit:
                out.append(label)
                break
        else:  # pragma: no cover - limits[-1] == n ≥ every rank
            out.append(labels[-1])
    return out


def require_distribution(
    units: Sequence[Unit],
    ratings: Sequence[str],
    labels: Sequence[str],
    shares: Sequence[Q],
    mode: Mode | None,
    where: str,
    rated: str | None = None,
) -> None:
    """Raters' ratings of a group's units must fit the shares: exactly the declared rounding's
    split, or (none declared) any split of floors and ceilings. On part of a roster, counts
    that can still grow into an allowed split are a warning; others are a data error naming
    what is rated (`rated`, the rule's operand), so that two such rules are told apart."""
    if not units:
        return
    group, run = units[0].group, units[0].run
    whole = run.size(group, len(units)) if run is not None else len(units)
    counts = [sum(1 for r in ratings if r == label) for label in labels]
    _check_split(
        f"group {group!r}", "units", counts, whole, labels, shares, mode, where, run, rated
    )


def require_records(
    units: Sequence[Unit],
    source: str,
    field: str,
    key: str | None,
    by: str | None,
    labels: Sequence[str],
    shares: Sequence[Q],
    mode: Mode | None,
    where: str,
) -> None:
    """Ratings carried by records (reform items) pooled over a group's units: each record key
    counted once (its copies must agree), the shares checked within each part."""
    if not units:
        return
    problems: list[DataProblem] = []
    pooled: dict[object, tuple[str, object, str]] = {}
    for u in units:
        for i, rec in enumerate(u.facts[source], 1):
            ident: object = rec[key] if key is not None else (u.name, i)
            part = rec[by] if by is not None else ""
            seen = pooled.get(ident)
            if seen is not None and (seen[0], seen[1]) != (rec[field], part):
                problems.append(
                    DataProblem(
                        where,
                        u.name,
                        f"{source}[{i}].{field}",
                        f"{key} {ident!r} is rated {rec[field]} here but {seen[0]} by {seen[2]}",
                    )
                )
                continue
            pooled.setdefault(ident, (rec[field], part, u.name))
    if problems:
        raise DataError(problems)
    group, run = units[0].group, units[0].run
    if run is not None and run.size(group, len(units)) > len(units):
        # the units not in the data hold records of these parts too: no part is whole
        run.warn(
            "partial-roster",
            None,
            f"{source} in group {group!r}: the data holds {len(units)} of "
            f"{run.size(group, len(units))} units, so the records of each "
            f"{by or 'group'} are not all here and their shares were not checked",
        )
        return
    parts: dict[object, list[str]] = {}
    for rating, part, _ in pooled.values():
        parts.setdefault(part, []).append(rating)
    noun = f"records (one per {key})" if key is not None else "records"
    for part in sorted(parts, key=str):
        what = f"{source} in group {group!r}" + (f", {by} {part!r}" if by is not None else "")
        ratings = parts[part]
        counts = [sum(1 for r in ratings if r == label) for label in labels]
        _check_split(what, noun, counts, len(ratings), labels, shares, mode, where, None, source)


def _check_split(
    what: str,
    noun: str,
    counts: Sequence[int],
    whole: int,
    labels: Sequence[str],
    shares: Sequence[Q],
    mode: Mode | None,
    where: str,
    run: Run | None,
    rated: str | None,
) -> None:
    present = sum(counts)
    splits = Splits.of(whole, shares, mode)
    got = counted(labels, counts)
    if present == whole:
        if splits.holds(counts):
            return
        message = (
            f"{what}: {whole} {noun} must be rated {splits.describe(labels)}, but are rated {got}"
        )
    elif splits.can_grow_into(counts):
        assert run is not None
        run.warn(
            "partial-roster",
            None,
            f"{what}: the data holds {present} of {whole} {noun}; their ratings ({got}) may "
            f"still fit {splits.describe(labels)}, but the whole split cannot be checked",
        )
        return
    else:
        message = (
            f"{what}: {whole} {noun} in all must be rated {splits.describe(labels)}, and the "
            f"{present} in the data are already rated {got}"
        )
    raise DataError([DataProblem(where, None, rated, message)])
