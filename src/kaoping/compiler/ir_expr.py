"""The IR's expression nodes: numbers, references, operators, calls and the cohort measures.

One frozen attrs class per expression construct, each with a span kept out of equality. `ir`
gathers these with the declaration and rule nodes so the rest of the compiler reads `ir.Num`.
"""

from __future__ import annotations

from typing import Literal

import attrs

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
    """`drop N lowest|highest by KEY` inside an aggregate; an aggregate may have several, applied
    in the order written ("去掉一个最高分和一个最低分": one highest, then one lowest)."""

    count: int
    which: Literal["lowest", "highest"]
    key: Expr
    span: Span = _span()


@attrs.frozen
class Aggregate:
    """`sum|count|mean|highest|lowest LIST of EXPR where COND highest per FIELD drop … drop …`."""

    kind: Literal["sum", "count", "mean", "highest", "lowest"]
    source: str
    value: Expr | None
    where: Expr | None
    per_field: str | None
    drops: tuple[Drop, ...]
    span: Span = _span()

    def __str__(self) -> str:
        text = f"{self.kind} {self.source}"
        if self.value is not None:
            text += f" of {self.value}"
        if self.where is not None:
            text += f" where {self.where}"
        if self.per_field is not None:
            text += f" highest per {self.per_field}"
        for d in self.drops:
            text += f" drop {d.count} {d.which} by {d.key}"
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
class GroupCount:
    """`group count [where C]`: how many units the unit's group has (where C holds): 同类医院数,
    参评单位数, for a place turned into a share of the group."""

    where: Expr | None = None
    span: Span = _span()

    def __str__(self) -> str:
        return "group count" + (f" where {self.where}" if self.where is not None else "")


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


def share_text(share: Q) -> str:
    """A share as the rules write it: `20%`, or `1/3` where no percentage is exact."""
    percent = share * 100
    if 10**12 % int(percent.denominator) == 0:
        return f"{show(percent)}%"
    return f"{share.numerator}/{share.denominator}"


@attrs.frozen
class Distribute:
    """`distribute X into A 20%, B 60%, C 20% rounded MODE` (forced distribution). Without a
    rounding the band sizes are not determined, which the checker reports."""

    operand: Expr
    shares: tuple[Share, ...]
    mode: RoundMode | None
    span: Span = _span()

    def __str__(self) -> str:
        inner = ", ".join(f"{s.value} {share_text(s.share)}" for s in self.shares)
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
    | GroupCount
    | Rank
    | Distribute
    | LastYear
    | Band
    | Keyed
)
