"""Items that may not apply to a unit (不涉及): the `not applicable if` clause of an item, and what
the document says then: the section rescales the applicable items to its own maximum
(`rescale`, 不涉及项目折算), or the item takes the mean of the group's units it applies to
(`then group mean`, 004 三). The rescaled range is exact: a rational factor, nothing rounded."""

from __future__ import annotations

import attrs

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.infer import ExprChecker
from kaoping.compiler.infer_context import Ctx
from kaoping.compiler.model import BlockModel
from kaoping.exact import Q
from kaoping.span import Span


class ApplicableChecks(ExprChecker):
    """The checks of `not applicable if` and `rescale`; `check.Checker` builds on them."""

    def applicability(self, item: ir.Item, ctx: Ctx) -> tuple[ir.NotApplicable | None, Ctx]:
        """The item's `not applicable if` line (one at most) with its condition typed, and the
        context of the item's other clauses: a value the condition tests absent
        (`not present(X)`) is present there, and a group it rules out (`unit group = G`)
        is not among the groups they are for, since they run only where the item applies."""
        lines = [c for c in item.clauses if isinstance(c, ir.NotApplicable)]
        if not lines:
            return None, ctx
        for extra in lines[1:]:
            self.type_error(
                extra.span,
                "an item has one `not applicable if` line",
                "join the conditions with `or`",
                "请用 `或` 合并条件",
                "一个指标只能有一行 `不涉及 若`",
            )
        na = lines[0]
        self.need_bool(self.infer(na.cond, ctx), na.cond)
        if na.group_mean and ctx.stage not in ("group", "cross"):
            self.type_error(
                na.span,
                "`then group mean` reads the other units of the group: the item belongs in an "
                "`across group:` block",
                "move the item (with its section) into `across group:`",
                "请把此指标(及其所在部分)移入 `组内:` 块",
                "`则 组内平均` 要读取同组其他单位:此指标须写在 `组内:` 块中",
            )
        key = ctx.block.index
        tested = frozenset(
            self.model.refs[(id(r), key)].target
            for r in tested_absent(na.cond)
            if (id(r), key) in self.model.refs
        )
        out = groups_ruled_out(na.cond, ctx.groups)
        rest = tuple(g for g in ctx.groups if g not in out)
        only = rest if rest and len(rest) < len(ctx.groups) else ctx.only
        return na, attrs.evolve(
            ctx, present=ctx.present | tested, only=only, deps=ctx.deps, inputs=ctx.inputs
        )

    def check_rescale(self, block: BlockModel, sec: ir.Section, children: list[str]) -> bool:
        """Whether the section rescales; what rescaling needs: the section's maximum, summed
        children, and a maximum above 0 on every child (the factor's denominator)."""
        rescale = next((c for c in sec.clauses if isinstance(c, ir.Rescale)), None)
        if rescale is None:
            return False
        if sec.max is None:
            self.type_error(
                rescale.span,
                "`rescale` scores the applicable items out of the section's maximum: "
                "the section needs `max`",
                detail_zh="`不涉及项目折算` 按本部分满分折算:该部分须写明 `满分`",
            )
        if any(isinstance(c, ir.TakeHighest | ir.TakeMean) for c in sec.clauses):
            self.type_error(
                rescale.span,
                "`rescale` rescales the sum of the children; a section that takes its "
                "highest or mean child cannot rescale",
                detail_zh="`不涉及项目折算` 折算的是各项合计;取最高或取平均的部分不能折算",
            )
        for child in children:
            node = block.values[child].node
            mx = getattr(node, "max", None)
            if node is not None and (mx is None or mx <= 0):
                self.type_error(
                    node.span,
                    f"{block.values[child].name!r} is rescaled by its maximum: it needs "
                    "`max` above 0",
                    detail_zh=f"{block.values[child].name!r} 按满分折算:须写明大于 0 的 `满分`",
                )
        return True

    def rescaled_ty(self, sec: ir.Section, tys: list[T.Ty], maxima: list[Q]) -> T.Ty:
        """The range of Σ applicable values × max ÷ Σ their maxima: between max × the lowest
        and max × the highest value-to-maximum ratio of one child (a mediant lies between)."""
        top = sec.max
        if top is None or not tys or len(maxima) != len(tys) or any(m <= 0 for m in maxima):
            return T.ANY_NUMBER
        lows = [t.low for t in tys]
        highs = [t.high for t in tys]
        low = (
            None
            if any(x is None for x in lows)
            else min(top * x / m for x, m in zip(lows, maxima, strict=True) if x is not None)
        )
        high = (
            None
            if any(x is None for x in highs)
            else max(top * x / m for x, m in zip(highs, maxima, strict=True) if x is not None)
        )
        return T.number(low, high)

    def unsaid_inapplicable(self, name: str, span: Span, where: str, where_zh: str) -> None:
        """E207: an item that may not apply, where the rules do not say what then."""
        self.err("E207", span, name=name, where=where, where_zh=where_zh)


def tested_absent(cond: ir.Expr) -> list[ir.Ref]:
    """The values a `not applicable if` condition tests absent: `not present(X)`, alone or
    among conditions joined by `or`."""
    found: list[ir.Ref] = []
    todo = [cond]  # a stack, not recursion: conditions may be joined by hundreds of `or`s
    while todo:
        x = todo.pop()
        if isinstance(x, ir.Logic) and x.op == "or":
            todo += [x.right, x.left]
        elif (
            isinstance(x, ir.Not)
            and isinstance(x.operand, ir.Call)
            and x.operand.func == "present"
            and len(x.operand.args) == 1
            and isinstance(x.operand.args[0], ir.Ref)
        ):
            found.append(x.operand.args[0])
    return found


def groups_ruled_out(cond: ir.Expr, groups: tuple[str, ...]) -> frozenset[str]:
    """The groups a `not applicable if` condition rules out whole: `unit group = G`,
    `unit group ≠ G` (every group but G) or `unit group in {G1, G2}`, alone or among
    conditions joined by `or`. An input given only for the other groups is then present in
    the item's clauses."""
    found: set[str] = set()
    todo = [cond]
    while todo:
        x = todo.pop()
        if isinstance(x, ir.Logic) and x.op == "or":
            todo += [x.right, x.left]
        elif isinstance(x, ir.Compare) and x.op in ("=", "!="):
            sides = (x.left, x.right)
            if any(isinstance(s, ir.GroupRef) for s in sides):
                named = {s.path[0] for s in sides if isinstance(s, ir.Ref) and len(s.path) == 1}
                found.update(named if x.op == "=" else set(groups) - named)
        elif isinstance(x, ir.Member) and isinstance(x.operand, ir.GroupRef):
            found.update(x.values)
    return frozenset(found)


def not_applicable_of(node: object) -> ir.NotApplicable | None:
    """An item's `not applicable if` line, if it has one."""
    for cl in getattr(node, "clauses", ()):
        if isinstance(cl, ir.NotApplicable):
            return cl
    return None
