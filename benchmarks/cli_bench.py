"""The command line end to end against hand-written numpy: `kaoping score` reading a CSV,
scoring it and writing the results (JSON, CSV or Parquet), in a fresh process, its wall time
and peak RSS, beside the time numpy's hand-written version of the same formula takes to
evaluate the same units (../shared/bench, the 盘山县 六(一) formula in benchmarks/panshan_bench.rules).

    .venv/bin/python benchmarks/cli_bench.py --sizes 100000
    nice .venv/bin/python benchmarks/cli_bench.py --sizes 1000000 --repeat 1
    nice .venv/bin/python benchmarks/cli_bench.py --requirements --src ../main/src

`--requirements` adds two data requirements every unit meets to the scheme (as 盘山
`校验` lines: a given input or a bound, a sum within bounds); `--grading` adds a grading
(优秀 the top 20% rounded half-up, 不合格 below 60, 合格 the others); `--consequences` adds
that grading and consequences reading it (an output 绩效奖金系数, 1.2 for 优秀 and 1 for the
others; a flag 警示 on 不合格); `--src` runs kaoping from
another source folder (an older checkout), for a before/after comparison in one run.

After each format, the time writing as many bytes as its results file takes here (from
memory, synced as kaoping syncs its output) is printed as a floor: no program writing that
file could take less.

Before timing, the totals and ranks the CLI wrote are checked against the Decimal reference
(rounded half-even to 6 places, as the scheme rounds), with `--grading` the grades and with
`--consequences` the output and the flags; a difference stops the script (exit 1).
The machine is shared: the load average is printed with the figures."""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RULES = HERE / "panshan_bench.rules"
# ../shared/bench beside the repository (or beside the folder holding a worktree)
BENCH = next(
    (p / "shared" / "bench" for p in HERE.parents if (p / "shared" / "bench" / "gen.py").is_file()),
    HERE.parents[1] / "shared" / "bench",
)
SEED = 2018
GROUP = "单位"

if not (BENCH / "gen.py").is_file():
    sys.exit(f"cli_bench.py: the shared peer benchmark was not found at {BENCH}")
sys.path.insert(0, str(BENCH))
import importlib  # noqa: E402
import types  # noqa: E402

import gen  # noqa: E402  (the shared generator)

# peers/__init__ imports every peer (zen, OpenFisca): only the two used here are loaded
_peers = types.ModuleType("peers")
_peers.__path__ = [str(BENCH / "peers")]
sys.modules["peers"] = _peers
hnp = importlib.import_module("peers.handwritten_numpy")
hpy = importlib.import_module("peers.handwritten_py")

COMMON_KEYS = [f"common_{i:02d}" for i in range(1, gen.N_COMMON + 1)]


def write_csv(recs: list[dict[str, Any]], path: Path) -> None:
    """The units as a CSV data file: numbers as the text a spreadsheet would save."""
    header = ["unit", "group", *gen.SCORES, *gen.COUNTS, *COMMON_KEYS]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i, r in enumerate(recs):
            scores = ["" if r[k] is None else repr(r[k]) for k in gen.SCORES]
            counts = [str(r[k]) for k in gen.COUNTS]
            w.writerow([f"u{i:07d}", GROUP, *scores, *counts, *(repr(x) for x in r["common"])])


REQUIREMENTS = (
    '    校验 有值(prov) 或 有值(city) 或 own ≥ 0 条款 "002 四(一)1.1)"\n'
    "    校验 leader + office + mutual ≤ 300\n"
)


GRADING = (
    "\n枚举 等次: 优秀, 合格, 不合格\n\n"
    "评定 等次:\n"
    "    优秀 前 20% 四舍五入\n"
    "    不合格 若 总分 < 60\n"
    "    合格 其余\n"
)


CONSEQUENCES = (
    "\n结果运用:\n"
    "    输出 绩效奖金系数 = 若 等次 = 优秀 则 1.2 否则 1\n"
    "    标记 警示 若 等次 = 不合格\n"
)


def with_additions(
    folder: Path, requirements: bool, grading: bool, consequences: bool = False
) -> Path:
    """The bench scheme with REQUIREMENTS at the head of its scoring block, GRADING at its
    end and CONSEQUENCES after it, as asked."""
    lines = RULES.read_text(encoding="utf-8").splitlines(keepends=True)
    if requirements:
        at = next(i for i, line in enumerate(lines) if line.startswith("评分 ")) + 1
        lines = [*lines[:at], REQUIREMENTS, *lines[at:]]
    if grading or consequences:
        lines.append(GRADING)
    if consequences:
        lines.append(CONSEQUENCES)
    path = folder / "panshan_bench_more.rules"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def run_cli(
    data: Path, out: Path, extra: list[str], rules: Path = RULES, src: str | None = None
) -> tuple[float, float, float]:
    """`kaoping score` in a child process: wall seconds, CPU seconds (user + system) and peak
    RSS in MiB. GNU time starts it: a child forked from this (large) process would report this
    process's memory as its own peak (Linux keeps the high-water mark across fork and exec)."""
    argv = [sys.executable, "-m", "kaoping.cli", "score", str(rules), str(data), "-o", str(out)]
    timing = ["/usr/bin/time", "-f", "figures %e %U %S %M"]
    env = {**os.environ, "PYTHONPATH": str(Path(src).resolve())} if src else None
    child = subprocess.run([*timing, *argv, *extra], stderr=subprocess.PIPE, text=True, env=env)
    last = child.stderr.strip().splitlines()[-1] if child.stderr.strip() else ""
    if child.returncode != 0 or not last.startswith("figures "):
        sys.exit(f"kaoping score failed:\n{child.stderr}")
    wall, user, system, kib = (float(x) for x in last.split()[1:])
    return wall, user + system, kib / 1024


def numpy_eval(recs: list[dict[str, Any]], repeat: int) -> float:
    cols = gen.columns(recs)
    model = hnp.build()
    prepared = hnp.prepare(model, cols)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        hnp.evaluate(model, prepared)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def reference(recs: list[dict[str, Any]]) -> tuple[list[Any], list[int]]:
    """The Decimal reference's totals and ranks, in input order."""
    model = hpy.build_exact()
    totals, ranks = hpy.evaluate_exact(model, hpy.prepare_exact(model, recs))
    return list(totals), [int(r) for r in ranks]


def written_units(out: Path) -> Any:
    """The units of the results JSON; a compact file is read a line (a unit) at a time."""
    with out.open(encoding="utf-8") as f:
        first = f.readline()
        if first.rstrip().endswith('"units":['):
            for line in f:
                line = line.rstrip().removesuffix(",")
                if line.startswith('{"unit"'):
                    yield json.loads(line)
            return
    yield from json.loads(out.read_text("utf-8"))["units"]


def check(
    want: tuple[list[Any], list[int]], out: Path, grading: bool = False, consequences: bool = False
) -> None:
    """The CLI's totals and ranks (and with `grading`, grades; with `consequences`, the output
    and the flags) equal the Decimal reference's, unit for unit."""
    totals, ranks = want
    six = Decimal("0.000001")
    # GRADING: places 1 to 20% of the units (rounded half-up) 优秀, ties at the boundary too
    top = int((Decimal(len(totals)) * Decimal("0.2")).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    bad = seen = 0
    for entry in written_units(out):
        i = int(entry["unit"][1:])
        seen += 1
        expected = Decimal(totals[i]).quantize(six, rounding=ROUND_HALF_EVEN)
        if Decimal(entry["total"]) != expected or entry["rank"] != ranks[i]:
            bad += 1
        elif grading or consequences:
            grade = "优秀" if ranks[i] <= top else ("不合格" if expected < 60 else "合格")
            bad += entry["grade"] != grade
            if consequences:
                factor = "1.2" if grade == "优秀" else "1"
                bad += entry["outputs"] != {"绩效奖金系数": factor}
                bad += entry["flags"] != (["警示"] if grade == "不合格" else [])
    if bad or seen != len(totals):
        sys.exit(f"disagreement: {bad} unit(s) differ from the Decimal reference")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--repeat", type=int, default=1, help="CLI runs per size (median)")
    ap.add_argument("--formats", default="json", help="output formats: json,csv,parquet")
    ap.add_argument("--backend", help="pass --backend to kaoping score (when it has one)")
    ap.add_argument("--requirements", action="store_true", help="the scheme with requirements")
    ap.add_argument("--grading", action="store_true", help="the scheme with a grading")
    ap.add_argument(
        "--consequences", action="store_true", help="the scheme with a grading and consequences"
    )
    ap.add_argument("--src", help="also run kaoping from this source folder (before/after)")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()}")
    for n in [int(s) for s in args.sizes.split(",")]:
        recs = gen.records(gen.generate(n, SEED))
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "units.csv"
            write_csv(recs, data)
            rules = (
                with_additions(Path(tmp), args.requirements, args.grading, args.consequences)
                if args.requirements or args.grading or args.consequences
                else RULES
            )
            np_s = numpy_eval(recs, 5)
            want = reference(recs)
            del recs  # the CLI runs beside this process: keep it small
            for fmt in args.formats.split(","):
                out = Path(tmp) / f"results.{fmt}"
                extra = ["--format", "json"] if fmt == "json" else []
                if args.backend:
                    extra += ["--backend", args.backend]
                # old and new alternate (`--src`: the other source folder's kaoping first)
                for label, src in ([("before", args.src)] if args.src else []) + [("", None)]:
                    runs = []
                    for _ in range(args.repeat):
                        runs.append(run_cli(data, out, extra, rules, src))
                        if fmt == "json":
                            check(want, out, args.grading, args.consequences)
                    report(n, fmt, runs, np_s, f"{label} " if label else "")
                floor(out, np_s)
    print(f"load average after: {os.getloadavg()}")
    return 0


def floor(out: Path, np_s: float) -> None:
    """What writing the results file's bytes alone takes here (the same size, from memory,
    to a new file beside it, synced as `kaoping score` syncs its output): the least any
    program writing that file could take, as a multiple of numpy's eval."""
    size = out.stat().st_size
    block = b"\0" * (64 << 20)
    path = out.with_name(out.name + ".floor")
    start = time.perf_counter()
    with path.open("wb") as f:
        for at in range(0, size, len(block)):
            f.write(block[: min(len(block), size - at)])
        f.flush()
        os.fsync(f.fileno())
    took = time.perf_counter() - start
    path.unlink()
    print(
        f"    writing {size / 2**20:,.0f} MiB alone (from memory, fsync): {took:.1f} s, "
        f"{took / np_s:,.0f}× numpy eval"
    )


def report(
    n: int, fmt: str, runs: list[tuple[float, float, float]], np_s: float, label: str
) -> None:
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    rss = max(r[2] for r in runs)
    print(
        f"{label}N={n:,} CSV → {fmt}: CLI wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS "
        f"{rss:,.0f} MiB ({rss * 1024 / n:.2f} KiB a unit); numpy eval "
        f"{np_s * 1000:.1f} ms; CLI ÷ numpy eval: {wall / np_s:,.0f}× (wall), "
        f"{cpu / np_s:,.0f}× (CPU)"
    )


if __name__ == "__main__":
    sys.exit(main())
