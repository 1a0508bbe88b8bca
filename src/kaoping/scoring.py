"""Running a compiled scheme over a set of units: per-unit values, then the values across
several groups, then each group's values, then grading, then consequences. Results never
depend on the order units were listed in."""

from __future__ import annotations

import gc
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import attrgetter
from typing import Any

import attrs

from kaoping.compiler.load import CompiledScheme
from kaoping.compiler.model import Model
from kaoping.errors import DataError, DataProblem, KaopingError, ScoringError
from kaoping.exact import Q
from kaoping.io.history import NUMBER, RANK, TEXT, history_types, read_value
from kaoping.io.history_file import unmatched_units
from kaoping.io.json_text import duplicate_keys
from kaoping.io.numbers import is_text
from kaoping.io.text import clean_name
from kaoping.io.validate import UnitData
from kaoping.plugins.isolation import watch_interrupts
from kaoping.runtime.functions import RuleFunctionFailed
from kaoping.runtime.unit import Run, RunWarning, Unit


@attrs.frozen
class UnitResult:
    unit: Unit
    rank: int | None

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def group(self) -> str:
        return self.unit.group

    @property
    def total(self) -> Q:
        value = self.unit.values["total"]
        assert isinstance(value, Q)
        return value


@attrs.frozen
class Results:
    scheme: CompiledScheme
    units: tuple[UnitResult, ...]
    traced: bool = False
    # what the office should look at before relying on the results (JSON `warnings`)
    warnings: tuple[RunWarning, ...] = ()
    # the backend that computed the values ("unit" or "columnar") and why (`score --verbose`)
    backend: str = "unit"
    backend_reason: str = ""

    def by_name(self, name: str) -> UnitResult | None:
        for r in self.units:
            if r.name == name:
                return r
        return None

    def ordered(self) -> list[UnitResult]:
        """Grouped by group (in declaration order), then by rank, then by name."""
        order = {g.name: i for i, g in enumerate(self.scheme.module.groups)}
        return sorted(
            self.units, key=lambda r: (order.get(r.group, 0), r.rank or 0, -r.total, r.name)
        )


def history_index(
    history: Any, where: str = "history", model: Model | None = None
) -> dict[str, dict[str, Any]]:
    """Last year's results (the JSON shape `score --format json` writes), flattened per unit,
    each value read with the type `model` declares for it. A malformed file is a data error
    naming the entry and the field, never a silent gap."""
    out: dict[str, dict[str, Any]] = {}
    if history is None:
        return out
    units = history.get("units") if isinstance(history, Mapping) else history
    if not isinstance(units, list):
        raise DataError([DataProblem(where, None, None, 'expected {"units": [...]}')])
    problems = duplicate_keys(history, where)
    types = history_types(model)
    for i, entry in enumerate(units, 1):
        written = entry.get("unit") if isinstance(entry, Mapping) else None
        if not is_text(written) or not written:
            problems.append(
                DataProblem(
                    f"{where}: units[{i}]", None, "unit", "every entry needs a unit name", "field"
                )
            )
            continue
        name, refused = clean_name(written)  # as the data's names are: "U2 " is U2
        if refused:
            problems.append(DataProblem(f"{where}: units[{i}]", None, "unit", refused, "field"))
            continue
        flat: dict[str, Any] = {}
        for key in ("scores", "outputs", "grades"):
            part = entry.get(key) or {}
            if not isinstance(part, Mapping):
                problems.append(DataProblem(where, name, key, "must be an object", "field"))
                continue
            wants = types.gradings if key == "grades" else types.values
            for k, v in part.items():
                # a value this year's scheme does not declare: a grade is text, others numbers
                want = wants.get(k, TEXT if key == "grades" else NUMBER)
                flat[k] = read_value(v, want, where, name, f"{key}.{k}", problems)
        for key, want in (("total", NUMBER), ("rank", RANK)):
            if entry.get(key) is not None:
                flat[key] = read_value(entry[key], want, where, name, key, problems)
        if entry.get("rank_value") and "rank" in flat:
            flat[str(entry["rank_value"])] = flat["rank"]
        if entry.get("grade") is not None:
            want = types.first_grading or TEXT
            flat["grade"] = read_value(entry["grade"], want, where, name, "grade", problems)
        facts = entry.get("facts") or {}
        if not isinstance(facts, Mapping):
            problems.append(DataProblem(where, name, "facts", "must be an object", "field"))
            facts = {}
        for key, value in facts.items():  # last year's inputs, read by `last year INPUT`
            # a figure entered last year that the rules now compute (a rank) has its value's type
            as_type = types.inputs.get(key) or types.values.get(key)
            fact = read_value(value, as_type, where, name, key, problems, "input")
            flat.setdefault(key, fact)
        if name in out:
            problems.append(DataProblem(where, name, None, "this unit appears twice"))
        out[name] = flat
    if problems:
        raise DataError(problems)
    return out


def _complete_history(
    flat: dict[str, Any], rank_value: str | None, gradings: tuple[str, ...]
) -> None:
    """A history entry may give `rank` and `grade` without naming the rank value or the grading
    (as hand-written history does); they mean the scheme's reported rank and its first grading."""
    if rank_value and "rank" in flat:
        flat.setdefault(rank_value, flat["rank"])
    if gradings and "grade" in flat:
        flat.setdefault(gradings[0], flat["grade"])


def score(
    scheme: CompiledScheme,
    data: Sequence[UnitData],
    history: Any = None,
    trace: bool = False,
    *,
    roster: Mapping[str, int] | None = None,
    complete: bool = False,
    backend: str = "unit",
    progress: Callable[[int], object] | None = None,
    history_where: str = "history",
) -> Results:
    """Score every unit; with `trace`, keep what `explain` shows (rule steps, group values).

    `roster` gives how many units a group has in all, when the data holds only some of them
    (one unit re-scored after an appeal): what reads the whole group is then warned about, and
    `complete` makes such partial data an error instead. `progress` is told of each 1,000
    units scored (a progress bar). `history_where` names the history in its problems (its
    file).

    `backend`: "unit" (the reference, and what a trace needs), "columnar" (whole tables; a
    scheme it cannot score raises `Unsupported`) or "auto" (see `scoring_columnar.choose`)."""
    from kaoping.scoring_columnar import Choice, choose

    ns = scheme.namespace
    choice = Choice("unit", "tracing") if trace else choose(scheme, backend, data)  # type: ignore[arg-type]
    hist = history_index(history, history_where, scheme.model)
    for d in data:
        if d.name in hist:
            block = ns["BLOCK_OF_GROUP"][d.group]
            _complete_history(hist[d.name], ns["RANK_VALUE"].get(block), ns["GRADINGS"])
    from kaoping.runtime.columnar.quotient import TooWide

    # the collector is paused while the units and their results are created too: with it
    # running, creating them had been a third of what scoring took
    with paused_gc():
        while True:
            run = Run(dict(roster or {}))
            _check_roster(run, data, complete, ns["BLOCK_OF_GROUP"])
            units = [_unit(scheme, d, hist.get(d.name), trace, run) for d in data]
            # canonical order: every group-level operation sees the same sequence whatever
            # the input order
            units.sort(key=attrgetter("group", "name"))
            try:
                with watch_interrupts():  # the user's Ctrl-C, not a rule function's
                    _run(scheme, units, trace, choice.backend == "columnar", progress)
            except TooWide as err:  # the data, not the scheme: per unit, the same results
                choice = Choice("unit", f"the columnar backend was left: {err}")
                continue
            break
        results = unit_results(units, ns["RANK_VALUE"])
    # a history that matches no unit would give the no-history result in silence
    unmatched = [] if history is None else unmatched_units([d.name for d in data], hist)
    return Results(
        scheme,
        tuple(results),
        trace,
        (*run.warnings, *unmatched),
        choice.backend,
        choice.reason,
    )


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused, and what was allocated before frozen out of its
    sight, until the block ends (however it ends). Reading, scoring and writing a large run
    allocate millions of small objects and no reference cycles: the collector would only
    rescan them, again and again as the heap grows (over half the time at 100,000 units)."""
    collecting = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()


def unit_results(units: list[Unit], rank_value: Mapping[int, str | None]) -> list[UnitResult]:
    """Each unit with the rank its block reports (None where it reports none)."""
    results = []
    for u in units:
        path = rank_value.get(u.block)
        rank = u.values.get(path) if path else None
        results.append(UnitResult(u, int(rank) if rank is not None else None))
    return results


def _check_roster(
    run: Run, data: Sequence[UnitData], complete: bool, groups: Mapping[str, int]
) -> None:
    """A declared roster names a group and holds at least the units given. Fewer units than
    the roster is partial data: a warning, or with `complete` an error."""
    if not run.roster:
        return
    present: dict[str, int] = {}
    for d in data:
        present[d.group] = present.get(d.group, 0) + 1
    problems: list[DataProblem] = []
    for group, whole in run.roster.items():
        here = present.get(group, 0)
        if group not in groups:
            problems.append(
                DataProblem("roster", None, group, "no group of the scheme has this name")
            )
        elif isinstance(whole, bool) or not isinstance(whole, int) or whole < 1:
            problems.append(
                DataProblem(
                    "roster", None, group, f"expected a whole number of units, got {whole!r}"
                )
            )
        elif whole < here:
            problems.append(
                DataProblem(
                    "roster",
                    None,
                    group,
                    f"group {group!r} has {whole} units in all, but the data holds {here}",
                )
            )
        elif whole > here and complete:
            problems.append(
                DataProblem(
                    "roster",
                    None,
                    group,
                    f"the data holds {here} of the {whole} units of group {group!r}, and the "
                    "scoring is asked to be complete",
                )
            )
        elif whole > here and here:
            run.warn(
                "partial-roster",
                None,
                f"the data holds {here} of the {whole} units of group {group!r}: ranks, best, "
                "group means, forced distributions and quotas cover these units only",
            )
    if problems:
        raise DataError(problems)


def _unit(scheme: CompiledScheme, d: UnitData, history: Any, trace: bool, run: Run) -> Unit:
    block = scheme.namespace["BLOCK_OF_GROUP"][d.group]
    u = Unit(d.name, d.group, block, d.facts, history, trace, run=run)
    if d.given:
        values = scheme.model.blocks[block].values
        skipped = scheme.model.blocks[block].skipped(frozenset(p for p in d.given if p in values))
        u.given = d.given
        u.skip = {p: (d.given[p].value if p in d.given else None) for p in skipped}
    return u


def _run(
    scheme: CompiledScheme,
    units: list[Unit],
    trace: bool,
    columnar: bool = False,
    progress: Callable[[int], object] | None = None,
) -> None:
    if trace:
        scheme.load_traced()
    ns = scheme.namespace
    version = "" if trace else "_fast"  # the traced functions record what `explain` shows
    groups: dict[str, list[Unit]] = {}
    for u in units:
        groups.setdefault(u.group, []).append(u)
    for members in groups.values():  # grades from raters' orderings, before anything reads them
        order_fn = ns.get(f"order_{members[0].block}")
        if order_fn is not None:
            run_guarded(scheme, f"group {members[0].group}", order_fn, members)
    problems: list[DataProblem] = []
    # the data requirements, of every unit, before anything is scored
    present = {u.block for u in units}  # the blocks of the units scored
    if _busy(ns, "check_{}", present):
        run_each(scheme, units, _per_block(ns, "check_{}", present), problems)
    run_guarded(scheme, "the data", lambda us: problems.extend(ns["check_all"](us)), units)
    if problems:
        raise DataError(problems)
    if columnar:  # every per-unit and group value by the whole-table module, and the grades
        from kaoping.scoring_columnar import grade_on_columns, run_columnar

        parts = run_columnar(scheme, units)
        graded = not trace and grade_on_columns(scheme, parts, units)
    else:
        _values_per_unit(scheme, units, groups, version, progress)
        graded = False
    if not graded:
        run_guarded(scheme, "grading", ns["grade"], units)
    if trace:  # (only traced scoring notes what `last year` read)
        for u in units:
            u.last_reads = {}  # what grading lines read is not a consequence's
    if _busy(ns, "final_{}" + version, present):
        run_each(scheme, units, _per_block(ns, "final_{}" + version, present))


def _values_per_unit(
    scheme: CompiledScheme,
    units: list[Unit],
    groups: dict[str, list[Unit]],
    version: str,
    progress: Callable[[int], object] | None = None,
) -> None:
    ns = scheme.namespace
    fns = _per_block(ns, "unit_{}" + version, {u.block for u in units})
    if version and any(u.skip for u in units):
        # the plain functions test no value for being given: units whose data gives values
        # run their twins that do, compiled (once) with the traced functions
        scheme.load_traced()
        fns = {block: _given_or(fn, ns[f"unit_{block}_given"]) for block, fn in fns.items()}
    for start in range(0, len(units), 1000):  # progress is told of every thousand units
        chunk = units[start : start + 1000]
        run_each(scheme, chunk, fns)
        if progress is not None and len(chunk) == 1000:
            progress(1000)
    crossing = sorted(i for i in fns if f"cross_{i}{version}" in ns)  # `across G1, G2:` values
    for index in crossing:
        members = [u for u in units if u.block == index]
        where = ", ".join(dict.fromkeys(u.group for u in members))
        run_guarded(scheme, f"the groups {where}", ns[f"cross_{index}{version}"], members)
    for members in groups.values():
        group_fn = ns[f"group_{members[0].block}{version}"]
        run_guarded(scheme, f"group {members[0].group}", group_fn, members)


def _given_or(plain: Callable[[Unit], None], given: Callable[[Unit], None]) -> Any:
    """The per-unit function for each unit: `given` where its data gives values."""

    def either(u: Unit) -> None:
        (given if u.skip else plain)(u)

    return either


def _per_block(ns: Mapping[str, Any], name: str, blocks: Iterable[int]) -> dict[int, Any]:
    """The generated function `name` (with `{}` for the block's index) of each block present."""
    return {block: ns[name.format(block)] for block in blocks}


def _busy(ns: Mapping[str, Any], name: str, blocks: Iterable[int]) -> bool:
    """Whether the generated function `name` does anything for some block present: a stage
    with no requirement or no consequence is not called for each unit."""
    idle = ns.get("IDLE", frozenset())
    return any(name.format(block) not in idle for block in blocks)


def run_each(
    scheme: CompiledScheme,
    units: list[Unit],
    fns: Mapping[int, Any],
    found: list[DataProblem] | None = None,
) -> None:
    """Run each unit's block's generated function on it (collecting what it returns into
    `found`, if given); a failure is an error naming the rule line and the unit, as `run_guarded`'s.
    One `try` for all the units: this loop runs a hundred thousand times on large data."""
    u: Unit | None = None
    try:
        for u in units:
            problems = fns[u.block](u)
            if found is not None:
                found.extend(problems)
    except KaopingError:
        raise
    except Exception as err:
        assert u is not None
        raise _failure(scheme, u.name, err) from (
            (err.__cause__ or err) if isinstance(err, RuleFunctionFailed) else err
        )


def run_guarded(scheme: CompiledScheme, who: str, fn: Any, arg: Any) -> None:
    """Run generated code; turn a failure into an error that names the rule line and the unit."""
    try:
        fn(arg)
    except KaopingError:
        raise
    except Exception as err:
        raise _failure(scheme, who, err) from (
            (err.__cause__ or err) if isinstance(err, RuleFunctionFailed) else err
        )


def _failure(scheme: CompiledScheme, who: str, err: Exception) -> ScoringError:
    """The error for generated code that failed while scoring `who`, at the rule line of the
    innermost generated frame."""
    span = None
    for frame, lineno in traceback.walk_tb(err.__traceback__):
        if frame.f_code.co_filename == scheme.filename:
            span = scheme.span_for(lineno) or span
    where = f"{span}: " if span is not None else ""
    if isinstance(err, RuleFunctionFailed):  # names the function and its plugin already
        return ScoringError(f"{where}while scoring {who}: {err}")
    return ScoringError(f"{where}while scoring {who}: {type(err).__name__}: {err}")
