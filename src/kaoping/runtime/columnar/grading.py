"""Grading on whole columns: a `grading` block's lines applied in the order written to every
unit of the run, each group's units one table (`Part`), with the meaning of the per-unit
`runtime.grading.Grader`:

- `bar`: from this line on, units where the condition holds cannot take the named grades from
  a quota or an `if` line;
- a quota (`top N`, `top P%` rounded as the line says, per group, for the groups it names or
  all): the group's units without a grade in this grading and not barred from it, ranked on
  the key chain (highest first, units equal on the whole chain sharing a place); those at a
  place ≤ N take the grade, so a tie at the boundary takes it whole;
- `if`: units without a grade, not barred, where the condition holds;
- `otherwise`: every unit still without a grade, barred or not;
- `promote`/`demote`: the grade set wherever the condition holds;
- `step down`/`step up` (降一档 / 升一档): the next grade of the enum where it holds, the grade
  at the end kept.

No step is recorded (`explain` scores per unit), and no grade comes from the data: the
whole-column path reads no given value. A grade is kept as its place in the grading's
enum (−1: none yet); a finished grading is a text column on each part, what later lines
and gradings read and what the results write."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kaoping.exact import Mode, Q, round_count
from kaoping.runtime.columnar.cohort import _key, rank
from kaoping.runtime.columnar.numbers import Col, Labels, truth
from kaoping.runtime.grading import quota_ties
from kaoping.runtime.unit import Run

# per block: the condition, or the ranking key chain, on a part's table and its grades so far
Cond = Mapping[int, Callable[[Any, Mapping[str, Labels]], Any]]
Keys = Mapping[int, Callable[[Any, Mapping[str, Labels]], tuple[Any, ...]]]


@attrs.define
class Part:
    """One group's units: its table (facts, values, `n`) and, once each grading is done, the
    grade of every unit (grading name → text column, in the order the gradings run)."""

    group: str
    block: int
    table: Any
    grades: dict[str, Labels] = attrs.Factory(dict)


class Grading:
    """One `grading` block being applied (the generated `grade_all` calls one method a line)."""

    def __init__(
        self, parts: Sequence[Part], name: str, grades: tuple[str, ...], run: Run | None = None
    ):
        self.parts = parts
        self.run = run  # where a quota taken past its size by ties is said (`quota-ties`)
        self.name = name
        self.grades = grades
        self.texts = np.array(grades, dtype=object)
        self.codes = [np.full(p.table.n, -1, dtype=np.int16) for p in parts]
        self.barred: dict[str, list[npt.NDArray[np.bool_]]] = {}
        self.complete = False  # every unit graded: lines read this grading's own grade

    def _read(self, i: int) -> Mapping[str, Labels]:
        """The grades a line may read on part i: the gradings done, and this one once
        `otherwise` has graded every unit."""
        part = self.parts[i]
        if not self.complete:
            return part.grades
        return {**part.grades, self.name: Labels(self.texts[self.codes[i]])}

    def _holds(self, cond: Cond, i: int) -> npt.NDArray[np.bool_]:
        part = self.parts[i]
        return truth(cond[part.block](part.table, self._read(i)), part.table.n)

    def _open(self, grade: str, i: int) -> npt.NDArray[np.bool_]:
        """The units of part i without a grade and not barred from `grade`."""
        free: npt.NDArray[np.bool_] = self.codes[i] < 0
        barred = self.barred.get(grade)
        return free & ~barred[i] if barred is not None else free

    def bar(self, grades: tuple[str, ...], cond: Cond) -> None:
        for i in range(len(self.parts)):
            hit = self._holds(cond, i)
            for grade in grades:
                masks = self.barred.setdefault(
                    grade, [np.zeros(p.table.n, dtype=bool) for p in self.parts]
                )
                masks[i] = masks[i] | hit

    def quota(
        self,
        grade: str,
        rule: str,
        count: int | None,
        share: Q | None,
        mode: Mode | None,
        by: Keys,
        groups: tuple[str, ...],
        minimum: int | None = None,
        where: Cond | None = None,
    ) -> None:
        code = self.grades.index(grade)
        for i, part in enumerate(self.parts):
            if groups and part.group not in groups:
                continue
            n = part.table.n
            # `where C`: the share is of the units where C holds, and only they compete
            counted = self._holds(where, i) if where is not None else None
            if count is not None:
                size = count
            else:
                assert share is not None and mode is not None
                base = n if counted is None else int(counted.sum())
                size = max(round_count(share * base, mode), minimum or 0)
            open_ = self._open(grade, i)
            rows = np.flatnonzero(open_ if counted is None else open_ & counted)
            if not len(rows):
                continue
            chain = by[part.block](part.table, self._read(i))
            keys = [_candidates(k, rows, n) for k in chain]
            places = rank(keys, False, len(rows)).num
            taking = rows[places <= size]
            self.codes[i][taking] = code
            if len(taking) > size and self.run is not None:
                self.run.warn(
                    "quota-ties", None, quota_ties(part.group, len(taking), grade, rule, size)
                )

    def when(self, grade: str, cond: Cond) -> None:
        code = self.grades.index(grade)
        for i in range(len(self.parts)):
            chosen = self._open(grade, i)
            if chosen.any():
                self.codes[i][chosen & self._holds(cond, i)] = code

    def otherwise(self, grade: str) -> None:
        code = self.grades.index(grade)
        for codes in self.codes:
            codes[codes < 0] = code
        self.complete = True

    def override(self, grade: str, cond: Cond) -> None:
        code = self.grades.index(grade)
        for i in range(len(self.parts)):
            self.codes[i][self._holds(cond, i)] = code

    def step(self, by: int, cond: Cond) -> None:
        """`step down if C` (by 1: 降一档) or `step up if C` (by −1): the next grade of the
        enum (best first) where the condition holds; a unit at the end keeps its grade. The
        checker puts such a line after `otherwise`: every unit has a grade."""
        last = len(self.grades) - 1
        for i in range(len(self.parts)):
            codes = self.codes[i]
            hit = self._holds(cond, i)
            codes[hit] = np.clip(codes[hit] + by, 0, last)

    def done(self) -> None:
        """Each part's grades, as text (absent where no line graded a unit)."""
        for part, codes in zip(self.parts, self.codes, strict=True):
            graded = codes >= 0
            text = self.texts[np.where(graded, codes, 0)]
            part.grades[self.name] = Labels(text, None if graded.all() else graded)


def _candidates(key: Any, rows: npt.NDArray[np.intp], n: int) -> Col:
    """A ranking key's values at `rows`, as integers that order as the values do. A key
    absent for a candidate fails, as comparing an absent value fails per unit."""
    present = getattr(key, "present", None)
    if present is not None and not present[rows].all():
        raise TypeError("a quota ranks units on a value some of them lack")
    return Col(_key(key, n)[rows], 1, 0)
