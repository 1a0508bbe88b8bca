"""Sections that combine different children for different units: per-unit indicator sheets
(个性指标, `for NAME:` blocks). Whom each sheet is for, each sheet's maxima against its section's,
and the rule that only the units of a sheet may read its values."""

from __future__ import annotations

from typing import Any

import attrs

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.infer import ExprChecker
from kaoping.compiler.model import BlockModel, DataCheck, Model, SheetDef, ValueDef
from kaoping.exact import Q
from kaoping.span import Span


def max_of(vd: ValueDef) -> Q | None:
    return getattr(vd.node, "max", None)


class SheetChecks(ExprChecker):
    """The checks of sections and their sheets; `check.Checker` builds on them."""

    groups: dict[str, Any]

    def sheets(
        self, block: BlockModel, node: ir.Section, path: str, nested: bool
    ) -> list[SheetDef]:
        """The sheets of a section: whom each is for; a unit may have one per section."""
        found: list[SheetDef] = []
        owner: dict[str, ir.Sheet] = {}
        for sh in node.sheets:
            if nested:
                self.type_error(
                    sh.span,
                    "a sheet cannot hold another sheet",
                    "write each unit's items in one sheet under the shared section",
                    "请把每个单位的个性指标写在共同部分下的一个 `适用` 块中",
                    "`适用` 块中不能再有 `适用` 块",
                )
                continue
            units = self.sheet_units(sh)
            clash = sorted(u for u in units if u in owner)
            for u in clash:
                self.err("E411", sh.span, unit=u, section=path, first=owner[u].span)
            for u in units:
                owner.setdefault(u, sh)
            if any(x.label == sh.name for x in found):
                continue  # a second sheet of one name: E411 said so
            children = tuple(f"{path}.{sh.name}.{c.name}" for c in sh.children)
            found.append(SheetDef(path, sh.name, units, children, sh.span, sh.article))
        if found:
            block.sheets[path] = found
        return found

    def sheet_units(self, sh: ir.Sheet) -> frozenset[str]:
        """A sheet is for the units of a set declared with `units`, or for one unit by name."""
        units = self.model.unit_sets.get(sh.name)
        if units is not None:
            return frozenset(units.units)
        if sh.name in self.groups:
            self.type_error(
                sh.span,
                f"{sh.name!r} is a group: a sheet is for a unit, or for a set of units",
                "declare the units that share the sheet with `units NAME: A, B`",
                "请用 `单位 名称: A, B` 声明共用此表的单位",
                f"{sh.name!r} 是分组:`适用` 块是某个单位或某组单位的个性指标",
            )
        return frozenset({sh.name})

    @staticmethod
    def section_variants(
        block: BlockModel, vd: ValueDef, sec: ir.Section
    ) -> list[tuple[str, Span, list[str]]]:
        """The children a unit's section combines: the shared ones, plus one sheet's (a name
        and a place for diagnostics with each)."""
        sheets = block.sheets.get(vd.path, [])
        own = {c for sh in sheets for c in sh.children}
        shared = [c for c in vd.children if c not in own]
        if not sheets:
            return [(sec.name, sec.span, shared)]
        return [(sh.path, sh.span, shared + list(sh.children)) for sh in sheets]

    def combined_ty(
        self,
        tys: list[T.Ty],
        maxima: list[Q],
        mode: str,
        sec: ir.Section,
        name: str,
        span: Span,
    ) -> T.Ty:
        """The range of a section's combined children, with its maximum checked against theirs."""
        if mode == "sum":
            acc = T.const(Q(0))
            for t in tys:
                acc = T.add(acc, t)
            child_max = sum(maxima, Q(0)) if maxima else None
        else:
            acc = tys[0] if tys else T.const(Q(0))
            for t in tys[1:]:
                acc = T.union(acc, t)
            if mode == "highest" and tys:
                lows = [t.low for t in tys]
                acc = T.number(
                    None if any(x is None for x in lows) else max(x for x in lows if x is not None),
                    acc.high,
                )
            child_max = max(maxima) if maxima else None
        if sec.max is not None and child_max is not None and child_max > sec.max:
            hint_en, hint_zh = "check the maxima against the document", "请对照文件核对各项满分"
            if any(isinstance(c, ir.Cap) for c in sec.clauses):  # 加分合计不超过4分: a pool
                hint_en = (
                    "a pool whose items may add up to more than its cap (累计不超过): leave out "
                    "its `max` and keep its `cap`"
                )
                hint_zh = "各项合计可超过上限的加分池(累计不超过):去掉该部分的 `满分`,保留 `封顶`"
            self.err(
                "E401",
                span,
                name=name,
                total=T._fmt(child_max),
                max=T._fmt(sec.max),
                hint_en=hint_en,
                hint_zh=hint_zh,
            )
        every_child_has_max = len(maxima) == len(tys) and bool(tys)
        if (
            mode == "sum"
            and sec.max is not None
            and child_max is not None
            and every_child_has_max
            and child_max < sec.max
        ):
            self.err("W408", span, name=name, total=T._fmt(child_max), max=T._fmt(sec.max))
        return acc

    def check_sheet_reads(
        self, block: BlockModel, deps: set[str], reader: str, sheet: SheetDef | None, span: Span
    ) -> None:
        """A value on a sheet exists only for the sheet's units: only values computed for those
        units alone may read it (its own section sums it)."""
        for dep in sorted(deps):
            dvd = block.values.get(dep)
            if dvd is None or dvd.sheet is None:
                continue
            if sheet is not None and sheet.units <= dvd.sheet.units:
                continue
            whom = ", ".join(sorted(dvd.sheet.units))
            readers = (
                ", ".join(sorted(sheet.units))
                if sheet is not None
                else f"every unit of {', '.join(block.groups)}"
            )
            readers_zh = (
                "、".join(sorted(sheet.units))
                if sheet is not None
                else f"{'、'.join(block.groups)} 的每个单位"
            )
            self.type_error(
                span,
                f"{dep!r} is on the sheet {dvd.sheet.path!r}: it exists only for {whom}, "
                f"but {reader!r} is computed for {readers}",
                "a unit's own items are absent for the other units: sum them in their own "
                "section, and read that section",
                "个性指标对其他单位不存在:请在其所在部分中合计,再引用该部分",
                f"{dep!r} 属于个性指标 {dvd.sheet.path!r},只对 {'、'.join(sorted(dvd.sheet.units))} "
                f"存在,而 {reader!r} 对 {readers_zh} 计算",
            )


def scope_data_checks(model: Model, block: BlockModel) -> None:
    """A block's requirement on inputs that one sheet's items alone read ("游客目标 > 0" where
    only the 山区 sheet divides by it) binds that sheet's units, who give those inputs; the
    others do not give them. Any other requirement is checked on every unit's data."""
    scoped: list[tuple[DataCheck, frozenset[str]]] = []
    for check in block.data_checks:
        if check.requirement.same or check.per_run:
            continue
        sheets = {id(sh): sh for name in check.inputs for sh in model.sheets_reading(name)}
        alone = all(len(model.sheets_reading(name)) == 1 for name in check.inputs)
        if check.inputs and alone and len(sheets) == 1:
            scoped.append((check, next(iter(sheets.values())).units))
        else:
            scoped.append((check, frozenset()))
    for check, units in scoped:
        if units:
            i = block.data_checks.index(check)
            block.data_checks[i] = attrs.evolve(check, units=units)
        else:
            block.outside_inputs.update(check.inputs)
