"""The columnar consequences (`final_N`, what the whole-column path runs after `grade_all`)
against the per-unit ones on the shipped schemes that have consequences: their values as
scored per unit, put into columns group by group and graded on the columns, then the
consequences on the columns give every unit the per-unit lets, outputs and flags (the flags in
the order raised). heshan-2013 reads `last year` in a consequence: named, and left per unit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given

from helpers_columnar import CI, SUPPORTED, datasets, sample, scheme
from kaoping.compiler.load import CompiledScheme
from kaoping.errors import DataError
from kaoping.io.data import validate
from kaoping.runtime.columnar.grading import Part
from kaoping.runtime.columnar.table import Facts, Table, held_column, reader
from kaoping.runtime.unit import Unit
from kaoping.scoring import score
from kaoping.scoring_columnar import ColumnarScheme, columnar_scheme
from kaoping.scoring_whole import stage_refused

FINAL = [
    f
    for f in SUPPORTED
    if any(vd.stage == "final" for b in scheme(f).model.blocks for vd in b.values.values())
]
ON_COLUMNS = ["anfu_2017", "heshan_2013", "shuangxiang_2012", "yangquan_2014"]


def test_the_shipped_consequences_on_columns() -> None:
    """Which shipped schemes' consequences have a columnar form (a change here is news)."""
    assert FINAL == ["anfu_2017", "heshan_2013", "shuangxiang_2012", "yangquan_2014"]
    for folder in ON_COLUMNS:
        found = columnar_scheme(scheme(folder))
        assert isinstance(found, ColumnarScheme)
        blocks = scheme(folder).model.blocks
        assert all(f"final_{b.index}" in found.namespace for b in blocks), folder
        assert stage_refused(scheme(folder)) is None


def _final(compiled: CompiledScheme, units: list[Unit]) -> dict[str, Any]:
    """Each unit's consequences computed on columns: (path → value, the flags they raised)."""
    found = columnar_scheme(compiled)
    assert isinstance(found, ColumnarScheme)
    ns = found.namespace
    groups: dict[str, list[Unit]] = {}
    for u in sorted(units, key=lambda u: (u.group, u.name)):
        groups.setdefault(u.group, []).append(u)
    parts = []
    for group, members in groups.items():
        values_of = compiled.model.blocks[members[0].block].values
        paths = dict.fromkeys(p for u in members for p in u.values if values_of[p].stage != "final")
        values = {p: held_column([u.values.get(p) for u in members]) for p in paths}
        facts = Facts(reader(compiled.model, members))
        names = [u.name for u in members]
        table = Table(len(members), facts, names, group, values, units=members)
        parts.append(Part(group, members[0].block, table))
    if compiled.model.gradings:
        ns["grade_all"](parts)
    out: dict[str, Any] = {}
    for part in parts:
        before = set(part.table.values)
        ns[f"final_{part.block}"](part.table, part.grades)
        flags: list[list[str]] = [[] for _ in range(part.table.n)]
        for event in part.table.events:
            assert event[0] == "flag"
            for i in np.flatnonzero(event[2]).tolist():
                flags[i].append(event[1])
        made = {p: c.values() for p, c in part.table.values.items() if p not in before}
        for i, u in enumerate(part.table.units):
            out[u.name] = ({p: v[i] for p, v in made.items()}, flags[i])
    return out


def _per_unit(compiled: CompiledScheme, u: Unit) -> tuple[dict[str, Any], list[str]]:
    values_of = compiled.model.blocks[u.block].values
    final = {p: v for p, v in u.values.items() if values_of[p].stage == "final"}
    return final, [f for f in u.flags if values_of[f].stage == "final"]


def _same_consequences(folder: str, raw: dict[str, Any]) -> bool:
    """Whether the data scored (False: a data error, the same on either backend)."""
    compiled = scheme(folder)
    try:
        results = score(compiled, validate(raw, compiled.model, "test"), None)
    except DataError:
        return False
    units = [r.unit for r in results.units]
    expected = {u.name: _per_unit(compiled, u) for u in units}
    assert _final(compiled, units) == expected
    return True


@pytest.mark.parametrize("folder", ON_COLUMNS)
def test_samples_have_the_same_consequences_on_columns(folder: str) -> None:
    assert _same_consequences(folder, sample(folder))


@pytest.mark.parametrize("folder", [f for f in ON_COLUMNS if f != "anfu_2017"])
def test_random_data_has_the_same_consequences_on_columns(folder: str) -> None:
    @CI
    @given(datasets(folder))
    def check(raw: dict[str, Any]) -> None:
        _same_consequences(folder, raw)

    check()
