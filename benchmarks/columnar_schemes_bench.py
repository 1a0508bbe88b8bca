"""The columnar backend against the per-unit one on whole shipped schemes: heshan-2013 (values
across three groups, `last year`) and anfu-2017 (distribution requirements, means and drops over
each unit's records), N random valid units each (default 10,000), scored through
`kaoping.scoring.score` on validated data, with last year's results for heshan-2013.

The units are the scheme's sample units, cycled and renamed, every number, count and yes/no
input drawn anew within its declared range. anfu-2017's raters' ratings (of units, and of each
unit's reform items by 专项) are dealt out 优, 良, 良, 良, 合格 in turn so that every split fits
its 20% / 60% / 20%.

Both backends must give the same results JSON (checked once, before timing). Timed: CPU time
(`time.process_time`) of `score()`, the two backends alternating, the median of --repeat runs
each. Prints the load average before and after.

    nice .venv/bin/python benchmarks/columnar_schemes_bench.py [--units 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

from kaoping import load_scheme
from kaoping.compiler import ir
from kaoping.compiler.load import CompiledScheme
from kaoping.io.data import validate
from kaoping.io.results import iter_json
from kaoping.scoring import score

SCHEMES = Path(__file__).resolve().parents[1] / "src" / "kaoping" / "schemes"
RATINGS = ("优", "良", "良", "良", "合格")


def drawn(rnd: random.Random, t: Any, value: Any) -> Any:
    if isinstance(t, ir.NumberType):
        low = t.low if t.low is not None else 0
        high = t.high if t.high is not None else low + 200
        tenths = rnd.randint(int(low * 10), int(high * 10))
        return str(tenths // 10) if t.integer else str(tenths / 10)
    if isinstance(t, ir.CountType):
        return rnd.choice([0, 0, 1, 2, 3])
    if isinstance(t, ir.YesNoType):
        return rnd.random() < 0.5
    return value


def units_of(compiled: CompiledScheme, folder: str, count: int, seed: int) -> dict[str, Any]:
    """`count` units made from the sample's (see the module docstring)."""
    rnd = random.Random(seed)
    raw = json.loads((SCHEMES / folder / "sample.json").read_text("utf-8"))
    templates = raw["units"]
    dealt: dict[str, int] = {}  # 专项 (or the group) → ratings dealt so far
    units = []
    for i in range(count):
        tpl = copy.deepcopy(templates[i % len(templates)])
        facts = tpl["facts"]
        for name, value in list(facts.items()):
            decl = compiled.model.inputs.get(name)
            if decl is not None and value is not None:
                facts[name] = drawn(rnd, decl.type, value)
        if "县领导测评排序" in facts:  # anfu-2017 县直单位: a rating, not a place
            del facts["县领导测评排序"]
            k = dealt.setdefault(tpl["group"], 0)
            facts["县领导测评等次"] = RATINGS[k % 5]
            dealt[tpl["group"]] = k + 1
        for rec in facts.get("负责事项") or []:
            rec.pop("专业测评排序", None)
            rec["事项"] = f"{rec['事项']}#{i}"  # each unit's items its own
            k = dealt.setdefault(rec["专项"], 0)
            rec["专业测评等次"] = RATINGS[k % 5]
            rec["角色"] = rnd.choice(["牵头", "牵头", "责任"])
            dealt[rec["专项"]] = k + 1
        units.append({"unit": f"{tpl['unit']}#{i}", "group": tpl["group"], "facts": facts})
    return {**{k: v for k, v in raw.items() if k != "units"}, "units": units}


def cpu(compiled: CompiledScheme, data: Any, history: Any, backend: str) -> float:
    """The CPU time of scoring `data` with `backend`."""
    gc.collect()
    t0 = time.process_time()
    score(compiled, data, history, backend=backend)
    return time.process_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'scheme':<14}{'units':>8}{'per unit (s)':>14}{'columnar (s)':>14}{'ratio':>8}")
    for scheme_id in ("heshan-2013", "anfu-2017"):
        compiled = load_scheme(scheme_id)
        folder = scheme_id.replace("-", "_")
        data = validate(units_of(compiled, folder, args.units, 1), compiled.model, "bench")
        history = None
        if scheme_id == "heshan-2013":  # last year: the same units' results on other data
            last = validate(units_of(compiled, folder, args.units, 2), compiled.model, "bench")
            history = json.loads("".join(iter_json(score(compiled, last, backend="unit"))))
        got = {
            b: "".join(iter_json(score(compiled, data, history, backend=b)))
            for b in ("unit", "columnar")
        }
        if got["unit"] != got["columnar"]:
            raise SystemExit(f"{scheme_id}: the two backends' results differ")
        times: dict[str, list[float]] = {"unit": [], "columnar": []}
        for _ in range(args.repeat):  # alternating, so both see the same load
            for backend in ("unit", "columnar"):
                times[backend].append(cpu(compiled, data, history, backend))
        unit_s, col_s = (statistics.median(times[b]) for b in ("unit", "columnar"))
        print(f"{scheme_id:<14}{args.units:>8}{unit_s:>14.2f}{col_s:>14.2f}{unit_s / col_s:>7.2f}×")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
