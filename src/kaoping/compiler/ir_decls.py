"""The IR's declaration nodes: input types, groups, enums, records, inputs, constants, tables.

What a scheme declares before it scores anything; `ir` re-exports them.
"""

from __future__ import annotations

import attrs

from kaoping.compiler.ir_expr import RoundMode, _span
from kaoping.exact import Q, show
from kaoping.span import Span


@attrs.frozen
class NumberType:
    """`number [A to B]`, or with `integer` a whole number (a rank: 3.5 is rejected)."""

    low: Q | None = None
    high: Q | None = None
    integer: bool = False

    def __str__(self) -> str:
        word = "integer" if self.integer else "number"
        if self.low is None:
            return word
        return f"{word} {show(self.low)} to {'inf' if self.high is None else show(self.high)}"


@attrs.frozen
class CountType:
    def __str__(self) -> str:
        return "count"


@attrs.frozen
class YesNoType:
    def __str__(self) -> str:
        return "yesno"


@attrs.frozen
class TextType:
    def __str__(self) -> str:
        return "text"


@attrs.frozen
class EnumType:
    name: str

    def __str__(self) -> str:
        return self.name


@attrs.frozen
class ListType:
    record: str

    def __str__(self) -> str:
        return f"list of {self.record}"


TypeRef = NumberType | CountType | YesNoType | TextType | EnumType | ListType


# ------------------------------------------------------------------ declarations
@attrs.frozen
class Rounding:
    places: int
    mode: RoundMode
    article: str | None = None
    span: Span = _span()


@attrs.frozen
class GroupDecl:
    name: str
    title: str | None
    span: Span = _span()


@attrs.frozen
class EnumDecl:
    name: str
    values: tuple[str, ...]
    span: Span = _span()


@attrs.frozen
class UnitsDecl:
    """`units NAME: A, B`: a named set of units that share one indicator sheet (个性指标)."""

    name: str
    units: tuple[str, ...]
    span: Span = _span()


@attrs.frozen
class FieldDecl:
    name: str
    type: TypeRef
    optional: bool
    span: Span = _span()


@attrs.frozen
class RecordDecl:
    name: str
    fields: tuple[FieldDecl, ...]
    span: Span = _span()


@attrs.frozen
class InputDecl:
    name: str
    type: TypeRef
    optional: bool
    description: str
    groups: tuple[str, ...]  # empty: every group
    article: str | None
    span: Span = _span()


@attrs.frozen
class ConstantDecl:
    """`constant NAME = N` (the scheme fixes it), or `constant NAME: TYPE "…"` (the office enters
    it once per run, in the data file's `constants`): one value for every unit."""

    name: str
    value: Q | None
    type: TypeRef | None
    description: str | None
    article: str | None
    span: Span = _span()


@attrs.frozen
class TableRow:
    key: str
    value: Q
    span: Span = _span()


@attrs.frozen
class TableDecl:
    name: str
    enum: str
    rows: tuple[TableRow, ...]
    article: str | None
    span: Span = _span()
