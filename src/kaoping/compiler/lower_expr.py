"""Lowering of expressions: operators, literals, references, calls, weights, the cohort
measures, bands and aggregates over records."""

from __future__ import annotations

from typing import Any

from lark import Token

from kaoping.compiler import ir
from kaoping.compiler.infer_context import canonical_function
from kaoping.compiler.lower_parts import (
    _ARITH,
    _CMP,
    LowerBase,
    _Ascending,
    _mode_after,
    _percent,
    _PerHighest,
    _Redistribute,
    _Weight,
    _Where,
)
from kaoping.exact import Q, whole_number


class ExprLowering(LowerBase):
    """One method per expression rule of the grammar, `(meta, children)` → IR."""

    # -------------------------------------------------------------- expressions
    def default(self, meta: Any, c: list[Any]) -> ir.Default:
        return ir.Default(c[0], c[1], span=self.sp(meta))

    def or_(self, meta: Any, c: list[Any]) -> ir.Logic:
        return ir.Logic("or", c[0], c[1], span=self.sp(meta))

    def and_(self, meta: Any, c: list[Any]) -> ir.Logic:
        return ir.Logic("and", c[0], c[1], span=self.sp(meta))

    def not_(self, meta: Any, c: list[Any]) -> ir.Not:
        return ir.Not(c[0], span=self.sp(meta))

    def compare(self, meta: Any, c: list[Any]) -> ir.Compare:
        return ir.Compare(_CMP[str(c[1])], c[0], c[2], span=self.sp(meta))  # type: ignore[arg-type]

    def member(self, meta: Any, c: list[Any]) -> ir.Member:
        return ir.Member(c[0], c[1], span=self.sp(meta))

    def binop(self, meta: Any, c: list[Any]) -> ir.BinOp:
        return ir.BinOp(_ARITH[str(c[1])], c[0], c[2], span=self.sp(meta))  # type: ignore[arg-type]

    def neg(self, meta: Any, c: list[Any]) -> ir.Expr:
        if isinstance(c[0], ir.Num):
            return ir.Num(-c[0].value, span=self.sp(meta))
        return ir.Neg(c[0], span=self.sp(meta))

    def lookup(self, meta: Any, c: list[Any]) -> ir.Lookup:
        table = c[0]
        name = table.name if isinstance(table, ir.Ref) else str(table)
        return ir.Lookup(name, c[1], span=self.sp(meta))

    def number(self, meta: Any, c: list[Token]) -> ir.Num:
        return ir.Num(self.literal(str(c[0])), span=self.sp(meta))

    def percent(self, meta: Any, c: list[Token]) -> ir.Num:
        return ir.Num(_percent(c[0]), span=self.sp(meta))

    def true(self, meta: Any, c: list[Any]) -> ir.Bool:
        return ir.Bool(True, span=self.sp(meta))

    def false(self, meta: Any, c: list[Any]) -> ir.Bool:
        return ir.Bool(False, span=self.sp(meta))

    def ref(self, meta: Any, c: list[Token]) -> ir.Ref:
        return ir.Ref(tuple(str(t) for t in c), span=self.sp(meta))

    def group_ref(self, meta: Any, c: list[Any]) -> ir.GroupRef:
        return ir.GroupRef(span=self.sp(meta))

    def total_ref(self, meta: Any, c: list[Any]) -> ir.TotalRef:
        return ir.TotalRef(span=self.sp(meta))

    def call(self, meta: Any, c: list[Any]) -> ir.Call:
        # built-ins take their English name, so `不足(x, 4)` and `shortfall(x, 4)` are equal IR
        return ir.Call(canonical_function(str(c[0])), tuple(c[1:]), span=self.sp(meta))

    def if_expr(self, meta: Any, c: list[Any]) -> ir.IfExpr:
        return ir.IfExpr(c[0], c[1], c[2], span=self.sp(meta))

    def weighted(self, meta: Any, c: list[Any]) -> ir.Weighted:
        parts = tuple(x for x in c if isinstance(x, ir.WeightPart))
        return ir.Weighted(parts, any(isinstance(x, _Redistribute) for x in c), span=self.sp(meta))

    def weight_part(self, meta: Any, c: list[Any]) -> ir.WeightPart:
        return ir.WeightPart(str(c[0]), c[1], span=self.sp(meta))

    def redistribute(self, meta: Any, c: list[Any]) -> _Redistribute:
        return _Redistribute()

    def best(self, meta: Any, c: list[Any]) -> ir.Best:
        return ir.Best(c[0], span=self.sp(meta))

    def group_lowest(self, meta: Any, c: list[Any]) -> ir.GroupLowest:
        return ir.GroupLowest(c[0], span=self.sp(meta))

    def group_mean(self, meta: Any, c: list[Any], others: bool = False) -> ir.GroupMean:
        weight = next((x.expr for x in c[1:] if isinstance(x, _Weight)), None)
        where = next((x.expr for x in c[1:] if isinstance(x, _Where)), None)
        return ir.GroupMean(c[0], weight, where, others, span=self.sp(meta))

    def group_count(self, meta: Any, c: list[Any]) -> ir.GroupCount:
        where = next((x.expr for x in c if isinstance(x, _Where)), None)
        return ir.GroupCount(where, span=self.sp(meta))

    def peer_mean(self, meta: Any, c: list[Any]) -> ir.GroupMean:
        return self.group_mean(meta, c, others=True)

    def mean_weight(self, meta: Any, c: list[Any]) -> _Weight:
        return _Weight(c[0])

    def mean_where(self, meta: Any, c: list[Any]) -> _Where:
        return _Where(c[0])

    def rank(self, meta: Any, c: list[Any]) -> ir.Rank:
        keys = tuple(x for x in c if not isinstance(x, _Ascending))
        return ir.Rank(keys, any(isinstance(x, _Ascending) for x in c), span=self.sp(meta))

    def ascending(self, meta: Any, c: list[Any]) -> _Ascending:
        return _Ascending()

    def distribute(self, meta: Any, c: list[Any]) -> ir.Distribute:
        return ir.Distribute(c[0], c[1], _mode_after(c, c[1]), span=self.sp(meta))

    def last_year(self, meta: Any, c: list[Any]) -> ir.LastYear:
        return ir.LastYear(c[0], span=self.sp(meta))

    def band(self, meta: Any, c: list[Any]) -> ir.Band:
        return ir.Band(c[0], tuple(c[1:]), span=self.sp(meta))

    def band_row(self, meta: Any, c: list[Any]) -> ir.BandRow:
        opener, low, _comma, high, closer, _colon, name = c
        return ir.BandRow(
            low, str(opener) == "[", high, str(closer) == "]", str(name), span=self.sp(meta)
        )

    def upper_bound(self, meta: Any, c: list[Any]) -> Q | None:
        return c[0] if isinstance(c[0], Q) else None

    def bound(self, meta: Any, c: list[Any]) -> Q | None:
        return c[0] if isinstance(c[0], Q) else None

    def neg_inf(self, meta: Any, c: list[Any]) -> None:
        return None

    def agg_sum(self, meta: Any, c: list[Any]) -> ir.Aggregate:
        return self._agg("sum", meta, c, has_value=True)

    def agg_count(self, meta: Any, c: list[Any]) -> ir.Aggregate:
        return self._agg("count", meta, c, has_value=False)

    def agg_mean(self, meta: Any, c: list[Any]) -> ir.Aggregate:
        return self._agg("mean", meta, c, has_value=True)

    def agg_highest(self, meta: Any, c: list[Any]) -> ir.Aggregate:
        return self._agg("highest", meta, c, has_value=True)

    def agg_lowest(self, meta: Any, c: list[Any]) -> ir.Aggregate:
        return self._agg("lowest", meta, c, has_value=True)

    def _agg(self, kind: Any, meta: Any, c: list[Any], has_value: bool) -> ir.Aggregate:
        source = str(c[0])
        value = c[1] if has_value else None
        tail = c[2:] if has_value else c[1:]
        where = next((x.expr for x in tail if isinstance(x, _Where)), None)
        per = next((x.field for x in tail if isinstance(x, _PerHighest)), None)
        drops = tuple(x for x in tail if isinstance(x, ir.Drop))
        return ir.Aggregate(kind, source, value, where, per, drops, span=self.sp(meta))

    def where(self, meta: Any, c: list[Any]) -> _Where:
        return _Where(c[0])

    def per_highest(self, meta: Any, c: list[Token]) -> _PerHighest:
        return _PerHighest(str(c[0]))

    def drop(self, meta: Any, c: list[Any]) -> ir.Drop:
        return ir.Drop(whole_number(str(c[0])), c[1], c[2], span=self.sp(meta))

    def drop_dir(self, meta: Any, c: list[Token]) -> str:
        return "lowest" if str(c[0]) in ("lowest", "最低") else "highest"
