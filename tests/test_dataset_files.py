"""A Parquet dataset (a folder of files) whose files disagree: `kaoping score DATASET` and
`kaoping score DATASET --dask` give the same results, or the same data error naming the file
and the column, exit 2 — never a traceback, and never a column dropped or read as empty
because another file has it otherwise."""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from dask.distributed import Client, LocalCluster

from kaoping.cli import main

_TEXT = pacsv.ConvertOptions(column_types={"unit": pa.string(), "total": pa.string()})
RULES = Path(__file__).resolve().parent / "fuzz" / "column_schemes" / "single.rules"


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with (
        LocalCluster(
            n_workers=1, processes=False, threads_per_worker=1, dashboard_address=None
        ) as made,
        Client(made),
    ):
        yield made


def _part(rows: int, start: int = 0, **changed: Callable[[int], Any] | None) -> pa.Table:
    """`rows` units of single.rules, every cell text, then columns changed or (None) left out."""
    arrays = {
        "unit": pa.array([f"u{start + i}" for i in range(rows)]),
        "group": pa.array(["单位"] * rows),
        "a": pa.array([str(i % 100) for i in range(rows)]),
        "b": pa.array([None if i % 3 == 0 else "5.5" for i in range(rows)]),
        "c": pa.array([str(i % 5) for i in range(rows)]),
        "n": pa.array([str(i % 4) for i in range(rows)]),
    }
    for name, make in changed.items():
        if make is None:
            del arrays[name]
        else:
            arrays[name] = make(rows)
    return pa.table(arrays)


def _both(cluster: LocalCluster, folder: Path) -> tuple[Any, Any]:
    single = CliRunner().invoke(main, ["score", str(RULES), str(folder), "-o", f"{folder}.csv"])
    dask = CliRunner().invoke(
        main,
        [
            "score",
            str(RULES),
            str(folder),
            "--dask",
            cluster.scheduler_address,
            "-o",
            f"{folder}-d",
        ],
    )
    for result in (single, dask):
        assert result.exception is None or isinstance(result.exception, SystemExit), result
    return single, dask


def _dataset(tmp_path: Path, *parts: pa.Table | bytes, name: str = "part.{}.parquet") -> Path:
    folder = tmp_path / "units"
    folder.mkdir()
    for i, part in enumerate(parts):
        if isinstance(part, bytes):
            (folder / name.format(i)).write_bytes(part)
        else:
            pq.write_table(part, folder / name.format(i))
    return folder


DISAGREE = [
    ("a column missing", {"b": None}, "this file has no column b, which"),
    ("a column only here", {"zz": lambda n: pa.array(["1"] * n)}, "this column is not in"),
    ("floats", {"a": lambda n: pa.array([1.5] * n)}, "a column of binary floats cannot hold"),
    ("another type", {"a": lambda n: pa.array([1] * n)}, "this column is int64 here but string"),
    (
        "another decimal scale",
        {"b": lambda n: pa.array([decimal.Decimal("5.5")] * n, pa.decimal128(10, 2))},
        "this column is decimal128(10, 2) here but string",
    ),
]


@pytest.mark.parametrize(("what", "changed", "said"), DISAGREE, ids=[d[0] for d in DISAGREE])
def test_a_file_unlike_the_first_is_refused_naming_it(
    cluster: LocalCluster, tmp_path: Path, what: str, changed: dict[str, Any], said: str
) -> None:
    folder = _dataset(tmp_path, _part(40), _part(40, 40, **changed))
    single, dask = _both(cluster, folder)
    assert single.exit_code == 2 and said in single.stderr, single.stderr
    assert f"{folder / 'part.1.parquet'}, input " in single.stderr
    assert (dask.exit_code, dask.stderr) == (single.exit_code, single.stderr)
    assert not Path(f"{folder}.csv").exists()


def test_a_folder_with_no_parquet_file_is_a_data_error(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    folder = _dataset(tmp_path)
    single, dask = _both(cluster, folder)
    assert single.exit_code == 2 and "a folder with no Parquet file" in single.stderr
    assert (dask.exit_code, dask.stderr) == (single.exit_code, single.stderr)


def test_a_file_not_named_as_parquet_is_refused(cluster: LocalCluster, tmp_path: Path) -> None:
    """Dask reads only *.parquet (.parq, .pq) files of a folder, pyarrow every file: the
    same folder would be scored with different units."""
    folder = _dataset(tmp_path, _part(40))
    pq.write_table(_part(40, 40), folder / "more.data")
    single, dask = _both(cluster, folder)
    assert single.exit_code == 2 and "more.data: not named as a Parquet file" in single.stderr
    assert (dask.exit_code, dask.stderr) == (single.exit_code, single.stderr)


@pytest.mark.parametrize(
    "first",
    [
        {"b": lambda n: pa.nulls(n)},  # all empty in the first file: pyarrow's `null` type
        {"a": lambda n: pa.array(["1"] * n).dictionary_encode()},
        {"a": lambda n: pa.array(["1"] * n, pa.large_string())},
        {},
    ],
    ids=["empty column first", "dictionary first", "large string first", "an empty file"],
)
def test_files_that_differ_only_in_how_text_is_stored_score_alike(
    cluster: LocalCluster, tmp_path: Path, first: dict[str, Any]
) -> None:
    """A column all empty in one file (null type) and text in another was a traceback
    (`Unsupported cast from string to null`) when the empty one came first."""
    rows = 0 if not first else 40
    folder = _dataset(tmp_path, _part(rows, **first), _part(40, 40))
    single, dask = _both(cluster, folder)
    assert single.exit_code == 0 and dask.exit_code == 0, single.stderr + dask.stderr
    one = pq.read_table(f"{folder}-d").to_pandas().sort_values("unit").reset_index(drop=True)
    alone = pacsv.read_csv(f"{folder}.csv", convert_options=_TEXT).to_pandas().sort_values("unit")
    assert list(one["unit"]) == list(alone["unit"])
    assert list(one["total"]) == list(alone["total"])


def test_a_frame_of_mixed_cells_is_a_data_error() -> None:
    """`per_unit_frame` (a Spark batch, a pandas frame): a column holding numbers and text
    could not become an Arrow table, and pyarrow's ArrowInvalid escaped."""
    import pandas as pd

    from kaoping.compiler.load import compile_paths
    from kaoping.distributed import score_frame
    from kaoping.errors import DataError

    scheme = compile_paths("single", [RULES])
    cells = {"unit": ["x", "y"], "group": ["单位"] * 2, "a": [1, "2"], "b": [None, "3"]}
    frame = pd.DataFrame({**cells, "c": ["0", "1"], "n": ["0", "1"]})
    with pytest.raises(DataError, match="cannot read as a table: Could not convert '2'"):
        score_frame(scheme, frame, where="batch 3")
    empty = pd.DataFrame({name: [] for name in frame.columns})  # pandas makes these floats
    assert len(score_frame(scheme, empty)) == 0


def test_files_giving_other_constants_are_refused(cluster: LocalCluster, tmp_path: Path) -> None:
    """Only the first file's constants (schema metadata `kaoping.constants`) were read: a
    later file's other values were ignored."""
    meta = {b"kaoping.constants": b"{}"}
    folder = _dataset(tmp_path, _part(40), _part(40, 40).replace_schema_metadata(meta))
    single, dask = _both(cluster, folder)
    assert single.exit_code == 2, single.stderr
    assert "part.1.parquet, input 'constants': its schema metadata gives other" in single.stderr
    assert (dask.exit_code, dask.stderr) == (single.exit_code, single.stderr)
