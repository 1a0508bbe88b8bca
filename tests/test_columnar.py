"""The columnar backend against the per-unit one: for every shipped scheme it supports (and the
benchmark scheme), random valid data gives the same results JSON from both, value for value,
rank for rank, grade for grade, flag for flag; schemes it does not support say why, and
`kaoping score` chooses, forces and reports the backend."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoping.cli import main
from kaoping.compiler import ir
from kaoping.compiler.emit_columnar import Unsupported
from kaoping.compiler.load import CompiledScheme, compile_paths
from kaoping.errors import DataError, ScoringError
from kaoping.io.data import validate
from kaoping.io.results import iter_json
from kaoping.scoring import score
from kaoping.scoring_columnar import AUTO_THRESHOLD, choose, columnar_scheme

ROOT = Path(__file__).resolve().parents[1]
SCHEMES = ROOT / "src" / "kaoping" / "schemes"
BENCH_RULES = ROOT / "benchmarks" / "panshan_bench.rules"
SUPPORTED = ["panshan_2018", "shuangxiang_2012", "yangquan_2014"]
FALLBACK = {  # scheme → the construct its fallback reason names
    "anfu_2017": "a requirement on the group's distribution",
    "heshan_2013": "values across several groups",
    "example_en": "an aggregate dropping records",
}

_compiled: dict[str, CompiledScheme] = {}


def scheme(folder: str) -> CompiledScheme:
    if folder not in _compiled:
        files = sorted((SCHEMES / folder).glob("*.rules"))
        _compiled[folder] = compile_paths(folder.replace("_", "-"), files)
    return _compiled[folder]


def sample(folder: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMES / folder / "sample.json").read_text("utf-8"))
    return data


def results_json(compiled: CompiledScheme, raw: dict[str, Any], backend: str) -> str:
    units = validate(raw, compiled.model, "test")
    results = score(compiled, units, backend=backend)
    assert results.backend == backend
    return "".join(iter_json(results))


def same_results(compiled: CompiledScheme, raw: dict[str, Any]) -> None:
    """Both backends: the same results JSON, or the same data error (or both an error while
    scoring, naming a rule line)."""
    try:
        expected = results_json(compiled, raw, "unit")
    except DataError as err:
        with pytest.raises(DataError) as got:
            results_json(compiled, raw, "columnar")
        assert str(got.value) == str(err)
        return
    except ScoringError:
        with pytest.raises(ScoringError, match=r"\.rules:\d+"):
            results_json(compiled, raw, "columnar")
        return
    assert results_json(compiled, raw, "columnar") == expected


# ------------------------------------------------------------------------------ random data


def number_of(draw: Any, typ: ir.NumberType, original: Any) -> Any:
    low = typ.low if typ.low is not None else 0
    high = typ.high if typ.high is not None else low + 200
    tenths = draw(st.integers(int(low * 10), int(high * 10)))
    pick = draw(st.sampled_from(["low", "high", "random", "random", "original"]))
    if pick == "low":
        return str(low)
    if pick == "high":
        return str(high)
    if pick == "original" and original is not None:
        return original
    return str(tenths / 10) if not typ.integer else str(tenths // 10)


def record_of(draw: Any, compiled: CompiledScheme, record: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in compiled.model.records[record].fields:
        t = field.type
        if isinstance(t, ir.EnumType):
            out[field.name] = draw(st.sampled_from(compiled.model.enums[t.name].values))
        elif isinstance(t, ir.NumberType):
            out[field.name] = number_of(draw, t, None)
        elif isinstance(t, ir.CountType):
            out[field.name] = draw(st.integers(0, 3))
        elif isinstance(t, ir.YesNoType):
            out[field.name] = draw(st.booleans())
        else:  # text: few values, so that `highest per` meets equal keys
            out[field.name] = draw(st.sampled_from(["甲", "乙"]))
    return out


@st.composite
def datasets(draw: Any, folder: str) -> dict[str, Any]:
    """Units made from the sample's (so optional inputs keep a valid pattern of presence),
    each present input drawn anew within its declared range: low, high, random or as given;
    a group may get one unit, several, or (left out) none."""
    compiled = scheme(folder)
    raw = sample(folder)
    templates = raw["units"]
    count = draw(st.integers(1, 8))
    units = []
    for i in range(count):
        tpl = copy.deepcopy(draw(st.sampled_from(templates)))
        facts = tpl["facts"]
        for name, value in list(facts.items()):
            decl = compiled.model.inputs.get(name)
            if decl is None or value is None:
                continue
            t = decl.type
            if isinstance(t, ir.NumberType):
                facts[name] = number_of(draw, t, value)
            elif isinstance(t, ir.CountType):
                facts[name] = draw(st.sampled_from([0, 1, 2, 9, value]))
            elif isinstance(t, ir.YesNoType):
                facts[name] = draw(st.sampled_from([False, False, True]))
            elif isinstance(t, ir.ListType):
                facts[name] = [
                    record_of(draw, compiled, t.record) for _ in range(draw(st.integers(0, 3)))
                ]
        units.append({"unit": f"u{i}", "group": tpl["group"], "facts": facts})
    out = {k: v for k, v in raw.items() if k != "units"}
    out["units"] = units
    return out


CI = settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("folder", SUPPORTED)
def test_supported_schemes_compile_to_columns(folder: str) -> None:
    assert not isinstance(columnar_scheme(scheme(folder)), Unsupported)


@pytest.mark.parametrize("folder", SUPPORTED)
def test_sample_scores_the_same(folder: str) -> None:
    same_results(scheme(folder), sample(folder))


@pytest.mark.parametrize("folder", SUPPORTED)
def test_random_data_scores_the_same(folder: str) -> None:
    @CI
    @given(datasets(folder))
    def check(raw: dict[str, Any]) -> None:
        same_results(scheme(folder), raw)

    check()


def test_ties_and_bounds_score_the_same() -> None:
    """Six units of one group alike (all tied: rank 1 each), every input at its low and then
    at its high end (an open end: 500); a group of one unit."""
    compiled = scheme("shuangxiang_2012")
    raw = sample("shuangxiang_2012")
    first = raw["units"][0]
    for end in ("low", "high"):
        facts = dict(first["facts"])
        for name in facts:
            decl = compiled.model.inputs.get(name)
            if decl is not None and isinstance(decl.type, ir.NumberType):
                bound = decl.type.low if end == "low" else decl.type.high
                facts[name] = str(bound if bound is not None else Q_HIGH)
        alike = [{"unit": f"u{i}", "group": first["group"], "facts": facts} for i in range(6)]
        data = {**raw, "units": alike}
        same_results(compiled, data)
        ranks = [u["rank"] for u in json.loads(results_json(compiled, data, "columnar"))["units"]]
        assert ranks == [1] * 6
    same_results(compiled, {**raw, "units": raw["units"][:1]})


Q_HIGH = 500


def test_benchmark_scheme_scores_the_same() -> None:
    compiled = compile_paths("panshan_bench", [BENCH_RULES])
    units = []
    for i in range(40):
        facts: dict[str, Any] = {}
        for decl in compiled.model.inputs.values():
            if isinstance(decl.type, ir.CountType):
                facts[decl.name] = (i * 7 + len(decl.name)) % 4
            elif decl.optional and i % 5 == 0:
                facts[decl.name] = None
            else:  # every fifth unit alike: ties
                facts[decl.name] = str((i % 5) * 21.3 + len(decl.name) % 3)
        units.append({"unit": f"u{i:02d}", "group": "单位", "facts": facts})
    same_results(compiled, {"units": units})


# ------------------------------------------------------------------------------ fallback


@pytest.mark.parametrize(("folder", "construct"), sorted(FALLBACK.items()))
def test_unsupported_scheme_falls_back_with_its_reason(folder: str, construct: str) -> None:
    compiled = scheme(folder)
    many = [object()] * AUTO_THRESHOLD
    choice = choose(compiled, "auto", many)
    assert choice.backend == "unit"
    assert construct in choice.reason and ".rules:" in choice.reason
    with pytest.raises(Unsupported):
        choose(compiled, "columnar", many)


def test_score_backend_options() -> None:
    runner = CliRunner()
    forced = runner.invoke(main, ["score", "anfu-2017", "--sample", "--backend", "columnar"])
    assert forced.exit_code == 3
    assert "requirement on the group's distribution" in forced.output
    assert "xianzhi.rules:" in forced.output
    got = {}
    for backend in ("unit", "columnar"):
        r = runner.invoke(
            main,
            [
                "score",
                "shuangxiang-2012",
                "--sample",
                "--format",
                "json",
                "--verbose",
                "--backend",
                backend,
            ],
        )
        assert r.exit_code == 0, r.output
        got[backend] = r.stdout
        assert f"backend: {backend}" in r.stderr
    assert got["unit"] == got["columnar"]
    small = runner.invoke(main, ["score", "panshan-2018", "--sample", "--verbose"])
    assert small.exit_code == 0 and "backend: unit" in small.stderr  # 59 units: below N


def test_explain_traces_per_unit() -> None:
    compiled = scheme("panshan_2018")
    units = validate(sample("panshan_2018"), compiled.model, "test")
    assert score(compiled, units, trace=True, backend="columnar").backend == "unit"


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    st.lists(st.integers(-3, 3), min_size=1, max_size=30),
    st.booleans(),
    st.sampled_from([1, 2**70, 3**50]),
)
def test_rank_of_wide_numbers_shares_ties(small: list[int], ascending: bool, scale: int) -> None:
    """Ranks of numbers beyond int64 (Python ints in the column), equal only when equal: values
    one apart at 2**70 have the same nearest float but are not tied."""
    import numpy as np

    from kaoping.exact import Q
    from kaoping.runtime.cohort import rank as per_unit_rank
    from kaoping.runtime.columnar.cohort import rank
    from kaoping.runtime.columnar.numbers import Col

    values = [scale * v + (v % 2) for v in small]
    col = Col(np.array(values, dtype=object), 7, max(abs(v) for v in values) + 1)
    got = rank([col], ascending, len(values)).num.tolist()
    assert got == per_unit_rank([(Q(v, 7),) for v in values], ascending)


def test_auto_chooses_columns_for_large_data_of_a_supported_scheme() -> None:
    compiled = scheme("shuangxiang_2012")
    assert choose(compiled, "auto", [object()] * AUTO_THRESHOLD).backend == "columnar"
    small = choose(compiled, "auto", [object()] * (AUTO_THRESHOLD - 1))
    assert small.backend == "unit" and str(AUTO_THRESHOLD) in small.reason
    assert choose(compiled, "unit", [object()] * AUTO_THRESHOLD).backend == "unit"


def test_compile_shows_the_whole_table_module() -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["compile", str(BENCH_RULES), "--emit-columnar"])
    assert shown.exit_code == 0
    assert "def unit_0(t):" in shown.stdout and "def group_0(t):" in shown.stdout
    assert "panshan_bench.rules:185" in shown.stdout  # the rank's rule line, in a comment
    refused = runner.invoke(main, ["compile", "heshan-2013", "--emit-columnar"])
    assert refused.exit_code == 3 and "across several groups" in refused.output
