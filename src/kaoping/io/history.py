"""Last year's values, read with this year's declared types. A total, a score, a rank or a
number fact is a number (a decimal, or an exact fraction such as "550/3" as results JSON writes
a value whose decimals never end), never NaN, Infinity or true; a grade is one of its grading's
declared grades; a yes/no fact is true or false. Values this year's scheme does not declare
are kept as given: nothing can read them."""

from __future__ import annotations

from typing import Any, Literal

import attrs

from kaoping.compiler import ir
from kaoping.compiler.model import Model
from kaoping.compiler.types import Ty
from kaoping.errors import DataProblem
from kaoping.exact import NumberError
from kaoping.io.numbers import is_text, read_number, show_value
from kaoping.io.text import is_unicode, nfc

Kind = Literal["number", "rank", "count", "bool", "choice", "text", "list"]


@attrs.frozen
class Expect:
    """What a value of last year's results must be."""

    kind: Kind
    choices: tuple[str, ...] = ()


NUMBER = Expect("number")
RANK = Expect("rank")
TEXT = Expect("text")


@attrs.frozen
class HistoryTypes:
    values: dict[str, Expect]  # by value path (scores and outputs)
    inputs: dict[str, Expect]  # facts, by input name
    gradings: dict[str, Expect]  # grades, by grading name
    first_grading: Expect | None  # what a bare `grade` is


def history_types(model: Model | None) -> HistoryTypes:
    if model is None:
        return HistoryTypes({}, {}, {}, None)
    values: dict[str, Expect] = {}
    disagree: set[str] = set()
    for block in model.blocks:
        for path, vd in block.values.items():
            want = _of_ty(vd.ty, model) if vd.ty is not None else None
            if want is None or values.setdefault(path, want) != want:
                disagree.add(path)
    for path in disagree:  # blocks that type a path differently: read it as given
        values.pop(path, None)
    inputs = {name: _of_input(decl.type, model) for name, decl in model.inputs.items()}
    gradings = {
        name: _choice(model.enums[g.enum].values if g.enum in model.enums else ())
        for name, g in model.gradings.items()
    }
    first = next(iter(gradings.values()), None)
    return HistoryTypes(values, inputs, gradings, first)


def _choice(values: tuple[str, ...]) -> Expect:
    return Expect("choice", values) if values else TEXT


def _of_ty(ty: Ty, model: Model) -> Expect:
    if ty.kind == "number":
        return NUMBER
    if ty.kind == "bool":
        return Expect("bool")
    if ty.kind == "enum" and ty.enum in model.enums:
        return _choice(model.enums[ty.enum].values)
    return TEXT


def _of_input(t: ir.TypeRef, model: Model) -> Expect:
    if isinstance(t, ir.NumberType):
        return NUMBER
    if isinstance(t, ir.CountType):
        return Expect("count")
    if isinstance(t, ir.YesNoType):
        return Expect("bool")
    if isinstance(t, ir.EnumType) and t.name in model.enums:
        return _choice(model.enums[t.name].values)
    if isinstance(t, ir.ListType):
        return Expect("list")
    return TEXT


def read_value(
    value: Any,
    want: Expect | None,
    where: str,
    unit: str,
    field: str,
    problems: list[DataProblem],
    noun: str = "field",
) -> Any:
    """`value` as `want` says, or None after a problem naming the unit and the field (`noun`:
    a field of the results, such as `total`, or a fact's input)."""
    if value is None or want is None:
        return value

    def bad(message: str) -> None:
        problems.append(DataProblem(where, unit, field, message, noun))

    if want.kind in ("number", "rank", "count"):
        try:
            number = read_number(value, "result")
        except NumberError as err:
            bad(str(err))
            return None
        if want.kind == "rank" and (number.denominator != 1 or number < 1):
            bad(f"a rank is a whole number from 1, got {show_value(value)}")
            return None
        if want.kind == "count" and (number.denominator != 1 or number < 0):
            bad(f"a count is a whole number ≥ 0, got {show_value(value)}")
            return None
        return number
    if want.kind == "bool":
        if isinstance(value, bool):
            return value
        bad(f"expected true or false, got {show_value(value)}")
        return None
    if want.kind == "list":
        if isinstance(value, list):
            return value
        bad(f"expected a list, got {show_value(value)}")
        return None
    if is_text(value) and is_unicode(value):
        value = nfc(value)  # as data texts are read: `last year 工作` compares as this year's
    if is_text(value) and (want.kind == "text" or value in want.choices):
        return value
    if want.kind == "choice":
        bad(f"expected one of {', '.join(want.choices)}, got {show_value(value)}")
    else:
        bad(f"expected text, got {show_value(value)}")
    return None
