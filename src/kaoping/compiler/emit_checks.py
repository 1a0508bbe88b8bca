"""Emitting the data requirements of each block as `check_N(u)`: run on every unit before
anything is scored, it returns a problem for each requirement the unit's data breaks, naming the
inputs it read with their values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.compiler.emit import _Scope
from kaoping.span import text_of

if TYPE_CHECKING:
    from kaoping.compiler.emit import Emitter


def emit_checks(em: Emitter) -> None:
    w = em.w
    for block in em.model.blocks:
        w(f"def check_{block.index}(u):")
        with w.indent():
            w(f'"""Data requirements of `scoring {", ".join(block.groups)}`: the unmet ones."""')
            w("f, problems = u.facts, []")
            scope = _Scope("f", "u.values", "u")
            for check in block.data_checks:
                req = check.requirement
                em.comment(req.span)
                test = f"not {em.ex(req.cond, block, scope)}"
                if check.groups:
                    test = f"u.group in {check.groups!r} and {test}"
                inputs = ", ".join(f"{name!r}: f[{name!r}]" for name in check.inputs)
                w(f"if {test}:", req.span)
                with w.indent():
                    w(
                        f"problems.append(_rt.unmet(u.name, {str(req.span)!r}, "
                        f"{text_of(em.sources.get(req.span.path), req.cond.span)!r}, {{{inputs}}}))",
                        req.span,
                    )
            w("return problems")
        w()
