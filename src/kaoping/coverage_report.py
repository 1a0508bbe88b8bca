"""The coverage of `kaoping test --coverage` written out: a summary per scheme for the terminal,
and LCOV (`.info`) or Cobertura XML (`.xml`) files that CI tools show beside the `.rules` files.
Figures are counted in whole numbers; the rates are written from them exactly, never through
binary floats."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

from kaoping.cases import CaseResult
from kaoping.compiler.load import CompiledScheme
from kaoping.coverage import Coverage, Outcome

FORMATS = ("lcov", "cobertura")
_SUFFIXES = {".info": "lcov", ".lcov": "lcov", ".xml": "cobertura"}


def format_for(path: str, chosen: str | None) -> str | None:
    """The format a coverage file is written in: the one chosen, else its suffix's."""
    return chosen or _SUFFIXES.get(Path(path).suffix.lower())


def shown_path(path: str) -> str:
    """A rules file as CI tools match it: relative to the current folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def percent(covered: int, total: int) -> str:
    """`92.3%`, rounded half up to one place from the whole counts; `100%` of nothing is `-`."""
    if total == 0:
        return "-"
    tenths = (covered * 2000 + total) // (2 * total)
    return f"{tenths // 10}.{tenths % 10}%"


def rate(covered: int, total: int) -> str:
    """Cobertura's rate, a decimal in [0, 1] to four places (truncated: never rounded up to 1)."""
    if total == 0:
        return "1"
    scaled = covered * 10000 // total
    return f"{scaled // 10000}.{scaled % 10000:04d}"


def summary(cov: Coverage) -> list[str]:
    """The lines `test --coverage` prints for one scheme."""
    lines_total, branches_total = len(cov.lines), len(cov.outcomes)
    out = [
        f"coverage {cov.scheme} ({cov.cases} scored case(s)): "
        f"lines {cov.lines_covered}/{lines_total} "
        f"({percent(cov.lines_covered, lines_total)}), "
        f"branches {cov.branches_covered}/{branches_total} "
        f"({percent(cov.branches_covered, branches_total)})"
    ]
    for file, line in cov.uncovered_lines():
        out.append(f"  {shown_path(file)}:{line}  {cov.line_text(file, line)}  — never run")
    for o in cov.uncovered():
        out.append(f"  {shown_path(o.file)}:{o.line}  {o.text}  — never: {o.label}")
    return out


def _points(outcomes: Sequence[Outcome]) -> list[tuple[int, int]]:
    return sorted({o.point for o in outcomes})


def lcov(coverages: Sequence[Coverage]) -> str:
    """LCOV tracefile: a record per rules file (`SF`), with `DA` per rule line and `BRDA` per
    branch outcome (block: the branch point's index in the file; branch: the outcome's index)."""
    out: list[str] = []
    for cov in coverages:
        files = sorted({f for f, _ in cov.lines} | {o.file for o in cov.outcomes})
        for file in files:
            out.append(f"TN:{_lcov_name(cov.scheme)}")
            out.append(f"SF:{shown_path(file)}")
            lines = sorted((n, hits) for (f, n), hits in cov.lines.items() if f == file)
            outcomes = sorted((o for o in cov.outcomes if o.file == file), key=_point_order)
            blocks = {p: i for i, p in enumerate(_points(outcomes))}
            index: dict[tuple[int, int], int] = {}
            for o in outcomes:
                branch = index.get(o.point, 0)
                index[o.point] = branch + 1
                out.append(f"BRDA:{o.line},{blocks[o.point]},{branch},{cov.outcomes[o]}")
            out.append(f"BRF:{len(outcomes)}")
            out.append(f"BRH:{sum(1 for o in outcomes if cov.outcomes[o])}")
            out.extend(f"DA:{n},{hits}" for n, hits in lines)
            out.append(f"LF:{len(lines)}")
            out.append(f"LH:{sum(1 for _, hits in lines if hits)}")
            out.append("end_of_record")
    return "\n".join(out) + "\n"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kaoping")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def _point_order(o: Outcome) -> tuple[tuple[int, int], int, str]:
    return (o.point, o.line, o.label)


def _lcov_name(scheme: str) -> str:
    """A test name as LCOV allows it: letters, digits and underscores."""
    return "".join(c if c.isalnum() and c.isascii() else "_" for c in scheme)


def cobertura(coverages: Sequence[Coverage], timestamp: int | None = None) -> str:
    """Cobertura XML (coverage-04.dtd): a package per scheme, a class per rules file, a `line`
    per rule line; a line holding branch outcomes carries its condition coverage."""
    all_lines = sum(len(c.lines) for c in coverages)
    all_hit = sum(c.lines_covered for c in coverages)
    all_branches = sum(len(c.outcomes) for c in coverages)
    all_taken = sum(c.branches_covered for c in coverages)
    root = ET.Element(
        "coverage",
        {
            "line-rate": rate(all_hit, all_lines),
            "branch-rate": rate(all_taken, all_branches),
            "lines-covered": str(all_hit),
            "lines-valid": str(all_lines),
            "branches-covered": str(all_taken),
            "branches-valid": str(all_branches),
            "complexity": "0",
            "version": f"kaoping {_version()}",
            "timestamp": str(int(time.time() * 1000) if timestamp is None else timestamp),
        },
    )
    ET.SubElement(ET.SubElement(root, "sources"), "source").text = "."
    packages = ET.SubElement(root, "packages")
    for cov in coverages:
        package = ET.SubElement(
            packages,
            "package",
            {
                "name": cov.scheme,
                "line-rate": rate(cov.lines_covered, len(cov.lines)),
                "branch-rate": rate(cov.branches_covered, len(cov.outcomes)),
                "complexity": "0",
            },
        )
        classes = ET.SubElement(package, "classes")
        for file in sorted({f for f, _ in cov.lines}):
            _class(classes, cov, file)
    body = ET.tostring(root, encoding="unicode")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n'
        f"{body}\n"
    )


def _class(classes: ET.Element, cov: Coverage, file: str) -> None:
    lines = sorted((n, hits) for (f, n), hits in cov.lines.items() if f == file)
    outcomes = [o for o in cov.outcomes if o.file == file]
    hit = sum(1 for _, h in lines if h)
    taken = sum(1 for o in outcomes if cov.outcomes[o])
    shown = shown_path(file)
    element = ET.SubElement(
        classes,
        "class",
        {
            "name": shown,
            "filename": shown,
            "line-rate": rate(hit, len(lines)),
            "branch-rate": rate(taken, len(outcomes)),
            "complexity": "0",
        },
    )
    ET.SubElement(element, "methods")
    lines_el = ET.SubElement(element, "lines")
    for n, hits in lines:
        here = [o for o in outcomes if o.line == n]
        attrs = {"number": str(n), "hits": str(hits)}
        if not here:
            ET.SubElement(lines_el, "line", attrs)
            continue
        done = sum(1 for o in here if cov.outcomes[o])
        whole = f"{done * 100 // len(here)}%"
        attrs |= {"branch": "true", "condition-coverage": f"{whole} ({done}/{len(here)})"}
        line_el = ET.SubElement(lines_el, "line", attrs)
        conditions = ET.SubElement(line_el, "conditions")
        for i, point in enumerate(_points(here)):
            of_point = [o for o in here if o.point == point]
            got = sum(1 for o in of_point if cov.outcomes[o])
            ET.SubElement(
                conditions,
                "condition",
                {"number": str(i), "type": "jump", "coverage": f"{got * 100 // len(of_point)}%"},
            )


def coverage_options(path: str | None, chosen: str | None) -> str | None:
    """The coverage file's format, or a usage error (exit 3) when neither the option nor the
    file's suffix says which."""
    import click

    if path is None:
        if chosen is not None:
            raise click.UsageError("--coverage-format needs --coverage-file")
        return None
    fmt = format_for(path, chosen)
    if fmt is None:
        raise click.UsageError(
            f"cannot tell the coverage format of {path!r}: name it .info (LCOV) or .xml "
            "(Cobertura), or give --coverage-format lcov|cobertura"
        )
    return fmt


def report_coverage(
    measured: Sequence[tuple[CompiledScheme, Sequence[CaseResult]]], fmt: str | None
) -> str:
    """Print each scheme's coverage; the coverage file's text in format `fmt` (or "")."""
    import click

    from kaoping.coverage import collect
    from kaoping.io.text import for_terminal

    coverages = []
    for compiled, results in measured:
        cov = collect(compiled, [r.results for r in results if r.results is not None])
        coverages.append(cov)
        for line in summary(cov):  # rules text is shown, never obeyed by the terminal
            click.echo(for_terminal(line))
    if fmt == "lcov":
        return lcov(coverages)
    if fmt == "cobertura":
        return cobertura(coverages)
    return ""
