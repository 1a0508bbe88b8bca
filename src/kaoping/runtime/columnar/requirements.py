"""Data requirements (`require COND`) checked on whole columns, for the whole-column path of
`kaoping score`: which rows break one. The path only needs to know whether any row does: the
run is then left to the per-unit objects' path, whose data error names each unit, field and
value as it always has."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from kaoping.runtime.columnar.numbers import Flags


def unmet(cond: Any, n: int) -> npt.NDArray[np.bool_]:
    """The rows where the requirement does not plainly hold: false, or not known (an absent
    value, or anything that is not a yes/no column), which the per-unit path then judges."""
    if isinstance(cond, bool):
        return np.full(n, not cond)
    if not isinstance(cond, Flags) or len(cond.truth) != n:
        return np.ones(n, dtype=np.bool_)
    broken: npt.NDArray[np.bool_] = ~np.asarray(cond.truth, dtype=np.bool_)
    if cond.present is not None:
        broken = broken | ~np.asarray(cond.present, dtype=np.bool_)
    return broken
