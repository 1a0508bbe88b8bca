"""Typing each value of a scoring block: a value's context and stage, the type and range of
items and sections through their clauses (caps, floors, rounding, maxima), and the ordering and
record requirements."""

from __future__ import annotations

from typing import Any

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.applicable import ApplicableChecks
from kaoping.compiler.infer_context import Ctx
from kaoping.compiler.model import BlockModel, ValueDef
from kaoping.compiler.scopes import ScopeChecks, stage_words
from kaoping.compiler.sheets import SheetChecks, max_of
from kaoping.compiler.sum_bounds import section_ceiling
from kaoping.compiler.value_order import ValueOrder
from kaoping.exact import MAX_ROUNDING_PLACES, WHOLE_LIMIT, Q
from kaoping.span import Span

_STAGE_ORDER = {"unit": 0, "cross": 1, "group": 2, "final": 3}


class ValueTyping(SheetChecks, ApplicableChecks, ScopeChecks, ValueOrder):
    """The typing of values, items and sections; `check.Checker` builds on it."""

    m: ir.Module
    groups: dict[str, Any]

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
                self.absent(node.expr.span, str(node.expr), ty, node.expr, ctx.block.index)
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
                item.name,
                item.max,
                ty,
                item.span,
                capped=False,
                uncapped=False,
                item=True,
                form="keyed" if isinstance(item.formula, ir.Keyed) else "line",
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
                where = ctx  # the amount is computed only where the clause's condition holds
                if cl.cond is not None:
                    self.need_bool(self.infer(cl.cond, ctx), cl.cond)
                    where = self.under(cl.cond, ctx)[0]
                amount = self.need_number(self.infer(cl.amount, where), cl.amount, where)
                if cl.per is not None:
                    per = self.need_number(self.infer(cl.per, where), cl.per, where)
                    amount = T.mul(amount, per)
                if cl.cond is not None:
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
        form: str = "block",
    ) -> None:
        if mx is not None and item and ty.high is not None and ty.high < mx:
            # the item's own rules fall short of its 分值 (W408 is the same for a section)
            self.err("W409", span, name=name, upper=T._fmt(ty.high), max=T._fmt(mx))
        if mx is None or capped or uncapped:
            return
        if ty.high is None or ty.high > mx:
            upper = "+∞" if ty.high is None else T._fmt(ty.high)
            m = T._fmt(mx)
            if form == "keyed":  # a row's value is a formula: it bounds itself
                hint_en = f"a keyed item cannot say `cap`: write the row's value as `least(…, {m})`"
                hint_zh = f"按键取值的指标不能写封顶:请把该行的值写成 `最小(…, {m})`"
            elif form == "line":  # `item X max N = …` has no place for a clause
                hint_en = (
                    f"a one-line item cannot say `cap`: write `least(…, {m})`, or the item as a "
                    f"block (`item {name} max {m}:`, `start …`, `cap max`)"
                )
                hint_zh = (
                    f"单行指标不能写封顶:可写 `最小(…, {m})`,或改写为块"
                    f"(`指标 {name} 满分 {m}:`、`起评 …`、`封顶 满分`)"
                )
            else:
                hint_en = f"add `cap {m}` or declare `uncapped` if the document says 上不封顶"
                hint_zh = f"若文件写明封顶请加 `封顶 {m}`;若上不封顶请写 `上不封顶`"
            self.err("W402", span, name=name, upper=upper, max=m, hint_en=hint_en, hint_zh=hint_zh)

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
            if mode != "sum" and any(t.optional for t in tys):
                # the mean or the highest of the children that apply (某季度未考核的,按已考核季度
                # 平均): within the children's ranges, whichever apply
                part = T.number(
                    None
                    if any(t.low is None for t in tys)
                    else min(t.low for t in tys if t.low is not None),
                    None
                    if any(t.high is None for t in tys)
                    else max(t.high for t in tys if t.high is not None),
                )
            if rescale:
                part = self.rescaled_ty(sec, tys, maxima)
            elif mode == "sum":  # a requirement on the sum of what its items stay within
                ceiling = section_ceiling(self, block, counted, tys)
                if ceiling is not None and (part.high is None or ceiling < part.high):
                    # proved for computed items: one the data gives is still checked when scored
                    vd.may_exceed = vd.may_exceed or may_exceed(sec, part)
                    part = T.intersect(part, T.number(None, ceiling))
            for c in counted:
                taken = mode != "sum"  # the mean or the highest of the children that apply
                if (
                    child_tys[c].optional
                    and not rescale
                    and not taken
                    and block.values[c].kind == "item"
                ):
                    where = f"its section {sec.name!r}"
                    node = block.values[c].node
                    assert node is not None
                    self.unsaid_inapplicable(c, node.span, where, f"其所在部分 {sec.name!r}")
            acc = part if acc is None else T.union(acc, part)
        assert acc is not None
        acc = self.bound(acc, caps, floors, ctx)
        self.check_max(sec.name, sec.max, acc, sec.span, capped=bool(caps), uncapped=uncapped)
        return acc


def may_exceed(node: ir.Item | ir.Section, ty: T.Ty) -> bool:
    """Whether the value can go above its maximum with neither `cap` nor `uncapped` (W402): the
    emitted code then flags a unit whose value does."""
    if node.max is None or any(isinstance(c, ir.Cap | ir.Uncapped) for c in node.clauses):
        return False
    return ty.high is None or ty.high > node.max
