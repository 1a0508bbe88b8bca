"""The state of one unit while it is scored, and the trace `explain` reads back: for every
value, the rule lines that produced it, the caps and floors that bound, and the grade rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from kaoping.errors import DataError, DataProblem
from kaoping.exact import Mode
from kaoping.runtime.applicable import Part, rescaled
from kaoping.runtime.numbers import ZERO, Q, round_to


@attrs.define
class Step:
    """One rule's effect on a value: `add`, `deduct`, `start`, `floor`, `cap`, `zero`, `round`,
    or `row` (the row of a keyed item that gave the value; `before` holds the key)."""

    kind: str
    line: int
    amount: Q | None = None
    before: Q | None = None
    # what `explain` names besides the amount (the sheet a section combined)
    note: Any = None


@attrs.define
class Trace:
    path: str
    line: int
    value: Any = None
    steps: list[Step] = attrs.Factory(list)
    group_values: dict[str, Any] = attrs.Factory(dict)
    # what the rule read from last year's results (`last year X`), key → value
    last_year: dict[str, Any] = attrs.Factory(dict)
    # supplied by the data instead of computed (an object with `value`, `by`, `note`)
    given: Any = None
    # not computed: only values the data gives read it
    skipped: bool = False
    # clauses that ran and changed nothing (a cap that did not bind, a floor not reached, a
    # clause adding 0, a rounding with nothing to round): kept apart from `steps`, which are
    # what `explain` prints, so `test --coverage` knows each clause ran
    passed: list[Step] = attrs.Factory(list)
    # the outcome of each choice inside the rule's expressions, as (line, column, outcome):
    # an `if`'s condition (True/False), the row of a band (its index), a distribution's band
    branches: list[tuple[int, int, Any]] = attrs.Factory(list)


@attrs.define
class GradeStep:
    grading: str
    line: int
    rule: str
    applied: bool
    reason: str
    # False for a line that is not about the unit's group (a quota for another group)
    concerns: bool = True


@attrs.frozen
class AboveMax:
    """A value above its declared maximum, where the rules set no cap (the checker's W402 was
    left unanswered): reported on the unit rather than silently kept or cut."""

    path: str
    line: int
    value: Q
    max: Q


@attrs.frozen
class RunWarning:
    """Something the results hold that the office should look at before relying on them: a
    requirement checked on part of a roster, a value last year's results do not hold."""

    code: str
    unit: str | None
    message: str


@attrs.define
class Run:
    """What one scoring run knows besides its units: each group's whole roster (when the data
    declares one), and the warnings raised while scoring (each once, in the order raised)."""

    roster: Mapping[str, int] = attrs.Factory(dict)
    raised: dict[RunWarning, None] = attrs.Factory(dict)

    def size(self, group: str, present: int) -> int:
        """How many units the group has in all: its declared roster, else those in the data."""
        return self.roster.get(group, present)

    def warn(self, code: str, unit: str | None, message: str) -> None:
        self.raised.setdefault(RunWarning(code, unit, message), None)

    @property
    def warnings(self) -> tuple[RunWarning, ...]:
        return tuple(self.raised)


@attrs.define(eq=False, init=False)
class Unit:
    """One unit being scored. With `tracing` off (plain scoring) no trace is kept: scoring is
    several times faster, and `explain` re-scores with tracing on."""

    name: str
    group: str
    block: int
    facts: Mapping[str, Any]
    history: Mapping[str, Any] | None = None
    tracing: bool = False
    # values the data supplies (path or grading → an object with `value`, `by`, `note`), and
    # every value the unit does not compute because of them (path → given value, or None)
    given: Mapping[str, Any] = attrs.Factory(dict)
    skip: Mapping[str, Any] = attrs.Factory(dict)
    run: Run | None = None
    values: dict[str, Any] = attrs.Factory(dict)
    flags: list[str] = attrs.Factory(list)
    grades: dict[str, str] = attrs.Factory(dict)
    traces: dict[str, Trace] = attrs.Factory(dict)
    grade_steps: list[GradeStep] = attrs.Factory(list)
    # traced scoring: per rule line, each record an aggregate read (index, what became of it,
    # the value it counted for)
    record_notes: dict[int, list[tuple[int, str, Any]]] = attrs.Factory(dict)
    # traced scoring: last year's values read since the last value was recorded
    last_reads: dict[str, Any] = attrs.Factory(dict)
    # traced scoring: choices made inside expressions since the last value was recorded
    # (line, column, outcome), moved into that value's trace
    choices: list[tuple[int, int, Any]] = attrs.Factory(list)
    # traced scoring: per rule line of a `weighted {…}`, each part's value and the weight it
    # was given after an absent part's weight was shared out (None: the part is absent)
    weight_notes: dict[int, list[tuple[str, Any, Any]]] = attrs.Factory(dict)
    above_max: list[AboveMax] = attrs.Factory(list)
    # the items that do not apply to the unit (不涉及), in the order they were met
    inapplicable: list[str] = attrs.Factory(list)
    # facts kaoping derived rather than read (a grade from the raters' ordering): the place it
    # came from (`order`, `place`, `of`), for explain
    derived: dict[str, dict[str, Any]] = attrs.Factory(dict)

    def __init__(
        self,
        name: str,
        group: str,
        block: int,
        facts: Mapping[str, Any],
        history: Mapping[str, Any] | None = None,
        tracing: bool = False,
        *,
        run: Run | None = None,
    ) -> None:
        # written out rather than generated: a unit is made for every unit of every run, and
        # literal `{}` cost half of attrs' factory calls; the lists are made on first use
        # (`__getattr__`)
        self.name, self.group, self.block, self.facts = name, group, block, facts
        self.history, self.tracing, self.run = history, tracing, run
        self.given, self.skip, self.values, self.grades = {}, {}, {}, {}
        self.traces, self.record_notes, self.last_reads = {}, {}, {}
        self.weight_notes, self.derived = {}, {}

    def __getattr__(self, name: str) -> Any:
        """A list most units never fill (flags, grade steps, choices, values above their
        maximum, items that do not apply), made empty when first read. Lists, unlike the empty
        dicts, are watched by the cyclic collector: five per unit made its first collection
        after scoring take as long as a tenth of the scoring."""
        if name not in _LAZY_LISTS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        made: list[Any] = []
        object.__setattr__(self, name, made)
        return made

    def item(self, path: str, line: int) -> ItemCalc:
        return ItemCalc(self, path, line, [] if self.tracing else None)

    def set(self, path: str, line: int, value: Any, group: dict[str, Any] | None = None) -> Any:
        self.values[path] = value
        if self.tracing:
            self.traces[path] = Trace(
                path,
                line,
                value,
                group_values=group or {},
                last_year=self._read_last_year(),
                branches=self._read_choices(),
            )
        return value

    def group_noted(self, path: str, group: dict[str, Any]) -> None:
        """The group values the clauses of the item or section at `path` read (traced only)."""
        trace = self.traces.get(path) if self.tracing else None
        if trace is not None:
            trace.group_values = group

    def give(self, path: str, line: int, flag: bool = False) -> Any:
        """The rule at `line` is skipped: the value is the data's, or absent when only given
        values read it."""
        value = self.skip[path]
        self.values[path] = value
        if flag and value and path not in self.flags:
            self.flags.append(path)
        if self.tracing:
            given = self.given.get(path)
            self.traces[path] = Trace(path, line, value, given=given, skipped=given is None)
            self._read_choices()  # what a group value computed for every unit: not this rule's
        return value

    def not_applicable(self, path: str, line: int) -> None:
        """The item at `line` does not apply to the unit: absent (its section rescales, or the
        group's mean stands in)."""
        self.values[path] = None
        self.inapplicable.append(path)
        if self.tracing:
            self.traces[path] = Trace(
                path, line, None, [Step("not applicable", line)], branches=self._read_choices()
            )

    def impute(self, path: str, line: int, value: Any, over: list[str]) -> None:
        """The mean of the units the item applies to stands in for it."""
        self.values[path] = value
        trace = self.traces.get(path)
        if trace is not None:
            trace.value = value
            trace.steps.append(Step("impute", line, value, note={"units": over}))

    def flag(self, name: str, line: int, cond: bool) -> None:
        self.set(name, line, cond)
        if cond and name not in self.flags:
            self.flags.append(name)

    def over(self, path: str, line: int, value: Q, maximum: Q) -> None:
        """`path` came out above its maximum with no cap to stop it."""
        self.above_max.append(AboveMax(path, line, value, maximum))

    def last(self, key: str) -> Any:
        """Last year's value under `key` (total, a value path, a grade, a fact), or None.
        A unit that has last year's results but no value under `key` is warned about: the rule
        then takes its default, and the office should know it did not come from the data."""
        if self.history is not None and key not in self.history and self.run is not None:
            self.run.warn(
                "history-missing",
                self.name,
                f"last year's results hold this unit but no value for {key!r}: "
                f"`last year {key}` is absent and its default applies",
            )
        value = None if self.history is None else self.history.get(key)
        if self.tracing:
            self.last_reads[key] = value
        return value

    def _read_last_year(self) -> dict[str, Any]:
        """What the rule just evaluated read from last year (traced scoring only)."""
        reads, self.last_reads = self.last_reads, {}
        return reads

    def _read_choices(self) -> list[tuple[int, int, Any]]:
        """The choices the rule just evaluated made (traced scoring only)."""
        made, self.choices = self.choices, []
        return made


_LAZY_LISTS = frozenset({"flags", "grade_steps", "choices", "above_max", "inapplicable"})


def last_number(u: Unit, key: str) -> Q | None:
    """A number among last year's facts. History is read with the scheme's input types, so a
    number fact is already a number; anything else is a data error naming the unit."""
    value = u.last(key)
    if value is None or isinstance(value, Q):
        return value
    raise DataError([DataProblem("history", u.name, key, f"expected a number, got {value!r}")])


def no_sheet(u: Unit, section: str, where: str) -> None:
    """A unit reached a section with sheets but has none there (data validation reports it
    first; this keeps the generated code from ever summing a sheet that is not the unit's)."""
    raise DataError(
        [DataProblem(where, u.name, None, f"has no sheet (`for` block) under section {section!r}")]
    )


class ItemCalc:
    """Applies an item's clauses in the language's fixed order, recording each one when the
    unit is traced."""

    __slots__ = ("line", "passed", "path", "steps", "unit", "value")

    def __init__(self, unit: Unit, path: str, line: int, steps: list[Step] | None):
        self.unit = unit
        self.path = path
        self.line = line
        self.steps = steps
        # traced: the clauses that ran without changing the value (Trace.passed)
        self.passed: list[Step] = []
        self.value = ZERO

    def start(self, amount: Q, line: int, kind: str = "start") -> None:
        """`kind` is "start" for an item's start clause, "sum"/"highest"/"mean" for a section."""
        self.value += amount
        if self.steps is not None:
            self.steps.append(Step(kind, line, amount))

    def row(self, amount: Q, line: int, key: Q) -> None:
        """A keyed item's value, from the row at `line` that covers `key`."""
        self.value += amount
        if self.steps is not None:
            self.steps.append(Step("row", line, amount, key))

    def skip(self, line: int) -> None:
        """A clause whose condition does not hold: nothing added (nor computed)."""
        if self.steps is not None:
            self.steps.append(Step("skip", line))

    def add(self, amount: Q, line: int, sign: int = 1) -> None:
        if not amount:
            if self.steps is not None:
                self.passed.append(Step("add" if sign > 0 else "deduct", line, amount))
            return
        self.value = self.value + amount if sign > 0 else self.value - amount
        if self.steps is not None:
            self.steps.append(Step("add" if sign > 0 else "deduct", line, amount))

    def sheet(self, label: str, line: int) -> None:
        """The section combines the shared children with those of the unit's sheet `label`."""
        if self.steps is not None:
            self.steps.append(Step("sheet", line, note=label))

    def rescale(self, parts: Sequence[Part], top: Q, line: int, where: str) -> None:
        """A section's applicable children, summed and rescaled to its maximum `top`."""
        value, total, maxima = rescaled(self.unit.name, self.path, parts, top, where)
        self.value += value
        if self.steps is not None:
            missing = [name for v, _, name in parts if v is None]
            self.steps.append(Step("sum", line, total))
            note = {"max": top, "applicable": maxima, "not_applicable": missing}
            self.steps.append(Step("rescale", line, value, total, note=note))

    def floor(self, limit: Q, line: int) -> None:
        if self.value < limit:
            if self.steps is not None:
                self.steps.append(Step("floor", line, limit, self.value))
            self.value = limit
        elif self.steps is not None:
            self.passed.append(Step("floor", line, limit, self.value))

    def cap(self, limit: Q, line: int) -> None:
        if self.value > limit:
            if self.steps is not None:
                self.steps.append(Step("cap", line, limit, self.value))
            self.value = limit
        elif self.steps is not None:
            self.passed.append(Step("cap", line, limit, self.value))

    def zero(self, cond: bool, line: int) -> None:
        if not cond and self.steps is not None:
            self.steps.append(Step("skip", line))
        if cond:
            if self.steps is not None:
                self.steps.append(Step("zero", line, ZERO, self.value))
            self.value = ZERO

    def round(self, places: int, mode: Mode, line: int) -> None:
        rounded = round_to(self.value, places, mode)
        if self.steps is not None:
            (self.steps if rounded != self.value else self.passed).append(
                Step("round", line, rounded, self.value)
            )
        self.value = rounded

    def done(self) -> Q:
        self.unit.values[self.path] = self.value
        if self.steps is not None:
            self.unit.traces[self.path] = Trace(
                self.path,
                self.line,
                self.value,
                self.steps,
                last_year=self.unit._read_last_year(),
                passed=self.passed,
                branches=self.unit._read_choices(),
            )
        return self.value
