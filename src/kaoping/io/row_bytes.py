"""Lines of text made for many units at once, as bytes: each line the same fields in the same
order (a key and its value, a comma and a cell), each field's text drawn from a small table.

The tables of a chunk of lines are stacked into one pyarrow binary array, and every line's
fields become indices into it, line after line; pyarrow's `take` then copies the texts in
that order, and the data buffer of what it gives is the lines one after another. A copy of
the texts, not a call per unit and field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt


class Table:
    """The texts (bytes) a field takes its value from."""

    __slots__ = ("array", "keep")

    def __init__(self, texts: Sequence[bytes] | Any):
        import pyarrow as pa

        self.keep: tuple[Table, ...] = ()
        if isinstance(texts, pa.Array):
            self.array: Any = texts.cast(pa.binary())
        else:
            self.array = pa.array(list(texts), type=pa.binary())

    def __len__(self) -> int:
        return len(self.array)


class Kept:
    """Tables made for one chunk of lines and used again by the next (the same fields)."""

    def __init__(self) -> None:
        self.pairs: dict[tuple[int, int], Table] = {}
        self.literals: dict[bytes, Table] = {}


_PAIRS = 4096  # two neighbouring fields whose tables have at most this many pairs are one


class Lines:
    """The fields of `n` lines, added in order; `bytes()` gives the lines joined. Neighbouring
    fields with small tables (counts, most items) are joined into one field over the table of
    their pairs: fewer texts for `take` to copy one by one. `pairs` keeps those tables from one
    chunk of lines to the next."""

    def __init__(self, n: int, kept: Kept | None = None):
        self.n = n
        self._fields: list[tuple[Table, npt.NDArray[np.intp] | None]] = []
        self._kept = Kept() if kept is None else kept

    def text(self, literal: str | bytes) -> None:
        """The same text on every line."""
        data = literal.encode() if isinstance(literal, str) else literal
        if data:
            self.pick(self._literal(data), np.zeros(self.n, dtype=np.intp))

    def _literal(self, data: bytes) -> Table:
        found = self._kept.literals.get(data)
        if found is None:
            found = self._kept.literals[data] = Table([data])
        return found

    def pick(self, table: Table, index: npt.NDArray[np.intp]) -> None:
        """Line i gets `table`'s text number index[i]."""
        if self._fields:
            last, before = self._fields[-1]
            if len(last) * len(table) <= _PAIRS:
                self._fields[-1] = (self._pair(last, table), _pair_index(before, index, table))
                return
        self._fields.append((table, index))

    def _pair(self, first: Table, second: Table) -> Table:
        """Every text of `first` followed by every text of `second`, first's slowest."""
        import pyarrow as pa
        import pyarrow.compute as pc

        key = (id(first), id(second))
        found = self._kept.pairs.get(key)
        if found is None:
            k1, k2 = len(first), len(second)
            left = first.array.take(pa.array(np.repeat(np.arange(k1), k2)))
            right = second.array.take(pa.array(np.tile(np.arange(k2), k1)))
            found = self._kept.pairs[key] = Table(pc.binary_join_element_wise(left, right, b""))
            found.keep = (first, second)  # the ids in `key` stay theirs while this is kept
        return found

    def bytes(self, trim: int = 0) -> memoryview:
        """The lines one after another, without the last `trim` bytes: a view of the buffer
        pyarrow made them in (written out as it is, not copied again)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        tables: dict[int, int] = {}  # id(table) → where its texts start in the stack
        stack: list[Any] = []
        size = 0
        for table, _ in self._fields:
            if id(table) not in tables:
                tables[id(table)] = size
                stack.append(table.array)
                size += len(table)
        order = np.empty((self.n, len(self._fields)), dtype=np.int32 if size < 2**31 else np.int64)
        for j, (table, index) in enumerate(self._fields):
            start = tables[id(table)]
            order[:, j] = start if index is None else index + start
        pool = pa.concat_arrays(stack)
        longest = sum(_longest(table) for table, _ in self._fields)
        wide = self.n * longest >= 2**31  # beyond 32-bit offsets: 64-bit ones
        if wide:
            pool = pool.cast(pa.large_binary())
        texts = pc.take(pool, pa.array(order.ravel()), boundscheck=False)
        offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64 if wide else np.int32)
        data = texts.buffers()[2]
        if data is None:
            return memoryview(b"")
        return memoryview(data)[int(offsets[0]) : int(offsets[-1]) - trim]


def _longest(table: Table) -> int:
    """The length of a table's longest text."""
    offsets = np.frombuffer(table.array.buffers()[1], dtype=np.int32)
    start = table.array.offset
    return int(np.diff(offsets[start : start + len(table) + 1]).max(initial=0))


def _pair_index(
    first: npt.NDArray[np.intp] | None, second: npt.NDArray[np.intp], table: Table
) -> npt.NDArray[np.intp]:
    """The index into the table of pairs: first's index × second's size + second's index."""
    base = 0 if first is None else first * len(table)
    return np.asarray(base + second, dtype=np.intp)


def texts_table(
    texts: list[str | None], prefix: str = "", suffix: str = "", absent: str = ""
) -> Table:
    """A table of `texts`, each between `prefix` and `suffix`; None is `absent`."""
    head, tail = prefix.encode(), suffix.encode()
    return Table([absent.encode() if t is None else head + t.encode() + tail for t in texts])
