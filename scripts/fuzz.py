#!/usr/bin/env python3
"""The long fuzzing run (docs/fuzzing.md): every generator of tests/test_fuzz.py in turn, with
new random inputs, until the time is up. Each distinct defect is recorded once, shrunk to a
minimal input, saved under --save (files and a run.sh), and then passed over so the search goes
on for others. Prints the inputs tried and every defect found; exits 1 if there was any.

    python scripts/fuzz.py --minutes 30
    python scripts/fuzz.py --minutes 5 --only history --save fuzz-failures
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
    args = parser.parse_args()

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


if __name__ == "__main__":
    sys.exit(main())
