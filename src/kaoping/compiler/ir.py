"""The IR: one frozen attrs class per construct of the language.

The span of a node is kept out of equality, so two files that say the same thing (one in
English keywords, one in Chinese) compile to equal IR. `__str__` prints the construct as the
English keyword set writes it; the IR is what `check`, `emit` and any later backend read.
"""

from __future__ import annotations

from typing import Literal

import attrs

from kaoping.compiler.walk import chain_links as chain_links
from kaoping.compiler.walk import continues_run as continues_run
from kaoping.compiler.walk import run_text
from kaoping.exact import Mode, Q, show
from kaoping.span import NO_SPAN, Span


def _span() -> Span:
    return attrs.field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


RoundMode = Mode


# ------------------------------------------------------------------ expressions
@attrs.frozen
class Num:
    """A number literal, exact (percentages are already divided by 100)."""

    value: Q
    span: Span = _span()

    def __str__(self) -> str:
        return show(self.value)


@attrs.frozen
class Bool:
    """`true` / `false`."""

    value: bool
    span: Span = _span()

    def __str__(self) -> str:
        return "true" if self.value else "false"


@attrs.frozen
class Ref:
    """A name: an input, a value of the scoring block, a record field, or an enum value."""

    path: tuple[str, ...]
    span: Span = _span()

    @property
    def name(self) -> str:
        return ".".join(self.path)

    def __str__(self) -> str:
        return self.name


@attrs.frozen
class TotalRef:
    """`total`: the group total of the unit."""

    span: Span = _span()

    def __str__(self) -> str:
        return "total"


@attrs.frozen
class MaxRef:
    """`max`: the maximum of the item (or section) whose rule it stands in (`cap max`)."""

    span: Span = _span()

    def __str__(self) -> str:
        return "max"


@attrs.frozen
class GroupRef:
    """`unit group`: the group the unit is assessed in, compared with group names."""

    span: Span = _span()

    def __str__(self) -> str:
        return "unit group"


@attrs.frozen
class BinOp:
    """Arithmetic: `+ - × ÷`."""

    op: Literal["+", "-", "*", "/"]
    left: Expr
    right: Expr
    span: Span = _span()

    def __str__(self) -> str:
        return run_text(self)


@attrs.frozen
class Neg:
    operand: Expr
    span: Span = _span()

    def __str__(self) -> str:
        return f"-{self.operand}"


@attrs.frozen
class Compare:
    op: Literal["=", "!=", "<", "<=", ">", ">="]
    left: Expr
    right: Expr
    span: Span = _span()

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


@attrs.frozen
class Member:
    """`X in {A, B}`."""

    operand: Expr
    values: tuple[str, ...]
    span: Span = _span()

    def __str__(self) -> str:
        return f"{self.operand} in {{{', '.join(self.values)}}}"


@attrs.frozen
class Logic:
    """`and` / `or` over two yes/no values."""

    op: Literal["and", "or"]
    left: Expr
    right: Expr
    span: Span = _span()

    def __str__(self) -> str:
        return run_text(self)


@attrs.frozen
class Not:
    operand: Expr
    span: Span = _span()

    def __str__(self) -> str:
        return f"not {self.operand}"


@attrs.frozen
class IfExpr:
    cond: Expr
    then: Expr
    otherwise: Expr
    span: Span = _span()

    def __str__(self) -> str:
        return f"if {self.cond} then {self.then} else {self.otherwise}"


@attrs.frozen
class Default:
    """`X default V`: an optional value, or V when it is absent."""

    operand: Expr
    fallback: Expr
    span: Span = _span()

    def __str__(self) -> str:
        return f"{self.operand} default {self.fallback}"


@attrs.frozen
class Lookup:
    """`TABLE[KEY]`."""

    table: str
    key: Expr
    span: Span = _span()

    def __str__(self) -> str:
        return f"{self.table}[{self.key}]"


@attrs.frozen
class Call:
    """A built-in (`least`, `shortfall`, …) or a plugin-contributed rule function."""

    func: str
    args: tuple[Expr, ...]
    span: Span = _span()

    def __str__(self) -> str:
        return f"{self.func}({', '.join(map(str, self.args))})"


@attrs.frozen
class Drop:
    """`drop N lowest|highest by KEY` inside an aggregate."""

    count: int
    which: Literal["lowest", "highest"]
    key: Expr
    span: Span = _span()


@attrs.frozen
class Aggregate:
    """`sum|count|mean|highest|lowest LIST of EXPR where COND highest per FIELD drop …`."""

    kind: Literal["sum", "count", "mean", "highest", "lowest"]
    source: str
    value: Expr | None
    where: Expr | None
    per_field: str | None
    drop: Drop | None
    span: Span = _span()

    def __str__(self) -> str:
        text = f"{self.kind} {self.source}"
        if self.value is not None:
            text += f" of {self.value}"
        if self.where is not None:
            text += f" where {self.where}"
        if self.per_field is not None:
            text += f" highest per {self.per_field}"
        if self.drop is not None:
            text += f" drop {self.drop.count} {self.drop.which} by {self.drop.key}"
        return text


@attrs.frozen
class WeightPart:
    name: str
    weight: Expr
    span: Span = _span()


@attrs.frozen
class Weighted:
    """`weighted {A: 60%, B: 40%} [redistribute equally]`."""

    parts: tuple[WeightPart, ...]
    redistribute: bool
    span: Span = _span()

    def __str__(self) -> str:
        inner = ", ".join(f"{p.name}: {p.weight}" for p in self.parts)
        return f"weighted {{{inner}}}" + (" redistribute equally" if self.redistribute else "")


@attrs.frozen
class Best:
    """`best X`: the highest X in the unit's group."""

    operand: Expr
    span: Span = _span()

    def __str__(self) -> str:
        return f"best {self.operand}"


@attrs.frozen
class GroupLowest:
    """`group lowest X`: the lowest X in the unit's group (the best, when less is better)."""

    operand: Expr
    span: Span = _span()

    def __str__(self) -> str:
        return f"group lowest {self.operand}"


@attrs.frozen
class GroupMean:
    """`group mean X [weighted by W] [where C]`: mean of X over the units of the group where X is
    present (and C holds), each counted W times; `peer mean` (others) leaves the unit out."""

    operand: Expr
    weight: Expr | None = None
    where: Expr | None = None
    others: bool = False
    span: Span = _span()

    def __str__(self) -> str:
        text = f"{'peer' if self.others else 'group'} mean {self.operand}"
        if self.weight is not None:
            text += f" weighted by {self.weight}"
        if self.where is not None:
            text += f" where {self.where}"
        return text


@attrs.frozen
class Rank:
    """`rank by X, Y [ascending]`: 1 for the best; equal keys share a rank."""

    keys: tuple[Expr, ...]
    ascending: bool
    span: Span = _span()

    def __str__(self) -> str:
        return (
            "rank by " + ", ".join(map(str, self.keys)) + (" ascending" if self.ascending else "")
        )


@attrs.frozen
class Share:
    value: str
    share: Q
    span: Span = _span()


@attrs.frozen
class Distribute:
    """`distribute X into A 20%, B 60%, C 20% rounded MODE` (forced distribution). Without a
    rounding the band sizes are not determined, which the checker reports."""

    operand: Expr
    shares: tuple[Share, ...]
    mode: RoundMode | None
    span: Span = _span()

    def __str__(self) -> str:
        inner = ", ".join(f"{s.value} {show(s.share * 100)}%" for s in self.shares)
        rounded = f" rounded {self.mode}" if self.mode is not None else ""
        return f"distribute {self.operand} into {inner}{rounded}"


@attrs.frozen
class LastYear:
    """`last year X`: last year's value for the same unit (absent without history)."""

    operand: Expr
    span: Span = _span()

    def __str__(self) -> str:
        return f"last year {self.operand}"


@attrs.frozen
class BandRow:
    low: Q | None  # None: -inf
    low_closed: bool
    high: Q | None  # None: +inf
    high_closed: bool
    value: str
    span: Span = _span()


@attrs.frozen
class Band:
    """`band X {[a, b): V, …}`: a number to an enum value by intervals."""

    operand: Expr
    rows: tuple[BandRow, ...]
    span: Span = _span()

    def __str__(self) -> str:
        return f"band {self.operand} {{…}}"


@attrs.frozen
class KeyRow:
    """A row of a keyed item: the key's interval and its value, or one value per whole number
    of the interval (`1 to 5: 60, 57, 54, 51, 48`); `otherwise` covers every other key."""

    low: Q | None  # None: -inf
    low_closed: bool
    high: Q | None  # None: +inf
    high_closed: bool
    values: tuple[Expr, ...]
    otherwise: bool = False
    span: Span = _span()


@attrs.frozen
class Keyed:
    """`item X by KEY:` with rows: a number (a rank, a count) to points, one row per range."""

    key: Expr
    rows: tuple[KeyRow, ...]
    span: Span = _span()

    def __str__(self) -> str:
        return f"by {self.key} {{…}}"


Expr = (
    Num
    | Bool
    | Ref
    | TotalRef
    | MaxRef
    | GroupRef
    | BinOp
    | Neg
    | Compare
    | Member
    | Logic
    | Not
    | IfExpr
    | Default
    | Lookup
    | Call
    | Aggregate
    | Weighted
    | Best
    | GroupLowest
    | GroupMean
    | Rank
    | Distribute
    | LastYear
    | Band
    | Keyed
)


# ------------------------------------------------------------------ types
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


# ------------------------------------------------------------------ item clauses
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


# ------------------------------------------------------------------ grading
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

    def __str__(self) -> str:
        size = (
            f"{self.count}"
            if self.count is not None
            else f"{show((self.share or Q(0)) * 100)}% rounded {self.mode}"
        )
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
    """`promote G if C` / `demote G if C`."""

    kind: Literal["promote", "demote"]
    grade: str
    cond: Expr
    article: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
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
