"""The columnar backend against hand-written numpy, the Decimal reference and the per-unit
backend, on two schemes, at 1e3 / 1e5 / 1e6 units (one process, one group of N units).

- panshan: benchmarks/panshan_bench.rules (盘山县 2018 六(一)) on ../shared/bench's generator;
  peers: handwritten_numpy (float64) and decimal_ref (Decimal, exact) from ../shared/bench.
- shuangxiang: shuangxiang-2012's 乡镇口 block (its cohort phase: ten items relative to the
  group's best, a rank for each, the group's mean standing in for items that do not apply, caps,
  the total and its rank) on generated data; peer: a hand-written numpy (float64) version of
  the same formula, below.

Timed (medians of --repeat runs): "columnar" = `scoring_columnar.score_columns` on columns
already built (the generated whole-table functions: per-unit phase and cohort phase), as
hand-written numpy is timed on its arrays ("with exact totals", shuangxiang: and then every
unit's exact total over one denominator, which a sum kept as parts builds only when read);
"columns" = building those exact columns from the
generator's numpy arrays (prep); "per-unit" = `scoring.score(backend="unit")` (eval only, up
to --unit-max units: it is slow). Agreement is checked at every size before timing: columnar
totals and ranks equal decimal_ref's exactly (panshan) and the per-unit backend's exactly
(both schemes, up to --unit-max), and the float peers within 1e-9. Peak memory: tracemalloc
over one columnar run at each size; the process's peak RSS at the end.

    nice .venv/bin/python benchmarks/columnar_bench.py [--sizes 1000,100000,1000000]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# ../shared/bench beside the repository (or beside a folder holding it, as a git worktree)
BENCH = next(
    (
        p / "shared" / "bench"
        for p in Path(__file__).resolve().parents[1:4]
        if (p / "shared" / "bench").is_dir()
    ),
    Path(__file__).resolve().parents[1].parent / "shared" / "bench",
)
if not (BENCH / "gen.py").is_file():
    sys.exit(f"columnar_bench.py: the shared benchmark was not found at {BENCH}")
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(HERE))
import gen  # noqa: E402
from bench import COMMON_KEYS, k_prepare, load_peers  # noqa: E402

from kaoping.compiler.load import compile_paths  # noqa: E402
from kaoping.io.data import validate  # noqa: E402
from kaoping.runtime.allocator import keep_freed_memory  # noqa: E402
from kaoping.runtime.columnar.numbers import Col, scaled  # noqa: E402
from kaoping.scoring import score  # noqa: E402
from kaoping.scoring_columnar import score_columns  # noqa: E402

SIX = Decimal("0.000001")


# the CPU time (user + system) of each timed run, beside its wall time: the steadier figure
# on a shared machine, and the one the ratios use
CPU: dict[int, float] = {}


def timed(fn: Any, repeat: int) -> float:
    """The median wall time of `repeat` runs (their median CPU time is kept in `CPU`)."""
    runs, cpu = [], []
    for _ in range(repeat):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    wall = statistics.median(runs)
    CPU[id(fn)] = statistics.median(cpu)
    return wall


def timed_cpu(row: dict[str, Any], key: str, fn: Any, repeat: int) -> None:
    """`row[key]` the median wall time, `row[key + "_cpu"]` the median CPU time."""
    row[key] = timed(fn, repeat)
    row[key + "_cpu"] = CPU.pop(id(fn))


def peak(fn: Any) -> int:
    gc.collect()
    tracemalloc.start()
    fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


# ------------------------------------------------------------------------------ panshan


def panshan_columns(d: dict[str, Any]) -> dict[str, Col]:
    """The generator's arrays as exact columns: scores are 0.1-point decimals (tenths)."""
    facts: dict[str, Col] = {}
    for k in gen.SCORES:
        missing = np.isnan(d[k])
        tenths = np.rint(np.where(missing, 0, d[k]) * 10).astype(np.int64)
        facts[k] = scaled(tenths, 10, ~missing if missing.any() else None)
    for i, k in enumerate(COMMON_KEYS):
        facts[k] = scaled(np.rint(d["common"][:, i] * 10).astype(np.int64), 10)
    for k in gen.COUNTS:
        facts[k] = scaled(d[k].astype(np.int64), 1)
    return facts


def panshan(n: int, repeat: int, unit_max: int, peers: dict[str, Any]) -> dict[str, Any]:
    scheme = compile_paths("panshan_bench", [HERE / "panshan_bench.rules"])
    d = gen.generate(n, seed=2018)
    facts = panshan_columns(d)
    values = score_columns(scheme, "单位", facts)
    totals, ranks = values["total"], values["名次"]
    # agreement: decimal_ref exactly (totals rounded half-even to 6 places, as the rules say)
    _, dbuild, dprep, deval = peers["decimal_ref"]
    model = dbuild()
    recs = gen.records(d)
    ref_totals, ref_ranks = deval(model, dprep(model, recs))
    got = [Fraction(int(x), totals.den) for x in totals.num.tolist()]
    want = [Fraction(t.quantize(SIX, rounding=ROUND_HALF_EVEN)) for t in ref_totals]
    assert got == want, "columnar totals differ from decimal_ref"
    assert ranks.num.tolist() == [int(r) for r in ref_ranks], "columnar ranks differ"
    _, nbuild, nprep, neval = peers["handwritten_numpy"]
    nmodel = nbuild()
    ntot, _ = neval(nmodel, nprep(nmodel, d))
    assert np.allclose(ntot, [float(t) for t in ref_totals], atol=1e-9, rtol=0)
    row: dict[str, Any] = {"scheme": "panshan", "n": n}
    if n <= unit_max:
        units = k_prepare(scheme, recs)
        res = score(scheme, units, backend="unit")
        by = {r.name: r for r in res.units}
        unit_totals = [by[f"u{i:07d}"].total for i in range(n)]
        assert [Fraction(int(t.numerator), int(t.denominator)) for t in unit_totals] == got
        row["per_unit"] = timed(lambda: score(scheme, units, backend="unit"), 1)
    timed_cpu(row, "columnar", lambda: score_columns(scheme, "单位", facts), repeat)
    row["columns"] = timed(lambda: panshan_columns(d), repeat)
    timed_cpu(row, "numpy", lambda: neval(nmodel, nprep(nmodel, d)), repeat)
    prepared = dprep(model, recs)
    row["decimal"] = timed(lambda: deval(model, prepared), 1)
    row["peak_columnar"] = peak(lambda: score_columns(scheme, "单位", facts))
    row["peak_numpy"] = peak(lambda: neval(nmodel, nprep(nmodel, d)))
    return row


# ------------------------------------------------------------------------------ shuangxiang

SX = ROOT / "src" / "kaoping" / "schemes" / "shuangxiang_2012"
# the ten 大块 of 乡镇口: (items with their base score constant or 满分, weight in the total)
SINGLE = {
    "决战园区": (100, 120),
    "招商引资": (100, 120),
    "城镇建设": (100, 80),
    "旅游启动": (100, 80),
    "发展环境": (100, 50),
    "财税工作": (500, 100),
}
SECTIONS = {
    "社会管理": (
        [
            "社会治安综合治理",
            "群众及信访",
            "安全生产",
            "环境保护",
            "精神文明创建",
            "计划生育",
            "群团工作",
        ],
        150,
    ),
    "民生工作": (["基层劳动保障及社会保险", "社会救助工作", "教育工作", "医疗保障水平"], 100),
    "农业农村工作": (["农业工作", "林业工作", "水利工作", "扶贫移民", "新农村建设"], 100),
    "党建综合工作": (["组织工作", "宣传工作", "廉政反腐建设", "统战工作", "人民武装"], 100),
}


def sx_data(n: int, constants: dict[str, Any]) -> dict[str, Any]:
    """Deductions at 0.5-point resolution (10% not applicable), bonus inputs, counts."""
    rng = np.random.default_rng(2012)
    d: dict[str, Any] = {}
    items = [k for k in SINGLE] + [i for items, _ in SECTIONS.values() for i in items]
    for item in items:
        top = SINGLE[item][0] if item in SINGLE else int(constants[f"乡镇口{item}分值"])
        halves = rng.integers(0, top * 2 // 3 + 1, n).astype(np.int64)  # deduction × 2
        missing = rng.random(n) < 0.10
        d[f"{item}扣分"] = (halves, missing)
    d["主管部门前三名次数"] = np.minimum(rng.poisson(0.5, n), 9).astype(np.int64)
    d["重点项目推进奖励分"] = rng.integers(0, 30, n).astype(np.int64)  # halves
    d["创建卫生城市奖励分"] = rng.integers(0, 30, n).astype(np.int64)
    return d


def sx_columns(d: dict[str, Any], constants: dict[str, Any], n: int) -> dict[str, Any]:
    from kaoping.runtime.columnar.numbers import Flags, Labels
    from kaoping.runtime.columnar.records import Records

    facts: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, tuple):
            halves, missing = v
            facts[k] = scaled(halves, 2, ~missing)
        elif k == "主管部门前三名次数":
            facts[k] = scaled(v, 1)
        else:
            facts[k] = scaled(v, 2)
    for name, value in constants.items():
        facts[name] = scaled(np.full(n, int(value), dtype=np.int64), 1)
    for k in (
        "社会治安综合治理一票否决",
        "人口和计划生育一票否决",
        "重大环保事故一票否决",
        "安全生产一票否决",
        "信访一票否决",
        "考评弄虚作假",
    ):
        facts[k] = Flags(np.zeros(n, dtype=bool))
    empty = np.zeros(0, dtype=np.int64)
    none = Labels(np.zeros(0, dtype=object))
    facts["所获表彰"] = Records(empty, n, {"级别": none, "性质": none})
    facts["所受通报批评"] = Records(empty, n, {"级别": none, "事项": none})
    return facts


def sx_numpy(d: dict[str, Any], constants: dict[str, Any]) -> tuple[Any, Any]:
    """The 乡镇口 formula by hand, float64: an item's base minus deductions (not below 0),
    the group's mean where it does not apply; each 大块 ranked, then ÷ the group's best × its
    weight (the weight when the best is 0); bonus 5 a count capped at 50; rewards capped at
    10; the total ranked."""

    def base(item: str, top: float) -> Any:
        halves, missing = d[f"{item}扣分"]
        value = np.maximum(top - halves / 2, 0.0)
        value[missing] = value[~missing].mean()
        return value

    def relative(x: Any, weight: float) -> Any:
        best = x.max()
        return x / best * weight if best else np.full(len(x), weight)

    def rank(x: Any) -> Any:  # 1 for the highest, equal values (to 1e-9) share a rank
        keys = np.rint(x * 1e9).astype(np.int64)
        order = np.argsort(-keys, kind="stable")
        k = keys[order]
        new = np.r_[True, k[1:] != k[:-1]]
        first = np.maximum.accumulate(np.where(new, np.arange(len(k)), 0))
        ranks = np.empty(len(k), np.int64)
        ranks[order] = first + 1
        return ranks

    total = 0.0
    block_ranks = []  # each 大块's 名次, as the rules compute them
    for item, (top, weight) in SINGLE.items():
        value = base(item, top)
        block_ranks.append(rank(value))
        total = total + relative(value, weight)
    for items, weight in SECTIONS.values():
        part = sum(base(i, float(constants[f"乡镇口{i}分值"])) for i in items)
        block_ranks.append(rank(part))
        total = total + relative(part, weight)
    total = total + np.minimum(50.0, 5.0 * d["主管部门前三名次数"])
    total = total + np.minimum(10.0, d["重点项目推进奖励分"] / 2)
    total = total + np.minimum(10.0, d["创建卫生城市奖励分"] / 2)
    return total, rank(total)


def sx_units(d: dict[str, Any], constants: dict[str, Any], n: int) -> Any:
    units = []
    for i in range(n):
        facts: dict[str, Any] = {}
        for k, v in d.items():
            if isinstance(v, tuple):
                halves, missing = v
                facts[k] = None if missing[i] else str(Fraction(int(halves[i]), 2).__float__())
            elif k == "主管部门前三名次数":
                facts[k] = int(v[i])
            else:
                facts[k] = str(int(v[i]) / 2)
        facts.update(
            {
                k: False
                for k in (
                    "社会治安综合治理一票否决",
                    "人口和计划生育一票否决",
                    "重大环保事故一票否决",
                    "安全生产一票否决",
                    "信访一票否决",
                    "考评弄虚作假",
                )
            }
        )
        facts.update({"所获表彰": [], "所受通报批评": []})
        units.append({"unit": f"u{i:07d}", "group": "乡镇口", "facts": facts})
    return units


def shuangxiang(n: int, repeat: int, unit_max: int) -> dict[str, Any]:
    scheme = compile_paths("shuangxiang-2012", sorted(SX.glob("*.rules")))
    sample = json.loads((SX / "sample.json").read_text("utf-8"))
    constants = {k: v for k, v in sample["constants"].items() if k.startswith("乡镇口")}
    d = sx_data(n, constants)
    facts = sx_columns(d, constants, n)
    values = score_columns(scheme, "乡镇口", facts)
    totals, ranks = values["total"], values["名次"]
    ntot, nranks = sx_numpy(d, constants)
    exact = np.array([float(Fraction(int(x), totals.den)) for x in totals.num.tolist()])
    assert np.allclose(exact, ntot, atol=1e-9, rtol=0), "columnar totals differ from numpy"
    # the exact ranks order numpy's totals too (to within float error), ties on equal totals;
    # where distinct exact totals lie within 1e-9, the float peer may tie them: counted
    order = np.argsort(ranks.num, kind="stable")
    by_rank, t = ranks.num[order], ntot[order]
    assert (np.diff(t) <= 1e-9).all(), "columnar ranks do not order the totals"
    tied = by_rank[1:] == by_rank[:-1]
    assert (np.abs(np.diff(t))[tied] <= 1e-9).all(), "columnar ties unequal totals"
    differ = int((ranks.num != nranks).sum())
    if differ:
        print(f"  N={n}: {differ} units ranked apart by the exact totals and tied by float's")
    row: dict[str, Any] = {"scheme": "shuangxiang", "n": n}
    if n <= unit_max:
        raw = {"constants": sample["constants"], "units": sx_units(d, constants, n)}
        units = validate(raw, scheme.model, "generated")
        res = score(scheme, units, backend="unit")
        by = {r.name: r for r in res.units}
        got = [by[f"u{i:07d}"].total for i in range(n)]
        want = [Fraction(int(x), totals.den) for x in totals.num.tolist()]
        assert [Fraction(int(t.numerator), int(t.denominator)) for t in got] == want
        assert [by[f"u{i:07d}"].rank for i in range(n)] == ranks.num.tolist()
        row["per_unit"] = timed(lambda: score(scheme, units, backend="unit"), 1)
    timed_cpu(row, "columnar", lambda: score_columns(scheme, "乡镇口", facts), repeat)
    # the totals are sums kept as parts; building every unit's exact total over one
    # denominator (what the results print) is timed apart, with the scoring
    row["with_totals"] = timed(lambda: score_columns(scheme, "乡镇口", facts)["total"].num, repeat)
    row["columns"] = timed(lambda: sx_columns(d, constants, n), repeat)
    timed_cpu(row, "numpy", lambda: sx_numpy(d, constants), repeat)
    row["peak_columnar"] = peak(lambda: score_columns(scheme, "乡镇口", facts))
    row["peak_numpy"] = peak(lambda: sx_numpy(d, constants))
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--unit-max", type=int, default=100000)
    ap.add_argument("--json")
    ap.add_argument(
        "--allocator",
        choices=("kept", "default"),
        default="kept",
        help="kept (as `kaoping score` runs): freed large blocks stay in the heap for reuse "
        "(kaoping.runtime.allocator), for kaoping and the peers alike; default: glibc's own",
    )
    args = ap.parse_args()
    peers = load_peers()
    kept = args.allocator == "kept" and keep_freed_memory()
    print(f"allocator: {'freed blocks kept' if kept else 'glibc default'}")
    print("load average at the start:", " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        for which in ("panshan", "shuangxiang"):
            if which == "panshan":
                row = panshan(n, args.repeat, args.unit_max, peers)
            else:
                row = shuangxiang(n, args.repeat, args.unit_max)
            rows.append(row)
            ratio = row["columnar"] / row["numpy"]
            cpu_ratio = row["columnar_cpu"] / row["numpy_cpu"]
            unit = f"{row['per_unit']:.2f} s" if "per_unit" in row else "—"
            dec = f"{row['decimal']:.2f} s" if "decimal" in row else "—"
            if "with_totals" in row:
                dec += f"  with exact totals {row['with_totals']:.4f} s"
            print(
                f"{row['scheme']:<12} N={n:>9,}  columnar {row['columnar']:.4f} s  "
                f"numpy {row['numpy']:.4f} s  ({ratio:.2f}×; CPU {row['columnar_cpu']:.4f} s ÷ "
                f"{row['numpy_cpu']:.4f} s = {cpu_ratio:.2f}×)  columns {row['columns']:.3f} s  "
                f"per-unit {unit}  Decimal {dec}  peak columnar "
                f"{row['peak_columnar'] / 2**20:.0f} MiB, numpy {row['peak_numpy'] / 2**20:.0f} MiB",
                flush=True,
            )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process: {rss:.0f} MiB")
    print("load average at the end:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
