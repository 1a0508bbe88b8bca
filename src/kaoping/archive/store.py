"""Opening an archive and recording a run. Everything about the file is untrusted: a path that
is not an SQLite file, another program's database or an archive of a newer schema is a data
error (exit 2) naming the file, never a traceback and never an altered file. Writes take the
database's write lock at once (`BEGIN IMMEDIATE`) and wait for another writer (a busy timeout),
so two runs recording at the same time both land."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

import attrs

from kaoping.archive.schema import APPLICATION_ID, VERSION, migrate, unit_rows
from kaoping.errors import DataError, DataProblem
from kaoping.exact import Q, exact_text
from kaoping.io.validate import UnitData

BUSY_TIMEOUT_S = 60.0  # how long a run waits for another run's write to finish


def _refuse(where: str, why: str) -> DataError:
    return DataError([DataProblem(where, None, None, why)])


def _database_error(where: str, err: sqlite3.Error) -> DataError:
    text = str(err)
    if "not a database" in text:
        return _refuse(where, "not a kaoping archive: the file is not an SQLite database")
    if "locked" in text or "busy" in text:
        return _refuse(where, f"the archive stayed busy with another run's write: {text}")
    return _refuse(where, f"cannot use the archive: {text}")


@contextlib.contextmanager
def _sqlite_errors(where: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as err:
        raise _database_error(where, err) from None


def _connect(path: str, read_only: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are begun explicitly). The absolute path
    keeps `:memory:` a file name; a read-only connection is opened by URI, every character of
    the path quoted, so that it never creates a file."""
    absolute = os.path.abspath(path)
    if read_only:
        uri = f"file:{quote(absolute)}?mode=ro"
        db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    else:
        db = sqlite3.connect(absolute, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    return db


def _version(db: sqlite3.Connection, where: str) -> int:
    """The archive's schema version; a data error if the file is not a kaoping archive one can
    read (another program's database, a newer schema)."""
    app = int(db.execute("PRAGMA application_id").fetchone()[0])
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if app != APPLICATION_ID:
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app != 0 or version != 0 or tables:
            raise _refuse(where, "not a kaoping archive: an SQLite database of another program")
        return 0  # empty: a new archive
    if version < 0:
        raise _refuse(
            where,
            f"not a kaoping archive: its schema version is {version}, which no kaoping writes "
            "(the file was altered)",
        )
    if version > VERSION:
        raise _refuse(
            where,
            f"this archive has schema version {version}, made by a newer kaoping (this one "
            f"reads versions up to {VERSION}): upgrade kaoping to use it",
        )
    return version


def _not_a_file(path: str) -> str | None:
    """Why `path` (followed through symlinks) cannot be an archive: a folder, a FIFO or a
    device (opening which could block or write to a terminal); None for a file or nothing."""
    if os.path.isdir(path):
        return "it is a folder"
    if os.path.exists(path) and not os.path.isfile(path):
        return "it is not a regular file"
    if len(os.fsencode(os.path.basename(path))) > _NAME_BYTES:
        return (
            f"its name is over {_NAME_BYTES} bytes: SQLite writes NAME-journal beside it, whose "
            "name would be over the 255 bytes a file name may have; choose a shorter name"
        )
    return None


_NAME_BYTES = 255 - len("-journal")


def check_writable(path: str) -> None:
    """Before the work: refuse an archive that could not be recorded into (checked again, under
    the write lock, when the run is recorded). A missing file is fine where its folder exists."""
    why = _not_a_file(path)
    if why is not None:
        raise _refuse(path, f"cannot use the archive: {why}")
    if not os.path.exists(path):
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise _refuse(path, f"cannot create the archive: no folder {folder}")
        return
    with _sqlite_errors(path), contextlib.closing(_connect(path, read_only=True)) as db:
        _version(db, path)


@attrs.frozen
class Run:
    """One scoring run as the archive keeps it."""

    scheme_id: str
    scheme_version: str | None
    scheme_hash: str
    year: int
    run_at: str  # ISO 8601, UTC
    run_by: str
    data_json: str
    results_json: str


def record(path: str, run: Run) -> int:
    """Record `run` (migrating an older archive first), all in one transaction; its id."""
    why = _not_a_file(path)
    if why is not None:
        raise _refuse(path, f"cannot use the archive: {why}")
    with _sqlite_errors(path), contextlib.closing(_connect(path, read_only=False)) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            _version(db, path)
            migrate(db, path)
            cursor = db.execute(
                "INSERT INTO runs (scheme_id, scheme_version, scheme_hash, year, run_at, "
                "run_by, data_json, results_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                attrs.astuple(run),
            )
            run_id = cursor.lastrowid
            assert run_id is not None
            db.executemany(
                "INSERT INTO unit_results VALUES (?, ?, ?, ?, ?, ?)",
                unit_rows(run_id, run.results_json, path),
            )
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
    return run_id


@contextlib.contextmanager
def reading(path: str) -> Iterator[sqlite3.Connection]:
    """A connection to read an existing archive at the current schema: an older archive is
    migrated first (which needs write access to it)."""
    if not os.path.isfile(path):
        why = (_not_a_file(path) if os.path.exists(path) else None) or "no such file"
        raise _refuse(path, f"cannot read the archive: {why}")
    with _sqlite_errors(path):
        with contextlib.closing(_connect(path, read_only=True)) as db:
            version = _version(db, path)
            if version == VERSION:
                yield db
                return
        with contextlib.closing(_connect(path, read_only=False)) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                if _version(db, path) == 0:
                    raise _refuse(path, "not a kaoping archive: it records no run")
                migrate(db, path)
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
            yield db


def _plain(value: Any) -> Any:
    if isinstance(value, Q):
        return exact_text(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def data_json(units: list[UnitData], roster: Mapping[str, int]) -> str:
    """The data as kaoping read it (whatever its file format), as canonical JSON: the units by
    name, keys sorted, numbers as exact text."""
    doc: dict[str, Any] = {
        "units": [
            {
                "unit": u.name,
                "group": u.group,
                "facts": _plain(u.facts),
                **(
                    {
                        "given": {
                            path: {"value": _plain(g.value), "by": g.by, "note": g.note}
                            for path, g in u.given.items()
                        }
                    }
                    if u.given
                    else {}
                ),
            }
            for u in sorted(units, key=lambda u: u.name)
        ]
    }
    if roster:
        doc["roster"] = dict(roster)
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
