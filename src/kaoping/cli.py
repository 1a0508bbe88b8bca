"""The `kaoping` command: thin — parse arguments, call the API, print.

Exit codes, the same for every command (EXIT_CODES, printed by `kaoping --help`): 0 success
(warnings allowed); 1 rules errors or failed golden cases; 2 data errors (bad data or history, a
rule failing while scoring, no such unit, a scheme whose plugin failed, an output that cannot be
written); 3 usage errors (an unknown command or option, a missing argument, an argument naming
no file and no installed scheme); 130 interrupted (Ctrl-C). Problems with installed plugins
that do not concern the command's scheme are printed once as warnings."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import click

from kaoping import load_scheme
from kaoping.archive.history_ref import HISTORY_HELP, HISTORY_METAVAR, HistoryRef
from kaoping.commands import FOLDERS, FilePath
from kaoping.compiler.load import CompiledScheme
from kaoping.diagnostics import default_lang, render
from kaoping.errors import CompileError, DataError, KaopingError
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
