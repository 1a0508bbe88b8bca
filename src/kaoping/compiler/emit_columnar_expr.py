"""Expressions for the columnar backend: each `.rules` expression as a call on whole columns
(`kaoping.runtime.columnar`), the same meaning as the per-unit emitter's Python operators.
What has no columnar form yet raises `Unsupported`, naming the construct and its rule line, and
the scheme is then scored by the per-unit backend."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from kaoping.compiler import ir
from kaoping.compiler.infer_context import canonical_function
from kaoping.compiler.model import BlockModel
from kaoping.span import Span

if TYPE_CHECKING:
    from kaoping.compiler.emit_columnar import ColumnarEmitter


class Unsupported(Exception):
    """A construct the columnar backend does not compute: the scheme falls back."""

    def __init__(self, construct: str, span: Span | None):
        super().__init__(construct)
        self.construct = construct
        self.span = span

    @property
    def reason(self) -> str:
        where = f" ({self.span.short})" if self.span is not None and self.span.line > 0 else ""
        return f"{self.construct}{where}"


@attrs.define
class Scope:
    """Where an expression reads from: the table's facts and values, its unit count, a record
    table inside an aggregate, and the group values computed before the statement."""

    f: str = "f"
    v: str = "v"
    n: str = "n"
    record: str | None = None
    cohort: dict[int, str] = attrs.Factory(dict)
    # read only where a condition holds in the per-unit backend (an `if`'s branch, the right
    # of `and`/`or`, a conditional clause): what warns as it reads cannot stand here
    lazy: bool = False


_BIN = {"+": "add", "-": "sub", "*": "mul"}
_LOGIC = {"and": "both", "or": "either"}


class ExprEmitter:
    """Expressions, for `ColumnarEmitter` (which supplies constants and tables)."""

    def __init__(self, em: ColumnarEmitter):
        self.em = em
        self.model = em.model
        self.counter = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def optional(self, e: ir.Expr, block: BlockModel) -> bool:
        t = self.model.types.get((id(e), block.index))
        return t is not None and t.optional

    def kind(self, e: ir.Expr, block: BlockModel) -> str | None:
        t = self.model.types.get((id(e), block.index))
        return None if t is None else t.kind

    def ref(self, e: ir.Ref | ir.WeightPart, block: BlockModel, s: Scope) -> str:
        res = self.model.refs[(id(e), block.index)]
        if res.kind in ("input", "value") and s.record is not None:
            # the unit's own value, read beside each of its records
            where = s.f if res.kind == "input" else s.v
            return f"_c.per_record({where}[{res.target!r}], {s.record})"
        if res.kind == "input":
            return f"{s.f}[{res.target!r}]"
        if res.kind == "value":
            return f"{s.v}[{res.target!r}]"
        if res.kind == "field":
            assert s.record is not None
            return f"{s.record}.fields[{res.target!r}]"
        if res.kind == "constant":
            value = self.model.constants[res.target].value
            if value is not None:
                return self.em.const(value)
            if s.record is not None:
                return f"_c.per_record({s.f}[{res.target!r}], {s.record})"
            return f"{s.f}[{res.target!r}]"
        if res.kind == "grade":
            raise Unsupported("a grade read before grading", e.span)
        return repr(res.target)

    def ex(self, e: ir.Expr, block: BlockModel, s: Scope) -> str:
        if id(e) in s.cohort:
            return s.cohort[id(e)]
        if isinstance(e, ir.Num):
            return self.em.const(e.value)
        if isinstance(e, ir.Bool):
            return repr(e.value)
        if isinstance(e, ir.Ref):
            return self.ref(e, block, s)
        if isinstance(e, ir.TotalRef):
            return f"{s.v}['total']"
        if isinstance(e, ir.MaxRef):
            assert self.em.own_max is not None
            return self.em.const(self.em.own_max)
        if isinstance(e, ir.BinOp | ir.Logic) and ir.continues_run(e, e.left):
            return self.chain(e, block, s)
        if isinstance(e, ir.BinOp):
            return self.binop(e.op, e.left, e.right, e, block, s)
        if isinstance(e, ir.Logic):
            a, b = self.ex(e.left, block, s), self.ex(e.right, block, attrs.evolve(s, lazy=True))
            return f"_c.{_LOGIC[e.op]}({a}, {b})"
        if isinstance(e, ir.Neg):
            return f"_c.neg({self.ex(e.operand, block, s)})"
        if isinstance(e, ir.Not):
            return f"_c.negate({self.ex(e.operand, block, s)})"
        if isinstance(e, ir.Compare):
            a, b = self.ex(e.left, block, s), self.ex(e.right, block, s)
            return f"_c.compare({e.op!r}, {a}, {b})"
        if isinstance(e, ir.Member):
            return f"_c.member({self.ex(e.operand, block, s)}, {e.values!r})"
        if isinstance(e, ir.IfExpr):
            kind = self.kind(e, block)
            if kind not in ("number", "bool", "enum", "text"):
                raise Unsupported(f"`if … then … else` choosing a {kind} value", e.span)
            branch = attrs.evolve(s, lazy=True)
            cond, a = self.ex(e.cond, block, s), self.ex(e.then, block, branch)
            fn = "where" if kind == "number" else "choose"
            return f"_c.{fn}({cond}, {a}, {self.ex(e.otherwise, block, branch)}, {s.n})"
        if isinstance(e, ir.Default):
            a, b = self.ex(e.operand, block, s), self.ex(e.fallback, block, s)
            return f"_c.default({a}, {b}, {s.n})"
        if isinstance(e, ir.Lookup):
            return f"_c.lookup({self.em.table(e.table)}, {self.ex(e.key, block, s)}, {s.n})"
        if isinstance(e, ir.Call):
            return self.call(e, block, s)
        if isinstance(e, ir.Aggregate):
            return self.aggregate(e, block, s)
        if isinstance(e, ir.LastYear):
            return self.last_year(e, block, s)
        if isinstance(e, ir.GroupRef):
            if s.record is not None:
                return f"_c.per_record(_c.unit_group(t), {s.record})"
            return "_c.unit_group(t)"
        if isinstance(e, ir.Band):
            return self.band(e, block, s)
        if isinstance(e, ir.Weighted):
            parts = ", ".join(
                f"({self.ref(p, block, s)}, {self.ex(p.weight, block, s)})" for p in e.parts
            )
            return f"_c.weighted([{parts}], {e.redistribute!r}, {s.n})"
        raise Unsupported(_construct(e), e.span)

    def binop(
        self, op: str, left: ir.Expr, right: ir.Expr, e: ir.Expr, block: BlockModel, s: Scope
    ) -> str:
        a, b = self.ex(left, block, s), self.ex(right, block, s)
        if op == "/":
            # read only where a condition holds (a keyed row, an `if`'s branch), the divisor
            # is known non-zero there alone: the other rows' quotients are absent, never read
            zero_absent = s.lazy or self.optional(e, block) or self.optional(left, block)
            return f"_c.div({a}, {b}, {zero_absent!r})"
        return f"_c.{_BIN[op]}({a}, {b})"

    def chain(self, e: ir.BinOp | ir.Logic, block: BlockModel, s: Scope) -> str:
        """A run of one operator level (`a + b - c`), folded left to right as Python would."""
        links = ir.chain_links(e)
        parts = [self.ex(links[0].left, block, s)]
        for x in links:
            right = attrs.evolve(s, lazy=True) if isinstance(x, ir.Logic) else s
            parts += [repr(x.op), self.ex(x.right, block, right)]
        zero_absent = (
            s.lazy
            or any(self.optional(x, block) for x in links)
            or self.optional(links[0].left, block)
        )
        return f"_c.chain({s.n}, {zero_absent!r}, {', '.join(parts)})"

    def last_year(self, e: ir.LastYear, block: BlockModel, s: Scope) -> str:
        """Last year's value for every unit (`kaoping.runtime.columnar.history`)."""
        if s.lazy or s.record is not None:
            raise Unsupported("`last year` read only where a condition holds", e.span)
        within = self.em.path_now  # (rows that skip it read nothing: `given`)
        if isinstance(e.operand, ir.TotalRef):
            return f"_c.last_year(t, 'total', 'number', False, {within!r})"
        res = self.model.refs[(id(e.operand), block.index)]
        kind = self.kind(e.operand, block)
        if kind not in ("number", "bool", "enum", "text"):
            raise Unsupported(f"`last year` of a {kind} value", e.span)
        sort = {"number": "number", "bool": "yesno"}.get(kind, "text")
        checked = res.kind in ("input", "value") and kind == "number"
        return f"_c.last_year(t, {res.target!r}, {sort!r}, {checked!r}, {within!r})"

    def band(self, e: ir.Band, block: BlockModel, s: Scope) -> str:
        """The rows as data, the label chosen per unit (`kaoping.runtime.columnar.bands`)."""
        if self.optional(e.operand, block):
            raise Unsupported("a band table of a number that may be absent", e.span)
        rows = []
        for row in e.rows:
            low = "None" if row.low is None else self.em.const(row.low)
            high = "None" if row.high is None else self.em.const(row.high)
            rows.append(f"({low}, {row.low_closed!r}, {high}, {row.high_closed!r}, {row.value!r})")
        return f"_c.band({self.ex(e.operand, block, s)}, ({', '.join(rows)},), {s.n})"

    def call(self, e: ir.Call, block: BlockModel, s: Scope) -> str:
        name = canonical_function(e.func)
        args = [self.ex(a, block, s) for a in e.args]
        if name == "present":
            return f"_c.is_present({args[0]}, {s.n})"
        if name in ("least", "greatest"):
            out = args[0]
            for a in args[1:]:
                out = f"_c.{name}({out}, {a})"
            return out
        if name == "shortfall":  # n − x where x < n, else 0
            return f"_c.greatest(_c.sub({args[1]}, {args[0]}), 0)"
        if name == "excess":
            return f"_c.greatest(_c.sub({args[0]}, {args[1]}), 0)"
        if name == "satisfied":
            return f"_c.satisfied({s.n}, {', '.join(args)})"
        if name in ("roundup", "rounddown"):
            places = e.args[1]
            assert isinstance(places, ir.Num)  # (the checker asks for a whole number)
            mode = "up" if name == "roundup" else "down"
            return f"_c.round_to({args[0]}, {int(places.value)}, {mode!r})"
        raise Unsupported(f"the function `{e.func}`", e.span)

    def aggregate(self, e: ir.Aggregate, block: BlockModel, s: Scope) -> str:
        rec = self.fresh("_r")
        inner = attrs.evolve(s, record=rec, n=f"len({rec})", cohort={})
        value = self.ex(e.value, block, inner) if e.value is not None else "None"
        where = self.ex(e.where, block, inner) if e.where is not None else "None"
        drop = "".join(f"{self.drop(d, e, block, inner)}, " for d in e.drops)
        drop = f"({drop})" if drop else "None"
        source = f"{s.f}[{e.source!r}]"
        return (
            f"(lambda {rec}: _c.aggregate({e.kind!r}, {rec}, {value}, {where}, "
            f"{e.per_field!r}, {drop}))({source})"
        )

    def drop(self, d: ir.Drop, e: ir.Aggregate, block: BlockModel, inner: Scope) -> str:
        """`drop N lowest|highest by KEY`: (count, which, the key as a number column); an enum
        key sorts by its place (best first scoring highest), as the per-unit backend's."""
        kind = self.kind(d.key, block)
        maybe_absent = self.optional(d.key, block) or (
            e.value is not None and self.optional(e.value, block)
        )
        if kind not in ("number", "enum") or maybe_absent:
            raise Unsupported("records dropped by other than a number or an enum value", d.span)
        key = self.ex(d.key, block, inner)
        if kind == "enum":
            t = self.model.types[(id(d.key), block.index)]
            assert t.enum is not None
            values = self.model.enums[t.enum].values
            key = f"_c.enum_score({key}, {tuple(values)!r}, {inner.n})"
        return f"({d.count}, {d.which!r}, {key})"


def _construct(e: ir.Expr) -> str:
    names = {
        ir.LastYear: "`last year`",
        ir.Band: "a band table",
        ir.Keyed: "a keyed item",
        ir.Distribute: "a forced distribution",
        ir.GroupRef: "`group`",
        ir.GroupMean: "a weighted, filtered or other units' group mean",
    }
    return names.get(type(e), f"the expression {type(e).__name__}")
