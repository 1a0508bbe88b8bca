"""Columns handed to `score_columns` by a program (a streaming reader, a Dask partition, a
Spark batch), checked as the data readers check a file before anything is scored: the group
is the scheme's, every column is one of its group's inputs, of the input's kind, as long as
the others, and within the input's declared range. What fails is a DataError naming the
input (and the first units that break it), never a Python error from inside the scoring code
or a silently different number."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kaoping.compiler import ir
from kaoping.compiler.model import Model
from kaoping.errors import DataError, DataProblem
from kaoping.exact import Q, show
from kaoping.runtime.columnar.numbers import Col, Flags, Labels, absent
from kaoping.runtime.columnar.records import Records

WHERE = "the columns"
_SHOWN = 3  # units named per broken input


def checked_facts(
    model: Model, group: str, facts: Mapping[str, Any], names: Sequence[str] | None
) -> tuple[int, dict[str, Any]]:
    """The number of units and the facts to score (an optional input not given: absent), or
    DataError with every problem found."""
    if group not in model.block_of_group:
        known = ", ".join(model.block_of_group)
        raise DataError([DataProblem(WHERE, None, None, f"no group {group!r} (groups: {known})")])
    from kaoping.io.data_csv import not_for_group

    uses: dict[str, Any] = dict(model.inputs_for(group))
    for name, constant in model.constants.items():  # entered in the data: one value a unit
        if constant.type is not None and group in model.constant_readers.get(name, frozenset()):
            uses[name] = constant
    problems: list[DataProblem] = []
    sizes = {name: _size(col) for name, col in facts.items()}
    given = [size for size in sizes.values() if size is not None]
    n = len(names) if names is not None else (given[0] if given else 0)
    if names is not None and any(not isinstance(x, str) for x in names):
        problems.append(DataProblem(WHERE, None, None, "every unit name must be text"))
    for name, col in facts.items():
        if name not in uses:
            why = not_for_group(model, name, group)
            if name in model.constants and model.constants[name].type is not None:
                why = f"this constant is not read by the rules of group {group!r}"
            problems.append(DataProblem(WHERE, None, name, why))
        elif sizes[name] is None:
            kind = type(col).__name__
            problems.append(DataProblem(WHERE, None, name, f"not a column: {kind}"))
        elif sizes[name] != n:
            how = f"{len(names)} names" if names is not None else f"{n} in the first column"
            problems.append(DataProblem(WHERE, None, name, f"{sizes[name]} rows, but {how}"))
        else:
            problems += _typed(uses[name].type, col, name, names, model)
    out = dict(facts)
    for name, decl in uses.items():
        if name in facts:
            continue
        if getattr(decl, "optional", False):
            out[name] = absent(n)
        else:
            what = "input" if name in model.inputs else "constant (a column of its one value)"
            problems.append(
                DataProblem(WHERE, None, name, f"the units of {group} need this {what}")
            )
    if problems:
        raise DataError(problems)
    return n, out


def _size(col: Any) -> int | None:
    """The units a column is for (a list input's records: their units), None if not one."""
    if isinstance(col, Records):
        return col.n_units
    if isinstance(col, Col | Flags | Labels):
        return len(col)
    return None


def _typed(
    t: ir.TypeRef, col: Any, name: str, names: Sequence[str] | None, model: Model
) -> list[DataProblem]:
    """The column's problems against its input's type: kind, range, whole numbers, enums."""
    number = isinstance(t, ir.NumberType | ir.CountType)
    want = (
        Col
        if number
        else Flags
        if isinstance(t, ir.YesNoType)
        else Labels
        if isinstance(t, ir.TextType | ir.EnumType)
        else Records
    )
    if not isinstance(col, want):
        message = f"a {want.__name__} column for this input, got {type(col).__name__}"
        return [DataProblem(WHERE, None, name, message)]
    present = getattr(col, "present", None)
    if present is not None and len(present) != len(col):
        message = f"its presence mask has {len(present)} entries for {len(col)} values"
        return [DataProblem(WHERE, None, name, message)]
    if isinstance(col, Col):
        return _numbers(t, col, name, names)
    if isinstance(t, ir.EnumType) and isinstance(col, Labels):
        allowed = set(model.enums[t.name].values)
        if np.isin(col.text, list(allowed)).all():
            return []  # (an absent entry's text is one of them or is passed over below)
        keep = _kept(col)
        bad = [i for i, x in enumerate(col.text.tolist()) if keep[i] and x not in allowed]
        message = f"expected one of {', '.join(model.enums[t.name].values)}"
        return _named(bad, names, name, lambda i: f"{message}, got {col.text[i]!r}")
    return []


def _numbers(t: Any, col: Col, name: str, names: Sequence[str] | None) -> list[DataProblem]:
    num = col.num
    if not isinstance(num, np.ndarray) or num.dtype.kind not in "iuO" or num.ndim != 1:
        message = "its numerators must be a one-dimensional integer array"
        return [DataProblem(WHERE, None, name, message)]
    if isinstance(col.den, bool) or not isinstance(col.den, int) or col.den < 1:
        return [DataProblem(WHERE, None, name, f"its denominator must be ≥ 1, got {col.den!r}")]
    values = num.tolist() if num.dtype.kind == "O" else None
    if values is not None and any(type(x) is not int for x in values):
        return [DataProblem(WHERE, None, name, "its numerators must be whole numbers")]
    lowest, highest = (int(num.min()), int(num.max())) if values is None and len(num) else (0, 0)
    largest = max(map(abs, values), default=0) if values is not None else max(-lowest, highest)
    if largest > col.bound:
        message = f"its bound {col.bound} is below its largest numerator {largest}"
        return [DataProblem(WHERE, None, name, message)]
    whole = isinstance(t, ir.CountType) or bool(getattr(t, "integer", False))
    low = Q(0) if isinstance(t, ir.CountType) else getattr(t, "low", None)
    high = getattr(t, "high", None)
    if values is None:  # the common case, checked a column at a time
        if not len(num):
            return []

        def within(lowest: int, highest: int) -> bool:
            least, most = Q(lowest, col.den), Q(highest, col.den)
            return (low is None or least >= low) and (high is None or most <= high)

        # every entry within the range, the absent ones' too: no need to look closer
        fits = within(lowest, highest)
        if not fits and col.present is not None:  # the units that have a value only
            given = np.asarray(col.present, dtype=bool)
            if not given.any():
                return []
            limits = np.iinfo(num.dtype)
            fits = within(
                int(num.min(where=given, initial=limits.max)),
                int(num.max(where=given, initial=limits.min)),
            )
        if fits and not (whole and col.den != 1 and _fractions(num, col)):
            return []
    keep = _kept(col)
    every = [Q(int(x), col.den) for x in num.tolist()]
    bad = [
        i
        for i, v in enumerate(every)
        if keep[i]
        and (
            (whole and v.denominator != 1)
            or (low is not None and v < low)
            or (high is not None and v > high)
        )
    ]

    def why(i: int) -> str:
        v = every[i]
        if whole and v.denominator != 1:
            return f"must be a whole number, got {show(v)}"
        if isinstance(t, ir.CountType):
            return f"a count cannot be negative, got {show(v)}"
        shown_low = "-inf" if low is None else show(low)
        shown_high = "inf" if high is None else show(high)
        return f"{show(v)} is outside the allowed range {shown_low} to {shown_high}"

    return _named(bad, names, name, why)


def _fractions(num: Any, col: Col) -> bool:
    """Whether a unit with a value has a numerator the denominator does not divide."""
    rest = num % col.den != 0
    return bool((rest if col.present is None else rest & col.present).any())


def _kept(col: Any) -> list[bool]:
    return [True] * len(col) if col.present is None else [bool(x) for x in col.present]


def _named(bad: list[int], names: Sequence[str] | None, name: str, why: Any) -> list[DataProblem]:
    """A problem for each of the first units in `bad`, and how many more there are."""
    out = [
        DataProblem(WHERE, names[i], name, why(i))
        if names is not None
        else DataProblem(f"{WHERE}, row {i + 1}", None, name, why(i))
        for i in bad[:_SHOWN]
    ]
    if len(bad) > _SHOWN:
        out.append(DataProblem(WHERE, None, name, f"and {len(bad) - _SHOWN} more unit(s)"))
    return out
