"""Scoring a partitioned Parquet dataset on a Dask cluster, with the single-process result.

    from dask.distributed import Client
    from kaoping.distributed import score_dask

    client = Client("tcp://scheduler:8786")
    score_dask("heshan-2013", "units/", client, output="results/")

Two phases, both on the cluster (kaoping.distributed_phases says what travels between them):

1. The per-unit phase, per partition where it lies (`map_partitions`): the partition read and
   validated (its numbers exactly, every problem named by unit and input as `kaoping score`
   names it), its data requirements checked, and every value that reads only the unit's own
   facts computed, per unit or by whole columns.
2. The cohort phase, per scoring block (`groupby(...).apply`): a block's units, gathered
   from every partition with their per-unit values and the facts the cohort reads, scored on:
   group values, `across G1, G2:` values, quotas, grades, consequences, `require same`.
   Each unit's values, rank, grade and flags are those `kaoping score` gives.

Spark runs the same phases through `per_unit_frame` (`mapInArrow`) and `cohort_frame`
(`groupBy("block").applyInPandas`); docs/scale.md shows the job.

The result is a Dask DataFrame, one row a unit, the columns of `score -o results.parquet`
(`kaoping.io.results_table`); with `output`, it is written there as a Parquet folder, whole or
not at all. The workers compile the scheme from its text (cached per process); its rule
functions' plugins must be installed on them. Needs kaoping's `[scale]` extra.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kaoping.compiler.load import CompiledScheme, compile_sources
from kaoping.distributed_phases import COLUMNS
from kaoping.errors import DataError, DataProblem, KaopingError, OutputError, SetupError
from kaoping.io.data_arrow import CONSTANTS_KEY as CONSTANTS_KEY  # (programs import it from here)
from kaoping.io.data_arrow import metadata_constants
from kaoping.io.results_table import HEAD, row_of, value_columns


def require_dask() -> Any:
    """dask.dataframe, or a usage error naming the extra that brings it."""
    try:
        import dask.dataframe as dd
        import distributed  # noqa: F401  (the cluster's client)
        import pyarrow  # noqa: F401
    except ImportError:
        raise SetupError("--dask needs Dask and pyarrow: pip install 'kaoping[scale]'") from None
    return dd


def connect(address: str) -> Any:
    """A client of the running Dask cluster at `address`, or a usage error saying why not."""
    require_dask()
    import distributed

    client_type: Any = distributed.Client
    try:
        return client_type(address, timeout=30)
    except (OSError, TimeoutError, ValueError) as err:
        raise SetupError(f"cannot reach the Dask cluster at {address}: {err}") from None


def score_dask(
    scheme: CompiledScheme | str,
    dataset: str | Path,
    client: Any,
    output: str | Path | None = None,
    constants: Mapping[str, Any] | None = None,
    backend: str = "auto",
) -> Any:
    """Score the Parquet dataset (a file or a folder of files, one row a unit) on the cluster
    `client` belongs to; return the results as a Dask DataFrame, computed and written to
    `output` (a Parquet folder) when given. `constants` (as a JSON data file's top-level
    "constants") default to those the dataset's schema metadata holds under
    `kaoping.constants`. Each scoring block is scored by `backend` (`kaoping score
    --backend`: "auto", "unit" or "columnar"). A data problem anywhere raises DataError with
    every problem found."""
    dd = require_dask()
    import pandas as pd

    compiled = scheme if isinstance(scheme, CompiledScheme) else _compiled(scheme)
    where = str(dataset)
    if Path(dataset).is_dir():  # every file the same columns (`check_dataset`)
        from kaoping.io.data_arrow import check_dataset

        check_dataset(Path(dataset))
    if constants is None:
        constants = dataset_constants(dataset)
    recipe = (compiled.scheme_id, dict(compiled.sources))
    frame = dd.read_parquet(str(dataset), dtype_backend="pyarrow")
    text = pd.Series([], dtype=object)
    per_unit = frame.map_partitions(
        _per_unit_partition,
        recipe,
        dict(constants),
        where,
        backend,
        meta=pd.DataFrame(
            {
                **{c: text for c in COLUMNS},
                "block": pd.Series([], dtype="int64"),
                "problems": text,
            }
        ),
    )
    with client.as_current():
        per_unit = client.persist(per_unit)
        problems = _problems(per_unit)
        if problems:
            raise DataError(problems)
        columns = [*HEAD, *value_columns(compiled.model)]
        meta = pd.DataFrame({c: pd.Series([], dtype=_dtype(c)) for c in columns})
        # grouped by a copy of the block: pandas hands `apply` its groups without their key
        travels = per_unit[list(COLUMNS)].assign(cohort=per_unit["block"])
        results = travels.groupby("cohort").apply(_cohort_block, recipe, backend, meta=meta)
        if output is not None:
            _write(results, Path(output), dd)
    return results


def dataset_constants(dataset: str | Path) -> dict[str, Any]:
    """The constants a Parquet dataset's schema metadata holds (empty when none)."""
    import pyarrow.parquet as pq

    try:
        schema = pq.ParquetDataset(str(dataset)).schema
    except (OSError, ValueError) as err:
        message = f"cannot read as Parquet: {str(err).splitlines()[0] if str(err) else err}"
        raise DataError([DataProblem(str(dataset), None, None, message)]) from None
    return metadata_constants(schema.metadata, str(dataset)) or {}


_COMPILED: dict[tuple[str, str], CompiledScheme] = {}


def _compiled(ref: str) -> CompiledScheme:
    from kaoping import load_scheme

    return load_scheme(ref)


def _worker_scheme(recipe: tuple[str, dict[str, str]]) -> CompiledScheme:
    """The scheme on a worker: compiled from its text once per process (the compile cache)."""
    from kaoping.plugins.manager import default_registry

    scheme_id, sources = recipe
    return compile_sources(scheme_id, sources, default_registry().functions())


def _per_unit_partition(
    part: Any,
    recipe: tuple[str, dict[str, str]],
    constants: dict[str, Any],
    where: str,
    backend: str,
    partition_info: Any = None,
) -> Any:
    """One partition's per-unit phase, where the partition lies: a row a unit
    (`distributed_phases.COLUMNS`), or one row (block -1) holding its data problems."""
    scheme = _worker_scheme(recipe)
    number = partition_info["number"] if partition_info else 0
    rows, problems = _per_unit_rows(
        scheme, part, constants, f"{where} (partition {number})", backend
    )
    if problems:
        rows = [{"block": -1, "problems": pickle.dumps(problems)}]
    return _per_unit_table(rows, [*COLUMNS, "problems"])


def _per_unit_rows(
    scheme: CompiledScheme, part: Any, constants: Mapping[str, Any], here: str, backend: str
) -> tuple[list[dict[str, Any]], list[DataProblem]]:
    """A frame of units read and validated, its requirements checked and its per-unit values
    computed: rows (`distributed_phases.COLUMNS`), or the data problems found."""
    import pyarrow as pa

    from kaoping.distributed_phases import per_unit_phase
    from kaoping.io.data_arrow import table_units
    from kaoping.io.validate import validate
    from kaoping.scoring_columnar import choose

    try:
        try:
            table = pa.Table.from_pandas(part, preserve_index=False)
        except (pa.ArrowException, ValueError, TypeError) as err:  # a column of mixed kinds
            why = "; ".join(str(a) for a in err.args) or type(err).__name__
            problem = DataProblem(here, None, None, f"cannot read as a table: {why}")
            raise DataError([problem]) from None
        raw = table_units(table, scheme.model, here)
        raw["constants"] = dict(constants)
        units = validate(raw, scheme.model, here)
        columnar = choose(scheme, backend, units).backend == "columnar"  # type: ignore[arg-type]
        return per_unit_phase(scheme, units, columnar)
    except KaopingError as err:
        if isinstance(err, DataError):
            return [], list(err.problems)
        return [], [DataProblem(here, None, None, str(err))]


def _per_unit_table(rows: list[dict[str, Any]], columns: list[str]) -> Any:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns).astype({"block": "int64"})


def _problems(per_unit: Any) -> list[DataProblem]:
    """Every partition's data problems, and units that appear in more than one partition."""
    problems: list[DataProblem] = []
    for state in per_unit[per_unit["block"] == -1]["problems"].compute():
        problems.extend(pickle.loads(state))
    counts = per_unit[per_unit["block"] >= 0]["unit"].value_counts().compute()
    for name, n in counts[counts > 1].items():
        problems.append(DataProblem("the dataset", str(name), None, f"this unit appears {n} times"))
    return problems


def _cohort_block(rows: Any, recipe: tuple[str, dict[str, str]], backend: str) -> Any:
    return cohort_frame(_worker_scheme(recipe), rows, backend)


def _dtype(column: str) -> str:
    """Results columns: text (exact numbers as text), the rank a whole number (null: none)."""
    return "Int64" if column == "rank" else "string[pyarrow]"


def per_unit_frame(
    scheme: CompiledScheme | str,
    frame: Any,
    constants: Mapping[str, Any] | None = None,
    where: str = "the data",
    backend: str = "auto",
) -> Any:
    """The per-unit phase of a pandas DataFrame of units (the columns of a CSV data file:
    unit, group, inputs): read, validated, requirements checked, per-unit values computed
    (by whole columns where `backend` chooses it). Returns a row a unit, the columns of
    `per_unit_columns`: what a Spark `mapInArrow` yields for a batch (docs/scale.md). A data
    problem raises DataError."""
    compiled = scheme if isinstance(scheme, CompiledScheme) else _compiled(scheme)
    rows, problems = _per_unit_rows(compiled, frame, constants or {}, where, backend)
    if problems:
        raise DataError(problems)
    return _per_unit_table(rows, list(COLUMNS))


def cohort_frame(scheme: CompiledScheme | str, frame: Any, backend: str = "auto") -> Any:
    """The cohort phase of one scoring block's rows of `per_unit_frame` (from any number of
    partitions): the values that read other units, grades and consequences (by whole columns
    where `backend` chooses it, as `kaoping score --backend`). Returns its results, one row a
    unit, the columns of `results_columns`: what a Spark `applyInPandas` over the per-unit
    rows grouped by `block` calls."""
    from kaoping.distributed_phases import cohort_phase
    from kaoping.io.results import Texts, total_places

    compiled = scheme if isinstance(scheme, CompiledScheme) else _compiled(scheme)
    results = cohort_phase(compiled, frame.to_dict("records"), backend)
    values = value_columns(compiled.model)
    places = total_places(compiled.model)
    texts = Texts()
    return _frame([row_of(r, values, places, texts) for r in results.ordered()], compiled)


def score_frame(
    scheme: CompiledScheme | str, frame: Any, constants: Mapping[str, Any] | None = None, **how: str
) -> Any:
    """A pandas DataFrame of units scored whole, as `kaoping score` scores a file: both
    phases in one call (`how`: `per_unit_frame`'s `where` and `backend`); its results, the
    columns of `results_columns`."""
    compiled = scheme if isinstance(scheme, CompiledScheme) else _compiled(scheme)
    backend = how.get("backend", "auto")
    return cohort_frame(compiled, per_unit_frame(compiled, frame, constants, **how), backend)


def per_unit_columns() -> dict[str, str]:
    """The per-unit phase's columns and their types (a Spark schema): the unit, its group and
    scoring block, and as JSON text its values, the facts its cohort reads, its marks."""
    return {c: "bigint" if c == "block" else "string" for c in COLUMNS}


def results_columns(scheme: CompiledScheme) -> dict[str, str]:
    """The results' columns and their types: `rank` a whole number, every other one text."""
    return {c: "bigint" if c == "rank" else "string" for c in [*HEAD, *value_columns(scheme.model)]}


def _frame(body: list[list[Any]], scheme: CompiledScheme) -> Any:
    import pandas as pd

    columns = [*HEAD, *value_columns(scheme.model)]
    frame = pd.DataFrame(body, columns=columns, dtype=object)
    return frame.astype({c: _dtype(c) for c in columns})


def _write(results: Any, target: Path, dd: Any) -> None:
    """The results as a Parquet folder at `target`, whole or not at all: written beside it
    under a temporary name, then put in its place."""
    if target.exists() and not target.is_dir():
        raise OutputError(f"cannot write {target}: it is a file, and Dask writes a folder")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=folder))
    except OSError as err:
        raise OutputError(f"cannot write {target}: {err.strerror}") from None
    try:
        results.to_parquet(str(temporary), write_index=False)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=folder))
            os.replace(target, old / target.name)
            os.replace(temporary, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(temporary)
        raise
