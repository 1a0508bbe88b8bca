"""Shipped schemes through `kaoping score` end to end, by the per-unit objects' path and by
whole columns, from one Parquet file: each scheme's sample units cycled to N (renamed),
numbers as decimal text, yes/no as booleans, lists of records as lists of structs (the
layout both readers take). Each run is a fresh process started by GNU time: its wall and
CPU seconds and peak RSS. The two results files must be byte for byte the same (checked
before the figures are printed; a difference stops the script with exit 1), and the second
run must say it took the whole-column path.

    nice .venv/bin/python benchmarks/whole_schemes_bench.py --units 200000
    nice .venv/bin/python benchmarks/whole_schemes_bench.py --schemes panshan-2018 --units 20000

The machine is shared: the load average is printed with the figures."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

SCHEMES = (
    "panshan-2018",
    "shuangxiang-2012",
    "heshan-2013",
    "yangquan-2014",
    "example-zh",
    "example-en",
)


def write_parquet(scheme: str, n: int, path: Path) -> None:
    """The scheme's sample units cycled to `n`, as a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kaoping.compiler import ir
    from kaoping.compiler.load import compile_paths
    from kaoping.plugins.manager import default_registry

    registry = default_registry()
    model = compile_paths(scheme, registry.rules(scheme)).model
    sample = registry.sample(scheme)
    if sample is None:
        sys.exit(f"{scheme} has no sample data")
    given = json.loads(sample.read_text("utf-8"), parse_float=str, parse_int=str)
    units = json.loads(sample.read_text("utf-8"))["units"]
    picked = [units[i % len(units)] for i in range(n)]
    columns: dict[str, Any] = {
        "unit": [f"{u['unit']}{i}" for i, u in enumerate(picked)],
        "group": [u["group"] for u in picked],
    }

    def text(v: Any) -> Any:
        return v if v is None or isinstance(v, bool) else str(v)

    for name, decl in model.inputs.items():
        cells = [u["facts"].get(name) for u in picked]
        t = decl.type
        if isinstance(t, ir.ListType):
            fields = [
                (f.name, pa.bool_() if isinstance(f.type, ir.YesNoType) else pa.string())
                for f in model.records[t.record].fields
            ]
            lists = [
                None if c is None else [{k: text(x) for k, x in r.items()} for r in c]
                for c in cells
            ]
            columns[name] = pa.array(lists, pa.list_(pa.struct(fields)))
        elif isinstance(t, ir.YesNoType):
            columns[name] = pa.array(cells, pa.bool_())
        else:
            columns[name] = pa.array([text(c) for c in cells], pa.string())
    table = pa.table(columns)
    if given.get("constants"):  # the run's constants, as the schema metadata gives them
        text = json.dumps(given["constants"], ensure_ascii=False).encode()
        table = table.replace_schema_metadata({b"kaoping.constants": text})
    pq.write_table(table, path)


def run(scheme: str, data: Path, out: Path, backend: str) -> tuple[float, float, float, str]:
    """`kaoping score` in a child process: wall s, CPU s, peak RSS MiB, its stderr."""
    argv = [sys.executable, "-m", "kaoping.cli", "score", scheme, str(data), "-o", str(out)]
    argv += ["--format", "json", "--backend", backend, "--verbose"]
    child = subprocess.run(
        ["/usr/bin/time", "-f", "figures %e %U %S %M", *argv],
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = child.stderr.strip().splitlines()
    if child.returncode != 0 or not lines or not lines[-1].startswith("figures "):
        sys.exit(f"kaoping score {scheme} --backend {backend} failed:\n{child.stderr}")
    wall, user, system, kib = (float(x) for x in lines[-1].split()[1:])
    return wall, user + system, kib / 1024, child.stderr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=200_000)
    ap.add_argument("--schemes", default=",".join(SCHEMES))
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()}")
    for scheme in args.schemes.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "units.parquet"
            write_parquet(scheme, args.units, data)
            figures = {}
            for backend in ("unit", "auto"):
                figures[backend] = run(scheme, data, Path(tmp) / f"{backend}.json", backend)
            if "by whole columns" not in figures["auto"][3]:
                sys.exit(f"{scheme}: the whole-column path was not taken:\n{figures['auto'][3]}")
            same = (Path(tmp) / "unit.json").read_bytes() == (Path(tmp) / "auto.json").read_bytes()
            if not same:
                sys.exit(f"{scheme}: the two results files differ")
            (uw, uc, ur, _), (ww, wc, wr, _) = figures["unit"], figures["auto"]
            print(
                f"{scheme} N={args.units:,} Parquet → JSON: per-unit objects {uw:.1f} s wall, "
                f"{uc:.1f} s CPU, {ur:,.0f} MiB; whole columns {ww:.1f} s wall, {wc:.1f} s CPU, "
                f"{wr:,.0f} MiB; {uc / wc:.1f}× less CPU; the same bytes"
            )
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
