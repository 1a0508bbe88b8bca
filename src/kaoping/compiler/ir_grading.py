"""The IR's grading and consequence nodes, and `Module`, the whole scheme. `ir` re-exports them."""

from __future__ import annotations

from typing import Literal

import attrs

from kaoping.compiler.ir_decls import (
    ConstantDecl,
    EnumDecl,
    GroupDecl,
    InputDecl,
    RecordDecl,
    Rounding,
    TableDecl,
    UnitsDecl,
)
from kaoping.compiler.ir_expr import Expr, RoundMode, _span, share_text
from kaoping.compiler.ir_rules import Flag, Let, Output, Requirement, Scoring
from kaoping.exact import Q
from kaoping.span import Span


@attrs.frozen
class Bar:
    """`bar G1, G2 if C`: from here on, units where C holds cannot receive these grades."""

    grades: tuple[str, ...]
    cond: Expr
    article: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        return f"bar {', '.join(self.grades)} if {self.cond}"


@attrs.frozen
class Quota:
    """`G top N` or `G top P% rounded MODE`, optionally `by X, Y` (a tie-breaking chain; the
    default is the total) and `in GROUPS`."""

    grade: str
    count: int | None
    share: Q | None
    mode: RoundMode | None
    by: tuple[Expr, ...]
    groups: tuple[str, ...]
    article: str | None = None
    span: Span = _span()
    # `minimum N` (至少 N 名: "不足1人的按1人确定"): the share's count is never below N
    minimum: int | None = None
    # `where C` (其中 C: "不确定等次的人员不计入参加考核人数"): the share is of the units where C
    # holds, and only they compete
    where: Expr | None = None

    def __str__(self) -> str:
        if self.count is not None:
            size = f"{self.count}"
        else:
            size = f"{share_text(self.share or Q(0))} rounded {self.mode}"
        if self.minimum is not None:
            size += f" minimum {self.minimum}"
        if self.where is not None:
            size += f" where {self.where}"
        return f"{self.grade} top {size}" + (f" in {', '.join(self.groups)}" if self.groups else "")


@attrs.frozen
class GradeIf:
    grade: str
    cond: Expr
    article: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        return f"{self.grade} if {self.cond}"


@attrs.frozen
class Otherwise:
    grade: str
    article: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        return f"{self.grade} otherwise"


@attrs.frozen
class Override:
    """`promote G if C` / `demote G if C`; `step down if C` / `step up if C` (降一档 / 升一档:
    the next grade of the enum, the grade itself at its end), where `grade` is empty."""

    kind: Literal["promote", "demote", "step down", "step up"]
    grade: str
    cond: Expr
    article: str | None = None
    span: Span = _span()

    @property
    def step(self) -> int:
        """+1 a grade lower (the enum lists the best first), −1 higher, 0 a named grade."""
        return {"step down": 1, "step up": -1}.get(self.kind, 0)

    def __str__(self) -> str:
        if self.step:
            return f"{self.kind} if {self.cond}"
        return f"{self.kind} {self.grade} if {self.cond}"


GradeRule = Bar | Quota | GradeIf | Otherwise | Override


@attrs.frozen
class Grading:
    """`grading NAME [by ENUM]:` — without `by`, the enum has the grading's own name."""

    name: str
    enum: str
    article: str | None
    rules: tuple[GradeRule, ...]
    span: Span = _span()


@attrs.frozen
class Consequences:
    """`consequences [for GROUPS]:` — computed after grading, for the named groups or all."""

    groups: tuple[str, ...]
    body: tuple[Let | Output | Flag, ...]
    span: Span = _span()


@attrs.frozen
class Module:
    """One scheme: every declaration of all its rules files, in file order."""

    title: str | None
    rounding: Rounding | None
    groups: tuple[GroupDecl, ...]
    enums: tuple[EnumDecl, ...]
    records: tuple[RecordDecl, ...]
    inputs: tuple[InputDecl, ...]
    tables: tuple[TableDecl, ...]
    scorings: tuple[Scoring, ...]
    gradings: tuple[Grading, ...]
    consequences: tuple[Consequences, ...]
    # scheme-level data requirements (`require COND` outside any block)
    requirements: tuple[Requirement, ...] = ()
    constants: tuple[ConstantDecl, ...] = ()
    units: tuple[UnitsDecl, ...] = ()
