#!/usr/bin/env python3
"""The long fuzzing run (docs/fuzzing.md): every generator of tests/test_fuzz.py in turn, with
new random inputs, until the time is up. Each distinct defect is recorded once, shrunk to a
minimal input, saved under --save (files and a run.sh), and then passed over so the search goes
on for others. Prints the inputs tried and every defect found; exits 1 if there was any.

    python scripts/fuzz.py --minutes 30
    python scripts/fuzz.py --minutes 5 --only history --save fuzz-failures
    python scripts/fuzz.py --columns --minutes 60     # large tables, both score paths
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--chunk", type=int, default=100, help="inputs per generator per turn")
    parser.add_argument(
        "--only", action="append", default=[], help="generators whose test name contains this"
    )
    parser.add_argument(
        "--save", default=str(ROOT / "fuzz-failures"), help="where to save each defect's input"
    )
    parser.add_argument("--shrink-seconds", type=int, default=120)
    parser.add_argument(
        "--columns",
        action="store_true",
        help="large CSV and Parquet tables scored per unit and by whole columns, compared",
    )
    parser.add_argument("--seed", type=int, help="--columns: the first seed (default: random)")
    parser.add_argument("--cases", type=int, help="--columns: stop after this many tables")
    parser.add_argument(
        "--units",
        default="1000-20000",
        help="--columns: units a table, LOW-HIGH (fewer than 1,000: more tables a minute, the "
        "whole-column path asked for by --backend columnar)",
    )
    args = parser.parse_args()
    if args.columns:
        return columns(args)

    os.environ["KAOPING_FUZZ_RANDOM"] = "1"
    os.environ["KAOPING_FUZZ_EXAMPLES"] = str(args.chunk)
    os.environ["KAOPING_FUZZ_SAVE"] = args.save
    os.environ["KAOPING_FUZZ_SHRINK_SECONDS"] = str(args.shrink_seconds)
    sys.path[0] = str(ROOT / "tests")  # not scripts/: this file is named fuzz too
    import test_fuzz  # the generators and the runner, configured by the variables above
    from fuzz.runner import FuzzFailure

    tests = [
        getattr(test_fuzz, name)
        for name in dir(test_fuzz)
        if name.startswith("test_") and (not args.only or any(o in name for o in args.only))
    ]
    runner = test_fuzz.RUNNER
    found: dict[str, tuple[str, str]] = {}  # signature → (generator, report)
    deadline = time.monotonic() + args.minutes * 60
    turn = 0
    while time.monotonic() < deadline:
        test = tests[turn % len(tests)]
        turn += 1
        try:
            test()
        except BaseException as err:
            if isinstance(err, KeyboardInterrupt):
                break
            failures = err.exceptions if isinstance(err, BaseExceptionGroup) else [err]
            for failure in failures:
                if not isinstance(failure, FuzzFailure):
                    raise
                signature = type(failure).__name__.removeprefix("FuzzFailure[")[:-1]
                runner.known.add(signature)
                if signature not in found:
                    found[signature] = (test.__name__, str(failure))
                    print(f"new defect ({test.__name__}): {signature}", flush=True)
        print(
            f"{time.strftime('%H:%M:%S')} {test.__name__}: {runner.cases} inputs so far, "
            f"{len(found)} defect(s)",
            flush=True,
        )
    print(f"\n{runner.cases} inputs tried ({runner.commands} commands), {len(found)} defect(s)")
    for signature, (test_name, report) in found.items():
        print(f"\n=== {signature}   [{test_name}]\n{report}")
    if found:
        print(f"\ninputs saved under {args.save}/")
    return 1 if found else 0


def columns(args: argparse.Namespace) -> int:
    """The whole-column differential run: table after table (seed after seed), each scored
    both ways; every disagreement saved under --save/seed-N/ and printed at the end."""
    import random

    sys.path[0] = str(ROOT / "tests")
    from fuzz.columngen import make_case
    from fuzz.columnrun import check, report, save

    seed = args.seed if args.seed is not None else random.randrange(10**9)
    low, _, high = args.units.partition("-")
    units = (int(low), int(high or low))
    deadline = time.monotonic() + args.minutes * 60
    tried = whole = 0
    found: dict[str, str] = {}  # signature (the first problem's first line) → report
    while time.monotonic() < deadline and (args.cases is None or tried < args.cases):
        try:
            case = make_case(seed, units=units)
        except Exception as err:  # a defect of the generator: said, and the run goes on
            print(f"seed {seed}: the generator failed: {type(err).__name__}: {err}", flush=True)
            seed += 1
            continue
        verdict = check(case)
        tried += 1
        whole += verdict.whole > 0
        if not verdict:
            signature = verdict.problems[0].splitlines()[0][:120]
            where = save(verdict, Path(args.save))
            print(
                f"DISAGREE {case.describe()[:200]}\n  {signature}\n  saved in {where}", flush=True
            )
            found.setdefault(signature, report(verdict))
        seed += 1
        if tried % 10 == 0:
            print(
                f"{time.strftime('%H:%M:%S')} {tried} tables (next seed {seed}), "
                f"{whole} scored by whole columns, {len(found)} defect(s)",
                flush=True,
            )
    print(
        f"\n{tried} tables tried, {whole} of them scored by whole columns, {len(found)} defect(s)"
    )
    for signature, text in found.items():
        print(f"\n=== {signature}\n{text[:3000]}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
