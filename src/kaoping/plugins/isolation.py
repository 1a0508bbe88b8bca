"""Running plugin code so that nothing it does ends the command: an exception, `sys.exit()`, or a
`KeyboardInterrupt` it raises itself become a problem that names the plugin.

Only the user's own Ctrl-C still stops kaoping. A `KeyboardInterrupt` looks the same whether the
SIGINT handler raised it or plugin code did (`raise KeyboardInterrupt`), so kaoping watches the
signal itself: while plugin code may run (building the registry, calling a hook, scoring), a
SIGINT handler is installed that records that the signal arrived and then hands it on to the
handler that was there before (Python's default one raises `KeyboardInterrupt`). A
`KeyboardInterrupt` caught from plugin code is the user's when that record says SIGINT arrived;
otherwise the plugin raised it and it is reported like any other failure. Python delivers signals
to the main thread only, so in another thread a `KeyboardInterrupt` is always the plugin's. When
the handler cannot be installed in the main thread (an embedding program forbids it), kaoping
cannot tell them apart and takes every `KeyboardInterrupt` for the user's."""

from __future__ import annotations

import reprlib
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any


class _Watch:
    depth = 0  # nested watches: only the outermost installs and restores the handler
    installed = False
    seen = False  # SIGINT arrived while watching


_WATCH = _Watch()


def _on_sigint(signum: int, frame: FrameType | None) -> Any:
    _WATCH.seen = True
    previous = _PREVIOUS[0]
    if callable(previous):
        return previous(signum, frame)
    if previous == signal.SIG_IGN:
        return None
    raise KeyboardInterrupt  # SIG_DFL, or a handler installed outside Python


_PREVIOUS: list[Any] = [None]


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def watch_interrupts() -> Iterator[None]:
    """While inside, a real SIGINT is recorded (and still interrupts, as before)."""
    if not _main_thread():
        yield
        return
    _WATCH.depth += 1
    try:
        if _WATCH.depth == 1:
            _WATCH.seen = False
            try:
                _PREVIOUS[0] = signal.signal(signal.SIGINT, _on_sigint)
                _WATCH.installed = True
            except (ValueError, OSError):  # signals disabled by an embedding program
                _WATCH.installed = False
        yield
    finally:
        _WATCH.depth -= 1
        if _WATCH.depth == 0 and _WATCH.installed:
            signal.signal(signal.SIGINT, _PREVIOUS[0])
            _WATCH.installed = False


def is_users_interrupt(err: BaseException) -> bool:
    """True when `err` must stop kaoping: a KeyboardInterrupt that came from a real SIGINT."""
    if not isinstance(err, KeyboardInterrupt):
        return False
    if not _main_thread():
        return False
    if _WATCH.depth and _WATCH.installed:
        return _WATCH.seen
    return True  # not watching: cannot tell, so the user's


def describe_failure(err: BaseException) -> str:
    """What plugin code did, in words: `raised ValueError: …`, `called sys.exit(3)`."""
    if isinstance(err, SystemExit):
        return f"called sys.exit({safe_repr(err.code) if err.code is not None else ''})"
    text = _safe_str(err)
    return f"raised {type(err).__name__}" + (f": {text}" if text else "")


_REPR = reprlib.Repr()
_REPR.maxstring = 80
_REPR.maxother = 80
_REPR.maxlist = 5


def safe_repr(value: object) -> str:
    """A short repr of a value a plugin returned; never fails, never floods the terminal."""
    try:
        return _REPR.repr(value)
    except Exception:
        return f"<{type(value).__name__} object>"


def _safe_str(err: BaseException) -> str:
    try:
        text = str(err)
    except Exception:
        return ""
    return text if len(text) <= 300 else text[:300] + "…"
