"""Last year's results as `--history`: which file may be one, and what a mismatch is worth saying.

A history that matches no unit gives the same scores as no history at all, so a wrong file
would pass in silence. The results JSON therefore names its scheme and a hash of the rules that
produced it: `--history` must be a results file of the scheme being scored (a data file or
another scheme's results is refused), a history produced by other rules of the same scheme is
read with a warning (rules change every year: last year's results came from last year's
rules), and units on one side only are named on both sides."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from kaoping.compiler.load import CompiledScheme
from kaoping.errors import DataError, DataProblem
from kaoping.io.data import read_data_text
from kaoping.io.json_text import read_json_text
from kaoping.io.numbers import is_text
from kaoping.runtime.unit import RunWarning


def scheme_hash(scheme: CompiledScheme) -> str:
    """A hash of the rules texts and their file names (not folders): the same rules give the
    same hash wherever the scheme is installed."""
    digest = hashlib.sha256()
    for name, text in sorted((Path(p).name, t) for p, t in scheme.sources.items()):
        digest.update(f"{len(name)}:{name}{len(text)}:{text}".encode("utf-8", "surrogatepass"))
    return "sha256:" + digest.hexdigest()


def read_history(path: str, scheme: CompiledScheme) -> tuple[Any, list[RunWarning], str]:
    """The parsed results file (or `archive:PATH#YEAR`: the latest run of that year in the
    archive), if it is one of this scheme, its warnings and the name that locates a problem
    in its values (the file, or the archive's run); a data error (exit 2) if not."""
    if path.startswith("archive:"):
        from kaoping.archive.history_ref import archived_results

        text, path = archived_results(path, scheme.scheme_id)
    else:
        text = read_data_text(Path(path))
    doc = read_json_text(text, path)

    def refuse(why: str) -> DataError:
        return DataError([DataProblem(path, None, None, why)])

    if not isinstance(doc, Mapping) or not is_text(doc.get("scheme")):
        looks_like_data = (
            isinstance(doc, Mapping)
            and isinstance(doc.get("units"), list)
            and all(isinstance(u, Mapping) and "total" not in u for u in doc["units"])
        )
        raise refuse(
            "not a kaoping results file (it names no scheme)"
            + ("; it looks like unit data" if looks_like_data else "")
            + ": --history takes the JSON that `kaoping score --format json` wrote last year"
        )
    if doc["scheme"] != scheme.scheme_id:
        raise refuse(
            f"these are results of scheme {doc['scheme']!r}, not of {scheme.scheme_id!r}: "
            "--history takes last year's results of the scheme being scored"
        )
    given = doc.get("scheme_hash")
    if given == scheme_hash(scheme):
        return doc, [], path
    produced = (
        "by rules that differ from these"
        if is_text(given)
        else "by rules it does not identify (no scheme_hash)"
    )
    warning = [
        RunWarning(
            "history-rules-changed",
            None,
            f"{path} was produced {produced}: as expected when the rules changed since last "
            "year; its values are read as last year's rules produced them",
        )
    ]
    return doc, warning, path


def unmatched_units(data: Collection[str], history: Collection[str]) -> list[RunWarning]:
    """One warning per unit of the data that the history lacks, and per history unit that is
    not in the data: a name that matches nothing is a sign of the wrong file or a renamed unit."""
    out = [
        RunWarning(
            "unit-not-in-history",
            name,
            "not in last year's results: `last year` is absent for this unit",
        )
        for name in sorted(set(data) - set(history))
    ]
    out.extend(
        RunWarning("history-unit-not-in-data", name, "in last year's results, not in the data")
        for name in sorted(set(history) - set(data))
    )
    return out
