"""`kaoping score SCHEME DATA`: every unit of the data scored, by the backend the run calls for
(unit by unit, by whole columns, or on a Dask cluster), the results printed or written whole,
and the run recorded in an archive when asked."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kaoping.archive.history_ref import HISTORY_HELP, HISTORY_METAVAR, HistoryRef, history_input
from kaoping.commands import FilePath
from kaoping.diagnostics import default_lang
from kaoping.errors import KaopingError, OutputError
from kaoping.io.output import check_target
from kaoping.io.text import for_terminal

if TYPE_CHECKING:
    from kaoping.compiler.load import CompiledScheme
    from kaoping.scoring import Results


@click.command("score")
@click.argument("scheme")
@click.argument("data", required=False)
@click.option(
    "--sample",
    is_flag=True,
    help="Use the scheme's sample data (a rules folder's: its sample.json or sample.csv).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--history", type=HistoryRef(), metavar=HISTORY_METAVAR, help=HISTORY_HELP)
@click.option(
    "--output",
    "-o",
    # a folder or an unwritable path is the output writer's data error (exit 2), not usage
    type=FilePath(),
    help="Write to this file (written whole, or not at all).",
)
@click.option(
    "--complete",
    is_flag=True,
    help="The data must hold every unit of each group's declared roster: partial data is an "
    "error, not a warning.",
)
@click.option(
    "--archive",
    type=FilePath(),
    help="Record the run in this results archive (SQLite; created if missing): the scheme, "
    "the data as read, the results, the time, who ran it.",
)
@click.option("--year", type=click.IntRange(1000, 9999), help="The year the run assesses.")
@click.option("--by", "run_by", help="Who ran it, as the archive records (default: the OS user).")
@click.option(
    "--backend",
    type=click.Choice(["auto", "unit", "columnar"]),
    default="auto",
    show_default=True,
    help="Score unit by unit, by whole columns (same exact results, faster on large data), "
    "or choose by the scheme and the data's size.",
)
@click.option("--verbose", is_flag=True, help="Say which backend scored, and why.")
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="Score DATA, a Parquet dataset, on the Dask cluster at ADDRESS (tcp://host:8786); "
    "-o names the Parquet folder the results are written to.",
)
def score_cmd(**options: Any) -> None:
    """Score every unit of DATA (JSON, CSV, .xlsx, or Parquet: a file or a folder of them) with
    SCHEME. With `-o NAME.xlsx` the results are a workbook: rankings, a breakdown, an explanation
    sheet per unit; with `-o NAME.csv` or `-o NAME.parquet` a table, one row a unit. With
    `--dask ADDRESS` a Parquet dataset is scored on that Dask cluster, into a Parquet folder."""
    from kaoping.runtime.allocator import keep_freed_memory
    from kaoping.scoring import paused_gc

    keep_freed_memory()  # a large run's column temporaries reused, not faulted in again
    with paused_gc():  # reading, scoring and writing: no cycles for the collector to find
        _score(**options)


def _score(
    scheme: str,
    data: str | None,
    sample: bool,
    fmt: str,
    history: str | None,
    output: str | None,
    complete: bool,
    archive: str | None,
    year: int | None,
    run_by: str | None,
    backend: str,
    verbose: bool,
    dask_address: str | None,
) -> None:
    from kaoping.cli import _data_path, _emit, _fail, _scheme, _scored
    from kaoping.io.results import iter_json, iter_table

    if archive is None and (year is not None or run_by is not None):
        raise click.UsageError("--year and --by go with --archive")
    if archive is not None and year is None:  # the data formats carry no year
        raise click.UsageError("--archive needs --year YYYY: the year this run assesses")
    compiled = _scheme(scheme)
    if dask_address is not None:
        unsupported = sample or bool(history) or complete or archive is not None
        _score_on_dask(compiled, data, dask_address, output, unsupported, backend)
        return
    workbook = output is not None and output.lower().endswith(".xlsx")
    inputs: list[str | Path] = [*compiled.sources, *([history_input(history)] if history else [])]
    loaded: list[Any] = []
    try:
        path = _data_path(compiled, data, sample)
        inputs.append(path)
        if archive is not None:  # never into an input; checked before the work
            from kaoping.archive.store import check_writable

            # (last year's results may come from the same archive: it is read, then added to)
            check_target(archive, [*compiled.sources, path])
            check_writable(archive)
            inputs.append(archive)
        if output:  # before the work: a long run should not end in a refusal
            check_target(output, inputs)
            if output.lower().endswith(".parquet"):
                from kaoping.io.data_arrow import require_pyarrow

                require_pyarrow("writing Parquet")
        if _by_whole_columns(
            compiled, path, fmt, output, backend, verbose, inputs, history, archive
        ):
            return
        results = _scored(
            compiled,
            path,
            history,
            trace=workbook,
            complete=complete,
            loaded=loaded,
            backend=backend,
        )
        if verbose:
            click.echo(f"backend: {results.backend} ({results.backend_reason})", err=True)
        if archive is not None:  # before the output: `score … | head` must not lose the run
            _archive(archive, scheme, results, loaded, year, run_by)
        if workbook:
            from kaoping.io.xlsx_write import write_results

            assert output is not None
            write_results(results, Path(output), default_lang())
            return
    except KaopingError as err:
        _fail(err)
    kind = Path(output).suffix.lower() if output else ""
    if kind in (".csv", ".parquet"):  # a table, one row a unit, whatever --format says
        from kaoping.io import results_table

        rows = results_table.iter_parquet if kind == ".parquet" else results_table.iter_csv
        _emit(rows(results), output, inputs)
        if kind == ".csv":
            assert output is not None
            _formula_warning(output, (r.name for r in results.ordered()))
        return
    chunks = iter_json(results) if fmt == "json" else iter_table(results)
    _emit(itertools.chain(chunks, ["\n"]), output, inputs)


def _by_whole_columns(
    compiled: CompiledScheme,
    path: Path,
    fmt: str,
    output: str | None,
    backend: str,
    verbose: bool,
    inputs: list[str | Path],
    history: str | None,
    archive: str | None,
) -> bool:
    """Score and write by whole columns when the run allows it (`scoring_whole`); False leaves
    the run to the per-unit objects' path."""
    from kaoping.cli import _emit, _warn

    kind = Path(output).suffix.lower() if output else ""
    table = kind in (".csv", ".parquet")
    if history is not None or archive is not None or not (table or fmt == "json"):
        return False
    if kind == ".xlsx" or backend == "unit" or path.suffix.lower() not in (".csv", ".parquet"):
        return False
    from kaoping.io.columns_out import formula_like
    from kaoping.scoring_whole import NotWhole, score_whole, stage_refused, write_chunks

    try:
        results = score_whole(compiled, path, backend)  # type: ignore[arg-type]
        if results is None:
            refused = stage_refused(compiled) if verbose and backend != "unit" else None
            if refused is not None:
                click.echo(f"whole columns: not taken: no columnar form for {refused}", err=True)
            return False
        from kaoping.io.results import COMPACT_FROM

        if not table and len(results) < COMPACT_FROM:  # the indented JSON: the per-unit writer
            return False
        chunks = write_chunks(results, kind.lstrip(".") if table else "json")
        _warn(results.warnings)
        if verbose:
            click.echo(f"backend: columnar ({results.reason})", err=True)
        _emit(chunks, output, inputs)
        if kind == ".csv":
            assert output is not None
            _formula_warning(output, (n for g in results.groups for n in formula_like(g.names)))
    except NotWhole:
        return False
    return True


def _formula_warning(output: str, names: Iterable[str]) -> None:
    from kaoping.io.results_table import formula_warning

    warning = formula_warning(output, names)
    if warning is not None:
        click.echo(for_terminal(warning), err=True)


def _archive(
    archive: str,
    ref: str,
    results: Results,
    loaded: list[Any],
    year: int | None,
    run_by: str | None,
) -> None:
    """Record the scored run in the archive (one transaction), and say so on stderr."""
    from kaoping.archive.recording import archive_run, current_user, scheme_version
    from kaoping.cli import _fail, _registry

    assert year is not None
    reg = _registry()
    version = scheme_version(reg, ref) if ref in reg.schemes else None
    units, roster = loaded
    try:
        run_id = archive_run(
            archive, results, units, roster, year, run_by or current_user(), version
        )
    except KaopingError as err:
        _fail(err)
    click.echo(for_terminal(f"archived as run {run_id} of {year} in {archive}"), err=True)


def _score_on_dask(
    compiled: CompiledScheme,
    data: str | None,
    address: str,
    output: str | None,
    unsupported: bool,
    backend: str,
) -> None:
    """`score --dask`: a Parquet dataset scored on a running Dask cluster into a Parquet folder,
    each scoring block by `backend`."""
    from kaoping.cli import _fail

    if unsupported:
        raise click.UsageError(
            "--dask scores a Parquet dataset: no --sample, --history, --complete or --archive"
        )
    if data is None or output is None:
        raise click.UsageError("--dask needs DATA (a Parquet file or folder) and -o FOLDER")
    try:
        from kaoping.distributed import connect, score_dask

        if Path(data).resolve() == Path(output).resolve():
            raise OutputError(f"refusing to write {output}: it is the dataset being scored")
        client = connect(address)
        with client:
            score_dask(compiled, data, client, output=output, backend=backend)
    except KaopingError as err:
        _fail(err)
    click.echo(f"{compiled.scheme_id}: results written to {for_terminal(output)}", err=True)
