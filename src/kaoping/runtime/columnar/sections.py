"""A section rescaled where items do not apply (不涉及项目折算) on columns: each unit's applicable
children summed, times the section's maximum, over the sum of those children's maxima. The sum
of maxima differs from unit to unit, but takes few values (one per set of applicable items that
occurs): the column's one denominator is their least common multiple."""

from __future__ import annotations

from math import lcm
from typing import TYPE_CHECKING, Any

import numpy as np

from kaoping.errors import DataError, DataProblem
from kaoping.exact import Q
from kaoping.runtime.columnar.given import computed
from kaoping.runtime.columnar.numbers import LIMIT, Col, _present, _reduce, total_of, where

if TYPE_CHECKING:
    from kaoping.runtime.columnar.table import Table


def rescale(t: Table, path: str, children: list[Any], maxima: list[Q], top: Q, where_: str) -> Col:
    """Σ applicable children × `top` ÷ Σ their maxima, for each unit; a unit none of whose
    children applies is a data error naming it (give the section's value), as per unit."""
    n = t.n
    applies = [_present(c, n) for c in children]
    some = np.zeros(n, dtype=bool)
    for a in applies:
        some |= a
    missing = computed(t, path, ~some)
    if missing.any():
        first = int(np.flatnonzero(missing)[0])
        section = path.rsplit(".", 1)[-1]
        raise DataError(
            [
                DataProblem(
                    where_,
                    t.names[first],
                    None,
                    f"no item of section {section!r} applies to this unit: there is nothing "
                    "to rescale; give the section's value",
                )
            ]
        )
    total = total_of([where(a, c, 0, n) for a, c in zip(applies, children, strict=True)], n)
    scale = lcm(*(int(m.denominator) for m in maxima)) if maxima else 1
    weights = np.zeros(n, dtype=object)  # Σ maxima × scale of the applicable children
    for a, m in zip(applies, maxima, strict=True):
        weights = weights + np.where(a, int(m * scale), 0)
    sums = [int(w) for w in weights.tolist()]
    if any(w == 0 for w, s in zip(sums, some.tolist(), strict=True) if s):
        raise ZeroDivisionError("the applicable items' maxima add up to 0")
    common = lcm(*{w for w in sums if w}) if any(sums) else 1
    factor = int(top.numerator) * scale
    nums = [int(x) for x in total.num.tolist()]
    out = [x * factor * (common // w) if w else 0 for x, w in zip(nums, sums, strict=True)]
    bound = max((abs(x) for x in out), default=0)
    num = np.array(out, dtype=object if bound >= LIMIT else np.int64)
    present = total.present
    return _reduce(Col(num, total.den * int(top.denominator) * common, bound, present))
