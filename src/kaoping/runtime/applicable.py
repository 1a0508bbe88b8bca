"""Items that do not apply to a unit (不涉及): a section rescaled to its maximum by the maxima of
the items that apply, or an item given the mean of the units it applies to (004 三). Plain
+ − × ÷ on exact numbers: the factor max ÷ Σ maxima is a ratio, never a rounded decimal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kaoping.errors import DataError, DataProblem
from kaoping.runtime.cohort import group_mean

if TYPE_CHECKING:
    from kaoping.runtime.unit import Unit

Part = tuple[Any, Any, str]  # (the child's value, absent where it does not apply; max; name)


def rescaled(
    unit: str, section: str, parts: Sequence[Part], top: Any, where: str
) -> tuple[Any, Any, Any]:
    """(value, the applicable children's sum, the sum of their maxima): the sum × top ÷ that
    sum of maxima. No child applying leaves nothing to rescale: a data error (`where`: the
    rule)."""
    applicable = [(value, mx) for value, mx, _ in parts if value is not None]
    if not applicable:
        raise _none_applies(unit, section, where, "there is nothing to rescale")
    total = applicable[0][0]
    maxima = applicable[0][1]
    for value, mx in applicable[1:]:
        total = total + value
        maxima = maxima + mx
    return total * top / maxima, total, maxima


def applicable_taken(unit: str, section: str, values: Sequence[Any], mode: str, where: str) -> Any:
    """The mean (or the highest) of a section's children that apply to the unit (取平均 over the
    quarters assessed: 某季度未考核的,按已考核季度平均). No child applying leaves nothing to take: a
    data error, as for `rescale`."""
    applicable = [v for v in values if v is not None]
    if not applicable:
        taken = "mean" if mode == "mean" else "highest"
        raise _none_applies(unit, section, where, f"there is no {taken} to take")
    if mode == "highest":
        return max(applicable)
    total = applicable[0]
    for v in applicable[1:]:
        total = total + v
    return total / len(applicable)


def _none_applies(unit: str, section: str, where: str, what: str) -> DataError:
    """No child of the section applies to the unit: `what` cannot be done without its value."""
    message = (
        f"no item of section {section!r} applies to this unit: {what}; give the section's value"
    )
    return DataError([DataProblem(where, unit, None, message)])


def rescale(u: Unit, section: str, parts: Sequence[Part], top: Any, where: str) -> Any:
    """The rescaled value alone (plain scoring)."""
    return rescaled(u.name, section, parts, top, where)[0]


def impute_mean(units: Sequence[Unit], path: str, line: int, where: str) -> None:
    """An item that does not apply to some units of the group takes, for them, the mean of the
    item over the units it applies to ("给予其他被考评单位平均分", 004 三)."""
    pending = [u for u in units if path in u.inapplicable]
    if not pending:
        return
    donors = [u for u in units if path not in u.inapplicable and u.values.get(path) is not None]
    mean = group_mean([u.values[path] for u in donors])
    if mean is None:
        raise DataError(
            [
                DataProblem(
                    where,
                    u.name,
                    None,
                    f"{path!r} applies to no unit of group {u.group!r}: the other units' mean "
                    "does not exist; give the value",
                )
                for u in pending
            ]
        )
    over = sorted(u.name for u in donors)
    for u in pending:
        u.impute(path, line, mean, over)
