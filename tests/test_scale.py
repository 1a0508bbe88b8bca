"""Large data: CSV read through pyarrow and Parquet give the CSV reader's messages; results as
compact JSON, CSV and Parquet hold what the indented JSON holds; a progress bar only on a
terminal; the [scale] extra named when it is missing."""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import test_data
import test_robustness
from helpers_scoring import compile_rules
from kaoping import progress
from kaoping.cli import main
from kaoping.errors import DataError
from kaoping.io import data_arrow
from kaoping.io.data import load_file

HEADER = "unit,group,信息报送次数,信息质量达标,满意度,县领导测评,酌情加分"
# the same bad data three ways: a count that is not whole, a yes/no that is neither, a number
# above its range
BAD_ROWS = [
    ["平都镇", "乡镇", "2.5", "true", "8.5", "良", ""],
    ["城关镇", "乡镇", "4", "也许", "9.25", "优", "0.15"],
    ["洲湖镇", "乡镇", "5", "否", "10.5", "合格", "0.2"],
]


def _arrow_csv(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every CSV through pyarrow; returns a list recording each time pyarrow read one."""
    used: list[bool] = []
    read = data_arrow.csv_units_arrow

    def spy(*args: Any) -> Any:
        used.append(True)  # a data error raised while reading: pyarrow read the file
        raw = read(*args)
        used[-1] = raw is not None
        return raw

    monkeypatch.setattr(data_arrow, "ARROW_CSV_FROM", 0)
    monkeypatch.setattr(data_arrow, "csv_units_arrow", spy)
    return used


def _messages(path: Path) -> list[str]:
    scheme = compile_rules(test_data.CSV_RULES, "csv_scheme")
    with pytest.raises(DataError) as err:
        load_file(path, scheme.model)
    return [f"{p.unit}|{p.field}|{p.message}" for p in err.value.problems]


def test_bad_data_gives_the_same_messages_from_csv_large_csv_and_parquet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_path = tmp_path / "d.csv"
    csv_path.write_text("\n".join([HEADER, *(",".join(r) for r in BAD_ROWS)]) + "\n", "utf-8")
    small = _messages(csv_path)
    names = HEADER.split(",")
    columns = {n: pa.array([r[i] for r in BAD_ROWS], pa.string()) for i, n in enumerate(names)}
    pq.write_table(pa.table(columns), tmp_path / "d.parquet")
    from_parquet = _messages(tmp_path / "d.parquet")
    used = _arrow_csv(monkeypatch)
    large = _messages(csv_path)
    assert used == [True]
    assert small == large == from_parquet
    assert [m.split("|")[:2] for m in small] == [
        ["平都镇", "信息报送次数"],
        ["城关镇", "信息质量达标"],
        ["洲湖镇", "满意度"],
    ]


@pytest.mark.parametrize(
    "test",
    [
        test_data.test_csv_gives_the_same_results_as_json,
        test_data.test_csv_bad_cells_are_data_errors,
        test_data.test_csv_number_for_a_yes_no_is_rejected,
        test_data.test_csv_row_with_extra_cells_is_rejected,
        test_data.test_csv_duplicate_column_is_rejected,
        test_robustness.test_a_short_csv_row_is_an_error_not_nulls,
        test_robustness.test_a_data_file_that_is_not_utf8_is_a_data_error,
    ],
)
def test_the_csv_readers_tests_pass_with_pyarrow_reading(
    test: Callable[[Path], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _arrow_csv(monkeypatch)
    test(tmp_path)


def test_parquet_numbers_are_read_exactly_and_floats_refused(tmp_path: Path) -> None:
    scheme = compile_rules(test_data.CSV_RULES, "csv_scheme")
    exact = pa.array([pa.scalar(__import__("decimal").Decimal("9.25"), pa.decimal128(4, 2))])
    table = pa.table(
        {
            "unit": ["城关镇"],
            "group": ["乡镇"],
            "信息报送次数": pa.array([4], pa.int32()),
            "信息质量达标": [True],
            "满意度": exact,
            "县领导测评": ["优"],
            "酌情加分": pa.array([None], pa.string()),
        }
    )
    pq.write_table(table, tmp_path / "ok.parquet")
    unit = load_file(tmp_path / "ok.parquet", scheme.model)[0]
    assert str(unit.facts["满意度"]) == "37/4" and unit.facts["信息质量达标"] is True
    pq.write_table(table.set_column(4, "满意度", pa.array([9.25])), tmp_path / "f.parquet")
    with pytest.raises(DataError, match="binary floats"):
        load_file(tmp_path / "f.parquet", scheme.model)


def _score(args: list[str]) -> Any:
    return CliRunner().invoke(main, ["score", *args], catch_exceptions=False)


def test_compact_json_is_the_same_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kaoping.io import results

    indented = _score(["shuangxiang-2012", "--sample", "--format", "json"])
    assert indented.exit_code == 0 and '\n    {\n      "unit"' in indented.stdout
    monkeypatch.setattr(results, "COMPACT_FROM", 1)
    compact = _score(["shuangxiang-2012", "--sample", "--format", "json"])
    assert compact.exit_code == 0 and '\n{"unit":' in compact.stdout
    assert json.loads(compact.stdout) == json.loads(indented.stdout)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_results_tables_hold_the_json_results(tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"r.{kind}"
    assert _score(["shuangxiang-2012", "--sample", "-o", str(out)]).exit_code == 0
    if kind == "csv":
        import csv

        rows = list(csv.DictReader(out.open(encoding="utf-8")))
    else:
        rows = pq.read_table(out).to_pylist()
    doc = json.loads(_score(["shuangxiang-2012", "--sample", "--format", "json"]).stdout)
    assert [(r["group"], r["unit"]) for r in rows] == [
        (u["group"], u["unit"]) for u in doc["units"]
    ]
    for row, unit in zip(rows, doc["units"], strict=True):
        assert row["total"] == unit["total"] and row["grade"] == unit["grade"]
        assert str(row["rank"]) == str(unit["rank"])
        assert row["flags"] == ", ".join(unit["flags"])
        for path, value in {**unit["scores"], **unit["outputs"]}.items():
            shown = {True: "true", False: "false"}.get(value, value)
            assert row[path] == ("" if shown is None and kind == "csv" else shown), path


def test_progress_shows_on_a_terminal_and_never_when_piped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(progress, "LONG_RUN", 1)
    piped = CliRunner().invoke(main, ["score", "heshan-2013", "--sample"])
    assert piped.exit_code == 0 and "scoring" not in piped.stderr and "units" not in piped.stderr
    monkeypatch.setattr(progress, "_terminal", lambda: True)
    shown = CliRunner().invoke(main, ["score", "heshan-2013", "--sample"])
    assert shown.exit_code == 0 and "scoring" in shown.stderr


def test_parquet_without_pyarrow_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] == "pyarrow":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    (tmp_path / "d.parquet").write_bytes(b"PAR1")
    result = CliRunner().invoke(main, ["score", "example-zh", str(tmp_path / "d.parquet")])
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        "error: reading Parquet needs pyarrow: pip install 'kaoping[scale]'"
    ]
    result = CliRunner().invoke(
        main, ["score", "example-zh", "--sample", "-o", str(tmp_path / "r.parquet")]
    )
    assert result.exit_code == 3 and "kaoping[scale]" in result.stderr
    assert not (tmp_path / "r.parquet").exists()
