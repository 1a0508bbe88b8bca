"""`kaoping diff OLD NEW DATA`: the what-if tool. A policy writer edits a weight in a copy of
the scheme and sees who moves: the same data scored by both versions, unit by unit, and the rules
that differ between them, by article."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kaoping.archive.history_ref import HISTORY_HELP, HISTORY_METAVAR, HistoryRef
from kaoping.commands import FilePath


@click.command("diff")
@click.argument("old_scheme")
@click.argument("new_scheme")
@click.argument("data", required=False)
@click.option(
    "--sample",
    is_flag=True,
    help="Use OLD_SCHEME's sample data (a rules folder's: its sample.json or sample.csv).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option(
    "--history",
    type=HistoryRef(),
    metavar=HISTORY_METAVAR,
    help=HISTORY_HELP + " OLD_SCHEME's results, read by both versions.",
)
@click.option(
    "--output",
    "-o",
    type=FilePath(),
    help="Write to this file (written whole, or not at all); NAME.xlsx: a workbook with a "
    "sheet of unit changes and a sheet of rule changes.",
)
def diff_cmd(
    old_scheme: str,
    new_scheme: str,
    data: str | None,
    sample: bool,
    fmt: str,
    history: str | None,
    output: str | None,
) -> None:
    """Score DATA (JSON, CSV or .xlsx) with OLD_SCHEME and NEW_SCHEME (installed ids or rules
    paths) and show each unit's total, rank and grade before and after, largest move in rank
    first, and every rule that differs, by article, with its old and new text. Data that does
    not fit one of the schemes is a data error (exit 2) naming the scheme."""
    from kaoping.cli import _data_path, _emit, _fail, _scheme, _warn
    from kaoping.errors import KaopingError
    from kaoping.io.data import load_dataset
    from kaoping.io.history_file import read_history
    from kaoping.io.text import for_terminal
    from kaoping.schemediff.render import Diff, iter_table, to_json
    from kaoping.schemediff.rules import rule_changes
    from kaoping.schemediff.units import unit_changes
    from kaoping.scoring import score

    old = _scheme(old_scheme)
    new = _scheme(new_scheme)
    path = _data_path(old, data, sample)
    inputs: list[str | Path] = [*old.sources, *new.sources, path]
    if history is not None:
        from kaoping.archive.history_ref import history_input

        inputs.append(history_input(history))
    workbook = output is not None and output.lower().endswith(".xlsx")
    try:
        if output:  # before the work: a long run should not end in a refusal
            from kaoping.io.output import check_target

            check_target(output, inputs)
    except KaopingError as err:
        _fail(err)
    try:  # last year's results are OLD_SCHEME's; the new version reads the same values
        last_year, warnings, where = read_history(history, old) if history else (None, [], "")
    except KaopingError as err:
        _fail(err)
    warnings_once = {  # a workbook's warnings (a formula with no saved value), once
        "old": lambda message: click.echo(f"warning: {for_terminal(message)}", err=True),
        "new": lambda message: None,
    }
    scored = []
    for which, compiled, ref in (("old", old, old_scheme), ("new", new, new_scheme)):
        try:
            units, roster = load_dataset(path, compiled.model, warnings_once[which])
            results = score(compiled, units, last_year, roster=roster, history_where=where)
        except KaopingError as err:
            why = f"the data does not fit the {which} scheme {compiled.scheme_id!r} ({ref}):"
            click.echo(for_terminal(f"error: {why}"), err=True)
            _fail(err)
        _warn([*warnings, *results.warnings] if which == "old" else results.warnings)
        scored.append(results)
    result = Diff(
        old,
        new,
        unit_changes(scored[0], scored[1]),
        rule_changes(old.module, new.module, old.sources, new.sources),
    )
    if workbook:
        from kaoping.schemediff.workbook import write_diff

        assert output is not None
        try:
            write_diff(result, Path(output))
        except KaopingError as err:
            _fail(err)
        click.echo(f"wrote {output}")
        sys.exit(0)
    _emit([to_json(result)] if fmt == "json" else iter_table(result), output, inputs)
