"""Results as a table, one row a unit: `score -o results.csv` and `-o results.parquet`.

Columns: group, unit, total, rank, grade, flags, then every score (items, sections, lets) and
output the scheme declares, in its order. Numbers are exact text as in the results JSON ("87.5",
"550/3" when the decimals never end), a rank a whole number, yes/no `true`/`false`, an absent
value empty (null in Parquet); flags are joined by ", ". Rows come grouped by group, by rank.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from kaoping.compiler.model import Model
from kaoping.exact import Q
from kaoping.io.results import Texts, total_places
from kaoping.scoring import Results, UnitResult

HEAD = ("group", "unit", "total", "rank", "grade", "flags")
BATCH = 50_000  # units a Parquet row group holds (and the memory a batch of text takes)


def value_columns(model: Model) -> list[str]:
    """Every score and output the scheme's blocks declare, in declaration order, each once."""
    columns: dict[str, None] = {}
    for block in model.blocks:
        for path in block.order:
            if block.values[path].kind in ("section", "item", "let", "output"):
                columns.setdefault(path, None)
    return [c for c in columns if c not in HEAD]


def rows(results: Results, columns: list[str]) -> Iterator[list[Any]]:
    """Each unit's row: text cells, the rank a whole number, None where there is no value."""
    places = total_places(results.scheme.model)
    texts = Texts()
    for r in results.ordered():
        yield row_of(r, columns, places, texts)


def row_of(r: UnitResult, columns: list[str], places: int | None, texts: Texts) -> list[Any]:
    u = r.unit
    row: list[Any] = [
        u.group,
        u.name,
        texts[r.total, places],
        r.rank,
        next(iter(u.grades.values()), None),
        ", ".join(u.flags),
    ]
    values = u.values
    for path in columns:
        value = values.get(path)
        if type(value) is bool:
            row.append("true" if value else "false")
        elif isinstance(value, int):
            row.append(str(value))
        elif isinstance(value, Q):
            row.append(texts[value, None])
        else:  # an enum value, or no value
            row.append(None if value is None else str(value))
    return row


# what a spreadsheet opening a CSV file directly takes as the start of a formula
FORMULA_START = ("=", "+", "-", "@")


def formula_warning(output: str, names: Iterable[str]) -> str | None:
    """A warning when units' names in a CSV file start as a formula does. The file keeps each
    name as the data gave it (a CSV file is data, joined on these names; a prefix would change
    them), so the warning says how to open it safely."""
    found = [n for n in names if n.startswith(FORMULA_START)]
    if not found:
        return None
    shown = ", ".join(repr(n) for n in found[:3]) + (
        f" and {len(found) - 3} more" if len(found) > 3 else ""
    )
    return (
        f"warning: {output}: unit name(s) {shown} start with =, +, - or @, which a spreadsheet "
        "opening this CSV file directly may run as a formula; the file holds them as the data "
        "gave them: import it with the unit column as text, or write -o NAME.xlsx (its cells are "
        "always text)"
    )


def iter_csv(results: Results) -> Iterator[str]:
    """The results as CSV text (UTF-8, a header row), a batch of rows at a time."""
    columns = value_columns(results.scheme.model)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*HEAD, *columns])
    for n, row in enumerate(rows(results, columns), 1):
        writer.writerow(["" if cell is None else cell for cell in row])
        if n % 10_000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class _Collected(io.RawIOBase):
    """A file pyarrow writes into, whose bytes are handed on as they come."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def iter_parquet(results: Results) -> Iterator[bytes]:
    """The results as a Parquet file's bytes, a row group at a time (needs pyarrow)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = value_columns(results.scheme.model)
    schema = parquet_schema(results.scheme.scheme_id, columns)
    sink = _Collected()
    writer = pq.ParquetWriter(sink, schema)
    try:
        batch: list[list[Any]] = []
        for row in rows(results, columns):
            batch.append(row)
            if len(batch) == BATCH:
                writer.write_table(_table(pa, schema, batch))
                batch = []
                yield sink.take()
        if batch or not results.units:
            writer.write_table(_table(pa, schema, batch))
    finally:
        writer.close()
    yield sink.take()


def parquet_schema(scheme_id: str, columns: list[str]) -> Any:
    """The results file's columns (the rank a whole number, every other value its exact text)
    and the scheme it is of; one schema whichever backend wrote the file."""
    import pyarrow as pa

    return pa.schema(
        [pa.field(n, pa.int64() if n == "rank" else pa.string()) for n in [*HEAD, *columns]],
        metadata={"scheme": scheme_id},
    )


def _table(pa: Any, schema: Any, batch: list[list[Any]]) -> Any:
    columns = list(zip(*batch, strict=True)) if batch else [() for _ in schema.names]
    return pa.table(
        [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)], schema=schema
    )
