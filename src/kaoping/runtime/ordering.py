"""Raters' orderings turned into grades (`require G ordered by P distributed …`).

Where a document has raters order the units (县领导 order the 县直单位) or the records (a 专项's
总牵头领导 orders its reform items) and then apply shares, the data may give each one's place in
the ordering instead of its grade. kaoping applies the shares: the declared rounding's split, or,
where none is declared, the grade every allowed split agrees on. Where the allowed splits
disagree (20% of 7 is 1.4: is the second unit 优 or 良?) the document leaves the choice to the
raters, so the grade must be given too. Runs before any value is computed, so every rule reads
the grade as an input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from kaoping.errors import DataError, DataProblem
from kaoping.exact import Mode
from kaoping.runtime.numbers import Q
from kaoping.runtime.shares import Splits
from kaoping.runtime.unit import Unit


@attrs.define
class _Member:
    """One unit (or one record) of an ordering: who it is, where to report, what was given."""

    label: str  # as messages name it
    unit: str
    field: str  # where its place is given
    grade_field: str  # where its grade is (or would be) given
    position: Any
    grade: str | None
    result: str | None = None


def order_units(
    units: Sequence[Unit],
    rating: str,
    order: str,
    labels: Sequence[str],
    shares: Sequence[Q],
    mode: Mode | None,
    where: str,
) -> None:
    """Each unit's `rating` from its place `order` among the units of its group."""
    if not units or all(u.facts.get(order) is None for u in units):
        return  # the grades are given directly; the requirement checks them
    group, run = units[0].group, units[0].run
    whole = run.size(group, len(units)) if run is not None else len(units)
    members = [
        _Member(u.name, u.name, order, rating, u.facts.get(order), u.facts.get(rating))
        for u in units
    ]
    _assign(f"group {group!r}", "units", members, whole, rating, labels, shares, mode, where)
    for u, m in zip(units, members, strict=True):
        assert m.result is not None
        if m.grade is None:
            u.facts = {**u.facts, rating: m.result}
            u.derived[rating] = {"order": order, "place": m.position, "of": whole}


def order_records(
    units: Sequence[Unit],
    source: str,
    field: str,
    order: str,
    key: str | None,
    by: str | None,
    labels: Sequence[str],
    shares: Sequence[Q],
    mode: Mode | None,
    where: str,
) -> None:
    """Each record's `field` from its place `order` among the records of its part, pooled over
    the group's units (a record led by several units is one record, its copies agreeing)."""
    if not units:
        return
    if all(rec.get(order) is None for u in units for rec in u.facts[source]):
        return  # the grades are given directly; the requirement checks them
    group, run = units[0].group, units[0].run
    problems: list[DataProblem] = []
    pools: dict[object, dict[object, _Member]] = {}
    copies: dict[int, tuple[object, object]] = {}  # id(record) → (part, ident)
    for u in units:
        for i, rec in enumerate(u.facts[source], 1):
            ident: object = rec[key] if key is not None else (u.name, i)
            part: object = rec[by] if by is not None else ""
            label = (
                f"{key} {ident!r} ({u.name}, {source}[{i}])"
                if key is not None
                else f"{u.name}, {source}[{i}]"
            )
            here = f"{source}[{i}].{order}"
            pool = pools.setdefault(part, {})
            seen = pool.get(ident)
            if seen is None:
                pool[ident] = _Member(
                    label, u.name, here, f"{source}[{i}].{field}", rec.get(order), rec.get(field)
                )
            elif (seen.position, seen.grade) != (rec.get(order), rec.get(field)):
                problems.append(
                    DataProblem(
                        where,
                        u.name,
                        here,
                        f"{key} {ident!r} is at position {_show(rec.get(order))} "
                        f"rated {_show(rec.get(field))} here, but at position "
                        f"{_show(seen.position)} rated {_show(seen.grade)} by {seen.unit}",
                    )
                )
            copies[id(rec)] = (part, ident)
    if problems:
        raise DataError(problems)
    whole = run.size(group, len(units)) if run is not None else len(units)
    noun = f"records (one per {key})" if key is not None else "records"
    for part in sorted(pools, key=str):
        members = list(pools[part].values())
        what = f"{source} in group {group!r}" + (f", {by} {part!r}" if by is not None else "")
        if whole > len(units):
            _given_on_part_of_roster(what, members, field, len(units), whole, group, where)
            continue
        _assign(what, noun, members, len(members), field, labels, shares, mode, where)
    for u in units:
        records = []
        for rec in u.facts[source]:
            part, ident = copies[id(rec)]
            m = pools[part][ident]
            if rec.get(field) is None and m.result is not None:
                rec = {**rec, field: m.result}
            records.append(rec)
        u.facts = {**u.facts, source: records}


def _given_on_part_of_roster(
    what: str,
    members: Sequence[_Member],
    field: str,
    present: int,
    whole: int,
    group: str,
    where: str,
) -> None:
    """With part of the group's units in the data, a part's records are not all here either,
    so a place cannot be turned into a grade: the grade must be given with it."""
    missing = [m for m in members if m.grade is None]
    if missing:
        raise DataError(
            [
                DataProblem(
                    where,
                    m.unit,
                    m.grade_field,
                    f"{m.label}: the data holds {present} of {whole} units of group {group!r}, "
                    f"so {what} has records that are not here and a place cannot be turned "
                    f"into a grade; give {field} too",
                )
                for m in missing
            ]
        )
    for m in members:
        m.result = m.grade


def _assign(
    what: str,
    noun: str,
    members: Sequence[_Member],
    whole: int,
    rating: str,
    labels: Sequence[str],
    shares: Sequence[Q],
    mode: Mode | None,
    where: str,
) -> None:
    """Grades for the places of an ordering of `whole` units (or records), some of them here.
    Places must be whole numbers from 1 to `whole`, each held once; a given grade must fit."""
    problems: list[DataProblem] = []
    without = [m for m in members if m.position is None]
    for m in without:
        problems.append(
            DataProblem(
                where,
                m.unit,
                m.field,
                f"{m.label} has no place in the ordering, which the other {noun} of {what} "
                "have: an ordering places every one of them",
            )
        )
    placed = [m for m in members if m.position is not None]
    at: dict[int, list[_Member]] = {}
    for m in placed:
        p = int(m.position)
        if p < 1 or p > whole:
            problems.append(
                DataProblem(
                    where,
                    m.unit,
                    m.field,
                    f"{m.label} is at position {p}, but the ordering of the {whole} {noun} of "
                    f"{what} runs from 1 to {whole}",
                )
            )
            continue
        at.setdefault(p, []).append(m)
    for p, tied in sorted(at.items()):
        if len(tied) > 1:
            for m in tied:
                others = ", ".join(o.label for o in tied if o is not m)
                problems.append(
                    DataProblem(
                        where,
                        m.unit,
                        m.field,
                        f"{m.label} is at position {p}, and so is {others}: "
                        "an ordering has no ties",
                    )
                )
    if len(members) == whole and not without:
        gaps = [p for p in range(1, whole + 1) if p not in at]
        if gaps:
            problems.append(
                DataProblem(
                    where,
                    None,
                    None,
                    f"the ordering of the {whole} {noun} of {what} has nobody at position(s) "
                    f"{', '.join(str(p) for p in gaps)}",
                )
            )
    if problems:
        raise DataError(problems)
    splits = Splits.of(whole, shares, mode)
    band = {label: i for i, label in enumerate(labels)}

    def options(m: _Member, placed: Sequence[tuple[int, int]] = ()) -> list[str]:
        return [labels[b] for b in splits.bands_at(int(m.position), placed)]

    for m in members:
        if m.grade is not None and m.grade not in options(m):
            problems.append(
                DataProblem(
                    where,
                    m.unit,
                    m.grade_field,
                    f"{m.label} is at position {m.position} of {whole} and rated {m.grade}, but "
                    f"with {splits.describe(labels)} position {m.position} is "
                    f"{' or '.join(options(m))}",
                )
            )
    if problems:
        raise DataError(problems)
    fixed = [(int(m.position), band[m.grade]) for m in members if m.grade is not None]
    if not splits.fits(fixed):
        given = ", ".join(f"{m.label} {m.position} {m.grade}" for m in members if m.grade)
        raise DataError(
            [
                DataProblem(
                    where,
                    None,
                    None,
                    f"{what}: the grades given with the ordering ({given}) do not fit one split "
                    f"of {whole} {noun} into {splits.describe(labels)}",
                )
            ]
        )
    for m in members:
        choice = options(m, fixed)
        if m.grade is not None:
            m.result = m.grade
        elif len(choice) == 1:
            m.result = choice[0]
        else:
            problems.append(
                DataProblem(
                    where,
                    m.unit,
                    m.grade_field,
                    f"{m.label} is at position {m.position} of {whole}: the shares allow "
                    f"{' or '.join(choice)} there (splits {splits.describe(labels)}) and the "
                    f"rules declare no rounding, so the raters decide: give its {rating} too",
                )
            )
    if problems:
        raise DataError(problems)


def _show(value: object) -> str:
    return "none" if value is None else str(value)
