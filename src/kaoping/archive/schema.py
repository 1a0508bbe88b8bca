"""The archive's tables, built by an ordered list of migration steps. `PRAGMA user_version` is
the number of steps an archive has had; opening an older archive for writing runs the steps it
lacks, in one transaction with the write. `PRAGMA application_id` marks the file as kaoping's,
so that another program's SQLite database is refused rather than altered."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from kaoping.errors import DataError, DataProblem

APPLICATION_ID = 0x4B50_4152  # "KPAR"


def _create_runs(db: sqlite3.Connection, where: str) -> None:
    """Version 1: a row per run — the scheme, the data as read, the results JSON, when, who."""
    db.execute(
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scheme_id TEXT NOT NULL,
            scheme_version TEXT,
            scheme_hash TEXT NOT NULL,
            year INTEGER NOT NULL,
            run_at TEXT NOT NULL,
            run_by TEXT NOT NULL,
            data_json TEXT NOT NULL,
            results_json TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX runs_by_scheme_year ON runs (scheme_id, year)")


def _unit_rows(db: sqlite3.Connection, where: str) -> None:
    """Version 2: each unit's total, rank and grade per run, so that a unit's years are read
    without parsing every run's results; the runs archived before are indexed here too."""
    db.execute(
        """CREATE TABLE unit_results (
            run_id INTEGER NOT NULL REFERENCES runs (id),
            unit TEXT NOT NULL,
            group_name TEXT NOT NULL,
            total TEXT NOT NULL,
            rank INTEGER,
            grade TEXT,
            PRIMARY KEY (run_id, unit)
        )"""
    )
    db.execute("CREATE INDEX unit_results_by_unit ON unit_results (unit)")
    for run_id, text in db.execute("SELECT id, results_json FROM runs").fetchall():
        db.executemany(
            "INSERT INTO unit_results VALUES (?, ?, ?, ?, ?, ?)",
            unit_rows(run_id, text, where),
        )


Step = Callable[[sqlite3.Connection, str], None]

# in order, never edited once released: an archive at version N has had the first N steps
MIGRATIONS: tuple[Step, ...] = (_create_runs, _unit_rows)
VERSION = len(MIGRATIONS)


def unit_rows(
    run_id: int, results_json: str, where: str
) -> list[tuple[int, str, str, str, int | None, str | None]]:
    """The rows of `unit_results` for one run, from its results JSON."""

    def bad(why: str) -> DataError:
        return DataError([DataProblem(where, None, None, f"run {run_id}: {why}")])

    try:  # numbers stay text: a total is exact text, a rank a whole number
        doc = json.loads(results_json, parse_float=str, parse_constant=str)
    except (ValueError, RecursionError, TypeError):
        raise bad("its results are not valid JSON") from None
    units = doc.get("units") if isinstance(doc, dict) else None
    if not isinstance(units, list):
        raise bad("its results hold no units")
    rows = []
    for u in units:
        if not isinstance(u, dict) or not all(
            isinstance(u.get(k), str) for k in ("unit", "group", "total")
        ):
            raise bad("a unit of its results has no name, group or total")
        rank = u.get("rank")
        grade = u.get("grade")
        if isinstance(rank, int) and not isinstance(rank, bool) and not 1 <= rank < 2**63:
            # (an archive altered by hand: SQLite holds no larger whole number)
            raise bad(
                f"unit {u['unit']!r}, field 'rank': a rank is a whole number from 1, got {rank}"
            )
        rows.append(
            (
                run_id,
                u["unit"],
                u["group"],
                u["total"],
                rank if isinstance(rank, int) and not isinstance(rank, bool) else None,
                grade if isinstance(grade, str) else None,
            )
        )
    return rows


def migrate(db: sqlite3.Connection, where: str, target: int = VERSION) -> None:
    """Bring the archive to version `target`, inside the caller's transaction."""
    current = int(db.execute("PRAGMA user_version").fetchone()[0])
    for step in MIGRATIONS[current:target]:
        step(db, where)
    if current == 0:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    if target != current:
        db.execute(f"PRAGMA user_version = {int(target)}")
