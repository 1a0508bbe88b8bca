"""Emitting the group values a statement of `across group:` reads: each computed once per group
before the loop over its units (or once per unit, for a rank or the mean of the other units),
and noted for `explain` with the unit that holds it where there is one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.compiler import ir

if TYPE_CHECKING:
    from kaoping.compiler.emit_stages import StageEmitter
    from kaoping.compiler.model import BlockModel

CohortNode = ir.Best | ir.GroupLowest | ir.GroupMean | ir.GroupCount | ir.Rank | ir.Distribute


def emit_cohort_value(
    em: StageEmitter,
    block: BlockModel,
    cnode: CohortNode,
    cohort: dict[int, str],
    notes: list[tuple[str, str]],
) -> None:
    """Write the code computing `cnode` over `units`; record in `cohort` the expression that
    reads it for unit `_i`, and in `notes` what explain shows."""
    from kaoping.compiler.emit_writer import _Scope

    w = em.w
    name = em.fresh("_c")
    inner = _Scope("w.facts", "w.values", "w")

    def each(e: ir.Expr) -> str:
        return f"[{em.ex(e, block, inner)} for w in units]"

    if isinstance(cnode, ir.Best | ir.GroupLowest):
        fn = "best" if isinstance(cnode, ir.Best) else "lowest"
        w(f"{name}v = {each(cnode.operand)}", cnode.span)
        w(f"{name} = _rt.{fn}({name}v)", cnode.span)
        w(
            f"{name}u = [w.name for w, x in zip(units, {name}v) if x is not None and x == {name}]",
            cnode.span,
        )
        cohort[id(cnode)] = name
        notes.append((str(cnode), name))
        notes.append((f"{cnode}: unit", f"{name}u"))
    elif isinstance(cnode, ir.GroupCount):
        keep = each(cnode.where) if cnode.where is not None else "None"
        w(f"{name} = _rt.count_units(len(units), {keep})", cnode.span)
        cohort[id(cnode)] = name
        notes.append((str(cnode), name))
    elif isinstance(cnode, ir.GroupMean):
        if cnode.weight is None and cnode.where is None and not cnode.others:
            w(f"{name} = _rt.group_mean({each(cnode.operand)})", cnode.span)
        else:
            weights = each(cnode.weight) if cnode.weight is not None else "None"
            keep = each(cnode.where) if cnode.where is not None else "None"
            fn = "peer_means" if cnode.others else "mean_of"
            w(f"{name} = _rt.{fn}({each(cnode.operand)}, {weights}, {keep})", cnode.span)
        cohort[id(cnode)] = f"{name}[_i]" if cnode.others else name
        notes.append((str(cnode), cohort[id(cnode)]))
    elif isinstance(cnode, ir.Rank):
        keys = ", ".join(em.key(k, block, inner) for k in cnode.keys)
        if len(cnode.keys) > 1 or not _always_number(em, block, cnode.keys[0]):
            keys = f"({keys},)"  # a chain of keys; one number every unit has is compared bare
        w(f"{name} = _rt.rank([{keys} for w in units], {cnode.ascending!r})", cnode.span)
        cohort[id(cnode)] = f"{name}[_i]"
    else:
        w(
            f"{name} = _rt.distribute({each(cnode.operand)}, {em.shares(cnode.shares)}, "
            f"{cnode.mode!r})",
            cnode.span,
        )
        cohort[id(cnode)] = f"{name}[_i]"
        if em.traced:  # the band each unit got, for `test --coverage`
            span = cnode.span
            cohort[id(cnode)] = f"_rt.chosen(u, {span.line}, {span.col}, {name}[_i])"


def _always_number(em: StageEmitter, block: BlockModel, key: ir.Expr) -> bool:
    """`key` is a number every unit has (never absent): it sorts without a tuple around it."""
    t = em.model.types.get((id(key), block.index))
    return t is not None and t.kind == "number" and not t.optional
