"""A progress bar on the terminal for long runs: on stderr, only when stderr is a terminal and
the run is long (LONG_RUN units or more), and only when tqdm (kaoping's `[scale]` extra) is
installed. Piped or redirected, kaoping prints no progress at all."""

from __future__ import annotations

import sys
from typing import Any, Protocol

LONG_RUN = 50_000  # units from which a run shows its progress


class Bar(Protocol):
    def update(self, n: int = 1) -> Any: ...

    def close(self) -> None: ...


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def bar(total: int, what: str) -> Bar:
    """A bar counting `total` units of `what` ("scoring", "writing"), or one that shows nothing."""
    if total < LONG_RUN or not _terminal():
        return _Silent()
    try:
        from tqdm import tqdm
    except ImportError:
        return _Silent()
    bar: Bar = tqdm(
        total=total, desc=what, unit=" units", unit_scale=True, file=sys.stderr, leave=False
    )
    return bar


def _terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False
