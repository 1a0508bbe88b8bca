"""Hostile frames on `kaoping lsp`'s stdin: what a broken or malicious client can send. The
server answers what it can, logs one line per problem on stderr, and never dies with a
traceback (the editor would lose the server for the rest of the session)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def message(obj: object) -> bytes:
    return frame(json.dumps(obj).encode())


START = message(
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
) + message({"jsonrpc": "2.0", "method": "initialized", "params": {}})
STOP = message({"jsonrpc": "2.0", "id": 99, "method": "shutdown"}) + message(
    {"jsonrpc": "2.0", "method": "exit"}
)
SHUTDOWN_ANSWERED = b'{"id": 99, "jsonrpc": "2.0", "result": null}'


def session(between: bytes) -> tuple[int, bytes, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "kaoping.cli", "lsp"],
        input=START + between + STOP,
        capture_output=True,
        timeout=120,
    )
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("length", [10**20, 10 * 2**30])
def test_a_frame_claiming_an_impossible_length_is_skipped_not_a_crash(length: int) -> None:
    """`Content-Length: 100000000000000000000` ended the server with an OverflowError
    traceback, 10 GB with a MemoryError (after trying to allocate it): pygls reads a body with
    one `read(length)`. The body is read past (here: to the end of the stream) and logged."""
    code, _, err = session(b"Content-Length: %d\r\n\r\n{}" % length)
    assert code == 0, err
    assert "Traceback" not in err and "Error:" not in err, err
    assert err == (
        f"kaoping lsp: error: a message of {length:,} bytes is more than the 67,108,864 bytes "
        "a message may have: skipped\n"
    )


def test_the_frames_after_a_skipped_one_are_still_read() -> None:
    too_large = frame(b'{"jsonrpc": "2.0", "method": "x", "params": "' + b"x" * (64 << 20) + b'"}')
    code, out, err = session(too_large)
    assert code == 0 and SHUTDOWN_ANSWERED in out, err
    assert "bytes is more than the 67,108,864 bytes a message may have: skipped" in err


def test_params_of_the_wrong_shape_are_one_line_naming_the_error() -> None:
    """`textDocument/didOpen` with `"textDocument": 5` printed pygls' whole exception-group
    traceback (a hundred lines joined into one) on stderr."""
    bad = message(
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 5}}
    )
    code, out, err = session(bad)
    assert code == 0 and SHUTDOWN_ANSWERED in out, err
    assert "Traceback" not in err and "File " not in err, err
    assert err.splitlines() == [
        "kaoping lsp: error: Unable to deserialize message: "
        "TypeError: 'int' object is not subscriptable",
        "kaoping lsp: error: Unable to handle message: Invalid Params",
    ]
