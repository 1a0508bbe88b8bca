"""Checked model → whole-table Python (the columnar backend), beside the per-unit emitter and
fed by the same model.

`unit_N(t)` computes every per-unit value of block N for all its units at once, one column per
value; `group_N(t)` computes the values that read the whole group on one group's table (best,
mean, ranks, the group's mean for an item that does not apply) as sorts and scans. Numbers are
exact scaled integers (`kaoping.runtime.columnar`); each statement carries its `.rules` line.
`grade_all(parts)` applies the gradings on every group's table (`emit_columnar_grading`) and
`final_N(t, g)` the consequences on one group's table and grades (`emit_columnar_final`), for
the whole-column path; `score()` grades, and consequences run, in the per-unit module.
A construct with no columnar form raises `Unsupported` (construct and rule line), and the
scheme is scored by the per-unit backend."""

from __future__ import annotations

import attrs

from kaoping.compiler import ir, walk
from kaoping.compiler.applicable import not_applicable_of
from kaoping.compiler.emit_columnar_checks import check_function
from kaoping.compiler.emit_columnar_expr import ExprEmitter, Scope, Unsupported
from kaoping.compiler.emit_columnar_final import final_function
from kaoping.compiler.emit_columnar_grading import grading_function
from kaoping.compiler.emit_writer import (
    Writer,
    _in_doc,
    _one_line,
    register_table_constants,
    write_tables,
)
from kaoping.compiler.keyed import whole_numbers
from kaoping.compiler.model import BlockModel, Model, ValueDef
from kaoping.exact import Q, exact_text
from kaoping.span import Span

__all__ = ["ColumnarEmitter", "Unsupported", "emit_columnar"]

ZERO = Q(0)


class ColumnarEmitter:
    def __init__(self, model: Model, scheme_id: str, sources: dict[str, str]):
        self.model = model
        self.scheme_id = scheme_id
        self.sources = sources
        self.w = Writer()
        self.consts: dict[str, str] = {}
        self.tables: dict[str, str] = {}
        self.own_max: Q | None = None
        self.path_now: str | None = None  # the value being written (what `last year` is for)
        self.exprs = ExprEmitter(self)

    # ------------------------------------------------------------------ helpers
    def const(self, value: Q) -> str:
        text = exact_text(value)
        if text not in self.consts:
            self.consts[text] = f"_k{len(self.consts)}"
        return self.consts[text]

    def table(self, name: str) -> str:
        if name not in self.tables:
            self.tables[name] = f"_t{len(self.tables)}"
        return self.tables[name]

    def rule_text(self, span: Span) -> str:
        """The rule's line as written (what the per-unit module names a grading line by)."""
        lines = self.sources.get(span.path, "").split("\n")
        return _one_line(lines[span.line - 1]).strip() if 0 < span.line <= len(lines) else ""

    def comment(self, span: Span) -> None:
        text = self.rule_text(span)
        where = _one_line(span.short)
        self.w(f"# {where}  {text}" if text else f"# {where}", span)

    def ex(self, e: ir.Expr, block: BlockModel, s: Scope) -> str:
        return self.exprs.ex(e, block, s)

    # ------------------------------------------------------------------ module
    def module(self) -> Writer:
        body = Writer()
        self.w = body
        for block in self.model.blocks:
            self.supported(block)
            self.unit_function(block)
            self.cross_function(block)
            self.group_function(block)
            check_function(self, block)
            final_function(self, block)
        grading_function(self)
        head = Writer()
        head(
            f'"""Scheme {_in_doc(self.scheme_id)} compiled by kaoping for whole tables '
            "(columnar). Generated: do not edit."
        )
        head("")
        head("Each statement names the .rules line it comes from. Every value is a column of")
        head('exact scaled integers (kaoping.runtime.columnar): never a float."""')
        head("")
        head("from kaoping.runtime.columnar import prelude as _c")
        head("from kaoping.runtime.columnar import requirements as _req")
        head("")
        head("_Q = _c.Q  # exact rationals: every constant is one")
        register_table_constants(self.model, self.tables, self.const)
        for text, name in self.consts.items():
            head(f"{name} = _Q({text!r})")
        write_tables(head, self.model, self.tables, self.const)
        head("")
        offset = len(head.lines)
        return Writer(
            head.lines + body.lines,
            {**head.spans, **{k + offset: v for k, v in body.spans.items()}},
        )

    def supported(self, block: BlockModel) -> None:
        """Block-wide constructs the columnar backend leaves to the per-unit one."""
        for sheets in block.sheets.values():
            raise Unsupported("sheets (`for UNIT:` blocks)", sheets[0].span)
        for vd in block.values.values():
            span = vd.node.span if vd.node is not None else block.scoring.span
            if vd.only and vd.stage != "final":
                raise Unsupported("a value for some groups of the block only", span)

    def stage(self, block: BlockModel, stage: str) -> list[ValueDef]:
        return [block.values[p] for p in block.order if block.values[p].stage == stage]

    def unit_function(self, block: BlockModel) -> None:
        w = self.w
        w()
        w(f"def unit_{block.index}(t):")
        with w.indent():
            w(
                f'"""Per-unit values of `scoring {_in_doc(", ".join(block.groups))}` '
                f'({_in_doc(block.scoring.span.short)}), every unit of the block at once."""'
            )
            w("f, v, n = t.facts, t.values, t.n")
            for vd in self.stage(block, "unit"):
                self.value(block, vd, Scope())
            if any(_reads_last_year(vd) for vd in self.stage(block, "unit")):
                w("_c.settle(t)  # what last year's results lacked, unit by unit")
            w("return None")
        w()

    def cross_function(self, block: BlockModel) -> None:
        """`across G1, G2:` values naming every group of the block: on the block's table, once
        every unit has its per-unit values and before any group's values (none without such
        values; naming some groups only, they are a value for some groups and fall back)."""
        values = self.stage(block, "cross")
        if not values:
            return
        w = self.w
        w(f"def cross_{block.index}(t):")
        with w.indent():
            w(
                f'"""Values of `scoring {_in_doc(", ".join(block.groups))}` across its groups, '
                'on the table of all their units."""'
            )
            w("f, v, n = t.facts, t.values, t.n")
            for vd in values:
                self.group_value(block, vd)
            w("return None")
        w()

    def group_function(self, block: BlockModel) -> None:
        w = self.w
        w(f"def group_{block.index}(t):")
        with w.indent():
            w(
                f'"""Values of `scoring {_in_doc(", ".join(block.groups))}` that read the whole '
                'group, on one group\'s table."""'
            )
            w("f, v, n = t.facts, t.values, t.n")
            for req in block.requires:
                self.requirement(block, req)
            for vd in self.stage(block, "group"):
                self.group_value(block, vd)
            w("return None")
        w()

    def requirement(self, block: BlockModel, req: ir.Require | ir.RequireRecords) -> None:
        """A group's ratings checked against the shares, before any group value (as the
        per-unit backend checks them, by the same functions, on the units the rows stand for)."""
        self.comment(req.span)
        labels = tuple(x.value for x in req.shares)
        shares = f"{labels!r}, ({', '.join(self.const(x.share) for x in req.shares)},)"
        if isinstance(req, ir.RequireRecords):
            self.w(
                f"_c.require_records(t, {req.source!r}, {req.field!r}, {req.key!r}, {req.by!r}, "
                f"{shares}, {req.mode!r}, {str(req.span)!r})",
                req.span,
            )
            return
        ratings = self.ex(req.operand, block, Scope())
        self.w(
            f"_c.require_distribution(t, {ratings}, {shares}, {req.mode!r}, {str(req.span)!r})",
            req.span,
        )

    def group_value(self, block: BlockModel, vd: ValueDef) -> None:
        node = vd.node
        assert node is not None
        self.comment(node.span)
        cohort: dict[int, str] = {}
        for cnode in walk.postorder(node):
            if isinstance(
                cnode,
                ir.Best | ir.GroupLowest | ir.GroupMean | ir.GroupCount | ir.Rank | ir.Distribute,
            ):
                self.cohort_value(block, cnode, cohort)
        self.value(block, vd, Scope(cohort=cohort), commented=True)
        if _reads_last_year(vd):  # (the per-unit backend reads it unit by unit for each value)
            self.w("_c.settle(t)  # what last year's results lacked, unit by unit")

    def cohort_value(
        self,
        block: BlockModel,
        cnode: ir.Best | ir.GroupLowest | ir.GroupMean | ir.GroupCount | ir.Rank | ir.Distribute,
        cohort: dict[int, str],
    ) -> None:
        w = self.w
        name = self.exprs.fresh("_g")
        s = Scope(cohort=dict(cohort))
        if isinstance(cnode, ir.Rank):
            keys = []
            for k in cnode.keys:
                if self.exprs.kind(k, block) not in ("number", None):
                    raise Unsupported("a rank by other than numbers", cnode.span)
                keys.append(self.ex(k, block, s))
            w(f"{name} = _c.rank([{', '.join(keys)}], {cnode.ascending!r}, n)", cnode.span)
        elif isinstance(cnode, ir.Distribute):
            if cnode.mode is None or self.exprs.optional(cnode.operand, block):
                raise Unsupported("a forced distribution of values that may be absent", cnode.span)
            labels = tuple(x.value for x in cnode.shares)
            shares = ", ".join(self.const(x.share) for x in cnode.shares)
            x = self.ex(cnode.operand, block, s)
            w(
                f"{name} = _c.distribute({x}, {labels!r}, ({shares},), {cnode.mode!r}, n)",
                cnode.span,
            )
        elif isinstance(cnode, ir.GroupCount):
            keep = "None" if cnode.where is None else self.ex(cnode.where, block, s)
            w(f"{name} = _c.count_units({keep}, n)", cnode.span)
        elif isinstance(cnode, ir.GroupMean):
            x = self.ex(cnode.operand, block, s)
            keep = "None" if cnode.where is None else self.ex(cnode.where, block, s)
            if cnode.others and cnode.weight is not None:
                raise Unsupported("a weighted mean of the other units", cnode.span)
            if cnode.others:
                w(f"{name} = _c.peer_means({x}, {keep}, n)", cnode.span)
            elif cnode.weight is not None or cnode.where is not None:
                weight = "None" if cnode.weight is None else self.ex(cnode.weight, block, s)
                w(f"{name} = _c.mean_of({x}, {weight}, {keep}, n)", cnode.span)
            else:
                w(f"{name} = _c.group_mean({x}, n)", cnode.span)
        else:
            fn = "best" if isinstance(cnode, ir.Best) else "lowest"
            w(f"{name} = _c.{fn}({self.ex(cnode.operand, block, s)}, n)", cnode.span)
        cohort[id(cnode)] = name

    # ------------------------------------------------------------------ values
    def setv(self, path: str, code: str, span: Span | None = None) -> None:
        """Store a value's column (the data's value where a unit gives it: `given`)."""
        self.w(f"v[{path!r}] = _c.give(t, {path!r}, {code})", span)

    def value(self, block: BlockModel, vd: ValueDef, s: Scope, commented: bool = False) -> None:
        w = self.w
        node = vd.node
        self.path_now = vd.path
        if vd.kind == "total":
            rnd = self.model.rounding
            if node is None:
                code = f"_c.total_of([{', '.join(f'v[{c!r}]' for c in vd.children)}], n)"
                span = block.scoring.span
            else:
                assert isinstance(node, ir.Total)
                if not commented:
                    self.comment(node.span)
                code = self.ex(node.expr, block, s)
                span = node.span
            if rnd is not None:
                code = f"_c.round_to({code}, {rnd.places}, {rnd.mode!r})"
            self.setv("total", code, span)
            return
        assert node is not None
        if not commented:
            self.comment(node.span)
        self.own_max = node.max if isinstance(node, ir.Item | ir.Section) else None
        path = vd.path
        if isinstance(node, ir.Flag):
            cond = self.ex(node.cond, block, s)
            w(f"t.flag({path!r}, {node.span.line}, _c.give(t, {path!r}, {cond}))", node.span)
        elif isinstance(node, ir.Let | ir.Output):
            self.setv(path, self.ex(node.expr, block, s), node.span)
        elif isinstance(node, ir.Item) and isinstance(node.formula, ir.Keyed):
            self.keyed(block, vd, node.formula, s)
        elif isinstance(node, ir.Item) and node.formula is not None:
            self.setv(path, self.ex(node.formula, block, s), node.span)
        elif isinstance(node, ir.Item) and (na := not_applicable_of(node)) is not None:
            self.not_applicable(block, vd, node, na, s)
            return
        elif isinstance(node, ir.Item):
            self.item(block, node, s)
            self.setv(path, "x")
        elif isinstance(node, ir.Section):
            self.section(block, vd, node, s)
        if isinstance(node, ir.Item | ir.Section):
            self.over_max(vd, node)

    def keyed(self, block: BlockModel, vd: ValueDef, keyed: ir.Keyed, s: Scope) -> None:
        """`item X by KEY:`: every row's value on the column (lazily read, as the per-unit
        backend reads only the row that applies), the first row holding the key chosen."""
        if self.exprs.optional(keyed.key, block):
            raise Unsupported("a keyed item whose key may be absent", keyed.span)
        w, row_scope = self.w, attrs.evolve(s, lazy=True)
        w(f"_key = {self.ex(keyed.key, block, s)}", keyed.key.span)
        w("_rows = []")
        otherwise = "None"
        for row in keyed.rows:
            if row.otherwise:
                otherwise = self.ex(row.values[0], block, row_scope)
                continue
            bounds: list[tuple[Q | None, bool, Q | None, bool]]
            if len(row.values) > 1:  # one value per whole number of the interval
                low, _high = whole_numbers(row)
                assert low is not None
                bounds = [(Q(low + i), True, Q(low + i), True) for i in range(len(row.values))]
            else:
                bounds = [(row.low, row.low_closed, row.high, row.high_closed)]
            for (lo, lo_closed, hi, hi_closed), value in zip(bounds, row.values, strict=True):
                lo_code = "None" if lo is None else self.const(lo)
                hi_code = "None" if hi is None else self.const(hi)
                amount = self.ex(value, block, row_scope)
                w(
                    f"_rows.append(({lo_code}, {lo_closed!r}, {hi_code}, {hi_closed!r}, {amount}))",
                    row.span,
                )
        where = str(keyed.span)
        self.setv(
            vd.path, f"_c.keyed(_key, _rows, {otherwise}, n, {vd.path!r}, {where!r})", keyed.span
        )

    def not_applicable(
        self, block: BlockModel, vd: ValueDef, node: ir.Item, na: ir.NotApplicable, s: Scope
    ) -> None:
        """不涉及: absent where the condition holds (the clauses count only where the item
        applies); with `then group mean`, the mean of the units it applies to stands in."""
        w, path = self.w, vd.path
        w(f"_na = _c.computed(t, {path!r}, _c.truth({self.ex(na.cond, block, s)}, n))", na.span)
        self.item(block, node, attrs.evolve(s, lazy=True))  # (only where the item applies)
        self.setv(path, "_c.where(_na, None, x, n)", na.span)
        w(f"t.not_applicable({path!r}, _na)", na.span)
        self.over_max(vd, node)
        if na.group_mean:
            w(
                f"v[{path!r}] = _c.impute_mean(v[{path!r}], _na, t, {path!r}, {str(na.span)!r})",
                na.span,
            )

    def over_max(self, vd: ValueDef, node: ir.Item | ir.Section) -> None:
        if vd.may_exceed and node.max is not None:
            mx = self.const(node.max)
            value = f"_c.computed_only(t, {vd.path!r}, v[{vd.path!r}])"
            self.w(f"t.over({vd.path!r}, {node.span.line}, {value}, {mx})", node.span)

    def item(self, block: BlockModel, node: ir.Item, s: Scope) -> None:
        """The clauses on the column `x`, in the language's fixed order (as `item_fast`)."""
        w = self.w
        starts = [c for c in node.clauses if isinstance(c, ir.Start)]

        def start_value(c: ir.Start) -> str:
            return self.const(node.max or ZERO) if c.value is None else self.ex(c.value, block, s)

        w(
            f"x = {start_value(starts[0]) if starts else '_c.ZERO'}",
            starts[0].span if starts else node.span,
        )
        for extra in starts[1:]:
            w(f"x = _c.add(x, {start_value(extra)})", extra.span)
        terms: list[str] = []  # the unconditional additions, summed in one pass
        for cl in node.clauses:
            if isinstance(cl, ir.Add) and cl.cond is None:
                self.comment(cl.span)
                terms.append(self.term(cl, block, s))
        if terms:
            w(f"x = _c.total_of([x, {', '.join(terms)}], n)", node.span)
        for cl in node.clauses:
            if isinstance(cl, ir.Add) and cl.cond is not None:
                amount = self.term(cl, block, attrs.evolve(s, lazy=True))
                cond = self.ex(cl.cond, block, s)
                w(f"x = _c.where({cond}, _c.add(x, {amount}), x, n)", cl.span)
        self.bounds(block, node.clauses, s)
        for cl in node.clauses:
            if isinstance(cl, ir.ZeroIf):
                w(f"x = _c.where({self.ex(cl.cond, block, s)}, _c.ZERO, x, n)", cl.span)
        self.rounds(node.clauses)

    def term(self, cl: ir.Add, block: BlockModel, s: Scope) -> str:
        """An `add`/`deduct` clause's signed amount (a deduction's sign folded into a constant
        amount where it is one)."""
        if cl.sign < 0 and isinstance(cl.amount, ir.Num):
            amount = self.const(-cl.amount.value)
            sign = 1
        else:
            amount, sign = self.ex(cl.amount, block, s), cl.sign
        if cl.per is not None:
            amount = f"_c.mul({amount}, {self.ex(cl.per, block, s)})"
        return amount if sign > 0 else f"_c.neg({amount})"

    def bounds(self, block: BlockModel, clauses: tuple[ir.Clause, ...], s: Scope) -> None:
        """Every floor, then every cap (as the per-unit backend applies them)."""
        for cl in clauses:
            if isinstance(cl, ir.Floor):
                self.w(f"x = _c.greatest(x, {self.ex(cl.value, block, s)})", cl.span)
        for cl in clauses:
            if isinstance(cl, ir.Cap):
                self.w(f"x = _c.least(x, {self.ex(cl.value, block, s)})", cl.span)

    def rounds(self, clauses: tuple[ir.Clause, ...]) -> None:
        for cl in clauses:
            if isinstance(cl, ir.RoundClause):
                self.w(f"x = _c.round_to(x, {cl.places}, {cl.mode!r})", cl.span)

    def section(self, block: BlockModel, vd: ValueDef, node: ir.Section, s: Scope) -> None:
        """The children summed, the highest or the mean, then bounded and rounded."""
        w = self.w
        mode, excluding = node.taking()
        kept = [c for c in vd.children if block.values[c].name not in excluding]
        kids = [f"v[{c!r}]" for c in kept]
        rescale = next((cl for cl in node.clauses if isinstance(cl, ir.Rescale)), None)
        if rescale is not None:  # 不涉及项目折算: Σ applicable × max ÷ Σ their maxima
            maxima = [self.const(getattr(block.values[c].node, "max", None) or ZERO) for c in kept]
            top = self.const(node.max or ZERO)
            w(
                f"x = _c.rescale(t, {vd.path!r}, [{', '.join(kids)}], [{', '.join(maxima)}], "
                f"{top}, {str(rescale.span)!r})",
                rescale.span,
            )
        elif not kids:
            w("x = _c.ZERO", node.span)
        elif mode != "sum" and any(
            (ty := block.values[c].ty) is not None and ty.optional for c in kept
        ):
            raise Unsupported("the mean or highest of the items that apply", node.span)
        elif mode == "sum":
            w(f"x = _c.total_of([{', '.join(kids)}], n)", node.span)
        elif mode == "highest":
            w(f"x = {kids[0]}", node.span)
            for k in kids[1:]:
                w(f"x = _c.greatest(x, {k})", node.span)
        else:
            count = self.const(Q(len(kids)))
            w(f"x = _c.div(_c.total_of([{', '.join(kids)}], n), {count}, False)", node.span)
        self.bounds(block, node.clauses, s)
        self.rounds(node.clauses)
        self.setv(vd.path, "x")


def _reads_last_year(vd: ValueDef) -> bool:
    return vd.node is not None and any(isinstance(x, ir.LastYear) for x in walk.postorder(vd.node))


def emit_columnar(model: Model, scheme_id: str, sources: dict[str, str]) -> Writer:
    """The whole-table module, or `Unsupported` raised for the first construct without a
    columnar form."""
    return ColumnarEmitter(model, scheme_id, sources).module()
