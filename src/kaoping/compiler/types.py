"""Value types and static ranges. The checker proves the interval every number can take from
the declared input types; that is what tells a cap it can never bind, or a band set with a gap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import attrs

from kaoping.exact import Q, show

Kind = Literal["number", "bool", "enum", "text", "list", "error"]


@attrs.frozen
class Ty:
    kind: Kind
    low: Q | None = None  # numbers only; None = unbounded
    high: Q | None = None
    enum: str | None = None  # enums: which
    record: str | None = None  # lists: of which record
    optional: bool = False
    integer: bool = False
    # never zero, though a bound is: what `require x > 0` proves of a number with no least
    # step, which a closed range cannot say (a divisor that needs no `default`)
    nonzero: bool = False

    def __str__(self) -> str:
        base = {"number": "number", "bool": "yesno", "text": "text"}.get(self.kind)
        if self.kind == "enum":
            base = f"enum {self.enum}"
        elif self.kind == "list":
            base = f"list of {self.record}"
        elif base is None:
            base = self.kind
        return base + (" (optional)" if self.optional else "")

    @property
    def zh(self) -> str:
        """The type as the Chinese keyword set names it, for Chinese diagnostics."""
        base = {"number": "数值", "bool": "是否", "text": "文本", "error": "错误"}.get(self.kind)
        if self.kind == "enum":
            base = f"枚举 {self.enum}"
        elif self.kind == "list":
            base = f"列表 {self.record}"
        return (base or self.kind) + ("(可缺)" if self.optional else "")

    def required(self) -> Ty:
        # a type that is already so is given back as it is: asked for every value typed
        return attrs.evolve(self, optional=False) if self.optional else self

    def maybe(self, optional: bool = True) -> Ty:
        return attrs.evolve(self, optional=True) if optional and not self.optional else self

    @property
    def range_text(self) -> str:
        lo = "-∞" if self.low is None else _fmt(self.low)
        hi = "+∞" if self.high is None else _fmt(self.high)
        opening = "(" if self.nonzero and self.low == 0 else "["
        closing = ")" if self.nonzero and self.high == 0 else "]"
        return f"{opening}{lo}, {hi}{closing}"


def _fmt(d: Q) -> str:
    """A bound in a diagnostic: exact when its decimals end, else ≈ rounded."""
    return show(d)


def number(low: Q | None = None, high: Q | None = None, integer: bool = False) -> Ty:
    return Ty("number", low, high, integer=integer)


BOOL = Ty("bool")
TEXT = Ty("text")
ANY_NUMBER = number()
# the type of an expression already reported as wrong: accepted everywhere, so one mistake
# gives one diagnostic rather than a cascade
ERROR = Ty("error")


_CONSTS: dict[Q, Ty] = {}  # the type of each number met: the same few come back on every rule
_CONSTS_MAX = 10_000  # numbers remembered, kept between schemes (the LSP checks for hours)


def const(value: Q) -> Ty:
    if type(value) is not Q:  # (an equal number of another type is another key's twin)
        return number(value, value, integer=value.denominator == 1)
    ty = _CONSTS.get(value)
    if ty is None:
        if len(_CONSTS) >= _CONSTS_MAX:
            _CONSTS.clear()
        ty = _CONSTS[value] = number(value, value, integer=value.denominator == 1)
    return ty


def add(a: Ty, b: Ty) -> Ty:
    return number(
        _op(a.low, b.low, lambda x, y: x + y),
        _op(a.high, b.high, lambda x, y: x + y),
        a.integer and b.integer,
    )


def sub(a: Ty, b: Ty) -> Ty:
    return number(
        _op(a.low, b.high, lambda x, y: x - y),
        _op(a.high, b.low, lambda x, y: x - y),
        a.integer and b.integer,
    )


def neg(a: Ty) -> Ty:
    negated = number(
        None if a.high is None else -a.high, None if a.low is None else -a.low, a.integer
    )
    return attrs.evolve(negated, nonzero=True) if a.nonzero else negated


def _nonzero_product(product: Ty, a: Ty, b: Ty) -> Ty:
    """A product of two numbers that are never zero is never zero."""
    never = not can_be_zero(a) and not can_be_zero(b) and can_be_zero(product)
    return attrs.evolve(product, nonzero=True) if never else product


def mul(a: Ty, b: Ty) -> Ty:
    bounds = [a.low, a.high, b.low, b.high]
    if all(x is not None for x in bounds):
        assert a.low is not None and a.high is not None and b.low is not None and b.high is not None
        products = [a.low * b.low, a.low * b.high, a.high * b.low, a.high * b.high]
        return _nonzero_product(number(min(products), max(products), a.integer and b.integer), a, b)
    if a.low is not None and b.low is not None and a.low >= 0 and b.low >= 0:
        high = None if a.high is None or b.high is None else a.high * b.high
        return _nonzero_product(number(a.low * b.low, high, a.integer and b.integer), a, b)
    return _nonzero_product(ANY_NUMBER, a, b)


def div(a: Ty, b: Ty) -> Ty:
    if b.low is not None and b.low > 0 and all(x is not None for x in (a.low, a.high, b.high)):
        assert a.low is not None and a.high is not None and b.high is not None
        quotients = [a.low / b.low, a.low / b.high, a.high / b.low, a.high / b.high]
        return number(min(quotients), max(quotients))
    if a.low is not None and a.low >= 0 and b.low is not None and b.low >= 0:
        return number(Q(0), None)
    return ANY_NUMBER


def can_be_zero(t: Ty) -> bool:
    if t.nonzero:
        return False
    return not ((t.low is not None and t.low > 0) or (t.high is not None and t.high < 0))


def zero_ruled_out(t: Ty) -> bool:
    """Whether only a requirement keeps `t` from being zero (its range holds 0)."""
    return t.nonzero and can_be_zero(attrs.evolve(t, nonzero=False))


def union(a: Ty, b: Ty) -> Ty:
    low = None if a.low is None or b.low is None else min(a.low, b.low)
    high = None if a.high is None or b.high is None else max(a.high, b.high)
    return number(low, high, a.integer and b.integer)


def clamp(a: Ty, floor: Q | None, cap: Q | None) -> Ty:
    low, high = a.low, a.high
    if floor is not None:
        low = floor if low is None else max(low, floor)
        high = None if high is None else max(high, floor)
    if cap is not None:
        high = cap if high is None else min(high, cap)
        low = None if low is None else min(low, cap)
    return number(low, high, a.integer)


def intersect(a: Ty, b: Ty) -> Ty:
    """`a` narrowed to what `b` allows (keeping whether `a` may be absent). Where the two share
    no number (a branch no unit reaches: `if x > 0` inside `else` of `if x > 0`, or a
    requirement no data meets), `b` is taken: what is typed there is never computed, and an
    empty range would divide by zero in the checker's own arithmetic."""
    low = b.low if a.low is None else (a.low if b.low is None else max(a.low, b.low))
    high = b.high if a.high is None else (a.high if b.high is None else min(a.high, b.high))
    if low is not None and high is not None and low > high:
        low, high = b.low, b.high
    return attrs.evolve(
        a, low=low, high=high, integer=a.integer or b.integer, nonzero=a.nonzero or b.nonzero
    )


def never_zero(a: Ty) -> Ty:
    """`a`, known never to be zero (`require a > 0`, `a < 0`, `a ≠ 0`)."""
    return attrs.evolve(a, nonzero=True)


def with_zero(a: Ty) -> Ty:
    return union(a, const(Q(0)))


def _op(x: Q | None, y: Q | None, f: Callable[[Q, Q], Q]) -> Q | None:
    if x is None or y is None:
        return None
    return f(x, y)
