"""The `kaoping` command: thin — parse arguments, call the API, print.

Exit codes, the same for every command (EXIT_CODES, printed by `kaoping --help`): 0 success
(warnings allowed); 1 rules errors or failed golden cases; 2 data errors (bad data or history, a
rule failing while scoring, no such unit, a scheme whose plugin failed, an output that cannot be
written); 3 usage errors (an unknown command or option, a missing argument, an argument naming
no file and no installed scheme); 130 interrupted (Ctrl-C). Problems with installed plugins
that do not concern the command's scheme are printed once as warnings."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import click

from kaoping import load_scheme
from kaoping.archive.history_ref import HISTORY_HELP, HISTORY_METAVAR, HistoryRef, history_input
from kaoping.commands import FilePath
from kaoping.compiler.load import CompiledScheme
from kaoping.diagnostics import default_lang, render
from kaoping.errors import CompileError, DataError, KaopingError, OutputError
from kaoping.io.constants import constant_lines
from kaoping.io.given import givable_lines
from kaoping.io.output import check_target, write_output
from kaoping.io.text import clean_name, for_terminal
from kaoping.plugins.manager import Registry, default_registry

if TYPE_CHECKING:  # imported where used: `check` reads no data and scores nothing
    from kaoping.runtime.unit import RunWarning
    from kaoping.scoring import Results

LANG = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="Language of diagnostics (default: from the locale).",
)


USAGE_EXIT = 3
INTERRUPTED_EXIT = 130  # 128 + SIGINT, as a shell reports a Ctrl-C

EXIT_CODES = """\b
Exit codes (every command):
  0  success; warnings allowed
  1  rules errors (check, and any command whose scheme has them); failed golden cases (test)
  2  data errors: bad data or history, a rule failing while scoring, no such unit, a scheme
     whose plugin failed, an output file that cannot be written or already exists
  3  usage errors: an unknown command or option, a missing argument, a bad option value, an
     argument naming neither a file nor an installed scheme
  130  interrupted (Ctrl-C): an output being written is removed, not left half-written
When several apply, the highest is returned."""


class _UsageExit(click.UsageError):
    """A click usage error, shown as click shows it, exiting with USAGE_EXIT: click's own 2
    would read as a data error."""

    exit_code = USAGE_EXIT

    def __init__(self, original: click.UsageError):
        super().__init__(original.message, original.ctx)
        self.original = original

    def format_message(self) -> str:
        return self.original.format_message()

    def show(self, file: Any = None) -> None:
        self.original.show(file)


@contextmanager
def _usage_exit() -> Iterator[None]:
    try:
        yield
    except _UsageExit:
        raise
    except click.UsageError as err:
        raise _UsageExit(err) from err


class _Group(click.Group):
    """The command group: every usage error of every command exits with USAGE_EXIT."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with _usage_exit():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _usage_exit():
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt:  # the user's Ctrl-C: not click's "Aborted!" and exit 1,
                # which would read as rules errors
                click.echo("\ninterrupted", err=True)
                sys.exit(INTERRUPTED_EXIT)


def _fail(err: KaopingError, lang: str | None = None) -> None:
    if isinstance(err, CompileError):
        _print_diagnostics(err, lang or default_lang())
    elif isinstance(err, DataError):  # one problem a line, whatever the data contains
        for problem in err.problems:
            click.echo(f"error: {for_terminal(str(problem))}", err=True)
    else:
        click.echo(f"error: {for_terminal(str(err))}", err=True)
    sys.exit(err.exit_code)


def _print_diagnostics(err: CompileError, lang: str) -> None:
    sources: dict[str, str] = {}
    for d in err.diagnostics:
        if d.span.path not in sources:
            try:
                sources[d.span.path] = Path(d.span.path).read_text("utf-8")
            except OSError:
                sources[d.span.path] = ""
        click.echo(_shown(render(d, sources[d.span.path], lang)), err=True)


def _shown(text: str) -> str:
    """Lines of text for the terminal, each with what a terminal would obey escaped."""
    return "\n".join(for_terminal(line) for line in text.split("\n"))


def _registry() -> Registry:
    """The installed plugins; their problems are printed as warnings, once per command."""
    reg = default_registry()
    meta = click.get_current_context().find_root().meta
    if not meta.get("kaoping.plugin_problems_shown"):
        meta["kaoping.plugin_problems_shown"] = True
        for problem in reg.problems:
            click.echo(f"warning: {problem}", err=True)
    return reg


def _scheme(ref: str, lang: str | None = None) -> CompiledScheme:
    try:
        return load_scheme(ref, _registry())
    except KaopingError as err:
        _fail(err, lang)
        raise AssertionError from err  # pragma: no cover - _fail exits


@click.group(cls=_Group, epilog=EXIT_CODES)
@click.version_option(package_name="kaoping")
def main() -> None:
    """kaoping (考评): compile assessment-scheme rules and score units with them."""


@main.command("list")
def list_cmd() -> None:
    """List installed schemes."""
    reg = _registry()
    for sid in sorted(reg.schemes):
        info = reg.schemes[sid]
        click.echo(f"{sid:<20} {info.year}  {info.jurisdiction}  {info.title}")


FOLDERS = click.option(
    "--folders",
    is_flag=True,
    help="Take each file PATH as the scheme folder it is in (a golden case under cases/: the "
    "folder above), each folder once: what a pre-commit hook passes is the changed files.",
)


@main.command()
@click.argument("paths", nargs=-1)
@LANG
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    help="text (default; diagnostics on stderr, the summary last on stdout), json, sarif "
    "(SARIF 2.1.0) or github (workflow annotations); all but text print to stdout alone.",
)
@FOLDERS
@click.option(
    "--docs-url",
    metavar="URL",
    callback=lambda ctx, param, value: _sarif_docs_url(ctx, param, value),
    help="Where docs/diagnostics.md is published: each SARIF rule's helpUri is URL#code "
    "(default: the docs of the source tree kaoping runs from, when there is one).",
)
def check(
    paths: tuple[str, ...], lang: str | None, fmt: str, folders: bool, docs_url: str | None
) -> None:
    """Check rules files (PATHS: files, folders or installed scheme ids; none: every installed
    scheme). Exit 0 when clean (warnings allowed), 1 on errors, 2 when a scheme's plugin fails,
    3 when a PATH is neither a file, a folder nor an installed scheme."""
    from kaoping.check_formats import render_run
    from kaoping.check_formats.sarif import default_docs_url
    from kaoping.checking import check_all, scheme_folders

    lang = lang or default_lang()
    reg = _registry()
    for p in paths:
        if not (reg.knows(p) or Path(p).exists()):
            raise click.BadParameter(f"{p!r} is neither a file, a folder nor an installed scheme")
    names = list(paths) or reg.names()  # a plugin set aside too: a failed target, not skipped
    if folders:
        names = scheme_folders(names, installed=reg.names())
    run = check_all(names, reg)
    for line in render_run(run, fmt, lang, docs_url or default_docs_url()):
        # rules text in a diagnostic is shown, never obeyed (JSON and SARIF escape it themselves)
        click.echo(_shown(line.text) if fmt in ("text", "github") else line.text, err=line.err)
    sys.exit(run.exit_code)


@main.command("compile")
@click.argument("scheme")
@click.option("--emit-python", is_flag=True, help="Print the generated Python module.")
@click.option("--emit-ir", is_flag=True, help="Print the IR.")
@click.option(
    "--emit-columnar",
    is_flag=True,
    help="Print the whole-table module of the columnar backend (or why the scheme has none).",
)
@LANG
def compile_cmd(
    scheme: str, emit_python: bool, emit_ir: bool, emit_columnar: bool, lang: str | None
) -> None:
    """Compile SCHEME (an installed id or a rules path)."""
    compiled = _scheme(scheme, lang)
    if emit_python:
        click.echo(compiled.python, nl=False)
    if emit_columnar:
        from kaoping.compiler import emit_columnar as columnar

        try:
            writer = columnar.emit_columnar(compiled.model, compiled.scheme_id, compiled.sources)
        except columnar.Unsupported as err:
            raise click.UsageError(
                f"the columnar backend cannot score this: it does not compute {err.reason}"
            ) from err
        click.echo(writer.text(), nl=False)
    if emit_ir:
        from kaoping.compiler.walk import node_repr

        click.echo(node_repr(compiled.module))
    if not emit_python and not emit_ir and not emit_columnar:
        click.echo(
            f"{compiled.scheme_id}: compiled ({len(compiled.python.splitlines())} lines "
            f"of Python, {len(compiled.warnings)} warning(s))"
        )


def _sarif_docs_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from kaoping.check_formats.sarif import docs_url_option

    return docs_url_option(ctx, param, value)


def _data_path(compiled: CompiledScheme, data: str | None, sample: bool) -> Path:
    if sample and data is not None:
        raise click.UsageError("give a DATA file or --sample, not both")
    if sample:
        path = _sample_of(compiled)
        if path is None:
            raise click.UsageError(f"scheme {compiled.scheme_id!r} ships no sample data")
        return path
    if data is None:
        raise click.UsageError("give a DATA file, or --sample")
    return Path(data)


def _sample_of(compiled: CompiledScheme) -> Path | None:
    """The sample data of an installed scheme, or, for rules read from a path, the
    `sample.json` (or `sample.csv`) in the folder that holds them, as `new-scheme` lays out."""
    reg = _registry()
    if compiled.scheme_id in reg.schemes:
        try:
            installed = {str(p) for p in reg.rules(compiled.scheme_id)}
        except KaopingError:
            installed = set()
        if set(compiled.sources) <= installed:
            return reg.sample(compiled.scheme_id)
    folder = Path(os.path.commonpath([str(Path(f).parent) for f in compiled.sources]))
    return next((folder / n for n in ("sample.json", "sample.csv") if (folder / n).is_file()), None)


_SHOWN_PER_CODE = 20  # warnings of one code printed on stderr; the JSON results hold them all


def _warn(warnings: Sequence[RunWarning]) -> None:
    """Each warning of a scoring run on stderr (the JSON results carry them too); past a
    screenful of one code, a count instead."""
    per_code: dict[str, int] = {}
    for w in warnings:
        per_code[w.code] = per_code.get(w.code, 0) + 1
        if per_code[w.code] <= _SHOWN_PER_CODE:
            who = f"unit {w.unit!r}: " if w.unit is not None else ""
            click.echo(for_terminal(f"warning: [{w.code}] {who}{w.message}"), err=True)
    for code, n in per_code.items():
        if n > _SHOWN_PER_CODE:
            more = n - _SHOWN_PER_CODE
            click.echo(f"warning: [{code}] … and {more} more (all in --format json)", err=True)


def _scored(
    compiled: CompiledScheme,
    data: Path,
    history: str | None,
    trace: bool,
    complete: bool = False,
    loaded: list[Any] | None = None,
    backend: str = "unit",
) -> Results:
    """Score, the warnings of the run printed to stderr (and kept for `--format json`); the
    units and roster read are appended to `loaded` when it is given (for the archive); a long
    run shows a progress bar on a terminal.
    `backend` (score only): `auto`, `unit` or `columnar` (explain always traces per unit)."""
    from kaoping.compiler.emit_columnar import Unsupported
    from kaoping.io.data import load_dataset
    from kaoping.io.history_file import read_history
    from kaoping.progress import bar
    from kaoping.scoring import score

    warnings: list[RunWarning] = []
    last_year = None
    history_where = "history"
    if history is not None:
        last_year, warnings, history_where = read_history(history, compiled)
    units, roster = load_dataset(
        data,
        compiled.model,
        lambda message: click.echo(f"warning: {for_terminal(message)}", err=True),
    )
    if loaded is not None:
        loaded.extend([units, roster])
    progress = bar(len(units), "scoring")
    try:
        results = score(
            compiled,
            units,
            last_year,
            trace=trace,
            roster=roster,
            complete=complete,
            backend=backend,
            progress=progress.update,
            history_where=history_where,
        )
    except Unsupported as err:  # `--backend columnar` on what it cannot score
        raise click.UsageError(
            f"the columnar backend cannot score this: it does not compute {err.reason}; "
            "use --backend auto or unit"
        ) from err
    finally:
        progress.close()
    results = attrs.evolve(results, warnings=(*warnings, *results.warnings))
    _warn(results.warnings)
    return results


@main.command("score")
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


def _emit(
    chunks: Iterable[str] | Iterable[bytes | memoryview],
    output: str | None,
    inputs: Iterable[str | Path],
) -> None:
    """To the output file (whole or not at all), or to stdout."""
    if output:
        try:
            write_output(output, chunks, inputs)
        except KaopingError as err:
            _fail(err)
    else:
        try:
            for chunk in chunks:
                if not isinstance(chunk, str):
                    sys.stdout.flush()
                    sys.stdout.buffer.write(chunk)
                else:
                    sys.stdout.write(chunk)
            sys.stdout.flush()
        except BrokenPipeError:  # `kaoping score … | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except UnicodeEncodeError as err:  # a terminal that cannot show a character
            click.echo(f"\nerror: cannot print {err.object[err.start : err.end]!r}", err=True)
            sys.exit(2)


@main.command()
@click.argument("scheme")
@click.argument("data", required=False)
@click.option("--unit", "unit_name", required=True, help="The unit to explain.")
@click.option(
    "--sample",
    is_flag=True,
    help="Use the scheme's sample data (a rules folder's: its sample.json or sample.csv).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--history", type=HistoryRef(), metavar=HISTORY_METAVAR, help=HISTORY_HELP)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="Language of the explanation's labels (default: from the locale).",
)
@click.option("--verbose", is_flag=True, help="Also show grading lines for other groups.")
def explain(
    scheme: str,
    data: str | None,
    unit_name: str,
    sample: bool,
    fmt: str,
    history: str | None,
    lang: str | None,
    verbose: bool,
) -> None:
    """Show where every point of one unit came from."""
    from kaoping.explain import explain_json, explain_text

    compiled = _scheme(scheme)
    try:
        results = _scored(compiled, _data_path(compiled, data, sample), history, trace=True)
    except KaopingError as err:
        _fail(err)
    r = results.by_name(clean_name(unit_name)[0])  # `--unit "U1 "` is U1, as in the data
    if r is None:
        click.echo(f"error: no unit {unit_name!r} in the data", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(explain_json(results, r))
    else:
        click.echo(explain_text(results, r, lang or default_lang(), verbose))


@main.command()
@click.argument("scheme")
@click.option(
    "--output",
    "-o",
    required=True,
    type=FilePath(),
    help="The workbook to write (.xlsx; written whole, or not at all).",
)
@click.option(
    "--units",
    "units_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Units to pre-fill: a text or CSV file with one unit a line (`unit,group` when the "
    "scheme has several groups), a JSON data file, or last year's data workbook.",
)
@click.option("--sample", is_flag=True, help="Pre-fill the units of the scheme's sample data.")
def template(scheme: str, output: str, units_file: str | None, sample: bool) -> None:
    """Write the Excel workbook an office fills in for SCHEME: a sheet of units per group, a
    sheet per list input, the constants, values given instead of computed, and instructions."""
    from kaoping.io.unit_list import read_unit_list
    from kaoping.io.xlsx_template import write_template

    if not output.lower().endswith(".xlsx"):
        raise click.BadParameter(
            "the template is an Excel workbook: name it *.xlsx", param_hint="-o"
        )
    if sample and units_file:
        raise click.UsageError("give --units or --sample, not both")
    compiled = _scheme(scheme)
    source: Path | None = Path(units_file) if units_file else None
    if sample:
        source = _sample_of(compiled)
        if source is None:
            raise click.UsageError(f"scheme {compiled.scheme_id!r} ships no sample data")
    try:
        check_target(output, [*compiled.sources, *([source] if source else [])])
        units = read_unit_list(source, compiled.model) if source is not None else []
        write_template(compiled.model, Path(output), units)
    except KaopingError as err:
        _fail(err)
    except ValueError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    click.echo(f"wrote {output}")


@main.command()
@click.argument("scheme")
def inputs(scheme: str) -> None:
    """List the inputs of SCHEME: name, type, groups, description, article."""
    compiled = _scheme(scheme)
    model = compiled.model
    places: dict[str, str] = {}  # a grade the data may give as a place in the raters' ordering
    for group in model.block_of_group:
        unit_places, record_places = model.orderings(group)
        places.update(unit_places)
        for source, fields in record_places.items():
            places.update({f"{source}.{g}": p for g, p in fields.items()})
    for decl in model.inputs.values():
        typ = str(decl.type) + (" optional" if decl.optional else "")
        needed = [
            g.name for g in model.module.groups if g.name in model.needed_by.get(decl.name, ())
        ]
        if decl.groups:
            groups = ", ".join(decl.groups)
        elif needed:
            groups = ", ".join(needed) + " (the groups whose rules read it)"
        else:
            groups = "no group: no rule reads it"
        lines = [f"{decl.name}: {typ}  [{groups}]", f"    {decl.description}"]
        if decl.article:
            lines.append(f"    article: {decl.article}")
        sheets = model.sheets_reading(decl.name)
        if sheets:  # read only by units' own items: asked of those units alone
            whom = "; ".join(f"{', '.join(sorted(sh.units))} (sheet {sh.path})" for sh in sheets)
            lines.append(f"    only for units: {whom}")
        if decl.name in places:
            lines.append(f"    or its place in the raters' ordering: {places[decl.name]}")
        if hasattr(decl.type, "record") and decl.type.record in model.records:
            for f in model.records[decl.type.record].fields:
                place = places.get(f"{decl.name}.{f.name}")
                lines.append(
                    f"    - {f.name}: {f.type}"
                    + (" optional" if f.optional else "")
                    + (f" (or its place: {place})" if place else "")
                )
        for line in lines:  # descriptions are rules text: shown, never obeyed by the terminal
            click.echo(for_terminal(line))
    if model.constants:
        click.echo("")
        click.echo(
            "constants (one value for every unit: fixed in the rules, or entered once per "
            'run in the data\'s top-level "constants"):'
        )
        for line in constant_lines(model):
            click.echo(for_terminal(line))
    click.echo("")
    click.echo('values the data may give instead of computing (a unit\'s "given"):')
    for block in model.blocks:
        click.echo(for_terminal(f"  {', '.join(block.groups)}:"))
        for line in givable_lines(model, block):
            click.echo(for_terminal(f"    {line}"))


@main.command("test")
@click.argument("refs", nargs=-1)
@click.option("--junitxml", type=FilePath(), help="Write a JUnit XML report.")
@FOLDERS
@click.option(
    "--coverage", is_flag=True, help="Report the rule lines and branches no case exercised."
)
@click.option(
    "--coverage-file",
    type=FilePath(),
    help="Write the coverage as LCOV (.info) or Cobertura XML (.xml); implies --coverage.",
)
@click.option(
    "--coverage-format",
    type=click.Choice(["lcov", "cobertura"]),
    help="The --coverage-file format, when its suffix does not say.",
)
def test_cmd(
    refs: tuple[str, ...],
    junitxml: str | None,
    folders: bool,
    coverage: bool,
    coverage_file: str | None,
    coverage_format: str | None,
) -> None:
    """Run golden cases. REFS: installed scheme ids (none: every installed scheme), or rules
    folders or files, whose cases are the `cases/*.yaml` beside the rules. Exit 1 when a case
    fails, 2 when a scheme's plugin fails, 3 when a REF is neither a path nor a scheme."""
    from kaoping.cases import CaseResult, run_files
    from kaoping.checking import scheme_folders
    from kaoping.coverage_report import coverage_options, report_coverage

    fmt = coverage_options(coverage_file, coverage_format)
    coverage = coverage or coverage_file is not None
    measured = []

    reg = _registry()  # its warnings: else a broken plugin's cases would be skipped in silence
    chosen = list(refs) or reg.names()  # a plugin set aside too: a failure, not skipped
    if folders:
        chosen = scheme_folders(chosen, installed=reg.names())
    passed = failed = 0
    code = 0
    report: list[tuple[str, CaseResult | None, str]] = []
    # what a report must not be written over: every file a REF names, read or not (a scheme
    # that fails to compile, or has no cases, is still the user's), refused before the work
    read: list[str | Path] = [file for ref in chosen for file in _files_of(reg, ref)]
    for target in (junitxml, coverage_file):
        if target:
            try:
                check_target(target, read)
            except KaopingError as err:
                _fail(err)
    for ref in chosen:
        try:
            compiled = load_scheme(ref, reg)
            installed = ref in reg.schemes or not Path(ref).exists()  # as load_scheme decides
            case_files = _installed_cases(reg, ref) if installed else _cases_beside(ref)
            read.extend([*compiled.sources, *case_files])
            results = run_files(compiled, case_files, trace=coverage)
        except KaopingError as err:
            failed += 1
            code = max(code, err.exit_code)
            click.echo(_shown(f"FAIL {ref}: {err}"))
            report.append((ref, None, str(err)))
            continue
        for res in results:
            mark = "ok  " if res.passed else "FAIL"
            click.echo(for_terminal(f"{mark} {ref}: {res.case.name}  [{res.case.article}]"))
            for line in [] if res.passed else res.message.split("\n"):
                click.echo("     " + for_terminal(line))
            report.append((ref, res, res.message))
            passed += res.passed
            failed += not res.passed
        if coverage:
            measured.append((compiled, results))
    click.echo(f"{passed} passed, {failed} failed")
    if junitxml:
        _emit([_junit(report, passed, failed)], junitxml, read)
    if coverage:
        written = report_coverage(measured, fmt)
        if coverage_file is not None:
            _emit([written], coverage_file, read)
    sys.exit(max(code, 1) if failed else 0)


def _installed_cases(reg: Registry, scheme_id: str) -> list[Path]:
    """The golden cases an installed scheme's plugin gives. None is a failure, as for a folder:
    a wheel built without its cases (package-data) would otherwise pass with nothing tested."""
    from kaoping.case_yaml import CaseFileError

    files = reg.cases(scheme_id)
    if not files:
        raise CaseFileError(
            f"scheme {scheme_id!r} has no golden cases: its plugin gives none (SchemeFolder "
            "reads cases/*.yaml beside the rules; an installed wheel has them only when "
            "package-data lists them)"
        )
    return files


def _cases_beside(ref: str) -> list[Path]:
    """The golden cases of a rules folder (or of the folder of a rules file): `cases/*.yaml`.
    None at all is an error: a path given to `test` that tests nothing is a mistake."""
    from kaoping.case_yaml import CaseFileError

    path = Path(ref)
    folder = (path if path.is_dir() else path.parent) / "cases"
    files = sorted(p for p in folder.glob("*.yaml") if p.is_file())
    if not files:
        raise CaseFileError(f"{folder}: no golden cases (*.yaml) beside the rules")
    return files


def _files_of(reg: Registry, ref: str) -> list[Path]:
    """The rules and cases files a REF of `test` names: the inputs a report must not be written
    over, found without compiling (a file given, the rules under a folder, `cases/*.yaml`)."""
    path = Path(ref)
    if ref in reg.schemes or not path.exists():
        try:
            return [*reg.rules(ref), *reg.cases(ref)]
        except KaopingError:
            return []
    folder = path if path.is_dir() else path.parent
    rules = sorted(path.rglob("*.rules")) if path.is_dir() else [path]
    return [*rules, *sorted((folder / "cases").glob("*.yaml"))]


def _junit(report: list[tuple[str, Any, str]], passed: int, failed: int) -> str:
    from xml.etree import ElementTree as ET

    suite = ET.Element(
        "testsuite", name="kaoping", tests=str(passed + failed), failures=str(failed)
    )
    for sid, res, message in report:
        name = res.case.name if res is not None else "compile"
        case = ET.SubElement(suite, "testcase", classname=sid, name=name)
        if res is None or not res.passed:
            ET.SubElement(case, "failure", message=message[:200]).text = message
    return "<?xml version='1.0' encoding='utf-8'?>\n" + ET.tostring(suite, encoding="unicode")


@main.command("new-scheme")
@click.argument("scheme_id")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    default=".",
    help="Where to create the plugin package folder (default: the current folder).",
)
def new_scheme(scheme_id: str, directory: str) -> None:
    """Scaffold a jurisdiction plugin package for SCHEME_ID: DIR/kaoping-scheme-SCHEME_ID/ with
    pyproject.toml (the entry point), a README, and src/kaoping_scheme_<id>/ holding a small
    working scheme.rules, golden cases (cases/basic.yaml) and sample.json. SCHEME_ID is what users
    type: lowercase ASCII letters, digits and single hyphens, by convention the place and the
    year (jian-2018). An existing folder is never overwritten (exit 2). Then `pip install -e` the
    folder; the whole workflow is in docs/adding-a-jurisdiction.md."""
    from kaoping.scaffold import scaffold

    try:
        root = scaffold(scheme_id, Path(directory))
    except KaopingError as err:
        _fail(err)
    click.echo(f"created {root}")
    reg = _registry()
    if reg.knows(scheme_id):  # installing this package would make the id unusable for both
        click.echo(
            f"warning: {scheme_id!r} is already an installed scheme; once this package is "
            "installed too, both claim the id and neither can be used: rename it (the entry "
            "point's name and SchemeInfo's id) or uninstall the other",
            err=True,
        )
    click.echo(
        f"next: pip install -e {root} && kaoping check {scheme_id} && kaoping test {scheme_id}"
    )


from kaoping.commands import register as _register_commands  # noqa: E402  (they use the helpers above)

_register_commands(main)


if __name__ == "__main__":  # pragma: no cover
    main()
