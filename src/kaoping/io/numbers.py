"""Numbers in what users hand kaoping: unit data (JSON, CSV, YAML cases), history and golden
cases' expectations. JSON and YAML numbers are kept as their text (`NumberText`) until the
reader knows what the number is for, then read exactly by `kaoping.exact.parse`: never a
float, never Python's `int()` on unbounded text, never NaN or Infinity.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, TypeGuard

from kaoping.exact import (
    DATA_INTEGER_DIGITS,
    NOT_A_NUMBER,
    PLAIN,
    RESULT_DIGITS,
    NumberError,
    Profile,
    Q,
    exact_text,
    parse,
    places_of,
)

_WHOLE_LIMIT = 10**DATA_INTEGER_DIGITS
_PLAIN_WHOLE = re.compile(r"-?[0-9]{1,18}")
_SHOWN = 40  # characters of a value shown in a message


class NumberText(str):
    """A number as a JSON or YAML file wrote it (unquoted), still as text."""

    __slots__ = ()


def is_text(value: Any) -> TypeGuard[str]:
    """A string as the file wrote it in quotes (a JSON or YAML number is not text)."""
    return isinstance(value, str) and not isinstance(value, NumberText)


def plain_number(value: Any, whole: bool = False) -> Q | None:
    """The common case, quickly: a number written plainly ("87.5", 3; with `whole`, digits
    only), well within every bound. None for anything else, which `read_number` judges."""
    kind = type(value)
    if kind is int:
        return Q(value) if -_WHOLE_LIMIT < value < _WHOLE_LIMIT else None
    if kind is NumberText or kind is str:
        if whole:
            return Q(value) if _PLAIN_WHOLE.fullmatch(value) is not None else None
        return Q(value) if PLAIN.fullmatch(value) is not None else None
    return None


def read_number(value: Any, profile: Profile = "data") -> Q:
    """A number given as JSON/YAML number text, a string, or (by a program) an int or
    rational; NumberError, with a message naming the value, when it is none."""
    if type(value) is int and -_WHOLE_LIMIT < value < _WHOLE_LIMIT:  # within every bound
        return Q(value)
    if isinstance(value, str):
        try:
            return parse(value, profile, exponent=isinstance(value, NumberText))
        except NumberError as err:
            raise _named(value, err) from None
    if isinstance(value, bool) or not isinstance(value, int | Q | Fraction):
        raise NumberError(f"expected a number, got {show_value(value)}")
    if isinstance(value, int) and abs(value).bit_length() > 4 * RESULT_DIGITS:
        raise NumberError(f"a number of {abs(value).bit_length()} bits is too large")
    q = Q(value)
    if profile == "data" and places_of(q) is None:
        raise NumberError(f"{exact_text(q)} has no finite decimal expansion")
    try:
        return parse(exact_text(q), profile)
    except NumberError as err:
        raise _named(value, err) from None


def _named(value: Any, err: NumberError) -> NumberError:
    if str(err) == NOT_A_NUMBER:
        return NumberError(f"expected a number, got {show_value(value)}")
    return NumberError(f"{show_value(value)} {err}")


def show_value(value: Any) -> str:
    """A value in a data error: text quoted, numbers and yes/no as written (long ones cut)."""
    if isinstance(value, str) and len(value) > _SHOWN:
        cut = f"{value[:_SHOWN]}… ({len(value):,} characters)"
        return cut if isinstance(value, NumberText) else f"'{cut}"
    if isinstance(value, NumberText):
        return str(value)
    if isinstance(value, str):
        return repr(value)
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int | Q | Fraction):
        return exact_text(Q(value))
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a float" if isinstance(value, float) else type(value).__name__
