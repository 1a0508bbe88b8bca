"""Structural checks and the order of evaluation, over the typed IR.

Every value gets a stage (per unit, across the group, after grading) and a place in the
evaluation order; sections, items, gradings and consequences are checked against the document's
rules of structure (maxima, caps that bind, weights, bands, groups). Problems become diagnostics;
all of them are collected, none stops the pass. Expression typing lives in `infer`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.applicable import ApplicableChecks
from kaoping.compiler.infer_context import GROUPS, Ctx, FunctionSig
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
from kaoping.compiler.scopes import ScopeChecks, scope_only, stage_words
from kaoping.compiler.sheets import SheetChecks, max_of
from kaoping.compiler.suggest import hint_args, suggestion_args
from kaoping.compiler.sum_bounds import section_ceiling
from kaoping.compiler.value_order import ValueOrder
from kaoping.diagnostics import Diagnostic
from kaoping.exact import MAX_ROUNDING_PLACES, WHOLE_LIMIT, Q
from kaoping.span import Span

_STAGE_ORDER = {"unit": 0, "cross": 1, "group": 2, "final": 3}


class Checker(SheetChecks, ApplicableChecks, ScopeChecks, ValueOrder):
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
        self.model.needed_by = needed_by(self.model, self.reads)
        for name, decl in self.model.inputs.items():
            if name not in self.used_inputs and name not in self._shadowed:
                self.err("W407", decl.span, name=name)
        return self.model

    # ------------------------------------------------------------------ declarations
    def _unique(self, items: Sequence[Any], what: Callable[[Any], str]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for it in items:
            key = what(it)
            if key in seen:
                self.err("E202", it.span, name=key, first=seen[key].span)
            else:
                seen[key] = it
        return seen

    def declarations(self) -> None:
        md = self.model
        self.groups = self._unique(self.m.groups, lambda g: g.name)
        md.enums = self._unique(self.m.enums, lambda e: e.name)
        for e in md.enums.values():
            seen: set[str] = set()
            for v in e.values:
                if v in seen:
                    self.err("E202", e.span, name=v, first=e.span)
                seen.add(v)
        md.records = self._unique(self.m.records, lambda r: r.name)
        for r in md.records.values():
            self._unique(r.fields, lambda f: f.name)
            for f in r.fields:
                self.check_type(f.type, f.span, in_record=True)
        md.inputs = self._unique(self.m.inputs, lambda i: i.name)
        for inp in md.inputs.values():
            self.check_type(inp.type, inp.span, in_record=False)
            for g in inp.groups:
                if g not in self.groups:
                    self.undeclared(inp.span, g, "group", "分组")
            t = inp.type
            if (
                isinstance(t, ir.NumberType)
                and t.low is not None
                and t.high is not None
                and t.low > t.high
            ):
                self.type_error(
                    inp.span,
                    f"the range {T._fmt(t.low)} to {T._fmt(t.high)} is empty",
                    detail_zh=f"取值范围 {T._fmt(t.low)} 至 {T._fmt(t.high)} 为空",
                )
        md.enums[GROUPS] = ir.EnumDecl(GROUPS, tuple(self.groups))
        md.unit_sets = self._unique(self.m.units, lambda u: u.name)
        for us in md.unit_sets.values():
            if us.name in self.groups:
                self.err("E202", us.span, name=us.name, first=self.groups[us.name].span)
            self._unique([ir.UnitsDecl(u, (), span=us.span) for u in us.units], lambda u: u.name)
        md.tables = self._unique(self.m.tables, lambda t: t.name)
        for table in md.tables.values():
            enum = md.enums.get(table.enum)
            if enum is None:
                self.undeclared(table.span, table.enum, "enum", "枚举")
                continue
            keys = self._unique(table.rows, lambda r: r.key)
            for row in table.rows:
                if row.key not in enum.values:
                    self.err(
                        "E204",
                        row.span,
                        value=row.key,
                        enum=enum.name,
                        values=", ".join(enum.values),
                        **suggestion_args(row.key, enum.values),
                    )
            missing = [v for v in enum.values if v not in keys]
            if missing:
                self.err(
                    "E301", table.span, table=table.name, missing=", ".join(missing), enum=enum.name
                )
        for name in list(md.inputs):
            if name in md.tables:
                self.err("E202", md.inputs[name].span, name=name, first=md.tables[name].span)
        md.constants = self._unique(self.m.constants, lambda c: c.name)
        for const in md.constants.values():
            first = md.inputs.get(const.name) or md.tables.get(const.name)
            if first is not None:
                self.err("E202", const.span, name=const.name, first=first.span)
            if const.type is not None:
                self.check_type(const.type, const.span, in_record=False)
                if isinstance(const.type, ir.ListType):
                    self.type_error(
                        const.span,
                        "a constant is one value, not a list",
                        detail_zh="常量是一个值,不能是列表",
                    )

    def check_type(self, t: ir.TypeRef, span: Span, in_record: bool) -> None:
        if isinstance(t, ir.EnumType) and t.name not in self.model.enums:
            self.undeclared(span, t.name, "enum", "枚举")
        if isinstance(t, ir.ListType):
            if in_record:
                self.type_error(
                    span, "a record field cannot be a list", detail_zh="记录的字段不能是列表"
                )
            elif t.record not in self.model.records:
                self.undeclared(span, t.record, "record", "记录")
        if isinstance(t, ir.TextType) and not in_record:
            self.type_error(
                span,
                "`text` is for record fields (e.g. the work an award belongs to)",
                detail_zh="`文本` 只用于记录的字段(如奖项所属的改革工作)",
            )

    # ------------------------------------------------------------------ blocks
    def collect_block(self, index: int, scoring: ir.Scoring) -> BlockModel:
        block = BlockModel(index, scoring)
        has_total = False

        added: list[str] = []  # every path, in the order defined

        def add(vd: ValueDef, span: Span) -> None:
            if vd.path in block.values:
                first = block.values[vd.path]
                self.err(
                    "E202",
                    span,
                    name=vd.path,
                    first=first.node.span if first.node is not None else span,
                )
                return
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

        def walk(
            node: ir.Section | ir.Item, prefix: str, parent: str | None, sheet: SheetDef | None
        ) -> str:
            path = f"{prefix}{node.name}"
            kind: ValueKind = "section" if isinstance(node, ir.Section) else "item"
            vd = ValueDef(path, kind, node, "unit", parent, sheet=sheet)
            add(vd, node.span)
            if isinstance(node, ir.Section):
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

    def check_groups(self) -> None:
        for block in self.model.blocks:
            for g in block.groups:
                if g in self.model.block_of_group:
                    self.err(
                        "E603",
                        block.scoring.span,
                        name=g,
                        detail="is scored by two `scoring` blocks",
                        detail_zh="被两个评分块重复评分",
                    )
                else:
                    self.model.block_of_group[g] = block.index
        for name, g in self.groups.items():
            if name not in self.model.block_of_group:
                self.err(
                    "E603",
                    g.span,
                    name=name,
                    detail="has no `scoring` block",
                    detail_zh="没有对应的评分块",
                )

    def declare_grading(self, grading: ir.Grading) -> None:
        if grading.name in self.model.gradings:
            self.err(
                "E202",
                grading.span,
                name=grading.name,
                first=self.model.gradings[grading.name].span,
            )
            return
        if grading.enum not in self.model.enums:
            self.err(
                "E602",
                grading.span,
                detail=f"grading {grading.name!r} needs an enum {grading.enum!r} listing its grades, best first",
            )
        self.model.gradings[grading.name] = grading

    def collect_consequences(self, block: BlockModel, c: ir.Consequences) -> None:
        for g in c.groups:
            if g not in self.groups and block.index == 0:
                self.err(
                    "E603",
                    c.span,
                    name=g,
                    detail="is not declared",
                    detail_zh="未声明",
                    **hint_args(g, self.groups),
                )
        only = tuple(g for g in block.groups if g in c.groups)
        if c.groups and not only:
            return  # none of this block's groups
        if only == block.groups:
            only = ()
        for st in c.body:
            kind = {ir.Let: "let", ir.Output: "output", ir.Flag: "flag"}[type(st)]
            existing = block.values.get(st.name)
            if (
                existing is not None
                and existing.stage == "final"
                and existing.kind == kind
                and existing.only
                and only
                and not set(existing.only) & set(only)
            ):
                # the same consequence defined for other groups of this block
                if not existing.variants:
                    assert isinstance(existing.node, ir.Let | ir.Output | ir.Flag)
                    existing.variants.append((existing.only, existing.node))
                existing.variants.append((only, st))
                existing.only = tuple(g for g in block.groups if g in existing.only or g in only)
                continue
            if st.name in block.values:
                self.err(
                    "E202",
                    st.span,
                    name=st.name,
                    first=block.values[st.name].node.span  # type: ignore[union-attr]
                    if block.values[st.name].node
                    else st.span,
                )
                continue
            block.values[st.name] = ValueDef(st.name, kind, st, "final", only=only)  # type: ignore[arg-type]

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
            # checked on every unit's data, whatever values it is given
            block.outside_inputs.update(data_check.inputs)
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

    def ctx_for(self, block: BlockModel, vd: ValueDef) -> Ctx:
        gradings = frozenset(self.model.gradings) if vd.stage == "final" else frozenset()
        ctx = Ctx(block, vd.stage, vd.path, gradings=gradings, only=vd.only, sheet=vd.sheet)
        if isinstance(vd.node, ir.Item | ir.Section):  # `max` in its rules is its maximum
            ctx.item, ctx.item_max = vd.node.name, vd.node.max
        return ctx

    def compute_value(self, block: BlockModel, vd: ValueDef, order: list[str]) -> T.Ty:
        if vd.variants:  # each definition typed for its own groups; the value is their union
            tys = []
            for only, _node in vd.variants:
                part = vd.for_group(only[0])
                tys.append(self.compute_value(block, part, order))
                vd.deps |= part.deps
                vd.inputs |= part.inputs
            if any(t.kind != tys[0].kind for t in tys):
                self.type_error(
                    vd.variants[-1][1].span,
                    f"{vd.path!r} is defined with different types for different groups",
                    detail_zh=f"{vd.path!r} 在不同分组中的类型不同",
                )
            ty = tys[0]
            for t in tys[1:]:
                ty = T.union(ty, t) if ty.kind == "number" and t.kind == "number" else ty
            return ty
        ctx = self.ctx_for(block, vd)
        node = vd.node
        if vd.kind == "total" and node is None:
            ty = T.const(Q(0))
            for child in vd.children:
                cty = self.infer_value(block, child, order)
                if cty.optional:  # an item that may not apply, at the top of the tree
                    span = block.values[child].node.span  # type: ignore[union-attr]
                    self.unsaid_inapplicable(child, span, "the total", "总分")
                ty = T.add(ty, self.need_number(cty.required(), None, ctx))
                vd.deps.add(child)
            return ty
        if isinstance(node, ir.Section):
            ty = self.section_ty(block, vd, node, order, ctx)
        elif isinstance(node, ir.Item):
            ty = self.item_ty(node, ctx)
        elif isinstance(node, ir.Flag):
            self.need_bool(self.infer(node.cond, ctx), node.cond)
            ty = T.BOOL
        elif isinstance(node, ir.Let | ir.Output | ir.Total):
            ty = self.infer(node.expr, ctx)
            if isinstance(node, ir.Total):
                ty = self.need_number(ty, node.expr, ctx)
            elif ty.optional and isinstance(node, ir.Output):
                self.absent(node.expr.span, str(node.expr), ty)
                ty = ty.required()
        else:  # pragma: no cover - every kind is handled above
            raise AssertionError(vd.kind)
        if isinstance(node, ir.Item | ir.Section):
            vd.may_exceed = vd.may_exceed or may_exceed(node, ty)
        vd.deps |= ctx.deps
        vd.inputs |= ctx.inputs
        self.check_sheet_reads(
            block,
            ctx.deps,
            vd.path,
            vd.sheet,
            node.span if node is not None else block.scoring.span,
        )
        for dep in ctx.deps:
            self.infer_value(block, dep, order)
            dvd = block.values[dep]
            if _STAGE_ORDER[dvd.stage] > _STAGE_ORDER[vd.stage]:
                where = dvd.node.span if dvd.node is not None else block.scoring.span
                span = node.span if node is not None else block.scoring.span
                self.err("E501", span, name=vd.path, other=dep, where=where, **stage_words(vd, dvd))
            if dvd.only and not set(vd.only or block.groups) <= set(dvd.only):
                span = node.span if node is not None else block.scoring.span
                self.type_error(
                    span,
                    f"{dep!r} is computed only for {', '.join(dvd.only)}, but {vd.path!r} is "
                    f"computed for {', '.join(vd.only or block.groups)}",
                    "restrict this statement to the same groups",
                    "请把此行也限定在相同的分组",
                    f"{dep!r} 只对 {'、'.join(dvd.only)} 计算,{vd.path!r} 却对 "
                    f"{'、'.join(vd.only or block.groups)} 计算",
                )
        return ty

    def check_ordering(self, block: BlockModel, req: ir.Require) -> None:
        """`require G ordered by P`: G and P are inputs of every group of the block (the data
        gives one of them per unit), P a count (a place, 1 for the first)."""
        assert req.order is not None
        rating = req.operand.name if isinstance(req.operand, ir.Ref) else None
        if rating is None or rating not in self.model.inputs:
            self.type_error(
                req.operand.span,
                f"`ordered by` gives an input's grade from a place: {req.operand} is no input",
                "name the input that holds the raters' grade",
                "请写明存放测评等次的输入",
                f"`按排序` 由名次得出某个输入的等次:{req.operand} 不是输入",
            )
        order = self.model.inputs.get(req.order)
        if order is None:
            self.undeclared(req.span, req.order, "input", "输入")
            return
        self.used_inputs.add(req.order)
        # the place is read by the block's groups, whatever values a unit is given
        self.reads.setdefault(req.order, set()).update(block.groups)
        block.outside_inputs.add(req.order)
        if not isinstance(order.type, ir.CountType):
            self.type_error(
                req.span,
                f"the place {req.order!r} is {order.type}; a place in an ordering is a `count`",
                detail_zh=f"名次 {req.order!r} 的类型是 {order.type};排序名次须是 `次数`",
            )
        for name in (rating, req.order):
            decl = self.model.inputs.get(name or "")
            missing = [
                g for g in block.groups if decl is not None and decl.groups and g not in decl.groups
            ]
            if missing:
                self.type_error(
                    req.span,
                    f"input {name!r} is not given for group(s) {', '.join(missing)}",
                    detail_zh=f"输入 {name!r} 未对分组 {'、'.join(missing)} 提供",
                )

    def check_require_records(self, block: BlockModel, req: ir.RequireRecords) -> None:
        fields = self.list_input(req.source, req.span, (req.field, req.key, req.by, req.order))
        if fields is None:
            return
        place = fields.get(req.order) if req.order is not None else None
        if place is not None and not isinstance(place.type, ir.CountType):
            self.type_error(
                req.span,
                f"field {req.order!r} is {place.type}; a place in an ordering is a `count`",
                detail_zh=f"字段 {req.order!r} 的类型是 {place.type};排序名次须是 `次数`",
            )
        rating = fields.get(req.field)
        enum_ty = None
        if rating is not None:
            if not isinstance(rating.type, ir.EnumType):
                self.type_error(
                    req.span,
                    f"field {req.field!r} is {rating.type}, ratings are an enum",
                    detail_zh=f"字段 {req.field!r} 是 {rating.type},评定等次须是枚举",
                )
            else:
                enum_ty = T.Ty("enum", enum=rating.type.name)
        self.check_shares(req.shares, req.span, enum_ty)

    # ------------------------------------------------------------------ items and sections
    def item_ty(self, item: ir.Item, ctx: Ctx) -> T.Ty:
        if item.formula is not None:
            ty = self.need_number(self.infer(item.formula, ctx), item.formula, ctx)
            self.check_max(
                item.name, item.max, ty, item.span, capped=False, uncapped=False, item=True
            )
            return ty
        na, ctx = self.applicability(item, ctx)
        acc = T.const(Q(0))
        caps: list[ir.Cap] = []
        floors: list[ir.Floor] = []
        uncapped = False
        zero = False
        for cl in item.clauses:
            if isinstance(cl, ir.Start):
                if cl.value is None:
                    if item.max is None:
                        self.type_error(
                            cl.span,
                            "`start max` needs the item to declare `max`",
                            detail_zh="`起评 满分` 要求该指标写明 `满分`",
                        )
                    else:
                        acc = T.add(acc, T.const(item.max))
                else:
                    acc = T.add(acc, self.need_number(self.infer(cl.value, ctx), cl.value, ctx))
        for cl in item.clauses:
            if isinstance(cl, ir.Add):
                amount = self.need_number(self.infer(cl.amount, ctx), cl.amount, ctx)
                if cl.per is not None:
                    amount = T.mul(amount, self.need_number(self.infer(cl.per, ctx), cl.per, ctx))
                if cl.cond is not None:
                    self.need_bool(self.infer(cl.cond, ctx), cl.cond)
                    amount = T.with_zero(amount)
                acc = T.add(acc, amount) if cl.sign > 0 else T.sub(acc, amount)
            elif isinstance(cl, ir.Cap):
                caps.append(cl)
            elif isinstance(cl, ir.Floor):
                floors.append(cl)
            elif isinstance(cl, ir.ZeroIf):
                self.need_bool(self.infer(cl.cond, ctx), cl.cond)
                zero = True
            elif isinstance(cl, ir.Uncapped):
                uncapped = True
            elif isinstance(cl, ir.RoundClause):
                self.check_places(cl.places, cl.span)
            elif isinstance(cl, ir.TakeHighest | ir.TakeMean | ir.Rescale):
                self.type_error(
                    cl.span,
                    "`take highest`, `take mean` and `rescale` combine a section's children; "
                    "an item has none",
                    detail_zh="`取最高`、`取平均`、`不涉及项目折算` 用于合并部分的下级项;指标没有下级项",
                )
        acc = self.bound(acc, caps, floors, ctx)
        if zero:
            acc = T.with_zero(acc)
        self.check_max(
            item.name, item.max, acc, item.span, capped=bool(caps), uncapped=uncapped, item=True
        )
        # not applicable: absent, unless the group's mean stands in for it
        return acc.maybe(na is not None and not na.group_mean)

    def check_places(self, places: int, span: Span) -> None:
        """`rounding N places` / `round N places`: N from 0 to MAX_ROUNDING_PLACES."""
        if places > MAX_ROUNDING_PLACES:
            shown = str(places) if places < WHOLE_LIMIT else f"{WHOLE_LIMIT:,} or more"
            self.err("E412", span, places=shown, most=MAX_ROUNDING_PLACES)

    def bound(self, acc: T.Ty, caps: list[ir.Cap], floors: list[ir.Floor], ctx: Ctx) -> T.Ty:
        for fl in floors:
            value = self.const_of(fl.value, ctx)
            self.need_number(self.infer(fl.value, ctx), fl.value, ctx)
            binds = value is None or acc.low is None or acc.low < value
            if not binds and not fl.until_zero:
                self.err("W403", fl.span, what="floor", what_zh="保底", range=acc.range_text)
            acc = T.clamp(acc, value, None) if value is not None else acc
        for cap in caps:
            value = self.const_of(cap.value, ctx)
            self.need_number(self.infer(cap.value, ctx), cap.value, ctx)
            if value is not None and acc.high is not None and acc.high <= value:
                self.err("W403", cap.span, what="cap", what_zh="封顶", range=acc.range_text)
            acc = T.clamp(acc, None, value) if value is not None else acc
        return acc

    def check_max(
        self,
        name: str,
        mx: Q | None,
        ty: T.Ty,
        span: Span,
        capped: bool,
        uncapped: bool,
        item: bool = False,
    ) -> None:
        if mx is not None and item and ty.high is not None and ty.high < mx:
            # the item's own rules fall short of its 分值 (W408 is the same for a section)
            self.err("W409", span, name=name, upper=T._fmt(ty.high), max=T._fmt(mx))
        if mx is None or capped or uncapped:
            return
        if ty.high is None or ty.high > mx:
            upper = "+∞" if ty.high is None else T._fmt(ty.high)
            self.err("W402", span, name=name, upper=upper, max=T._fmt(mx))

    def section_ty(
        self, block: BlockModel, vd: ValueDef, sec: ir.Section, order: list[str], ctx: Ctx
    ) -> T.Ty:
        child_tys: dict[str, T.Ty] = {}
        for child in vd.children:
            child_tys[child] = self.infer_value(block, child, order)
            vd.deps.add(child)
        names = {block.values[c].name for c in vd.children}
        mode = "sum"
        excluding: tuple[str, ...] = ()
        caps: list[ir.Cap] = []
        floors: list[ir.Floor] = []
        uncapped = False
        for cl in sec.clauses:
            if isinstance(cl, ir.TakeHighest):
                mode = "highest"
            elif isinstance(cl, ir.TakeMean):
                mode, excluding = "mean", cl.excluding
                for name in cl.excluding:
                    if name not in names:
                        self.err(
                            "E201",
                            cl.span,
                            name=name,
                            hint_en=f"`excluding` names children of {sec.name!r}",
                            hint_zh=f"`除` 后须是 {sec.name!r} 的下级项",
                        )
            elif isinstance(cl, ir.Cap):
                caps.append(cl)
            elif isinstance(cl, ir.Floor):
                floors.append(cl)
            elif isinstance(cl, ir.Uncapped):
                uncapped = True
            elif isinstance(cl, ir.Rescale):
                pass
            elif isinstance(cl, ir.RoundClause):
                self.check_places(cl.places, cl.span)
            else:
                self.type_error(
                    cl.span,
                    "a section combines its children; put this rule in an item",
                    detail_zh="部分只合并其下级项;此规则请写在指标中",
                )
        acc: T.Ty | None = None
        rescale = self.check_rescale(block, sec, vd.children)
        # each unit sums the shared children and those of its own sheet: every sheet is
        # checked against the section's maximum, and the section ranges over all of them
        for label, span, kids in self.section_variants(block, vd, sec):
            counted = [c for c in kids if block.values[c].name not in excluding]
            tys = [child_tys[c] for c in counted]
            maxima = [m for c in counted if (m := max_of(block.values[c])) is not None]
            part = self.combined_ty(tys, maxima, mode, sec, label, span)
            if rescale:
                part = self.rescaled_ty(sec, tys, maxima)
            elif mode == "sum":  # a requirement on the sum of what its items stay within
                ceiling = section_ceiling(self, block, counted, tys)
                if ceiling is not None and (part.high is None or ceiling < part.high):
                    # proved for computed items: one the data gives is still checked when scored
                    vd.may_exceed = vd.may_exceed or may_exceed(sec, part)
                    part = T.intersect(part, T.number(None, ceiling))
            for c in counted:
                if child_tys[c].optional and not rescale and block.values[c].kind == "item":
                    where = f"its section {sec.name!r}"
                    node = block.values[c].node
                    assert node is not None
                    self.unsaid_inapplicable(c, node.span, where, f"其所在部分 {sec.name!r}")
            acc = part if acc is None else T.union(acc, part)
        assert acc is not None
        acc = self.bound(acc, caps, floors, ctx)
        self.check_max(sec.name, sec.max, acc, sec.span, capped=bool(caps), uncapped=uncapped)
        return acc

    # ------------------------------------------------------------------ grading
    def check_grading(self, grading: ir.Grading) -> None:
        enum = self.model.enums.get(grading.enum)
        assigning = [r for r in grading.rules if not isinstance(r, ir.Bar | ir.Override)]
        if not assigning or not isinstance(assigning[-1], ir.Otherwise):
            self.err("E601", grading.span, name=grading.name)
        names = list(self.model.gradings)  # this grading and the ones before it
        seen_gradings = frozenset(names[: names.index(grading.name) + 1])
        for rule in grading.rules:
            named = rule.grades if isinstance(rule, ir.Bar) else (rule.grade,)
            for grade in named:
                if enum is not None and grade not in enum.values:
                    self.err(
                        "E204",
                        rule.span,
                        value=grade,
                        enum=enum.name,
                        values=", ".join(enum.values),
                        **suggestion_args(grade, enum.values),
                    )
            if isinstance(rule, ir.Quota):
                for g in rule.groups:
                    if g not in self.groups:
                        self.err(
                            "E603",
                            rule.span,
                            name=g,
                            detail="is not declared",
                            detail_zh="未声明",
                            **hint_args(g, self.groups),
                        )
                if rule.share is not None and not (0 < rule.share <= 1):
                    self.type_error(
                        rule.span,
                        "a quota share must lie between 0% and 100%",
                        detail_zh="名额比例须在 0% 与 100% 之间",
                    )
            for block in self.model.blocks:
                if (
                    isinstance(rule, ir.Quota)
                    and rule.groups
                    and not set(rule.groups) & set(block.groups)
                ):
                    continue
                ctx = Ctx(block, "grade", f"grading {grading.name}", gradings=seen_gradings)
                if isinstance(rule, ir.Bar | ir.GradeIf | ir.Override):
                    self.need_bool(self.infer(rule.cond, ctx), rule.cond)
                elif isinstance(rule, ir.Quota):
                    for key in rule.by:
                        kt = self.infer(key, ctx)
                        if kt.kind == "enum" and not kt.optional:
                            continue  # enums rank best value first
                        self.need_number(kt, key, ctx)
                self.used_inputs |= ctx.inputs
                self.check_sheet_reads(block, ctx.deps, f"grading {grading.name}", None, rule.span)
                groups = rule.groups if isinstance(rule, ir.Quota) and rule.groups else ()
                self.check_scope_reads(
                    block,
                    ctx.deps,
                    tuple(g for g in block.groups if not groups or g in groups),
                    f"grading {grading.name}",
                    rule.span,
                )
                block.outside_deps |= ctx.deps
                block.outside_inputs |= ctx.inputs


def may_exceed(node: ir.Item | ir.Section, ty: T.Ty) -> bool:
    """Whether the value can go above its maximum with neither `cap` nor `uncapped` (W402): the
    emitted code then flags a unit whose value does."""
    if node.max is None or any(isinstance(c, ir.Cap | ir.Uncapped) for c in node.clauses):
        return False
    return ty.high is None or ty.high > node.max


def check(
    module: ir.Module, functions: dict[str, FunctionSig] | None = None
) -> tuple[Model, list[Diagnostic]]:
    checker = Checker(module, functions)
    model = checker.run()
    return model, _without_echoes(checker.diags)


def _without_echoes(diags: list[Diagnostic]) -> list[Diagnostic]:
    """Range warnings about a statement that also has an error are echoes of that error (an
    unknown name has no range): drop them, so one mistake gives one message."""
    error_lines: dict[str, list[int]] = {}
    for d in diags:
        if d.severity == "error":
            error_lines.setdefault(d.span.path, []).append(d.span.line)
    for lines in error_lines.values():
        lines.sort()

    def echo(d: Diagnostic) -> bool:
        if d.code not in ("W402", "W403"):
            return False
        lines = error_lines.get(d.span.path, [])
        i = bisect.bisect_left(lines, d.span.line)  # the first error at or after the statement
        return i < len(lines) and lines[i] <= max(d.span.end_line, d.span.line)

    return [d for d in diags if not echo(d)]
