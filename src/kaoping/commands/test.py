"""`kaoping test [SCHEME|PATH …]`: the golden cases of installed schemes or of rules folders run,
each failure shown with what was expected and what came out; a JUnit report and a coverage
file for CI."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kaoping import load_scheme
from kaoping.commands import FOLDERS, FilePath
from kaoping.errors import KaopingError
from kaoping.io.output import check_target
from kaoping.io.text import for_terminal
from kaoping.plugins.manager import Registry


@click.command("test")
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
    from kaoping.cli import _emit, _fail, _registry, _shown
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
