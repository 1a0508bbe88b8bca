"""Who moves: the same units scored by two versions of a scheme, unit by unit — total, rank and
grade before and after — the largest moves in rank first."""

from __future__ import annotations

import attrs

from kaoping.exact import Q
from kaoping.scoring import Results, UnitResult


@attrs.frozen
class UnitChange:
    unit: str
    group: str
    old_total: Q
    new_total: Q
    old_rank: int | None
    new_rank: int | None
    old_grade: str | None
    new_grade: str | None

    @property
    def total_change(self) -> Q:
        return self.new_total - self.old_total

    @property
    def places_up(self) -> int | None:
        """How many places the unit moved up (negative: down); None where a side has no rank."""
        if self.old_rank is None or self.new_rank is None:
            return None
        return self.old_rank - self.new_rank

    @property
    def unchanged(self) -> bool:
        return (
            self.old_total == self.new_total
            and self.old_rank == self.new_rank
            and self.old_grade == self.new_grade
        )


@attrs.frozen
class UnitChanges:
    moved: tuple[UnitChange, ...]  # largest move in rank first, then in total, then by name
    unchanged: tuple[UnitChange, ...]  # by name


def grade_of(r: UnitResult) -> str | None:
    """The unit's grade; with several gradings, each grade in declaration order."""
    grades = list(r.unit.grades.values())
    return " / ".join(grades) if grades else None


def unit_changes(old: Results, new: Results) -> UnitChanges:
    """Each unit of both results (the same data: the same units), old beside new."""
    changes = []
    by_name = {r.name: r for r in new.units}
    for r in old.units:
        other = by_name.get(r.name)
        if other is None:  # pragma: no cover - both sides scored the same validated units
            raise AssertionError(f"unit {r.name!r} scored by one scheme only")
        changes.append(
            UnitChange(
                r.name,
                other.group,
                r.total,
                other.total,
                r.rank,
                other.rank,
                grade_of(r),
                grade_of(other),
            )
        )
    moved = sorted(
        (c for c in changes if not c.unchanged),
        key=lambda c: (-abs(c.places_up or 0), -abs(c.total_change), c.unit),
    )
    unchanged = sorted((c for c in changes if c.unchanged), key=lambda c: c.unit)
    return UnitChanges(tuple(moved), tuple(unchanged))
