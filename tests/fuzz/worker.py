"""The fuzzing worker: a long-lived process that runs kaoping commands in-process with click's
CliRunner and answers with what happened. The parent (tests/fuzz/harness.py) talks to it over
pipes, one JSON line per request and per answer, and kills it when an input runs too long: a
hang, or a crash that takes the interpreter down, then costs one input, never the whole run.

Run as a script: `python tests/fuzz/worker.py`. Not imported by the tests."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import traceback
from typing import Any

# The answers go through a private copy of the real stdout; fd 1 then points at stderr, so
# nothing printed outside click's capture can corrupt the protocol.
_ANSWERS = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)

_MEMORY_MB = int(os.environ.get("KAOPING_FUZZ_MEMORY_MB", "3072"))
if _MEMORY_MB > 0:
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_MB << 20, _MEMORY_MB << 20))

from click.testing import CliRunner  # noqa: E402  (after the memory limit is in force)

from kaoping.cli import main  # noqa: E402


def _format(err: BaseException, tb: Any) -> str:
    """The traceback from kaoping's own first frame on (click's frames say nothing)."""
    frames = traceback.extract_tb(tb)
    first = next((i for i, f in enumerate(frames) if f"{os.sep}kaoping{os.sep}" in f.filename), 0)
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_list(frames[first:])
    lines += traceback.format_exception_only(type(err), err)
    text = "".join(lines)
    return text if len(text) < 6000 else text[:1500] + "\n…\n" + text[-4000:]


def _location(tb: Any) -> dict[str, Any]:
    """The deepest frame in kaoping's own source, and the deepest frame of all."""
    frames = traceback.extract_tb(tb)
    own = [f for f in frames if f"{os.sep}kaoping{os.sep}" in f.filename]
    generated = [f for f in frames if f.filename.startswith("<kaoping")]

    def show(f: traceback.FrameSummary) -> str:
        name = f.filename
        if f"{os.sep}kaoping{os.sep}" in name:
            name = "kaoping/" + name.rsplit(f"{os.sep}kaoping{os.sep}", 1)[1].replace(os.sep, "/")
        elif name.startswith("<kaoping"):
            name = "<generated scheme code>"
        return f"{name}:{f.lineno} in {f.name}"

    return {
        "own": show(own[-1]) if own else None,
        "generated": show(generated[-1]) if generated else None,
        "deepest": show(frames[-1]) if frames else None,
    }


def run(request: dict[str, Any]) -> dict[str, Any]:
    os.chdir(request["cwd"])
    started = time.perf_counter()
    runner = CliRunner()
    try:
        result = runner.invoke(main, request["argv"], catch_exceptions=True)
    except BaseException as err:  # a KeyboardInterrupt or SystemExit click did not catch
        return {
            "exit_code": None,
            "stdout": "",
            "stderr": "",
            "exception": {
                "type": type(err).__qualname__,
                "message": str(err)[:2000],
                "traceback": _format(err, err.__traceback__),
                **_location(err.__traceback__),
            },
            "seconds": time.perf_counter() - started,
        }
    exception = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        err = result.exception
        tb = result.exc_info[2] if result.exc_info else None
        exception = {
            "type": f"{type(err).__module__}.{type(err).__qualname__}".removeprefix("builtins."),
            "message": str(err)[:2000],
            "traceback": _format(err, tb),
            **_location(tb),
        }
    return {
        "exit_code": result.exit_code,
        "stdout": result.stdout,
        "stderr": result.stderr,
        "exception": exception,
        "seconds": time.perf_counter() - started,
    }


def serve() -> None:
    _ANSWERS.write(json.dumps({"ready": True}) + "\n")
    _ANSWERS.flush()
    for line in sys.stdin:
        answer = run(json.loads(line))
        # ensure_ascii: a lone surrogate in kaoping's output must reach the parent intact
        _ANSWERS.write(json.dumps(answer, ensure_ascii=True) + "\n")
        _ANSWERS.flush()


if __name__ == "__main__":
    serve()
