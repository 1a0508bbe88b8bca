"""The data requirements of a block on whole columns: `check_N(t)` returns, for each
`require COND` the per-unit `check_N(u)` tests on each unit, the groups it applies to (all:
empty) and the rows of the block's table that break it. One reading constants alone (checked
once a run by the per-unit module) reads them as the columns every unit reads: it holds for
every row or for none. Emitted only where every such requirement has a columnar form and none
compares units (`require same`): otherwise no `check_N` is written and the whole-column path
leaves the run to the per-unit objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.compiler.emit_columnar_expr import Scope, Unsupported
from kaoping.compiler.emit_writer import Writer, _in_doc
from kaoping.compiler.model import BlockModel

if TYPE_CHECKING:
    from kaoping.compiler.emit_columnar import ColumnarEmitter


def check_function(em: ColumnarEmitter, block: BlockModel) -> None:
    """`check_N(t)` for the block, when every requirement of it is one on each unit's data."""
    checks = block.data_checks
    if not checks or any(c.requirement.same or c.units for c in checks):
        return
    body = Writer()
    outer, em.w = em.w, body
    try:
        with body.indent():
            body("f, v, n = t.facts, t.values, t.n")
            body("found = []")
            for check in checks:
                req = check.requirement
                em.comment(req.span)
                cond = em.ex(req.cond, block, Scope())
                body(f"found.append(({check.groups!r}, _req.unmet({cond}, n)))", req.span)
            body("return found")
    except Unsupported:
        return  # the per-unit objects check them
    finally:
        em.w = outer
    w = em.w
    w(f"def check_{block.index}(t):")
    with w.indent():
        w(
            f'"""Data requirements of `scoring {_in_doc(", ".join(block.groups))}` on the '
            'columns: (groups, rows breaking it) for each."""'
        )
    base = len(w.lines)
    w.lines.extend(body.lines)
    w.spans.update({k + base: s for k, s in body.spans.items()})
    w()
