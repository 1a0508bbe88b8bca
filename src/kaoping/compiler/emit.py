"""Checked model → one readable Python module per scheme.

The emitter never pastes rules text into code: names become dictionary keys written with
`repr`, numbers become module constants: exact rationals built from their decimal text
(`_Q('0.15')`), and every statement
records the `.rules` line it comes from, so tracebacks and traces point at the rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import attrs

from kaoping.compiler import flat, ir, walk
from kaoping.compiler.applicable import not_applicable_of
from kaoping.compiler.emit_cohort import CohortNode, emit_cohort_value
from kaoping.compiler.emit_keyed import emit_keyed
from kaoping.compiler.emit_sections import SectionEmitter
from kaoping.compiler.infer_context import canonical_function
from kaoping.compiler.model import BlockModel, Model, ValueDef
from kaoping.exact import Q, exact_text
from kaoping.span import Span


@attrs.define
class Writer:
    """Python text plus the map from each Python line to the rules span it came from."""

    lines: list[str] = attrs.Factory(list)
    spans: dict[int, Span] = attrs.Factory(dict)
    depth: int = 0

    def __call__(self, text: str = "", span: Span | None = None) -> None:
        self.lines.append(("    " * self.depth + text) if text else "")
        if span is not None and span.line > 0:
            self.spans[len(self.lines)] = span

    @contextmanager
    def indent(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@attrs.define
class _Scope:
    """How an expression reaches the unit's facts and values from where it is emitted."""

    f: str
    v: str
    u: str
    record: str | None = None
    cohort: dict[int, str] = attrs.Factory(dict)


class Emitter(SectionEmitter):
    def __init__(self, model: Model, scheme_id: str, sources: dict[str, str]):
        self.model = model
        self.scheme_id = scheme_id
        self.sources = sources
        self.source_lines: dict[str, list[str]] = {}
        self.w = Writer()
        self.consts: dict[str, str] = {}
        self.tables: dict[str, str] = {}
        self.unit_sets: dict[frozenset[str], str] = {}
        self.counter = 0
        # two versions of each stage: traced (what `explain` reads) and fast (plain arithmetic
        # on the unit's values, for scoring); both carry the same .rules positions
        self.fast = False
        self.own_max: Q | None = None

    # ------------------------------------------------------------------ helpers
    def const(self, value: Q) -> str:
        text = exact_text(value)
        if text not in self.consts:
            self.consts[text] = f"_k{len(self.consts)}"
        return self.consts[text]

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

    # ------------------------------------------------------------------ module
    def module(self) -> Writer:
        body = Writer()
        self.w = body
        for fast in (False, True):
            self.fast = fast
            for block in self.model.blocks:
                self.unit_function(block)
                self.cross_function(block)
                self.group_function(block)
                self.final_function(block)
        self.fast = False
        for block in self.model.blocks:
            self.order_function(block)
        self.grading_function()
        from kaoping.compiler.emit_checks import emit_checks, emit_same_checks  # built on this

        emit_checks(self)
        emit_same_checks(self)
        head = Writer()
        head(f'"""Scheme {_in_doc(self.scheme_id)} compiled by kaoping. Generated: do not edit.')
        head("")
        head("Each statement names the .rules line it comes from; the runtime records it in the")
        head('trace that `kaoping explain` prints."""')
        head("")
        head("from kaoping.runtime import prelude as _rt")
        head("")
        head("_Q = _rt.Q  # exact rationals: every number is one")
        for table in self.tables:
            for row in self.model.tables[table].rows:
                self.const(row.value)
        for text, name in self.consts.items():
            head(f"{name} = _Q({text!r})")
        for units, name in self.unit_sets.items():
            head(f"{name} = frozenset({sorted(units)!r})  # the units of a sheet")
        for table, name in self.tables.items():
            decl = self.model.tables[table]
            head(f"{name} = {{  # table {table!r}", decl.span)
            for row in decl.rows:
                head(f"    {row.key!r}: {self.const(row.value)},", row.span)
            head("}")
        head("_fn: dict = {}  # rule functions contributed by plugins, filled in at load time")
        head("")
        rnd = self.model.rounding
        head(f"ROUNDING = {(rnd.places, rnd.mode) if rnd is not None else None!r}")
        head(f"BLOCK_OF_GROUP = {self.model.block_of_group!r}")
        head(f"RANK_VALUE = {self.rank_values()!r}")
        head(f"GRADINGS = {tuple(self.model.gradings)!r}")
        head("")
        offset = len(head.lines)
        merged = Writer(
            head.lines + body.lines,
            {**head.spans, **{k + offset: v for k, v in body.spans.items()}},
        )
        return merged

    def rank_values(self) -> dict[int, str | None]:
        return {block.index: rank_path(block) for block in self.model.blocks}

    @property
    def suffix(self) -> str:
        return "_fast" if self.fast else ""

    def setv(self, path: str, line: int, code: str, extra: str, span: Span) -> None:
        """Store a value: traced (`u.set`, for explain) or plain (`v[…] = …`, for scoring)."""
        if self.fast:
            self.w(f"v[{path!r}] = {code}", span)
        else:
            self.w(f"u.set({path!r}, {line}, {code}{extra})", span)

    # ------------------------------------------------------------------ stages
    def stage_values(self, block: BlockModel, stage: str) -> list[ValueDef]:
        return [block.values[p] for p in block.order if block.values[p].stage == stage]

    def unit_function(self, block: BlockModel) -> None:
        w = self.w
        w()
        w(f"def unit_{block.index}{self.suffix}(u):")
        with w.indent():
            w(
                f'"""Per-unit values of `scoring {", ".join(block.groups)}` ({_in_doc(block.scoring.span.short)})."""'
            )
            w("f, v = u.facts, u.values")
            scope = _Scope("f", "v", "u")
            for vd in self.stage_values(block, "unit"):
                self.value(block, vd, scope)
        w()

    def cross_function(self, block: BlockModel) -> None:
        """`across G1, G2:` values, each over the units of the groups it names, once every unit
        of the block has its per-unit values (none for a block without such values)."""
        values = self.stage_values(block, "cross")
        if not values:
            return
        w = self.w
        w(f"def cross_{block.index}{self.suffix}(everyone):")
        with w.indent():
            w(f'"""Values of `scoring {", ".join(block.groups)}` across several of its groups."""')
            pools: dict[tuple[str, ...], str] = {}
            for scope in dict.fromkeys(vd.scope for vd in values):
                pools[scope] = f"_p{len(pools)}"
                w(f"{pools[scope]} = [w for w in everyone if w.group in {scope!r}]")
            current: tuple[str, ...] | None = None
            for vd in values:
                if vd.scope != current:
                    current = vd.scope
                    w(f"units = {pools[current]}  # across {_one_line(', '.join(current))}")
                self.group_value(block, vd)
            w("return None")
        w()

    def group_function(self, block: BlockModel) -> None:
        w = self.w
        w(f"def group_{block.index}{self.suffix}(units):")
        with w.indent():
            w(f'"""Values of `scoring {", ".join(block.groups)}` that read the whole group."""')
            for req in block.requires:
                self.comment(req.span)
                if isinstance(req, ir.RequireRecords):
                    w(
                        f"_rt.require_records(units, {req.source!r}, {req.field!r}, {req.key!r}, "
                        f"{req.by!r}, {self.shares(req.shares)}, {req.mode!r}, {str(req.span)!r})",
                        req.span,
                    )
                    continue
                inner = _Scope("w.facts", "w.values", "w")
                w(
                    f"_rt.require_distribution(units, "
                    f"[{self.ex(req.operand, block, inner)} for w in units], "
                    f"{self.shares(req.shares)}, {req.mode!r}, {str(req.span)!r})",
                    req.span,
                )
            for vd in self.stage_values(block, "group"):
                self.group_value(block, vd)
            w("return None")
        w()

    def order_function(self, block: BlockModel) -> None:
        """`order_N(units)`: grades from the raters' orderings (`require … ordered by`), run
        for each group before any of its values, so that every rule reads them as inputs."""
        ordered = [req for req in block.requires if req.order is not None]
        if not ordered:
            return
        w = self.w
        w(f"def order_{block.index}(units):")
        with w.indent():
            w('"""Grades the data gives as places in the raters\' ordering."""')
            for req in ordered:
                self.comment(req.span)
                if isinstance(req, ir.RequireRecords):
                    w(
                        f"_rt.order_records(units, {req.source!r}, {req.field!r}, {req.order!r}, "
                        f"{req.key!r}, {req.by!r}, {self.shares(req.shares)}, {req.mode!r}, "
                        f"{str(req.span)!r})",
                        req.span,
                    )
                else:
                    assert isinstance(req.operand, ir.Ref)
                    w(
                        f"_rt.order_units(units, {req.operand.name!r}, {req.order!r}, "
                        f"{self.shares(req.shares)}, {req.mode!r}, {str(req.span)!r})",
                        req.span,
                    )
            w("return None")
        w()

    def final_function(self, block: BlockModel) -> None:
        w = self.w
        w(f"def final_{block.index}{self.suffix}(u):")
        with w.indent():
            w('"""Consequences, computed once every grade is known."""')
            w("f, v = u.facts, u.values")
            scope = _Scope("f", "v", "u")
            for vd in self.stage_values(block, "final"):
                parts = [vd.for_group(only[0]) for only, _ in vd.variants] or [vd]
                for part in parts:
                    if part.only:
                        w(f"if u.group in {part.only!r}:")
                        with w.indent():
                            self.value(block, part, scope)
                    else:
                        self.value(block, part, scope)
            w("return None")
        w()

    def group_value(self, block: BlockModel, vd: ValueDef) -> None:
        w = self.w
        node = vd.node
        assert node is not None
        self.comment(node.span)
        cohort: dict[int, str] = {}
        notes: list[tuple[str, str]] = []
        for cnode in _cohort_nodes(node):
            emit_cohort_value(self, block, cnode, cohort, notes)
        w("for _i, u in enumerate(units):")
        with w.indent():
            w("f, v = u.facts, u.values")
            scope = _Scope("f", "v", "u", cohort=cohort)
            self.value(block, vd, scope, group_notes=notes)
        na = not_applicable_of(node)
        if na is not None and na.group_mean:
            # 004 三: where the item does not apply, the mean of the units it applies to
            w(f"_rt.impute_mean(units, {vd.path!r}, {na.span.line}, {str(na.span)!r})", na.span)

    # ------------------------------------------------------------------ values
    def value(
        self,
        block: BlockModel,
        vd: ValueDef,
        s: _Scope,
        group_notes: list[tuple[str, str]] | None = None,
    ) -> None:
        """A value's rule, skipped for a unit whose data gives the value (or gives every value
        that reads it); a value on a sheet exists only for the sheet's units."""
        w = self.w
        span = vd.node.span if vd.node is not None else block.scoring.span
        if vd.sheet is not None:
            units = self.units_const(vd.sheet.units)
            w(f"if u.name in {units}:  # sheet {_one_line(vd.sheet.path)}", span)
            with w.indent():
                self.value(block, attrs.evolve(vd, sheet=None), s, group_notes)
            return
        flag = ", True" if vd.kind == "flag" else ""
        if vd.node is not None and group_notes is None:
            self.comment(vd.node.span)
        w(f"if {vd.path!r} in u.skip:", span)
        w(f"    u.give({vd.path!r}, {span.line}{flag})", span)
        w("else:")
        with w.indent():
            self.computed_value(block, vd, s, group_notes)

    def computed_value(
        self,
        block: BlockModel,
        vd: ValueDef,
        s: _Scope,
        group_notes: list[tuple[str, str]] | None = None,
    ) -> None:
        w = self.w
        node = vd.node
        path = vd.path
        extra = ""
        if group_notes:
            extra = ", group={" + ", ".join(f"{label!r}: {var}" for label, var in group_notes) + "}"
        if vd.kind == "total":
            if node is None:
                parts = flat.plus([f"v[{c!r}]" for c in vd.children])
                code = self.rounded_total(parts)
                self.setv("total", block.scoring.span.line, code, "", block.scoring.span)
            else:
                assert isinstance(node, ir.Total)
                code = self.rounded_total(self.ex(node.expr, block, s))
                self.setv("total", node.span.line, code, extra, node.span)
            return
        assert node is not None
        # `max` in the rules of an item or section is its maximum
        self.own_max = node.max if isinstance(node, ir.Item | ir.Section) else None
        if isinstance(node, ir.Flag):
            w(f"u.flag({path!r}, {node.span.line}, {self.ex(node.cond, block, s)})", node.span)
        elif isinstance(node, ir.Let | ir.Output):
            self.setv(path, node.span.line, self.ex(node.expr, block, s), extra, node.span)
        elif isinstance(node, ir.Item) and isinstance(node.formula, ir.Keyed):
            emit_keyed(self, block, vd, node, node.formula, s)
        elif isinstance(node, ir.Item) and node.formula is not None:
            self.setv(path, node.span.line, self.ex(node.formula, block, s), extra, node.span)
        elif isinstance(node, ir.Item) and (na := not_applicable_of(node)) is not None:
            # 不涉及: absent where the condition holds; the clauses run only where it applies
            w(f"if {self.ex(na.cond, block, s)}:", na.span)
            w(f"    u.not_applicable({path!r}, {na.span.line})", na.span)
            w("else:")
            with w.indent():
                self.item(block, vd, node, s)
                self.over_max(vd, node, s)
            return
        elif isinstance(node, ir.Item):
            self.item(block, vd, node, s)
        elif isinstance(node, ir.Section):
            self.section(block, vd, node, s)
        if isinstance(node, ir.Item | ir.Section):
            self.over_max(vd, node, s)

    def over_max(self, vd: ValueDef, node: ir.Item | ir.Section, s: _Scope) -> None:
        """No cap: a value above the maximum is kept, and reported on the unit."""
        if vd.may_exceed and node.max is not None:
            w, path = self.w, vd.path
            mx = self.const(node.max)
            w(f"if {s.v}[{path!r}] > {mx}:", node.span)
            w(f"    {s.u}.over({path!r}, {node.span.line}, {s.v}[{path!r}], {mx})", node.span)

    def rounded_total(self, code: str) -> str:
        """The total as the scheme's `rounding` rounds it; exact when it declares none."""
        rnd = self.model.rounding
        if rnd is None:
            return code
        return f"_rt.round_to({code}, {rnd.places}, {rnd.mode!r})"

    def item(self, block: BlockModel, vd: ValueDef, node: ir.Item, s: _Scope) -> None:
        if self.fast:
            self.item_fast(block, vd, node, s)
            return
        w = self.w
        w(f"_it = u.item({vd.path!r}, {node.span.line})", node.span)
        ordered = (
            [c for c in node.clauses if isinstance(c, ir.Start)]
            + [c for c in node.clauses if isinstance(c, ir.Add)]
            + [c for c in node.clauses if isinstance(c, ir.Floor)]
            + [c for c in node.clauses if isinstance(c, ir.Cap)]
            + [c for c in node.clauses if isinstance(c, ir.ZeroIf)]
            + [c for c in node.clauses if isinstance(c, ir.RoundClause)]
        )
        for cl in ordered:
            line = cl.span.line
            if isinstance(cl, ir.Start):
                amount = (
                    self.const(node.max or Q(0))
                    if cl.value is None
                    else self.ex(cl.value, block, s)
                )
                w(f"_it.start({amount}, {line})", cl.span)
            elif isinstance(cl, ir.Add):
                amount = self.ex(cl.amount, block, s)
                if cl.per is not None:
                    amount = f"{amount} * {self.ex(cl.per, block, s)}"
                cond = f", {self.ex(cl.cond, block, s)}" if cl.cond is not None else ""
                w(f"_it.add({amount}, {line}, {cl.sign}{cond})", cl.span)
            elif isinstance(cl, ir.Floor):
                w(f"_it.floor({self.ex(cl.value, block, s)}, {line})", cl.span)
            elif isinstance(cl, ir.Cap):
                w(f"_it.cap({self.ex(cl.value, block, s)}, {line})", cl.span)
            elif isinstance(cl, ir.ZeroIf):
                w(f"_it.zero({self.ex(cl.cond, block, s)}, {line})", cl.span)
            elif isinstance(cl, ir.RoundClause):
                w(f"_it.round({cl.places}, {cl.mode!r}, {line})", cl.span)
        w("_it.done()")

    def item_fast(self, block: BlockModel, vd: ValueDef, node: ir.Item, s: _Scope) -> None:
        """The clauses as plain arithmetic on `x`, in the language's fixed order."""
        w = self.w
        starts = [c for c in node.clauses if isinstance(c, ir.Start)]
        start = "_rt.ZERO"
        if starts:
            first = starts[0]
            start = (
                self.const(node.max or Q(0))
                if first.value is None
                else self.ex(first.value, block, s)
            )
        w(f"x = {start}", starts[0].span if starts else node.span)
        for extra in starts[1:]:
            more = (
                self.const(node.max or Q(0))
                if extra.value is None
                else self.ex(extra.value, block, s)
            )
            w(f"x += {more}", extra.span)
        for cl in node.clauses:
            if isinstance(cl, ir.Add):
                amount = self.ex(cl.amount, block, s)
                if cl.per is not None:
                    amount = f"{amount} * {self.ex(cl.per, block, s)}"
                op = "+=" if cl.sign > 0 else "-="
                if cl.cond is not None:
                    w(f"if {self.ex(cl.cond, block, s)}:", cl.span)
                    w(f"    x {op} {amount}", cl.span)
                else:
                    w(f"x {op} {amount}", cl.span)
        self.bounds_fast(block, node.clauses, s)
        for cl in node.clauses:
            if isinstance(cl, ir.ZeroIf):
                w(f"if {self.ex(cl.cond, block, s)}:", cl.span)
                w("    x = _rt.ZERO", cl.span)
        for cl in node.clauses:
            if isinstance(cl, ir.RoundClause):
                w(f"x = _rt.round_to(x, {cl.places}, {cl.mode!r})", cl.span)
        w(f"v[{vd.path!r}] = x")

    # ------------------------------------------------------------------ grading
    def grading_function(self) -> None:
        w = self.w
        w("def grade(units):")
        with w.indent():
            w('"""Every `grading` block, its lines in the order written."""')
            for grading in self.model.gradings.values():
                self.comment(grading.span)
                w(f"_g = _rt.Grader({grading.name!r}, units)", grading.span)
                for rule in grading.rules:
                    self.grade_rule(rule)
            w("return None")
        w()

    def per_block(self, expr: ir.Expr, groups: tuple[str, ...] = ()) -> str:
        parts = []
        for block in self.model.blocks:
            if groups and not set(groups) & set(block.groups):
                continue
            s = _Scope("u.facts", "u.values", "u")
            parts.append(f"{block.index}: lambda u: {self.ex(expr, block, s)}")
        return "{" + ", ".join(parts) + "}"

    def per_block_keys(self, keys: tuple[ir.Expr, ...], groups: tuple[str, ...]) -> str:
        """Per block, a function giving a unit's ranking key (the total when none is written)."""
        parts = []
        for block in self.model.blocks:
            if groups and not set(groups) & set(block.groups):
                continue
            s = _Scope("u.facts", "u.values", "u")
            code = ", ".join(self.key(k, block, s) for k in keys) or "u.values['total']"
            parts.append(f"{block.index}: lambda u: ({code},)")
        return "{" + ", ".join(parts) + "}"

    def grade_rule(self, rule: ir.GradeRule) -> None:
        w = self.w
        line = rule.span.line
        text = self.rule_text(rule.span)
        self.comment(rule.span)
        if isinstance(rule, ir.Bar):
            w(f"_g.bar({rule.grades!r}, {line}, {text!r}, {self.per_block(rule.cond)})", rule.span)
        elif isinstance(rule, ir.Quota):
            by = self.per_block_keys(rule.by, rule.groups)
            share = self.const(rule.share) if rule.share is not None else "None"
            w(
                f"_g.quota({rule.grade!r}, {line}, {text!r}, {rule.count!r}, {share}, "
                f"{rule.mode!r}, {by}, {rule.groups!r})",
                rule.span,
            )
        elif isinstance(rule, ir.GradeIf):
            w(f"_g.when({rule.grade!r}, {line}, {text!r}, {self.per_block(rule.cond)})", rule.span)
        elif isinstance(rule, ir.Otherwise):
            w(f"_g.otherwise({rule.grade!r}, {line}, {text!r})", rule.span)
        else:
            w(
                f"_g.override({rule.grade!r}, {line}, {text!r}, {self.per_block(rule.cond)})",
                rule.span,
            )

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
            return (
                f"({self.ex(e.then, block, s)} if {self.ex(e.cond, block, s)} "
                f"else {self.ex(e.otherwise, block, s)})"
            )
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
        if e.drop is not None:
            args.append(
                f"drop=({e.drop.count}, {e.drop.which!r}, "
                f"lambda {rec}: {self.key(e.drop.key, block, inner)})"
            )
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


def _one_line(text: str) -> str:
    """Text for a comment: no character that Python or `splitlines` takes for a line break."""
    return " ".join(text.splitlines())


def _in_doc(text: str) -> str:
    """Text (a scheme id, a file name) inside a generated docstring, unable to close it."""
    return _one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def rank_path(block: BlockModel) -> str | None:
    """The value reported as the unit's rank: the block's first `let … = rank by total…`, or
    failing that its first `let … = rank by …`; a rank within the group before a rank across
    several groups (`across G1, G2:`), which every unit of the block has only if it names all
    of the block's groups."""
    ranks = [
        (path, vd.node.expr, bool(vd.scope))
        for path, vd in block.values.items()
        if isinstance(vd.node, ir.Let) and isinstance(vd.node.expr, ir.Rank) and not vd.only
    ]
    chosen = sorted(ranks, key=lambda r: (not isinstance(r[1].keys[0], ir.TotalRef), r[2]))
    return chosen[0][0] if chosen else None


def _cohort_nodes(node: object) -> list[CohortNode]:
    """Cohort operations inside a statement, innermost first."""
    return [
        x
        for x in walk.postorder(node)
        if isinstance(x, ir.Best | ir.GroupLowest | ir.GroupMean | ir.Rank | ir.Distribute)
    ]


def emit(model: Model, scheme_id: str, sources: dict[str, str]) -> Writer:
    return Emitter(model, scheme_id, sources).module()
