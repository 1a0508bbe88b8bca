"""The one number type: exact rationals (gmpy2's `mpq`), how they are read from text, rounded
and written. Every number kaoping computes with is an `mpq`: 10 ÷ 3 × 3 is 10, sums never
round, and nothing overflows. Reading is strict and bounded, so no text can make a number
kaoping did not mean (NaN, ², 1e999999) or cost unbounded time.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from gmpy2 import mpq, mpz, remove

Q = mpq
ZERO = mpq(0)
ONE = mpq(1)

Mode = Literal["half-up", "half-even", "down", "up"]

# The bounds of a number in unit data (data files, CSV cells, golden cases' facts): at most
# 18 digits before the decimal point, at most 30 after it, at most 30 significant digits.
DATA_INTEGER_DIGITS = 18
DATA_PLACES = 30
DATA_SIGNIFICANT = 30
# A number read back from results (history, golden cases' expectations) is one kaoping wrote:
# a decimal or a fraction N/D, with at most this many digits before and after the point, or in
# each of N and D.
RESULT_DIGITS = 100
# `rounding N places` and `round N places`: N from 0 to this.
MAX_ROUNDING_PLACES = 10
# A value that has no finite decimal expansion (550/3) is shown rounded half-up to this many
# places after the marker ≈; JSON keeps it exact as "550/3".
DISPLAY_PLACES = 4

Profile = Literal["data", "result"]
# no number kaoping reads is written with more characters than this
MAX_TEXT = 2 * RESULT_DIGITS + 3


class NumberError(ValueError):
    """Text that is not a number kaoping accepts; the message says why, for a data error."""


NOT_A_NUMBER = "is not a number"


# the common case, within the data bounds whatever the digits: gmpy2 reads it exactly
PLAIN = re.compile(r"-?[0-9]{1,18}(?:\.[0-9]{1,12})?")
_DECIMAL = re.compile(r"([+-]?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?")
_FRACTION = re.compile(r"([+-]?)([0-9]+)/([0-9]+)")
_POW10 = [mpz(10) ** k for k in range(64)]


def _pow10(k: int) -> mpz:
    return _POW10[k] if k < len(_POW10) else mpz(10) ** k


def parse(text: str, profile: Profile = "data", exponent: bool = False) -> mpq:
    """A number written as text: a decimal (`87.5`, `-3`), with `exponent` also `1.5e3` (as a
    JSON or YAML number may be written), and in the result profile also a fraction `550/3`.
    ASCII digits only; no NaN, Infinity, `1_000` or `0x10`; within the profile's bounds."""
    text = text.strip()
    quick = plain(text)
    if quick is not None:
        return quick
    if len(text) > MAX_TEXT:
        raise NumberError("is too long to be a number")
    m = _DECIMAL.fullmatch(text)
    if m is not None:
        sign, whole, frac, exp = m.groups()
        if exp is not None and not exponent:
            raise NumberError("has an exponent; write the number out in plain digits")
        frac = frac or ""
        shift = 0
        if exp is not None:
            if len(exp.lstrip("+-").lstrip("0")) > 6:
                raise NumberError("is too large or too small")
            shift = int(exp)
        digits = (whole + frac).lstrip("0")
        # the value is ±int(digits) × 10^(shift - len(frac)); its digits before and after the point
        scale = shift - len(frac)
        significant = digits.rstrip("0")
        if not significant:
            return ZERO
        before = len(digits) + scale  # digits before the point (≤ 0: a fraction of one)
        after = max(0, -(scale + len(digits) - len(significant)))
        _bound_decimal(len(significant), before, after, profile)
        value = mpz(significant) * _pow10(len(digits) - len(significant))
        q = mpq(value, _pow10(-scale)) if scale < 0 else mpq(value * _pow10(scale))
        return -q if sign == "-" else q
    m = _FRACTION.fullmatch(text)
    if m is not None and profile == "result":
        sign, num, den = m.groups()
        if len(num.lstrip("0")) > RESULT_DIGITS or len(den.lstrip("0")) > RESULT_DIGITS:
            raise NumberError(f"has more than {RESULT_DIGITS} digits above or below the line")
        if not den.strip("0"):
            raise NumberError("divides by zero")
        q = mpq(mpz(num), mpz(den))
        return -q if sign == "-" else q
    raise NumberError(NOT_A_NUMBER)


def plain(text: str) -> mpq | None:
    """A number written plainly ("-87.5": at most 18 digits before the point and 12 after, so
    within every bound), or None for any other text."""
    return mpq(text) if PLAIN.fullmatch(text) is not None else None


def _bound_decimal(significant: int, before: int, after: int, profile: Profile) -> None:
    if profile == "result":
        if before > RESULT_DIGITS or after > RESULT_DIGITS:
            raise NumberError(f"has more than {RESULT_DIGITS} digits before or after the point")
        return
    if before > DATA_INTEGER_DIGITS:
        raise NumberError(
            f"is too large: at most {DATA_INTEGER_DIGITS} digits before the decimal point"
        )
    if after > DATA_PLACES:
        raise NumberError(f"has more than {DATA_PLACES} digits after the decimal point")
    if significant > DATA_SIGNIFICANT:
        raise NumberError(f"has more than {DATA_SIGNIFICANT} significant digits")


def literal(token: str) -> mpq:
    """A number as the rules grammar wrote it (digits, one optional point; any script's
    decimal digits, such as full-width ３): exact, of any length."""
    ascii_digits = "".join(
        str(unicodedata.decimal(c)) if c not in "+-." and not c.isascii() else c for c in token
    )
    whole, _, frac = ascii_digits.partition(".")
    return mpq(mpz(whole + frac), _pow10(len(frac)))


# The bounds of a number written in the rules: those of unit data, digit for digit. A number
# longer than that is a slip of the keyboard, and one of thousands of digits would cost time
# and memory in every message, generated line and result that shows it.
RULES_INTEGER_DIGITS = DATA_INTEGER_DIGITS
RULES_PLACES = DATA_PLACES


def literal_too_long(token: str) -> Literal["before", "after"] | None:
    """Which bound a number as the rules grammar wrote it (`12.5`, `80%`, full-width digits
    too) breaks: digits "before" or "after" the decimal point; None when it is within both."""
    if len(token) <= RULES_INTEGER_DIGITS:  # the common case: too short to break a bound
        return None
    whole, _, frac = token.removesuffix("%").partition(".")
    if len(whole.lstrip("0０")) > RULES_INTEGER_DIGITS:
        return "before"
    if len(frac.rstrip("0０")) > RULES_PLACES:
        return "after"
    return None


# a whole number in the rules (places, `top N`, `drop N`) above this means the same as this:
# no group has so many units, no unit so many records, and places above 10 are an error
WHOLE_LIMIT = 10**9


def whole_number(token: str) -> int:
    """A whole number as the rules grammar wrote it (places, counts), at most WHOLE_LIMIT."""
    return min(int(literal(token)), WHOLE_LIMIT)


# ------------------------------------------------------------------------------ rounding


def round_to(value: mpq, places: int, mode: Mode) -> mpq:
    """`value` rounded to `places` decimal places: half-up (ties away from zero), half-even,
    down (toward zero) or up (away from zero), as `decimal` rounds, negative values too."""
    scale = _pow10(places)
    den = value.denominator
    if scale % den == 0:
        return value  # already has at most `places` places
    num = value.numerator * scale
    whole, rest = divmod(abs(num), den)
    if mode == "up" or (
        mode != "down"
        and (2 * rest > den or (2 * rest == den and (mode == "half-up" or whole % 2)))
    ):
        whole += 1
    return mpq(-whole if num < 0 else whole, scale)


def floor(value: mpq) -> int:
    """The largest whole number ≤ value."""
    return int(value.numerator // value.denominator)


def ceil(value: mpq) -> int:
    """The smallest whole number ≥ value."""
    return -int(-value.numerator // value.denominator)


def round_count(value: mpq, mode: Mode) -> int:
    """A share of a head count, rounded to a whole number of units as the scheme says."""
    return int(round_to(value, 0, mode))


# ------------------------------------------------------------------------------ writing


def places_of(value: mpq) -> int | None:
    """How many decimal places `value` has exactly, or None when its expansion never ends."""
    den = value.denominator
    if den == 1:
        return 0
    rest, twos = remove(den, 2)
    rest, fives = remove(rest, 5)
    return max(twos, fives) if rest == 1 else None


def decimal_text(value: mpq, places: int, min_places: int = 0) -> str:
    """The digits of `value` (which has at most `places` places), trailing zeros trimmed down
    to `min_places`. Zero is never negative."""
    shown = max(places, min_places)
    digits = abs(value.numerator) * (_pow10(shown) // value.denominator)
    text = str(digits).rjust(shown + 1, "0")
    whole, frac = text[: len(text) - shown], text[len(text) - shown :]
    frac = frac.rstrip("0").ljust(min_places, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


def exact_text(value: mpq, min_places: int = 0) -> str:
    """The text JSON carries: `87.5` (with `min_places`, `87.50`), or `550/3` when the
    decimal expansion never ends. Reading it back gives the same value."""
    places = places_of(value)
    if places is None:
        return f"{value.numerator}/{value.denominator}"
    return decimal_text(value, places, min_places)


def show(value: mpq, min_places: int = 0) -> str:
    """The text people read: exact when the decimal expansion ends (`87.5`, `87.50`),
    otherwise rounded half-up to DISPLAY_PLACES places after ≈ (`≈183.3333`)."""
    places = places_of(value)
    if places is not None:
        return decimal_text(value, places, min_places)
    rounded = round_to(value, DISPLAY_PLACES, "half-up")
    return "≈" + decimal_text(rounded, DISPLAY_PLACES, DISPLAY_PLACES)


def describe(value: mpq) -> str:
    """Both at once, for messages comparing values: `87.5`, or `550/3 (≈183.3333)`."""
    if places_of(value) is not None:
        return show(value)
    return f"{exact_text(value)} ({show(value)})"
