"""The columnar backend against the per-unit one: for every shipped scheme it supports (and the
benchmark scheme), random valid data gives the same results JSON from both, value for value,
rank for rank, grade for grade, flag for flag; schemes it does not support say why, and
`kaoping score` chooses, forces and reports the backend."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers_columnar import (
    BENCH_RULES,
    CI,
    SUPPORTED,
    datasets,
    results_json,
    rosters,
    same_results,
    sample,
    scheme,
)
from kaoping.cli import main
from kaoping.compiler import ir
from kaoping.compiler.emit_columnar import Unsupported
from kaoping.compiler.load import compile_paths, compile_sources
from kaoping.io.data import validate
from kaoping.scoring import score
from kaoping.scoring_columnar import AUTO_THRESHOLD, choose, columnar_scheme

# rules with a construct the columnar backend leaves to the per-unit one → what its reason names
FALLBACK_HEAD = """
scheme "fallback"
group 甲
group 乙
enum 档次: 上档, 下档
input 得分: number 0 to 100 "得分"
input 参加: yesno "是否参加"
input 选填: number 0 to 100 optional "选填"
scoring 甲, 乙:
    item 基础 max 100 = 得分
"""
FALLBACK = {
    "    across group:\n        let 其他平均 = peer mean 基础 weighted by 得分\n": (
        "a weighted mean of the other units"
    ),
    "    across 甲:\n        let 甲内名次 = rank by 基础\n": "a value for some groups of the block",
    "    section 个性 max 10:\n        for 甲单位:\n            item 专项 max 10 = 得分 ÷ 10\n": (
        "sheets (`for UNIT:` blocks)"
    ),
}


@pytest.mark.parametrize("folder", SUPPORTED)
def test_supported_schemes_compile_to_columns(folder: str) -> None:
    assert not isinstance(columnar_scheme(scheme(folder)), Unsupported)


@pytest.mark.parametrize("folder", SUPPORTED)
def test_sample_scores_the_same(folder: str) -> None:
    assert same_results(scheme(folder), sample(folder)) is not None


@pytest.mark.parametrize("folder", SUPPORTED)
def test_random_data_scores_the_same(folder: str) -> None:
    @CI
    @given(datasets(folder))
    def check(raw: dict[str, Any]) -> None:
        same_results(scheme(folder), raw)

    check()


def test_random_whole_groups_with_distribution_requirements_score_the_same() -> None:
    """anfu-2017 checks raters' ratings (of units, and of reform items pooled over a group's
    units) against 20%/60%/20%: random data keeping whole, valid splits scores the same, so
    the values (an item's mean over its records, records dropped by their rating) are
    compared, not only the data error a broken split gives."""
    compiled = scheme("anfu_2017")
    scored = []

    @settings(
        CI,
        max_examples=4,
        suppress_health_check=[*CI.suppress_health_check, HealthCheck.large_base_example],
    )
    @given(rosters("anfu_2017"))
    def check(raw: dict[str, Any]) -> None:
        scored.append(same_results(compiled, raw))

    check()
    assert all(found is not None for found in scored)


def test_history_scores_the_same() -> None:
    """heshan-2013 reads last year's ranks (`last year`): last year's results of random data,
    some values and some units left out of them, give the same results and the same warnings,
    in the same order, on both backends."""
    compiled = scheme("heshan_2013")

    @settings(CI, max_examples=6)
    @given(datasets("heshan_2013"), datasets("heshan_2013"), st.integers(0, 2**32))
    def check(last: dict[str, Any], now: dict[str, Any], seed: int) -> None:
        rnd = random.Random(seed)
        found = same_results(compiled, last)
        if found is None:
            return
        history = json.loads(found)
        for u in history["units"]:
            for path in list(u["scores"]):
                if path.endswith("排位") and rnd.random() < 0.3:
                    del u["scores"][path]
        history["units"] = [u for u in history["units"] if rnd.random() < 0.8]
        same_results(compiled, now, history)

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


@pytest.mark.parametrize(("rule", "construct"), sorted(FALLBACK.items()))
def test_unsupported_scheme_falls_back_with_its_reason(rule: str, construct: str) -> None:
    compiled = compile_sources("fallback", {"fallback.rules": FALLBACK_HEAD.lstrip() + rule})
    many = [object()] * AUTO_THRESHOLD
    choice = choose(compiled, "auto", many)
    assert choice.backend == "unit"
    line = FALLBACK_HEAD.lstrip().count("\n") + 1 + rule.startswith(("    across", "    section"))
    assert construct in choice.reason and f"fallback.rules:{line}" in choice.reason
    with pytest.raises(Unsupported):
        choose(compiled, "columnar", many)


def fallback_rules(tmp_path: Path) -> Path:
    """A scheme with a construct the columnar backend does not compute (a peer mean)."""
    rules = tmp_path / "fallback.rules"
    rules.write_text(FALLBACK_HEAD.lstrip() + sorted(FALLBACK)[0], "utf-8")
    return rules


def test_score_backend_options(tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"units": [{"unit": "U", "group": "甲", "facts": {"得分": "1"}}]}))
    forced = runner.invoke(
        main, ["score", str(fallback_rules(tmp_path)), str(data), "--backend", "columnar"]
    )
    assert forced.exit_code == 3, forced.output
    assert "a weighted mean of the other units" in forced.output
    assert "fallback.rules:11" in forced.output
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


def test_compile_shows_the_whole_table_module(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["compile", str(BENCH_RULES), "--emit-columnar"])
    assert shown.exit_code == 0
    assert "def unit_0(t):" in shown.stdout and "def group_0(t):" in shown.stdout
    assert "panshan_bench.rules:185" in shown.stdout  # the rank's rule line, in a comment
    across = runner.invoke(main, ["compile", "heshan-2013", "--emit-columnar"])
    assert across.exit_code == 0 and "def cross_1(t):" in across.stdout
    refused = runner.invoke(main, ["compile", str(fallback_rules(tmp_path)), "--emit-columnar"])
    assert refused.exit_code == 3 and "a weighted mean of the other units" in refused.output
