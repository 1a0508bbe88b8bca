"""What the lowering methods share: the spans of tree nodes, the spellings of rounding modes and
operators, and the small marker values a rule's method hands to its parent's (a title, an
article, `per`, `where`…) before they become IR fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast, get_args

from lark import Token
from lark.tree import Meta

from kaoping.compiler import ir
from kaoping.diagnostics import Diagnostic
from kaoping.exact import Q, literal
from kaoping.span import Span, span_of

_MODES: dict[str, ir.RoundMode] = {
    "half-up": "half-up",
    "四舍五入": "half-up",
    "half-even": "half-even",
    "银行家舍入": "half-even",
    "down": "down",
    "去尾": "down",
    "up": "up",
    "进一": "up",
}


_CMP: dict[str, str] = {
    "=": "=",
    "==": "=",
    "!=": "!=",
    "≠": "!=",
    "<": "<",
    "<=": "<=",
    "≤": "<=",
    ">": ">",
    ">=": ">=",
    "≥": ">=",
}


_ARITH: dict[str, str] = {"+": "+", "-": "-", "*": "*", "×": "*", "/": "/", "÷": "/"}


def _str(tok: Token) -> str:
    text = str(tok)
    return text[1:-1]


def _percent(tok: Token) -> Q:
    return literal(str(tok)[:-1]) / 100


def _share(tok: Token) -> Q:
    """`20%`, or `1/3` (a document's 三分之一, which no percentage writes exactly); n/0 is no
    share, and reads as 0 (the checker says a share lies between 0 and 100%)."""
    if tok.type != "FRACTION":
        return _percent(tok)
    top, _, bottom = str(tok).partition("/")
    whole = literal(bottom)
    return literal(top) / whole if whole else Q(0)


_Bounds = tuple[Q | None, bool, Q | None, bool]


class _Title:
    def __init__(self, text: str, span: Span):
        self.text, self.span = text, span


class _Article:
    def __init__(self, text: str, span: Span):
        self.text, self.span = text, span


class _Text:
    def __init__(self, text: str):
        self.text = text


class LoweringError(Exception):
    """A rule the grammar accepts but the language does not (a part given twice): reported as a
    diagnostic of its file."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.headline())
        self.diagnostic = diagnostic


class _Key:
    def __init__(self, name: str):
        self.name = name


class _PartBy(_Key):
    pass


class _OrderedBy(_Key):
    pass


class _EnumName(_Key):
    pass


class _Groups:
    def __init__(self, names: tuple[str, ...], span: Span):
        self.names, self.span = names, span


class _Max:
    def __init__(self, value: Q):
        self.value = value


class _Wrapped:
    def __init__(self, expr: ir.Expr):
        self.expr = expr


class _Per(_Wrapped):
    pass


class _If(_Wrapped):
    pass


class _ByKeys:
    def __init__(self, keys: tuple[ir.Expr, ...]):
        self.keys = keys


class _Where(_Wrapped):
    pass


class _Minimum:
    def __init__(self, count: int):
        self.count = count


class _Weight(_Wrapped):
    pass


class _PerHighest:
    def __init__(self, field: str):
        self.field = field


class _Redistribute:
    pass


class _Ascending:
    pass


_ClauseTypes = (
    ir.Start,
    ir.Add,
    ir.Cap,
    ir.Floor,
    ir.ZeroIf,
    ir.Uncapped,
    ir.RoundClause,
    ir.TakeHighest,
    ir.TakeMean,
    ir.NotApplicable,
    ir.Rescale,
)


def _mode_after(children: list[Any], shares: object) -> ir.RoundMode | None:
    """The rounding written after a share list, or None where the rules declare none."""
    at = next(i for i, x in enumerate(children) if x is shares) + 1
    if at < len(children) and children[at] in get_args(ir.RoundMode):
        return cast(ir.RoundMode, children[at])
    return None


class LowerBase:
    """The file being lowered and the spans of its tree nodes; each lowering class builds on it."""

    def __init__(self, path: str):
        self.path = path
        self.numbers: dict[str, Q] = {}  # each number's value, by its text: the same few recur

    def literal(self, text: str) -> Q:
        value = self.numbers.get(text)
        if value is None:
            value = self.numbers[text] = literal(text)
        return value

    def sp(self, meta: Any) -> Span:
        if type(meta) is Meta and not meta.empty:  # a node with its positions: most calls
            line, col = meta.line, meta.column
            return Span(self.path, line, col, meta.end_line or line, meta.end_column or col)
        return span_of(self.path, meta)

    def tok_span(self, tok: Token) -> Span:
        return span_of(self.path, tok)

    # -------------------------------------------------------------- helpers
    @staticmethod
    def _article(children: Iterable[Any]) -> str | None:
        for c in children:
            if isinstance(c, _Article):
                return c.text
        return None
