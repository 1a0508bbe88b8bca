"""The two phases of a distributed scoring run, and what travels between them.

A unit's **per-unit phase** (its data requirements, and every value that reads only the
unit's own facts: the generated `unit_{block}` functions, per unit or by whole columns) runs
where its partition lies. It hands on one row a unit: the unit's values and the facts the
**cohort phase** reads (the generated `cross_`, `group_`, `grade`, `final_` and `check_all`
functions: ranks, best, means, quotas, grades, consequences, requirements across units), each
as exact text: never a binary float, never a raw fact the cohort phase does not read.

The cohort phase rebuilds the block's units from those rows and runs the same generated
functions, in the same order and on the units in the same canonical order, as
`kaoping.scoring.score`: each unit's values, rank, grade and flags are a single process's.

A block whose grades come from raters' orderings (`order_{block}`: what a unit's own rules
read is derived from its whole group) has no per-unit phase of its own: its units travel with
every fact and are scored whole in the cohort phase.
"""

from __future__ import annotations

import ast
import itertools
import json
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kaoping.compiler.load import CompiledScheme
from kaoping.errors import DataError, DataProblem, ScoringError
from kaoping.exact import Q
from kaoping.io.validate import UnitData
from kaoping.runtime.unit import Run, Unit
from kaoping.scoring import Results, paused_gc, run_each, run_guarded, unit_results

# the columns of the per-unit phase's rows: the unit, its block, and as JSON text its values,
# its own facts the cohort reads, the run's constants the cohort reads (one text for every
# unit, read once a cohort), its flags and the items that do not apply to it
COLUMNS = ("unit", "group", "block", "values", "facts", "constants", "marks")


def deferred(scheme: CompiledScheme, block: int) -> bool:
    """Whether the block's per-unit values wait for its cohort (grades from an ordering)."""
    return f"order_{block}" in scheme.namespace


_FACTS: dict[str, frozenset[str]] = {}
_PARSING = threading.Lock()  # Python 3.11's parser is not safe in threads (a Dask worker's)


def cohort_facts(scheme: CompiledScheme) -> frozenset[str]:
    """The inputs and constants the cohort-phase functions read (worked out once per scheme
    and process). Generated code reads a fact only by its name, written as a string constant
    (`f['扣分']`, `u.facts['考评弄虚作假']`, a runtime call's argument): every such constant
    naming an input or a constant counts."""
    with _PARSING:
        found = _FACTS.get(scheme.python)
        if found is None:
            found = _FACTS[scheme.python] = _named_facts(scheme)
    return found


def _named_facts(scheme: CompiledScheme) -> frozenset[str]:
    names = {*scheme.model.inputs, *scheme.model.constants}
    cohort = ("cross_", "group_", "final_", "grade", "check_all")
    found: set[str] = set()
    for node in ast.parse(scheme.python).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith(cohort):
            found.update(
                n.value
                for n in ast.walk(node)
                if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in names
            )
    return frozenset(found)


def per_unit_phase(
    scheme: CompiledScheme, data: Sequence[UnitData], columnar: bool
) -> tuple[list[dict[str, Any]], list[DataProblem]]:
    """The units' data requirements checked and their per-unit values computed (by whole
    columns with `columnar`); returns a row per unit (`COLUMNS`) and the unmet requirements."""
    with paused_gc():  # millions of small objects and no cycles, as in `score`
        return _per_unit_phase(scheme, data, columnar)


def _per_unit_phase(
    scheme: CompiledScheme, data: Sequence[UnitData], columnar: bool
) -> tuple[list[dict[str, Any]], list[DataProblem]]:
    ns = scheme.namespace
    given = next((d for d in data if d.given), None)
    if given is not None:  # what a given value replaces is not computed: `score` handles that
        message = "values given in place of computed ones are scored by `kaoping score`, not here"
        return [], [DataProblem("the data", given.name, "given", message)]
    blocks = scheme.model.block_of_group
    run = Run()
    units = [Unit(d.name, d.group, blocks[d.group], d.facts, run=run) for d in data]
    problems: list[DataProblem] = []
    now = [u for u in units if not deferred(scheme, u.block)]
    run_each(scheme, now, {b: ns[f"check_{b}"] for b in {u.block for u in now}}, problems)
    if problems:
        return [], problems
    from kaoping.runtime.columnar.quotient import TooWide

    try:
        if columnar:
            _columnar_values(scheme, now)
    except TooWide:  # quotients too unrelated for one column's denominator: per unit, alike
        columnar = False  # (on units made anew: blocks scored before it wrote theirs back)
        run = Run()
        units = [Unit(d.name, d.group, blocks[d.group], d.facts, run=run) for d in data]
        now = [u for u in units if not deferred(scheme, u.block)]
    if not columnar:
        run_each(scheme, now, {b: ns[f"unit_{b}_fast"] for b in {u.block for u in now}})
    wanted = cohort_facts(scheme)
    constants = scheme.model.constants
    rows = []
    for u in units:
        later = deferred(scheme, u.block)
        facts = {k: v for k, v in u.facts.items() if later or k in wanted}
        shared = {k: facts.pop(k) for k in [k for k in facts if k in constants]}
        rows.append(
            {
                "unit": u.name,
                "group": u.group,
                "block": u.block,
                "values": None if later else _dumps(u.values),
                "facts": _dumps(facts),
                "constants": _dumps(shared),
                "marks": json.dumps([u.flags, u.inapplicable], ensure_ascii=False),
            }
        )
    return rows, problems


def _columnar_values(scheme: CompiledScheme, units: list[Unit]) -> None:
    """The per-unit values of `units` by the whole-table module, block by block."""
    from kaoping.runtime.columnar.table import Facts, Table, reader, write_back
    from kaoping.scoring_columnar import ColumnarScheme, columnar_scheme
    from kaoping.scoring_columnar import run_guarded as guard_columns

    found = columnar_scheme(scheme)
    assert isinstance(found, ColumnarScheme)  # chosen by `choose`, which saw it supported
    for index, run in itertools.groupby(sorted(units, key=lambda u: u.block), lambda u: u.block):
        members = list(run)  # a table a block: its generated function computes for all at once
        table = Table(len(members), Facts(reader(scheme.model, members)), [u.name for u in members])
        who = "the units of " + ", ".join(dict.fromkeys(u.group for u in members))
        guard_columns(found, who, found.namespace[f"unit_{index}"], table)
        write_back(table, members)


def cohort_phase(
    scheme: CompiledScheme, rows: Iterable[Mapping[str, Any]], backend: str = "auto"
) -> Results:
    """A block's units rebuilt from the per-unit phase's rows and scored on: the values that
    read other units, grading and consequences, as `kaoping.scoring.score` runs them (the
    values that read other units and the grades by whole columns where `backend` chooses
    them, as `kaoping score --backend`)."""
    from kaoping.runtime.columnar.quotient import TooWide

    rows = list(rows)
    with paused_gc():
        try:
            return _cohort_phase(scheme, rows, backend)
        except TooWide:  # quotients too unrelated for one column's denominator: the units
            # again from their rows, per unit (as `score` does)
            return _cohort_phase(scheme, rows, "unit")


def _cohort_phase(
    scheme: CompiledScheme, rows: Iterable[Mapping[str, Any]], backend: str
) -> Results:
    ns = scheme.namespace
    run = Run()
    units = []
    constants: dict[str, dict[str, Any]] = {}  # each distinct text read once
    for row in rows:
        shared = constants.get(row["constants"])
        if shared is None:
            shared = constants[row["constants"]] = _loads(row["constants"])
        facts = {**shared, **_loads(row["facts"])}
        u = Unit(row["unit"], row["group"], int(row["block"]), facts, run=run)
        if isinstance(row["values"], str):  # else deferred (a shuffle makes None a NaN)
            u.values = _loads(row["values"])
        u.flags, u.inapplicable = json.loads(row["marks"])
        units.append(u)
    units.sort(key=lambda u: (u.group, u.name))  # the canonical order `score` gives them
    counts = Counter(u.name for u in units)
    if len(counts) < len(units):  # rows from several partitions: a unit given in two of them
        raise DataError(
            [
                DataProblem("the dataset", name, None, f"this unit appears {n} times")
                for name, n in counts.items()
                if n > 1
            ]
        )
    groups: dict[str, list[Unit]] = {}
    for u in units:
        groups.setdefault(u.group, []).append(u)
    later = [u for u in units if deferred(scheme, u.block)]
    if later:  # grades from orderings first, then these units' own values
        for members in groups.values():
            if deferred(scheme, members[0].block):
                run_guarded(
                    scheme, f"group {members[0].group}", ns[f"order_{members[0].block}"], members
                )
    problems: list[DataProblem] = []
    run_each(scheme, later, {b: ns[f"check_{b}"] for b in {u.block for u in later}}, problems)
    run_guarded(scheme, "the data", lambda us: problems.extend(ns["check_all"](us)), units)
    if problems:
        raise DataError(problems)
    run_each(scheme, later, {b: ns[f"unit_{b}_fast"] for b in {u.block for u in later}})
    if not later and _on_columns(scheme, units, backend):
        graded = _group_values_on_columns(scheme, units)
    else:
        for index in sorted({u.block for u in units}):
            cross = ns.get(f"cross_{index}_fast")  # `across G1, G2:` values, if any
            if cross is not None:
                members = [u for u in units if u.block == index]
                where = ", ".join(dict.fromkeys(u.group for u in members))
                run_guarded(scheme, f"the groups {where}", cross, members)
        for members in groups.values():
            group_fn = ns[f"group_{members[0].block}_fast"]
            run_guarded(scheme, f"group {members[0].group}", group_fn, members)
        graded = False
    if not graded:
        run_guarded(scheme, "grading", ns["grade"], units)
    for u in units:
        u.last_reads = {}
    run_each(scheme, units, {b: ns[f"final_{b}_fast"] for b in {u.block for u in units}})
    return Results(scheme, tuple(unit_results(units, ns["RANK_VALUE"])))


# Values and facts as JSON text, each leaf tagged with its type so it reads back as it was:
# an exact number as `q550/3` (gmpy2's exact text), a whole number `i3`, a yes/no `b1`/`b0`,
# a label or name `s…`, no value `n`; records are lists of objects of such leaves.


def _on_columns(scheme: CompiledScheme, units: list[Unit], backend: str) -> bool:
    """Whether the cohort's group values are computed on columns (`backend` as `kaoping score
    --backend`: auto from 1,000 units where the scheme has a columnar form)."""
    from kaoping.scoring_columnar import choose

    return choose(scheme, backend, units).backend == "columnar"  # type: ignore[arg-type]


def _group_values_on_columns(scheme: CompiledScheme, units: list[Unit]) -> bool:
    """The values that read other units by the whole-table module, on tables of the values
    the per-unit phase sent, then the grades (True) where they have a columnar form."""
    from kaoping.runtime.columnar.table import held_table
    from kaoping.scoring_columnar import grade_on_columns, group_values

    tables = {}
    for index, run in itertools.groupby(sorted(units, key=lambda u: u.block), lambda u: u.block):
        tables[index] = held_table(scheme.model, index, list(run))
    held = {index: len(table.values) for index, table in tables.items()}
    parts = group_values(scheme, units, tables, held)
    return grade_on_columns(scheme, parts, units)


def _dumps(values: Mapping[str, Any]) -> str:
    # an exact number, by far the commonest leaf, tagged here rather than by a call
    tagged = {k: f"q{v}" if type(v) is Q else _tag(v) for k, v in values.items()}
    return json.dumps(tagged, ensure_ascii=False)


def _loads(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(text)
    return {k: Q(v[1:]) if type(v) is str and v[0] == "q" else _untag(v) for k, v in loaded.items()}


def _tag(value: Any) -> Any:
    if value is None:
        return "n"
    if isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, int):
        return f"i{value}"
    if isinstance(value, Q):
        return f"q{value}"
    if isinstance(value, str):
        return f"s{value}"
    if isinstance(value, list):
        return [_tag(v) for v in value]
    if isinstance(value, dict):
        return {k: _tag(v) for k, v in value.items()}
    raise ScoringError(f"a value of type {type(value).__name__} cannot leave its partition")


def _untag(value: Any) -> Any:
    if isinstance(value, list):
        return [_untag(v) for v in value]
    if isinstance(value, dict):
        return {k: _untag(v) for k, v in value.items()}
    kind, text = value[0], value[1:]
    if kind == "q":
        return Q(text)
    if kind == "i":
        return int(text)
    if kind == "b":
        return text == "1"
    if kind == "s":
        return text
    return None
