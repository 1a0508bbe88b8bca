"""Emitting the data requirements: `check_N(u)` per block, run on every unit before anything is
scored, returns a problem for each requirement the unit's data breaks, naming the inputs it read
with their values; `check_all(units)` compares units for each `require same X`, and checks once
per run each requirement on constants alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.compiler import ir
from kaoping.compiler.emit_writer import _Scope
from kaoping.compiler.model import BlockModel, DataCheck
from kaoping.compiler.requirements import walk
from kaoping.span import text_of

if TYPE_CHECKING:
    from kaoping.compiler.emit import Emitter


def emit_checks(em: Emitter) -> None:
    w = em.w
    for block in em.model.blocks:
        if not any(not c.requirement.same and not c.per_run for c in block.data_checks):
            em.idle.append(f"check_{block.index}")
        w(f"def check_{block.index}(u):")
        with w.indent():
            w(f'"""Data requirements of `scoring {", ".join(block.groups)}`: the unmet ones."""')
            w("f, problems = u.facts, []")
            scope = _Scope("f", "u.values", "u")
            for check in block.data_checks:
                req = check.requirement
                if req.same or check.per_run:
                    continue
                em.comment(req.span)
                test = f"not {em.ex(req.cond, block, scope)}"
                if check.groups:
                    test = f"u.group in {check.groups!r} and {test}"
                if check.units:  # a requirement on one sheet's inputs: its units give them
                    test = f"u.name in {tuple(sorted(check.units))!r} and {test}"
                w(f"if {test}:", req.span)
                with w.indent():
                    _append_unmet(em, check, block, scope, "u.name", check.inputs or None)
            w("return problems")
        w()


def _append_unmet(
    em: Emitter,
    check: DataCheck,
    block: BlockModel,
    scope: _Scope,
    unit: str,
    fields: tuple[str, ...] | None,
) -> None:
    """`problems.append(…)` for an unmet requirement: its text and each value it read."""
    req = check.requirement
    source = em.sources.get(req.span.path)
    shown = ", ".join(
        f"{label!r}: {em.ex(expr, block, scope)}" for label, expr in _read(em, req.cond, block)
    )
    em.w(
        f"problems.append(_rt.unmet({unit}, {str(req.span)!r}, "
        f"{text_of(source, req.cond.span)!r}, {fields!r}, {{{shown}}}))",
        req.span,
    )


def _read(em: Emitter, cond: ir.Expr, block: BlockModel) -> list[tuple[str, ir.Expr]]:
    """What a requirement reads, as its data error shows it, in the order written: each input
    and constant by name, each aggregate over a list as its text (`计数 负责事项`)."""
    found: dict[str, ir.Expr] = {}
    source = em.sources.get(cond.span.path)
    for node in walk(cond):
        if isinstance(node, ir.Aggregate):
            found.setdefault(text_of(source, node.span) or str(node), node)
        elif isinstance(node, ir.Ref):
            res = em.model.refs.get((id(node), block.index))
            if res is not None and res.kind in ("input", "constant"):
                found.setdefault(res.target, node)
    return list(found.items())


def emit_same_checks(em: Emitter) -> None:
    """One comparison per `require same X`: of each group's units for one in a scoring block, of
    all the units it applies to for one at the top of a file. Then each requirement on constants
    alone, once: in a scoring block, when a unit of the block is in the data; at the top of a
    file, when the constants it reads are given."""
    w = em.w
    w("def check_all(units):")
    with w.indent():
        w('"""Requirements across units (`require same`) and on constants: the unmet ones."""')
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
        _emit_run_checks(em)
        w("return problems")
    w()


def _emit_run_checks(em: Emitter) -> None:
    w = em.w
    run_scope = _Scope("first.facts", "first.values", "first")
    for block in em.model.blocks:
        for check in block.data_checks:
            if not check.per_run:
                continue
            groups = check.groups or block.groups
            em.comment(check.requirement.span)
            w(
                f"first = next((w for w in units if w.block == {block.index} "
                f"and w.group in {groups!r}), None)",
                check.requirement.span,
            )
            _run_check(em, check, block, run_scope)
    if not em.model.blocks:
        return
    for check in em.model.run_requirements:
        entered = tuple(c for c in check.constants if em.model.constants[c].type is not None)
        em.comment(check.requirement.span)
        w(
            f"first = units[0] if units and all(c in units[0].facts for c in {entered!r}) "
            "else None",
            check.requirement.span,
        )
        _run_check(em, check, em.model.blocks[0], run_scope)


def _run_check(em: Emitter, check: DataCheck, block: BlockModel, scope: _Scope) -> None:
    entered = tuple(
        f"constants.{c}" for c in check.constants if em.model.constants[c].type is not None
    )
    w = em.w
    w(f"if first is not None and not {em.ex(check.requirement.cond, block, scope)}:")
    with w.indent():
        _append_unmet(em, check, block, scope, "None", entered or None)
