"""Columns a program hands `score_columns` are checked as a data file is: a group the scheme
does not have, a column of the wrong length or kind, an input missing, unknown or another
group's, a value outside its input's range is a DataError naming the input (and the unit),
never a KeyError from inside the scoring code or a silently different total."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kaoping.compiler.load import compile_sources
from kaoping.errors import DataError
from kaoping.exact import Q
from kaoping.runtime.columnar.numbers import Col, column, scaled
from kaoping.scoring_columnar import score_columns

RULES = """\
scheme "handed"
group 单位 "units"
input a: number 0 to 100 "a"
input b: number 0 to 100 optional "b"
input c: integer -5 to 5 "c"
input n: count "n"
scoring 单位:
    let avg = weighted {a: 50%, b: 50%} redistribute equally
    section 加分 max 2:
        item 次数:
            add 0.01 per n
            cap 2
    total = avg + c / 3 + 加分
    across group:
        let 名次 = rank by total
"""
SINGLE = compile_sources("handed", {"handed.rules": RULES})


def _col(*values: Any) -> Col:
    return column([None if v is None else Q(v) for v in values])


GOOD = {"a": _col(1, 2, 3), "b": _col(1, None, 3), "c": _col(0, 1, -1), "n": _col(0, 1, 2)}
NAMES = ["甲", "乙", "丙"]


def test_valid_columns_score() -> None:
    total = score_columns(SINGLE, "单位", GOOD, NAMES)["total"]
    assert total.values() == [Q(1), Q(703, 300), Q(806, 300)]


def test_an_optional_input_not_given_is_absent() -> None:
    without = {k: v for k, v in GOOD.items() if k != "b"}
    total = score_columns(SINGLE, "单位", without, NAMES)["total"]
    assert total.values()[1] == Q(2) + Q(1, 3) + Q(1, 100)  # a alone, c / 3, n × 0.01


BAD = [
    ("unknown group", "丙组", GOOD, NAMES, "the columns: no group '丙组' (groups: 单位)"),
    ("missing input", "单位", {**GOOD, "a": None}, NAMES, "input 'a': the units of 单位 need"),
    ("unknown input", "单位", {**GOOD, "zz": _col(1, 1, 1)}, NAMES, "input 'zz': this input is"),
    ("short column", "单位", {**GOOD, "a": _col(1, 2)}, NAMES, "input 'a': 2 rows, but 3 names"),
    ("short names", "单位", GOOD, NAMES[:1], "input 'a': 3 rows, but 1 names"),
    ("a list", "单位", {**GOOD, "a": [1, 2, 3]}, NAMES, "input 'a': not a column: list"),
    (
        "above the range",
        "单位",
        {**GOOD, "a": _col(1, 1000, 3)},
        NAMES,
        "unit '乙', input 'a': 1000 is outside the allowed range 0 to 100",
    ),
    (
        "a negative count",
        "单位",
        {**GOOD, "n": _col(0, -1, 2)},
        NAMES,
        "unit '乙', input 'n': a count cannot be negative, got -1",
    ),
    (
        "a fraction of an integer input",
        "单位",
        {**GOOD, "c": _col(0, Q(1, 2), 1)},
        None,
        "the columns, row 2, input 'c': must be a whole number, got 0.5",
    ),
    (
        "a bound below the numerators",
        "单位",
        {**GOOD, "a": Col(np.array([1, 2, 3]), 1, 2)},
        NAMES,
        "input 'a': its bound 2 is below its largest numerator 3",
    ),
]


@pytest.mark.parametrize(("what", "group", "facts", "names", "said"), BAD, ids=[b[0] for b in BAD])
def test_columns_that_do_not_fit_are_a_data_error(
    what: str, group: str, facts: dict[str, Any], names: list[str] | None, said: str
) -> None:
    given = {k: v for k, v in facts.items() if v is not None}
    with pytest.raises(DataError) as err:
        score_columns(SINGLE, group, given, names)
    assert said in str(err.value)


def test_the_least_int64_numerator_is_in_range_as_its_value() -> None:
    """scaled() took a column's bound with numpy's abs, which leaves -2**63 negative: the
    column was then narrowed to int32, every value wrapped."""
    unbounded = compile_sources(
        "unbounded",
        {
            "u.rules": 'scheme "u"\ngroup 单位 "u"\ninput x: number "x"\nscoring 单位:\n    total = x\n'
        },
    )
    x = scaled(np.array([-(2**63), 7], dtype=np.int64), 5**12)
    total = score_columns(unbounded, "单位", {"x": x})["total"]
    assert total.values() == [Q(-(2**63), 5**12), Q(7, 5**12)]


def _sample_columns(scheme_id: str, group: str) -> tuple[Any, dict[str, Any], list[str]]:
    """A shipped scheme's sample units of `group` as the columns the columnar backend reads."""
    from kaoping import load_scheme
    from kaoping.io.data import load_dataset
    from kaoping.plugins.manager import default_registry
    from kaoping.runtime.columnar.table import reader

    scheme = load_scheme(scheme_id)
    units, _ = load_dataset(default_registry().sample(scheme_id), scheme.model)  # type: ignore[arg-type]
    members = [u for u in units if u.group == group]
    read = reader(scheme.model, members)
    facts = {name: read(name) for name in scheme.model.inputs_for(group)}
    return scheme, facts, [u.name for u in members]


def test_a_list_input_is_one_records_column_for_the_units() -> None:
    """A Records column holds more records than units: its units are what is compared."""
    scheme, facts, names = _sample_columns("heshan-2013", "经济管理部门")
    assert any(len(col) != len(names) for col in facts.values())  # records outnumber units
    assert len(score_columns(scheme, "经济管理部门", facts, names)["total"]) == len(names)


def test_a_constant_entered_in_the_data_is_a_column_of_its_value() -> None:
    scheme, facts, names = _sample_columns("shuangxiang-2012", "乡镇口")
    with pytest.raises(DataError) as err:
        score_columns(scheme, "乡镇口", facts, names)  # was KeyError inside a group value
    assert "input '乡镇口安全生产分值': the units of 乡镇口 need this constant" in str(err.value)
    given = {n: c for n, c in scheme.model.constants.items() if c.type is not None}
    value = {n: column([Q(10)] * len(names)) for n in given if n.startswith("乡镇口")}
    assert len(score_columns(scheme, "乡镇口", {**facts, **value}, names)["total"]) == len(names)
