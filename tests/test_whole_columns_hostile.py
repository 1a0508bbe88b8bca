"""Hostile tables on the whole-column path of `kaoping score`, each once found by the
differential fuzzer (`python scripts/fuzz.py --columns`, docs/fuzzing.md): whichever path
reads the file, the same results bytes, or the same data error and exit code."""

from __future__ import annotations

import decimal
import random
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from kaoping.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz.columngen import SCHEMES, csv_bytes, valid_grid

SINGLE = SCHEMES["single"]


def _score(rules: Path, data: Path, out: Path, backend: str) -> tuple[int, str, bytes | None]:
    args = ["score", str(rules), str(data), "-o", str(out), "--backend", backend]
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    written = out.read_bytes() if out.exists() else None
    return result.exit_code, result.stderr, written


def _both(rules: Path, data: Path, kind: str = ".csv") -> tuple[int, str, bytes | None]:
    """Both paths' outcome, which must be the same; the whole-column path must be the one
    that answered for `--backend columnar` (or handed the file over)."""
    folder = data.parent
    unit = _score(rules, data, folder / f"unit{kind}", "unit")
    whole = _score(rules, data, folder / f"whole{kind}", "columnar")
    assert whole == unit
    return unit


MIN_INT = """\
scheme "unbounded"
group 单位 "units"
input x: number "x"
input k: count "k"
scoring 单位:
    total = x + k
"""


def test_the_least_int64_numerator_is_not_read_as_zero(tmp_path: Path) -> None:
    """-37778931862.957161709568 is -2**63 / 5**12: a column of it has the numerator -2**63,
    whose numpy `abs` is negative; the column was narrowed to int32 and the value became 0."""
    rules = tmp_path / "s.rules"
    rules.write_text(MIN_INT, encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("unit,group,x,k\na,单位,-37778931862.957161709568,0\nb,单位,1,0\n")
    code, said, written = _both(rules, data)
    assert code == 0, said
    assert written is not None and b"a,-37778931862.957161709568," in written


@pytest.mark.parametrize("kind", [".csv", ".parquet"])
def test_a_count_of_minus_two_to_the_63_is_refused_by_both_paths(tmp_path: Path, kind: str) -> None:
    """A Parquet int64 column holding -9223372036854775808: its size was checked with
    `abs`, which wraps, and the count went through as 0."""
    grid = valid_grid(random.Random(5), "single", 1_000)
    for row in grid.rows:  # (a negative integer once sent the file to the per-unit reader)
        row[grid.header.index("c")] = "1"
    grid.rows[3][grid.header.index("n")] = "-9223372036854775808"
    data = tmp_path / f"units{kind}"
    if kind == ".csv":
        data.write_bytes(csv_bytes(grid))
    else:
        columns = {h: [r[j] for r in grid.rows] for j, h in enumerate(grid.header)}
        table = pa.table({h: pa.array(v) for h, v in columns.items()})
        at = table.column_names.index("n")
        pq.write_table(table.set_column(at, "n", pa.array([int(x) for x in columns["n"]])), data)
    code, said, written = _both(SINGLE, data)
    assert code == 2 and "input 'n': " in said and "-9223372036854775808" in said, said
    assert written is None


@pytest.mark.parametrize(
    ("typ", "cells"),
    [
        (pa.decimal128(38, 12), ["0", "0.000000001", "-0.0000001", "12.5"]),
        (pa.decimal128(30, 20), ["0", "100", "0.5", "0.00000001"]),
    ],
    ids=["scale 12", "scale 20"],
)
def test_parquet_decimals_written_small_are_read_as_their_value(
    tmp_path: Path, typ: pa.DataType, cells: list[str]
) -> None:
    """pyarrow writes a decimal zero of scale 12 as `0E-12` (and 1e-9 as `1.000E-9`) when cast to text; the per-unit reader refused them as exponents."""
    rows = 1_200
    values = [decimal.Decimal(cells[i % len(cells)]) for i in range(rows)]
    table = pa.table(
        {
            "unit": [f"u{i:05d}" for i in range(rows)],
            "group": ["单位"] * rows,
            "a": pa.array([decimal.Decimal(50)] * rows, pa.decimal128(38, 12)),
            "b": pa.array([abs(v) for v in values], typ),
            "c": pa.array([1] * rows, pa.int64()),
            "n": pa.array([2] * rows, pa.int64()),
        }
    )
    data = tmp_path / "units.parquet"
    pq.write_table(table, data)
    code, said, _ = _both(SINGLE, data)
    assert code == 0, said


def test_no_units_give_the_same_parquet_file(tmp_path: Path) -> None:
    """A table with a header and no rows: the whole-column writer wrote no row group, the
    per-unit writer one empty one."""
    data = tmp_path / "units.csv"
    data.write_text("unit,group,a,b,c,n\n", encoding="utf-8")
    code, said, written = _both(SINGLE, data, ".parquet")
    assert code == 0 and written is not None, said
    assert pq.ParquetFile(tmp_path / "whole.parquet").metadata.num_row_groups == 1


@pytest.mark.parametrize("scheme", ["single", "districts"])
def test_valid_tables_take_the_whole_column_path(tmp_path: Path, scheme: str) -> None:
    """A negative value of an `integer` input (single.rules' c) and a total the checker
    cannot prove present though every unit has one (districts.rules) sent whole files to the
    per-unit reader: slower, the same bytes."""
    data = tmp_path / "units.csv"
    data.write_bytes(csv_bytes(valid_grid(random.Random(11), scheme, 1_500)))
    rules = SCHEMES[scheme]
    unit = _score(rules, data, tmp_path / "unit.csv", "unit")
    args = ["score", str(rules), str(data), "-o", str(tmp_path / "whole.csv"), "--verbose"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and "by whole columns" in result.stderr, result.stderr
    assert (tmp_path / "whole.csv").read_bytes() == unit[2]


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (b'{"zz": "1"}', "input 'constants.zz': this is not a constant"),
        (b"[1]", "the schema metadata kaoping.constants must be a JSON object"),
    ],
)
def test_constants_in_a_parquet_file_are_checked_by_both_paths(
    tmp_path: Path, given: bytes, said: str
) -> None:
    """A scheme with no constant to enter: constants in the file's schema metadata are a data
    error, whichever path reads it (the whole-column path hands such a file over)."""
    grid = valid_grid(random.Random(3), "single", 1_000)
    table = pa.table({h: [r[j] for r in grid.rows] for j, h in enumerate(grid.header)})
    data = tmp_path / "units.parquet"
    pq.write_table(table.replace_schema_metadata({b"kaoping.constants": given}), data)
    code, stderr, written = _both(SINGLE, data)
    assert code == 2 and said in stderr, stderr
    assert written is None


@pytest.mark.parametrize("typ", [pa.decimal256(40, 12), pa.decimal64(18, 12)], ids=str)
def test_a_wider_or_narrower_decimal_column_is_read_as_its_values(
    tmp_path: Path, typ: pa.DataType
) -> None:
    """A decimal256 (or decimal64) column of scale 12 was read with decimal128's layout, two
    64-bit words a value: every value after the first wrong, silently."""
    grid = valid_grid(random.Random(7), "single", 1_200)
    table = pa.table({h: [r[j] for r in grid.rows] for j, h in enumerate(grid.header)})
    at = table.column_names.index("a")
    values = [decimal.Decimal(x) for x in table.column("a").to_pylist()]
    data = tmp_path / "units.parquet"
    pq.write_table(table.set_column(at, "a", pa.array(values, typ)), data)
    code, said, written = _both(SINGLE, data)
    assert code == 0 and written is not None, said


def test_text_stored_as_string_view_is_text(tmp_path: Path) -> None:
    """Arrow's string_view (what newer writers store text as) was refused: `a column of
    string_view cannot hold an input's value: store it as decimal or text`."""
    grid = valid_grid(random.Random(9), "single", 1_000)
    columns = {h: pa.array([r[j] for r in grid.rows]) for j, h in enumerate(grid.header)}
    table = pa.table({h: c.cast(pa.string_view()) for h, c in columns.items()})
    data = tmp_path / "units.parquet"
    pq.write_table(table, data)
    code, said, written = _both(SINGLE, data)
    assert code == 0 and written is not None, said
