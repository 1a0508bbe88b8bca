"""`kaoping report SCHEME DATA -o report.html`: the results as one offline HTML page to publish —
per group the ranking, the grade distribution and each part's contribution as charts, each
unit's breakdown with its articles — printable on A4."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import attrs
import click

from kaoping.archive.history_ref import HISTORY_HELP, HISTORY_METAVAR, HistoryRef, history_input
from kaoping.commands import FilePath


def _made() -> str:
    """When the report was made: now, or SOURCE_DATE_EPOCH (the reproducible-builds convention)
    so that the same run can give the same file."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    when = (
        datetime.fromtimestamp(int(epoch), UTC)
        if epoch.isdigit() and len(epoch) <= 12
        else datetime.now(UTC)
    )
    return when.strftime("%Y-%m-%d %H:%M UTC")


@click.command("report")
@click.argument("scheme")
@click.argument("data", required=False)
@click.option(
    "--output",
    "-o",
    required=True,
    type=FilePath(),
    help="The page to write (.html; written whole, or not at all, never over an input).",
)
@click.option(
    "--sample",
    is_flag=True,
    help="Use the scheme's sample data (a rules folder's: its sample.json or sample.csv).",
)
@click.option("--history", type=HistoryRef(), metavar=HISTORY_METAVAR, help=HISTORY_HELP)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="Language of the page's labels (default: from the locale).",
)
def report(
    scheme: str,
    data: str | None,
    output: str,
    sample: bool,
    history: str | None,
    lang: str | None,
) -> None:
    """Write the results of scoring DATA (JSON, CSV or .xlsx) with SCHEME as one HTML page that
    needs no network: rankings, grade distributions and contributions as charts, each unit's
    breakdown with articles, the run's warnings; printable on A4, a page per group."""
    from kaoping.cli import _data_path, _emit, _fail, _registry, _scheme, _warn
    from kaoping.diagnostics import default_lang
    from kaoping.errors import KaopingError
    from kaoping.io.data import load_dataset
    from kaoping.io.history_file import read_history
    from kaoping.io.output import check_target
    from kaoping.io.text import for_terminal
    from kaoping.report import gather, render_page
    from kaoping.scoring import score

    if not output.lower().endswith((".html", ".htm")):
        raise click.BadParameter("the report is an HTML page: name it *.html", param_hint="-o")
    compiled = _scheme(scheme)
    inputs: list[str | Path] = [*compiled.sources, *([history_input(history)] if history else [])]
    try:
        path = _data_path(compiled, data, sample)
        inputs.append(path)
        check_target(output, inputs)  # before the work: a long run should not end in a refusal
        load_warnings: list[str] = []

        def warn(message: str) -> None:
            load_warnings.append(message)
            click.echo(f"warning: {for_terminal(message)}", err=True)

        last_year, history_warnings, where = (
            read_history(history, compiled) if history else (None, [], "history")
        )
        units, roster = load_dataset(path, compiled.model, warn)
        results = score(compiled, units, last_year, trace=True, roster=roster, history_where=where)
    except KaopingError as err:
        _fail(err)
    warnings = (*history_warnings, *results.warnings)
    _warn(warnings)
    results = attrs.evolve(results, warnings=warnings)
    name = f"{path.name} ({compiled.scheme_id} sample)" if sample else path.name
    info = _registry().schemes.get(scheme)  # an installed scheme's jurisdiction and year
    made = gather(results, name, _made(), load_warnings, info)
    page = render_page(made, lang or default_lang())
    _emit(page, output, inputs)  # written as it is made, whole or not at all
    click.echo(f"wrote {for_terminal(output)}")
