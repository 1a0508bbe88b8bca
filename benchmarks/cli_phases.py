"""Where `kaoping score`'s time goes when it runs by whole columns: start-up and compiling,
reading the CSV into columns, scoring, making the results' text, writing it (with fsync),
each in CPU seconds, with the peak RSS after each step. The steps are `scoring_whole`'s,
called one by one on a data file written by `cli_bench.py` (or any CSV of the bench scheme).

    nice .venv/bin/python benchmarks/cli_phases.py units.csv --format json

The output file is written beside the data (`units.csv.phases.json`) and removed after."""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def peak() -> str:
    return f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--format", choices=["json", "csv", "parquet"], default="json")
    ap.add_argument("--rules", type=Path, default=HERE / "panshan_bench.rules")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()}")
    t0 = time.process_time()
    import kaoping.scoring_whole as whole
    from kaoping.compiler.load import compile_paths
    from kaoping.io.columns_in import read_columns

    scheme = compile_paths("panshan_bench", [args.rules])
    found = whole.whole_scheme(scheme)
    if found is None:
        sys.exit("the scheme is not one the whole-column path scores")
    t1 = time.process_time()
    print(f"start-up and compiling: {t1 - t0:.2f} s CPU, {peak()}")
    data = read_columns(args.data, scheme.model)
    if data is None:
        sys.exit("the data is not read by whole columns (see docs/columnar.md)")
    t2 = time.process_time()
    print(f"reading {len(data):,} units into columns: {t2 - t1:.2f} s CPU, {peak()}")
    groups = whole._score_groups(scheme, found, data)
    t3 = time.process_time()
    print(f"scoring: {t3 - t2:.2f} s CPU, {peak()}")
    results = whole.WholeResults(scheme, groups, "")
    out = args.data.with_name(args.data.name + f".phases.{args.format}")
    making = writing = 0.0
    size = 0
    try:
        with out.open("wb") as f:
            chunks = whole.write_chunks(results, args.format)
            while True:
                a = time.process_time()
                chunk = next(chunks, None)
                b = time.process_time()
                making += b - a
                if chunk is None:
                    break
                f.write(chunk)
                size += len(chunk)
                writing += time.process_time() - b
            b = time.process_time()
            f.flush()
            os.fsync(f.fileno())
            writing += time.process_time() - b
    finally:
        out.unlink(missing_ok=True)
    print(f"making {size / 2**20:,.0f} MiB of {args.format}: {making:.2f} s CPU, {peak()}")
    print(f"writing it: {writing:.2f} s CPU")
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
