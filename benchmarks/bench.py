"""kaoping against the hand-written peers of the shared benchmark (盘山县 2018, 六(一)).

What is measured, per population size N (medians of --repeat runs, one process):

- kaoping
  - build: a full compile of benchmarks/panshan_bench.rules (parse, check, emit, exec) with the
    content-hash cache emptied before each run; the grammar is already loaded. Printed apart:
    the first compile in the process (grammar included) and a cached compile (a cache hit).
  - prep: gen.records() dicts -> validated UnitData: floats to their shortest repr text
    (87.3 -> "87.3", the text a JSON data file carries; decimal_ref's prep reads the same text
    into Decimal), `common` split into common_01..common_25, then kaoping.io.validate.validate(),
    which reads each text into an exact rational.
  - eval: kaoping.scoring.score(backend="unit") (totals and ranks for all N units, by the
    per-unit backend: `score` would pick the columnar one from 1,000 units with "auto"), then
    the totals and ranks read back into input order. Eval is timed in wall-clock and in CPU
    time (`time.process_time`, steadier on a shared machine); the load average is printed.
- the peers decimal_ref, handwritten_py, handwritten_numpy (and zen, openfisca, openfisca_f32
  when their packages import), through build/prepare/evaluate of peers.PEERS, timed as in the
  shared run.py.

Before any timing, at every size, agreement is checked: each kaoping total must equal
decimal_ref's total rounded half-even to 6 places (both compared as fractions, exactly), and
kaoping's ranks must equal
decimal_ref's; the float peers must be within 1e-9 of decimal_ref with identical ranks. Any
disagreement prints the first units that differ and exits 1.

After timing, kaoping is run once more at the largest size under tracemalloc (untimed) to
report its peak Python memory for prep and eval; the process's peak RSS is printed too.

Run from the repository root (numpy must be installed in the venv):

    .venv/bin/python benchmarks/bench.py [--sizes 1000,10000,100000] [--repeat 3] [--json FILE]

The machine note: 2 cores, shared with other work, noisy (run-to-run noise reaches ~30% for
the pure-Python peers). Ratios between peers measured in the same run matter more than the
absolute figures.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
import types
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from operator import attrgetter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RULES = HERE / "panshan_bench.rules"
# ../shared/bench beside the repository (or beside a folder holding it, as a git worktree)
BENCH = next(
    (
        p / "shared" / "bench"
        for p in Path(__file__).resolve().parents[1:4]
        if (p / "shared" / "bench").is_dir()
    ),
    Path(__file__).resolve().parents[1].parent / "shared" / "bench",
)
SEED = 2018
GROUP = "单位"
SIX_PLACES = Decimal("0.000001")
FLOAT_TOL = 1e-9
BASE_PEERS = ("decimal_ref", "handwritten_py", "handwritten_numpy")
OPTIONAL_PEERS = ("zen", "openfisca", "openfisca_f32")

if not (BENCH / "gen.py").is_file() or not (BENCH / "peers").is_dir():
    sys.exit(
        f"bench.py: the shared peer benchmark was not found at {BENCH} "
        "(expected gen.py and peers/ there, beside this repository)"
    )
sys.path.insert(0, str(BENCH))
try:
    import gen  # the shared generator
except ImportError as err:
    sys.exit(f"bench.py: cannot import {BENCH / 'gen.py'}: {err} (is numpy installed?)")

from kaoping.compiler import load  # noqa: E402
from kaoping.io.validate import UnitData, validate  # noqa: E402
from kaoping.scoring import score  # noqa: E402

COMMON_KEYS = [f"common_{i:02d}" for i in range(1, gen.N_COMMON + 1)]


def load_peers() -> dict[str, tuple[Any, ...]]:
    """peers.PEERS; when zen or openfisca-core is missing, peers/__init__ cannot be imported,
    so the package is stood up without it and the always-available peers are registered the
    way peers/__init__ registers them."""
    try:
        from peers import PEERS

        return dict(PEERS)
    except ImportError as err:
        print(f"note: peers/__init__ did not import ({err}); zen and OpenFisca peers skipped")
        for name in [m for m in sys.modules if m == "peers" or m.startswith("peers.")]:
            del sys.modules[name]
    pkg = types.ModuleType("peers")
    pkg.__path__ = [str(BENCH / "peers")]
    sys.modules["peers"] = pkg
    hpy = importlib.import_module("peers.handwritten_py")
    hnp = importlib.import_module("peers.handwritten_numpy")
    return {
        "handwritten_numpy": ("columns", hnp.build, hnp.prepare, hnp.evaluate),
        "handwritten_py": ("records", hpy.build, hpy.prepare, hpy.evaluate),
        "decimal_ref": ("records", hpy.build_exact, hpy.prepare_exact, hpy.evaluate_exact),
    }


# ------------------------------------------------------------------------------ kaoping


def k_build() -> load.CompiledScheme:
    load._CACHE.clear()  # a full compile every run, as the peers build every run
    return load.compile_paths("panshan_bench", [RULES])


def k_prepare(scheme: load.CompiledScheme, recs: list[dict[str, Any]]) -> list[UnitData]:
    units = []
    for i, r in enumerate(recs):
        facts: dict[str, Any] = {k: r[k] for k in gen.COUNTS}
        for k in gen.SCORES:
            v = r[k]
            facts[k] = None if v is None else repr(v)
        facts.update(zip(COMMON_KEYS, [repr(x) for x in r["common"]], strict=True))
        units.append({"unit": f"u{i:07d}", "group": GROUP, "facts": facts})
    return validate({"units": units}, scheme.model, "gen.records")


def k_evaluate(scheme: load.CompiledScheme, units: list[UnitData]) -> tuple[list[Any], list[int]]:
    results = score(scheme, units, backend="unit")  # the per-unit backend, whatever the size
    # names are u0000000, u0000001, ...: the input index is the number after the "u"
    totals: list[Any] = [0] * len(units)
    ranks = [0] * len(units)
    for r in results.units:
        i = int(r.name[1:])
        totals[i] = r.total
        ranks[i] = r.rank if r.rank is not None else 0
    return totals, ranks


KAOPING = ("records", k_build, k_prepare, k_evaluate)


def k_phases(scheme: load.CompiledScheme, units: list[UnitData], repeat: int) -> dict[str, float]:
    """CPU time (`time.process_time`, the least of `repeat` runs) of each phase of kaoping's
    eval, the steps `kaoping.scoring.score` takes on this scheme (one block, no checks, no
    consequences, no grading), with the collector paused as `score` pauses it; "eval" is the
    whole of `k_evaluate`, which also reads the results back and lets the collector scan what
    scoring made."""
    from kaoping import scoring
    from kaoping.runtime.unit import Run

    ns = scheme.namespace
    best: dict[str, float] = {}

    def note(name: str, start: float) -> float:
        now = time.process_time()
        best[name] = min(best.get(name, float("inf")), now - start)
        return now

    for _ in range(repeat):
        gc.collect()
        t = time.process_time()
        k_evaluate(scheme, units)
        note("eval", t)
        gc.collect()
        with scoring.paused_gc():
            t = time.process_time()
            run = Run({})
            made = [scoring._unit(scheme, d, None, False, run) for d in units]
            made.sort(key=attrgetter("group", "name"))
            t = note("units made", t)
            for u in made:
                ns[f"unit_{u.block}_fast"](u)
            t = note("per-unit values", t)
            for block in sorted({u.block for u in made}):
                ns[f"group_{block}_fast"]([u for u in made if u.block == block])
            t = note("group values (rank)", t)
            ns["grade"](made)
            scoring.unit_results(made, ns["RANK_VALUE"])
            note("grading, results", t)
    return best


# ------------------------------------------------------------------------------ agreement


def check_agreement(n: int, peers: dict[str, tuple[Any, ...]], inputs: dict[str, Any]) -> list[str]:
    """Problems found at this size (empty: every implementation agrees)."""
    problems: list[str] = []
    outs = {}
    for name, peer in [("kaoping", KAOPING), *peers.items()]:
        kind, build, prepare, evaluate = peer
        model = build()
        outs[name] = evaluate(model, prepare(model, inputs[kind]))
    ref_totals, ref_ranks = outs["decimal_ref"]
    ref_ranks = list(map(int, ref_ranks))
    # exact comparison: kaoping's rational total and the reference's decimal, both as fractions
    expect = [Fraction(t.quantize(SIX_PLACES, rounding=ROUND_HALF_EVEN)) for t in ref_totals]

    def report(name: str, bad: list[int], what: Any) -> None:
        problems.append(f"N={n} {name}: {len(bad)} unit(s) disagree with decimal_ref")
        for i in bad[:5]:
            problems.append(f"    unit {i}: {what(i)}")

    k_totals, k_ranks = outs.pop("kaoping")
    got = [Fraction(int(t.numerator), int(t.denominator)) for t in k_totals]
    bad = [i for i in range(n) if got[i] != expect[i]]
    if bad:
        report("kaoping totals", bad, lambda i: f"kaoping {k_totals[i]}, expected {expect[i]}")
    bad = [i for i in range(n) if k_ranks[i] != ref_ranks[i]]
    if bad:
        report("kaoping ranks", bad, lambda i: f"kaoping {k_ranks[i]}, expected {ref_ranks[i]}")
    for name, (totals, ranks) in outs.items():
        if name == "decimal_ref":
            continue
        tol = 1e-4 if name == "openfisca_f32" else FLOAT_TOL  # float32 storage, by design
        bad = [i for i in range(n) if abs(float(totals[i]) - float(ref_totals[i])) > tol]
        if name != "openfisca_f32":
            bad += [i for i in range(n) if int(ranks[i]) != ref_ranks[i]]
        if bad:
            report(name, sorted(set(bad)), lambda i, t=totals: f"{t[i]} vs {ref_totals[i]}")
    return problems


# ------------------------------------------------------------------------------ timing


def time_peer(peer: tuple[Any, ...], inp: Any, repeat: int) -> list[float]:
    _kind, build, prepare, evaluate = peer
    runs = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        model = build()
        t1 = time.perf_counter()
        prepared = prepare(model, inp)
        t2 = time.perf_counter()
        c2 = time.process_time()
        evaluate(model, prepared)
        t3 = time.perf_counter()
        runs.append((t1 - t0, t2 - t1, t3 - t2, time.process_time() - c2))
        del model, prepared
    return [statistics.median(col) for col in zip(*runs, strict=True)]


def _load() -> str:
    """The 1, 5 and 15-minute load averages (the machine is shared: figures depend on it)."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def compile_times(repeat: int) -> dict[str, float]:
    load._CACHE.clear()
    t0 = time.perf_counter()
    load.compile_paths("panshan_bench", [RULES])
    first = time.perf_counter() - t0
    cached = []
    for _ in range(max(repeat, 5)):
        t0 = time.perf_counter()
        load.compile_paths("panshan_bench", [RULES])
        cached.append(time.perf_counter() - t0)
    return {"first_compile_s": first, "cached_compile_s": statistics.median(cached)}


def memory_at(n: int, recs: list[dict[str, Any]]) -> dict[str, float]:
    """Peak Python allocations (tracemalloc) of kaoping's prep and eval at size n; untimed."""
    scheme = load.compile_paths("panshan_bench", [RULES])
    gc.collect()
    tracemalloc.start()
    units = k_prepare(scheme, recs)
    prep_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    results = k_evaluate(scheme, units)
    eval_peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    del units, results
    return {"n": n, "prep_peak_mb": prep_peak / 2**20, "eval_peak_mb": eval_peak / 2**20}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", help="write the rows and the environment to this file")
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    ap.add_argument(
        "--phases",
        action="store_true",
        help="also print the CPU time of each phase of kaoping's eval at every size",
    )
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]

    peers = load_peers()
    order = [p for p in (*BASE_PEERS, *OPTIONAL_PEERS) if p in peers]
    import numpy

    env = {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "machine": platform.machine(),
        "seed": SEED,
        "repeat": a.repeat,
    }
    print(env, flush=True)
    print(f"load average at the start: {_load()}", flush=True)
    comp = compile_times(a.repeat)
    print(
        f"kaoping compile: first {comp['first_compile_s'] * 1e3:.1f} ms (grammar included), "
        f"cached {comp['cached_compile_s'] * 1e3:.3f} ms",
        flush=True,
    )

    rows: list[dict[str, Any]] = []
    phases: dict[int, dict[str, float]] = {}
    failures: list[str] = []
    for n in sizes:
        cols = gen.generate(n, SEED)
        inputs = {"columns": cols, "records": gen.records(cols)}
        problems = check_agreement(n, peers, inputs)
        print(
            f"agreement N={n:,}: "
            + (
                "OK (kaoping totals = decimal_ref to 1e-6 half-even, exactly as fractions; "
                "ranks identical)"
                if not problems
                else "FAILED"
            ),
            flush=True,
        )
        if problems:
            failures += problems
            print("\n".join(problems), flush=True)
            continue
        for name in ["kaoping", *order]:
            peer = KAOPING if name == "kaoping" else peers[name]
            build_s, prep_s, eval_s, cpu_s = time_peer(peer, inputs[peer[0]], a.repeat)
            rows.append(
                {
                    "peer": name,
                    "n": n,
                    "build_s": build_s,
                    "prep_s": prep_s,
                    "eval_s": eval_s,
                    "eval_cpu_s": cpu_s,
                }
            )
            print(
                f"{name:18} N={n:>9,}  build {build_s * 1e3:8.1f} ms  prep {prep_s:8.3f} s  "
                f"eval {eval_s:9.4f} s (CPU {cpu_s:.4f} s)  {n / eval_s:12,.0f} units/s",
                flush=True,
            )
        if a.phases:
            scheme = k_build()
            parts = k_phases(scheme, k_prepare(scheme, inputs["records"]), max(a.repeat, 5))
            ref = next(r for r in rows if r["n"] == n and r["peer"] == "decimal_ref")
            print(f"kaoping eval by phase, N={n:,} (CPU, least of {max(a.repeat, 5)} runs):")
            for name, cpu_s in parts.items():
                print(
                    f"  {name:22} {cpu_s * 1e3:8.1f} ms  {cpu_s / n * 1e6:6.2f} µs a unit  "
                    f"{cpu_s / ref['eval_cpu_s']:5.2f}× decimal_ref's eval CPU"
                )
            phases[n] = parts
        del cols, inputs

    mem = None
    if rows and not a.no_memory:
        n = max(sizes)
        mem = memory_at(n, gen.records(gen.generate(n, SEED)))
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    base = {(r["n"], r["peer"]): r["eval_s"] for r in rows}
    cpu = {(r["n"], r["peer"]): r["eval_cpu_s"] for r in rows}
    print(f"load average at the end: {_load()}")
    print(
        "\n| peer | N | build ms | prep s | eval s | units/s (eval) | eval ÷ numpy "
        "| eval ÷ decimal_ref | eval CPU ÷ decimal_ref CPU |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        r["units_per_s"] = r["n"] / r["eval_s"]
        np_s = base.get((r["n"], "handwritten_numpy"))
        dec_s = base.get((r["n"], "decimal_ref"))
        r["ratio_vs_numpy"] = r["eval_s"] / np_s if np_s else None
        r["ratio_vs_decimal_ref"] = r["eval_s"] / dec_s if dec_s else None
        dec_cpu = cpu.get((r["n"], "decimal_ref"))
        r["cpu_ratio_vs_decimal_ref"] = r["eval_cpu_s"] / dec_cpu if dec_cpu else None
        print(
            f"| {r['peer']} | {r['n']:,} | {r['build_s'] * 1e3:.1f} | {r['prep_s']:.3f} | "
            f"{r['eval_s']:.4f} | {r['units_per_s']:,.0f} | {r['ratio_vs_numpy']:,.1f}× | "
            f"{r['ratio_vs_decimal_ref']:,.2f}× | {r['cpu_ratio_vs_decimal_ref']:,.2f}× |"
        )
    print(
        f"\nkaoping compile: first {comp['first_compile_s'] * 1e3:.1f} ms, "
        f"cached {comp['cached_compile_s'] * 1e3:.3f} ms"
    )
    if mem:
        print(
            f"kaoping peak memory at N={mem['n']:,} (tracemalloc): prep {mem['prep_peak_mb']:,.0f}"
            f" MiB (the validated units), eval {mem['eval_peak_mb']:,.0f} MiB above that; "
            f"process peak RSS {maxrss_mb:,.0f} MiB"
        )
    if a.json:
        Path(a.json).write_text(
            json.dumps(
                {
                    "env": env,
                    "compile": comp,
                    "memory": mem,
                    "maxrss_mb": maxrss_mb,
                    "rows": rows,
                    "kaoping_phases_cpu_s": phases,
                    "agreement_failures": failures,
                },
                indent=1,
                ensure_ascii=False,
            ),
            "utf-8",
        )
    if failures:
        print(f"\nDISAGREEMENT: {len(failures)} line(s) above; exit 1", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
