"""What `score --archive` records: the run as the archive keeps it (kaoping.archive.store.Run)
from the scored results, the data as read, the year and who ran it."""

from __future__ import annotations

import datetime
import getpass
import importlib.metadata
import os
from collections.abc import Mapping

from kaoping.archive.store import Run, data_json, record
from kaoping.io.history_file import scheme_hash
from kaoping.io.results import to_json
from kaoping.io.validate import UnitData
from kaoping.plugins.manager import GROUP, Registry
from kaoping.scoring import Results


def current_user() -> str:
    """The OS user's name (the uid where the system has no name for it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):
        return f"uid {os.getuid()}"


def scheme_version(registry: Registry, scheme_id: str) -> str | None:
    """The distribution and version of the plugin that provides an installed scheme
    (`kaoping 0.1.0`); None for a scheme compiled from a rules path (its hash identifies it)."""
    owner = registry.owner.get(scheme_id)
    if owner is None:
        return None
    try:
        for ep in importlib.metadata.entry_points(group=GROUP):
            if ep.name == owner and ep.dist is not None:
                return f"{ep.dist.name} {ep.dist.version}"
    except Exception:  # a broken distribution's metadata: the hash still identifies the rules
        return None
    return None


def archive_run(
    path: str,
    results: Results,
    units: list[UnitData],
    roster: Mapping[str, int],
    year: int,
    by: str,
    version: str | None,
) -> int:
    """Record the run in the archive at `path` (created if missing); the run's id."""
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    run = Run(
        scheme_id=results.scheme.scheme_id,
        scheme_version=version,
        scheme_hash=scheme_hash(results.scheme),
        year=year,
        run_at=now,
        run_by=by,
        data_json=data_json(units, roster),
        results_json=to_json(results),
    )
    return record(path, run)
