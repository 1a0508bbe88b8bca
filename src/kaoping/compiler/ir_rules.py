"""The IR's scoring nodes: an item's clauses, items, sections, sheets and the other statements
of a scoring block. `ir` re-exports them.
"""

from __future__ import annotations

from typing import Literal

import attrs

from kaoping.compiler.ir_expr import Expr, RoundMode, Share, _span
from kaoping.exact import Q, show
from kaoping.span import Span


@attrs.frozen
class Start:
    """`start max` (value None) or `start EXPR`."""

    value: Expr | None
    article: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        return "start max" if self.value is None else f"start {self.value}"


@attrs.frozen
class Add:
    """`add` (sign +1) or `deduct` (sign -1): amount × per, when cond holds."""

    sign: Literal[1, -1]
    amount: Expr
    per: Expr | None
    cond: Expr | None
    article: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        word = "add" if self.sign > 0 else "deduct"
        per = f" per {self.per}" if self.per is not None else ""
        cond = f" if {self.cond}" if self.cond is not None else ""
        return f"{word} {self.amount}{per}{cond}"


@attrs.frozen
class Cap:
    value: Expr
    article: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        return f"cap {self.value}"


@attrs.frozen
class Floor:
    """`floor N`, or `until zero` (扣完为止: the document's own words, so never a W403)."""

    value: Expr
    until_zero: bool = False
    article: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        return "until zero" if self.until_zero else f"floor {self.value}"


@attrs.frozen
class ZeroIf:
    cond: Expr
    article: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        return f"zero if {self.cond}"


@attrs.frozen
class Uncapped:
    article: str | None = None
    span: Span = _span()


@attrs.frozen
class RoundClause:
    places: int
    mode: RoundMode
    article: str | None = None
    span: Span = _span()


@attrs.frozen
class TakeHighest:
    article: str | None = None
    span: Span = _span()


@attrs.frozen
class TakeMean:
    excluding: tuple[str, ...]
    article: str | None = None
    span: Span = _span()


@attrs.frozen
class NotApplicable:
    """`not applicable if C [then group mean]`: the item does not apply to a unit where C holds
    (不涉及). It is then absent, and its section rescales (`rescale`); or, with `then group
    mean`, it is the mean of the item over the group's units it applies to (004 三)."""

    cond: Expr
    group_mean: bool
    article: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        return f"not applicable if {self.cond}" + (" then group mean" if self.group_mean else "")


@attrs.frozen
class Rescale:
    """`rescale` (不涉及项目折算): a section whose items may not apply scores the applicable ones
    out of its own maximum: their sum × max ÷ the sum of their maxima."""

    article: str | None = None
    span: Span = _span()


Clause = (
    Start
    | Add
    | Cap
    | Floor
    | ZeroIf
    | Uncapped
    | RoundClause
    | TakeHighest
    | TakeMean
    | NotApplicable
    | Rescale
)


# ------------------------------------------------------------------ scoring statements
@attrs.frozen
class Item:
    """An indicator: clauses, or a one-line formula."""

    name: str
    max: Q | None
    article: str | None
    clauses: tuple[Clause, ...]
    formula: Expr | None
    span: Span = _span()

    def __str__(self) -> str:
        head = f"item {self.name}" + (f" max {show(self.max)}" if self.max is not None else "")
        return f"{head} = {self.formula}" if self.formula is not None else f"{head}:"


@attrs.frozen
class Sheet:
    """`for NAME:` inside a section: items that only the unit NAME (or the units of the set
    NAME) has, under the shared section (一个单位的个性指标)."""

    name: str
    article: str | None
    children: tuple[Section | Item, ...]
    span: Span = _span()


@attrs.frozen
class Section:
    """A node of the indicator tree; children are summed unless a clause says otherwise. Its
    sheets add each unit's own children to the shared ones."""

    name: str
    max: Q | None
    article: str | None
    children: tuple[Section | Item, ...]
    clauses: tuple[Clause, ...]
    sheets: tuple[Sheet, ...] = ()
    span: Span = _span()

    def taking(self) -> tuple[str, tuple[str, ...]]:
        """How the children make the section (`sum`, `highest` or `mean`), and the children a
        mean leaves out (`take mean excluding …`); the last such clause decides."""
        mode, excluding = "sum", tuple[str, ...]()
        for cl in self.clauses:
            if isinstance(cl, TakeHighest):
                mode = "highest"
            elif isinstance(cl, TakeMean):
                mode, excluding = "mean", cl.excluding
        return mode, excluding

    def __str__(self) -> str:
        return (
            f"section {self.name}"
            + (f" max {show(self.max)}" if self.max is not None else "")
            + ":"
        )


@attrs.frozen
class Let:
    name: str
    expr: Expr
    article: str | None
    span: Span = _span()

    def __str__(self) -> str:
        return f"let {self.name} = {self.expr}"


@attrs.frozen
class Total:
    expr: Expr
    article: str | None
    span: Span = _span()

    def __str__(self) -> str:
        return f"total = {self.expr}"


@attrs.frozen
class Output:
    name: str
    expr: Expr
    article: str | None
    span: Span = _span()

    def __str__(self) -> str:
        return f"output {self.name} = {self.expr}"


@attrs.frozen
class Flag:
    name: str
    cond: Expr
    article: str | None
    span: Span = _span()

    def __str__(self) -> str:
        return f"flag {self.name} if {self.cond}"


@attrs.frozen
class Require:
    """`require X [ordered by P] distributed A 20%, … [rounded MODE]`: validate raters' ratings
    against the shares; with `ordered by`, the data may give each unit's place P in the raters'
    ordering instead of its rating X, and the shares turn places into ratings. Without a
    rounding, any split of floors and ceilings of share × n is allowed."""

    operand: Expr
    shares: tuple[Share, ...]
    mode: RoundMode | None
    order: str | None
    article: str | None
    span: Span = _span()


@attrs.frozen
class RequireRecords:
    """`require LIST of FIELD [ordered by P] [per KEY] [by PART] distributed …`: ratings of
    records (e.g. reform items) pooled over the group's units, each KEY counted once, checked
    PART by PART; with `ordered by`, a record may give its place P instead of its rating."""

    source: str
    field: str
    key: str | None
    by: str | None
    shares: tuple[Share, ...]
    mode: RoundMode | None
    order: str | None
    article: str | None
    span: Span = _span()


@attrs.frozen
class Requirement:
    """`require COND`: a condition on each unit's data (its inputs); a unit whose data breaks it
    is a data error naming the unit and the inputs with their values. `require same X`: a check
    across units, a data error naming the units that differ."""

    cond: Expr
    article: str | None
    # `require same X`: every unit (of a group, or of the scheme) gives the same X; `cond` is X
    same: bool = False
    span: Span = _span()

    def __str__(self) -> str:
        return f"require {'same ' if self.same else ''}{self.cond}"


@attrs.frozen
class Across:
    """`across group:` — values that read other units of the group; `across G1, G2:` — values
    that read the units of all the named groups together (a rank 在全区, over several groups)."""

    body: tuple[
        Section | Item | Let | Total | Output | Flag | Require | RequireRecords | Requirement, ...
    ]
    span: Span = _span()
    # the named groups of `across G1, G2:`; empty for `across group:` (the unit's own group)
    groups: tuple[str, ...] = ()
    article: str | None = None


Statement = (
    Section | Item | Let | Total | Output | Flag | Require | RequireRecords | Requirement | Across
)


@attrs.frozen
class Scoring:
    groups: tuple[str, ...]
    article: str | None
    body: tuple[Statement, ...]
    span: Span = _span()
