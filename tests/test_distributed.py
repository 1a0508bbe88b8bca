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
    types = {n: pa.array([r[n] for r in rows]).type for n in records}  # as a part lacking any
    folder.mkdir()
    for i in range(parts):
        chunk = rows[i::parts]
        columns = {
            n: pa.array(
                [r[n] for r in chunk],
                types.get(n) if n in records else pa.bool_() if n in flags else pa.string(),
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


# shuangxiang-2012 (ranks, best, group means, quotas across groups) with its per-unit phase by
# whole columns on the workers, against kaoping score's per-unit reference; heshan-2013 (ranks
# `across` groups) as `--backend auto` chooses; anfu-2017 (grades from raters' orderings: a
# block whose per-unit values wait for its cohort) per unit
@pytest.mark.parametrize(
    ("scheme", "backend"),
    [("shuangxiang-2012", "columnar"), ("heshan-2013", "auto"), ("anfu-2017", "unit")],
)
def test_dask_results_equal_the_single_process_results(
    scheme: str, backend: str, client: Client, tmp_path: Path
) -> None:
    sample = _dataset(scheme, tmp_path / "units", parts=4)
    spread_groups = [  # every group with units in several partitions: its cohort is gathered
        g
        for g in {u["group"] for u in sample["units"]}
        if sum(
            g in pq.read_table(part, columns=["group"]).column("group").to_pylist()
            for part in (tmp_path / "units").glob("*.parquet")
        )
        > 1
    ]
    assert len(spread_groups) == len({u["group"] for u in sample["units"]})
    score_dask(scheme, tmp_path / "units", client, output=tmp_path / "results", backend=backend)
    spread = pq.read_table(tmp_path / "results").to_pylist()
    assert len(list((tmp_path / "results").glob("*.parquet"))) > 1
    one = _single_process(scheme, tmp_path)
    assert len(spread) == len(one) == len(sample["units"])
    assert _by_unit(spread) == _by_unit(one)
    assert any(r["grade"] for r in one) and any(r["rank"] for r in one)


def test_the_cohort_phase_receives_only_the_facts_it_reads() -> None:
    """What leaves a partition: the per-unit values, and of the raw facts only those a group
    value, a grading line, a consequence or a requirement across units reads."""
    from kaoping import load_scheme
    from kaoping.distributed_phases import cohort_facts, per_unit_phase
    from kaoping.io.data import load_dataset

    scheme = load_scheme("shuangxiang-2012")
    units, _ = load_dataset(default_registry().sample("shuangxiang-2012"), scheme.model)  # type: ignore[arg-type]
    wanted = cohort_facts(scheme)
    # graded on (`bar … if 被一票否决 or 考评弄虚作假`); read by a group item (扣分 with a mean
    # imputed for units it does not apply to); read by the per-unit values only
    assert "考评弄虚作假" in wanted and "双向承诺业务兑现扣分" in wanted
    assert "主管部门前三名次数" not in wanted
    rows, problems = per_unit_phase(scheme, units, columnar=False)
    assert not problems and len(rows) == len(units)
    for row in rows:
        assert set(json.loads(row["facts"])) <= wanted
        assert json.loads(row["values"])  # the per-unit values travel, as tagged exact text
        assert all(
            v[0] != "q" or "." not in v for v in json.loads(row["values"]).values()
        )  # numbers as exact rationals (n/d), never a rounded decimal


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


def test_the_phases_score_as_spark_would_run_them(tmp_path: Path) -> None:
    """What docs/scale.md's Spark job calls: `per_unit_frame` on each partition (`mapInArrow`),
    then `cohort_frame` on the per-unit rows grouped by scoring block (`applyInPandas`)."""
    from kaoping import load_scheme
    from kaoping.distributed import cohort_frame, per_unit_columns, per_unit_frame, score_frame

    scheme = load_scheme("heshan-2013")
    sample = _dataset("heshan-2013", tmp_path / "units")
    constants = sample.get("constants", {})
    parts = [pq.read_table(p).to_pandas() for p in sorted((tmp_path / "units").glob("*"))]
    per_unit = pd.concat([per_unit_frame(scheme, part, constants) for part in parts])
    assert list(per_unit.columns) == list(per_unit_columns())
    blocks = [cohort_frame(scheme, rows) for _, rows in per_unit.groupby("block")]
    one = _by_unit(_single_process("heshan-2013", tmp_path))
    assert _by_unit(_rows(pd.concat(blocks))) == one
    whole = pq.read_table(tmp_path / "units").to_pandas()
    assert _by_unit(_rows(score_frame(scheme, whole, constants))) == one


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: (None if v is pd.NA else v) for k, v in r.items()} for r in frame.to_dict("records")
    ]


def test_a_unit_in_two_partitions_is_a_data_error_in_the_cohort_phase(tmp_path: Path) -> None:
    """As Spark would hand them: the per-unit rows of two batches that both hold one unit."""
    from kaoping import load_scheme
    from kaoping.distributed import cohort_frame, per_unit_frame

    scheme = load_scheme("heshan-2013")
    sample = _dataset("heshan-2013", tmp_path / "units", parts=2)
    units = pq.read_table(tmp_path / "units").to_pandas()
    rows = per_unit_frame(scheme, units, sample.get("constants", {}))
    again = rows[rows["unit"] == rows["unit"].iloc[0]]
    block = rows[rows["block"] == again["block"].iloc[0]]
    with pytest.raises(DataError) as err:
        cohort_frame(scheme, pd.concat([block, again]))
    [problem] = err.value.problems
    assert problem.unit == rows["unit"].iloc[0] and "2 times" in problem.message


def test_a_parquet_dataset_gives_its_constants_to_kaoping_score_too(tmp_path: Path) -> None:
    """The constants in the schema metadata (`kaoping.constants`, docs/scale.md) were read by
    `--dask` only: `kaoping score SCHEME units/` said they were missing."""
    _dataset("shuangxiang-2012", tmp_path / "units", parts=2)
    out = tmp_path / "from-parquet.parquet"
    args = ["score", "shuangxiang-2012", str(tmp_path / "units"), "--backend", "unit"]
    result = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert _by_unit(pq.read_table(out).to_pylist()) == _by_unit(
        _single_process("shuangxiang-2012", tmp_path)
    )


@pytest.mark.parametrize(
    "scheme", ["shuangxiang-2012", "heshan-2013", "yangquan-2014", "panshan-2018", "example-zh"]
)
def test_the_cohort_phase_on_columns_equals_it_per_unit(
    scheme: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cohort phase's values that read other units and its grades by whole columns (on the
    values the per-unit phase sent) give every unit's results as per unit."""
    from kaoping import load_scheme, scoring_columnar
    from kaoping.distributed import cohort_frame, per_unit_frame

    on_columns = []
    group_values = scoring_columnar.group_values
    monkeypatch.setattr(
        scoring_columnar,
        "group_values",
        lambda *args: on_columns.append(args[2]) or group_values(*args),
    )

    compiled = load_scheme(scheme)
    sample = _dataset(scheme, tmp_path / "units")
    whole = pq.read_table(tmp_path / "units").to_pandas()
    per_unit = per_unit_frame(compiled, whole, sample.get("constants", {}), backend="columnar")
    for _, rows in per_unit.groupby("block"):
        by_units = _rows(cohort_frame(compiled, rows, "unit"))
        assert not on_columns
        assert _rows(cohort_frame(compiled, rows, "columnar")) == by_units
        assert len(on_columns) == 1
        on_columns.clear()
        assert any(r["rank"] for r in by_units)
