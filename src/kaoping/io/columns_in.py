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

import itertools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kaoping.compiler import ir
from kaoping.compiler.model import Model
from kaoping.devices import device_problem
from kaoping.errors import DataError, DataProblem
from kaoping.exact import DATA_INTEGER_DIGITS, DATA_PLACES
from kaoping.io.validate import _constants as validated_constants
from kaoping.runtime.columnar.numbers import Col, Flags, Labels, magnitude, scaled
from kaoping.runtime.columnar.records import Records
from kaoping.runtime.columnar.table import Column

_PLAIN_BYTES = np.zeros(256, dtype=bool)  # the bytes a plain number cell is made of
_PLAIN_BYTES[list(b"0123456789.-")] = True
_DIGIT_LIMIT = 18  # digits a numerator may have and still fit in int64 (with its places)
_NAME_BYTES = 4096  # longer unit names: the per-unit path (whole-column lines stay small)


@attrs.frozen
class UnitColumns:
    """The units of a data file: their names and groups (as arrays, in file order) and each
    input's exact column (every row; absent where the cell is empty)."""

    names: Any  # a pyarrow string array
    groups: npt.NDArray[np.intp]  # each unit's group, an index into `labels`
    labels: list[str]
    inputs: Mapping[str, Column]
    # the run's constants the data gives (a Parquet file's schema metadata), validated
    constants: Mapping[str, Any] = attrs.field(factory=dict)

    def __len__(self) -> int:
        return len(self.groups)


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
    try:
        data = _table_columns(table, model, pa)
    except pa.ArrowException:  # a kernel pyarrow lacks for a column's type, text beyond 2 GiB
        return None
    if data is None:
        return None
    constants = _constants(table, model, str(path), set(data.labels))
    return None if constants is None else attrs.evolve(data, constants=constants)


def _constants(table: Any, model: Model, where: str, groups: set[str]) -> dict[str, Any] | None:
    """The run's constants a Parquet file's schema metadata gives (`kaoping.constants`), read
    and checked as the per-unit reader reads them; None at any problem (a CSV gives none: a
    constant its groups need is one), which the per-unit reader then reports."""
    from kaoping.io.data_arrow import metadata_constants

    try:
        raw = metadata_constants(table.schema.metadata, where)
    except DataError:
        return None
    problems: list[DataProblem] = []
    constants = validated_constants(raw, model, where, problems, groups)
    return None if problems else constants


def _table_columns(table: Any, model: Model, pa: Any) -> UnitColumns | None:
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
    if not _names_ok(units, pa):
        return None
    codes, labels = _codes(groups)
    if not set(labels) <= set(model.block_of_group):
        return None  # an unknown group: the per-unit reader names the units
    inputs: dict[str, Column] = {}
    wants_of: dict[tuple[str, ...], npt.NDArray[np.bool_]] = {}
    read = _read_all(table, [(name, decl.type) for name, decl in model.inputs.items()], model, pa)
    for name, decl in model.inputs.items():
        wanted_by = tuple(g for g in labels if name in model.inputs_for(g))
        if name not in fields:
            if wanted_by:
                return None  # a missing column: the per-unit reader says which units need it
            continue
        col = read[name]
        if col is None:
            return None
        present = np.ones(n, dtype=bool) if col.present is None else col.present
        wants = wants_of.get(wanted_by)
        if wants is None:
            keep = np.array([g in wanted_by for g in labels], dtype=bool)
            wants = wants_of[wanted_by] = keep[codes] if len(labels) else np.zeros(n, bool)
        # a cell for an input its unit's group does not give (an empty list may be there)
        given = (
            present & (np.bincount(col.owner, minlength=n) > 0)
            if isinstance(col, Records)
            else present
        )
        if (given & ~wants).any():
            return None
        if (~present & wants).any() and (isinstance(col, Records) or not decl.optional):
            return None  # (a list not given at all: the per-unit reader judges)
        inputs[name] = col
    return UnitColumns(units, codes, labels, inputs)


def _read_all(
    table: Any, wanted: list[tuple[str, Any]], model: Model, pa: Any
) -> dict[str, Column | None]:
    """Each input's column read exactly, several at once: pyarrow's casts and numpy's scans
    let go of the interpreter, so the columns are read side by side on the machine's cores."""
    from concurrent.futures import ThreadPoolExecutor

    present = [(name, typ) for name, typ in wanted if name in table.column_names]
    workers = min(4, os.cpu_count() or 1, max(1, len(present)))

    def read(item: tuple[str, Any]) -> Column | None:
        name, typ = item
        column = table.column(name)
        if isinstance(typ, ir.YesNoType):
            return _yes_no(column, pa)
        if isinstance(typ, ir.EnumType):
            return _options(column, pa, frozenset(model.enums[typ.name].values))
        if isinstance(typ, ir.ListType):
            return _records(column, model.records[typ.record], model, pa)
        return _column(column, typ, pa)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        cols = pool.map(read, present)
        return dict(zip((name for name, _ in present), cols, strict=True))


def _codes(groups: Any) -> tuple[npt.NDArray[np.intp], list[str]]:
    """Each row's group as a number, and the groups present, from the group column."""
    encoded = groups.dictionary_encode()
    codes = np.asarray(encoded.indices.fill_null(0), dtype=np.intp)
    return codes, [str(g) for g in encoded.dictionary.to_pylist()]


_READ = (ir.NumberType, ir.CountType, ir.YesNoType, ir.EnumType, ir.ListType)


def _plain_scheme(model: Model) -> bool:
    """Inputs all numbers, counts, yes/no, options or lists of records (from Parquet), and
    constants entered in the data numbers, counts, yes/no or options."""
    constants = (c.type for c in model.constants.values() if c.type is not None)
    if not all(isinstance(t, _READ) and not isinstance(t, ir.ListType) for t in constants):
        return False
    return all(isinstance(d.type, _READ) for d in model.inputs.values())


def _csv_table(path: Path) -> Any:
    """The CSV file as a table of text cells, when pyarrow reads it as the csv module would
    (no quotes, blank lines or bare carriage returns; every row as long as the header). Every
    cell is kept as text: numbers are read from their digits by `_numbers`, never by pyarrow's
    own number readers, which take forms kaoping refuses (an exponent, hexadecimal `0x10`, a
    point with no digit on one side)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if device_problem(path) is not None:  # the per-unit reader refuses it by name
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b'"' in data or b"\n\n" in data or data.startswith((b"\n", b"\r")):
        return None
    data = data.removeprefix(b"\xef\xbb\xbf")
    start = data.find(b"\n")
    if start < 0:
        return None
    try:
        header = data[:start].removesuffix(b"\r").decode("utf-8").split(",")
    except UnicodeDecodeError:
        return None
    returns = data.count(b"\r")
    # line ends \r\n (a spreadsheet's, the csv module's), never a bare \r, no blank line
    if returns and (returns != data.count(b"\r\n") or b"\n\r" in data):
        return None
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                null_values=[""],
                true_values=[],
                false_values=[],
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if [str(c) for c in table.column_names] != header:
        return None
    return table


def _parquet_table(path: Path) -> Any:
    """The Parquet file as a table; None when pyarrow cannot read it (the per-unit reader says
    why)."""
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path)
    except (OSError, ValueError, NotImplementedError):
        return None


def _text_column(column: Any, pa: Any) -> Any:
    """A column as one string array, nulls as empty text; None for other kinds (a Parquet
    decimal or integer column goes through the per-unit reader)."""
    import pyarrow.compute as pc

    if not _is_text(column.type, pa):
        return None
    array = _array(column)
    if not pa.types.is_string(array.type):  # large or view: one layout of offsets and bytes
        array = array.cast(pa.string())
    if array.null_count:
        array = pc.fill_null(array, "")
    return array


def _array(column: Any) -> Any:
    """One array: a table's column (chunked) joined, or a record field's as it is."""
    if not hasattr(column, "num_chunks"):
        return column
    return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)


def _is_text(kind: Any, pa: Any) -> bool:
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )


def _names_ok(units: Any, pa: Any) -> bool:
    """Each unit name is already as matched (printable ASCII with nothing around it, or text
    the per-unit rules keep as it is) and none is given twice."""
    import unicodedata

    import pyarrow.compute as pc

    from kaoping.io.text import clean_name

    if len(units) and pc.max(pc.binary_length(units)).as_py() > _NAME_BYTES:
        return False  # a name that long is left to the per-unit path (and its limits)
    plain = pc.match_substring_regex(units, r"^[!-~]([ -~]*[!-~])?$")
    if not pc.all(plain).as_py():
        others = units.filter(pc.invert(plain)).to_pylist()
        for raw in others:
            if not raw:
                return False
            cleaned, refused = clean_name(raw)
            if refused or cleaned != raw or not unicodedata.is_normalized("NFC", raw):
                return False
    return bool(pc.count_distinct(units).as_py() == len(units))


def _column(column: Any, typ: Any, pa: Any) -> Col | None:
    """An input's column read exactly: from text, or from pyarrow's integers or decimals."""
    kind = column.type
    if _is_text(kind, pa):
        cells = _text_column(column, pa)
        return None if cells is None else _numbers(cells, typ, pa)
    array = _array(column)
    present = None if array.null_count == 0 else np.asarray(array.is_valid())
    whole = isinstance(typ, ir.CountType) or bool(getattr(typ, "integer", False))
    if pa.types.is_int64(kind):
        value = np.asarray(array.fill_null(0), dtype=np.int64)
        if magnitude(value) >= 10**DATA_INTEGER_DIGITS:
            return None
        col = scaled(value, 1, present)
    elif pa.types.is_decimal128(kind) and kind.scale == 12 and not whole:  # (256: 4 words)
        words = np.frombuffer(array.buffers()[1], dtype=np.int64)
        words = words[2 * array.offset : 2 * (array.offset + len(array))].reshape(-1, 2)
        low = words[:, 0] if present is None else np.where(present, words[:, 0], 0)
        high = words[:, 1] if present is None else np.where(present, words[:, 1], 0)
        if (high != (low >> 63)).any():
            return None  # beyond int64 at 12 places: read from text instead
        places = 0
        while places < 12 and (low % 10 ** (12 - places) != 0).any():
            places += 1
        value = low // 10 ** (12 - places)
        if magnitude(value) >= 10 ** (DATA_INTEGER_DIGITS + places):
            return None
        col = scaled(value, 10**places, present)
    else:
        return None
    return col if _in_range(col, typ) else None


def _numbers(cells: Any, typ: Any, pa: Any) -> Col | None:
    """A column of number cells read exactly: integer numerators over 10^places (empty cells
    absent). None where a cell is not plain (digits, at most one point with digits on both
    sides, a leading minus), or breaks the input's type or range. pyarrow reads the column as
    a decimal at its most places, whose 64-bit numerator is the column's."""
    import pyarrow.compute as pc

    whole = isinstance(typ, ir.CountType) or bool(getattr(typ, "integer", False))
    n = len(cells)
    offsets = np.frombuffer(cells.buffers()[1], dtype=np.int32)[cells.offset : cells.offset + n + 1]
    lengths = np.diff(offsets)
    present = lengths > 0
    if n == 0 or not present.any():
        return scaled(np.zeros(n, dtype=np.int64), 1, None if present.all() else present)
    raw = np.frombuffer(cells.buffers()[2], dtype=np.uint8)
    # only digits, points and minus signs: pyarrow's integer reader would also take a plus
    # sign, spaces and hexadecimal (`0x1.5`), which the per-unit reader judges
    body = raw[offsets[0] : offsets[-1]]
    if not _PLAIN_BYTES[body].all():
        return None
    negative = present & (raw[np.minimum(offsets[:-1], len(raw) - 1)] == ord("-"))
    dot = np.asarray(pc.find_substring(cells, "."))
    has_dot = dot >= 0
    if np.count_nonzero(body == ord(".")) != np.count_nonzero(has_dot):
        return None  # a cell with two points
    before = np.where(has_dot, dot, lengths) - negative
    after = np.where(has_dot, lengths - dot - 1, 0)
    if ((before < 1) & present).any() or (has_dot & (after < 1)).any():
        return None  # "-", ".5", "5.": not plain
    if (before > DATA_INTEGER_DIGITS).any() or (after > DATA_PLACES).any():
        return None
    if whole and has_dot.any():
        return None  # a count or whole number written with a point
    if isinstance(typ, ir.CountType) and negative.any():
        return None  # a negative count (or `-0`)
    places = int(after.max(initial=0))
    if int((before + places).max(initial=0)) > _DIGIT_LIMIT:
        return None
    text = cells if present.all() else pc.if_else(pa.array(present), cells, pa.scalar(None))
    try:  # exact: a decimal at the column's most places (a misplaced minus is refused here)
        read = pc.cast(text, pa.int64() if places == 0 else pa.decimal128(38, places))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if places == 0:
        value = np.asarray(read.fill_null(0), dtype=np.int64)
    else:  # the numerator over 10^places: a decimal's low 64 bits (it fits: 18 digits at most)
        words = np.frombuffer(read.buffers()[1], dtype=np.int64)
        value = words[2 * read.offset : 2 * (read.offset + n) : 2]
        value = value.copy() if present.all() else np.where(present, value, 0)
    col = scaled(value, 10**places, None if present.all() else present)
    return col if _in_range(col, typ) else None


# the yes/no words the per-unit reader takes (`data_csv`), in every mix of cases it accepts
_YES = frozenset(
    "".join(p) for w in ("true", "yes") for p in itertools.product(*((c, c.upper()) for c in w))
) | {"是"}
_NO = frozenset(
    "".join(p) for w in ("false", "no") for p in itertools.product(*((c, c.upper()) for c in w))
) | {"否"}


def _yes_no(column: Any, pa: Any) -> Flags | None:
    """A yes/no column: Parquet booleans, or the words the per-unit reader takes (true/false,
    yes/no in any case, 是/否) written exactly; empty cells absent."""
    import pyarrow.compute as pc

    array = _array(column)
    if pa.types.is_boolean(array.type):
        present = None if array.null_count == 0 else np.asarray(array.is_valid())
        return Flags(np.asarray(array.fill_null(False), dtype=bool), present)
    cells = _text_column(column, pa)
    if cells is None:
        return None
    present = np.asarray(pc.binary_length(cells)) > 0
    yes = np.asarray(pc.is_in(cells, value_set=pa.array(sorted(_YES))))
    no = np.asarray(pc.is_in(cells, value_set=pa.array(sorted(_NO))))
    if (present & ~(yes | no)).any():
        return None  # another spelling, a number, spaces around: the per-unit reader judges
    return Flags(yes, None if present.all() else present)


def _options(column: Any, pa: Any, choices: frozenset[str]) -> Labels | None:
    """An enum input's column: each cell one of its values, written exactly; empty absent."""
    import pyarrow.compute as pc

    cells = _text_column(column, pa)
    if cells is None:
        return None
    present = np.asarray(pc.binary_length(cells)) > 0
    known = np.asarray(pc.is_in(cells, value_set=pa.array(sorted(choices), pa.string())))
    if (present & ~known).any():
        return None  # another value, spaces around one: the per-unit reader judges
    return Labels(np.array(cells.to_pylist(), dtype=object), None if present.all() else present)


def _records(column: Any, record: ir.RecordDecl, model: Model, pa: Any) -> Records | None:
    """A list input's Parquet column (a list of structs, a field each) as the records of every
    unit; its `present` marks the units whose list is not null. None where the per-unit
    reader must judge: another layout, a null record, a field missing or extra, a cell it does
    not read as plainly valid (numbers as decimal text, yes/no as booleans, as that reader
    takes them in a record)."""
    array = _array(column)
    kind = array.type
    if not (pa.types.is_list(kind) and pa.types.is_struct(kind.value_type)):
        return None
    names = [kind.value_type.field(i).name for i in range(kind.value_type.num_fields)]
    if sorted(names) != sorted(f.name for f in record.fields):
        return None
    offsets = np.asarray(array.offsets, dtype=np.int64)
    values = array.values.slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
    if values.null_count:
        return None
    children = dict(zip(names, values.flatten(), strict=True))
    fields: dict[str, Column] = {}
    for decl in record.fields:
        col = _field(children[decl.name], decl, model, pa)
        if col is None:
            return None
        fields[decl.name] = col
    owner = np.repeat(np.arange(len(array), dtype=np.int64), np.diff(offsets))
    recs = Records(owner, len(array), fields)
    recs.present = None if array.null_count == 0 else np.asarray(array.is_valid())
    return recs


def _field(cells: Any, decl: ir.FieldDecl, model: Model, pa: Any) -> Column | None:
    """A record field's column: null cells absent (where the field is optional)."""
    import pyarrow.compute as pc

    if cells.null_count and not decl.optional:
        return None
    typ = decl.type
    if isinstance(typ, ir.YesNoType):
        if not pa.types.is_boolean(cells.type):
            return None  # text in a record's yes/no: the per-unit reader's message
        present = None if cells.null_count == 0 else np.asarray(cells.is_valid())
        return Flags(np.asarray(cells.fill_null(False), dtype=bool), present)
    if not pa.types.is_string(cells.type):
        return None
    if (np.asarray(pc.binary_length(cells.fill_null("x"))) == 0).any():
        return None  # an empty text is not a missing value in a record: that reader judges
    if isinstance(typ, ir.EnumType):
        return _options(cells, pa, frozenset(model.enums[typ.name].values))
    if isinstance(typ, ir.TextType):
        try:
            cells.validate(full=True)  # UTF-8, which a Parquet file does not promise
        except pa.ArrowInvalid:
            return None
        present = None if cells.null_count == 0 else np.asarray(cells.is_valid())
        cells = pc.utf8_normalize(cells, "NFC")  # as the per-unit reader compares texts
        return Labels(np.array(cells.fill_null("").to_pylist(), dtype=object), present)
    return _numbers(_text_column(cells, pa), typ, pa)


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
