"""The columnar grading (`grade_all`, what the whole-column path runs) against the per-unit
`Grader` on the shipped schemes that grade: their values as scored per unit, put into
columns group by group, graded on the columns, give every unit the grades the per-unit
backend gave it, in the same order of gradings. (These schemes do not take the whole-column
path yet, their data holding lists of records: this keeps their grading lines checked.)"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from helpers_columnar import CI, SUPPORTED, datasets, rosters, sample, scheme
from kaoping.compiler.load import CompiledScheme
from kaoping.errors import DataError
from kaoping.io.data import validate
from kaoping.runtime.columnar.grading import Part
from kaoping.runtime.columnar.table import Facts, Table, held_column, reader
from kaoping.runtime.unit import Unit
from kaoping.scoring import score
from kaoping.scoring_columnar import ColumnarScheme, columnar_scheme

GRADED = [f for f in SUPPORTED if scheme(f).model.gradings]


def _on_columns(compiled: CompiledScheme, units: list[Unit]) -> dict[str, list[tuple[str, str]]]:
    found = columnar_scheme(compiled)
    assert isinstance(found, ColumnarScheme)
    groups: dict[str, list[Unit]] = {}
    for u in sorted(units, key=lambda u: (u.group, u.name)):
        groups.setdefault(u.group, []).append(u)
    parts = []
    for group, members in groups.items():
        paths = dict.fromkeys(p for u in members for p in u.values)
        values = {p: held_column([u.values.get(p) for u in members]) for p in paths}
        facts = Facts(reader(compiled.model, members))
        names = [u.name for u in members]
        table = Table(len(members), facts, names, group, values, units=members)
        parts.append(Part(group, members[0].block, table))
    found.namespace["grade_all"](parts)
    out = {}
    for part in parts:
        for i, u in enumerate(part.table.units):
            out[u.name] = [(name, str(col.text[i])) for name, col in part.grades.items()]
    return out


def _same_grades(folder: str, raw: dict[str, Any]) -> bool:
    """Whether the data scored (False: a data error, the same on either backend)."""
    compiled = scheme(folder)
    try:
        results = score(compiled, validate(raw, compiled.model, "test"), None)
    except DataError:
        return False
    units = [r.unit for r in results.units]
    assert _on_columns(compiled, units) == {u.name: list(u.grades.items()) for u in units}
    return True


@pytest.mark.parametrize("folder", GRADED)
def test_samples_grade_alike_on_columns(folder: str) -> None:
    assert _same_grades(folder, sample(folder))


@pytest.mark.parametrize("folder", [f for f in GRADED if f != "anfu_2017"])
def test_random_data_grades_alike_on_columns(folder: str) -> None:
    @CI
    @given(datasets(folder))
    def check(raw: dict[str, Any]) -> None:
        _same_grades(folder, raw)

    check()


def test_whole_rosters_grade_alike_on_columns() -> None:
    """anfu-2017's groups whole (its distribution requirements met), its inputs drawn anew."""
    scored = []

    @settings(
        CI,
        max_examples=4,
        suppress_health_check=[*CI.suppress_health_check, HealthCheck.large_base_example],
    )
    @given(rosters("anfu_2017"))
    def check(raw: dict[str, Any]) -> None:
        scored.append(_same_grades("anfu_2017", raw))

    check()
    assert all(scored)


@pytest.mark.parametrize("folder", [f for f in GRADED if f != "anfu_2017"])
def test_score_with_the_columnar_backend_grades_on_columns(folder: str) -> None:
    """`score(backend="columnar")` grades by `grade_all` where it can (no step per unit is
    kept: `explain` scores per unit), with the per-unit backend's grades and warnings."""
    compiled = scheme(folder)
    raw = sample(folder)
    units = validate(raw, compiled.model, "sample")
    by_units = score(compiled, units, None, backend="unit")
    by_columns = score(compiled, validate(raw, compiled.model, "sample"), None, backend="columnar")
    assert [(r.unit.name, r.unit.grades) for r in by_columns.units] == [
        (r.unit.name, r.unit.grades) for r in by_units.units
    ]
    assert by_columns.warnings == by_units.warnings
    assert all(not r.unit.grade_steps for r in by_columns.units)
    assert all(r.unit.grade_steps for r in by_units.units)


def test_a_grade_the_data_gives_is_graded_per_unit_with_the_columnar_backend() -> None:
    """example-zh: a committee's 等次 for one unit; the other units' 等次 from the lines, as
    the per-unit backend gives them (the Grader, with its steps)."""
    compiled = scheme("example_zh")
    raw = sample("example_zh")
    first = raw["units"][0]
    first["given"] = {"等次": {"value": "警示单位", "by": "县考评委员会"}}
    by_units = score(compiled, validate(raw, compiled.model, "s"), None, backend="unit")
    by_columns = score(compiled, validate(raw, compiled.model, "s"), None, backend="columnar")
    grades = [(r.unit.name, r.unit.grades) for r in by_columns.units]
    assert grades == [(r.unit.name, r.unit.grades) for r in by_units.units]
    assert dict(grades)[first["unit"]]["等次"] == "警示单位"
    assert all(r.unit.grade_steps for r in by_columns.units)
