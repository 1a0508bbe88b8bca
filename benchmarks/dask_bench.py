"""Scoring a partitioned Parquet dataset on a local Dask cluster against `kaoping score` in one
process: wall time of each, the ratio, and that both give the same rows.

Writes a dataset from a shipped scheme's sample (its units repeated under new names) as
--parts Parquet files, runs `kaoping score` on the same units (a JSON file) in a fresh process, then
`score_dask` on a LocalCluster of --workers worker processes (one thread each), started
before the clock runs. The machine is shared: the load average is printed with the figures.

    nice .venv/bin/python benchmarks/dask_bench.py --units 100000 --parts 8
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_dataset(scheme: str, folder: Path, units: int, parts: int) -> Path:
    """The Parquet folder, and the same units as a JSON data file (what the single process
    reads: it takes the run's constants from a JSON file's `constants`); returns the file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kaoping.distributed import CONSTANTS_KEY
    from kaoping.plugins.manager import default_registry

    text = default_registry().sample(scheme).read_text("utf-8")  # type: ignore[union-attr]
    sample = json.loads(text)
    # numbers as their text, as a Parquet dataset holds them exactly
    pattern = json.loads(text, parse_float=str, parse_int=str)["units"]
    names = sorted({k for u in pattern for k in u["facts"]})
    rows = []
    for i in range(units):
        u = pattern[i % len(pattern)]
        rows.append(
            {"unit": f"{u['unit']}#{i}", "group": u["group"]}
            | {k: u["facts"].get(k) for k in names}
        )
    meta = {CONSTANTS_KEY: json.dumps(sample.get("constants", {}), ensure_ascii=False).encode()}
    table = pa.Table.from_pylist(rows)
    table = table.replace_schema_metadata(meta)
    folder.mkdir()
    step = -(-units // parts)
    for p in range(parts):
        pq.write_table(table.slice(p * step, step), folder / f"part.{p}.parquet")
    data = folder.parent / "units.json"
    whole = {"constants": sample.get("constants", {}), "units": []}
    for i in range(units):
        u = sample["units"][i % len(pattern)]
        whole["units"].append({**u, "unit": f"{u['unit']}#{i}"})
    data.write_text(json.dumps(whole, ensure_ascii=False), "utf-8")
    return data


def _cpu() -> float:
    """CPU time of this process so far (run on each worker)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scheme", default="shuangxiang-2012")
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--parts", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    import pyarrow.parquet as pq
    from dask.distributed import Client, LocalCluster

    from kaoping.distributed import score_dask

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "units"
        data = write_dataset(args.scheme, folder, args.units, args.parts)
        print(f"{args.scheme}: {args.units} units in {args.parts} Parquet files")
        print(f"load average before: {os.getloadavg()}")

        kaoping = Path(sys.executable).parent / "kaoping"
        one = Path(tmp) / "one.parquet"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([str(kaoping), "score", args.scheme, str(data), "-o", str(one)], check=True)
        single = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        print(f"kaoping score, one process:  wall {single:.1f} s, CPU {cpu:.1f} s")

        with (
            LocalCluster(
                n_workers=args.workers, threads_per_worker=1, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            out = Path(tmp) / "spread"
            before_workers = client.run(_cpu)
            start, mine = time.perf_counter(), time.process_time()
            score_dask(args.scheme, folder, client, output=out)
            spread = time.perf_counter() - start
            here = time.process_time() - mine
            after_workers = client.run(_cpu)
            workers = sum(after_workers[w] - before_workers[w] for w in after_workers)
        print(
            f"score_dask, {args.workers} workers:      wall {spread:.1f} s, CPU {workers:.1f} s "
            f"on the workers + {here:.1f} s in the client"
        )
        print(f"ratio (one process / Dask): {single / spread:.2f}")
        print(f"load average after: {os.getloadavg()}")

        key = ("group", "unit")
        a = sorted(pq.read_table(one).to_pylist(), key=lambda r: tuple(r[k] for k in key))
        b = sorted(pq.read_table(out).to_pylist(), key=lambda r: tuple(r[k] for k in key))
        print(f"same rows: {a == b} ({len(a)} units)")


if __name__ == "__main__":
    main()
