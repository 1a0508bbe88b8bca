"""Scoring a large data file: wall time, CPU time and peak memory of `kaoping score`.

Generates a data file from a shipped scheme's sample.json (its units repeated under new names,
compact JSON) until it reaches --mb megabytes or --units units, then runs the real command on
it in a fresh process and prints the figures. With --phases it also runs the pipeline in this
process and prints each phase's time and the memory in use after it (where memory goes).

    .venv/bin/python benchmarks/large_data.py                       # 100 MB, example-zh, both formats
    .venv/bin/python benchmarks/large_data.py --units 661000 --format json --phases

The machine is shared: CPU time (user + system) is steadier than wall time under load."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def generate(scheme: str, target: Path, mb: float | None, units: int | None) -> int:
    """Write the data file; return its number of units."""
    from kaoping.plugins.manager import default_registry

    sample = default_registry().sample(scheme)
    if sample is None:
        sys.exit(f"scheme {scheme!r} ships no sample data")
    pattern = json.loads(sample.read_text("utf-8"))["units"]
    limit = int(mb * 1_000_000) if mb is not None else None
    size = count = 0
    with target.open("w", encoding="utf-8") as out:
        out.write('{"units": [')
        size += 11
        while (units is None or count < units) and (limit is None or size < limit):
            unit = dict(pattern[count % len(pattern)])
            unit["unit"] = f"{unit['unit']}#{count}"
            text = ("," if count else "") + json.dumps(
                unit, ensure_ascii=False, separators=(",", ":")
            )
            out.write(text)
            size += len(text.encode("utf-8"))
            count += 1
        out.write("]}\n")
    return count


def run(scheme: str, data: Path, fmt: str, out: Path) -> dict[str, float]:
    """`kaoping score` in a child process: its wall time, CPU time and peak RSS."""
    argv = [sys.executable, "-m", "kaoping.cli", "score", scheme, str(data), "--format", fmt]
    start = time.perf_counter()
    child = subprocess.Popen([*argv, "-o", str(out)], stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    err = child.stderr.read().decode() if child.stderr else ""
    if child.returncode != 0:
        sys.exit(f"kaoping score failed ({child.returncode}): {err[:2000]}")
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }


def phases(scheme: str, data: Path, fmt: str) -> None:
    """The pipeline in this process: time and memory in use after each phase."""
    import resource

    from kaoping import load_scheme
    from kaoping.io.data import load_file
    from kaoping.io.results import iter_json, iter_table
    from kaoping.scoring import score

    def in_use_mb() -> float:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    clock, cpu = time.perf_counter(), time.process_time()

    def mark(name: str) -> None:
        nonlocal clock, cpu
        now, now_cpu = time.perf_counter(), time.process_time()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"  {name:<8} wall {now - clock:7.1f} s  cpu {now_cpu - cpu:7.1f} s  "
            f"in use {in_use_mb():7.0f} MB  peak {peak:7.0f} MB"
        )
        clock, cpu = now, now_cpu

    compiled = load_scheme(scheme)
    mark("compile")
    units = load_file(data, compiled.model)
    mark("load")
    results = score(compiled, units)
    mark("score")
    for _ in iter_json(results) if fmt == "json" else iter_table(results):
        pass
    mark(fmt)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scheme", default="example-zh")
    parser.add_argument("--mb", type=float, default=None, help="file size (default 100 MB)")
    parser.add_argument("--units", type=int, default=None, help="number of units instead")
    parser.add_argument("--format", choices=["table", "json", "both"], default="both")
    parser.add_argument("--phases", action="store_true", help="also time each phase in-process")
    parser.add_argument("--keep", type=Path, help="write the data file here and keep it")
    args = parser.parse_args()
    mb = args.mb if args.mb is not None or args.units is not None else 100.0

    with tempfile.TemporaryDirectory() as tmp:
        data = args.keep or Path(tmp) / "data.json"
        count = generate(args.scheme, data, mb, args.units)
        size = data.stat().st_size / 1_000_000
        print(f"{args.scheme}: {count:,} units, {size:.1f} MB of JSON ({data})")
        formats = ["table", "json"] if args.format == "both" else [args.format]
        for fmt in formats:
            got = run(args.scheme, data, fmt, Path(tmp) / f"out.{fmt}")
            print(
                f"score --format {fmt:<5}  wall {got['wall_s']:6.1f} s  cpu {got['cpu_s']:6.1f} s  "
                f"peak RSS {got['peak_rss_mb']:6.0f} MB  "
                f"{count / got['cpu_s']:,.0f} units per cpu-second"
            )
            if args.phases:
                phases(args.scheme, data, fmt)


if __name__ == "__main__":
    main()
