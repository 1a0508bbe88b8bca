"""The ground of expression typing: diagnostics, input types, the check that a value is a
number or a yes/no, and how a name resolves to an input, a constant, a value or an enum value.
`infer_calls` and `infer.ExprChecker` build the typing of each construct on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.branch_facts import branch_ranges, within
from kaoping.compiler.infer_context import GROUPS, UNRESOLVED, Ctx, FunctionSig, _Unresolved
from kaoping.compiler.model import BlockModel, Model, Res, SheetDef
from kaoping.compiler.requirements import narrowed
from kaoping.compiler.suggest import did_you_mean, suggestion_args
from kaoping.compiler.walk import preorder
from kaoping.diagnostics import Diagnostic
from kaoping.exact import Q
from kaoping.span import Span


class InferenceCore:
    """Typing of names and the diagnostics of expression typing; `check.Checker` supplies the
    types of the values an expression reads (`infer_value`) and everything structural."""

    model: Model
    functions: dict[str, FunctionSig]
    diags: list[Diagnostic]
    used_inputs: set[str]
    reads: dict[str, set[str]]  # input or constant → the groups whose rules read it

    def infer_value(self, block: BlockModel, path: str, order: list[str]) -> T.Ty:
        raise NotImplementedError

    def last_year_of_own(self, block: BlockModel, path: str, ctx: Ctx) -> T.Ty | None:
        """The type of `last year X` read where typing X first would be a cycle (X's own rule,
        or a value X reads this year), or None where X can be typed first."""
        return None

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

    def absent(
        self, span: Span, name: str, ty: T.Ty, expr: object = None, block: int | None = None
    ) -> None:
        """E206, its hint's fallback of the value's own type: a yes/no value defaults to
        `false`, a number to 0; an enum or text value has no fallback the checker accepts.
        Where `expr` (checked in `block`) is absent only because it divides by a value that
        may be 0, the hint names that divisor and the requirement that rules 0 out."""
        fallback: tuple[str, str] | None = None
        if ty.kind == "bool":
            fallback = ("false", "否")
        elif ty.kind == "number":
            fallback = ("0", "0")
        hint_en = f"test `present({name})`"
        hint_zh = f"用 `有值({name})` 判断"
        if ty.kind == "number":  # the parts of a weighted sum are numbers
            hint_en += ", or use `weighted … redistribute equally`"
            hint_zh += ",或用 `加权 … 缺项均分`"
        if fallback is not None:
            hint_en = f"write `{name} default {fallback[0]}`, " + hint_en
            hint_zh = f"可写 `{name} 缺省 {fallback[1]}`、" + hint_zh
        else:
            hint_en, hint_zh = hint_en[0].upper() + hint_en[1:], "可" + hint_zh
        divisor = None if block is None else self.zero_divisor(expr, block)
        if divisor is not None:
            hint_en += (
                f"; a quotient by {divisor} is absent where {divisor} is 0: if the data never "
                f"gives 0, say so with `require {divisor} > 0`"
            )
            hint_zh += f";{divisor} 为 0 时商缺失:若数据不会为 0,可写 `校验 {divisor} > 0`"
        self.err("E206", span, name=name, hint_en=hint_en, hint_zh=hint_zh)

    def required_divisor(self, expr: object, ctx: Ctx) -> str | None:
        """A divisor in `expr` that is never 0 here only because a data requirement, or the
        condition the expression stands under, rules 0 out (its own type allows 0)."""
        for node in preorder(expr):
            if isinstance(node, ir.BinOp) and node.op == "/":
                right = self.model.types.get((id(node.right), ctx.block.index))
                if right is None or T.can_be_zero(right):
                    continue
                own = self.unnarrowed(node.right, ctx)
                if T.zero_ruled_out(right) or (own is not None and T.can_be_zero(own)):
                    return str(node.right)
        return None

    def unnarrowed(self, x: ir.Expr, ctx: Ctx) -> T.Ty | None:
        """The type of an input, constant or value `x` names, before any requirement or
        condition narrows it (None for other expressions)."""
        res = self.model.refs.get((id(x), ctx.block.index))
        if res is None:
            return None
        if res.kind == "input":
            inp = self.model.inputs[res.target]
            return self.input_ty(inp.type, inp.optional)
        if res.kind == "constant":
            const = self.model.constants[res.target]
            return None if const.type is None else self.input_ty(const.type, False)
        if res.kind == "value":
            return ctx.block.values[res.target].ty
        return None

    def under(self, cond: ir.Expr, ctx: Ctx) -> tuple[Ctx, Ctx]:
        """Where `cond` (typed) holds, and where it fails: `ctx` with what each proves."""
        holds, fails = branch_ranges(cond, self.model, ctx.block.index)
        return (
            attrs.evolve(ctx, narrow=within(ctx.narrow, holds)) if holds else ctx,
            attrs.evolve(ctx, narrow=within(ctx.narrow, fails)) if fails else ctx,
        )

    def zero_divisor(self, expr: object, block: int) -> str | None:
        """The divisor, in `expr`, that may be 0 while nothing divided by it may be absent:
        the one reason the quotient may be absent (as the checker typed them in `block`)."""
        types = self.model.types
        for node in preorder(expr):
            if not (isinstance(node, ir.BinOp) and node.op == "/"):
                continue
            left, right = types.get((id(node.left), block)), types.get((id(node.right), block))
            if left is None or right is None or left.optional or right.optional:
                continue
            if right.kind == "number" and T.can_be_zero(right):
                return str(node.right)
        return None

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
            self.err("E405", span, total=f"{T._fmt(total * 100)}%")
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
                self.absent(expr.span, str(expr), t, expr, ctx.block.index)
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

    def _infer(self, e: ir.Expr, ctx: Ctx) -> T.Ty | _Unresolved:
        """The type of one expression construct; `infer.ExprChecker` dispatches on the node."""
        raise NotImplementedError

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
                hint_en=not_given_hint(self.model.inputs[name].groups, ctx.groups, name),
                hint_zh=not_given_hint_zh(self.model.inputs[name].groups, ctx.groups, name),
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
        elsewhere = [b for b in self.model.blocks if b is not block and b.ending_with(name)]
        if elsewhere:  # a grading or consequences line read for the groups of every block
            there, here = "、".join(elsewhere[0].groups), "、".join(ctx.groups)
            hint_en = (
                f"{name!r} is a value of the scoring block of {there}, not of {here}, "
                f"whose units this rule also reads it for: define it in that block too"
            )
            hint_zh = f"{name!r} 是 {there} 评分块的值,{here} 评分块没有;此规则也对 {here} 的单位读取它:请在该评分块中也定义它"
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
            if ty is None and ctx.no_deps:  # `last year X`: no cycle through it
                ty = self.last_year_of_own(block, path, ctx)
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


def not_given_hint(given: tuple[str, ...], groups: tuple[str, ...], name: str) -> str:
    """E201's hint for an input the rule's groups do not give: which groups give it."""
    missing = ", ".join(g for g in groups if g not in given)
    return f"input {name!r} is given for {', '.join(given)} only, not for {missing}"


def not_given_hint_zh(given: tuple[str, ...], groups: tuple[str, ...], name: str) -> str:
    missing = "、".join(g for g in groups if g not in given)
    return f"输入 {name!r} 仅适用于 {'、'.join(given)},不适用于 {missing}"
