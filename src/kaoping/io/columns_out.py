"""The results written from columns (`scoring_whole`): the same bytes as the per-unit writers
(`io/results.iter_json` compact, `io/results_table`), assembled a chunk of units at a time
with pyarrow's string kernels, so memory stays bounded whatever the number of units.

Each unit's line is its fixed text (keys, punctuation) joined element-wise with its values'
texts (`column_text`); a chunk's lines are one pyarrow string array whose data buffer is the
bytes written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

import numpy as np

from kaoping.compiler.emit import rank_path
from kaoping.io.column_text import number_texts
from kaoping.io.history_file import scheme_hash
from kaoping.io.results import total_places
from kaoping.io.results_table import BATCH, HEAD, value_columns
from kaoping.runtime.columnar.numbers import Col, Flags, Labels
from kaoping.scoring_whole import GroupColumns, WholeResults

CHUNK = 50_000  # units whose text is made at once (the Parquet row group as well)


def _pieces(results: WholeResults) -> Iterator[tuple[GroupColumns, int, int]]:
    for g in results.groups:
        for start in range(0, len(g.names), CHUNK):
            yield g, start, min(start + CHUNK, len(g.names))


def _bytes(lines: Any) -> bytes:
    """The data of a string array with no nulls: its lines one after another."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    first, last = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    data = lines.buffers()[2]
    return b"" if data is None else data.to_pybytes()[first:last]


def _join(parts: list[Any]) -> Any:
    """Element-wise concatenation of string arrays and plain text (adjacent text merged)."""
    import pyarrow.compute as pc

    merged: list[Any] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return pc.binary_join_element_wise(*merged, "")


# ------------------------------------------------------------------------------ JSON


def iter_json(results: WholeResults) -> Iterator[bytes]:
    """The results JSON as `iter_json(..., compact=True)` writes it, then the final newline."""
    scheme = results.scheme
    head = {"scheme": scheme.scheme_id, "scheme_hash": scheme_hash(scheme)}
    yield (_compact(head)[:-1] + ',"units":[').encode()
    separator = b"\n"
    for g, start, stop in _pieces(results):
        lines = _join(_json_parts(results, g, start, stop))
        yield separator + _bytes(lines)[:-2]  # each line ends ",\n"; the next chunk's starts
        separator = b",\n"
    yield b'\n],"warnings":[]}\n\n'


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_parts(results: WholeResults, g: GroupColumns, start: int, stop: int) -> list[Any]:
    import pyarrow as pa
    import pyarrow.compute as pc

    model = results.scheme.model
    block = g.block
    rows = np.arange(start, stop)
    n = stop - start
    names = pa.array(g.names[start:stop], type=pa.string())
    escaped = pc.replace_substring(pc.replace_substring(names, "\\", "\\\\"), '"', '\\"')
    parts: list[Any] = ['{"unit":"', escaped, '","group":' + encode_basestring(g.group)]
    total = g.values["total"]
    places = total_places(model)
    parts += [',"total":"', number_texts(total.num[rows], total.den, places or 0), '","rank":']
    rank_value = rank_path(block)
    rank = g.values.get(rank_value) if rank_value else None
    parts += [number_texts(rank.num[rows], 1) if rank is not None else "null"]
    parts += [',"grade":null,"grades":{},"scores":{']
    scores = [
        p for p in block.order if p in g.values and block.values[p].kind in ("section", "item", "let")
    ]
    outputs = [p for p in block.order if p in g.values and block.values[p].kind == "output"]
    for i, path in enumerate(scores):
        parts += [("," if i else "") + encode_basestring(path) + ":", _json_value(g.values[path], rows)]
    parts += ['},"flags":', _lists(g.flags, start, stop), ',"outputs":{']
    for i, path in enumerate(outputs):
        parts += [("," if i else "") + encode_basestring(path) + ":", _json_value(g.values[path], rows)]
    parts += ['},"warnings":[],"facts":{']
    wanted = [name for name in model.inputs_for(g.group) if name not in model.constants]
    for i, name in enumerate(wanted):
        text = g.fact_texts.get(name)
        value = (
            _quoted_or_null(text.slice(start, n), g.facts[name], rows)
            if text is not None
            else _json_value(g.facts[name], rows)
        )
        parts += [("," if i else "") + encode_basestring(name) + ":", value]
    parts += ["}"]
    if any(start <= i < stop for i in g.inapplicable):
        parts += [_not_applicable(g.inapplicable, start, stop)]
    tail = (',"rank_value":' + encode_basestring(rank_value)) if rank_value else ""
    parts += [tail + "},\n"]
    return parts


def _quoted_or_null(text: Any, col: Col, rows: Any) -> Any:
    """A fact's text as written (already exact text), quoted; null where the cell was empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    quoted = pc.binary_join_element_wise('"', text, '"', "")
    if col.present is None:
        return quoted
    return pc.if_else(pa.array(col.present[rows]), quoted, "null")


def _json_value(col: Any, rows: Any) -> Any:
    """A value as the results JSON writes it: a number as quoted exact text, yes/no, text, null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    present = None if col.present is None else pa.array(col.present[rows])
    if isinstance(col, Col):
        text = pc.binary_join_element_wise('"', number_texts(col.num[rows], col.den), '"', "")
    elif isinstance(col, Flags):
        text = pc.if_else(pa.array(col.truth[rows]), "true", "false")
    elif isinstance(col, Labels):
        made: dict[str, str] = {}
        text = pa.array(
            [made.setdefault(s, encode_basestring(s)) for s in col.text[rows].tolist()],
            type=pa.string(),
        )
    else:
        raise TypeError(type(col).__name__)
    return text if present is None else pc.if_else(present, text, "null")


def _lists(named: dict[int, list[str]], start: int, stop: int) -> Any:
    """Each unit's list (its flags) as JSON: `[]` for most."""
    import pyarrow as pa

    if not any(start <= i < stop for i in named):
        return "[]"
    return pa.array(
        [_compact(named.get(i, [])) for i in range(start, stop)], type=pa.string()
    )


def _not_applicable(named: dict[int, list[str]], start: int, stop: int) -> Any:
    import pyarrow as pa

    return pa.array(
        [
            (',"not_applicable":' + _compact(named[i])) if i in named else ""
            for i in range(start, stop)
        ],
        type=pa.string(),
    )


# ------------------------------------------------------------------------------ tables


def _cells(results: WholeResults, g: GroupColumns, start: int, stop: int) -> list[Any]:
    """The table's columns for units start … stop − 1 of the group: text (None: empty), the
    rank an integer, as `results_table.rows` gives them."""
    import pyarrow as pa

    rows = np.arange(start, stop)
    n = stop - start
    places = total_places(results.scheme.model)
    total = g.values["total"]
    rank_value = rank_path(g.block)
    rank = g.values.get(rank_value) if rank_value else None
    flags = [", ".join(g.flags[i]) if i in g.flags else "" for i in range(start, stop)] if any(
        start <= i < stop for i in g.flags
    ) else pa.array([""] * n, type=pa.string())
    out: list[Any] = [
        pa.array([g.group] * n, type=pa.string()),
        pa.array(g.names[start:stop], type=pa.string()),
        number_texts(total.num[rows], total.den, places or 0),
        pa.array(rank.num[rows].astype(np.int64)) if rank is not None else pa.nulls(n, pa.int64()),
        pa.nulls(n, pa.string()),
        pa.array(flags, type=pa.string()),
    ]
    for path in value_columns(results.scheme.model):
        col = g.values.get(path)
        if col is None:
            out.append(pa.nulls(n, pa.string()))
        else:
            out.append(_cell_texts(col, rows))
    return out


def _cell_texts(col: Any, rows: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(col, Col):
        text = number_texts(col.num[rows], col.den)
    elif isinstance(col, Flags):
        text = pc.if_else(pa.array(col.truth[rows]), "true", "false")
    elif isinstance(col, Labels):
        text = pa.array(col.text[rows].tolist(), type=pa.string())
    else:
        raise TypeError(type(col).__name__)
    if col.present is None:
        return text
    return pc.if_else(pa.array(col.present[rows]), text, pa.scalar(None, pa.string()))


def iter_csv(results: WholeResults) -> Iterator[bytes]:
    """The results as `results_table.iter_csv` writes them (UTF-8, a header row)."""
    import csv
    import io

    import pyarrow as pa
    import pyarrow.compute as pc

    columns = value_columns(results.scheme.model)
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([*HEAD, *columns])
    yield header.getvalue().encode()
    for g, start, stop in _pieces(results):
        cells = _cells(results, g, start, stop)
        parts: list[Any] = []
        for i, cell in enumerate(cells):
            if i:
                parts.append(",")
            if pa.types.is_integer(cell.type):
                cell = pc.cast(cell, pa.string())
            if i in (0, 1, 4, 5) or pa.types.is_string(cell.type):
                cell = _csv_quoted(cell)
            parts.append(pc.fill_null(cell, ""))
        parts.append("\n")
        yield _bytes(_join(parts))


def _csv_quoted(cell: Any) -> Any:
    """A cell as the csv module writes it: quoted (quotes doubled) when it holds , " or a
    line break."""
    import pyarrow.compute as pc

    if cell.null_count == len(cell):
        return cell
    needs = pc.match_substring_regex(cell, '[,"\r\n]')
    if not pc.any(needs).as_py():
        return cell
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(cell, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, cell)


def iter_parquet(results: WholeResults) -> Iterator[bytes]:
    """The results as `results_table.iter_parquet` writes them: a row group per 50,000 units."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kaoping.io.results_table import _Collected

    names = [*HEAD, *value_columns(results.scheme.model)]
    schema = pa.schema(
        [pa.field(n, pa.int64() if n == "rank" else pa.string()) for n in names],
        metadata={"scheme": results.scheme.scheme_id},
    )
    sink = _Collected()
    writer = pq.ParquetWriter(sink, schema)
    try:
        for batch in _batches(results):
            writer.write_table(pa.Table.from_arrays(batch, schema=schema))
            yield sink.take()
    finally:
        writer.close()
    yield sink.take()


def _batches(results: WholeResults) -> Iterator[list[Any]]:
    """Row groups of BATCH units across groups, as the per-unit writer cuts them."""
    import pyarrow as pa

    held: list[list[Any]] = []
    count = 0
    for g, start, stop in _pieces(results):
        cells = _cells(results, g, start, stop)
        take = stop - start
        offset = 0
        while offset < take:
            room = min(BATCH - count, take - offset)
            held.append([c.slice(offset, room) for c in cells])
            count += room
            offset += room
            if count == BATCH:
                yield [pa.concat_arrays([h[i] for h in held]) for i in range(len(cells))]
                held, count = [], 0
    if held:
        yield [pa.concat_arrays([h[i] for h in held]) for i in range(len(held[0]))]
