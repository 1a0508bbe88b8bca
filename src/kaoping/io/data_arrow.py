"""Reading tables of units through pyarrow: Parquet files, and large CSV files.

Numbers never pass through a binary float: every numeric column is read as text (a decimal128
or integer column cast to its exact decimal text), so `validate` reads each value exactly, with
the same bounds and messages as for a JSON or CSV file. A float column is refused: its values
are binary approximations, not the decimals the office entered. Rows go through the same
`rows_units` as the CSV reader's, so the same bad data gets the same message from either.
pyarrow is kaoping's `[scale]` extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kaoping.compiler.model import Model
from kaoping.errors import DataError, DataProblem, SetupError
from kaoping.io.data_csv import check_columns, rows_units
from kaoping.io.text import nfc

# from this size a CSV file is parsed by pyarrow (a smaller one is quicker with the csv module)
ARROW_CSV_FROM = 8 * 2**20

# the Parquet schema metadata key holding the run's constants (a JSON object), as a JSON data
# file's top-level "constants" holds them
CONSTANTS_KEY = b"kaoping.constants"


def require_pyarrow(what: str) -> Any:
    """pyarrow, or a usage error naming the extra that brings it."""
    try:
        import pyarrow
    except ImportError:
        raise SetupError(f"{what} needs pyarrow: pip install 'kaoping[scale]'") from None
    return pyarrow


def parquet_units(path: Path, model: Model) -> dict[str, Any]:
    """A Parquet file (or a folder of them, a partitioned dataset) of units, one row a unit,
    as the data `validate` reads."""
    require_pyarrow("reading Parquet")
    import pyarrow.parquet as pq

    where = str(path)
    schema = check_dataset(path) if path.is_dir() else None
    try:
        table = pq.read_table(path, schema=schema)
    except (OSError, ValueError, NotImplementedError) as err:  # pyarrow's errors derive from these
        message = f"cannot read as Parquet: {str(err).splitlines()[0] if str(err) else err}"
        raise DataError([DataProblem(where, None, None, message)]) from None
    raw = table_units(table, model, where)
    constants = metadata_constants(table.schema.metadata, where)
    if constants is not None:
        raw["constants"] = constants
    return raw


def metadata_constants(metadata: Any, where: str) -> dict[str, Any] | None:
    """The run's constants a Parquet schema's metadata holds under `kaoping.constants` (a JSON
    object, numbers as their text), or None when it holds none."""
    from kaoping.io.json_text import read_json_text

    text = (metadata or {}).get(CONSTANTS_KEY)
    if text is None:
        return None
    try:  # the data's strict reader: a constant given twice is kept as such, to be refused
        value = read_json_text(
            text.decode("utf-8"), f"{where}: schema metadata {CONSTANTS_KEY.decode()}"
        )
    except UnicodeDecodeError:
        value = None
    if not isinstance(value, dict):
        message = "the schema metadata kaoping.constants must be a JSON object"
        raise DataError([DataProblem(where, None, "constants", message)])
    return value


def table_units(table: Any, model: Model, where: str) -> dict[str, Any]:
    """An Arrow table of units (a Parquet file's, a Dask partition's) as the data `validate`
    reads; rows are named `where: row N` (from 1)."""
    fields = [nfc(str(name)) for name in table.column_names]
    check_columns(fields, model, where)
    columns = [_texts(table.column(i), name, where) for i, name in enumerate(fields)]
    rows = (
        (f"{where}: row {n}", dict(zip(fields, cells, strict=True)))
        for n, cells in enumerate(zip(*columns, strict=True), 1)
    )
    return rows_units(rows, fields, model)


def csv_units_arrow(data: bytes, model: Model, where: str) -> dict[str, Any] | None:
    """A large CSV file's units parsed by pyarrow, every cell as text; None when the file is
    one the csv module must read to name lines exactly (quoted cells, blank lines, a bare
    carriage return, rows of the wrong length) or pyarrow is not installed."""
    if b'"' in data or b"\r" in data or b"\n\n" in data or data.startswith(b"\n"):
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    text = data.removeprefix(b"\xef\xbb\xbf")
    try:
        header = text.split(b"\n", 1)[0].decode("utf-8").split(",")
    except UnicodeDecodeError:  # the text reader says where
        return None
    try:
        table = pacsv.read_csv(
            pa.BufferReader(text),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
        )
    except pa.ArrowInvalid:  # rows of another length, text not UTF-8: the csv module says
        return None
    if [str(n) for n in table.column_names] != header:  # repeated names: the csv module says
        return None
    fields = [nfc(f) for f in header]
    check_columns(fields, model, where)
    columns = [table.column(i).to_pylist() for i in range(len(fields))]
    # no quotes and no blank lines: row n (from 1) is on line n + 1
    rows = (
        (f"{where}:{n}", dict(zip(fields, cells, strict=True)))
        for n, cells in enumerate(zip(*columns, strict=True), 2)
    )
    return rows_units(rows, fields, model)


def _texts(column: Any, name: str, where: str) -> Iterator[Any]:
    """A column's cells as the CSV reader gives them: text (null as empty), yes/no as bool."""
    import pyarrow as pa
    import pyarrow.types as pt

    kind = column.type
    if pt.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pt.is_string_view(kind):
        column = column.cast(pa.string())
        kind = column.type
    if column.null_count == len(column):  # no value at all (an empty frame's float columns)
        return iter([""] * len(column))
    refused = kind_problem(kind)
    if refused is not None:
        raise DataError([DataProblem(where, None, name, refused)])
    if pt.is_null(kind):
        return iter([""] * len(column))
    if pt.is_integer(kind):
        texts = column.cast(pa.string())
        return (cell if cell is not None else "" for cell in texts.to_pylist())
    if pt.is_decimal(kind):
        return _decimal_texts(column, pa)
    # text, yes/no, records (lists of objects of text)
    return (cell if cell is not None else "" for cell in column.to_pylist())


def kind_problem(kind: Any) -> str | None:
    """Why a Parquet column of this type cannot hold an input's values (None: it can)."""
    import pyarrow.types as pt

    if pt.is_dictionary(kind):
        kind = kind.value_type
    if pt.is_floating(kind):
        return (
            "a column of binary floats cannot hold decimals exactly: store it as decimal, "
            "integer or text"
        )
    if pt.is_list(kind) and pt.is_struct(kind.value_type):  # a record input: text fields
        for field in kind.value_type:
            if not (pt.is_string(field.type) or pt.is_boolean(field.type)):
                return (
                    f"the records' field {field.name} is {field.type}: store record fields as "
                    "text (numbers as decimal text) or booleans"
                )
        return None
    held = (pt.is_null, pt.is_boolean, pt.is_string, pt.is_large_string, pt.is_string_view)
    if any(test(kind) for test in held) or pt.is_integer(kind) or pt.is_decimal(kind):
        return None
    return f"a column of {kind} cannot hold an input's value: store it as decimal or text"


_SUFFIXES = (".parquet", ".parq", ".pq")  # the files Dask's reader takes


def check_dataset(path: Path) -> Any:
    """A folder of Parquet files is read as one table, with the first file's columns and
    types: a column another file lacks would read as empty there, one only another file has
    would be dropped, a float column there would be cast to text unseen, another type cast or
    refused. So every file must have the same columns, each of the same type (or all empty),
    one a column may hold, and the same constants in its schema metadata (the first file's
    are read); and be named as a Parquet file (Dask reads no other). Else a data
    error names the file. Returns the schema to read the files with when it is not the
    dataset's own (a column all empty in the first file: the type another file gives it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    where = str(path)
    try:
        dataset = pq.ParquetDataset(where)
        files = dataset.files
        schemas = [(f, pq.read_schema(f)) for f in files]
    except (OSError, ValueError) as err:
        message = f"cannot read as Parquet: {str(err).splitlines()[0] if str(err) else err}"
        raise DataError([DataProblem(where, None, None, message)]) from None
    if not files:
        message = "a folder with no Parquet file (*.parquet) in it"
        raise DataError([DataProblem(where, None, None, message)])
    problems: list[DataProblem] = []
    first_file, first = schemas[0]
    for file, schema in schemas:
        if not file.lower().endswith(_SUFFIXES):
            message = "not named as a Parquet file (*.parquet): rename it or move it out"
            problems.append(DataProblem(file, None, None, message))
        names = list(schema.names)
        given = (schema.metadata or {}).get(CONSTANTS_KEY)
        if given != (first.metadata or {}).get(CONSTANTS_KEY):
            message = (
                f"its schema metadata gives other constants (kaoping.constants) than "
                f"{first_file}'s: give the run's constants the same in every file"
            )
            problems.append(DataProblem(file, None, "constants", message))
        if file != first_file:
            for name in first.names:
                if name not in names:
                    message = (
                        f"this file has no column {name}, which {first_file} has: every file "
                        "of a dataset gives the same columns"
                    )
                    problems.append(DataProblem(file, None, name, message))
            for name in names:
                if name not in first.names:
                    message = (
                        f"this column is not in {first_file}: every file of a dataset gives "
                        "the same columns"
                    )
                    problems.append(DataProblem(file, None, name, message))
        for field in schema:
            refused = kind_problem(field.type)
            if refused is not None:
                problems.append(DataProblem(file, None, field.name, refused))
            elif field.name in first.names:
                was = first.field(field.name).type
                if not _same_type(was, field.type):
                    message = (
                        f"this column is {field.type} here but {was} in {first_file}: store "
                        "it as the same type in every file of a dataset"
                    )
                    problems.append(DataProblem(file, None, field.name, message))
    if problems:
        raise DataError(problems)
    schema = dataset.schema  # (with the columns a `key=value` folder name gives)
    changed = False
    for i, field in enumerate(schema):
        if pa.types.is_null(field.type):
            types = [s.field(field.name).type for _, s in schemas if field.name in s.names]
            given = [k for k in types if not pa.types.is_null(k)]
            if given:
                schema = schema.set(i, field.with_type(given[0]))
                changed = True
    return schema if changed else None


def _plain_type(kind: Any) -> Any:
    import pyarrow as pa
    import pyarrow.types as pt

    kind = kind.value_type if pt.is_dictionary(kind) else kind
    return pa.string() if pt.is_large_string(kind) or pt.is_string_view(kind) else kind


def _same_type(a: Any, b: Any) -> bool:
    """Types a dataset's files may differ in: text however encoded, a column all empty."""
    import pyarrow.types as pt

    return bool(pt.is_null(a) or pt.is_null(b) or _plain_type(a).equals(_plain_type(b)))


def _decimal_texts(column: Any, pa: Any) -> Iterator[str]:
    """A decimal column's cells as plain decimal text. pyarrow's cast to text writes small
    values with an exponent (`0E-12` for a zero of scale 12, `1.000E-9`, `1E+2` for a
    negative scale), which the data reader refuses as written by hand; such cells are
    written out from their exact value instead."""
    import pyarrow.compute as pc

    texts = column.cast(pa.string())
    if not pc.any(pc.match_substring(texts, "E")).as_py():
        return (cell if cell is not None else "" for cell in texts.to_pylist())
    return ("" if cell is None else format(cell, "f") for cell in column.to_pylist())
