"""The one namespace generated whole-table code uses
(`from kaoping.runtime.columnar import prelude as _c`)."""

from kaoping.exact import Q
from kaoping.runtime.columnar.cohort import best, group_mean, impute_mean, lowest, rank
from kaoping.runtime.columnar.history import last_year, settle
from kaoping.runtime.columnar.logic import (
    both,
    chain,
    compare,
    either,
    is_present,
    member,
    negate,
    satisfied,
)
from kaoping.runtime.columnar.numbers import (
    add,
    default,
    div,
    full,
    greatest,
    least,
    mul,
    neg,
    round_to,
    sub,
    total_of,
    truth,
    weighted,
    where,
)
from kaoping.runtime.columnar.records import aggregate, lookup, per_record

ZERO = Q(0)

__all__ = [
    "ZERO",
    "Q",
    "add",
    "aggregate",
    "best",
    "both",
    "chain",
    "compare",
    "default",
    "div",
    "either",
    "full",
    "greatest",
    "group_mean",
    "impute_mean",
    "is_present",
    "last_year",
    "least",
    "lookup",
    "lowest",
    "member",
    "mul",
    "neg",
    "negate",
    "per_record",
    "rank",
    "round_to",
    "satisfied",
    "settle",
    "sub",
    "total_of",
    "truth",
    "weighted",
    "where",
]
