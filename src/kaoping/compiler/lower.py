"""Lark tree → IR. One Transformer method per grammar rule, named after it; keyword spelling is
gone by now, so English and Chinese files lower to equal nodes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast, get_args

from lark import Token, Tree

from kaoping.compiler import ir
from kaoping.compiler.infer_context import canonical_function
from kaoping.diagnostics import Diagnostic
from kaoping.exact import Q, literal, whole_number
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


class _Lower:
    """One method per grammar rule, `(meta, children)` → IR; `lower_file` calls them."""

    def __init__(self, path: str):
        self.path = path

    def sp(self, meta: Any) -> Span:
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

    # -------------------------------------------------------------- declarations
    def start(self, meta: Any, children: list[Any]) -> list[Any]:
        return children

    def scheme_decl(self, meta: Any, c: list[Any]) -> _Title:
        return _Title(_str(c[0]), self.sp(meta))

    def rounding_decl(self, meta: Any, c: list[Any]) -> ir.Rounding:
        places, mode = c[0]
        return ir.Rounding(places, mode, span=self.sp(meta))

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
        return ir.TableDecl(str(c[0]), str(c[1]), rows, self._article(c[2:]), span=self.sp(meta))

    def table_row(self, meta: Any, c: list[Any]) -> ir.TableRow:
        return ir.TableRow(str(c[0]), c[1], span=self.sp(meta))

    def signed_number(self, meta: Any, c: list[Token]) -> Q:
        tok = str(c[0])
        return _percent(c[0]) if tok.endswith("%") else literal(tok)

    def neg_number(self, meta: Any, c: list[Token]) -> Q:
        return -literal(str(c[0]))

    def neg_percent(self, meta: Any, c: list[Token]) -> Q:
        return -_percent(c[0])

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
        art = self._article(c[1:])
        return cast(
            ir.Clause,
            clause.__class__(
                **{
                    **{f.name: getattr(clause, f.name) for f in clause.__attrs_attrs__},
                    "article": art,
                    "span": self.sp(meta),
                }
            ),
        )

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
        return ir.Share(str(c[0]), _percent(c[1]), span=self.sp(meta))

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
        return ir.Quota(str(c[0]), size[0], size[1], size[2], by, groups, span=self.sp(meta))

    def quota_count(self, meta: Any, c: list[Token]) -> tuple[int, None, None]:
        return whole_number(str(c[0])), None, None

    def quota_share(self, meta: Any, c: list[Any]) -> tuple[None, Q, ir.RoundMode]:
        return None, _percent(c[0]), c[1]

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

    def consequences_block(self, meta: Any, c: list[Any]) -> ir.Consequences:
        groups = next((x.names for x in c if isinstance(x, _Groups)), ())
        body = tuple(x for x in c if not isinstance(x, _Groups))
        return ir.Consequences(groups, body, span=self.sp(meta))

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
        return ir.Num(literal(str(c[0])), span=self.sp(meta))

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
        drop = next((x for x in tail if isinstance(x, ir.Drop)), None)
        return ir.Aggregate(kind, source, value, where, per, drop, span=self.sp(meta))

    def where(self, meta: Any, c: list[Any]) -> _Where:
        return _Where(c[0])

    def per_highest(self, meta: Any, c: list[Token]) -> _PerHighest:
        return _PerHighest(str(c[0]))

    def drop(self, meta: Any, c: list[Any]) -> ir.Drop:
        return ir.Drop(whole_number(str(c[0])), c[1], c[2], span=self.sp(meta))

    def drop_dir(self, meta: Any, c: list[Token]) -> str:
        return "lowest" if str(c[0]) in ("lowest", "最低") else "highest"


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


def lower_file(tree: Tree[Token], path: str) -> list[Any]:
    """The top-level declarations of one file, as IR nodes (plus the scheme title marker).

    Each tree node is lowered after its children, on a stack of its own rather than by
    recursion, so no depth of nesting in a rules file can exhaust Python's stack here."""
    lower = _Lower(path)
    methods: dict[str, Any] = {}
    postfix: list[Tree[Token] | Token] = []
    todo: list[Tree[Token] | Token] = [tree]
    while todo:
        node = todo.pop()
        postfix.append(node)
        if type(node) is Tree:
            todo += node.children
    done: list[Any] = []
    for node in reversed(postfix):
        if type(node) is not Tree:
            done.append(node)
            continue
        size = len(node.children)
        args = done[len(done) - size :]
        del done[len(done) - size :]
        method = methods.get(node.data)
        if method is None:
            method = methods[node.data] = getattr(lower, node.data)
        done.append(method(node.meta, args))
    [result] = done
    return cast(list[Any], result)


def build_module(decls_per_file: Iterable[list[Any]]) -> ir.Module:
    """Gather the declarations of a scheme's files into one Module."""
    title: str | None = None
    rounding: ir.Rounding | None = None
    buckets: dict[type, list[Any]] = {
        k: []
        for k in (
            ir.GroupDecl,
            ir.EnumDecl,
            ir.RecordDecl,
            ir.InputDecl,
            ir.TableDecl,
            ir.Scoring,
            ir.Grading,
            ir.Consequences,
            ir.Requirement,
            ir.ConstantDecl,
            ir.UnitsDecl,
        )
    }
    for decls in decls_per_file:
        for d in decls:
            if isinstance(d, _Title):
                title = title or d.text
            elif isinstance(d, ir.Rounding):
                rounding = rounding or d
            else:
                buckets[type(d)].append(d)
    return ir.Module(
        title=title,
        rounding=rounding,
        groups=tuple(buckets[ir.GroupDecl]),
        enums=tuple(buckets[ir.EnumDecl]),
        records=tuple(buckets[ir.RecordDecl]),
        inputs=tuple(buckets[ir.InputDecl]),
        tables=tuple(buckets[ir.TableDecl]),
        scorings=tuple(buckets[ir.Scoring]),
        gradings=tuple(buckets[ir.Grading]),
        consequences=tuple(buckets[ir.Consequences]),
        requirements=tuple(buckets[ir.Requirement]),
        constants=tuple(buckets[ir.ConstantDecl]),
        units=tuple(buckets[ir.UnitsDecl]),
    )
