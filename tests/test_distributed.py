"""Scoring a partitioned Parquet dataset on a Dask cluster (two in-process workers) gives what
`kaoping score` gives in one process: every value, rank, grade and flag, for schemes whose
cohort phases rank, take the best, apply quotas and read across groups."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from dask.distributed import Client, LocalCluster

from kaoping.cli import main
from kaoping.distributed import CONSTANTS_KEY, score_dask
from kaoping.errors import DataError
from kaoping.plugins.manager import default_registry


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, processes=False, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def _cell(value: Any) -> Any:
    """A JSON data file's value as a Parquet cell: numbers as their text, records as lists."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, list):
        return [{k: _cell(v) for k, v in record.items()} for record in value]
    return str(value)


def _dataset(scheme: str, folder: Path, parts: int = 3) -> dict[str, Any]:
    """The scheme's sample data as a Parquet folder of `parts` files, its constants in the
    schema metadata; returns the sample."""
    sample = json.loads(default_registry().sample(scheme).read_text("utf-8"))  # type: ignore[union-attr]
    units = sample["units"]
    names = ["unit", "group", *sorted({k for u in units for k in u["facts"]})]
    rows = [
        {"unit": u["unit"], "group": u["group"], **{k: _cell(u["facts"].get(k)) for k in names[2:]}}
        for u in units
    ]
    records = {n for n in names if any(isinstance(r[n], list) for r in rows)}
    flags = {n for n in names if any(isinstance(r[n], bool) for r in rows)}
    meta = {CONSTANTS_KEY: json.dumps(sample.get("constants", {}), ensure_ascii=False).encode()}
    folder.mkdir()
    for i in range(parts):
        chunk = rows[i::parts]
        columns = {
            n: pa.array(
                [r[n] for r in chunk],
                None if n in records else pa.bool_() if n in flags else pa.string(),
            )
            for n in names
        }
        table = pa.table(columns).replace_schema_metadata(meta)
        pq.write_table(table, folder / f"part.{i}.parquet")
    return sample


def _single_process(scheme: str, tmp_path: Path) -> list[dict[str, Any]]:
    """`kaoping score` in this process, unit by unit (the reference backend)."""
    out = tmp_path / "one.parquet"
    args = ["score", scheme, "--sample", "--backend", "unit", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return pq.read_table(out).to_pylist()


def _by_unit(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["group"], r["unit"]): r for r in rows}


# shuangxiang-2012's blocks scored by whole columns on the workers, against kaoping score's
# per-unit reference; heshan-2013 (values across groups) as `--backend auto` chooses
@pytest.mark.parametrize(
    ("scheme", "backend"), [("shuangxiang-2012", "columnar"), ("heshan-2013", "auto")]
)
def test_dask_results_equal_the_single_process_results(
    scheme: str, backend: str, client: Client, tmp_path: Path
) -> None:
    sample = _dataset(scheme, tmp_path / "units")
    score_dask(scheme, tmp_path / "units", client, output=tmp_path / "results", backend=backend)
    spread = pq.read_table(tmp_path / "results").to_pylist()
    assert len(list((tmp_path / "results").glob("*.parquet"))) > 1
    one = _single_process(scheme, tmp_path)
    assert len(spread) == len(one) == len(sample["units"])
    assert _by_unit(spread) == _by_unit(one)
    assert any(r["grade"] for r in one) and any(r["rank"] for r in one)


def test_score_dask_on_the_command_line(client: Client, tmp_path: Path) -> None:
    _dataset("heshan-2013", tmp_path / "units", parts=2)
    out = tmp_path / "results"
    args = ["score", "heshan-2013", str(tmp_path / "units"), "--dask", client.scheduler.address]
    result = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _by_unit(pq.read_table(out).to_pylist()) == _by_unit(
        _single_process("heshan-2013", tmp_path)
    )


def test_bad_data_in_any_partition_is_a_data_error_naming_the_unit(
    client: Client, tmp_path: Path
) -> None:
    _dataset("heshan-2013", tmp_path / "units", parts=2)
    part = tmp_path / "units" / "part.1.parquet"
    table = pq.read_table(part)
    first = table.slice(0, 1).to_pylist()[0]
    name = next(  # an input the first unit gives as a number
        n for n, v in first.items() if n not in ("unit", "group") and isinstance(v, str)
    )
    column = table.column_names.index(name)
    cells = ["12x", *table.column(name).to_pylist()[1:]]
    pq.write_table(table.set_column(column, name, pa.array(cells, pa.string())), part)
    with pytest.raises(DataError) as err:
        score_dask("heshan-2013", tmp_path / "units", client, output=tmp_path / "results")
    [problem] = err.value.problems
    assert (problem.unit, problem.field) == (first["unit"], name)
    assert "partition 1" in problem.where and "12x" in problem.message
    assert not (tmp_path / "results").exists()


def test_score_frame_scores_a_blocks_units_as_spark_would_hand_them(tmp_path: Path) -> None:
    """What docs/scale.md's Spark `applyInPandas` calls: each scoring block's rows, scored."""
    from kaoping import load_scheme
    from kaoping.distributed import score_frame

    scheme = load_scheme("heshan-2013")
    _dataset("heshan-2013", tmp_path / "units")
    units = pq.read_table(tmp_path / "units").to_pandas()
    block = units["group"].map(scheme.model.block_of_group)
    parts = [score_frame(scheme, units[block == b]) for b in sorted(set(block))]
    rows = [r for part in parts for r in part.to_dict("records")]
    rows = [{k: (None if v is pd.NA else v) for k, v in r.items()} for r in rows]
    assert _by_unit(rows) == _by_unit(_single_process("heshan-2013", tmp_path))
