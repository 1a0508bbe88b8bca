"""Lowering of scoring and grading blocks: sections, sheets, items and their clauses, the
statements of a block, grading lines and consequences."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import attrs
from lark import Token

from kaoping.compiler import ir
from kaoping.compiler.lower_parts import (
    LowerBase,
    _Article,
    _Bounds,
    _ByKeys,
    _ClauseTypes,
    _EnumName,
    _Groups,
    _If,
    _Key,
    _Max,
    _Minimum,
    _mode_after,
    _OrderedBy,
    _PartBy,
    _Per,
    _percent,
    _share,
    _Where,
)
from kaoping.exact import Q, whole_number


class ScoringLowering(LowerBase):
    """One method per scoring or grading rule of the grammar, `(meta, children)` → IR."""

    # -------------------------------------------------------------- scoring
    def scoring_block(self, meta: Any, c: list[Any]) -> ir.Scoring:
        body = tuple(x for x in c[1:] if not isinstance(x, _Article))
        return ir.Scoring(c[0], self._article(c[1:]), body, span=self.sp(meta))

    def max_spec(self, meta: Any, c: list[Any]) -> _Max:
        return _Max(c[0])

    @staticmethod
    def _max(children: Iterable[Any]) -> Q | None:
        for x in children:
            if isinstance(x, _Max):
                return x.value
        return None

    def section(self, meta: Any, c: list[Any]) -> ir.Section:
        rest = c[1:]
        children = tuple(x for x in rest if isinstance(x, ir.Section | ir.Item))
        clauses = tuple(x for x in rest if isinstance(x, _ClauseTypes))
        return ir.Section(
            str(c[0]),
            self._max(rest),
            self._article(x for x in rest if isinstance(x, _Article)),
            children,
            clauses,
            tuple(x for x in rest if isinstance(x, ir.Sheet)),
            span=self.sp(meta),
        )

    def sheet(self, meta: Any, c: list[Any]) -> ir.Sheet:
        children = tuple(x for x in c[1:] if isinstance(x, ir.Section | ir.Item))
        return ir.Sheet(str(c[0]), self._article(c[1:]), children, span=self.sp(meta))

    def item_block(self, meta: Any, c: list[Any]) -> ir.Item:
        rest = c[1:]
        clauses = tuple(x for x in rest if isinstance(x, _ClauseTypes))
        return ir.Item(
            str(c[0]), self._max(rest), self._article(rest), clauses, None, span=self.sp(meta)
        )

    def item_formula(self, meta: Any, c: list[Any]) -> ir.Item:
        rest = c[1:-1]
        return ir.Item(
            str(c[0]), self._max(rest), self._article(rest), (), c[-1], span=self.sp(meta)
        )

    def item_keyed(self, meta: Any, c: list[Any]) -> ir.Item:
        rest = c[1:]
        rows = tuple(x for x in rest if isinstance(x, ir.KeyRow))
        key = next(x for x in rest if not isinstance(x, _Max | _Article | ir.KeyRow))
        keyed = ir.Keyed(key, rows, span=self.sp(meta))
        return ir.Item(
            str(c[0]), self._max(rest), self._article(rest), (), keyed, span=self.sp(meta)
        )

    def key_row(self, meta: Any, c: list[Any]) -> ir.KeyRow:
        low, low_closed, high, high_closed = c[0]
        return ir.KeyRow(low, low_closed, high, high_closed, tuple(c[1:]), span=self.sp(meta))

    def key_otherwise(self, meta: Any, c: list[Any]) -> ir.KeyRow:
        return ir.KeyRow(None, False, None, False, (c[0],), True, span=self.sp(meta))

    def key_one(self, meta: Any, c: list[Any]) -> _Bounds:
        return c[0], True, c[0], True

    def key_range(self, meta: Any, c: list[Any]) -> _Bounds:
        return c[0], True, c[1], c[1] is not None

    def key_interval(self, meta: Any, c: list[Any]) -> _Bounds:
        opener, low, _comma, high, closer = c
        return low, str(opener) == "[", high, str(closer) == "]"

    def clause_line(self, meta: Any, c: list[Any]) -> ir.Clause:
        clause = c[0]
        art = self._article(c[1:]) if len(c) > 1 else None
        return cast(ir.Clause, attrs.evolve(clause, article=art, span=self.sp(meta)))

    def start_clause(self, meta: Any, c: list[Any]) -> ir.Start:
        # `start max` alone is the clause 起评满分 (value None); `start max - 2` an expression
        value = None if isinstance(c[0], ir.MaxRef) else c[0]
        return ir.Start(value, span=self.sp(meta))

    def max_ref(self, meta: Any, c: list[Any]) -> ir.MaxRef:
        return ir.MaxRef(span=self.sp(meta))

    def _add(self, sign: int, meta: Any, c: list[Any]) -> ir.Add:
        per = next((x.expr for x in c[1:] if isinstance(x, _Per)), None)
        cond = next((x.expr for x in c[1:] if isinstance(x, _If)), None)
        return ir.Add(1 if sign > 0 else -1, c[0], per, cond, span=self.sp(meta))

    def add_clause(self, meta: Any, c: list[Any]) -> ir.Add:
        return self._add(1, meta, c)

    def deduct_clause(self, meta: Any, c: list[Any]) -> ir.Add:
        return self._add(-1, meta, c)

    def per_part(self, meta: Any, c: list[Any]) -> _Per:
        return _Per(c[0])

    def if_part(self, meta: Any, c: list[Any]) -> _If:
        return _If(c[0])

    def cap_clause(self, meta: Any, c: list[Any]) -> ir.Cap:
        return ir.Cap(c[0], span=self.sp(meta))

    def floor_clause(self, meta: Any, c: list[Any]) -> ir.Floor:
        return ir.Floor(c[0], span=self.sp(meta))

    def until_zero(self, meta: Any, c: list[Any]) -> ir.Floor:
        return ir.Floor(ir.Num(Q(0), span=self.sp(meta)), True, span=self.sp(meta))

    def zero_if(self, meta: Any, c: list[Any]) -> ir.ZeroIf:
        return ir.ZeroIf(c[0], span=self.sp(meta))

    def uncapped(self, meta: Any, c: list[Any]) -> ir.Uncapped:
        return ir.Uncapped(span=self.sp(meta))

    def round_clause(self, meta: Any, c: list[Any]) -> ir.RoundClause:
        places, mode = c[0]
        return ir.RoundClause(places, mode, span=self.sp(meta))

    def take_highest(self, meta: Any, c: list[Any]) -> ir.TakeHighest:
        return ir.TakeHighest(span=self.sp(meta))

    def take_mean(self, meta: Any, c: list[Any]) -> ir.TakeMean:
        return ir.TakeMean(c[0] if c else (), span=self.sp(meta))

    def not_applicable(self, meta: Any, c: list[Any]) -> ir.NotApplicable:
        return ir.NotApplicable(c[0], len(c) > 1, span=self.sp(meta))

    def impute(self, meta: Any, c: list[Any]) -> bool:
        return True

    def rescale(self, meta: Any, c: list[Any]) -> ir.Rescale:
        return ir.Rescale(span=self.sp(meta))

    def let_stmt(self, meta: Any, c: list[Any]) -> ir.Let:
        return ir.Let(str(c[0]), c[1], self._article(c[2:]), span=self.sp(meta))

    def total_stmt(self, meta: Any, c: list[Any]) -> ir.Total:
        return ir.Total(c[0], self._article(c[1:]), span=self.sp(meta))

    def output_stmt(self, meta: Any, c: list[Any]) -> ir.Output:
        return ir.Output(str(c[0]), c[1], self._article(c[2:]), span=self.sp(meta))

    def flag_stmt(self, meta: Any, c: list[Any]) -> ir.Flag:
        return ir.Flag(str(c[0]), c[1], self._article(c[2:]), span=self.sp(meta))

    def require_stmt(self, meta: Any, c: list[Any]) -> ir.Require:
        order = next((x.name for x in c[1:] if isinstance(x, _OrderedBy)), None)
        shares = next(x for x in c[1:] if isinstance(x, tuple))
        return ir.Require(
            c[0], shares, _mode_after(c, shares), order, self._article(c), span=self.sp(meta)
        )

    def require_records(self, meta: Any, c: list[Any]) -> ir.RequireRecords:
        # exact types: `_PartBy` and `_OrderedBy` are `_Key`s too
        key = next((x.name for x in c[2:] if type(x) is _Key), None)
        by = next((x.name for x in c[2:] if type(x) is _PartBy), None)
        order = next((x.name for x in c[2:] if type(x) is _OrderedBy), None)
        shares = next(x for x in c if isinstance(x, tuple))
        return ir.RequireRecords(
            str(c[0]),
            str(c[1]),
            key,
            by,
            shares,
            _mode_after(c, shares),
            order,
            self._article(c),
            span=self.sp(meta),
        )

    def require_cond(self, meta: Any, c: list[Any]) -> ir.Requirement:
        return ir.Requirement(c[0], self._article(c[1:]), span=self.sp(meta))

    def require_same(self, meta: Any, c: list[Any]) -> ir.Requirement:
        return ir.Requirement(c[0], self._article(c[1:]), True, span=self.sp(meta))

    def ordered_by(self, meta: Any, c: list[Token]) -> _OrderedBy:
        return _OrderedBy(str(c[0]))

    def record_key(self, meta: Any, c: list[Token]) -> _Key:
        return _Key(str(c[0]))

    def record_by(self, meta: Any, c: list[Token]) -> _PartBy:
        return _PartBy(str(c[0]))

    def across_block(self, meta: Any, c: list[Any]) -> ir.Across:
        return ir.Across(tuple(c), span=self.sp(meta))

    def across_groups(self, meta: Any, c: list[Any]) -> ir.Across:
        body = tuple(x for x in c[1:] if not isinstance(x, _Article))
        return ir.Across(body, span=self.sp(meta), groups=c[0], article=self._article(c[1:]))

    def share_list(self, meta: Any, c: list[Any]) -> tuple[ir.Share, ...]:
        return tuple(c)

    def share(self, meta: Any, c: list[Token]) -> ir.Share:
        return ir.Share(str(c[0]), _share(c[1]), span=self.sp(meta))

    def rounded(self, meta: Any, c: list[Any]) -> ir.RoundMode:
        return cast(ir.RoundMode, c[-1])

    # -------------------------------------------------------------- grading
    def grading_block(self, meta: Any, c: list[Any]) -> ir.Grading:
        enum = next((x.name for x in c[1:] if isinstance(x, _EnumName)), str(c[0]))
        rules = tuple(x for x in c[1:] if not isinstance(x, _Article | _EnumName))
        return ir.Grading(str(c[0]), enum, self._article(c[1:]), rules, span=self.sp(meta))

    def grading_enum(self, meta: Any, c: list[Token]) -> _EnumName:
        return _EnumName(str(c[0]))

    def grade_line(self, meta: Any, c: list[Any]) -> ir.GradeRule:
        rule = c[0]
        art = self._article(c[1:])
        return cast(
            ir.GradeRule,
            rule.__class__(
                **{
                    **{f.name: getattr(rule, f.name) for f in rule.__attrs_attrs__},
                    "article": art,
                    "span": self.sp(meta),
                }
            ),
        )

    def bar_rule(self, meta: Any, c: list[Any]) -> ir.Bar:
        return ir.Bar(c[0], c[1], span=self.sp(meta))

    def quota_rule(self, meta: Any, c: list[Any]) -> ir.Quota:
        size = c[1]
        by = next((x.keys for x in c[2:] if isinstance(x, _ByKeys)), ())
        groups = next((x.names for x in c[2:] if isinstance(x, _Groups)), ())
        minimum = next((x.count for x in c[2:] if isinstance(x, _Minimum)), None)
        where = next((x.expr for x in c[2:] if isinstance(x, _Where)), None)
        return ir.Quota(
            str(c[0]),
            size[0],
            size[1],
            size[2],
            by,
            groups,
            span=self.sp(meta),
            minimum=minimum,
            where=where,
        )

    def quota_min(self, meta: Any, c: list[Token]) -> _Minimum:
        return _Minimum(whole_number(str(c[0])))

    def quota_where(self, meta: Any, c: list[Any]) -> _Where:
        return _Where(c[0])

    def quota_count(self, meta: Any, c: list[Token]) -> tuple[int, None, None]:
        return whole_number(str(c[0])), None, None

    def quota_share(self, meta: Any, c: list[Any]) -> tuple[None, Q, ir.RoundMode]:
        return None, _percent(c[0]), c[1]

    def quota_fraction(self, meta: Any, c: list[Any]) -> tuple[None, Q, ir.RoundMode]:
        # `前 1/3`: a share a percentage would only approximate (33.33% of 9 units is 2.9997)
        return None, _share(c[0]), c[1]

    def quota_by(self, meta: Any, c: list[Any]) -> _ByKeys:
        return _ByKeys(tuple(c))

    def quota_in(self, meta: Any, c: list[Any]) -> _Groups:
        return _Groups(c[0], self.sp(meta))

    def grade_if(self, meta: Any, c: list[Any]) -> ir.GradeIf:
        return ir.GradeIf(str(c[0]), c[1], span=self.sp(meta))

    def grade_otherwise(self, meta: Any, c: list[Any]) -> ir.Otherwise:
        return ir.Otherwise(str(c[0]), span=self.sp(meta))

    def promote_rule(self, meta: Any, c: list[Any]) -> ir.Override:
        return ir.Override("promote", str(c[0]), c[1], span=self.sp(meta))

    def demote_rule(self, meta: Any, c: list[Any]) -> ir.Override:
        return ir.Override("demote", str(c[0]), c[1], span=self.sp(meta))

    def step_down_rule(self, meta: Any, c: list[Any]) -> ir.Override:
        return ir.Override("step down", "", c[-1], span=self.sp(meta))

    def step_up_rule(self, meta: Any, c: list[Any]) -> ir.Override:
        return ir.Override("step up", "", c[-1], span=self.sp(meta))

    def consequences_block(self, meta: Any, c: list[Any]) -> ir.Consequences:
        groups = next((x.names for x in c if isinstance(x, _Groups)), ())
        body = tuple(x for x in c if not isinstance(x, _Groups))
        return ir.Consequences(groups, body, span=self.sp(meta))
