"""The results written from columns (`scoring_whole`): the same bytes as the per-unit writers
(`io/results.iter_json` compact, `io/results_table`), a chunk of units at a time, so memory
stays bounded whatever the number of units.

A JSON or CSV line is its fields in order, each a key (or comma) and a value's text drawn
from a table of that column's texts (`Fields`, `column_text`); `row_bytes.Lines` copies them
into place for a whole chunk at once. Parquet gets each column's texts as a pyarrow array."""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

import numpy as np

from kaoping.compiler.emit import rank_path
from kaoping.io.column_text import number_texts
from kaoping.io.history_file import scheme_hash
from kaoping.io.results import constants_head, total_places
from kaoping.io.results_table import BATCH, HEAD, value_columns
from kaoping.io.row_bytes import Kept, Lines, Table, texts_table
from kaoping.runtime.columnar.numbers import Col, Flags, Labels
from kaoping.runtime.columnar.records import Records
from kaoping.scoring_whole import GroupColumns, WholeResults

CHUNK = 25_000  # units whose text is made at once


def _pieces(results: WholeResults) -> Iterator[tuple[GroupColumns, int, int]]:
    for g in results.groups:
        for start in range(0, len(g.names), CHUNK):
            yield g, start, min(start + CHUNK, len(g.names))


# ------------------------------------------------------------------------------ JSON


def iter_json(results: WholeResults) -> Iterator[bytes | memoryview]:
    """The results JSON as `iter_json(..., compact=True)` writes it, then the final newline."""
    scheme = results.scheme
    head = {"scheme": scheme.scheme_id, "scheme_hash": scheme_hash(scheme)}
    if len(results):
        head.update(constants_head(scheme.model, results.constants))
    yield (_compact(head)[:-1] + ',"units":[').encode()
    separator = b"\n"
    fields = Fields("json")
    for g, start, stop in _pieces(results):
        yield separator
        yield _json_lines(results, g, start, stop, fields)  # each line but the last ",\n"
        separator = b",\n"
    warnings = [{"code": w.code, "unit": w.unit, "message": w.message} for w in results.warnings]
    yield ('\n],"warnings":' + _compact(warnings) + "}\n\n").encode()


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_lines(
    results: WholeResults, g: GroupColumns, start: int, stop: int, fields: Fields
) -> memoryview:
    model = results.scheme.model
    block = g.block
    rows = g.order[start:stop]
    lines = Lines(stop - start, fields.kept)
    lines.pick(Table(_json_names(g.names.slice(start, stop - start))), np.arange(stop - start))
    at_total = ',"group":' + encode_basestring(g.group) + ',"total":'
    fields.number(lines, g.values["total"], rows, total_places(model) or 0, prefix=at_total)
    rank_value = rank_path(block)
    rank = g.values.get(rank_value) if rank_value else None
    if rank is None:
        lines.text(',"rank":null')
    else:
        fields.number(lines, rank, rows, 0, quoted=False, prefix=',"rank":')
    _json_grades(lines, g, rows, fields)
    lines.text(',"scores":{')
    kinds = ("section", "item", "let")
    scores = [p for p in block.order if p in g.values and block.values[p].kind in kinds]
    outputs = [p for p in block.order if p in g.values and block.values[p].kind == "output"]
    for i, path in enumerate(scores):
        fields.value(
            lines, g.values[path], rows, ("," if i else "") + encode_basestring(path) + ":"
        )
    lines.text('},"flags":')
    _lists(lines, g.flags, start, stop, "")
    lines.text(',"outputs":{')
    for i, path in enumerate(outputs):
        fields.value(
            lines, g.values[path], rows, ("," if i else "") + encode_basestring(path) + ":"
        )
    lines.text('},"warnings":[],"facts":{')
    wanted = [name for name in model.inputs_for(g.group) if name not in model.constants]
    for i, name in enumerate(wanted):
        at = ("," if i else "") + encode_basestring(name) + ":"
        fields.value(lines, g.facts[name], g.fact_rows[start:stop], at)
    lines.text("}")
    _lists(lines, g.inapplicable, start, stop, ',"not_applicable":')
    tail = (',"rank_value":' + encode_basestring(rank_value)) if rank_value else ""
    lines.text(tail + "},\n")
    return lines.bytes(trim=2)


def _json_grades(lines: Lines, g: GroupColumns, rows: Any, fields: Fields) -> None:
    """`"grade"` (the first grading's) and `"grades"` (every grading's, in order), as the
    per-unit results give them: every unit has a grade in each grading."""
    if not g.grades:
        lines.text(',"grade":null,"grades":{}')
        return
    first = next(iter(g.grades.values()))
    fields.value(lines, first, rows, ',"grade":')
    for i, (name, col) in enumerate(g.grades.items()):
        fields.value(lines, col, rows, (',"grades":{' if not i else ",") + _key(name))
    lines.text("}")


def _key(name: str) -> str:
    return encode_basestring(name) + ":"


def _json_names(names: Any) -> Any:
    """`{"unit":"NAME"` for each name, the name escaped as JSON (a name holds no control
    character: those are refused when read)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    escaped = pc.replace_substring(pc.replace_substring(names, "\\", "\\\\"), '"', '\\"')
    return pc.binary_join_element_wise('{"unit":"', escaped, '"', "").cast(pa.binary())


def _lists(lines: Lines, named: dict[int, list[str]], start: int, stop: int, key: str) -> None:
    """Each unit's list (flags, items that do not apply) as JSON; with `key`, only where the
    unit has one (`key` then the list)."""
    empty = "" if key else "[]"
    if not any(start <= i < stop for i in named):
        lines.text(empty)
        return
    texts = [(key + _compact(named[i])) if i in named else empty for i in range(start, stop)]
    distinct = list(dict.fromkeys(texts))
    where = {t: k for k, t in enumerate(distinct)}
    lines.pick(Table([t.encode() for t in distinct]), np.array([where[t] for t in texts]))


class Fields:
    """Each column's texts as a table, worked out once for its whole range of numerators
    (most columns hold few distinct values) or, for a wide range, per chunk of units."""

    RANGE = 1 << 16  # a column whose numerators span more is written from its distinct values

    def __init__(self, style: str):
        self.style = style  # "json": numbers quoted, absent `null`; "csv": bare, absent empty
        self.kept = Kept()
        self._tables: dict[tuple[int, int, bool, str], tuple[int, Table]] = {}
        self._lists: dict[tuple[int, str], Table] = {}  # each unit's records, as JSON

    def number(
        self,
        lines: Lines,
        col: Col,
        rows: Any,
        places: int = 0,
        quoted: bool = True,
        prefix: str = "",
    ) -> None:
        """`prefix` (a key, a comma) then the number's text."""
        num = col.num[rows]
        quote = '"' if quoted and self.style == "json" else ""
        absent = prefix + ("null" if self.style == "json" else "")
        key = (id(col), places, quoted, prefix)
        found = self._tables.get(key)
        if found is None and num.dtype != object:
            whole = col.num
            low, high = int(whole.min(initial=0)), int(whole.max(initial=0))
            if high - low < self.RANGE:
                texts = number_texts(np.arange(low, high + 1, dtype=np.int64), col.den, places)
                found = (
                    low,
                    texts_table([*texts.to_pylist(), None], prefix + quote, quote, absent),
                )
                self._tables[key] = found
        if found is not None:
            low, table = found
            index = num.astype(np.intp) - low
        else:
            distinct, index = np.unique(num, return_inverse=True)
            texts = number_texts(distinct, col.den, places)
            table = texts_table([*texts.to_pylist(), None], prefix + quote, quote, absent)
        if col.present is not None:
            index = np.where(col.present[rows], index, len(table) - 1)
        lines.pick(table, index)

    def value(self, lines: Lines, col: Any, rows: Any, prefix: str = "") -> None:
        """`prefix` then a value as the results write it: a number exact, yes/no, text, absent,
        a list of records (JSON only: the tables have no facts)."""
        if isinstance(col, Col):
            self.number(lines, col, rows, prefix=prefix)
            return
        if isinstance(col, Records):
            key = (id(col), prefix)
            table = self._lists.get(key)
            if table is None:
                table = self._lists[key] = Table(_records_json(col, prefix))
            lines.pick(table, np.asarray(rows, dtype=np.intp))
            return
        absent = "null" if self.style == "json" else ""
        if isinstance(col, Flags):
            table = texts_table(["false", "true", None], prefix, "", prefix + absent)
            index = col.truth[rows].astype(np.intp)
        elif isinstance(col, Labels):
            text = col.text[rows].tolist()
            distinct = list(dict.fromkeys(text))
            shown = [
                encode_basestring(t) if self.style == "json" else _csv_text(t) for t in distinct
            ]
            table = texts_table([*shown, None], prefix, "", prefix + absent)
            where = {t: k for k, t in enumerate(distinct)}
            index = np.array([where[t] for t in text], dtype=np.intp)
        else:
            raise TypeError(type(col).__name__)
        if col.present is not None:
            index = np.where(col.present[rows], index, len(table) - 1)
        lines.pick(table, index)


def _records_json(recs: Records, prefix: str) -> Any:
    """`prefix` then each unit's list of records as compact JSON (`[{"等级":"较大"}]`, fields
    in their declared order, numbers as exact text), one text a unit of the column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts: list[Any] = []
    for i, (name, field) in enumerate(recs.fields.items()):
        parts.append(("{" if i == 0 else ",") + encode_basestring(name) + ":")
        if isinstance(field, Col):
            text = pc.binary_join_element_wise('"', number_texts(field.num, field.den), '"', "")
        elif isinstance(field, Flags):
            text = pc.if_else(pa.array(field.truth), "true", "false")
        else:
            shown = [encode_basestring(t) for t in field.text.tolist()]
            text = pa.array(shown, type=pa.string())
        if field.present is not None:
            text = pc.if_else(pa.array(field.present), text, "null")
        parts.append(text)
    parts.append("}")
    one = pc.binary_join_element_wise(*parts, "") if recs.fields else pa.array(["{}"] * len(recs))
    counts = np.bincount(recs.owner, minlength=recs.n_units)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    joined = pc.binary_join(pa.LargeListArray.from_arrays(pa.array(offsets), one), ",")
    return pc.binary_join_element_wise(prefix + "[", joined, "]", "")


def formula_like(names: Any) -> list[str]:
    """The names of a column of unit names that start as a spreadsheet formula does (see
    `results_table.formula_warning`), found on the column."""
    import pyarrow.compute as pc

    return list(pc.filter(names, pc.match_substring_regex(names, r"^[=+\-@]")).to_pylist())


def _csv_text(text: str) -> str:
    """A cell as the csv module writes it: quoted (quotes doubled) when it holds , " or a
    line break."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


# ------------------------------------------------------------------------------ tables


def _cells(results: WholeResults, g: GroupColumns, start: int, stop: int) -> list[Any]:
    """The table's columns for units start … stop − 1 of the group: text (None: empty), the
    rank an integer, as `results_table.rows` gives them."""
    import pyarrow as pa

    rows = g.order[start:stop]
    n = stop - start
    places = total_places(results.scheme.model)
    total = g.values["total"]
    rank_value = rank_path(g.block)
    rank = g.values.get(rank_value) if rank_value else None
    flags = (
        [", ".join(g.flags[i]) if i in g.flags else "" for i in range(start, stop)]
        if any(start <= i < stop for i in g.flags)
        else pa.array([""] * n, type=pa.string())
    )
    out: list[Any] = [
        pa.array([g.group] * n, type=pa.string()),
        g.names.slice(start, stop - start),
        number_texts(total.num[rows], total.den, places or 0),
        pa.array(rank.num[rows].astype(np.int64)) if rank is not None else pa.nulls(n, pa.int64()),
        _cell_texts(next(iter(g.grades.values())), rows) if g.grades else pa.nulls(n, pa.string()),
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


def iter_csv(results: WholeResults) -> Iterator[bytes | memoryview]:
    """The results as `results_table.iter_csv` writes them (UTF-8, a header row)."""
    import csv
    import io

    columns = value_columns(results.scheme.model)
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([*HEAD, *columns])
    yield header.getvalue().encode()
    fields = Fields("csv")
    for g, start, stop in _pieces(results):
        yield _csv_lines(results, g, start, stop, fields, columns)


def _csv_lines(
    results: WholeResults,
    g: GroupColumns,
    start: int,
    stop: int,
    fields: Fields,
    columns: list[str],
) -> memoryview:
    """One row a unit: group, unit, total, rank, grade (the first grading's), flags, then
    every value."""
    rows = g.order[start:stop]
    lines = Lines(stop - start, fields.kept)
    lines.text(_csv_text(g.group) + ",")
    lines.pick(Table(_csv_quoted(g.names.slice(start, stop - start))), np.arange(stop - start))
    fields.number(
        lines,
        g.values["total"],
        rows,
        total_places(results.scheme.model) or 0,
        prefix=",",
    )
    rank_value = rank_path(g.block)
    rank = g.values.get(rank_value) if rank_value else None
    if rank is None:
        lines.text(",")
    else:
        fields.number(lines, rank, rows, 0, prefix=",")
    if g.grades:
        fields.value(lines, next(iter(g.grades.values())), rows, ",")
        lines.text(",")
    else:
        lines.text(",,")
    if any(start <= i < stop for i in g.flags):
        texts = [_csv_text(", ".join(g.flags.get(i, []))) for i in range(start, stop)]
        distinct = list(dict.fromkeys(texts))
        where = {t: k for k, t in enumerate(distinct)}
        lines.pick(Table([t.encode() for t in distinct]), np.array([where[t] for t in texts]))
    for path in columns:
        col = g.values.get(path)
        if col is None:
            lines.text(",")
        else:
            fields.value(lines, col, rows, ",")
    lines.text("\n")
    return lines.bytes()


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

    from kaoping.io.results_table import _Collected, parquet_schema

    schema = parquet_schema(results.scheme.scheme_id, value_columns(results.scheme.model))
    sink = _Collected()
    writer = pq.ParquetWriter(sink, schema)
    try:
        for batch in _batches(results):
            writer.write_table(pa.Table.from_arrays(batch, schema=schema))
            yield sink.take()
        if not len(results):  # no unit: one empty row group, as the per-unit writer
            writer.write_table(schema.empty_table())
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
