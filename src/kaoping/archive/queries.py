"""What the archive answers: the results of the latest run of a year for a scheme (last year's
results for `--history archive:PATH#YEAR`), a unit's years, and the runs."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import attrs

from kaoping.errors import DataError, DataProblem

# a total as `score` writes it: a decimal (`42.50`, `-3`) or an exact fraction (`550/3`)
_EXACT = re.compile(r"-?[0-9]+(\.[0-9]+)?|-?[0-9]+/[1-9][0-9]*")


@attrs.frozen
class ArchivedRun:
    id: int
    scheme_id: str
    scheme_version: str | None
    scheme_hash: str
    year: int
    run_at: str
    run_by: str
    units: int


@attrs.frozen
class UnitYear:
    year: int
    scheme_id: str
    group: str
    total: str  # exact text, as the results JSON wrote it
    rank: int | None
    grade: str | None
    run_at: str
    run_by: str
    run_id: int
    runs: int  # runs of that year and scheme holding the unit (the latest is shown)


def latest_results(db: sqlite3.Connection, scheme_id: str, year: int) -> tuple[int, str] | None:
    """The id and results JSON of the latest run of `year` for `scheme_id`, if any."""
    row = db.execute(
        "SELECT id, results_json FROM runs WHERE scheme_id = ? AND year = ? "
        "ORDER BY id DESC LIMIT 1",
        (scheme_id, year),
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def schemes_of_year(db: sqlite3.Connection, year: int) -> list[str]:
    rows = db.execute("SELECT DISTINCT scheme_id FROM runs WHERE year = ? ORDER BY 1", (year,))
    return [str(r[0]) for r in rows]


def _checked(where: str, what: str, row: Any, fields: dict[str, tuple[type, ...]]) -> Any:
    """`row`, when each value has the type kaoping writes; an altered archive (a blob, text
    where a year is, a total that is no number) is a data error naming the run and the field
    rather than a value shown as if it were a result."""
    for (name, types), value in zip(fields.items(), row, strict=True):
        fits = isinstance(value, types) and not isinstance(value, bool)
        if fits and name == "total":
            fits = _EXACT.fullmatch(value) is not None
        if not fits:
            shown = _shown(value)
            raise DataError(
                [
                    DataProblem(
                        where,
                        None,
                        None,
                        f"{what}, {name}: {shown} is not what kaoping writes there "
                        "(the archive was altered)",
                    )
                ]
            )
    return row


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        return f"binary data ({len(value)} bytes)"
    if value is None:
        return "nothing (NULL)"
    if isinstance(value, str):
        return f"the text “{value}”"
    return f"the number {value}"


_RUN_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (int,),
    "scheme_id": (str,),
    "scheme_version": (str, type(None)),
    "scheme_hash": (str,),
    "year": (int,),
    "run_at": (str,),
    "run_by": (str,),
    "units": (int,),
}
_UNIT_YEAR_FIELDS: dict[str, tuple[type, ...]] = {
    "year": (int,),
    "scheme_id": (str,),
    "group": (str,),
    "total": (str,),
    "rank": (int, type(None)),
    "grade": (str, type(None)),
    "run_at": (str,),
    "run_by": (str,),
    "run_id": (int,),
    "runs": (int,),
}


def runs(db: sqlite3.Connection, where: str) -> list[ArchivedRun]:
    """Every run, oldest first."""
    rows = db.execute(
        "SELECT r.id, r.scheme_id, r.scheme_version, r.scheme_hash, r.year, r.run_at, r.run_by,"
        " (SELECT count(*) FROM unit_results u WHERE u.run_id = r.id)"
        " FROM runs r ORDER BY r.id"
    )
    return [ArchivedRun(*_checked(where, f"run {row[0]}", row, _RUN_FIELDS)) for row in rows]


def unit_years(
    db: sqlite3.Connection, unit: str, scheme_id: str | None, where: str
) -> list[UnitYear]:
    """The unit's result in each year (and scheme) archived: the latest run of each."""
    rows = db.execute(
        "SELECT r.year, r.scheme_id, u.group_name, u.total, u.rank, u.grade, r.run_at, r.run_by,"
        " r.id, (SELECT count(*) FROM runs r2 JOIN unit_results u2 ON u2.run_id = r2.id"
        "        WHERE u2.unit = u.unit AND r2.year = r.year AND r2.scheme_id = r.scheme_id)"
        " FROM unit_results u JOIN runs r ON r.id = u.run_id"
        " WHERE u.unit = ? AND (? IS NULL OR r.scheme_id = ?)"
        " AND r.id = (SELECT max(r3.id) FROM runs r3 JOIN unit_results u3 ON u3.run_id = r3.id"
        "             WHERE u3.unit = u.unit AND r3.year = r.year"
        "             AND r3.scheme_id = r.scheme_id)"
        " ORDER BY r.year, r.scheme_id",
        (unit, scheme_id, scheme_id),
    )
    return [
        UnitYear(*_checked(where, f"run {row[8]}, unit “{unit}”", row, _UNIT_YEAR_FIELDS))
        for row in rows
    ]
