"""How `kaoping check` scales with the size of a scheme.

A generator writes schemes of N items: sections of 50 items under one `scoring` block, each
item reading one of a few dozen inputs (`start max`, a deduction per shortfall, `until zero`,
or a one-line formula), and one `let` per 10 items that reads an item of its section and the
`let` before it (a chain of references across the whole block), then a rank and a grading.
Every figure is the wall time of the real command, `kaoping check FILE`, in a fresh process
(interpreter start and imports included), the median of --repeat runs; the in-process time of
the checker alone (parse, lower, check, emit and compile the generated module, as `check` does)
is printed next to it.

Run from the repository root:

    .venv/bin/python benchmarks/check_bench.py [--sizes 100,1000,5000] [--repeat 3]

Before timing, each generated scheme is scored for one unit and its total compared with the
total the generator works out by itself; a difference exits 1.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

SECTION = 50  # items per section
INPUTS = 40  # inputs the items read, in turn
LET_EVERY = 10  # one `let` per this many items
BIN = Path(sys.executable).parent / "kaoping"


def scheme(n: int) -> str:
    """A scheme of n items (English keywords), every line valid."""
    lines = [
        f'scheme "generated, {n} items"',
        "group 单位",
        "enum 等次: 好, 中, 差",
    ]
    lines += [f'input x{k}: number 0 to 10 "input {k}"' for k in range(INPUTS)]
    lines.append("scoring 单位:")
    for first in range(0, n, SECTION):
        size = min(SECTION, n - first)
        lines.append(f"    section S{first // SECTION} max {5 * size}:")
        for i in range(first, first + size):
            x = f"x{i % INPUTS}"
            if i % 2 == 0:
                lines += [
                    f"        item I{i} max 5:",
                    "            start max",
                    f"            deduct 1 per shortfall({x}, 4)",
                    "            until zero",
                ]
            else:
                lines.append(f"        item I{i} max 5 = least({x}, 5)")
    for i in range(0, n, LET_EVERY):
        prev = f" + L{i - LET_EVERY} / 2" if i else ""
        lines.append(f"    let L{i} = I{i}{prev}")
    lines += [
        "    across group:",
        "        let 名次 = rank by total",
        "grading 等次:",
        "    好 top 1",
        "    差 if total < 1",
        "    中 otherwise",
    ]
    return "\n".join(lines) + "\n"


def expected_total(n: int, x: list[Decimal]) -> Decimal:
    """The total worked out from the generator's own rules, not by kaoping."""
    total = Decimal(0)
    for i in range(n):
        v = x[i % INPUTS]
        if i % 2 == 0:
            total += max(Decimal(5) - max(Decimal(4) - v, Decimal(0)), Decimal(0))
        else:
            total += min(v, Decimal(5))
    return total.quantize(Decimal("0.01"))


def agree(n: int, path: Path) -> None:
    from kaoping.compiler.load import compile_sources
    from kaoping.io.data import validate
    from kaoping.scoring import score

    x = [Decimal(k % 11) for k in range(INPUTS)]
    compiled = compile_sources(f"bench{n}", {str(path): path.read_text("utf-8")})
    raw = {
        "units": [
            {"unit": "U1", "group": "单位", "facts": {f"x{k}": str(v) for k, v in enumerate(x)}}
        ]
    }
    units = validate(raw, compiled.model, "bench")
    results = score(compiled, units)
    got = results.units[0].total
    want = expected_total(n, x)
    if got != want:
        sys.exit(f"{n} items: kaoping's total {got} differs from the generator's {want}")


def in_process(path: Path) -> float:
    from kaoping.compiler import load

    sources = {str(path): path.read_text("utf-8")}
    start = time.perf_counter()
    _, diags = load.frontend(sources)
    took = time.perf_counter() - start
    errors = [d for d in diags if d.severity == "error"]
    if errors:
        sys.exit(f"{path}: the generated scheme does not check: {errors[0]}")
    return took


def command(path: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of `kaoping check FILE` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([str(BIN), "check", str(path)], capture_output=True, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"kaoping check {path} exited {done.returncode}:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = []
        for n in sizes:
            path = folder / f"generated_{n}.rules"
            path.write_text(scheme(n), "utf-8")
            agree(n, path)
            lines = path.read_text("utf-8").count("\n")
            runs = [command(path) for _ in range(args.repeat)]
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            inner = statistics.median(in_process(path) for _ in range(args.repeat))
            rows.append((n, lines, wall, cpu, inner))
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load average {load:.1f} (wall times grow with the load)")
    print(
        f"{'items':>6} {'lines':>7} {'check wall':>11} {'check CPU':>10} {'in-process':>11} {'per item':>9}"
    )
    for n, lines, wall, cpu, inner in rows:
        print(
            f"{n:>6,} {lines:>7,} {wall:>10.2f}s {cpu:>9.2f}s {inner:>10.2f}s "
            f"{inner / n * 1000:>7.2f}ms"
        )
    if len(rows) > 1:
        (n0, *_, t0), (n1, *_, t1) = rows[0], rows[-1]
        print(
            f"{n1:,} items vs {n0:,}: {n1 / n0:.0f}× the items, {t1 / t0:.1f}× the in-process time"
        )


if __name__ == "__main__":
    main()
