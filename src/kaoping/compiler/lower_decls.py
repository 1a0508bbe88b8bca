"""Lowering of declarations: the scheme title, rounding, groups, enums, unit lists, records,
inputs, constants, input types and tables."""

from __future__ import annotations

from typing import Any

from lark import Token

from kaoping.compiler import ir
from kaoping.compiler.infer_context import GROUPS
from kaoping.compiler.lower_parts import (
    _MODES,
    LowerBase,
    LoweringError,
    _Article,
    _Groups,
    _percent,
    _str,
    _Text,
    _Title,
)
from kaoping.diagnostics import Diagnostic
from kaoping.exact import Q, literal, whole_number
from kaoping.span import Span


class DeclLowering(LowerBase):
    """One method per declaration rule of the grammar, `(meta, children)` → IR."""

    # -------------------------------------------------------------- declarations
    def start(self, meta: Any, children: list[Any]) -> list[Any]:
        return children

    def scheme_decl(self, meta: Any, c: list[Any]) -> _Title:
        return _Title(_str(c[0]), self.sp(meta))

    def rounding_decl(self, meta: Any, c: list[Any]) -> ir.Rounding:
        places, mode = c[0]
        return ir.Rounding(places, mode, self._article(c[1:]), span=self.sp(meta))

    def rounding_spec(self, meta: Any, c: list[Any]) -> tuple[int, ir.RoundMode]:
        return whole_number(str(c[0])), c[1]

    def round_mode(self, meta: Any, c: list[Token]) -> ir.RoundMode:
        return _MODES[str(c[0])]

    def group_decl(self, meta: Any, c: list[Any]) -> ir.GroupDecl:
        title = _str(c[1]) if len(c) > 1 else None
        return ir.GroupDecl(str(c[0]), title, span=self.sp(meta))

    def name_list(self, meta: Any, c: list[Token]) -> tuple[str, ...]:
        return tuple(str(t) for t in c)

    def enum_decl(self, meta: Any, c: list[Any]) -> ir.EnumDecl:
        return ir.EnumDecl(str(c[0]), c[1], span=self.sp(meta))

    def units_decl(self, meta: Any, c: list[Any]) -> ir.UnitsDecl:
        return ir.UnitsDecl(str(c[0]), c[1], span=self.sp(meta))

    def unit_list(self, meta: Any, c: list[str]) -> tuple[str, ...]:
        return tuple(c)

    def unit_name(self, meta: Any, c: list[Token]) -> str:
        # a unit's name as the data writes it: a name, or a string ("市政府办(含法制办)")
        return _str(c[0]) if c[0].type == "STRING" else str(c[0])

    def record_decl(self, meta: Any, c: list[Any]) -> ir.RecordDecl:
        return ir.RecordDecl(str(c[0]), tuple(c[1:]), span=self.sp(meta))

    def field_decl(self, meta: Any, c: list[Any]) -> ir.FieldDecl:
        typ, optional = c[1]
        return ir.FieldDecl(str(c[0]), typ, optional, span=self.sp(meta))

    def input_decl(self, meta: Any, c: list[Any]) -> ir.InputDecl:
        """An input line, with its parts on it or on the lines indented under it: the
        description (several strings are joined as written), `for` and `article` once each."""
        typ, optional = c[1]
        parts = c[2:]
        description = self._described(meta, "input", "输入", str(c[0]), parts)
        groups = next((x.names for x in parts if isinstance(x, _Groups)), ())
        return ir.InputDecl(
            str(c[0]),
            typ,
            optional,
            description,
            groups,
            self._article(parts),
            span=self.sp(meta),
        )

    def _described(self, meta: Any, what: str, what_zh: str, name: str, parts: list[Any]) -> str:
        """The description of a declaration's parts (its strings joined as written), after
        checking `for` and `article` are given once each and a description at all."""
        for kind, word in ((_Groups, ("`for`", "`适用`")), (_Article, ("`article`", "`条款`"))):
            found = [x for x in parts if isinstance(x, kind)]
            if len(found) > 1:
                raise LoweringError(
                    self._problem(
                        found[1].span,
                        f"{word[0]} is given twice for {what} {name}",
                        f"{what_zh} {name} 的 {word[1]} 写了两次",
                    )
                )
        texts = [x.text for x in parts if isinstance(x, _Text)]
        if not texts:
            raise LoweringError(
                self._problem(
                    self.sp(meta),
                    f"{what} {name} needs a description string",
                    f"{what_zh} {name} 需要一段说明文字",
                )
            )
        return "".join(texts)

    def _problem(self, span: Span, detail: str, detail_zh: str) -> Diagnostic:
        return Diagnostic("E101", span, {"detail": detail, "detail_zh": detail_zh})

    def input_text(self, meta: Any, c: list[Token]) -> _Text:
        return _Text(_str(c[0]))

    def constant_decl(self, meta: Any, c: list[Any]) -> ir.ConstantDecl:
        return ir.ConstantDecl(
            str(c[0]), c[1], None, None, self._article(c[2:]), span=self.sp(meta)
        )

    def constant_given(self, meta: Any, c: list[Any]) -> ir.ConstantDecl:
        """`constant NAME: TYPE "…"`, its parts on the line or indented under it, like an
        input's. It is entered once for the run: never absent (no `optional`)."""
        typ, optional = c[1]
        if optional:
            raise LoweringError(
                self._problem(
                    self.sp(meta),
                    f"constant {c[0]} is entered once for every run: it cannot be `optional`",
                    f"常量 {c[0]} 每次评分录入一次,不能是 `可缺`",
                )
            )
        description = self._described(meta, "constant", "常量", str(c[0]), c[2:])
        return ir.ConstantDecl(
            str(c[0]), None, typ, description, self._article(c[2:]), span=self.sp(meta)
        )

    def input_groups(self, meta: Any, c: list[Any]) -> _Groups:
        return _Groups(c[0], self.sp(meta))

    def article(self, meta: Any, c: list[Token]) -> _Article:
        return _Article(_str(c[0]), self.sp(meta))

    def type_ref(self, meta: Any, c: list[Any]) -> tuple[ir.TypeRef, bool]:
        return c[0], len(c) > 1

    def optional(self, meta: Any, c: list[Any]) -> bool:
        return True

    def number_type(self, meta: Any, c: list[Any]) -> ir.NumberType:
        if c:
            return ir.NumberType(c[0], c[1])
        return ir.NumberType()

    def integer_type(self, meta: Any, c: list[Any]) -> ir.NumberType:
        if c:
            return ir.NumberType(c[0], c[1], integer=True)
        return ir.NumberType(integer=True)

    def count_type(self, meta: Any, c: list[Any]) -> ir.CountType:
        return ir.CountType()

    def yesno_type(self, meta: Any, c: list[Any]) -> ir.YesNoType:
        return ir.YesNoType()

    def text_type(self, meta: Any, c: list[Any]) -> ir.TextType:
        return ir.TextType()

    def list_type(self, meta: Any, c: list[Token]) -> ir.ListType:
        return ir.ListType(str(c[0]))

    def enum_type(self, meta: Any, c: list[Token]) -> ir.EnumType:
        return ir.EnumType(str(c[0]))

    def table_decl(self, meta: Any, c: list[Any]) -> ir.TableDecl:
        rows = tuple(x for x in c[2:] if isinstance(x, ir.TableRow))
        # `按 所在分组`: a row per group (类别权重), looked up as `权重[所在分组]`
        key = GROUPS if isinstance(c[1], _ByGroup) else str(c[1])
        return ir.TableDecl(str(c[0]), key, rows, self._article(c[2:]), span=self.sp(meta))

    def table_by_group(self, meta: Any, c: list[Any]) -> _ByGroup:
        return _ByGroup()

    def table_row(self, meta: Any, c: list[Any]) -> ir.TableRow:
        return ir.TableRow(str(c[0]), c[1], span=self.sp(meta))

    def signed_number(self, meta: Any, c: list[Token]) -> Q:
        tok = str(c[0])
        return _percent(c[0]) if tok.endswith("%") else literal(tok)

    def neg_number(self, meta: Any, c: list[Token]) -> Q:
        return -literal(str(c[0]))

    def neg_percent(self, meta: Any, c: list[Token]) -> Q:
        return -_percent(c[0])


class _ByGroup:
    """`按 所在分组` in a table's line: its rows are the groups."""
