"""Emitting expressions: each IR expression as a Python expression over the unit's facts and
values, with the module constants it needs (numbers, unit sets, share lists) and the `.rules`
text its comments quote."""

from __future__ import annotations

import attrs

from kaoping.compiler import flat, ir
from kaoping.compiler.emit_sections import SectionEmitter
from kaoping.compiler.emit_writer import Writer, _one_line, _Scope
from kaoping.compiler.infer_context import canonical_function
from kaoping.compiler.model import BlockModel, Model
from kaoping.exact import Q, exact_text
from kaoping.span import Span


class ExprEmitter(SectionEmitter):
    """Constants, comments and expressions; the stage bodies (`emit_stages`) build on it."""

    model: Model
    scheme_id: str
    sources: dict[str, str]
    source_lines: dict[str, list[str]]
    w: Writer
    consts: dict[str, str]  # each number's constant, by its exact text
    const_names: dict[Q, str]  # the same, by the number
    tables: dict[str, str]
    unit_sets: dict[frozenset[str], str]
    counter: int
    fast: bool
    traced: bool
    own_max: Q | None

    # ------------------------------------------------------------------ helpers
    def const(self, value: Q) -> str:
        name = self.const_names.get(value)  # the same few numbers come back on every rule
        if name is None:
            text = exact_text(value)
            if text not in self.consts:
                self.consts[text] = f"_k{len(self.consts)}"
            name = self.const_names[value] = self.consts[text]
        return name

    def units_const(self, units: frozenset[str]) -> str:
        """The module constant holding a sheet's units."""
        if units not in self.unit_sets:
            self.unit_sets[units] = f"_u{len(self.unit_sets)}"
        return self.unit_sets[units]

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def shares(self, shares: tuple[ir.Share, ...]) -> str:
        """`('优', '良', '合格'), (_k1, _k2, _k1)`: the labels and their shares, as arguments."""
        labels = tuple(s.value for s in shares)
        return f"{labels!r}, ({', '.join(self.const(s.share) for s in shares)},)"

    def rule_text(self, span: Span) -> str:
        lines = self.lines_of(span.path)
        if span.line <= 0 or span.line > len(lines):
            return ""
        return _one_line(lines[span.line - 1]).strip()

    def lines_of(self, path: str) -> list[str]:
        """A rules file's lines as the parser counts them (a \u2028 inside a string breaks no
        line), split once per file."""
        lines = self.source_lines.get(path)
        if lines is None:
            src = self.sources.get(path)
            lines = [] if src is None else src.split("\n")
            self.source_lines[path] = lines
        return lines

    def comment(self, span: Span) -> None:
        text = self.rule_text(span)
        where = _one_line(span.short)
        self.w(f"# {where}  {text}" if text else f"# {where}", span)

    # ------------------------------------------------------------------ expressions
    def key(self, e: ir.Expr, block: BlockModel, s: _Scope) -> str:
        t = self.model.types.get((id(e), block.index))
        code = self.ex(e, block, s)
        if t is not None and t.kind == "enum" and t.enum in self.model.enums:
            return f"_rt.enum_score({code}, {self.model.enums[t.enum].values!r})"
        return code

    def ref(self, e: ir.Ref | ir.WeightPart, block: BlockModel, s: _Scope) -> str:
        res = self.model.refs[(id(e), block.index)]
        if res.kind == "input":
            return f"{s.f}.get({res.target!r})" if res.partial else f"{s.f}[{res.target!r}]"
        if res.kind == "value":
            return f"{s.v}[{res.target!r}]"
        if res.kind == "field":
            return f"{s.record}[{res.target!r}]"
        if res.kind == "constant":
            value = self.model.constants[res.target].value
            # a constant entered in the data is given to every unit with its facts
            return self.const(value) if value is not None else f"{s.f}[{res.target!r}]"
        if res.kind == "grade":
            # not graded yet (a line reading its own grading before any line assigned it)
            # compares unequal to every grade
            return f"{s.u}.grades.get({res.target!r})"
        return repr(res.target)

    def ex(self, e: ir.Expr, block: BlockModel, s: _Scope) -> str:
        if id(e) in s.cohort:
            return s.cohort[id(e)]
        if isinstance(e, ir.Num):
            return self.const(e.value)
        if isinstance(e, ir.Bool):
            return repr(e.value)
        if isinstance(e, ir.Ref):
            return self.ref(e, block, s)
        if isinstance(e, ir.TotalRef):
            return f"{s.v}['total']"
        if isinstance(e, ir.GroupRef):
            return f"{s.u}.group"
        if isinstance(e, ir.MaxRef):
            assert self.own_max is not None  # the checker allows `max` only where it has one
            return self.const(self.own_max)
        if isinstance(e, ir.BinOp | ir.Logic) and ir.continues_run(e, e.left):
            return self.chain(e, block, s)
        if isinstance(e, ir.BinOp | ir.Neg | ir.Compare | ir.Member | ir.Logic | ir.Not):
            return self.operator(e, block, s)
        if isinstance(e, ir.IfExpr):
            cond = self.ex(e.cond, block, s)
            if self.traced:
                cond = f"_rt.held({s.u}, {e.span.line}, {e.span.col}, {cond})"
            return f"({self.ex(e.then, block, s)} if {cond} else {self.ex(e.otherwise, block, s)})"
        if isinstance(e, ir.Default):
            return f"_rt.default({self.ex(e.operand, block, s)}, {self.ex(e.fallback, block, s)})"
        if isinstance(e, ir.Lookup):
            if e.table not in self.tables:
                self.tables[e.table] = f"_t{len(self.tables)}"
            return f"{self.tables[e.table]}[{self.ex(e.key, block, s)}]"
        if isinstance(e, ir.Call):
            name = canonical_function(e.func)
            args = ", ".join(self.ex(a, block, s) for a in e.args)
            if name == "present":
                return f"({self.ex(e.args[0], block, s)} is not None)"
            if name in ("least", "greatest", "shortfall", "excess", "satisfied"):
                return f"_rt.{name}({args})"
            if name in ("roundup", "rounddown"):
                x, places = self.ex(e.args[0], block, s), e.args[1]
                assert isinstance(places, ir.Num)  # (the checker asks for a whole number)
                mode = "up" if name == "roundup" else "down"
                return f"_rt.round_to({x}, {int(places.value)}, {mode!r})"
            return f"_fn[{e.func!r}]({args})"
        if isinstance(e, ir.Aggregate):
            return self.aggregate(e, block, s)
        if isinstance(e, ir.Weighted):
            parts = ", ".join(
                f"({self.ref(p, block, s)}, {self.ex(p.weight, block, s)})" for p in e.parts
            )
            if self.fast or s.record is not None:
                return f"_rt.weighted(({parts},), {e.redistribute!r})"
            names = tuple(p.name for p in e.parts)
            note = f"note=({s.u}, {e.span.line}, {names!r})"
            return f"_rt.weighted(({parts},), {e.redistribute!r}, {note})"
        if isinstance(e, ir.LastYear):
            if isinstance(e.operand, ir.TotalRef):
                return f"{s.u}.last('total')"
            res = self.model.refs[(id(e.operand), block.index)]
            t = self.model.types.get((id(e.operand), block.index))
            if res.kind in ("input", "value") and t is not None and t.kind == "number":
                # last year's facts come back from JSON as text (a value too, when an older
                # results file carries it among the facts): read them as numbers
                return f"_rt.last_number({s.u}, {res.target!r})"
            return f"{s.u}.last({res.target!r})"
        if isinstance(e, ir.Band):
            return self.band(e, block, s)
        raise AssertionError(f"cohort expression outside `across group`: {e}")  # pragma: no cover

    def operator(
        self,
        e: ir.BinOp | ir.Neg | ir.Compare | ir.Member | ir.Logic | ir.Not,
        block: BlockModel,
        s: _Scope,
    ) -> str:
        """Plain Python operators; `_rt.lift` when an operand may be absent (absent in, absent
        out), `_rt.div` when a divisor may be zero."""
        operands = _operands(e)
        args = [self.ex(x, block, s) for x in operands]
        absent = any(
            (t := self.model.types.get((id(x), block.index))) is not None and t.optional
            for x in operands
        )
        if isinstance(e, ir.BinOp) and e.op == "/":
            t = self.model.types.get((id(e), block.index))
            if absent or (t is not None and t.optional):
                return f"_rt.div({args[0]}, {args[1]})"
        if absent:
            if isinstance(e, ir.Member):
                return f"_rt.lift_in({args[0]}, {e.values!r})"
            return f"_rt.lift({_LIFTED[_op_key(e)]!r}, {', '.join(args)})"
        if isinstance(e, ir.BinOp):
            return f"({args[0]} {e.op} {args[1]})"
        if isinstance(e, ir.Neg):
            return f"(-{args[0]})"
        if isinstance(e, ir.Compare):
            return f"({args[0]} {'==' if e.op == '=' else e.op} {args[1]})"
        if isinstance(e, ir.Member):
            return f"({args[0]} in {e.values!r})"
        if isinstance(e, ir.Logic):
            return f"({args[0]} {e.op} {args[1]})"
        return f"(not {args[0]})"

    def chain(self, e: ir.BinOp | ir.Logic, block: BlockModel, s: _Scope) -> str:
        """A run of one precedence level (`a + b - c`), flat: see `flat.run`."""
        links = ir.chain_links(e)
        first = self.ex(links[0].left, block, s)
        rights = [(x.op, self.ex(x.right, block, s)) for x in links]
        return flat.run(first, rights, all(self.plain(x, block) for x in links))

    def plain(self, e: ir.BinOp | ir.Logic, block: BlockModel) -> bool:
        """`operator` would write `e` as a bare Python operator (nothing absent, no zero
        divisor)."""
        for x in (e.left, e.right):
            t = self.model.types.get((id(x), block.index))
            if t is not None and t.optional:
                return False
        t = self.model.types.get((id(e), block.index))
        return not (e.op == "/" and t is not None and t.optional)

    def aggregate(self, e: ir.Aggregate, block: BlockModel, s: _Scope) -> str:
        rec = self.fresh("r")
        inner = attrs.evolve(s, record=rec)
        args = [repr(e.kind), f"{s.f}[{e.source!r}]"]
        if e.value is not None:
            args.append(f"value=lambda {rec}: {self.ex(e.value, block, inner)}")
        if e.where is not None:
            args.append(f"where=lambda {rec}: {self.ex(e.where, block, inner)}")
        if e.per_field is not None:
            args.append(f"per={e.per_field!r}")
        if e.drops:
            drops = "".join(
                f"({d.count}, {d.which!r}, lambda {rec}: {self.key(d.key, block, inner)}), "
                for d in e.drops
            )
            args.append(f"drop=({drops})")
        if not self.fast and s.record is None:
            # traced scoring notes what each record contributed, for `explain`
            args.append(f"note=({s.u}, {e.span.line})")
        return f"_rt.agg({', '.join(args)})"

    def band(self, e: ir.Band, block: BlockModel, s: _Scope) -> str:
        x = self.fresh("_x")
        tests, rows = [], []
        for row in e.rows:
            test = []
            if row.low is not None:
                test.append(f"{x} {'>=' if row.low_closed else '>'} {self.const(row.low)}")
            if row.high is not None:
                test.append(f"{x} {'<=' if row.high_closed else '<'} {self.const(row.high)}")
            tests.append((" and ".join(test) or "True", row.value))
            low = "None" if row.low is None else self.const(row.low)
            high = "None" if row.high is None else self.const(row.high)
            rows.append(f"({low}, {row.low_closed!r}, {high}, {row.high_closed!r}, {row.value!r})")
        if self.traced:
            return (
                f"_rt.band_noted({s.u}, {e.span.line}, {e.span.col}, "
                f"{self.ex(e.operand, block, s)}, ({', '.join(rows)},))"
            )
        return flat.band(x, self.ex(e.operand, block, s), tests, rows)


_LIFTED = {
    "+": "add",
    "-": "sub",
    "*": "mul",
    "/": "div",
    "neg": "neg",
    "=": "eq",
    "!=": "ne",
    "<": "lt",
    "<=": "le",
    ">": "gt",
    ">=": "ge",
    "and": "and",
    "or": "or",
    "not": "not",
}


def _op_key(e: ir.BinOp | ir.Neg | ir.Compare | ir.Member | ir.Logic | ir.Not) -> str:
    if isinstance(e, ir.BinOp | ir.Compare | ir.Logic):
        return e.op
    return {ir.Neg: "neg", ir.Not: "not"}.get(type(e), "in")


def _operands(e: ir.BinOp | ir.Neg | ir.Compare | ir.Member | ir.Logic | ir.Not) -> list[ir.Expr]:
    if isinstance(e, ir.BinOp | ir.Compare | ir.Logic):
        return [e.left, e.right]
    return [e.operand]
