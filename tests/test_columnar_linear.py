"""Sums kept as parts over different denominators (`kaoping.runtime.columnar.linear`): the
group's best and lowest, ranks with shared ties, comparisons with a number and the per-unit
values equal exact rational arithmetic, also where different parts give equal values or values
closer than a float can tell apart."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.exact import Q
from kaoping.runtime.columnar.cohort import best, group_mean, lowest, rank
from kaoping.runtime.columnar.linear import Linear
from kaoping.runtime.columnar.logic import compare
from kaoping.runtime.columnar.numbers import mul, scaled, total_of

# coefficients 1/3, 1/7 and 1/B: units (3, 0, 0), (0, 7, 0) and (0, 0, B) are equal with
# different parts; (0, 0, 1) is a hair above (0, 0, 0), below a float's resolution at value 1;
# B ± 2 (beyond 2**53) round as floats, so estimates of different values may come out equal
# or in the wrong order
B = 10**16 + 3
COEFS = [Fraction(1, 3), Fraction(1, 7), Fraction(1, B)]


def linear(rows: list[tuple[int, int, int]], offset: Fraction = Fraction(1)) -> Linear:
    n = len(rows)
    parts = [
        (np.array([r[j] for r in rows], dtype=np.int64), Q(c), max(abs(r[j]) for r in rows))
        for j, c in enumerate(COEFS)
    ]
    return Linear(parts, Q(offset), None, n)


def exact(rows: list[tuple[int, int, int]], offset: Fraction = Fraction(1)) -> list[Fraction]:
    return [offset + sum(c * x for c, x in zip(COEFS, r, strict=True)) for r in rows]


def competition(values: list[Fraction], ascending: bool) -> list[int]:
    sign = 1 if ascending else -1
    return [1 + sum(1 for w in values if sign * w < sign * v) for v in values]


row = st.tuples(
    st.sampled_from([0, 3, 6, 21, -3]),
    st.sampled_from([0, 7, 14, -7, 1]),
    st.sampled_from([0, 1, 2, -1, B, B - 2, B + 2, 2 * B - 1]),
)


@settings(max_examples=80, derandomize=True, deadline=None)
@given(st.lists(row, min_size=1, max_size=12), st.booleans())
def test_linear_orders_exactly(rows: list[tuple[int, int, int]], ascending: bool) -> None:
    x = linear(rows)
    want = exact(rows)
    n = len(rows)
    assert rank([x], ascending, n).num.tolist() == competition(want, ascending)
    assert Fraction(str(best(x, n))) == max(want)
    low = lowest(x, n)
    assert low is not None and Fraction(str(low)) == min(want)
    mean = group_mean(x, n)
    assert mean is not None and Fraction(str(mean)) == sum(want) / n
    for target in (Fraction(1), Fraction(2), want[0]):
        for op, fn in ((">", Fraction.__gt__), ("=", Fraction.__eq__), ("<=", Fraction.__le__)):
            got = compare(op, x, Q(target))
            assert not isinstance(got, bool)
            assert got.truth.tolist() == [fn(v, target) for v in want]
    assert [Fraction(str(v)) for v in x.values()] == want


def test_sums_beyond_int64_keep_their_parts() -> None:
    # three columns over denominators whose common one leaves int64 for their numerators
    dens = [10**9 + 7, 10**9 + 9, 10**9 + 21]
    nums = [np.array([i * 10**8 + j for i in range(5)], dtype=np.int64) for j in range(3)]
    cols = [scaled(num, den) for num, den in zip(nums, dens, strict=True)]
    total = total_of(cols, 5)
    assert isinstance(total, Linear)
    want = [sum(Fraction(int(n[i]), d) for n, d in zip(nums, dens, strict=True)) for i in range(5)]
    assert [Fraction(str(v)) for v in total.values()] == want
    halved = mul(total, Q(Fraction(1, 2)))
    assert isinstance(halved, Linear)
    assert [Fraction(str(v)) for v in halved.values()] == [w / 2 for w in want]
    assert rank([total], False, 5).num.tolist() == competition(want, False)


def test_a_column_of_zeros_with_a_huge_coefficient_adds_nothing() -> None:
    zeros = Linear([(np.zeros(3, dtype=np.int64), Q(Fraction(10**30, 7)), 0)], Q(0), None, 3)
    thirds = Linear([(np.array([1, 2, 3], dtype=np.int64), Q(Fraction(1, 3)), 3)], Q(0), None, 3)
    total = total_of([zeros, thirds], 3)
    assert [Fraction(str(v)) for v in total.values()] == [Fraction(1, 3), Fraction(2, 3), 1]
