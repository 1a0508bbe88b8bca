"""Which backend scores a run, and the columnar one's part of it.

The per-unit backend (one generated function call per unit, exact rationals) is the reference
and what `explain` traces. The columnar backend computes the same per-unit and group values
for whole tables of units (exact scaled integers in numpy columns), from the same checked model;
grading and consequences then run in the per-unit module on those values. A scheme with a
construct the columnar emitter does not handle is scored per unit, and the reason is
reported."""

from __future__ import annotations

import hashlib
import itertools
import linecache
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from kaoping.compiler.emit_columnar import Unsupported, emit_columnar
from kaoping.compiler.load import CompiledScheme
from kaoping.errors import KaopingError, ScoringError
from kaoping.runtime.unit import Run, Unit
from kaoping.span import Span

if TYPE_CHECKING:  # (numpy is imported only when columns are scored)
    from kaoping.runtime.columnar.grading import Part

Backend = Literal["auto", "unit", "columnar"]

# `--backend auto` scores with the columnar backend from this many units of data on. Measured
# through `score()` on validated data (docs/columnar.md, "Choosing"): per-unit data in and
# per-unit results out cost the columnar path a conversion of every input and every value, so
# it only draws level with the per-unit backend at about 1,000 units (panshan-2018,
# shuangxiang-2012, yangquan-2014) and pulls ahead beyond (1.4× at 5,000 for shuangxiang-2012).
AUTO_THRESHOLD = 1000


@attrs.frozen
class ColumnarScheme:
    """The whole-table module of a scheme: its namespace, source and line map."""

    python: str
    namespace: dict[str, Any]
    linemap: dict[int, Span]
    filename: str


@attrs.frozen
class Choice:
    """The backend that scores a run, and why (what `score --verbose` prints)."""

    backend: Literal["unit", "columnar"]
    reason: str


_CACHE: dict[str, ColumnarScheme | Unsupported] = {}


def columnar_scheme(scheme: CompiledScheme) -> ColumnarScheme | Unsupported:
    """The scheme's whole-table module (compiled once per scheme text), or why it has none."""
    key = hashlib.sha256(scheme.python.encode()).hexdigest()
    found = _CACHE.get(key)
    if found is not None:
        return found
    try:
        writer = emit_columnar(scheme.model, scheme.scheme_id, scheme.sources)
    except Unsupported as err:
        _CACHE[key] = err
        return err
    python = writer.text()
    filename = f"<kaoping-columnar {scheme.scheme_id} {key[:12]}>"
    namespace: dict[str, Any] = {"__name__": f"kaoping_columnar_{key[:12]}"}
    exec(compile(python, filename, "exec"), namespace)  # our own generated code
    linecache.cache[filename] = (len(python), None, python.splitlines(True), filename)
    built = ColumnarScheme(python, namespace, dict(writer.spans), filename)
    _CACHE[key] = built
    return built


def choose(scheme: CompiledScheme, backend: Backend, units: Sequence[Any]) -> Choice:
    """The backend for `units`: as asked, or (auto) columnar for a supported scheme with at
    least AUTO_THRESHOLD units. `--backend columnar` on what it cannot score raises
    `Unsupported`."""
    if backend == "unit":
        return Choice("unit", "the per-unit backend was asked for (--backend unit)")
    if backend == "auto" and len(units) < AUTO_THRESHOLD:  # decided before compiling anything
        return Choice(
            "unit",
            f"{len(units)} units: below {AUTO_THRESHOLD}, the per-unit backend is as fast "
            "(--backend columnar forces the columnar one)",
        )
    found = columnar_scheme(scheme)
    if isinstance(found, Unsupported):
        if backend == "columnar":
            raise found
        return Choice("unit", f"the columnar backend does not compute {found.reason}")
    how = (
        "asked for (--backend columnar)"
        if backend == "columnar"
        else (f"{len(units)} units, at least {AUTO_THRESHOLD}, and every construct is supported")
    )
    return Choice("columnar", f"columnar backend: {how}")


def run_columnar(scheme: CompiledScheme, units: list[Unit]) -> list[Part]:
    """Every unit's per-unit and group values, by the whole-table module. `units` are in the
    canonical order (group, name), so each group is one run of its block's table; returns
    each group's table, in that order (what `grade_on_columns` grades)."""
    from kaoping.runtime.columnar.table import Facts, Table, reader

    found = columnar_scheme(scheme)
    assert isinstance(found, ColumnarScheme)
    tables: dict[int, Table] = {}
    for index, members in sorted(_blocks(units).items()):
        names = [u.name for u in members]
        table = Table(len(members), Facts(reader(scheme.model, members)), names, units=members)
        where = ", ".join(dict.fromkeys(u.group for u in members))
        run_guarded(found, f"the units of {where}", found.namespace[f"unit_{index}"], table)
        tables[index] = table
    return group_values(scheme, units, tables)


def group_values(
    scheme: CompiledScheme,
    units: list[Unit],
    tables: Mapping[int, Any],
    held: Mapping[int, int] | None = None,
) -> list[Part]:
    """The values that read other units (`across G1, G2:`, then each group's) on the blocks'
    tables, whose per-unit values are there (computed on them, or the units' own: the first
    `held[block]` values of its table, not written back again), every value and event written
    back to the units; returns each group's table, in the units' canonical order."""
    from kaoping.runtime.columnar.grading import Part
    from kaoping.runtime.columnar.table import write_back

    found = columnar_scheme(scheme)
    assert isinstance(found, ColumnarScheme)
    ns = found.namespace
    blocks = _blocks(units)
    for index, members in sorted(blocks.items()):
        table = tables[index]
        if f"cross_{index}" in ns:  # `across G1, G2:` values, before any group's
            where = ", ".join(dict.fromkeys(u.group for u in members))
            run_guarded(found, f"the groups {where}", ns[f"cross_{index}"], table)
        write_back(table, members, (held or {}).get(index, 0))
    # each group in the canonical order, whatever its block (as the per-unit backend: the
    # first group to fail is the one it names)
    starts: dict[int, int] = dict.fromkeys(blocks, 0)
    parts = []
    for group, run in itertools.groupby(units, key=lambda u: u.group):
        size = len(list(run))
        index = scheme.model.block_of_group[group]
        start = starts[index]
        part = tables[index].slice(start, start + size, group)
        known = len(part.values)
        run_guarded(found, f"group {group}", ns[f"group_{index}"], part)
        write_back(part, blocks[index][start : start + size], known)
        parts.append(Part(group, index, part))
        starts[index] = start + size
    return parts


def _blocks(units: list[Unit]) -> dict[int, list[Unit]]:
    blocks: dict[int, list[Unit]] = {}
    for u in units:
        blocks.setdefault(u.block, []).append(u)
    return blocks


def grade_on_columns(scheme: CompiledScheme, parts: list[Part], units: list[Unit]) -> bool:
    """Every grading by whole columns (`grade_all`, as the whole-column path grades) on the
    groups' tables `run_columnar` left, each unit's grades written back in grading order and
    the run's warnings raised as the per-unit `Grader` raises them. False, with nothing
    changed, where the per-unit `Grader` must grade: no grading or none with a columnar form,
    grades the data gives or raters' orderings set, a unit some grading leaves without one."""
    found = columnar_scheme(scheme)
    if not scheme.model.gradings or not isinstance(found, ColumnarScheme):
        return False
    ns = found.namespace
    orders = any(f"order_{b.index}" in scheme.namespace for b in scheme.model.blocks)
    if "grade_all" not in ns or orders or any(u.given for u in units):
        return False
    raised = Run()  # kept apart until every unit has its grades
    graded = sorted(parts, key=lambda p: p.group)  # (the per-unit order: a failure names the same)
    run_guarded(found, "grading", lambda ps: ns["grade_all"](ps, raised), graded)
    if any(g.present is not None for p in graded for g in p.grades.values()):
        return False
    members: dict[str, list[Unit]] = {}
    for u in units:
        members.setdefault(u.group, []).append(u)
    for p in graded:
        for name, labels in p.grades.items():
            for u, grade in zip(members[p.group], labels.text.tolist(), strict=True):
                u.grades[name] = grade
    if units and units[0].run is not None:
        for w in raised.warnings:
            units[0].run.warn(w.code, w.unit, w.message)
    return True


def score_columns(
    scheme: CompiledScheme,
    group: str,
    facts: Mapping[str, Any],
    names: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Score one group's units given as columns: input name → column
    (`kaoping.runtime.columnar`: `Col`, `Flags`, `Labels`, `Records`, all of one length);
    returns value path → column, the per-unit and group values (the total, ranks …). What
    a streaming reader, a Dask partition or Spark's `applyInPandas` calls per group. The data
    requirements, grading and consequences are not run here (`score` runs them); the columns
    are checked against the inputs' kinds and ranges first (`runtime.columnar.handed`): a
    DataError names what does not fit. An optional input not given is absent. Unsupported
    (a scheme without a columnar form, or quotients of these columns that share no useful
    denominator) means: score these units with `score`, per unit."""
    from kaoping.runtime.columnar.handed import checked_facts
    from kaoping.runtime.columnar.table import Table

    found = columnar_scheme(scheme)
    if isinstance(found, Unsupported):
        raise found
    n, facts = checked_facts(scheme.model, group, facts, names)
    index = scheme.model.block_of_group[group]
    if f"cross_{index}" in found.namespace:  # one group's units cannot give these values
        block = scheme.model.blocks[index]
        raise Unsupported("values across several groups (one group's columns)", block.scoring.span)
    from kaoping.runtime.columnar.quotient import TooWide

    table = Table(n, facts, names, group)
    try:
        run_guarded(found, f"the units of {group}", found.namespace[f"unit_{index}"], table)
        run_guarded(found, f"group {group}", found.namespace[f"group_{index}"], table)
    except TooWide as err:  # these columns, not the scheme: `score` scores them per unit
        raise Unsupported(str(err), None) from err
    return table.values


def run_guarded(found: ColumnarScheme, who: str, fn: Callable[[Any], Any], arg: Any) -> None:
    """Run generated code; a failure names the rule line (as the per-unit backend's does)."""
    from kaoping.runtime.columnar.quotient import TooWide

    try:
        fn(arg)
    except (KaopingError, TooWide):
        raise
    except Exception as err:
        span = None
        for frame, lineno in traceback.walk_tb(sys.exc_info()[2]):
            if frame.f_code.co_filename == found.filename:
                span = found.linemap.get(lineno) or span
        at = f"{span}: " if span is not None else ""
        raise ScoringError(f"{at}while scoring {who}: {type(err).__name__}: {err}") from err
