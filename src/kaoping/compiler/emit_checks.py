"""Emitting the data requirements: `check_N(u)` per block, run on every unit before anything is
scored, returns a problem for each requirement the unit's data breaks, naming the inputs it read
with their values; `check_all(units)` compares units for each `require same X`."""

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
                if req.same:
                    continue
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


def emit_same_checks(em: Emitter) -> None:
    """One comparison per `require same X`: of each group's units for one in a scoring block, of
    all the units it applies to for one at the top of a file."""
    w = em.w
    w("def check_all(units):")
    with w.indent():
        w('"""Requirements across units (`require same`): the units that differ."""')
        w("problems = []")
        scope = _Scope("w.facts", "w.values", "w")
        found: dict[int, list[tuple[int, tuple[str, ...]]]] = {}
        reqs = {}
        for block in em.model.blocks:
            for check in block.data_checks:
                if check.requirement.same:
                    found.setdefault(id(check.requirement), []).append((block.index, check.groups))
                    reqs[id(check.requirement)] = (check.requirement, block)
        scheme_level = {id(r) for r in em.model.module.requirements}
        for key, places in found.items():
            req, _ = reqs[key]
            em.comment(req.span)
            parts = []
            for index, groups in places:
                block = em.model.blocks[index]
                test = f"w.block == {index}" + (f" and w.group in {groups!r}" if groups else "")
                parts.append(
                    f"[(w.name, w.group, {em.ex(req.cond, block, scope)}) for w in units if {test}]"
                )
            text = text_of(em.sources.get(req.span.path), req.cond.span)
            w(
                f"problems += _rt.differing({str(req.span)!r}, {text!r}, "
                f"{' + '.join(parts)}, {key not in scheme_level!r})",
                req.span,
            )
        w("return problems")
    w()
