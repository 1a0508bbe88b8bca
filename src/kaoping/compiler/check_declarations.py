"""Checks of what a scheme declares: names given once, input and record field types, tables,
constants, and that every declared group is scored by exactly one `scoring` block."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.infer import ExprChecker
from kaoping.compiler.infer_context import GROUPS
from kaoping.compiler.suggest import suggestion_args
from kaoping.span import Span


class DeclarationChecks(ExprChecker):
    """The checks of declarations and groups; `check.Checker` builds on them."""

    m: ir.Module
    groups: dict[str, Any]

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
            shown = "groups" if enum.name == GROUPS else enum.name  # `按 所在分组`
            for row in table.rows:
                if row.key not in enum.values:
                    self.err(
                        "E204",
                        row.span,
                        value=row.key,
                        enum=shown,
                        values=", ".join(enum.values),
                        **suggestion_args(row.key, enum.values),
                    )
            missing = [v for v in enum.values if v not in keys]
            if missing:
                self.err(
                    "E301", table.span, table=table.name, missing=", ".join(missing), enum=shown
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
