"""How `kaoping check` scales with the size of a scheme.

A generator writes schemes of N items under one `scoring` block, in sections of 50, each item
reading one of 40 inputs, then one `let` per 10 items that reads an item and the `let` before it
(a chain of references across the whole block), a rank across the group and a grading. Two
shapes of item:

- `mixed` (the default): every other item a block of three clauses (`start max`, a deduction
  per shortfall, `until zero`), the others one-line formulas (`= least(x, 5)`): about 19 tokens
  an item, as the shipped schemes write them;
- `one-line`: every item a one-line formula, about 10 tokens an item.

The figures, each the median of --repeat runs: the wall time and the CPU time (user + system)
of the real command, `kaoping check FILE`, in a fresh process (interpreter start and imports
included); and the in-process wall time of what `check` does (parse, lower, check, emit the
Python module and compile it). On a machine shared with other work the wall times grow with the
load, which is printed; the CPU time much less.

Run from the repository root:

    .venv/bin/python benchmarks/check_bench.py [--sizes 100,1000,5000] [--repeat 3]
        [--shape mixed|one-line]

Before timing, each generated scheme is scored for one unit and its total compared with the
total the generator works out by itself (exact fractions); a difference exits 1.
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
from fractions import Fraction
from pathlib import Path

SECTION = 50  # items per section
INPUTS = 40  # inputs the items read, in turn
LET_EVERY = 10  # one `let` per this many items
BIN = Path(sys.executable).parent / "kaoping"


def block_item(i: int, shape: str) -> bool:
    return shape == "mixed" and i % 2 == 0


def scheme(n: int, shape: str = "mixed") -> str:
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
            if block_item(i, shape):
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


def expected_total(n: int, x: list[Fraction], shape: str) -> Fraction:
    """The total worked out from the generator's own rules, not by kaoping."""
    total = Fraction(0)
    for i in range(n):
        v = x[i % INPUTS]
        if block_item(i, shape):  # start 5, minus 1 per point short of 4, never below 0
            total += max(5 - max(4 - v, Fraction(0)), Fraction(0))
        else:
            total += min(v, Fraction(5))
    return total


def agree(n: int, path: Path, shape: str) -> None:
    from kaoping.compiler.load import compile_sources
    from kaoping.io.validate import validate
    from kaoping.scoring import score

    x = [Fraction(k % 11) for k in range(INPUTS)]
    compiled = compile_sources(f"bench{n}", {str(path): path.read_text("utf-8")})
    facts = {f"x{k}": str(v) for k, v in enumerate(x)}
    units = validate(
        {"units": [{"unit": "U1", "group": "单位", "facts": facts}]}, compiled.model, "bench"
    )
    got = score(compiled, units).units[0].total
    want = expected_total(n, x, shape)
    if Fraction(int(got.numerator), int(got.denominator)) != want:
        sys.exit(f"{n} items: kaoping's total {got} differs from the generator's {want}")


def in_process(path: Path) -> float:
    from kaoping.compiler import load

    sources = {str(path): path.read_text("utf-8")}
    start = time.perf_counter()
    _, diags = load.frontend(sources)
    took = time.perf_counter() - start
    errors = [d for d in diags if d.severity == "error"]
    if errors:
        sys.exit(f"{path}: the generated scheme does not check: {errors[0].headline()}")
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
    parser.add_argument("--shape", choices=("mixed", "one-line"), default="mixed")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"generated_{n}.rules"
            path.write_text(scheme(n, args.shape), "utf-8")
            agree(n, path, args.shape)
            lines = path.read_text("utf-8").count("\n")
            runs = [command(path) for _ in range(args.repeat)]
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            inner = statistics.median(in_process(path) for _ in range(args.repeat))
            rows.append((n, lines, wall, cpu, inner))
    load = os.getloadavg()[0]
    print(f"shape {args.shape}; {os.cpu_count()} cores, load average {load:.1f}")
    print(f"{'items':>6} {'lines':>7} {'check wall':>11} {'check CPU':>10} {'in-process':>11}")
    for n, lines, wall, cpu, inner in rows:
        print(f"{n:>6,} {lines:>7,} {wall:>10.2f}s {cpu:>9.2f}s {inner:>10.2f}s")
    if len(rows) > 1:
        (n0, _, _, c0, _), (n1, _, _, c1, _) = rows[0], rows[-1]
        print(f"{n1:,} items vs {n0:,}: {n1 / n0:.0f}× the items, {c1 / c0:.1f}× the CPU time")


if __name__ == "__main__":
    main()
