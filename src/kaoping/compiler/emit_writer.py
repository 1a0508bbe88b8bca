"""Writing generated Python: the text with the `.rules` span of each line (`Writer`), how an
expression reaches the unit's facts and values where it is emitted (`_Scope`), and comment and
docstring text that cannot break out of its line or docstring."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

import attrs

from kaoping.span import Span

if TYPE_CHECKING:
    from kaoping.compiler.model import Model
    from kaoping.exact import Q


@attrs.define
class Writer:
    """Python text plus the map from each Python line to the rules span it came from."""

    lines: list[str] = attrs.Factory(list)
    spans: dict[int, Span] = attrs.Factory(dict)
    depth: int = 0
    # the lines (indexes into `lines`, from, to) of the traced twin of each stage, which only
    # `explain` runs: compiled apart, on first use (see `part`)
    traced: tuple[int, int] = (0, 0)

    def __call__(self, text: str = "", span: Span | None = None) -> None:
        self.lines.append(("    " * self.depth + text) if text else "")
        if span is not None and span.line > 0:
            self.spans[len(self.lines)] = span

    @contextmanager
    def indent(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def extend(self, other: Writer) -> None:
        """`other`'s lines after this one's, each keeping its rules position (a function
        written aside, kept only if it could be written whole)."""
        offset = len(self.lines)
        self.lines.extend(other.lines)
        self.spans.update({k + offset: v for k, v in other.spans.items()})

    def part(self, traced: bool) -> str:
        """The text with only the traced twin's lines (`traced`) or only the others: the lines
        of the other part are left blank, so every line keeps its number, and both parts
        compile under one file name and line map into one namespace."""
        low, high = self.traced
        if traced:
            kept = [""] * low + self.lines[low:high] + [""] * (len(self.lines) - high)
        else:
            kept = self.lines[:low] + [""] * (high - low) + self.lines[high:]
        return "\n".join(kept) + "\n"


@attrs.define
class _Scope:
    """How an expression reaches the unit's facts and values from where it is emitted."""

    f: str
    v: str
    u: str
    record: str | None = None
    cohort: dict[int, str] = attrs.Factory(dict)


def _one_line(text: str) -> str:
    """Text for a comment: no character that Python or `splitlines` takes for a line break."""
    return " ".join(text.splitlines())


def _in_doc(text: str) -> str:
    """Text (a scheme id, a file name) inside a generated docstring, unable to close it."""
    return _one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def register_table_constants(
    model: Model, tables: Mapping[str, str], const: Callable[[Q], str]
) -> None:
    """Name every table row's value as a constant before the constants are written."""
    for table in tables:
        for row in model.tables[table].rows:
            const(row.value)


def write_tables(
    head: Writer, model: Model, tables: Mapping[str, str], const: Callable[[Q], str]
) -> None:
    """Each lookup table as a dict of named constants, each row carrying its `.rules` line."""
    for table, name in tables.items():
        decl = model.tables[table]
        head(f"{name} = {{  # table {table!r}", decl.span)
        for row in decl.rows:
            head(f"    {row.key!r}: {const(row.value)},", row.span)
        head("}")
