"""The fuzzing suite (docs/fuzzing.md): generated and mutated rules, data, CSV, history files
and output paths, each run through the real `kaoping` commands in a watched worker process.

The property, for every input: a result, or a diagnostic that says where the problem is, with
the documented exit code (0 ok, 1 rules errors, 2 data errors) — never a traceback, a crash, a
hang (a command over KAOPING_FUZZ_TIMEOUT seconds, 10 by default), a Python repr for a
message, or a non-finite number in the output; no input file changed and nothing left behind;
`check` agrees with compiling; a written output file is the printed result, whole.

CI runs a fixed, derandomised set of KAOPING_FUZZ_EXAMPLES inputs per generator; a long random
run is `KAOPING_FUZZ_RANDOM=1 KAOPING_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py` or
`python scripts/fuzz.py --minutes 30`. A failure names the defect and prints the smallest input
hypothesis could shrink it to, as files and the commands that show it."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, given, settings

from fuzz import config
from fuzz.case import Case
from fuzz.datagen import csv_cases, data_cases
from fuzz.grammar import grammar_cases
from fuzz.historygen import history_cases
from fuzz.outputgen import output_cases
from fuzz.rulesmut import mutated_schemes
from fuzz.runner import Runner
from fuzz.schemegen import scheme_cases

RUNNER = Runner()


if config.SHRINK_SECONDS:  # hypothesis has no setting for it; its engine reads this constant
    from hypothesis.internal.conjecture import engine

    engine.MAX_SHRINKING_SECONDS = config.SHRINK_SECONDS


def budget(share: float) -> settings:
    """Settings for one generator: its share of KAOPING_FUZZ_EXAMPLES inputs, derandomised
    unless KAOPING_FUZZ_RANDOM is set, no deadline (the worker's time limit is the deadline)."""
    return settings(
        max_examples=max(1, round(config.EXAMPLES * share)),
        derandomize=not config.RANDOM,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=config.RANDOM,
        phases=[Phase.explicit, Phase.generate, Phase.target]
        + ([Phase.shrink] if config.SHRINK else []),
    )


def run(case: Case) -> None:
    RUNNER.check(case)


@budget(1.0)
@given(grammar_cases())
def test_programs_walked_from_the_grammar(case: Case) -> None:
    run(case)


@budget(1.0)
@given(scheme_cases())
def test_generated_schemes_with_generated_data(case: Case) -> None:
    run(case)


@budget(0.5)  # each input compiles a whole shipped scheme and scores its sample
@given(mutated_schemes())
def test_mutated_shipped_rules(case: Case) -> None:
    run(case)


@budget(1.0)
@given(data_cases())
def test_mutated_json_data(case: Case) -> None:
    run(case)


@budget(1.0)
@given(csv_cases())
def test_mutated_csv_data(case: Case) -> None:
    run(case)


@budget(0.5)  # each input scores a whole sample
@given(history_cases())
def test_mutated_history(case: Case) -> None:
    run(case)


@budget(1.0)
@given(output_cases())
def test_output_paths(case: Case) -> None:
    run(case)
