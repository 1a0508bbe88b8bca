"""The CI slice of the whole-column differential fuzzer (docs/fuzzing.md, "Whole columns"):
fixed seeds, each a large table of units (valid, or with hostile cells, rows, headers or
Parquet column types), scored by `kaoping score --backend unit` and `--backend columnar`.
Both must exit the same way, print the same and write the same bytes, with no traceback.
The long run is `python scripts/fuzz.py --columns`."""

from __future__ import annotations

import random

import pytest

from fuzz.columngen import Case, csv_bytes, make_case, valid_grid
from fuzz.columnrun import check, report


@pytest.mark.parametrize("seed", range(40))
def test_both_paths_agree_on_a_table_of_units(seed: int) -> None:
    verdict = check(make_case(seed, units=(1_000, 1_300)), ["csv", "parquet"], arrow_csv=seed < 8)
    assert verdict, report(verdict)


@pytest.mark.parametrize("scheme", ["single", "districts"])
def test_both_paths_agree_on_json_results(scheme: str) -> None:
    """JSON results are written by whole columns from 10,000 units (fewer: indented, per
    unit): a valid table of that size, to a file and to stdout."""
    rng = random.Random(10_000)
    grid = valid_grid(rng, scheme, 10_000)
    case = Case(10_000, scheme, "csv", csv_bytes(grid), [], 10_000)
    verdict = check(case, ["json", "stdout"], arrow_csv=False)
    assert verdict, report(verdict)
    assert verdict.whole == 2  # both written by whole columns


def test_the_slice_reaches_the_whole_column_path() -> None:
    """Most valid tables are scored by whole columns, so the comparison tests that path."""
    whole = sum(check(make_case(s, units=(1_000, 1_000)), ["csv"], False).whole for s in range(8))
    assert whole >= 3
