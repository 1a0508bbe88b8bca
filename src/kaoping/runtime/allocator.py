"""Freed large blocks kept for reuse instead of handed back to the system and faulted in again.

glibc serves a block of 128 KiB and more (up to 32 MiB once it has seen such blocks freed)
by mmap, and unmaps it when it is freed. Scoring by whole columns makes and drops hundreds of
arrays a million units long, so the kernel zeroes every page of every temporary again: on
shuangxiang-2012's 乡镇口 block at 1,000,000 units that is 93,000 page faults a run and up to
a third of its CPU time in the kernel (benchmarks/columnar_bench.py prints both). Raising
glibc's mmap and trim thresholds keeps freed blocks in the heap for the next array. The cost:
the process holds on to its peak memory until it exits, which a command-line run does anyway;
that is why the library never does this by itself, and `kaoping score` does."""

from __future__ import annotations

import ctypes
import platform
import sys

# mallopt parameters (glibc's malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# glibc before 2.26 refuses an mmap threshold above 32 MiB (on 64-bit systems)
_THRESHOLDS = (1 << 30, 32 << 20)
_KEEP = (1 << 31) - 1

_applied: bool | None = None


def keep_freed_memory() -> bool:
    """Keep freed large blocks in this process's heap (glibc only; elsewhere nothing changes).
    Process-wide and not undone: for a process that scores large columns and then exits, or
    a benchmark timing such a run. True when glibc took the setting."""
    global _applied
    if _applied is None:
        _applied = _apply()
    return _applied


def _apply() -> bool:
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    if not any(mallopt(_M_MMAP_THRESHOLD, size) == 1 for size in _THRESHOLDS):
        return False
    return bool(mallopt(_M_TRIM_THRESHOLD, _KEEP) == 1)
