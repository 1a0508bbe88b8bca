"""Values a unit's data supplies instead of the rules computing them ("given" values).

A sub-score decided by another office, an appeal correction, a committee decision: the document
leaves these numbers to people, so the data may give any computed value (an item, a section, a
let, an output, a flag, the total) or a grade. The rule is then skipped; what only it read is not
computed and its inputs are not asked for; everything that reads it uses the given value.
Each given value names who supplied it (`by`), so the results can say where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from kaoping.compiler import ir
from kaoping.compiler.model import BlockModel, Model, ValueDef
from kaoping.errors import DataProblem
from kaoping.exact import Q, show
from kaoping.io.numbers import is_text
from kaoping.io.text import is_unicode, nfc

_KEYS = {"value", "by", "note"}
TOTAL_ZH = "总分"  # the total as the Chinese keyword set names it


@attrs.frozen
class Given:
    """One supplied value: what it is, who supplied it, and why (optional)."""

    value: Any
    by: str
    note: str | None = None


def givable_lines(model: Model, block: BlockModel) -> list[str]:
    """What a unit of this block may be given, a line each: its values in evaluation order,
    each with its kind and the bounds a given value must respect, then the gradings."""
    lines = []
    for path in block.order:
        vd = block.values[path]
        low, high = _bounds(vd)
        what = vd.kind if vd.ty is None or vd.ty.kind != "enum" else f"{vd.kind}, {vd.ty.enum}"
        if vd.kind == "flag":
            what = "flag, yes/no"
        bound = f", {_plain(low)} to {_plain(high)}" if high is not None else ""
        scored = _scored_range(vd) if high is None and what in ("item", "section") else None
        if scored is not None:
            bound = f", {_plain(scored[0])} to {_plain(scored[1])}: what its rules can score"
        if _is_rank(vd):
            bound = ", a whole number from 1"
        whom = f", only {', '.join(sorted(vd.sheet.units))}" if vd.sheet is not None else ""
        lines.append(f"{path} ({what}{bound}{whom})")
    for name, grading in model.gradings.items():
        values = model.enums[grading.enum].values if grading.enum in model.enums else ()
        lines.append(f"{name} (grade: {', '.join(values)})")
    return lines


def _plain(value: Q | None) -> str:
    return "" if value is None else show(value)


def resolve(
    block: BlockModel, model: Model, name: str, unit: str | None = None
) -> tuple[str | None, str | None]:
    """The path a given name refers to (a value's path, its last part when unique, a grading,
    or the total as `total` or `总分`), or a reason it refers to none. With `unit`, only the
    values that unit has count (not the items of other units' sheets)."""
    if name in block.values and unit is not None and not block.values[name].for_unit(unit):
        return None, "is on another unit's sheet"
    if name in block.values or name in model.gradings:
        return name, None
    if name == TOTAL_ZH:
        return "total", None
    matches = [
        p
        for p, vd in block.values.items()
        if vd.name == name and (unit is None or vd.for_unit(unit))
    ]
    if len(matches) == 1:
        return matches[0], None
    if matches:
        return None, f"is ambiguous: write one of {', '.join(matches)}"
    if unit is not None and any(vd.name == name for vd in block.values.values()):
        return None, "is on another unit's sheet"
    return None, "is no value or grading of this group's rules"


def read_given(
    raw: Any,
    group: str,
    model: Model,
    where: str,
    unit: str,
    problems: list[DataProblem],
    convert: Any,
) -> dict[str, Given]:
    """Validate a unit's `given` object; `convert` is the data reader's value converter."""
    out: dict[str, Given] = {}
    if not isinstance(raw, Mapping):
        problems.append(DataProblem(where, unit, "given", "given must be an object"))
        return out
    block = model.blocks[model.block_of_group[group]]
    for name, entry in raw.items():
        label = f"given.{name}"
        if is_text(name) and is_unicode(name):
            name = nfc(name)  # a value's name typed decomposed, as any name
        path, why = resolve(block, model, name, unit)
        if path is None:
            problems.append(DataProblem(where, unit, label, f"{name!r} {why}"))
            continue
        if path in out:
            problems.append(DataProblem(where, unit, label, f"{path!r} is given twice"))
            continue
        if not isinstance(entry, Mapping):
            problems.append(
                DataProblem(
                    where,
                    unit,
                    label,
                    'a given value is an object {"value": …, "by": "who supplied it"}',
                )
            )
            continue
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            problems.append(DataProblem(where, unit, label, f"unknown key(s) {', '.join(unknown)}"))
        by = entry.get("by")
        if not is_text(by) or not by.strip():
            problems.append(
                DataProblem(where, unit, f"{label}.by", "say who supplied the value (non-empty)")
            )
            continue
        note = entry.get("note")
        if note is not None and not is_text(note):
            problems.append(DataProblem(where, unit, f"{label}.note", "a note is text"))
            continue
        if "value" not in entry or entry["value"] is None:
            problems.append(DataProblem(where, unit, f"{label}.value", "missing"))
            continue
        before = len(problems)
        value = _value(entry["value"], path, block, model, where, unit, label, problems, convert)
        if len(problems) == before:
            out[path] = Given(value, by.strip(), note)
    return out


def _value(
    value: Any,
    path: str,
    block: BlockModel,
    model: Model,
    where: str,
    unit: str,
    label: str,
    problems: list[DataProblem],
    convert: Any,
) -> Any:
    field = f"{label}.value"
    grading = model.gradings.get(path) if path not in block.values else None
    if grading is not None:
        return convert(value, ir.EnumType(grading.enum), model, where, unit, field, problems)
    vd = block.values[path]
    ty = vd.ty
    if vd.kind == "flag" or (ty is not None and ty.kind == "bool"):
        return convert(value, ir.YesNoType(), model, where, unit, field, problems)
    if ty is not None and ty.kind == "enum" and ty.enum is not None:
        return convert(value, ir.EnumType(ty.enum), model, where, unit, field, problems)
    if _is_rank(vd):  # a place in an order: a whole number from 1
        return convert(value, ir.NumberType(Q(1), None, True), model, where, unit, field, problems)
    low, high = _bounds(vd)
    scored = _scored_range(vd) if high is None else None
    if scored is None:
        return convert(value, ir.NumberType(low, high), model, where, unit, field, problems)
    number = convert(value, ir.NumberType(None, None), model, where, unit, field, problems)
    low, high = scored
    if number is None or low <= number <= high:
        return number
    beyond = "more" if number > high else "less"
    problems.append(
        DataProblem(
            where,
            unit,
            field,
            f"{show(number)} is {beyond} than {path}'s rules can score ({show(low)} to "
            f"{show(high)}): a value given for it lies in that range",
        )
    )
    return None


def _scored_range(vd: ValueDef) -> tuple[Q, Q] | None:
    """What an item or section with no maximum can score at all, as the checker proved it
    (a 中项 from its 基础分 down to 0, 扣完为止: 0 to the 基础分's highest); None if unbounded."""
    ty = vd.ty
    if vd.kind not in ("item", "section") or ty is None or ty.low is None or ty.high is None:
        return None
    return ty.low, ty.high


def _is_rank(vd: ValueDef) -> bool:
    return isinstance(vd.node, ir.Let) and isinstance(vd.node.expr, ir.Rank)


def _bounds(vd: ValueDef) -> tuple[Q | None, Q | None]:
    """An item or section with a maximum is given between 0 and it (or the lowest value its
    rules can reach, when they can go below 0); other numbers are bounded by nothing."""
    node = vd.node
    top = getattr(node, "max", None) if vd.kind in ("item", "section") else None
    if any(isinstance(c, ir.Uncapped) for c in getattr(node, "clauses", ())):
        top = None  # 上不封顶: the maximum is the item's weight in the table, not a bound
    if top is None:
        return None, None
    low = Q(0)
    if vd.ty is not None and vd.ty.low is not None and vd.ty.low < 0:
        low = vd.ty.low
    return low, top
