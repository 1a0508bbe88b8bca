"""The one namespace generated code uses (`from kaoping.runtime import prelude as _rt`)."""

from kaoping.runtime.aggregate import agg
from kaoping.runtime.applicable import applicable_taken, impute_mean, rescale
from kaoping.runtime.checks import differing, no_row, unmet
from kaoping.runtime.choices import band_noted, chosen, held
from kaoping.runtime.cohort import (
    best,
    distribute,
    group_mean,
    rank,
    require_distribution,
    require_records,
)
from kaoping.runtime.cohort_values import count_units, lowest, mean_of, peer_means
from kaoping.runtime.grading import Grader
from kaoping.runtime.numbers import (
    ZERO,
    Q,
    default,
    div,
    enum_score,
    excess,
    greatest,
    least,
    lift,
    lift_in,
    mul,
    round_to,
    satisfied,
    shortfall,
    weighted,
)
from kaoping.runtime.ordering import order_records, order_units
from kaoping.runtime.runs import band, chain
from kaoping.runtime.unit import Unit, last_number, no_sheet

__all__ = [
    "ZERO",
    "Grader",
    "Q",
    "Unit",
    "agg",
    "applicable_taken",
    "band",
    "band_noted",
    "best",
    "chain",
    "chosen",
    "count_units",
    "default",
    "differing",
    "distribute",
    "div",
    "enum_score",
    "excess",
    "greatest",
    "group_mean",
    "held",
    "impute_mean",
    "last_number",
    "least",
    "lift",
    "lift_in",
    "lowest",
    "mean_of",
    "mul",
    "no_row",
    "no_sheet",
    "order_records",
    "order_units",
    "peer_means",
    "rank",
    "require_distribution",
    "require_records",
    "rescale",
    "round_to",
    "satisfied",
    "shortfall",
    "unmet",
    "weighted",
]
