"""`kaoping history [UNIT] --archive PATH`: what the results archive holds — a unit's result in
each year archived, or (no UNIT) every run recorded."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click

from kaoping.commands import FilePath

_RUN_HEAD = ["run", "year", "scheme", "version", "rules hash", "units", "run at", "by"]
_YEAR_HEAD = ["year", "scheme", "group", "total", "rank", "grade", "run at", "by", "run"]


def _table(header: list[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    from kaoping.io.results import _ljust, _width
    from kaoping.io.text import for_terminal

    cells = [header, *[["-" if c is None else for_terminal(str(c)) for c in r] for r in rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(header))]
    return ["  ".join(_ljust(c, widths[i]) for i, c in enumerate(row)).rstrip() for row in cells]


@click.command("history")
@click.argument("unit", required=False)
@click.option(
    "--archive",
    required=True,
    type=FilePath(),
    help="The results archive (`score --archive` records into it).",
)
@click.option("--scheme", "scheme_id", help="Only this scheme's runs (a scheme id).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def history_cmd(unit: str | None, archive: str, scheme_id: str | None, fmt: str) -> None:
    """List UNIT's years in the archive (year, scheme, total, rank, grade, when the run was
    made and by whom: the latest run of each year), or, without UNIT, every run recorded."""
    import attrs

    from kaoping.archive.queries import runs, unit_years
    from kaoping.archive.store import reading
    from kaoping.cli import _fail
    from kaoping.errors import KaopingError
    from kaoping.io.text import clean_name, for_terminal

    try:
        with reading(archive) as db:
            if unit is None:
                found_runs = [r for r in runs(db, archive) if scheme_id in (None, r.scheme_id)]
                found_years = []
            else:
                found_runs = []
                found_years = unit_years(db, clean_name(unit)[0], scheme_id, archive)
    except KaopingError as err:
        _fail(err)
    if unit is not None and not found_years:
        click.echo(for_terminal(f"error: no unit {unit!r} in the archive"), err=True)
        sys.exit(2)
    if fmt == "json":
        found = [attrs.asdict(r) for r in found_runs] + [attrs.asdict(y) for y in found_years]
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if unit is None:
        if not found_runs:
            whose = f" of scheme {scheme_id!r}" if scheme_id else ""
            click.echo(for_terminal(f"no runs in the archive{whose}"))
            return
        rows: list[list[Any]] = [
            [
                r.id,
                r.year,
                r.scheme_id,
                r.scheme_version,
                str(r.scheme_hash)[:19],
                r.units,
                r.run_at,
                r.run_by,
            ]
            for r in found_runs
        ]
        lines = _table(_RUN_HEAD, rows)
    else:
        rows = [
            [
                y.year,
                y.scheme_id,
                y.group,
                y.total,
                y.rank,
                y.grade,
                y.run_at,
                y.run_by,
                f"{y.run_id}" + (f" (latest of {y.runs})" if y.runs > 1 else ""),
            ]
            for y in found_years
        ]
        lines = _table(_YEAR_HEAD, rows)
    for line in lines:
        click.echo(line)
