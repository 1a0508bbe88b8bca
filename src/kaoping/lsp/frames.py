"""The editor's stream as pygls reads it, bounded: pygls reads a message's body with one
`stdin.read(Content-Length)`, which allocates the whole length at once, so a frame claiming
10 GB was a MemoryError and one claiming 10^20 bytes an OverflowError, each a traceback that
ended the server. A body over MAX_MESSAGE_BYTES is read past in small pieces (the frames after
it stay in step) and stands as a notification the server ignores; the error is logged."""

from __future__ import annotations

import json
import logging
from typing import BinaryIO

# far above any real message: a rules file is at most 1,000,000 characters (E107), at most
# 6 bytes each as JSON escapes
MAX_MESSAGE_BYTES = 64 << 20
_MAX_HEADER_LINE = 1 << 16  # a longer header line is read as several; none of them matches
_PIECE = 1 << 20

SKIPPED = "$/kaoping/skippedMessage"  # what a skipped body is handed to pygls as


class BoundedStdin:
    """`readline` and `read` of the editor's stream, as pygls calls them, within bounds."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw

    def readline(self) -> bytes:
        return self.raw.readline(_MAX_HEADER_LINE)

    def read(self, n: int) -> bytes:
        if n <= MAX_MESSAGE_BYTES:
            return self.raw.read(n)
        left = n
        while left > 0 and (piece := self.raw.read(min(left, _PIECE))):
            left -= len(piece)
        logging.getLogger("kaoping.lsp").error(
            "a message of %s bytes is more than the %s bytes a message may have: skipped",
            f"{n:,}",
            f"{MAX_MESSAGE_BYTES:,}",
        )
        return json.dumps({"jsonrpc": "2.0", "method": SKIPPED, "params": None}).encode()
