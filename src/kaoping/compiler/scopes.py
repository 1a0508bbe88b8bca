"""Values across several groups (`across G1, G2:`, 跨组): which groups a block may pool, what
may stand in it, and the rule that nothing computed for every unit of a group reads a value the
pool computes for only some groups."""

from __future__ import annotations

from typing import Any

from kaoping.compiler import ir
from kaoping.compiler.infer import ExprChecker
from kaoping.compiler.model import BlockModel, ValueDef
from kaoping.span import Span


def scope_only(scoring: ir.Scoring, scope: tuple[str, ...]) -> tuple[str, ...]:
    """The groups whose units have the values of `across SCOPE:`: empty when that is every group
    of the block (as for any other value), else the named ones."""
    only = tuple(g for g in scoring.groups if g in scope)
    return () if set(only) == set(scoring.groups) else only


class ScopeChecks(ExprChecker):
    """The checks of `across G1, G2:` blocks; `check.Checker` builds on them."""

    groups: dict[str, Any]
    m: ir.Module

    def check_scope(self, scoring: ir.Scoring, across: ir.Across) -> None:
        """`across G1, G2:` pools units that share one score sheet: every group it names is
        declared, listed once, and scored by this block (E503 otherwise)."""
        seen: set[str] = set()
        for g in across.groups:
            if g in seen:
                self.err("E202", across.span, name=g, first=across.span)
            seen.add(g)
            if g not in self.groups:
                self.undeclared(across.span, g, "group", "分组")
            elif g not in scoring.groups:
                other = next((s for s in self.m.scorings if g in s.groups), None)
                where = other.span.short if other is not None else None
                self.err(
                    "E503",
                    across.span,
                    name=g,
                    where=where or "no `scoring` block",
                    where_zh=where or "没有评分块",
                )

    def scope_misplaced(self, st: object, scoring: ir.Scoring, scope: tuple[str, ...]) -> bool:
        """Whether a statement cannot stand in `across SCOPE:`, reported: a `total` when the
        scope leaves out some of the block's groups (their units need one), and `require …
        distributed` (it checks each group's ratings)."""
        if isinstance(st, ir.Total):
            if not scope_only(scoring, scope):
                return False
            left_out = [g for g in scoring.groups if g not in scope]
            self.type_error(
                st.span,
                f"every unit has a total, but `across {', '.join(scope)}:` leaves out "
                f"{', '.join(left_out)}",
                "write the total outside this block, or name every group of the block",
                "请把总分写在此块之外,或在 `跨组` 后列出本评分块的全部分组",
                f"每个单位都有总分,而 `跨组 {'、'.join(scope)}:` 不含 {'、'.join(left_out)}",
            )
            return True
        if not isinstance(st, ir.Require | ir.RequireRecords):
            return False
        self.type_error(
            st.span,
            "`require … distributed` checks the ratings of each group: it cannot stand in "
            f"`across {', '.join(scope)}:`",
            "put it in `across group:` (or directly in the scoring block)",
            "请把它写在 `组内:` 中(或直接写在评分块中)",
            "`校验 … 分布` 按分组核对评定结果:不能写在 `跨组` 块中",
        )
        return True

    def check_scope_reads(
        self, block: BlockModel, deps: set[str], groups: tuple[str, ...], who: str, span: Span
    ) -> None:
        """A grading line or a `require` reads its values for every unit of `groups`: none of
        them may be computed for only some groups (`across G1, G2:` naming a part of the block)."""
        for dep in sorted(deps):
            dvd = block.values.get(dep)
            if dvd is None or not dvd.only or set(groups) <= set(dvd.only):
                continue
            self.type_error(
                span,
                f"{dep!r} is computed only for {', '.join(dvd.only)}, but {who} reads it for "
                f"{', '.join(groups)}",
                "restrict this line to the same groups",
                "请把此行也限定在相同的分组",
                f"{dep!r} 只对 {'、'.join(dvd.only)} 计算,{who} 却对 {'、'.join(groups)} 读取",
            )


# E501's words for each stage: English, Chinese as the reader (是…), Chinese as the read (引用了…)
_STAGE_WORDS = {
    "unit": ("a per-unit value", "逐单位计算的值", "逐单位计算的"),
    "cross": ("a value across several groups", "跨组计算的值", "跨组计算的"),
    "group": ("a group value", "组内计算的值", "组内计算的"),
    "final": ("a consequence", "结果运用中的值", "结果运用中的"),
}


def stage_words(vd: ValueDef, dep: ValueDef) -> dict[str, str]:
    """The words of E501 for a value that reads one computed at a later stage, and the block
    the hint moves it into."""
    this, this_zh, _ = _STAGE_WORDS[vd.stage]
    that, _, that_zh = _STAGE_WORDS[dep.stage]
    if dep.stage == "cross":
        block, block_zh = f"across {', '.join(dep.scope)}:", f"跨组 {'、'.join(dep.scope)}:"
    elif dep.stage == "final":
        block, block_zh = "consequences:", "结果运用:"
    else:
        block, block_zh = "across group:", "组内:"
    return {
        "this": this,
        "this_zh": this_zh,
        "that": that,
        "that_zh": that_zh,
        "block": block,
        "block_zh": block_zh,
    }
