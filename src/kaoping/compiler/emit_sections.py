"""How the emitter writes a section: its children combined (summed, rescaled where items may
not apply, the highest, the mean), per sheet where units have their own items, then bounded and
rounded. Plain (`x = …`) for scoring, traced (`_it.…`) for `explain`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.compiler import flat, ir
from kaoping.compiler.model import BlockModel, SheetDef, ValueDef
from kaoping.exact import Q

if TYPE_CHECKING:
    from kaoping.compiler.emit_writer import Writer, _Scope

ZERO = Q(0)


class SectionEmitter:
    """Sections for `emit.Emitter`, which supplies the writer, constants and expressions."""

    w: Writer
    fast: bool

    def const(self, value: Q) -> str:
        raise NotImplementedError

    def units_const(self, units: frozenset[str]) -> str:
        raise NotImplementedError

    def ex(self, e: ir.Expr, block: BlockModel, s: _Scope) -> str:
        raise NotImplementedError

    def bounds_fast(self, block: BlockModel, clauses: tuple[ir.Clause, ...], s: _Scope) -> None:
        w = self.w
        for cl in clauses:
            if isinstance(cl, ir.Floor):
                limit = self.ex(cl.value, block, s)
                w(f"if x < {limit}:", cl.span)
                w(f"    x = {limit}", cl.span)
        for cl in clauses:
            if isinstance(cl, ir.Cap):
                limit = self.ex(cl.value, block, s)
                w(f"if x > {limit}:", cl.span)
                w(f"    x = {limit}", cl.span)

    def section(self, block: BlockModel, vd: ValueDef, node: ir.Section, s: _Scope) -> None:
        from kaoping.compiler.emit_writer import _one_line  # the emitter's own comment text

        sheets = block.sheets.get(vd.path)
        if not sheets:
            self.combine(block, vd, node, s, vd.children, None)
            return
        # each unit combines the shared children with those of its own sheet
        w = self.w
        own = {c for sh in sheets for c in sh.children}
        shared = [c for c in vd.children if c not in own]
        for i, sh in enumerate(sheets):
            units = self.units_const(sh.units)
            w(f"{'elif' if i else 'if'} u.name in {units}:  # sheet {_one_line(sh.path)}", sh.span)
            with w.indent():
                self.combine(block, vd, node, s, [*shared, *sh.children], sh)
        w("else:")
        w(f"    _rt.no_sheet(u, {vd.path!r}, {str(node.span)!r})")

    def combine(
        self,
        block: BlockModel,
        vd: ValueDef,
        node: ir.Section,
        s: _Scope,
        children: list[str],
        sheet: SheetDef | None,
    ) -> None:
        """A section's value from the given children: summed (and rescaled, where items may not
        apply), the highest or the mean, then bounded and rounded by its own clauses."""
        w = self.w
        mode, excluding = node.taking()
        kids = [c for c in children if block.values[c].name not in excluding]
        vals = ", ".join(f"v[{c!r}]" for c in kids)
        if not kids:
            combined = "_rt.ZERO"
        elif mode == "sum":
            combined = flat.plus([f"v[{c!r}]" for c in kids])
        elif mode == "highest":
            combined = f"max({vals})"
        else:
            combined = f"({flat.plus([f'v[{c!r}]' for c in kids])}) / {self.const(Q(len(kids)))}"
        if mode != "sum" and any(_may_be_absent(block, c) for c in kids):
            # the mean or the highest of the children that apply to the unit
            combined = (
                f"_rt.applicable_taken(u.name, {node.name!r}, [{vals}], {mode!r}, "
                f"{str(node.span)!r})"
            )
        rescale = next((cl for cl in node.clauses if isinstance(cl, ir.Rescale)), None)
        parts = top = ""
        if rescale is not None:  # 不涉及项目折算: Σ applicable × max ÷ Σ their maxima
            parts = ", ".join(
                f"(v[{c!r}], {self.const(getattr(block.values[c].node, 'max', None) or ZERO)}, "
                f"{block.values[c].name!r})"
                for c in kids
            )
            top = self.const(node.max or ZERO)
        if self.fast:
            if rescale is not None:
                w(
                    f"x = _rt.rescale(u, {vd.path!r}, ({parts},), {top}, {str(rescale.span)!r})",
                    rescale.span,
                )
            else:
                w(f"x = {combined}", node.span)
            self.bounds_fast(block, node.clauses, s)
            for cl in node.clauses:
                if isinstance(cl, ir.RoundClause):
                    w(f"x = _rt.round_to(x, {cl.places}, {cl.mode!r})", cl.span)
            w(f"v[{vd.path!r}] = x")
            return
        w(f"_it = u.item({vd.path!r}, {node.span.line})", node.span)
        if sheet is not None:
            w(f"_it.sheet({sheet.label!r}, {sheet.span.line})", sheet.span)
        if rescale is not None:
            w(
                f"_it.rescale(({parts},), {top}, {rescale.span.line}, {str(rescale.span)!r})",
                rescale.span,
            )
        else:
            w(f"_it.start({combined}, {node.span.line}, {mode!r})", node.span)
        for cl in node.clauses:
            if isinstance(cl, ir.Floor):
                w(f"_it.floor({self.ex(cl.value, block, s)}, {cl.span.line})", cl.span)
        for cl in node.clauses:
            if isinstance(cl, ir.Cap):
                w(f"_it.cap({self.ex(cl.value, block, s)}, {cl.span.line})", cl.span)
        for cl in node.clauses:
            if isinstance(cl, ir.RoundClause):
                w(f"_it.round({cl.places}, {cl.mode!r}, {cl.span.line})", cl.span)
        w("_it.done()")


def _may_be_absent(block: BlockModel, path: str) -> bool:
    """A child that may not apply to a unit (`not applicable if`): absent there."""
    ty = block.values[path].ty
    return ty is not None and ty.optional
