"""Expression typing: what every name refers to, the type and static range of every
expression, and whether it may be absent. `check.Checker` builds the structural checks on it.

This module dispatches on the expression's node and types the operators, comparisons and table
look-ups; names and diagnostics are typed in `infer_core`, calls, aggregates and the cohort
measures in `infer_calls`, and the context an expression is typed in is `infer_context.Ctx`.
"""

from __future__ import annotations

import attrs

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.cohort_ranges import (
    place_over_count,
    place_share,
    share_of_lowest,
    share_of_range,
)
from kaoping.compiler.infer_calls import CallInference
from kaoping.compiler.infer_context import GROUPS, Ctx, _Unresolved
from kaoping.compiler.keyed import keyed_ty
from kaoping.compiler.requirements import difference_low, ref_key
from kaoping.compiler.suggest import suggestion_args
from kaoping.compiler.walk import same
from kaoping.exact import Q


class ExprChecker(CallInference):
    """Typing of expressions and the diagnostics it gives; `check.Checker` supplies the types of
    the values an expression reads (`infer_value`) and everything structural."""

    def _infer(self, e: ir.Expr, ctx: Ctx) -> T.Ty | _Unresolved:
        if isinstance(e, ir.Num):
            return T.const(e.value)
        if isinstance(e, ir.Bool):
            return T.BOOL
        if isinstance(e, ir.Ref):
            return self.resolve(e, ctx)
        if isinstance(e, ir.GroupRef):
            return T.Ty("enum", enum=GROUPS)
        if isinstance(e, ir.MaxRef):
            return self.own_max(e, ctx)
        if isinstance(e, ir.TotalRef):
            if not ctx.no_deps:
                ctx.deps.add("total")
            vd = ctx.block.values["total"]
            return vd.ty if vd.ty is not None else self.infer_value(ctx.block, "total", [])
        # An absent operand makes the result absent (as SQL's NULL does); the rules say what
        # then with `default` where the value is used.
        if isinstance(e, ir.BinOp | ir.Logic):
            return self.chain(e, ctx)
        if isinstance(e, ir.Neg):
            t = self.infer(e.operand, ctx)
            return T.neg(self.need_number(t.required(), e.operand, ctx)).maybe(t.optional)
        if isinstance(e, ir.Compare):
            return self.compare(e, ctx)
        if isinstance(e, ir.Member):
            t = self.infer(e.operand, ctx)
            if t.kind != "enum":
                self.type_error(
                    e.operand.span,
                    f"`in {{…}}` needs an enum value, {e.operand} is {t}",
                    detail_zh=f"`属于 {{…}}` 须作用于枚举值,{e.operand} 的类型是{t.zh}",
                )
            else:
                enum = self.model.enums.get(t.enum or "")
                for v in e.values:
                    if enum is not None and v not in enum.values:
                        self.err(
                            "E204",
                            e.span,
                            value=v,
                            enum=enum.name,
                            values=", ".join(enum.values),
                            **suggestion_args(v, enum.values),
                        )
            return T.BOOL.maybe(t.optional)
        if isinstance(e, ir.Not):
            t = self.infer(e.operand, ctx)
            self.need_bool(t.required(), e.operand)
            return T.BOOL.maybe(t.optional)
        if isinstance(e, ir.IfExpr):
            self.need_bool(self.infer(e.cond, ctx), e.cond)
            holds, fails = self.under(e.cond, ctx)  # each branch knows what led to it
            a, b = self.infer(e.then, holds), self.infer(e.otherwise, fails)
            if "error" in (a.kind, b.kind):
                return T.ERROR
            if a.kind != b.kind or (a.kind == "enum" and a.enum != b.enum):
                self.type_error(
                    e.span,
                    f"the two branches differ: {a} and {b}",
                    detail_zh=f"两个分支类型不同:{a.zh} 与 {b.zh}",
                )
                return a
            if a.kind == "number":
                return T.union(a, b).maybe(a.optional or b.optional)
            return a.maybe(b.optional)
        if isinstance(e, ir.Default):
            a = self.infer(e.operand, ctx)
            b = self.infer(e.fallback, ctx)
            divisor = None if a.optional else self.required_divisor(e.operand, ctx)
            if divisor is not None:  # (rules written before requirements proved it: a warning)
                self.err("W418", e.span, expr=str(e.operand), divisor=divisor)
            elif not a.optional:
                self.type_error(
                    e.span,
                    f"{e.operand} is never absent, so `default` never applies",
                    detail_zh=f"{e.operand} 不会缺失,`缺省` 永远不起作用",
                )
            if a.kind == "number" and b.kind == "number":
                return T.union(a.required(), b).maybe(b.optional)
            if a.kind != b.kind and "error" not in (a.kind, b.kind):
                self.type_error(
                    e.span,
                    f"{e.operand} is {a} but the default is {b}",
                    detail_zh=f"{e.operand} 的类型是{a.zh},缺省值却是{b.zh}",
                )
            return a.required().maybe(b.optional)
        if isinstance(e, ir.Lookup):
            return self.lookup(e, ctx)
        if isinstance(e, ir.Call):
            return self.call(e, ctx)
        if isinstance(e, ir.Aggregate):
            return self.aggregate(e, ctx)
        if isinstance(e, ir.Weighted):
            return self.weighted(e, ctx)
        if isinstance(
            e, ir.Best | ir.GroupLowest | ir.GroupMean | ir.GroupCount | ir.Rank | ir.Distribute
        ):
            return self.cohort(e, ctx)
        if isinstance(e, ir.LastYear):
            return self.last_year(e, ctx)
        if isinstance(e, ir.Band):
            return self.band(e, ctx)
        if isinstance(e, ir.Keyed):
            return keyed_ty(self, e, ctx)
        raise AssertionError(type(e))  # pragma: no cover

    def own_max(self, e: ir.MaxRef, ctx: Ctx) -> T.Ty:
        if ctx.item_max is not None:
            return T.const(ctx.item_max)
        if ctx.item:
            detail = f"`max` is the maximum of {ctx.item!r}, which declares none"
            detail_zh = f"`满分` 指 {ctx.item!r} 的满分,但它未写满分"
        else:
            detail = "`max` is the maximum of the item whose rule it stands in"
            detail_zh = "`满分` 指所在指标的满分,只能用在指标或部分的规则中"
        self.type_error(
            e.span, detail, "declare `max N` on the item", "请在指标上写明 `满分 N`", detail_zh
        )
        return T.ERROR

    def ref_keys(self, e: ir.BinOp, ctx: Ctx) -> tuple[str | None, str | None]:
        index = ctx.block.index
        return ref_key(self.model, e.left, index), ref_key(self.model, e.right, index)

    def chain(self, e: ir.BinOp | ir.Logic, ctx: Ctx) -> T.Ty:
        """A run of one precedence level (`a + b - c + …`), typed link by link from the left in
        a loop: a flat sum of thousands of terms does not recurse once per term."""
        links = ir.chain_links(e)
        ty = self.infer(links[0].left, ctx)
        for link in links:
            right = self.infer(link.right, ctx)
            if isinstance(link, ir.BinOp):
                ty = self.binop(link, ty, right, ctx)
            else:
                ty = self.logic(link, ty, right)
            if link is not e:  # `infer` records the outermost
                self.record(link, ctx, ty)
        return ty

    def binop(self, e: ir.BinOp, ta: T.Ty, tb: T.Ty, ctx: Ctx) -> T.Ty:
        absent = ta.optional or tb.optional
        a = self.need_number(ta.required(), e.left, ctx)
        b = self.need_number(tb.required(), e.right, ctx)
        if e.op == "+":
            return T.add(a, b).maybe(absent)
        if e.op == "-":
            low = difference_low(ctx.block, *self.ref_keys(e, ctx))
            diff = T.sub(a, b)
            if low is not None:
                diff = T.intersect(diff, T.number(low, None))
            return diff.maybe(absent)
        if e.op == "*":
            return T.mul(a, b).maybe(absent)
        if place_share(self.model, e, ctx):
            # 位次百分比: above 0 (the first of many) to 1 (the last), never absent
            return attrs.evolve(T.number(Q(0), Q(1)), nonzero=True)
        if place_over_count(self.model, e, ctx):
            # a place as a share of the group: 0 (the first) to 1 (the last; absent for one unit)
            return T.number(Q(0), Q(1)).maybe(True)
        share = share_of_range(e)
        if share is not None:
            # a distance to the frontier, times a constant: 0 to k (absent when all are equal)
            return T.number(Q(0), share).maybe(True)
        share = _share_of_best(e)
        if share is not None and a.low is not None and a.low >= 0:
            # a share of the group's best, times a constant: 0 to k (absent when best is 0)
            return T.number(Q(0), share).maybe(True)
        smaller, larger = self.ref_keys(e, ctx)
        if (
            difference_low(ctx.block, larger, smaller) is not None
            and a.low is not None
            and a.low >= 0
        ):
            # a part of a whole the requirements bound it by: 0 to 1 (absent when it is 0)
            return T.number(Q(0), Q(1)).maybe(absent or T.can_be_zero(b))
        return T.div(a, b).maybe(absent or T.can_be_zero(b))

    def logic(self, e: ir.Logic, ta: T.Ty, tb: T.Ty) -> T.Ty:
        self.need_bool(ta.required(), e.left)
        self.need_bool(tb.required(), e.right)
        return T.BOOL.maybe(ta.optional or tb.optional)

    def compare(self, e: ir.Compare, ctx: Ctx) -> T.Ty:
        # `部分 = 办学条件` where an item is named like the enum value (the document's part
        # names both): the side that names a value of the other side's enum is that value
        left: T.Ty | _Unresolved | None = None
        right: T.Ty | _Unresolved | None = None
        if self._enum_value_name(e.left) and not self._enum_value_name(e.right):
            right = self._infer(e.right, ctx)
            if isinstance(right, T.Ty) and self._names_value_of(e.left, right):
                self.literal(e.left, right, ctx)
                left = self.model.types[(id(e.left), ctx.block.index)]
        elif self._enum_value_name(e.right) and not self._enum_value_name(e.left):
            left = self._infer(e.left, ctx)
            if isinstance(left, T.Ty) and self._names_value_of(e.right, left):
                self.literal(e.right, left, ctx)
                right = self.model.types[(id(e.right), ctx.block.index)]
        if left is None:
            left = self._infer(e.left, ctx)
        if right is None:
            right = self._infer(e.right, ctx)
        if (
            isinstance(left, _Unresolved)
            and isinstance(right, T.Ty)
            and self.literal(e.left, right, ctx)
        ):
            # typed by `literal`, unless the type it names is itself undeclared (reported there)
            left = self.model.types.get((id(e.left), ctx.block.index), left)
        if (
            isinstance(right, _Unresolved)
            and isinstance(left, T.Ty)
            and self.literal(e.right, left, ctx)
        ):
            right = self.model.types.get((id(e.right), ctx.block.index), right)
        if isinstance(left, _Unresolved) or isinstance(right, _Unresolved):
            for side, t in ((e.left, left), (e.right, right)):
                if isinstance(t, _Unresolved):
                    assert isinstance(side, ir.Ref)
                    self.unknown(side, ctx)
            return T.BOOL
        self.record(e.left, ctx, left)
        self.record(e.right, ctx, right)
        absent = left.optional or right.optional
        if "error" in (left.kind, right.kind):
            pass
        elif left.kind != right.kind or (left.kind == "enum" and left.enum != right.enum):
            self.type_error(
                e.span,
                f"cannot compare {left} with {right}",
                detail_zh=f"{left.zh} 不能与 {right.zh} 比较",
            )
        elif left.kind in ("bool", "enum", "text") and e.op not in ("=", "!="):
            self.type_error(
                e.span,
                f"{left} values are compared with = or ≠ only",
                detail_zh=f"{left.zh} 只能用 = 或 ≠ 比较",
            )
        return T.BOOL.maybe(absent)

    def _enum_value_name(self, e: ir.Expr) -> bool:
        """Whether `e` is a bare name that is a value of some enum."""
        return (
            isinstance(e, ir.Ref)
            and len(e.path) == 1
            and any(e.path[0] in d.values for d in self.model.enums.values())
        )

    def _names_value_of(self, e: ir.Expr, other: T.Ty) -> bool:
        """Whether the bare name `e` is a value of the enum `other` is."""
        enum = self.model.enums.get(other.enum or "") if other.kind == "enum" else None
        return enum is not None and isinstance(e, ir.Ref) and e.path[0] in enum.values

    def lookup(self, e: ir.Lookup, ctx: Ctx) -> T.Ty:
        table = self.model.tables.get(e.table)
        if table is not None and self._names_value_of(e.key, T.Ty("enum", enum=table.enum)):
            # `未达标扣分[办学条件]` reads the row even where a value is named 办学条件
            self.literal(e.key, T.Ty("enum", enum=table.enum), ctx)
            values = [r.value for r in table.rows] or [Q(0)]
            return T.number(min(values), max(values))
        key = self._infer(e.key, ctx)
        if table is None:
            self.undeclared(e.span, e.table, "table", "对照表")
            return T.ANY_NUMBER
        enum_ty = T.Ty("enum", enum=table.enum)
        if isinstance(key, _Unresolved):
            self.literal(e.key, enum_ty, ctx)
        else:
            self.record(e.key, ctx, key)
            if key.optional:
                self.absent(e.key.span, str(e.key), key)
            if key.kind != "enum" or key.enum != table.enum:
                by_en, by_zh = table.enum, table.enum
                if table.enum == GROUPS:  # `按 所在分组`
                    by_en, by_zh = "unit group", "所在分组"
                self.type_error(
                    e.key.span,
                    f"table {table.name!r} is looked up by {by_en}, not by {key}",
                    detail_zh=f"对照表 {table.name!r} 按 {by_zh} 查,不能按{key.zh}查",
                )
        values = [r.value for r in table.rows] or [Q(0)]
        return T.number(min(values), max(values))


def _share_of_best(e: ir.BinOp) -> Q | None:
    """k for `X ÷ best X` (k = 1) and `k × X ÷ best X`, the shapes of relative scores; or the
    same of `group lowest` when less is better."""
    if not isinstance(e.right, ir.Best):
        return share_of_lowest(e)
    best_of = e.right.operand
    if same(e.left, best_of):
        return Q(1)
    left = e.left
    if isinstance(left, ir.BinOp) and left.op == "*":
        for x, k in ((left.left, left.right), (left.right, left.left)):
            if same(x, best_of) and isinstance(k, ir.Num) and k.value >= 0:
                return k.value
    return None
