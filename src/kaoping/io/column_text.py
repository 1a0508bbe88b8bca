"""Exact number text for a whole column at once: what `exact_text` writes for one number
(`87.5`, `87.50` with places, `550/3` when the decimals never end), as a pyarrow string array.

A column is integer numerators over one denominator. Where the denominator has no prime
factor but 2 and 5, every value is a decimal with at most K places: numerator × 10^K / den is
an integer, written by pyarrow's integer-to-text cast, padded, cut at the point and its
trailing zeros trimmed, all string kernels. Otherwise each value is reduced by its gcd with
the denominator; those whose reduced denominator is still of 2s and 5s are decimals as
above, the others `p/q`. A column of few distinct numerators (most inputs and items) has the
texts of its range worked out once and taken by index."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from kaoping.exact import Q, exact_text
from kaoping.runtime.columnar.numbers import magnitude

_LIMIT = 2**62
_TABLE_MIN = 4096  # a range of numerators this small is always written by table


def number_texts(num: npt.NDArray[Any], den: int, min_places: int = 0) -> Any:
    """The exact texts of `num[i] / den` (a pyarrow string array, no nulls)."""
    import pyarrow as pa

    n = len(num)
    if n == 0:
        return pa.array([], type=pa.string())
    if num.dtype == object:
        return _by_python(num, den, min_places)
    num = num.astype(np.int64, copy=False)
    low, high = int(num.min()), int(num.max())
    if high - low + 1 <= max(_TABLE_MIN, n // 4) and n > _TABLE_MIN:
        table = _texts(np.arange(low, high + 1, dtype=np.int64), den, min_places)
        return table.take(pa.array(num - low))
    return _texts(num, den, min_places)


def _texts(num: npt.NDArray[np.int64], den: int, min_places: int) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    twos, fives, rest = _factors(den)
    places = max(twos, fives, min_places)
    if places > 18:
        return _by_python(num, den, min_places)
    bound = magnitude(num)
    if rest == 1:
        factor = 10**places // den
        if bound * factor >= _LIMIT:
            return _by_python(num, den, min_places)
        return _decimal(num * factor, places, min_places)
    g = np.gcd(num, np.int64(den))
    g[g == 0] = 1
    p, q = num // g, np.int64(den) // g
    odd = q.copy()
    for prime in (2, 5):
        while True:
            divisible = odd % prime == 0
            if not divisible.any():
                break
            odd = np.where(divisible, odd // prime, odd)
    decimal = odd == 1
    if bound * 10**places >= _LIMIT:
        return _by_python(num, den, min_places)
    scaled = p * np.where(decimal, np.int64(10**places) // q, 0)
    shown = _decimal(scaled, places, min_places)
    if decimal.all():
        return shown
    fraction = pc.binary_join_element_wise(
        pc.cast(pa.array(p), pa.string()), pc.cast(pa.array(q), pa.string()), "/"
    )
    return pc.if_else(pa.array(decimal), shown, fraction)


def _decimal(scaled: npt.NDArray[np.int64], places: int, min_places: int) -> Any:
    """`scaled / 10^places` as decimal text, trailing zeros trimmed down to `min_places`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    negative = scaled < 0
    digits = pc.cast(pa.array(np.abs(scaled)), pa.string())
    if places == 0:
        text = digits
    else:
        padded = pc.utf8_lpad(digits, places + 1, "0")
        whole = pc.utf8_slice_codeunits(padded, 0, -places)
        frac = pc.utf8_rtrim(pc.utf8_slice_codeunits(padded, -places), "0")
        if min_places:
            frac = pc.utf8_rpad(frac, min_places, "0")
            text = pc.binary_join_element_wise(whole, frac, ".")
        else:
            joined = pc.binary_join_element_wise(whole, frac, ".")
            text = pc.if_else(pc.equal(pc.utf8_length(frac), 0), whole, joined)
    if negative.any():
        text = pc.if_else(pa.array(negative), pc.binary_join_element_wise("-", text, ""), text)
    return text


def _factors(den: int) -> tuple[int, int, int]:
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    return twos, fives, den


def _by_python(num: npt.NDArray[Any], den: int, min_places: int) -> Any:
    """Numbers too large for int64 arithmetic: each distinct one written by `exact_text`."""
    import pyarrow as pa

    made: dict[int, str] = {}
    out = []
    for x in num.tolist():
        text = made.get(x)
        if text is None:
            text = made[x] = exact_text(Q(int(x), den), min_places)
        out.append(text)
    return pa.array(out, type=pa.string())
