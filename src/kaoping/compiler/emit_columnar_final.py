"""Consequences for whole columns: `final_N(t, g)`, block N's `consequences:` lines (`let`,
`output`, `flag`) on one group's table once every grading is done, from the same IR as the
per-unit `final_N(u)` (`emit_stages.StageEmitter.final_function`), in the same order. A grade read
is the grading's text column on the group (`g`, what `grade_all` left on its `Part`); a
consequence for some groups only is computed on the tables of those groups.

Only the whole-column path computes consequences on columns, and it scores no run with last
year's results (`--history` keeps a run on unit objects): `last year` is absent for every unit
there, as the per-unit module reads it without them (`runtime.columnar.history.no_last_year`,
which refuses a table whose units have last year's results). What it cannot compute raises
`Unsupported` with the line's span; the module then holds no `final_N` and
`FINAL_UNSUPPORTED_N` says why, and the run is scored per unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.compiler import ir
from kaoping.compiler.emit_columnar_expr import ExprEmitter, Scope, Unsupported
from kaoping.compiler.emit_writer import Writer, _in_doc
from kaoping.compiler.model import BlockModel

if TYPE_CHECKING:
    from kaoping.compiler.emit_columnar import ColumnarEmitter


class _FinalExprs(ExprEmitter):
    """Expressions of consequences: a grade read is the grading's column on the group."""

    def ref(self, e: ir.Ref | ir.WeightPart, block: BlockModel, s: Scope) -> str:
        res = self.model.refs[(id(e), block.index)]
        if res.kind != "grade":
            return super().ref(e, block, s)
        if s.record is not None:
            raise Unsupported("a grade read beside a unit's records", e.span)
        return f"g[{res.target!r}]"

    def last_year(self, e: ir.LastYear, block: BlockModel, s: Scope) -> str:
        kind = "number" if isinstance(e.operand, ir.TotalRef) else self.kind(e.operand, block)
        if kind not in ("number", "bool", "enum", "text"):
            raise Unsupported(f"`last year` of a {kind} value", e.span)
        sort = {"number": "number", "bool": "yesno"}.get(kind, "text")
        return f"_c.no_last_year(t, {sort!r})"


def final_function(em: ColumnarEmitter, block: BlockModel) -> None:
    """`final_N` appended to the module being written (nothing when the block has no
    consequence), or `FINAL_UNSUPPORTED_N` (the reason) when a line has no columnar form."""
    values = em.stage(block, "final")
    if not values:
        return
    body, saved, exprs = Writer(), em.w, em.exprs
    em.w, em.exprs = body, _FinalExprs(em)
    try:
        _write(em, block)
    except Unsupported as err:
        em.w = saved
        em.w(f"FINAL_UNSUPPORTED_{block.index} = {err.reason!r}  # the per-unit module's")
        em.w()
        return
    finally:
        em.exprs = exprs
        em.path_now = None
    em.w = saved
    saved.extend(body)


def _write(em: ColumnarEmitter, block: BlockModel) -> None:
    w = em.w
    w(f"def final_{block.index}(t, g):")
    with w.indent():
        w(
            f'"""Consequences of `scoring {_in_doc(", ".join(block.groups))}`, once every '
            'grade is known, on one group\'s table and its grades."""'
        )
        w("f, v, n = t.facts, t.values, t.n")
        for vd in em.stage(block, "final"):
            # each group's own definition, where `consequences for` blocks define it apart
            for part in [vd.for_group(only[0]) for only, _ in vd.variants] or [vd]:
                if part.only:
                    w(f"if t.group in {part.only!r}:")
                    with w.indent():
                        em.value(block, part, Scope())
                else:
                    em.value(block, part, Scope())
        w("return None")
    w()
