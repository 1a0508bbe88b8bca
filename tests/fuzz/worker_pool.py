"""The parent side of tests/fuzz/worker.py: start it, send it one command, wait at most the
time limit, and kill and replace it when it hangs or dies. Also runs a command through the
real `kaoping` executable, to check that the in-process answers are the ones a user gets."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORKER = Path(__file__).with_name("worker.py")
RECYCLE_AFTER = 400  # commands per worker: compiled schemes are cached in it


@dataclass
class Answer:
    exit_code: int | None
    stdout: str = ""
    stderr: str = ""
    exception: dict[str, Any] | None = None
    seconds: float = 0.0
    hung: bool = False
    died: int | None = None  # the worker's exit status when it died mid-command


class Worker:
    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.served = 0

    def _start(self) -> None:
        self.stop()
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.served = 0
        line = self._read_line(time.monotonic() + 120)
        if line is None or not json.loads(line).get("ready"):
            raise RuntimeError("the fuzzing worker did not start (python tests/fuzz/worker.py)")

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    stream.close()
            self.proc = None

    def _read_line(self, deadline: float) -> bytes | None:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        buf = bytearray()
        while not buf.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b""
            buf += chunk
        return bytes(buf)

    def run(self, argv: list[str], cwd: str, timeout: float) -> Answer:
        if self.proc is None or self.proc.poll() is not None or self.served >= RECYCLE_AFTER:
            self._start()
        assert self.proc is not None and self.proc.stdin is not None
        self.served += 1
        started = time.monotonic()
        try:
            self.proc.stdin.write(json.dumps({"argv": argv, "cwd": cwd}).encode() + b"\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            status = self.proc.wait()
            self.stop()
            return Answer(None, died=status)
        line = self._read_line(started + timeout)
        if line is None:
            self.stop()
            return Answer(None, seconds=time.monotonic() - started, hung=True)
        if line == b"":
            status = self.proc.wait()
            self.stop()
            return Answer(None, seconds=time.monotonic() - started, died=status)
        data = json.loads(line)
        return Answer(
            data["exit_code"],
            data["stdout"],
            data["stderr"],
            data["exception"],
            data["seconds"],
        )


def run_real(argv: list[str], cwd: str, timeout: float) -> Answer:
    """The same command through a fresh interpreter, as a user runs it."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kaoping.cli", *argv],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return Answer(None, seconds=time.monotonic() - started, hung=True)
    return Answer(
        done.returncode if done.returncode >= 0 else None,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
        seconds=time.monotonic() - started,
        died=done.returncode if done.returncode < 0 else None,
    )
