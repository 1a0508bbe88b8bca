"""Checks generated code makes while scoring: the data requirements of each unit, and a keyed
item's rows covering its key (proved by the checker, so a failure there is a defect, reported
with the rule line rather than a number)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kaoping.errors import DataProblem, ScoringError
from kaoping.exact import Q, show


def unmet(
    unit: str | None,
    where: str,
    text: str,
    fields: Sequence[str] | None,
    values: Mapping[str, Any],
) -> DataProblem:
    """A requirement the data breaks: the unit's (or, for one on constants alone, the run's),
    with the inputs (or constants) it read and each value it read: an input or a constant by
    name, an aggregate over a list by its text."""
    shown = ", ".join(f"{name} = {_show(value)}" for name, value in values.items())
    field = ", ".join(fields) if fields else None
    return DataProblem(where, unit, field, f"the requirement {text} does not hold: {shown}")


def differing(
    where: str, text: str, entries: Sequence[tuple[str, str, Any]], per_group: bool
) -> list[DataProblem]:
    """`require same X`: the units (name, group, X) must all give one value, within each group or
    over all of them; a problem names each value and the units giving it, the commonest first."""
    pools: dict[str, list[tuple[str, Any]]] = {}
    for name, group, value in entries:
        pools.setdefault(group if per_group else "", []).append((name, value))
    problems = []
    for pool, members in sorted(pools.items()):
        by_value: dict[Any, list[str]] = {}
        for name, value in members:
            by_value.setdefault(value, []).append(name)
        if len(by_value) < 2:
            continue
        ordered = sorted(by_value.items(), key=lambda kv: (-len(kv[1]), sorted(kv[1])))
        shown = "; ".join(f"{_show(v)} ({', '.join(sorted(names))})" for v, names in ordered)
        scope = f"the units of group {pool!r}" if per_group else "the units"
        problems.append(
            DataProblem(where, None, text, f"{scope} must all give the same {text}: {shown}")
        )
    return problems


def _show(value: Any) -> str:
    if isinstance(value, Q):
        return show(value)
    if value is True or value is False:
        return "true" if value else "false"
    return "null" if value is None else str(value)


def no_row(path: str, where: str, key: Any) -> None:
    """No row of a keyed item covers the key: stop rather than give the item a number."""
    raise ScoringError(f"{where}: no row of {path!r} covers the key {_show(key)}")
