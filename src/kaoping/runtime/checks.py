"""Checks generated code makes while scoring: the data requirements of each unit, and a keyed
item's rows covering its key (proved by the checker, so a failure there is a defect, reported
with the rule line rather than a number)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kaoping.errors import DataProblem, ScoringError


def unmet(unit: str, where: str, text: str, inputs: Mapping[str, Any]) -> DataProblem:
    """A requirement the unit's data breaks, with the inputs it read and their values."""
    values = ", ".join(f"{name} = {_show(value)}" for name, value in inputs.items())
    return DataProblem(
        where, unit, ", ".join(inputs), f"the requirement {text} does not hold: {values}"
    )


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if value is True or value is False:
        return "true" if value else "false"
    return "null" if value is None else str(value)


def no_row(path: str, where: str, key: Any) -> None:
    """No row of a keyed item covers the key: stop rather than give the item a number."""
    raise ScoringError(f"{where}: no row of {path!r} covers the key {key}")
