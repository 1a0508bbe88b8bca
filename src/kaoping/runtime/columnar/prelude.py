"""The one namespace generated whole-table code uses
(`from kaoping.runtime.columnar import prelude as _c`)."""

from kaoping.exact import Q
from kaoping.runtime.columnar.bands import band, keyed, unit_group
from kaoping.runtime.columnar.cohort import (
    best,
    count_units,
    distribute,
    group_mean,
    impute_mean,
    lowest,
    mean_of,
    peer_means,
    rank,
)
from kaoping.runtime.columnar.distribution import require_distribution, require_records
from kaoping.runtime.columnar.given import computed, computed_only, give
from kaoping.runtime.columnar.grading import Grading
from kaoping.runtime.columnar.history import last_year, no_last_year, settle
from kaoping.runtime.columnar.logic import (
    both,
    chain,
    choose,
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
from kaoping.runtime.columnar.records import aggregate, enum_score, lookup, per_record
from kaoping.runtime.columnar.sections import rescale

ZERO = Q(0)

__all__ = [
    "ZERO",
    "Grading",
    "Q",
    "add",
    "aggregate",
    "band",
    "best",
    "both",
    "chain",
    "choose",
    "compare",
    "computed",
    "computed_only",
    "count_units",
    "default",
    "distribute",
    "div",
    "either",
    "enum_score",
    "full",
    "give",
    "greatest",
    "group_mean",
    "impute_mean",
    "is_present",
    "keyed",
    "last_year",
    "least",
    "lookup",
    "lowest",
    "mean_of",
    "member",
    "mul",
    "neg",
    "negate",
    "no_last_year",
    "peer_means",
    "per_record",
    "rank",
    "require_distribution",
    "require_records",
    "rescale",
    "round_to",
    "satisfied",
    "settle",
    "sub",
    "total_of",
    "truth",
    "unit_group",
    "weighted",
    "where",
]
