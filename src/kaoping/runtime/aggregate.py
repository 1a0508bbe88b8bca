"""Aggregates over a unit's list of records (awards, reform items, incidents)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kaoping.runtime.numbers import ZERO, Q, mean

Record = Mapping[str, Any]
Fn = Callable[[Record], Any]


def select(
    records: Sequence[Record],
    where: Fn | None,
    per: str | None,
    value: Fn | None,
    drop: Sequence[tuple[int, str, Fn]] | None,
    why: dict[int, str] | None = None,
) -> list[Record]:
    """The records an aggregate counts: filtered, the highest per field, minus the dropped (each
    `drop` in turn: "去掉一个最高分和一个最低分" drops the highest, then the lowest of the rest).
    `why`, when given, receives the reason each record left out was left out (by `id`)."""
    chosen = [r for r in records if where is None or where(r)]
    if why is not None and len(chosen) < len(records):
        kept = {id(r) for r in chosen}
        for r in records:
            if id(r) not in kept:
                why[id(r)] = "left out: its condition does not hold"
    if per is not None and value is None:  # `count … highest per F`: one record per F
        chosen = list({r[per]: r for r in reversed(chosen)}.values())[::-1]
    if per is not None and value is not None:
        best: dict[object, Record] = {}
        order: list[object] = []
        for r in chosen:
            k = r[per]
            if k not in best:
                order.append(k)
                best[k] = r
            elif value(r) > value(best[k]):
                best[k] = r
        if why is not None:
            kept = {id(r) for r in best.values()}
            for r in chosen:
                if id(r) not in kept:
                    why[id(r)] = f"superseded: another record with the same {per} is worth more"
        chosen = [best[k] for k in order]
    for count, which, key in drop or ():
        # among equal keys, the records worth least (by the aggregated value) go first, so the
        # outcome never depends on the order the records were listed in
        tie = (lambda r: value(r)) if value is not None else (lambda r: ZERO)
        if which == "lowest":
            ordered = sorted(chosen, key=lambda r: (key(r), tie(r)))
        else:
            ordered = sorted(chosen, key=lambda r: (key(r), tie(r)), reverse=True)
        dropped = {id(r) for r in ordered[:count]}
        if why is not None:
            for r in ordered[:count]:
                why[id(r)] = f"dropped: among the {count} {which}"
        chosen = [r for r in chosen if id(r) not in dropped]
    return chosen


def agg(
    kind: str,
    records: Sequence[Record],
    value: Fn | None = None,
    where: Fn | None = None,
    per: str | None = None,
    drop: Sequence[tuple[int, str, Fn]] | None = None,
    note: tuple[Any, int] | None = None,
) -> Q | None:
    """`note` (traced scoring only): the unit and rule line under which to record what each
    record contributed, for `explain`."""
    why: dict[int, str] | None = {} if note is not None else None
    chosen = select(records, where, per, value, drop, why)
    if note is not None:
        unit, line = note
        counted = {id(r) for r in chosen}
        notes = unit.record_notes.setdefault(line, [])
        for i, r in enumerate(records, 1):
            if id(r) in counted:
                notes.append((i, "counted", value(r) if value is not None else None))
            else:
                assert why is not None
                notes.append((i, why.get(id(r), "left out"), None))
    if kind == "count":
        return Q(len(chosen))
    assert value is not None
    values = [value(r) for r in chosen]
    if kind == "sum":
        return sum(values, ZERO)
    if kind == "mean":
        return mean(values)
    if not values:
        return None
    chosen_value: Q = max(values) if kind == "highest" else min(values)
    return chosen_value
