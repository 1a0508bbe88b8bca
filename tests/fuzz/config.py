"""The fuzzing budget and where things go, from the environment (docs/fuzzing.md):

KAOPING_FUZZ_EXAMPLES  inputs per generator (default 60: the CI budget)
KAOPING_FUZZ_RANDOM    1: a new random run each time (default: the same derandomised inputs)
KAOPING_FUZZ_TIMEOUT   seconds one command may take before it counts as a hang (default 10)
KAOPING_FUZZ_SAVE      folder to save each failing input in, as files and a run.sh
KAOPING_FUZZ_REAL_EVERY  every Nth command also runs as a real `kaoping` process (default 150;
                       0: never) and must exit the same way
KAOPING_FUZZ_MEMORY_MB address-space limit of the worker (default 3072; 0: none)
KAOPING_FUZZ_TMP       where case folders are made (default: the system's temp folder)
KAOPING_FUZZ_SHRINK    0: report a failing input as found, without shrinking it (fast)
KAOPING_FUZZ_SHRINK_SECONDS  at most this long shrinking each failure (default: hypothesis's
                       own limit, 300)
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


EXAMPLES = _int("KAOPING_FUZZ_EXAMPLES", 60)
RANDOM = os.environ.get("KAOPING_FUZZ_RANDOM", "").strip() not in ("", "0")
TIMEOUT = float(os.environ.get("KAOPING_FUZZ_TIMEOUT", "").strip() or 10)
SAVE = os.environ.get("KAOPING_FUZZ_SAVE", "").strip() or None
REAL_EVERY = _int("KAOPING_FUZZ_REAL_EVERY", 150)
TMP = os.environ.get("KAOPING_FUZZ_TMP", "").strip() or None
SHRINK = os.environ.get("KAOPING_FUZZ_SHRINK", "").strip() != "0"
SHRINK_SECONDS = _int("KAOPING_FUZZ_SHRINK_SECONDS", 0)
