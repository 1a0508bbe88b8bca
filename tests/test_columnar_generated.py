"""Both backends on generated schemes: the fuzzing suite's random rules (tests/fuzz/schemegen:
items, sections, clauses, requirements ruling out a zero divisor, group values, gradings) with
generated JSON data, scored unit by unit and by whole columns. The two must write the same
results, byte for byte, or raise the same data error.

The generator's tame draws keep every number within kaoping's limits, so most schemes compile;
those the checker still refuses are not scored: there is nothing to compare. KAOPING_FUZZ_EXAMPLES and KAOPING_FUZZ_RANDOM set the budget, as
for the fuzzing suite (docs/fuzzing.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz import config, jsontext
from fuzz.jsontext import Obj
from fuzz.schemegen import _fact, schemes
from kaoping.compiler.load import compile_sources
from kaoping.errors import CompileError, DataError
from kaoping.io.data import load_file
from kaoping.io.results import iter_json
from kaoping.scoring import score


def _scored(compiled: Any, data: Path, backend: str) -> tuple[str, str]:
    """("results", the results JSON) or ("data error", its message)."""
    try:
        results = score(compiled, load_file(data, compiled.model), backend=backend)
    except DataError as err:
        return "data error", str(err)
    assert results.backend == backend
    return "results", "".join(iter_json(results))


@settings(
    max_examples=config.EXAMPLES * 10,
    derandomize=not config.RANDOM,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(scheme=schemes(tame=True), data=st.data())
def test_generated_schemes_score_the_same_on_both_backends(
    scheme: tuple[str, Any, list[str], Any], data: st.DataObject, tmp_path_factory: Any
) -> None:
    rules, inputs, groups, _grading = scheme
    try:
        compiled = compile_sources("generated", {"scheme.rules": rules})
    except CompileError:
        return
    units = [
        Obj(
            [
                ("unit", f"单位{n}"),
                ("group", data.draw(st.sampled_from(groups))),
                ("facts", Obj((inp.name, _fact(data.draw, inp, tame=True)) for inp in inputs)),
            ]
        )
        for n in range(data.draw(st.integers(1, 6)))
    ]
    path = tmp_path_factory.mktemp("generated") / "data.json"
    path.write_text(jsontext.dump(Obj([("units", units)]), indent=1), encoding="utf-8")
    per_unit = _scored(compiled, path, "unit")
    assert _scored(compiled, path, "columnar") == per_unit, rules
