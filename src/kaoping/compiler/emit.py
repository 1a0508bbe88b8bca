"""Checked model → one readable Python module per scheme.

The emitter never pastes rules text into code: names become dictionary keys written with
`repr`, numbers become module constants: exact rationals built from their decimal text
(`_Q('0.15')`), and every statement
records the `.rules` line it comes from, so tracebacks and traces point at the rule.

This module assembles the generated module (its header, constants, stage functions and the
grading function); the stage bodies are written by `emit_stages`, expressions by `emit_expr`,
and the text itself by `emit_writer.Writer`.
"""

from __future__ import annotations

from kaoping.compiler import ir
from kaoping.compiler.emit_stages import StageEmitter
from kaoping.compiler.emit_writer import (
    Writer,
    _in_doc,
    _Scope,
    register_table_constants,
    write_tables,
)
from kaoping.compiler.model import BlockModel, Model
from kaoping.exact import Q


class Emitter(StageEmitter):
    def __init__(self, model: Model, scheme_id: str, sources: dict[str, str]):
        self.model = model
        self.scheme_id = scheme_id
        self.sources = sources
        self.source_lines: dict[str, list[str]] = {}
        self.w = Writer()
        self.consts: dict[str, str] = {}
        self.const_names: dict[Q, str] = {}
        self.tables: dict[str, str] = {}
        self.unit_sets: dict[frozenset[str], str] = {}
        self.counter = 0
        # stage functions that do nothing for any unit (no requirement, no consequence):
        # scoring does not call them
        self.idle: list[str] = []
        # two versions of each stage: traced (what `explain` reads) and fast (plain arithmetic
        # on the unit's values, for scoring); both carry the same .rules positions
        self.fast = False
        # the traced stage functions also note the choices made inside expressions (an `if`,
        # a band of a table, a distribution's band) on the unit, for `test --coverage`
        self.traced = False
        # the plain per-unit function tests no value for being given by the data; its twin
        # `unit_N_given`, compiled with the traced twins when some unit has given values, does
        self.skips = True
        self.own_max: Q | None = None

    # ------------------------------------------------------------------ module
    def module(self, traced: bool = True) -> Writer:
        """The scheme's module; without `traced`, only what scoring runs without given values
        (neither the twin for explain nor the plain function's twin for given values)."""
        body = Writer()
        self.w = body
        traced_end = 0
        for fast in (False, True) if traced else (True,):
            self.fast = fast
            self.traced = not fast
            if fast and traced:  # (check, which compiles only what scoring runs, skips them)
                self.skips = True
                for block in self.model.blocks:  # for units with given values (see `skips`)
                    self.unit_function(block, "_given")
                traced_end = len(body.lines)
            for block in self.model.blocks:
                self.skips = not fast
                self.unit_function(block)
                self.skips = True
                self.cross_function(block)
                self.group_function(block)
                self.final_function(block)
        self.fast = self.traced = False
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
        register_table_constants(self.model, self.tables, self.const)
        for text, name in self.consts.items():
            head(f"{name} = _Q({text!r})")
        for units, name in self.unit_sets.items():
            head(f"{name} = frozenset({sorted(units)!r})  # the units of a sheet")
        write_tables(head, self.model, self.tables, self.const)
        head("_fn: dict = {}  # rule functions contributed by plugins, filled in at load time")
        head("")
        rnd = self.model.rounding
        head(f"ROUNDING = {(rnd.places, rnd.mode) if rnd is not None else None!r}")
        head(f"BLOCK_OF_GROUP = {self.model.block_of_group!r}")
        head(f"RANK_VALUE = {self.rank_values()!r}")
        head(f"GRADINGS = {tuple(self.model.gradings)!r}")
        head(f"IDLE = frozenset({sorted(self.idle)!r})  # stage functions that do nothing")
        head("")
        offset = len(head.lines)
        merged = Writer(
            head.lines + body.lines,
            {**head.spans, **{k + offset: v for k, v in body.spans.items()}},
            traced=(offset, offset + traced_end),
        )
        return merged

    def rank_values(self) -> dict[int, str | None]:
        return {block.index: rank_path(block) for block in self.model.blocks}

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
                    self.grade_rule(rule, grading)
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

    def grade_rule(self, rule: ir.GradeRule, grading: ir.Grading) -> None:
        w = self.w
        line = rule.span.line
        text = self.rule_text(rule.span)
        self.comment(rule.span)
        if isinstance(rule, ir.Bar):
            w(f"_g.bar({rule.grades!r}, {line}, {text!r}, {self.per_block(rule.cond)})", rule.span)
        elif isinstance(rule, ir.Quota):
            by = self.per_block_keys(rule.by, rule.groups)
            share = self.const(rule.share) if rule.share is not None else "None"
            where = self.per_block(rule.where) if rule.where is not None else "None"
            w(
                f"_g.quota({rule.grade!r}, {line}, {text!r}, {rule.count!r}, {share}, "
                f"{rule.mode!r}, {by}, {rule.groups!r}, {rule.minimum!r}, {where})",
                rule.span,
            )
        elif isinstance(rule, ir.GradeIf):
            w(f"_g.when({rule.grade!r}, {line}, {text!r}, {self.per_block(rule.cond)})", rule.span)
        elif isinstance(rule, ir.Otherwise):
            w(f"_g.otherwise({rule.grade!r}, {line}, {text!r})", rule.span)
        elif rule.step:
            grades = self.model.enums[grading.enum].values
            w(
                f"_g.step({rule.step}, {grades!r}, {line}, {text!r}, {self.per_block(rule.cond)})",
                rule.span,
            )
        else:
            w(
                f"_g.override({rule.grade!r}, {line}, {text!r}, {self.per_block(rule.cond)})",
                rule.span,
            )


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


def emit(model: Model, scheme_id: str, sources: dict[str, str], traced: bool = True) -> Writer:
    return Emitter(model, scheme_id, sources).module(traced)
