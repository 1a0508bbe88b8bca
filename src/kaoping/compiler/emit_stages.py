"""Emitting the stage functions of a scoring block: per unit, across the group, the group's
order and after grading, and in them each value, item and total with its caps, floors and
rounding, traced (for `explain`) or fast (for scoring)."""

from __future__ import annotations

import attrs

from kaoping.compiler import flat, ir, walk
from kaoping.compiler.applicable import not_applicable_of
from kaoping.compiler.emit_cohort import CohortNode, emit_cohort_value
from kaoping.compiler.emit_expr import ExprEmitter
from kaoping.compiler.emit_keyed import emit_keyed
from kaoping.compiler.emit_writer import _in_doc, _one_line, _Scope
from kaoping.compiler.model import BlockModel, ValueDef
from kaoping.exact import Q
from kaoping.span import Span


class StageEmitter(ExprEmitter):
    """The stage functions and the values in them; `emit.Emitter` assembles the module."""

    idle: list[str]
    skips: bool

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

    def unit_function(self, block: BlockModel, suffix: str | None = None) -> None:
        """`unit_N` (traced), `unit_N_fast` (plain, for units the data gives no value) or
        `unit_N_given` (plain, each value skipped where the data gives it or only given values
        read it)."""
        w = self.w
        w()
        w(f"def unit_{block.index}{self.suffix if suffix is None else suffix}(u):")
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
                    f"{self.shares(req.shares)}, {req.mode!r}, {str(req.span)!r}, "
                    f"{str(req.operand)!r})",
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
        if not self.stage_values(block, "final"):
            self.idle.append(f"final_{block.index}{self.suffix}")
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
        if not self.skips:  # the unit's data gives no value (scoring picks this function)
            self.computed_value(block, vd, s, group_notes)
            return
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
            self.group_noted(path, group_notes, node.span)
        elif isinstance(node, ir.Item) and node.formula is not None:
            self.setv(path, node.span.line, self.ex(node.formula, block, s), extra, node.span)
        elif isinstance(node, ir.Item) and (na := not_applicable_of(node)) is not None:
            # 不涉及: absent where the condition holds; the clauses run only where it applies
            w(f"if {self.ex(na.cond, block, s)}:", na.span)
            w(f"    u.not_applicable({path!r}, {na.span.line})", na.span)
            w("else:")
            with w.indent():
                self.item(block, vd, node, s)
                self.group_noted(path, group_notes, node.span)
                self.over_max(vd, node, s)
            return
        elif isinstance(node, ir.Item):
            self.item(block, vd, node, s)
            self.group_noted(path, group_notes, node.span)
        elif isinstance(node, ir.Section):
            self.section(block, vd, node, s)
        if isinstance(node, ir.Item | ir.Section):
            self.over_max(vd, node, s)

    def group_noted(self, path: str, group_notes: list[tuple[str, str]] | None, span: Span) -> None:
        """The group values an item's clauses read (the best its `start` divides by), noted on
        its trace as a one-line value's are, for `explain`."""
        if group_notes and not self.fast:
            notes = ", ".join(f"{label!r}: {var}" for label, var in group_notes)
            self.w(f"u.group_noted({path!r}, {{{notes}}})", span)

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
                if cl.cond is None:
                    w(f"_it.add({amount}, {line}, {cl.sign})", cl.span)
                    continue
                # the amount only where the condition holds: the checker typed it knowing so
                # (`add 实际 ÷ 目标 if 目标 > 0` divides by no 0)
                w(f"if {self.ex(cl.cond, block, s)}:", cl.span)
                with w.indent():
                    w(f"_it.add({amount}, {line}, {cl.sign})", cl.span)
                w("else:")
                with w.indent():
                    w(f"_it.skip({line})", cl.span)
            elif isinstance(cl, ir.Floor):
                w(f"_it.floor({self.ex(cl.value, block, s)}, {line})", cl.span)
            elif isinstance(cl, ir.Cap):
                w(f"_it.cap({self.ex(cl.value, block, s)}, {line})", cl.span)
            elif isinstance(cl, ir.ZeroIf):
                w(f"_it.zero({self.ex(cl.cond, block, s)}, {line})", cl.span)
            elif isinstance(cl, ir.RoundClause):
                w(f"_it.round({cl.places}, {cl.mode!r}, {line})", cl.span)
        w("_it.done()")

    def given_number(self, e: ir.Expr, block: BlockModel) -> bool:
        """`e` reads a number input every unit of the block has: a rational once the data is
        validated, never absent."""
        if not isinstance(e, ir.Ref):
            return False
        res = self.model.refs.get((id(e), block.index))
        t = self.model.types.get((id(e), block.index))
        return (
            res is not None
            and res.kind == "input"
            and not res.partial
            and t is not None
            and t.kind == "number"
            and not t.optional
        )

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
        adds = [c for c in node.clauses if isinstance(c, ir.Add)]
        opening = adds[0] if adds and not starts and _constant_amount(adds[0]) else None
        if opening is not None:  # 0 ± a·n is a·n with the sign folded into the constant
            assert isinstance(opening.amount, ir.Num)
            factor = opening.amount.value * opening.sign
            if opening.per is None:
                start = self.const(factor)
            elif factor in (1, -1) and self.given_number(opening.per, block):
                # ±1 per an input that is always a rational: the input itself, or its negation
                start = f"{'-' if factor < 0 else ''}{self.ex(opening.per, block, s)}"
            else:
                start = f"{self.const(factor)} * {self.ex(opening.per, block, s)}"
        w(f"x = {start}", opening.span if opening else starts[0].span if starts else node.span)
        for extra in starts[1:]:
            more = (
                self.const(node.max or Q(0))
                if extra.value is None
                else self.ex(extra.value, block, s)
            )
            w(f"x += {more}", extra.span)
        for cl in node.clauses:
            if isinstance(cl, ir.Add) and cl is not opening:
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


def _constant_amount(cl: ir.Add) -> bool:
    """An unconditional `add`/`deduct` of a number (per something or not): its value is a
    rational whatever it multiplies, so an item can start from it rather than from 0."""
    return cl.cond is None and isinstance(cl.amount, ir.Num)


def _cohort_nodes(node: object) -> list[CohortNode]:
    """Cohort operations inside a statement, innermost first."""
    return [
        x
        for x in walk.postorder(node)
        if isinstance(
            x, ir.Best | ir.GroupLowest | ir.GroupMean | ir.GroupCount | ir.Rank | ir.Distribute
        )
    ]
