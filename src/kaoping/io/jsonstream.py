"""A data file's `units` array read one unit at a time.

Parsing a whole 100 MB data file builds every unit's objects before the first is checked: the
parsed tree and the checked units then live side by side (several GB for a few hundred thousand
units). Here the top-level object is walked by hand and each element of `units` is parsed with
the standard library's own decoder (its C scanner, with the same hooks as a whole-file parse),
checked and dropped before the next is read. The text itself stays in memory: a fraction of
what its parsed objects take.

A streaming parser library would also avoid holding the text, but none keeps the standard
decoder's hooks (exact decimals, keys given twice); this keeps them and needs nothing new."""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator
from typing import Any

_SPACE = re.compile(r"[ \t\n\r]*")


class UnitsStream:
    """Iterating yields the elements of the top-level `units` array as they are parsed; once
    it is exhausted, the whole document has been read and `keys`, `others` and `units_is_list`
    describe the top-level object. A syntax error raises json.JSONDecodeError at its place."""

    def __init__(self, text: str, decoder: json.JSONDecoder):
        self._text = text
        self._decoder = decoder
        self.keys: list[str] = []  # every top-level key in order, duplicates included
        self.others: dict[str, Any] = {}  # the members other than the streamed `units`
        self.units_is_list = False

    def __iter__(self) -> Iterator[Any]:
        text = self._text
        pos = self._space(0)
        if text[pos : pos + 1] != "{":
            raise json.JSONDecodeError("Expecting '{' at the top of a data file", text, pos)
        pos = self._space(pos + 1)
        if text[pos : pos + 1] == "}":
            pos += 1
        else:
            while True:
                if text[pos : pos + 1] != '"':
                    raise json.JSONDecodeError(
                        "Expecting property name enclosed in double quotes", text, pos
                    )
                key, pos = self._decoder.raw_decode(text, pos)  # a string: the `"` is there
                pos = self._space(pos)
                if text[pos : pos + 1] != ":":
                    raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
                pos = self._space(pos + 1)
                self.keys.append(key)
                if key == "units" and not self.units_is_list and text[pos : pos + 1] == "[":
                    self.units_is_list = True
                    pos = yield from self._elements(pos + 1)
                else:
                    value, pos = self._decoder.raw_decode(text, pos)
                    self.others.setdefault(key, value)
                pos = self._space(pos)
                if text[pos : pos + 1] == ",":
                    pos = self._space(pos + 1)
                    continue
                if text[pos : pos + 1] == "}":
                    pos += 1
                    break
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        pos = self._space(pos)
        if pos != len(text):
            raise json.JSONDecodeError("Extra data", text, pos)

    def _elements(self, pos: int) -> Generator[Any, None, int]:
        """Yield each element of an array whose `[` is just before `pos`; return after `]`."""
        text = self._text
        pos = self._space(pos)
        if text[pos : pos + 1] == "]":
            return pos + 1
        while True:
            value, pos = self._decoder.raw_decode(text, pos)
            yield value
            pos = self._space(pos)
            if text[pos : pos + 1] == ",":
                pos = self._space(pos + 1)
                continue
            if text[pos : pos + 1] == "]":
                return pos + 1
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)

    def _space(self, pos: int) -> int:
        match = _SPACE.match(self._text, pos)
        assert match is not None  # `*` matches the empty string
        return match.end()
