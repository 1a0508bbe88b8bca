"""The `grading` blocks for whole columns: `grade_all(parts)`, each line a call on
`kaoping.runtime.columnar.grading.Grading` over every group's table, from the same IR as the
per-unit `grade(units)` (`emit.Emitter.grading_function`). Conditions and ranking keys are
written per block by the columnar expression emitter; a grade read in a line is the grading's
text column, read only where every unit has one (an earlier grading, or this one after its
`otherwise`).

What it cannot compute raises `Unsupported` with the line's span; the columnar module then
holds no `grade_all` and `GRADING_UNSUPPORTED` says why: the values are still computed on
columns, and the per-unit module grades."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.compiler import ir
from kaoping.compiler.emit_columnar_expr import ExprEmitter, Scope, Unsupported
from kaoping.compiler.emit_writer import Writer
from kaoping.compiler.model import BlockModel

if TYPE_CHECKING:
    from kaoping.compiler.emit_columnar import ColumnarEmitter

# where a grading line's expression reads from: the part's table `t`, the grades `g`
_SCOPE = Scope(f="t.facts", v="t.values", n="t.n")


class _GradeExprs(ExprEmitter):
    """Expressions of grading lines: a grade read is the grading's column on the part."""

    def __init__(self, em: ColumnarEmitter):
        super().__init__(em)
        self.complete: set[str] = set()  # gradings every unit has a grade in, at this line

    def ref(self, e: ir.Ref | ir.WeightPart, block: BlockModel, s: Scope) -> str:
        res = self.model.refs[(id(e), block.index)]
        if res.kind != "grade":
            return super().ref(e, block, s)
        if res.target not in self.complete:
            raise Unsupported("a grade read before its grading's `otherwise`", e.span)
        if s.record is not None:
            raise Unsupported("a grade read beside a unit's records", e.span)
        return f"g[{res.target!r}]"


def grading_function(em: ColumnarEmitter) -> None:
    """`grade_all` appended to the module being written, or `GRADING_UNSUPPORTED` (the
    reason) when a line has no columnar form."""
    if not em.model.gradings:
        return
    body, saved = Writer(), em.w
    em.w = body
    try:
        _write(em, _GradeExprs(em))
    except Unsupported as err:
        em.w = saved
        em.w(f"GRADING_UNSUPPORTED = {err.reason!r}  # the per-unit module grades")
        em.w()
        return
    em.w = saved
    saved.extend(body)


def _write(em: ColumnarEmitter, exprs: _GradeExprs) -> None:
    w = em.w
    w("def grade_all(parts, run=None):")
    with w.indent():
        w('"""Every `grading` block, its lines in the order written, on every group\'s table."""')
        for grading in em.model.gradings.values():
            em.comment(grading.span)
            values = em.model.enums[grading.enum].values
            w(f"_g = _c.Grading(parts, {grading.name!r}, {tuple(values)!r}, run)", grading.span)
            for rule in grading.rules:
                _rule(em, exprs, grading, rule)
            w("_g.done()", grading.span)
            exprs.complete.add(grading.name)
        w("return None")
    w()


def _rule(em: ColumnarEmitter, exprs: _GradeExprs, grading: ir.Grading, rule: ir.GradeRule) -> None:
    w = em.w
    em.comment(rule.span)
    if isinstance(rule, ir.Bar):
        w(f"_g.bar({rule.grades!r}, {_per_block(em, exprs, rule.cond)})", rule.span)
    elif isinstance(rule, ir.Quota):
        by = _keys(em, exprs, rule)
        share = em.const(rule.share) if rule.share is not None else "None"
        where = _per_block(em, exprs, rule.where) if rule.where is not None else "None"
        w(
            f"_g.quota({rule.grade!r}, {em.rule_text(rule.span)!r}, {rule.count!r}, {share}, "
            f"{rule.mode!r}, {by}, "
            f"{rule.groups!r}, {rule.minimum!r}, {where})",
            rule.span,
        )
    elif isinstance(rule, ir.GradeIf):
        w(f"_g.when({rule.grade!r}, {_per_block(em, exprs, rule.cond)})", rule.span)
    elif isinstance(rule, ir.Otherwise):
        w(f"_g.otherwise({rule.grade!r})", rule.span)
        exprs.complete.add(grading.name)
    elif rule.step:  # `step down` / `step up`: one grade along the enum
        w(f"_g.step({rule.step}, {_per_block(em, exprs, rule.cond)})", rule.span)
    else:
        w(f"_g.override({rule.grade!r}, {_per_block(em, exprs, rule.cond)})", rule.span)


def _per_block(em: ColumnarEmitter, exprs: _GradeExprs, cond: ir.Expr) -> str:
    parts = []
    for block in em.model.blocks:
        parts.append(f"{block.index}: lambda t, g: {exprs.ex(cond, block, _SCOPE)}")
    return "{" + ", ".join(parts) + "}"


def _keys(em: ColumnarEmitter, exprs: _GradeExprs, rule: ir.Quota) -> str:
    """Per block whose groups the quota is for, the ranking key chain (the total when the
    line names none); an enum key ranks its first value best."""
    parts = []
    for block in em.model.blocks:
        if rule.groups and not set(rule.groups) & set(block.groups):
            continue
        codes = []
        for key in rule.by:
            if exprs.optional(key, block):
                raise Unsupported("a quota ranked by a value that may be absent", key.span)
            code = exprs.ex(key, block, _SCOPE)
            t = em.model.types.get((id(key), block.index))
            if t is not None and t.kind == "enum" and t.enum in em.model.enums:
                values = tuple(em.model.enums[t.enum].values)
                code = f"_c.enum_score({code}, {values!r}, t.n)"
            codes.append(code)
        chain = ", ".join(codes) if codes else "t.values['total']"
        parts.append(f"{block.index}: lambda t, g: ({chain},)")
    return "{" + ", ".join(parts) + "}"
