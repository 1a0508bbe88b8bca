"""Group-level operations: best, peers' mean, rank, forced distribution, and the check of
ratings entered by raters. Every one is independent of the order units were listed in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kaoping.errors import DataError, DataProblem
from kaoping.exact import Mode
from kaoping.runtime.numbers import ZERO, Q, mean, round_count

Key = tuple[Q, ...]


def best(values: Sequence[Q]) -> Q:
    return max(values) if values else ZERO


def group_mean(values: Sequence[Q | None]) -> Q | None:
    return mean([v for v in values if v is not None])


def rank(keys: Sequence[Key], ascending: bool = False) -> list[int]:
    """1 for the best; units equal on the whole key chain share a rank (1, 2, 2, 4)."""
    sign = 1 if ascending else -1
    signed = [tuple(sign * k for k in key) for key in keys]
    ordered = sorted(signed)
    first_at: dict[Key, int] = {}
    for pos, key in enumerate(ordered, 1):
        first_at.setdefault(key, pos)
    return [first_at[k] for k in signed]


def band_counts(n: int, shares: Sequence[Q], mode: Mode) -> list[int]:
    """How many units each band holds: rounded cumulative shares, so the counts add up to n."""
    bounds, cum = [], ZERO
    for s in shares:
        cum += s
        bounds.append(min(n, round_count(cum * n, mode)))
    bounds[-1] = n
    counts, prev = [], 0
    for b in bounds:
        counts.append(max(0, b - prev))
        prev = max(prev, b)
    return counts


def distribute(
    values: Sequence[Q], labels: Sequence[str], shares: Sequence[Q], mode: Mode
) -> list[str]:
    """Forced distribution: band i takes the units ranked within its rounded cumulative share;
    a unit tied with the last unit of a band joins that band."""
    n = len(values)
    if n == 0:
        return []
    ranks = rank([(v,) for v in values])
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
    group: str,
    ratings: Sequence[str],
    labels: Sequence[str],
    shares: Sequence[Q],
    mode: Mode,
    where: str,
) -> None:
    """Raters' ratings must match the shares exactly (after the declared rounding)."""
    expected = band_counts(len(ratings), shares, mode)
    actual = [sum(1 for r in ratings if r == label) for label in labels]
    if expected != actual:
        want = ", ".join(f"{lab} {c}" for lab, c in zip(labels, expected, strict=True))
        got = ", ".join(f"{lab} {c}" for lab, c in zip(labels, actual, strict=True))
        raise DataError(
            [
                DataProblem(
                    where,
                    None,
                    None,
                    f"group {group!r} of {len(ratings)} units must be rated "
                    f"{want}, but is rated {got}",
                )
            ]
        )


def require_records(
    units: Sequence[Any],
    source: str,
    field: str,
    key: str | None,
    by: str | None,
    labels: Sequence[str],
    shares: Sequence[Q],
    mode: Mode,
    where: str,
) -> None:
    """Ratings carried by records (reform items) pooled over a group's units: each record key
    counted once (its copies must agree), the shares checked within each part."""
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
    parts: dict[object, list[str]] = {}
    for rating, part, _ in pooled.values():
        parts.setdefault(part, []).append(rating)
    for part in sorted(parts, key=str):
        label = f"{units[0].group} {part}" if part != "" else units[0].group
        require_distribution(label, parts[part], labels, shares, mode, where)
