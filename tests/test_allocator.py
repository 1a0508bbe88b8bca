"""Freed large blocks kept for reuse (`kaoping.runtime.allocator`), as `kaoping score` runs.

Each check runs in a fresh interpreter: the setting is process-wide and cannot be undone."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="the setting exists on glibc only (elsewhere keep_freed_memory changes nothing)",
)

# 64 MiB arrays: above any mmap threshold glibc picks by itself, so each one is mapped and
# unmapped again (and every page faulted in) unless freed blocks are kept
_FAULTS = """
import resource, sys
import numpy as np
from kaoping.runtime.allocator import keep_freed_memory
if sys.argv[1] == "kept":
    assert keep_freed_memory() is True
    assert keep_freed_memory() is True  # a second call: the same answer, nothing redone
np.ones(1 << 23).sum()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    np.ones(1 << 23).sum()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(how: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _FAULTS, how], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def test_large_arrays_reuse_freed_memory_instead_of_faulting_it_in() -> None:
    # at least a fault per 2 MiB of each array (numpy asks for huge pages where it can)
    huge_pages = (1 << 26) // (2 << 20)
    assert _faults("default") >= 10 * huge_pages  # glibc's own: every array faulted in again
    assert _faults("kept") < huge_pages  # not even one array's worth
