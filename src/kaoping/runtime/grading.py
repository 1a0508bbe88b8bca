"""Grading: the rules of a `grading` block applied in the order written, over all units.
Each unit keeps a step per rule (applied or skipped, and why) for `explain`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from kaoping.exact import Mode
from kaoping.runtime.cohort import rank
from kaoping.runtime.numbers import Q, round_count
from kaoping.runtime.unit import GradeStep, Unit

Cond = Mapping[int, Callable[[Unit], bool]]
Value = Mapping[int, Callable[[Unit], tuple[Q, ...]]]


def quota_ties(group: str, taking: int, grade: str, rule: str, n: int) -> str:
    """The run's warning when units tied at a quota's last place take it past its size."""
    return (
        f"group {group!r}: {taking} units receive {grade} from `{rule}`, whose quota is {n}: "
        "units tied at its last place all receive it"
    )


class Grader:
    def __init__(self, name: str, units: Sequence[Unit]):
        self.name = name
        self.units = list(units)
        self.barred: dict[int, set[str]] = {id(u): set() for u in self.units}
        # a grade the data gives (a committee's decision) is the unit's before any line runs;
        # no line changes it, and quotas are filled from the other units
        self.fixed: set[int] = set()
        for u in self.units:
            given = u.given.get(name)
            if given is not None:
                u.grades[name] = given.value
                self.fixed.add(id(u))
                u.grade_steps.append(GradeStep(name, 0, "given", True, f"given by {given.by}"))

    def _step(
        self, u: Unit, line: int, rule: str, applied: bool, reason: str, concerns: bool = True
    ) -> None:
        u.grade_steps.append(GradeStep(self.name, line, rule, applied, reason, concerns))

    def _grade(self, u: Unit) -> str | None:
        return u.grades.get(self.name)

    def _graded(self, u: Unit) -> str:
        """Why a line passes over a unit that has its grade."""
        how = "given" if id(u) in self.fixed else "already graded"
        return f"{how} {self._grade(u)}"

    def bar(self, grades: tuple[str, ...], line: int, rule: str, cond: Cond) -> None:
        for u in self.units:
            hit = cond[u.block](u)
            if hit:
                self.barred[id(u)].update(grades)
            self._step(u, line, rule, hit, "condition holds" if hit else "condition does not hold")

    def quota(
        self,
        grade: str,
        line: int,
        rule: str,
        count: int | None,
        share: Q | None,
        mode: Mode | None,
        by: Value,
        groups: Sequence[str],
        minimum: int | None = None,
        where: Cond | None = None,
    ) -> None:
        by_group: dict[str, list[Unit]] = {}
        for u in self.units:
            by_group.setdefault(u.group, []).append(u)
        for group, members in by_group.items():
            if groups and group not in groups:
                for u in members:
                    self._step(u, line, rule, False, f"the quota is not for group {group}", False)
                continue
            # `where C`: the share is of the units where C holds, and only they compete
            counted = {id(u) for u in members if where is None or where[u.block](u)}
            if count is not None:
                n = count
            else:
                assert share is not None and mode is not None
                n = max(round_count(share * len(counted), mode), minimum or 0)
            candidates = [
                u
                for u in members
                if self._grade(u) is None and grade not in self.barred[id(u)] and id(u) in counted
            ]
            ranks = rank([by[u.block](u) for u in candidates])
            places = dict(zip((id(u) for u in candidates), ranks, strict=True))
            self._tied_past(group, members, grade, rule, n, [r for r in ranks if r <= n])
            for u in members:
                if self._grade(u) is not None:
                    self._step(u, line, rule, False, self._graded(u))
                elif grade in self.barred[id(u)]:
                    self._step(u, line, rule, False, f"barred from {grade}")
                elif id(u) not in counted:
                    self._step(u, line, rule, False, "not counted in the quota")
                elif places[id(u)] <= n:
                    u.grades[self.name] = grade
                    self._step(
                        u,
                        line,
                        rule,
                        True,
                        f"place {places[id(u)]} of {len(candidates)} eligible, quota {n}",
                    )
                else:
                    self._step(
                        u,
                        line,
                        rule,
                        False,
                        f"place {places[id(u)]} of {len(candidates)} eligible, quota {n}",
                    )

    def _tied_past(
        self, group: str, members: list[Unit], grade: str, rule: str, n: int, within: list[int]
    ) -> None:
        """Units tied at the quota's last place all receive the grade, so more than `n` may:
        said in the run's warnings, since a document that caps the grade ("不超过30%") may mean
        otherwise, and only a tie-break (`by 总分, …`) it states settles them."""
        run = members[0].run if members else None
        if len(within) > n and run is not None:
            run.warn("quota-ties", None, quota_ties(group, len(within), grade, rule, n))

    def when(self, grade: str, line: int, rule: str, cond: Cond) -> None:
        for u in self.units:
            if self._grade(u) is not None:
                self._step(u, line, rule, False, self._graded(u))
            elif grade in self.barred[id(u)]:
                self._step(u, line, rule, False, f"barred from {grade}")
            elif cond[u.block](u):
                u.grades[self.name] = grade
                self._step(u, line, rule, True, "condition holds")
            else:
                self._step(u, line, rule, False, "condition does not hold")

    def otherwise(self, grade: str, line: int, rule: str) -> None:
        for u in self.units:
            if self._grade(u) is None:
                u.grades[self.name] = grade
                self._step(u, line, rule, True, "no earlier line graded it")
            else:
                self._step(u, line, rule, False, self._graded(u))

    def override(self, grade: str, line: int, rule: str, cond: Cond) -> None:
        for u in self.units:
            if id(u) in self.fixed:
                self._step(u, line, rule, False, f"given {self._grade(u)}")
            elif cond[u.block](u):
                before = self._grade(u)
                u.grades[self.name] = grade
                self._step(u, line, rule, True, f"condition holds ({before} → {grade})")
            else:
                self._step(u, line, rule, False, "condition does not hold")

    def step(self, by: int, grades: Sequence[str], line: int, rule: str, cond: Cond) -> None:
        """`step down if C` (by 1: 降一档) or `step up if C` (by −1): the next grade of the
        enum, which lists the best first; a unit at the end keeps its grade (已为不合格的,仍为
        不合格)."""
        for u in self.units:
            if id(u) in self.fixed:
                self._step(u, line, rule, False, f"given {self._grade(u)}")
            elif cond[u.block](u):
                before = self._grade(u)
                if before is None:  # (the checker puts the line after `otherwise`)
                    raise AssertionError("a step before every unit has a grade")
                at = grades.index(before) + by
                after = grades[min(max(at, 0), len(grades) - 1)]
                u.grades[self.name] = after
                self._step(u, line, rule, True, f"condition holds ({before} → {after})")
            else:
                self._step(u, line, rule, False, "condition does not hold")
