"""The checked scheme: the IR plus what the checker learned about it (what every name refers
to, the type and range of every expression, the stage and evaluation order of every value).
Emitters read this and nothing else."""

from __future__ import annotations

from typing import Literal

import attrs

from kaoping.compiler import ir
from kaoping.compiler.types import Ty
from kaoping.exact import Q
from kaoping.span import Span

# per unit; across several named groups (`across G1, G2:`); across the unit's group; after grading
Stage = Literal["unit", "cross", "group", "final"]
ValueKind = Literal["section", "item", "let", "total", "output", "flag"]


@attrs.frozen
class Res:
    """What a name refers to: an input, a value of the block, a record field, an enum value,
    a grade (the result of a `grading` block), or the unit's total."""

    kind: Literal["input", "value", "field", "enum", "grade", "constant"]
    target: str
    # an input given for only some of the groups the rule serves: absent for the others
    partial: bool = False


@attrs.frozen
class SheetDef:
    """One `for NAME:` block of a section: the units it is for and its own children. Its values
    exist only for those units (neither 0 nor full marks for the others: absent)."""

    section: str  # the path of the section that holds the sheet
    label: str  # NAME: a unit, or a set of units declared with `units`
    units: frozenset[str]
    children: tuple[str, ...]
    span: Span = attrs.field(eq=False)
    article: str | None = None

    @property
    def path(self) -> str:
        return f"{self.section}.{self.label}"


@attrs.define
class ValueDef:
    path: str
    kind: ValueKind
    node: ir.Section | ir.Item | ir.Let | ir.Total | ir.Output | ir.Flag | None
    stage: Stage
    parent: str | None = None
    children: list[str] = attrs.Factory(list)
    ty: Ty | None = None
    deps: set[str] = attrs.Factory(set)
    inputs: set[str] = attrs.Factory(set)
    # the groups this value is computed for, when narrower than its block's (`consequences for`)
    only: tuple[str, ...] = ()
    # one definition per group set, when several `consequences for` blocks define the same name
    # for groups that share a scoring block (a 驻区 and a 区直 amount of one 奖金总额)
    variants: list[tuple[tuple[str, ...], ir.Let | ir.Output | ir.Flag]] = attrs.Factory(list)
    # an item or section that can go above its maximum with no cap (W402): checked when scored
    may_exceed: bool = False
    # the sheet the value is on (个性指标): it exists only for the sheet's units
    sheet: SheetDef | None = None
    # `across G1, G2:`: the groups whose units the value's cohort operations read together
    scope: tuple[str, ...] = ()

    def for_unit(self, unit: str) -> bool:
        """Whether the unit has this value (a value on another unit's sheet it has not)."""
        return self.sheet is None or unit in self.sheet.units

    def for_group(self, group: str) -> ValueDef:
        """The definition that applies to a unit of `group` (itself unless there are variants)."""
        for only, node in self.variants:
            if group in only:
                return attrs.evolve(self, node=node, only=only, variants=[])
        return self

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def article(self) -> str | None:
        node = self.node
        return None if node is None else getattr(node, "article", None)


@attrs.frozen
class DataCheck:
    """A data requirement as it applies to one block: to which of its groups (all: empty), and
    the inputs and constants it reads, in the order written (the data error names them with their
    values). One that reads no unit's data (constants alone) is checked once per run."""

    requirement: ir.Requirement
    groups: tuple[str, ...]
    inputs: tuple[str, ...]
    constants: tuple[str, ...] = ()
    per_run: bool = False
    # the units of the one sheet whose items alone read its inputs (all units: empty): a
    # requirement on a sheet's own inputs binds the units that give them
    units: frozenset[str] = frozenset()


@attrs.define
class BlockModel:
    index: int
    scoring: ir.Scoring
    values: dict[str, ValueDef] = attrs.Factory(dict)
    order: list[str] = attrs.Factory(list)
    requires: list[ir.Require | ir.RequireRecords] = attrs.Factory(list)
    # what grading lines and `require` checks read: always computed, whatever a unit is given
    outside_deps: set[str] = attrs.Factory(set)
    outside_inputs: set[str] = attrs.Factory(set)
    # section path → its sheets (`for NAME:` blocks), in the order written
    sheets: dict[str, list[SheetDef]] = attrs.Factory(dict)
    _skips: dict[frozenset[str], frozenset[str]] = attrs.field(factory=dict, repr=False, init=False)
    data_checks: list[DataCheck] = attrs.Factory(list)
    # what the data requirements that hold for every unit of the block prove: input ranges
    # ("input:NAME" → range, for a constant too; "count:LIST" → the number of its records) and
    # orderings (larger, smaller, strict)
    known: dict[str, Ty] = attrs.Factory(dict)
    ordered: set[tuple[str, str, bool]] = attrs.Factory(set)
    # sums the requirements bound: (`input:NAME` keys, N) for `a + b + … ≤ N` (or `= N`)
    sums: list[tuple[frozenset[str], Q]] = attrs.Factory(list)
    _by_suffix: dict[str, list[str]] = attrs.field(factory=dict, init=False, repr=False)
    _indexed: int = attrs.field(default=-1, init=False, repr=False)

    @property
    def groups(self) -> tuple[str, ...]:
        return self.scoring.groups

    def skipped(self, given: frozenset[str]) -> frozenset[str]:
        """The values a unit does not compute when `given` are supplied: the given ones, and
        every value that only skipped values read (a given section's items, a let only a given
        item used). A value nothing reads (the total, an output) is skipped only if given; one
        that a value of the group reads (`rank by total`, `best X`) never is, unless given."""
        if not given:
            return given
        found = self._skips.get(given)
        if found is not None:
            return found
        readers: dict[str, set[str]] = {p: set() for p in self.values}
        # what a value computed across the group reads (a rank, a best, a group mean) it reads
        # of every unit: the other units' values need it whatever this unit is given
        kept = set(self.outside_deps)
        for path, vd in self.values.items():
            for dep in vd.deps:
                readers.setdefault(dep, set()).add(path)
            if vd.stage in ("group", "cross"):
                kept |= vd.deps
        skipped = set(given)
        changed = True
        while changed:
            changed = False
            for path in self.values:
                if path in skipped or path in kept:
                    continue
                read_by = readers.get(path, set())
                if read_by and read_by <= skipped:
                    skipped.add(path)
                    changed = True
        found = frozenset(skipped)
        self._skips[given] = found
        return found

    def inputs_read(self, skipped: frozenset[str], unit: str | None = None) -> set[str]:
        """The inputs a unit's computed values (and the grading and `require` lines) read; with
        `unit`, only the values on that unit's sheets (another unit's sheet asks nothing of it)."""
        read = set(self.outside_inputs)
        for check in self.data_checks:  # a requirement on a sheet's inputs: its units give them
            if check.units and (unit is None or unit in check.units):
                read.update(check.inputs)
        for path, vd in self.values.items():
            if path not in skipped and (unit is None or vd.for_unit(unit)):
                read |= vd.inputs
        return read

    def sheet_of(self, section: str, unit: str) -> SheetDef | None:
        """The unit's own sheet under a section, if it has one."""
        for sheet in self.sheets.get(section, ()):
            if unit in sheet.units:
                return sheet
        return None

    def missing_sheets(self, unit: str, skipped: frozenset[str]) -> list[str]:
        """The sections (computed for this unit) that have sheets but none for the unit."""
        return [
            section
            for section in self.sheets
            if section not in skipped
            and self.values[section].for_unit(unit)
            and self.sheet_of(section, unit) is None
        ]

    def ending_with(self, name: str) -> list[str]:
        """The paths of the values that are `name` or end with `.name` (`信息报送` finds
        `改革组织领导.信息报送`), in definition order. Indexed, so resolving every name of a
        scheme of thousands of values does not scan them all each time."""
        if self._indexed != len(self.values):  # values are only ever added
            self._by_suffix = {}
            for path in self.values:
                parts = path.split(".")
                for i in range(len(parts)):
                    self._by_suffix.setdefault(".".join(parts[i:]), []).append(path)
            self._indexed = len(self.values)
        return self._by_suffix.get(name, [])


@attrs.define
class Model:
    module: ir.Module
    rounding: ir.Rounding | None  # None: the scheme declares none, totals stay exact
    enums: dict[str, ir.EnumDecl]
    records: dict[str, ir.RecordDecl]
    inputs: dict[str, ir.InputDecl]
    tables: dict[str, ir.TableDecl]
    blocks: list[BlockModel]
    block_of_group: dict[str, int]
    refs: dict[tuple[int, int], Res] = attrs.Factory(dict)
    types: dict[tuple[int, int], Ty] = attrs.Factory(dict)
    # grading name → enum name (they are equal by construction, kept explicit for readers)
    gradings: dict[str, ir.Grading] = attrs.Factory(dict)
    # the groups whose units give each input: its `for` groups, or the groups whose rules read it
    needed_by: dict[str, frozenset[str]] = attrs.Factory(dict)
    constants: dict[str, ir.ConstantDecl] = attrs.Factory(dict)
    # the groups whose units' rules read each constant: one entered in the data is required when
    # a unit of one of them is in the data (else it may be given, and is validated, or left out)
    constant_readers: dict[str, frozenset[str]] = attrs.Factory(dict)
    # scheme-level requirements on constants alone (`require 甲分值 + 乙分值 = 100` at the top of
    # a file), checked once per run when the constants they read are given
    run_requirements: list[DataCheck] = attrs.Factory(list)
    # `units NAME: …`: named sets of units that share a sheet
    unit_sets: dict[str, ir.UnitsDecl] = attrs.Factory(dict)
    _inputs_for: dict[str, dict[str, ir.InputDecl]] = attrs.field(
        factory=dict, repr=False, init=False
    )
    _sheet_readers: dict[str, frozenset[str] | None] = attrs.field(
        factory=dict, repr=False, init=False
    )
    _orderings: dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]] = attrs.field(
        factory=dict, repr=False, init=False
    )

    def res(self, node: object, block: int) -> Res:
        return self.refs[(id(node), block)]

    def ty(self, node: object, block: int) -> Ty:
        return self.types[(id(node), block)]

    def sheet_readers(self, name: str) -> frozenset[str] | None:
        """The units whose own sheets alone read input `name` (None: some rule of the group
        reads it), computed once per input: data validation asks for every unit."""
        if name not in self._sheet_readers:
            sheets = self.sheets_reading(name)
            self._sheet_readers[name] = (
                frozenset(u for sh in sheets for u in sh.units) if sheets else None
            )
        return self._sheet_readers[name]

    def sheets_reading(self, name: str) -> list[SheetDef]:
        """The sheets whose items read input `name` when no other rule does (else none): the
        input is then asked only of those sheets' units."""
        found: list[SheetDef] = []
        for block in self.blocks:
            if name in block.outside_inputs:
                return []
            for vd in block.values.values():
                if name in vd.inputs:
                    if vd.sheet is None:
                        return []
                    if vd.sheet not in found:
                        found.append(vd.sheet)
        return found

    def orderings(self, group: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """The grades a group's data may give as places in the raters' ordering (`require G
        ordered by P`): input G → input P, and list input → record field G → field P.
        (Computed once per group: data validation asks for every unit.)"""
        found = self._orderings.get(group)
        if found is None:
            found = self._orderings[group] = self._find_orderings(group)
        return found

    def _find_orderings(self, group: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        places: dict[str, str] = {}
        record_places: dict[str, dict[str, str]] = {}
        block = self.block_of_group.get(group)
        for req in self.blocks[block].requires if block is not None else []:
            if req.order is None:
                continue
            if isinstance(req, ir.RequireRecords):
                record_places.setdefault(req.source, {})[req.field] = req.order
            elif isinstance(req.operand, ir.Ref):
                places[req.operand.name] = req.order
        return places, record_places

    def inputs_for(self, group: str) -> dict[str, ir.InputDecl]:
        """The inputs a group's data must give: those declared `for` it, and those without `for`
        that its rules read (computed once per group: data validation asks for every unit)."""
        found = self._inputs_for.get(group)
        if found is None:
            found = {
                i.name: i
                for i in self.inputs.values()
                if group in self.needed_by.get(i.name, i.groups or (group,))
            }
            self._inputs_for[group] = found
        return found
