"""Expression typing: what every name refers to, the type and static range of every
expression, and whether it may be absent. `check.Checker` builds the structural checks on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import attrs

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.cohort_ranges import mean_parts, share_of_lowest
from kaoping.compiler.keyed import keyed_ty
from kaoping.compiler.model import BlockModel, Model, Res, SheetDef
from kaoping.compiler.requirements import difference_low, narrowed, ref_key
from kaoping.compiler.suggest import did_you_mean, function_suggestion, suggestion_args
from kaoping.compiler.walk import same
from kaoping.diagnostics import Diagnostic
from kaoping.exact import Q, show
from kaoping.span import Span

BUILTINS = {
    "least",
    "greatest",
    "shortfall",
    "excess",
    "present",
    "satisfied",
    "最小",
    "最大",
    "不足",
    "超出",
    "有值",
    "满足数",
}
_CANON = {
    "最小": "least",
    "最大": "greatest",
    "不足": "shortfall",
    "超出": "excess",
    "有值": "present",
    "满足数": "satisfied",
}
# `unit group` is typed as an enum whose values are the declared groups; no user enum can have
# this name, since it is not an identifier
GROUPS = "<groups>"


def canonical_function(name: str) -> str:
    return _CANON.get(name, name)


@attrs.frozen
class FunctionSig:
    """A plugin-contributed rule function: numbers in, a number out."""

    name: str
    arity: int


@attrs.define
class Ctx:
    """Where an expression is typed: its block, stage, owner, record fields in scope, and what
    it reads (collected as it is typed)."""

    block: BlockModel
    stage: str  # unit | cross | group | final | grade
    owner: str
    fields: dict[str, T.Ty] | None = None
    deps: set[str] = attrs.Factory(set)
    inputs: set[str] = attrs.Factory(set)
    gradings: frozenset[str] = frozenset()
    no_deps: bool = False
    only: tuple[str, ...] = ()  # the groups the statement is for, when narrower than the block's
    # ranges known to hold here ("input:NAME" / "value:PATH" → range): inside a keyed item's
    # row, its key lies in the row's interval
    narrow: dict[str, T.Ty] = attrs.Factory(dict)
    no_reads: bool = False  # a scheme-level requirement: its reads make no input needed
    # the item or section whose rules are typed ("" elsewhere) and its maximum, for `max`
    item: str = ""
    item_max: Q | None = None
    sheet: SheetDef | None = None  # the sheet the statement is on (个性指标), if any
    # values known present here (an item's clauses past `not applicable if not present(X)`)
    present: frozenset[str] = frozenset()

    @property
    def groups(self) -> tuple[str, ...]:
        return self.only or self.block.groups


class _Unresolved:
    """A bare name that is not a declared name: maybe an enum value, decided by context."""


UNRESOLVED = _Unresolved()


class ExprChecker:
    """Typing of expressions and the diagnostics it gives; `check.Checker` supplies the types of
    the values an expression reads (`infer_value`) and everything structural."""

    model: Model
    functions: dict[str, FunctionSig]
    diags: list[Diagnostic]
    used_inputs: set[str]
    reads: dict[str, set[str]]  # input or constant → the groups whose rules read it

    def infer_value(self, block: BlockModel, path: str, order: list[str]) -> T.Ty:
        raise NotImplementedError

    def undeclared(self, span: Span, name: str, keyword_en: str, keyword_zh: str) -> None:
        """E201 for a name that a declaration (`group`, `enum`, `record`, `table`) should make;
        the hint names the nearest declared one of that kind, if any is near."""
        m = self.model.module
        declared: dict[str, list[str]] = {
            "group": [d.name for d in m.groups],
            "enum": [d.name for d in m.enums],
            "record": [d.name for d in m.records],
            "table": [d.name for d in m.tables],
        }
        suggestion = did_you_mean(name, declared.get(keyword_en, []))
        hint_en, hint_zh = f"declare it with `{keyword_en}`", f"请先用 `{keyword_zh}` 声明"
        if suggestion is not None and not suggestion[0].startswith("it is no keyword"):
            hint_en, hint_zh = f"{suggestion[0]} Or {hint_en}", f"{suggestion[1]}或{hint_zh}"
        self.err("E201", span, name=name, hint_en=hint_en, hint_zh=hint_zh)

    def input_ty(self, t: ir.TypeRef, optional: bool) -> T.Ty:
        if isinstance(t, ir.NumberType):
            return T.number(t.low, t.high, integer=t.integer).maybe(optional)
        if isinstance(t, ir.CountType):
            return T.number(Q(0), None, integer=True).maybe(optional)
        if isinstance(t, ir.YesNoType):
            return T.BOOL.maybe(optional)
        if isinstance(t, ir.TextType):
            return T.TEXT.maybe(optional)
        if isinstance(t, ir.EnumType):
            return T.Ty("enum", enum=t.name, optional=optional)
        return T.Ty("list", record=t.record, optional=optional)

    def const_of(self, expr: ir.Expr, ctx: Ctx) -> Q | None:
        t = self.infer(expr, ctx)
        if t.kind == "number" and t.low is not None and t.low == t.high:
            return t.low
        return None

    def err(self, code: str, span: Span, **args: object) -> None:
        self.diags.append(Diagnostic(code, span, args))

    def absent(self, span: Span, name: str, ty: T.Ty) -> None:
        """E206, its hint's fallback of the value's own type: a yes/no value defaults to
        `false`, a number to 0; an enum or text value has no fallback the checker accepts."""
        fallback: tuple[str, str] | None = None
        if ty.kind == "bool":
            fallback = ("false", "否")
        elif ty.kind == "number":
            fallback = ("0", "0")
        hint_en = f"test `present({name})`, or use `weighted … redistribute equally`"
        hint_zh = f"用 `有值({name})` 判断,或用 `加权 … 缺项均分`"
        if fallback is not None:
            hint_en = f"write `{name} default {fallback[0]}`, " + hint_en
            hint_zh = f"可写 `{name} 缺省 {fallback[1]}`、" + hint_zh
        else:
            hint_en, hint_zh = hint_en[0].upper() + hint_en[1:], "可" + hint_zh
        self.err("E206", span, name=name, hint_en=hint_en, hint_zh=hint_zh)

    def type_error(
        self, span: Span, detail: str, hint: str = "", hint_zh: str = "", detail_zh: str = ""
    ) -> None:
        self.err(
            "E203",
            span,
            detail=detail,
            detail_zh=detail_zh or detail,
            hint_en=hint,
            hint_zh=hint_zh or hint,
        )

    def list_input(
        self, name: str, span: Span, fields_named: Sequence[str | None]
    ) -> dict[str, ir.FieldDecl] | None:
        """The record fields of a `list of` input that an aggregate or a `require` reads; every
        field it names must exist. None (after a diagnostic) when `name` is no list input."""
        inp = self.model.inputs.get(name)
        if inp is None or not isinstance(inp.type, ir.ListType):
            self.err(
                "E201",
                span,
                name=name,
                hint_en="this reads a `list of` input",
                hint_zh="此处须作用于 `列表` 输入",
            )
            return None
        self.used_inputs.add(name)
        rec = self.model.records.get(inp.type.record)
        fields = {f.name: f for f in rec.fields} if rec else {}
        for field in fields_named:
            if field is not None and field not in fields:
                self.err(
                    "E201",
                    span,
                    name=field,
                    hint_en=f"record {inp.type.record!r} has fields {', '.join(fields)}",
                    hint_zh=f"记录 {inp.type.record!r} 的字段为 {', '.join(fields)}",
                )
        return fields

    def check_shares(self, shares: Sequence[ir.Share], span: Span, enum_ty: T.Ty | None) -> T.Ty:
        total = sum((s.share for s in shares), Q(0))
        if total != 1:
            self.err("E405", span, total=T._fmt(total))
        enum = self.enum_containing([s.value for s in shares], span)
        if enum_ty is not None and enum is not None and enum_ty.enum != enum:
            self.type_error(
                span,
                f"the shares name values of {enum!r}, the ratings are {enum_ty.enum!r}",
                detail_zh=f"比例所列是 {enum!r} 的取值,而评定的是 {enum_ty.enum!r}",
            )
        return T.Ty("enum", enum=enum)

    def enum_containing(self, values: Sequence[str], span: Span) -> str | None:
        for e in self.model.enums.values():
            if e.name != GROUPS and all(v in e.values for v in values):
                return e.name
        self.type_error(
            span,
            f"no enum has all of {', '.join(values)}",
            "declare them with `enum`",
            "请用 `枚举` 声明",
            f"没有枚举同时包含 {'、'.join(values)}",
        )
        return None

    def record(self, expr: Any, ctx: Ctx, ty: T.Ty) -> T.Ty:
        self.model.types[(id(expr), ctx.block.index)] = ty
        return ty

    def need_number(self, t: T.Ty, expr: ir.Expr | None, ctx: Ctx) -> T.Ty:
        if t.kind == "error":
            return T.ANY_NUMBER
        if t.optional:
            if expr is not None:
                self.absent(expr.span, str(expr), t)
            t = t.required()
        if t.kind != "number":
            if expr is not None:
                self.type_error(
                    expr.span,
                    f"{expr} is {t}, a number is needed here",
                    "yes/no values are not numbers: use `add N if …`",
                    "是否值不是数:请写 `加 N 若 …`",
                    f"{expr} 的类型是{t.zh},此处需要数值",
                )
            return T.ANY_NUMBER
        return t

    def need_bool(self, t: T.Ty, expr: ir.Expr) -> None:
        if t.kind == "error":
            return
        if t.optional:
            self.absent(expr.span, str(expr), t)
        if t.kind != "bool":
            self.type_error(
                expr.span,
                f"{expr} is {t}, a yes/no condition is needed here",
                detail_zh=f"{expr} 的类型是{t.zh},此处需要是否条件",
            )

    def infer(self, expr: ir.Expr, ctx: Ctx) -> T.Ty:
        ty = self._infer(expr, ctx)
        if isinstance(ty, _Unresolved):
            assert isinstance(expr, ir.Ref)
            self.unknown(expr, ctx)
            ty = T.ERROR
        return self.record(expr, ctx, ty)

    def unknown(self, ref: ir.Ref, ctx: Ctx) -> None:
        block = ctx.block
        name = ref.name
        candidates = block.ending_with(ref.path[-1])
        if len(candidates) > 1:
            self.err(
                "E201",
                ref.span,
                name=name,
                hint_en="it names several values; write the path: " + " or ".join(candidates),
                hint_zh="有多个同名项,请写全路径:" + " 或 ".join(candidates),
            )
            return
        if name in self.model.inputs:
            self.err(
                "E201",
                ref.span,
                name=name,
                hint_en=f"input {name!r} is not given for group(s) {', '.join(block.groups)}",
                hint_zh=f"输入 {name!r} 不适用于分组 {', '.join(block.groups)}",
            )
            return
        if name in self.model.gradings:
            self.err(
                "E501", ref.span, name=ctx.owner, other=name, where=self.model.gradings[name].span
            )
            return
        hint_en = "declare it as an input, a value or an enum value"
        hint_zh = "请声明为输入、指标/设定值或枚举取值"
        suggestion = did_you_mean(name, self.names_in_scope(ctx))
        if suggestion is not None:
            hint_en, hint_zh = suggestion
        self.err("E201", ref.span, name=name, hint_en=hint_en, hint_zh=hint_zh)

    def names_in_scope(self, ctx: Ctx) -> set[str]:
        """What a name in this block may refer to: its values (by name and path), the inputs
        given to its groups, enum values, tables, constants, record fields."""
        names: set[str] = set()
        for path in ctx.block.values:
            names |= {path, path.rsplit(".", 1)[-1]}
        for group in ctx.groups:
            names |= set(self.model.inputs_for(group))
        names |= {i.name for i in self.model.inputs.values() if not i.groups}
        for enum in self.model.enums.values():
            names |= set(enum.values)
        names |= set(self.model.tables) | set(self.model.constants)
        names |= set(ctx.fields or ())
        return names

    def resolve(self, ref: ir.Ref, ctx: Ctx) -> T.Ty | _Unresolved:
        key = (id(ref), ctx.block.index)
        block = ctx.block
        if ctx.fields is not None and len(ref.path) == 1 and ref.path[0] in ctx.fields:
            self.model.refs[key] = Res("field", ref.path[0])
            return ctx.fields[ref.path[0]]
        path = self.find_value(block, ref, ctx.sheet)
        if path is not None:
            self.model.refs[key] = Res("value", path)
            if not ctx.no_deps:
                ctx.deps.add(path)
            vd = block.values[path]
            ty = vd.ty
            if ty is None:
                ty = self.infer_value(block, path, [])  # order fixed later by the driver
            ty = narrowed(ty, f"value:{path}", ctx)
            return ty.required() if path in ctx.present else ty
        if len(ref.path) == 1:
            name = ref.path[0]
            inp = self.model.inputs.get(name)
            if inp is not None and (not inp.groups or set(ctx.groups) & set(inp.groups)):
                # given for only some of the rule's groups: absent for the units of the others
                partial = bool(inp.groups) and not set(ctx.groups) <= set(inp.groups)
                self.model.refs[key] = Res("input", name, partial)
                ctx.inputs.add(name)
                self.used_inputs.add(name)
                if not ctx.no_reads:
                    self.reads.setdefault(name, set()).update(ctx.groups)
                ty = narrowed(
                    self.input_ty(inp.type, inp.optional or partial), f"input:{name}", ctx
                )
                return ty.required() if name in ctx.present else ty
            const = self.model.constants.get(name)
            if const is not None:
                self.model.refs[key] = Res("constant", name)
                ctx.inputs.add(name)  # explain shows it with the inputs
                if not ctx.no_reads:  # required when a unit of these groups is in the data
                    self.reads.setdefault(name, set()).update(ctx.groups)
                if const.value is not None:
                    return T.const(const.value)
                assert const.type is not None  # a requirement may narrow it, as an input's
                return narrowed(self.input_ty(const.type, False), f"input:{name}", ctx)
            if name in ctx.gradings:
                self.model.refs[key] = Res("grade", name)
                return T.Ty("enum", enum=self.model.gradings[name].enum)
        return UNRESOLVED

    def find_value(
        self, block: BlockModel, ref: ir.Ref, sheet: SheetDef | None = None
    ) -> str | None:
        name = ref.name
        if name in block.values and name != "total":
            return name
        matches = block.ending_with(name)
        if len(matches) > 1:  # sheets may name items alike: the reader sees its own and shared
            seen = [p for p in matches if block.values[p].sheet in (None, sheet)]
            matches = seen if len(seen) == 1 else matches
        return matches[0] if len(matches) == 1 and matches[0] != "total" else None

    def literal(self, expr: ir.Expr, other: T.Ty, ctx: Ctx) -> bool:
        """Resolve a bare name as a value of the enum on the other side, if it is one."""
        if not isinstance(expr, ir.Ref) or len(expr.path) != 1 or other.kind != "enum":
            return False
        enum = self.model.enums.get(other.enum or "")
        if enum is None:
            return True
        value = expr.path[0]
        self.model.refs[(id(expr), ctx.block.index)] = Res("enum", value)
        self.record(expr, ctx, T.Ty("enum", enum=enum.name))
        if value not in enum.values:
            shown = "groups" if enum.name == GROUPS else enum.name
            self.err(
                "E204",
                expr.span,
                value=value,
                enum=shown,
                values=", ".join(enum.values),
                **suggestion_args(value, enum.values),
            )
        return True

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
            a, b = self.infer(e.then, ctx), self.infer(e.otherwise, ctx)
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
            if not a.optional:
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
        if isinstance(e, ir.Best | ir.GroupLowest | ir.GroupMean | ir.Rank | ir.Distribute):
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
        left = self._infer(e.left, ctx)
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

    def lookup(self, e: ir.Lookup, ctx: Ctx) -> T.Ty:
        table = self.model.tables.get(e.table)
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
                self.type_error(
                    e.key.span,
                    f"table {table.name!r} is looked up by {table.enum}, not by {key}",
                    detail_zh=f"对照表 {table.name!r} 按 {table.enum} 查,不能按{key.zh}查",
                )
        values = [r.value for r in table.rows] or [Q(0)]
        return T.number(min(values), max(values))

    def call(self, e: ir.Call, ctx: Ctx) -> T.Ty:
        name = canonical_function(e.func)
        args = e.args
        if name in ("least", "greatest"):
            if not args:
                self.err("E205", e.span, detail=f"{e.func}() needs at least one argument")
                return T.ANY_NUMBER
            tys = [self.need_number(self.infer(a, ctx), a, ctx) for a in args]
            if name == "least":
                lows = [t.low for t in tys]
                highs = [t.high for t in tys]
                low = (
                    None if any(x is None for x in lows) else min(x for x in lows if x is not None)
                )
                known = [h for h in highs if h is not None]
                return T.number(low, min(known) if known else None)
            lows = [t.low for t in tys]
            highs = [t.high for t in tys]
            known_low = [x for x in lows if x is not None]
            high = None if any(x is None for x in highs) else max(x for x in highs if x is not None)
            return T.number(max(known_low) if known_low else None, high)
        if name in ("shortfall", "excess"):
            if len(args) != 2:
                self.err("E205", e.span, detail=f"{e.func}(x, n) takes two arguments")
                for a in args:  # still resolve them: their names are used, their errors real
                    self.infer(a, ctx)
                return T.number(Q(0), None)
            x = self.need_number(self.infer(args[0], ctx), args[0], ctx)
            n = self.need_number(self.infer(args[1], ctx), args[1], ctx)
            diff = T.sub(n, x) if name == "shortfall" else T.sub(x, n)
            return T.number(
                Q(0),
                None if diff.high is None else max(diff.high, Q(0)),
                x.integer and n.integer,
            )
        if name == "present":
            if len(args) != 1:
                self.err("E205", e.span, detail=f"{e.func}(x) takes one argument")
                for a in args:
                    self.infer(a, ctx)
                return T.BOOL
            t = self.infer(args[0], ctx)
            if not t.optional:
                self.type_error(
                    e.span, f"{args[0]} is never absent", detail_zh=f"{args[0]} 不会缺失"
                )
            return T.BOOL
        if name == "satisfied":
            for a in args:
                self.need_bool(self.infer(a, ctx), a)
            return T.number(Q(0), Q(len(args)), integer=True)
        sig = self.functions.get(e.func)
        if sig is None:
            self.err(
                "E201",
                e.span,
                name=e.func,
                hint_en="built-ins: least, greatest, shortfall, excess, present, satisfied"
                + function_suggestion(e.func, self.functions)[0],
                hint_zh="内置函数:最小、最大、不足、超出、有值、满足数"
                + function_suggestion(e.func, self.functions)[1],
            )
            return T.ANY_NUMBER
        if len(args) != sig.arity:
            self.err(
                "E205", e.span, detail=f"{e.func} takes {sig.arity} argument(s), not {len(args)}"
            )
        for a in args:
            self.need_number(self.infer(a, ctx), a, ctx)
        return T.ANY_NUMBER

    def aggregate(self, e: ir.Aggregate, ctx: Ctx) -> T.Ty:
        decls = self.list_input(e.source, e.span, (e.per_field,))
        if decls is None:
            return T.ANY_NUMBER
        inp = self.model.inputs[e.source]
        if inp.groups and not set(ctx.groups) <= set(inp.groups):
            self.err(
                "E201",
                e.span,
                name=e.source,
                hint_en=f"input {e.source!r} is not given for group(s) {', '.join(ctx.block.groups)}",
                hint_zh=f"输入 {e.source!r} 不适用于分组 {', '.join(ctx.block.groups)}",
            )
        ctx.inputs.add(e.source)
        if not ctx.no_reads:
            self.reads.setdefault(e.source, set()).update(ctx.groups)
        fields = {name: self.input_ty(f.type, f.optional) for name, f in decls.items()}
        inner = attrs.evolve(ctx, fields=fields, deps=ctx.deps, inputs=ctx.inputs)
        if e.where is not None:
            self.need_bool(self.infer(e.where, inner), e.where)
        if e.drop is not None:
            kt = self.infer(e.drop.key, inner)
            if kt.kind not in ("number", "enum") or kt.optional:
                self.type_error(
                    e.drop.key.span,
                    "`drop … by` needs a number or an enum",
                    detail_zh="`剔除 … 按` 须按数值或枚举排序",
                )
        # the requirements may bound how many records every unit's list has
        records = ctx.block.known.get(f"count:{e.source}", T.number(Q(0), None, integer=True))
        if e.where is not None or e.per_field is not None:
            records = T.number(Q(0), None, integer=True)
        if e.kind == "count":
            return records if e.drop is None else T.number(Q(0), None, integer=True)
        assert e.value is not None
        vt = self.need_number(self.infer(e.value, inner), e.value, ctx)
        # the highest, lowest or mean of no record is absent: of one at least, it is present
        fewest = records.low if records.low is not None else Q(0)
        some = fewest - (e.drop.count if e.drop is not None else 0) >= 1
        if e.kind == "sum":
            if vt.low is not None and vt.low >= 0:
                return T.number(Q(0), None, vt.integer)
            if vt.high is not None and vt.high <= 0:
                return T.number(None, Q(0), vt.integer)
            return T.ANY_NUMBER
        return T.number(vt.low, vt.high).maybe(not some)

    def weighted(self, e: ir.Weighted, ctx: Ctx) -> T.Ty:
        total = Q(0)
        lows: list[Q | None] = []
        highs: list[Q | None] = []
        for part in e.parts:
            ref = ir.Ref((part.name,), span=part.span)
            t = self._infer(ref, ctx)
            # the synthetic ref is kept so the emitter reads the same resolution
            self.model.refs[(id(part), ctx.block.index)] = self.model.refs.get(
                (id(ref), ctx.block.index), Res("input", part.name)
            )
            if isinstance(t, _Unresolved):
                self.unknown(ref, ctx)
                continue
            self.record(part, ctx, t)
            if t.optional and not e.redistribute:
                self.absent(part.span, part.name, t)
            if t.kind != "number":
                self.type_error(
                    part.span,
                    f"{part.name} is {t}, a number is needed here",
                    detail_zh=f"{part.name} 的类型是{t.zh},此处需要数值",
                )
            lows.append(t.low)
            highs.append(t.high)
            w = self.const_of(part.weight, ctx)
            if w is None:
                self.type_error(
                    part.weight.span, "a weight must be a constant", detail_zh="权重须是常数"
                )
            else:
                total += w
        if total != 1:
            self.err("E405", e.span, total=T._fmt(total))
        low = (
            None
            if not lows or any(x is None for x in lows)
            else min(x for x in lows if x is not None)
        )
        high = (
            None
            if not highs or any(x is None for x in highs)
            else max(x for x in highs if x is not None)
        )
        return T.number(low, high)

    def cohort(
        self, e: ir.Best | ir.GroupLowest | ir.GroupMean | ir.Rank | ir.Distribute, ctx: Ctx
    ) -> T.Ty:
        if ctx.stage not in ("group", "cross"):
            word = {
                ir.Best: "best",
                ir.GroupLowest: "group lowest",
                ir.GroupMean: "group mean",
                ir.Rank: "rank by",
                ir.Distribute: "distribute",
            }[type(e)]
            if isinstance(e, ir.GroupMean) and e.others:
                word = "peer mean"
            self.type_error(
                e.span,
                f"`{word}` reads other units of the group: it belongs in an `across group:` block",
                "move this value into `across group:`",
                "请把此值移入 `组内:` 块",
                f"`{word}` 要读取同组其他单位:须写在 `组内:` 块中",
            )
        if isinstance(e, ir.Best | ir.GroupLowest):
            return self.need_number(self.infer(e.operand, ctx), e.operand, ctx)
        if isinstance(e, ir.GroupMean):
            mean_parts(self, e, ctx)
            t = self.infer(e.operand, ctx)
            if t.kind != "number":
                self.type_error(
                    e.operand.span,
                    f"{e.operand} is {t}, a number is needed here",
                    detail_zh=f"{e.operand} 的类型是{t.zh},此处需要数值",
                )
                return T.ANY_NUMBER
            return T.number(t.low, t.high).maybe(True)
        if isinstance(e, ir.Rank):
            for k in e.keys:
                kt = self.infer(k, ctx)
                if kt.optional:
                    self.absent(k.span, str(k), kt)
                if kt.kind not in ("number", "enum"):
                    self.type_error(
                        k.span,
                        "`rank by` needs numbers (or enums, best value first)",
                        detail_zh="`排名 按` 须按数值(或枚举,首个取值最好)",
                    )
            return T.number(Q(1), None, integer=True)
        self.need_number(self.infer(e.operand, ctx), e.operand, ctx)
        if e.mode is None:
            self.err("E413", e.span)
        return self.check_shares(e.shares, e.span, None)

    def last_year(self, e: ir.LastYear, ctx: Ctx) -> T.Ty:
        inner = attrs.evolve(
            ctx, deps=set(), inputs=set(), no_deps=True, gradings=frozenset(self.model.gradings)
        )
        op = e.operand
        if not isinstance(op, ir.Ref | ir.TotalRef):
            self.type_error(
                e.span,
                "`last year` reads a total, a value, a grade or a fact by name",
                detail_zh="`上年` 读取总分、某项得分、等次或某项事实",
            )
            return T.ANY_NUMBER.maybe()
        t = self._infer(op, inner)
        if isinstance(t, _Unresolved):
            assert isinstance(op, ir.Ref)
            self.unknown(op, ctx)
            return T.ANY_NUMBER.maybe()
        self.record(op, inner, t)
        res = self.model.refs.get((id(op), ctx.block.index))
        if res is not None and (res.kind not in ("value", "grade", "input") or t.kind == "list"):
            self.type_error(
                e.span,
                "`last year` reads last year's results: a total, a value, a grade or a fact",
                detail_zh="`上年` 读取上年结果:总分、某项得分、等次或某项事实",
            )
        return t.maybe(True)

    def band(self, e: ir.Band, ctx: Ctx) -> T.Ty:
        t = self.need_number(self.infer(e.operand, ctx), e.operand, ctx)
        enum = self.enum_containing([r.value for r in e.rows], e.span)
        rows = sorted(e.rows, key=lambda r: (r.low is not None, r.low or 0))
        for a, b in itertools.pairwise(rows):
            if (
                a.high is None
                or b.low is None
                or a.high > b.low
                or (a.high == b.low and a.high_closed and b.low_closed)
            ):
                self.err(
                    "E406",
                    b.span,
                    what="bands",
                    what_zh="分段",
                    detail=f"overlap at {_bound(b.low)}",
                    detail_zh=f"在 {_bound(b.low)} 处重叠",
                )
            elif a.high < b.low or (not a.high_closed and not b.low_closed):
                self.err(
                    "E406",
                    b.span,
                    what="bands",
                    what_zh="分段",
                    detail=f"leave a gap between {_bound(a.high)} and {_bound(b.low)}",
                    detail_zh=f"在 {_bound(a.high)} 与 {_bound(b.low)} 之间有空档",
                )
        if rows:
            first, last = rows[0], rows[-1]
            if first.low is not None and (
                t.low is None or t.low < first.low or (t.low == first.low and not first.low_closed)
            ):
                self.err(
                    "E406",
                    first.span,
                    what="bands",
                    what_zh="分段",
                    detail=f"do not cover values below {_bound(first.low)}",
                    detail_zh=f"未覆盖 {_bound(first.low)} 以下的值",
                )
            if last.high is not None and (
                t.high is None
                or t.high > last.high
                or (t.high == last.high and not last.high_closed)
            ):
                self.err(
                    "E406",
                    last.span,
                    what="bands",
                    what_zh="分段",
                    detail=f"do not cover values above {_bound(last.high)}",
                    detail_zh=f"未覆盖 {_bound(last.high)} 以上的值",
                )
        return T.Ty("enum", enum=enum)


def _bound(x: Q | None) -> str:
    return "∞" if x is None else show(x)


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
