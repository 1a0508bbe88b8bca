"""Checks of gradings and consequences: the grades a grading gives, its bars, quotas and
overrides, and the values consequences compute after grading."""

from __future__ import annotations

from typing import Any

from kaoping.compiler import ir
from kaoping.compiler.infer_context import Ctx
from kaoping.compiler.model import BlockModel, ValueDef
from kaoping.compiler.scopes import ScopeChecks
from kaoping.compiler.sheets import SheetChecks
from kaoping.compiler.suggest import hint_args, suggestion_args
from kaoping.compiler.walk import same
from kaoping.exact import Q
from kaoping.grammar.expected import spell


class GradingChecks(SheetChecks, ScopeChecks):
    """The checks of gradings and consequences; `check.Checker` builds on them."""

    m: ir.Module
    groups: dict[str, Any]

    def declare_grading(self, grading: ir.Grading) -> None:
        if grading.name in self.model.gradings:
            self.err(
                "E202",
                grading.span,
                name=grading.name,
                first=self.model.gradings[grading.name].span,
            )
            return
        if grading.enum not in self.model.enums:
            self.err(
                "E602",
                grading.span,
                detail=f"grading {grading.name!r} needs an enum {grading.enum!r} listing its grades, best first",
            )
        self.model.gradings[grading.name] = grading

    def collect_consequences(self, block: BlockModel, c: ir.Consequences) -> None:
        for g in c.groups:
            if g not in self.groups and block.index == 0:
                self.err(
                    "E603",
                    c.span,
                    name=g,
                    detail="is not declared",
                    detail_zh="未声明",
                    **hint_args(g, self.groups),
                )
        only = tuple(g for g in block.groups if g in c.groups)
        if c.groups and not only:
            return  # none of this block's groups
        if only == block.groups:
            only = ()
        for st in c.body:
            kind = {ir.Let: "let", ir.Output: "output", ir.Flag: "flag"}[type(st)]
            existing = block.values.get(st.name)
            if (
                existing is not None
                and existing.stage == "final"
                and existing.kind == kind
                and existing.only
                and only
                and not set(existing.only) & set(only)
            ):
                # the same consequence defined for other groups of this block
                if not existing.variants:
                    assert isinstance(existing.node, ir.Let | ir.Output | ir.Flag)
                    existing.variants.append((existing.only, existing.node))
                existing.variants.append((only, st))
                existing.only = tuple(g for g in block.groups if g in existing.only or g in only)
                continue
            if st.name in block.values:
                self.err(
                    "E202",
                    st.span,
                    name=st.name,
                    first=block.values[st.name].node.span  # type: ignore[union-attr]
                    if block.values[st.name].node
                    else st.span,
                )
                continue
            block.values[st.name] = ValueDef(st.name, kind, st, "final", only=only)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ grading
    def unreachable_grades(self, grading: ir.Grading) -> None:
        """W416: an `if` line whose units an earlier line has all graded (`合格 若 总分 ≥ 60`
        above `良好 若 总分 ≥ 80`: every unit at 80 or more is 合格 already, and no unit is
        良好): the lines written lowest threshold first."""
        rules = grading.rules
        for j, later in enumerate(rules):
            if not isinstance(later, ir.GradeIf) or (lt := _threshold(later.cond)) is None:
                continue
            for i, earlier in enumerate(rules[:j]):
                if not isinstance(earlier, ir.GradeIf) or earlier.grade == later.grade:
                    continue
                et = _threshold(earlier.cond)
                barred = any(isinstance(r, ir.Bar) and earlier.grade in r.grades for r in rules[:i])
                if et is not None and not barred and same(et[0], lt[0]) and _within(lt, et):
                    self.err(
                        "W416",
                        later.span,
                        grade=later.grade,
                        cond=str(later.cond),
                        earlier=earlier.grade,
                        line=earlier.span.line,
                        earlier_cond=str(earlier.cond),
                    )
                    break

    def check_grading(self, grading: ir.Grading) -> None:
        enum = self.model.enums.get(grading.enum)
        assigning = [r for r in grading.rules if not isinstance(r, ir.Bar | ir.Override)]
        if not assigning or not isinstance(assigning[-1], ir.Otherwise):
            self.err("E601", grading.span, name=grading.name)
        for i, rule in enumerate(grading.rules):
            if isinstance(rule, ir.Bar):
                later = grading.rules[i + 1 :]
                given = {r.grade for r in later if isinstance(r, ir.Quota | ir.GradeIf)}
                dead = [g for g in rule.grades if g not in given]
                if dead:  # `otherwise`, `promote` and `demote` ignore bars
                    self.err("W414", rule.span, grades=", ".join(dead))
        self.unreachable_grades(grading)
        names = list(self.model.gradings)  # this grading and the ones before it
        seen_gradings = frozenset(names[: names.index(grading.name) + 1])
        graded = False  # whether the lines so far give every unit a grade
        for rule in grading.rules:
            graded = graded or isinstance(rule, ir.Otherwise)
            if isinstance(rule, ir.Override) and rule.step and not graded:
                word = spell(rule.kind, "zh")
                self.type_error(
                    rule.span,
                    f"`{rule.kind}` moves the grade a unit has, and a unit may have none before "
                    "the `otherwise` line",
                    "put it after the `otherwise` line",
                    "请把它写在 `其余` 行之后",
                    f"`{word}` 调整单位已有的等次,而在 `其余` 行之前单位可能尚无等次",
                )
            if isinstance(rule, ir.Bar):
                named = rule.grades
            elif isinstance(rule, ir.Override) and rule.step:
                named = ()
            else:
                named = (rule.grade,)
            for grade in named:
                if enum is not None and grade not in enum.values:
                    hint = suggestion_args(grade, enum.values)
                    if _one_step(grade):  # `降为 一档`, `降低一个等次 若 …`: the grade moved a step
                        hint = {
                            "suggest_en": "; to move a unit one grade, write `step down if …` "
                            "(`step up if …`) after the `otherwise` line",
                            "suggest_zh": ";调整一个等次请在 `其余` 行之后写 `降一档 若 …`(或 `升一档 若 …`)",
                        }
                    self.err(
                        "E204",
                        rule.span,
                        value=grade,
                        enum=enum.name,
                        values=", ".join(enum.values),
                        **hint,
                    )
            if isinstance(rule, ir.Quota):
                for g in rule.groups:
                    if g not in self.groups:
                        self.err(
                            "E603",
                            rule.span,
                            name=g,
                            detail="is not declared",
                            detail_zh="未声明",
                            **hint_args(g, self.groups),
                        )
                if rule.count == 0:
                    self.err("W417", rule.span, grade=rule.grade)
                if rule.share is not None and not (0 < rule.share <= 1):
                    self.type_error(
                        rule.span,
                        "a quota share must lie between 0% and 100%",
                        detail_zh="名额比例须在 0% 与 100% 之间",
                    )
                if rule.minimum is not None and rule.share is None:
                    self.type_error(
                        rule.span,
                        "`minimum N` is for a quota by share (`top 20% half-up minimum 1`):"
                        " a quota of a number of units is that number",
                        detail_zh="`至少 N 名` 用于按比例的名额(`前 20% 四舍五入 至少 1 名`):"
                        "按人数的名额就是该人数",
                    )
            for block in self.model.blocks:
                if (
                    isinstance(rule, ir.Quota)
                    and rule.groups
                    and not set(rule.groups) & set(block.groups)
                ):
                    continue
                ctx = Ctx(block, "grade", f"grading {grading.name}", gradings=seen_gradings)
                if isinstance(rule, ir.Bar | ir.GradeIf | ir.Override):
                    self.need_bool(self.infer(rule.cond, ctx), rule.cond)
                elif isinstance(rule, ir.Quota):
                    for key in rule.by:
                        kt = self.infer(key, ctx)
                        if kt.kind == "enum" and not kt.optional:
                            continue  # enums rank best value first
                        self.need_number(kt, key, ctx)
                    if rule.where is not None:
                        self.need_bool(self.infer(rule.where, ctx), rule.where)
                self.used_inputs |= ctx.inputs
                self.check_sheet_reads(block, ctx.deps, f"grading {grading.name}", None, rule.span)
                groups = rule.groups if isinstance(rule, ir.Quota) and rule.groups else ()
                self.check_scope_reads(
                    block,
                    ctx.deps,
                    tuple(g for g in block.groups if not groups or g in groups),
                    f"grading {grading.name}",
                    rule.span,
                )
                block.outside_deps |= ctx.deps
                block.outside_inputs |= ctx.inputs


_STEP_WORDS = ("一档", "一个等次", "一个档次", "一等", "一级")


def _one_step(grade: str) -> bool:
    """A grade name that says "one grade down/up" (降低一个等次, 一档) rather than names a grade."""
    return any(w in grade for w in _STEP_WORDS) or grade.startswith(("降低", "提升", "升高"))


def _threshold(cond: ir.Expr) -> tuple[ir.Expr, str, Q] | None:
    """`X op N` with N a number: a grade's threshold (`总分 ≥ 80`)."""
    if not (isinstance(cond, ir.Compare) and isinstance(cond.right, ir.Num)):
        return None
    return (cond.left, cond.op, cond.right.value) if cond.op != "!=" else None


def _within(later: tuple[ir.Expr, str, Q], earlier: tuple[ir.Expr, str, Q]) -> bool:
    """Every X the later comparison admits, the earlier one admits too."""
    _, lop, b = later
    _, eop, a = earlier
    if eop in (">=", ">"):
        if lop not in (">=", ">", "="):
            return False
        return b > a or (b == a and (eop == ">=" or lop == ">"))
    if eop in ("<=", "<"):
        if lop not in ("<=", "<", "="):
            return False
        return b < a or (b == a and (eop == "<=" or lop == "<"))
    return False
