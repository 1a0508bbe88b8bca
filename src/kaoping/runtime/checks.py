"""Checks generated code makes while scoring: a keyed item's rows covering its key (proved by
the checker, so a failure here is a defect, reported with the rule line rather than a number)."""

from __future__ import annotations

from typing import Any

from kaoping.errors import ScoringError


def no_row(path: str, where: str, key: Any) -> None:
    """No row of a keyed item covers the key: stop rather than give the item a number."""
    raise ScoringError(f"{where}: no row of {path!r} covers the key {key}")
