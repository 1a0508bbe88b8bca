"""`--history archive:PATH#YEAR`: last year's results read from the archive instead of a file —
the latest run of YEAR for the scheme being scored, then checked as a history file is (its
scheme, the hash of its rules: kaoping.io.history_file)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import click

from kaoping.errors import DataError, DataProblem

PREFIX = "archive:"
HISTORY_HELP = (
    "Last year's results: the JSON `score --format json` wrote, or archive:PATH#YEAR (the "
    "latest run of YEAR for this scheme in the archive PATH)."
)
HISTORY_METAVAR = "FILE|archive:PATH#YEAR"
_YEAR = re.compile(r"[0-9]{4}")


def is_archive_ref(value: str) -> bool:
    return value.startswith(PREFIX)


def parse_archive_ref(value: str) -> tuple[str, int]:
    """PATH and YEAR of `archive:PATH#YEAR` (the last `#` separates them: a path may hold one);
    a ValueError saying what is wrong."""
    body = value[len(PREFIX) :]
    path, sep, year = body.rpartition("#")
    if not sep:
        raise ValueError(f"{value!r}: expected archive:PATH#YEAR (the year after a #)")
    if not path:
        raise ValueError(f"{value!r}: no archive path before the #")
    if not _YEAR.fullmatch(year):
        raise ValueError(f"{value!r}: {year!r} is not a year (four digits, e.g. 2025)")
    return path, int(year)


def history_input(value: str) -> str:
    """The file a `--history` value reads: an output must never be written over it."""
    return parse_archive_ref(value)[0] if is_archive_ref(value) else value


if TYPE_CHECKING:  # generic in the click that type-checks; a plain class in click 8.1
    _ParamType = click.ParamType[str]
else:
    _ParamType = click.ParamType


class HistoryRef(_ParamType):
    """A results file that exists, or `archive:PATH#YEAR` with a valid year (else exit 3)."""

    name = "history"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        if is_archive_ref(text):
            try:
                parse_archive_ref(text)
            except ValueError as err:
                self.fail(str(err), param, ctx)
            return text
        return str(click.Path(exists=True, dir_okay=False).convert(text, param, ctx))


def archived_results(value: str, scheme_id: str) -> tuple[str, str]:
    """The results JSON of the latest run of the year for `scheme_id`, and how messages name
    it; a data error (exit 2) when the archive holds no such run."""
    from kaoping.archive.queries import latest_results, schemes_of_year
    from kaoping.archive.store import reading

    path, year = parse_archive_ref(value)
    with reading(path) as db:
        found = latest_results(db, scheme_id, year)
        if found is None:
            others = schemes_of_year(db, year)
            held = (
                f"its runs of {year} are of {', '.join(repr(s) for s in others)}"
                if others
                else f"it holds no run of {year}"
            )
            why = f"no run of scheme {scheme_id!r} for {year} in the archive: {held}"
            raise DataError([DataProblem(path, None, None, why)])
    run_id, text = found
    return text, f"{value} (run {run_id})"
