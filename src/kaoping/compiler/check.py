"""Structural checks and the order of evaluation, over the typed IR.

Every value gets a stage (per unit, across the group, after grading) and a place in the
evaluation order; sections, items, gradings and consequences are checked against the document's
rules of structure (maxima, caps that bind, weights, bands, groups). Problems become diagnostics;
all of them are collected, none stops the pass. Expression typing lives in `infer`.

This module runs the pass and collects each scoring block's values; the checks themselves live
in `check_declarations`, `check_values` (items and sections) and `check_grading`.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

from kaoping.compiler import ir
from kaoping.compiler.check_declarations import DeclarationChecks
from kaoping.compiler.check_grading import GradingChecks
from kaoping.compiler.check_values import _STAGE_ORDER, ValueTyping
from kaoping.compiler.infer_context import Ctx, FunctionSig
from kaoping.compiler.model import (
    BlockModel,
    DataCheck,
    Model,
    SheetDef,
    Stage,
    ValueDef,
    ValueKind,
)
from kaoping.compiler.requirements import (
    check_condition,
    check_scheme_requirements,
    constant_names,
    given_for,
    input_names,
    learn,
    needed_by,
    reads_no_unit,
)
from kaoping.compiler.scopes import scope_only
from kaoping.compiler.sheets import scope_data_checks
from kaoping.compiler.suggest import hint_args
from kaoping.diagnostics import Diagnostic
from kaoping.span import Span


class Checker(DeclarationChecks, GradingChecks, ValueTyping):
    def __init__(self, module: ir.Module, functions: dict[str, FunctionSig] | None = None):
        self.m = module
        self.functions = functions or {}
        self.diags: list[Diagnostic] = []
        # no rounding unless the scheme declares it: totals stay exact
        self.model = Model(module, module.rounding, {}, {}, {}, {}, [], {})
        self.used_inputs: set[str] = set()
        self.reads: dict[str, set[str]] = {}  # input or constant → the groups reading it
        self._visiting: list[str] = []  # values being typed, outermost first
        self._entered: set[str] = set(self._visiting)
        self._own_last_year: dict[str, str] = {}  # value being typed → kind its `last year` read
        # values named like an input, table or constant (E202 given): a reference to the name
        # reads the value, so the cycle and the unused input that follow are not reported
        self._shadowing: set[str] = set()
        self._shadowed: set[str] = set()

    # ------------------------------------------------------------------ reporting
    # ------------------------------------------------------------------ entry
    def run(self) -> Model:
        if self.m.rounding is not None:
            self.check_places(self.m.rounding.places, self.m.rounding.span)
        self.declarations()
        for i, scoring in enumerate(self.m.scorings):
            self.model.blocks.append(self.collect_block(i, scoring))
        self.check_groups()
        for grading in self.m.gradings:
            self.declare_grading(grading)
        for block in self.model.blocks:
            for c in self.m.consequences:
                self.collect_consequences(block, c)
        for block in self.model.blocks:
            self.learn_requirements(block)
        for block in self.model.blocks:
            self.infer_block(block)
        for grading in self.m.gradings:
            self.check_grading(grading)
        check_scheme_requirements(self)
        for block in self.model.blocks:
            scope_data_checks(self.model, block)
        self.model.needed_by = needed_by(self.model, self.reads)
        for name, decl in self.model.inputs.items():
            if name not in self.used_inputs and name not in self._shadowed:
                self.err("W407", decl.span, name=name)
        for block in self.model.blocks:
            self.unread_across(block)
        return self.model

    def unread_across(self, block: BlockModel) -> None:
        """W415: an item or section scored across the group that no rule reads. It is not in
        the default total, so unless a `total = …` (or anything else) reads it, its points
        count nowhere: usually a forgotten `total = …`."""
        read = set(block.outside_deps)
        for vd in block.values.values():
            read |= vd.deps
        for vd in block.values.values():
            across = vd.stage in ("group", "cross") and vd.parent is None
            if across and vd.kind in ("item", "section") and vd.path not in read:
                assert vd.node is not None
                self.err("W415", vd.node.span, name=vd.path)

    # ------------------------------------------------------------------ blocks
    def collect_block(self, index: int, scoring: ir.Scoring) -> BlockModel:
        block = BlockModel(index, scoring)
        has_total = False

        added: list[str] = []  # every path, in the order defined

        def add(vd: ValueDef, span: Span) -> bool:
            """Record a value; False (after E202) when its path is already taken."""
            if vd.path in block.values:
                first = block.values[vd.path]
                earlier = first.node.span if first.node is not None else span
                at, then = (span.line, span.col), (earlier.line, earlier.col)
                if earlier.path == span.path and then > at:
                    # a sheet's child is walked after the section's own children: the error
                    # stands at whichever definition comes second in the file
                    earlier, span = span, earlier
                self.err("E202", span, name=vd.path, first=earlier)
                return False
            # inputs, tables, constants and values share one namespace, at any depth: a
            # section's item named like an input would otherwise read itself
            short = vd.path.rsplit(".", 1)[-1]
            clash = (
                self.model.inputs.get(short)
                or self.model.constants.get(short)
                or self.model.tables.get(short)
            )
            if clash is not None:
                self.err("E202", span, name=short, first=clash.span)
                self._shadowing.add(f"{index}:{vd.path}")
                self._shadowed.add(short)
            block.values[vd.path] = vd
            added.append(vd.path)
            return True

        def walk(
            node: ir.Section | ir.Item, prefix: str, parent: str | None, sheet: SheetDef | None
        ) -> str:
            path = f"{prefix}{node.name}"
            kind: ValueKind = "section" if isinstance(node, ir.Section) else "item"
            vd = ValueDef(path, kind, node, "unit", parent, sheet=sheet)
            # a section defined twice: its second definition's children and sheets are not
            # the first's, so they are not walked (they would be filed under the first's path)
            if add(vd, node.span) and isinstance(node, ir.Section):
                for child in node.children:
                    vd.children.append(walk(child, path + ".", path, sheet))
                for sh in self.sheets(block, node, path, nested=sheet is not None):
                    for child in next(x for x in node.sheets if x.name == sh.label).children:
                        vd.children.append(walk(child, sh.path + ".", path, sh))
            return path

        top: list[str] = []

        def statements(body: Sequence[Any], stage: Stage, scope: tuple[str, ...] = ()) -> None:
            nonlocal has_total
            only = scope_only(scoring, scope)  # `across G1, G2:` naming some of the groups

            def staged(vd: ValueDef) -> ValueDef:
                vd.stage, vd.scope, vd.only = stage, scope, only
                return vd

            for st in body:
                if stage == "cross" and self.scope_misplaced(st, scoring, scope):
                    continue  # reported: it cannot stand in `across G1, G2:`
                if isinstance(st, ir.Section | ir.Item):
                    start = len(added)
                    path = walk(st, "", None, None)
                    if stage == "unit":
                        top.append(path)
                    else:
                        for p in added[start:]:
                            staged(block.values[p])
                        for p in sorted(added[start:]):
                            sheet = block.values[p].sheet
                            if sheet is not None and p in sheet.children:
                                self.type_error(
                                    sheet.span,
                                    "a unit's own items are scored per unit: a sheet cannot "
                                    "stand in `across group:`",
                                    "put the section with its sheets outside `across group:`",
                                    "请把带个性指标的部分写在 `组内:` 之外",
                                    "个性指标逐单位计分:`适用` 块不能写在 `组内:` 中",
                                )
                elif isinstance(st, ir.Let):
                    add(staged(ValueDef(st.name, "let", st, stage)), st.span)
                elif isinstance(st, ir.Output):
                    add(staged(ValueDef(st.name, "output", st, stage)), st.span)
                elif isinstance(st, ir.Flag):
                    add(staged(ValueDef(st.name, "flag", st, stage)), st.span)
                elif isinstance(st, ir.Total):
                    if has_total:
                        self.err(
                            "E202",
                            st.span,
                            name="total",
                            first=block.values["total"].node.span
                            if block.values.get("total") and block.values["total"].node
                            else st.span,
                        )
                    has_total = True
                    block.values["total"] = staged(ValueDef("total", "total", st, stage))
                elif isinstance(st, ir.Require | ir.RequireRecords):
                    block.requires.append(st)
                elif isinstance(st, ir.Requirement):
                    names = input_names(st.cond, self.model)
                    constants = constant_names(st.cond, self.model)
                    per_run = not st.same and reads_no_unit(st.cond, self.model)
                    block.data_checks.append(DataCheck(st, (), names, constants, per_run))
                elif isinstance(st, ir.Across):
                    if stage != "unit":
                        self.type_error(
                            st.span,
                            "`across group:` blocks cannot be nested",
                            detail_zh="`组内:` 块不能嵌套",
                        )
                    if st.groups:
                        self.check_scope(scoring, st)
                        statements(st.body, "cross", st.groups)
                    else:
                        statements(st.body, "group")

        statements(scoring.body, "unit")
        if not has_total:
            block.values["total"] = ValueDef("total", "total", None, "unit", children=top)
        for g in scoring.groups:
            if g not in self.groups:
                self.err(
                    "E603",
                    scoring.span,
                    name=g,
                    detail="is not declared",
                    detail_zh="未声明",
                    **hint_args(g, self.groups),
                )
        return block

    def learn_requirements(self, block: BlockModel) -> None:
        """What the requirements that hold for every unit of the block prove: its own, and the
        scheme's whose inputs with a `for` line are given for all its groups."""
        conds = [c.requirement.cond for c in block.data_checks if not c.requirement.same]
        for req in self.m.requirements:
            names = input_names(req.cond, self.model)
            if not req.same and given_for(self.model, names, block.groups) == block.groups:
                conds.append(req.cond)
        learn(block, self.model, conds)

    # ------------------------------------------------------------------ inference driver
    def infer_block(self, block: BlockModel) -> None:
        order: list[str] = []
        self._order = order
        for path in block.values:
            self.infer_value(block, path, order)
        order.sort(key=lambda p: _STAGE_ORDER[block.values[p].stage])
        block.order = order
        for data_check in block.data_checks:
            check_condition(self, data_check.requirement, Ctx(block, "unit", "require"))
            if data_check.requirement.same or data_check.per_run:
                block.outside_inputs.update(data_check.inputs)
            # the others: checked on every unit's data (or a sheet's units': scope_data_checks)
        for req in block.requires:
            if isinstance(req, ir.RequireRecords):
                self.check_require_records(block, req)
                block.outside_inputs.add(req.source)
                continue
            ctx = Ctx(block, "group", "require")
            t = self.infer(req.operand, ctx)
            self.check_sheet_reads(block, ctx.deps, "require", None, req.span)
            self.check_scope_reads(block, ctx.deps, block.groups, "require", req.span)
            block.outside_deps |= ctx.deps
            block.outside_inputs |= ctx.inputs
            self.check_shares(req.shares, req.span, t if t.kind == "enum" else None)
            if t.kind != "enum":
                self.type_error(
                    req.operand.span,
                    "`require … distributed` needs an enum value",
                    detail_zh="`校验 … 分布` 须作用于枚举值",
                )
            if req.order is not None:
                self.check_ordering(block, req)


def check(
    module: ir.Module, functions: dict[str, FunctionSig] | None = None
) -> tuple[Model, list[Diagnostic]]:
    checker = Checker(module, functions)
    model = checker.run()
    return model, _without_echoes(checker.diags, model)


def _without_echoes(diags: list[Diagnostic], model: Model | None = None) -> list[Diagnostic]:
    """Range warnings about a statement that also has an error, or that reads a value whose
    statement has one, are echoes of that error (an unknown name has no range, and neither has
    what sums it): drop them, so one mistake gives one message."""
    error_lines: dict[str, list[int]] = {}
    for d in diags:
        if d.severity == "error":
            error_lines.setdefault(d.span.path, []).append(d.span.line)
    for lines in error_lines.values():
        lines.sort()

    def has_error(span: Span) -> bool:
        lines = error_lines.get(span.path, [])
        i = bisect.bisect_left(lines, span.line)  # the first error at or after the statement
        return i < len(lines) and lines[i] <= max(span.end_line, span.line)

    reading = _reading_errors(model, has_error) if model is not None and error_lines else set()

    def echo(d: Diagnostic) -> bool:
        if d.code not in ("W402", "W403"):
            return False
        return has_error(d.span) or (d.span.path, d.span.line) in reading

    return [d for d in diags if not echo(d)]


def _reading_errors(model: Model, has_error: Any) -> set[tuple[str, int]]:
    """Where the statements start (file, line) of the values that read, however indirectly, an
    item or a let whose own statement has an error."""
    found: set[tuple[str, int]] = set()
    for block in model.blocks:
        bad = {
            path
            for path, vd in block.values.items()
            if vd.node is not None and vd.kind != "section" and has_error(vd.node.span)
        }
        grew = True
        while grew:  # to the values reading them, and on
            more = {p for p, vd in block.values.items() if p not in bad and vd.deps & bad}
            more |= {
                p
                for p, vd in block.values.items()
                if p not in bad and vd.kind == "section" and set(vd.children) & bad
            }
            grew = bool(more)
            bad |= more
        for path in bad:
            node = block.values[path].node
            if node is not None:
                found.add((node.span.path, node.span.line))
    return found
