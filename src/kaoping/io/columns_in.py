"""A large table of units read straight into exact columns, never into per-unit objects.

What the whole-column path of `kaoping score` reads (`scoring_whole`): a CSV or Parquet file
whose every cell is plain and valid, parsed with pyarrow and checked with numpy a column at a
time. Decimals are read from their digits (`-?[0-9]{1,18}(.[0-9]{1,12})?`, what the per-unit
reader calls plain) into integer numerators over one power of ten: never through a float.

It gives up (returns None) at the first cell it would not read exactly as the per-unit reader
does: a number written otherwise (`+5`, `1e3`, spaces), a value out of range, an empty
required cell, a unit name that needs normalising or is refused, a name given twice, an
unknown group, a cell another group's input. The caller then reads the file with the
per-unit reader, which reports every problem with its usual message, or accepts what is
unusual but valid: the same outcome either way, only slower."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kaoping.compiler import ir
from kaoping.compiler.model import Model
from kaoping.exact import DATA_INTEGER_DIGITS, DATA_PLACES
from kaoping.runtime.columnar.numbers import Col, scaled

_DIGIT_LIMIT = 18  # digits a numerator may have and still fit in int64 (with its places)


@attrs.frozen
class UnitColumns:
    """The units of a data file: their names and groups (as arrays, in file order) and each
    input's exact column (every row; absent where the cell is empty)."""

    names: npt.NDArray[Any]  # object array of str
    groups: npt.NDArray[Any]  # object array of str
    inputs: Mapping[str, Col]
    # the input's cells as written, kept where they are already the exact text the results
    # show (no trailing zeros, no leading zeros): a pyarrow string array, else None
    texts: Mapping[str, Any]

    def __len__(self) -> int:
        return len(self.names)


def read_columns(path: Path, model: Model) -> UnitColumns | None:
    """The file's units as columns, or None when it must be read unit by unit (see above)."""
    if not _plain_scheme(model):
        return None
    try:
        import pyarrow as pa
    except ImportError:
        return None
    table = _csv_table(path) if path.suffix.lower() == ".csv" else None
    if path.suffix.lower() == ".parquet" and path.is_file():
        table = _parquet_table(path)
    if table is None:
        return None
    fields = [str(n) for n in table.column_names]
    if "unit" not in fields or "group" not in fields or len(set(fields)) != len(fields):
        return None
    if any(f not in ("unit", "group") and f not in model.inputs for f in fields):
        return None
    n = table.num_rows
    units = _text_column(table.column("unit"), pa)
    groups = _text_column(table.column("group"), pa)
    if units is None or groups is None:
        return None
    names = _names(units, pa)
    if names is None:
        return None
    group_names = np.asarray(groups.to_numpy(zero_copy_only=False), dtype=object)
    known = list(model.block_of_group)
    if not np.isin(group_names, np.asarray(known, dtype=object)).all():
        return None
    inputs: dict[str, Col] = {}
    texts: dict[str, Any] = {}
    present_groups = set(np.unique(group_names).tolist()) if n else set()
    for name, decl in model.inputs.items():
        wanted_by = [g for g in present_groups if name in model.inputs_for(g)]
        if name not in fields:
            if wanted_by:
                return None  # a missing column: the per-unit reader says which units need it
            continue
        cells = _text_column(table.column(name), pa)
        if cells is None:
            return None
        parsed = _numbers(cells, decl.type, pa)
        if parsed is None:
            return None
        col, canonical = parsed
        present = np.ones(n, dtype=bool) if col.present is None else col.present
        wants = np.isin(group_names, np.asarray(wanted_by, dtype=object))
        if (present & ~wants).any():  # a cell for an input its unit's group does not give
            return None
        if (~present & wants).any() and not decl.optional:
            return None
        inputs[name] = col
        texts[name] = cells if canonical else None
    return UnitColumns(np.asarray(names, dtype=object), group_names, inputs, texts)


def _plain_scheme(model: Model) -> bool:
    """Inputs all numbers or counts, and no constant entered in the data (a CSV or Parquet
    file of units has no top-level `constants`)."""
    if any(c.type is not None for c in model.constants.values()):
        return False
    return all(type(d.type) in (ir.NumberType, ir.CountType) for d in model.inputs.values())


def _csv_table(path: Path) -> Any:
    """The CSV file as a table of text cells, when pyarrow reads it as the csv module would
    (no quotes, blank lines or carriage returns; every row as long as the header)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b'"' in data or b"\n\n" in data or data.startswith((b"\n", b"\r")):
        return None
    if b"\r" in data:  # line ends \r\n (a spreadsheet's, the csv module's): no bare \r
        if data.count(b"\r") != data.count(b"\r\n") or b"\n\r\n" in data:
            return None
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        header = data.split(b"\n", 1)[0].removesuffix(b"\r").decode("utf-8").split(",")
        table = pacsv.read_csv(
            pa.BufferReader(data),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
        )
    except (UnicodeDecodeError, pa.ArrowInvalid):
        return None
    if [str(c) for c in table.column_names] != header:
        return None
    return table


def _parquet_table(path: Path) -> Any:
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path)
    except (OSError, ValueError):
        return None


def _text_column(column: Any, pa: Any) -> Any:
    """A column as one string array, nulls as empty text; None for other kinds (a Parquet
    decimal or integer column goes through the per-unit reader)."""
    import pyarrow.compute as pc

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return None
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if array.null_count:
        array = pc.fill_null(array, "")
    if pa.types.is_large_string(array.type):
        array = array.cast(pa.string())
    return array


def _names(units: Any, pa: Any) -> list[str] | None:
    """The unit names, when each is already as matched (printable ASCII with nothing around
    it, or text the per-unit rules keep as it is) and none is given twice."""
    import unicodedata

    import pyarrow.compute as pc

    from kaoping.io.text import clean_name

    plain = pc.match_substring_regex(units, r"^[!-~]([ -~]*[!-~])?$")
    names: list[str] = units.to_pylist()
    if not pc.all(plain).as_py():
        for i in np.flatnonzero(~np.asarray(plain)).tolist():
            raw = names[i]
            if not raw:
                return None
            cleaned, refused = clean_name(raw)
            if refused or cleaned != raw or not unicodedata.is_normalized("NFC", raw):
                return None
    if pc.count_distinct(units).as_py() != len(names):
        return None
    return names


def _numbers(cells: Any, typ: Any, pa: Any) -> tuple[Col, bool] | None:
    """A column of number cells read exactly: integer numerators over 10^places (empty cells
    absent), and whether every cell is already written as the results write it. None where a
    cell is not plain, or breaks the input's type or range."""
    whole = isinstance(typ, ir.CountType) or bool(getattr(typ, "integer", False))
    n = len(cells)
    offsets = np.frombuffer(cells.buffers()[1], dtype=np.int32)[cells.offset : cells.offset + n + 1]
    raw = cells.buffers()[2]
    data = np.frombuffer(raw, dtype=np.uint8) if raw is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    width = int(lengths.max(initial=0))
    if width > 1 + DATA_INTEGER_DIGITS + 1 + DATA_PLACES:
        return None
    present = lengths > 0
    # the cells as rows of `width` bytes, left-aligned, zero past each cell's end
    grid = np.zeros((n, max(width, 1)), dtype=np.uint8)
    for j in range(width):
        inside = lengths > j
        grid[inside, j] = data[offsets[:-1][inside] + j]
    negative = grid[:, 0] == ord("-")
    start = negative.astype(np.int64)
    is_digit = (grid >= ord("0")) & (grid <= ord("9"))
    is_dot = grid == ord(".")
    dots = is_dot.sum(axis=1)
    position = np.arange(max(width, 1))
    inside_cell = position[None, :] < lengths[:, None]
    after_sign = position[None, :] >= start[:, None]
    body = inside_cell & after_sign
    if (body & ~is_digit & ~is_dot).any() or (dots > 1).any():
        return None
    dot_at = np.where(dots == 1, np.argmax(is_dot, axis=1), lengths)
    before = dot_at - start
    after = np.where(dots == 1, lengths - dot_at - 1, 0)
    if ((before < 1) & present).any() or ((dots == 1) & (after < 1)).any():
        return None  # "-", ".5", "5.": not plain
    if (before > DATA_INTEGER_DIGITS).any() or (after > DATA_PLACES).any():
        return None
    if whole and (dots.any() or (negative & present).any()):
        return None  # a count or whole number written with a point, a negative count
    places = int(after.max(initial=0))
    if int((before + places).max(initial=0)) > _DIGIT_LIMIT:
        return None
    value = np.zeros(n, dtype=np.int64)
    for j in range(width):
        digit = body[:, j] & is_digit[:, j]
        value = np.where(digit, value * 10 + (grid[:, j].astype(np.int64) - ord("0")), value)
    value *= 10 ** (places - after)
    value = np.where(negative, -value, value)
    col = scaled(value, 10**places, None if present.all() else present)
    if not _in_range(col, typ):
        return None
    # as the results write it: no leading zero (but "0" and "0.x"), no trailing zero, no "-0"
    leading = (before > 1) & (grid[np.arange(n), start] == ord("0"))
    last = grid[np.arange(n), np.maximum(lengths - 1, 0)]
    trailing = (dots == 1) & (last == ord("0"))
    minus_zero = negative & (value == 0)
    canonical = not (leading.any() or trailing.any() or minus_zero.any())
    return col, canonical


def _in_range(col: Col, typ: Any) -> bool:
    low, high = getattr(typ, "low", None), getattr(typ, "high", None)
    num = col.num.astype(np.int64)
    keep = np.ones(len(num), dtype=bool) if col.present is None else col.present
    if isinstance(typ, ir.CountType):
        return not ((num < 0) & keep).any()
    if low is not None and ((num * low.denominator < int(low.numerator) * col.den) & keep).any():
        return False
    return not (
        high is not None and ((num * high.denominator > int(high.numerator) * col.den) & keep).any()
    )
