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

# from this size a CSV file is parsed by pyarrow (a smaller one is quicker with the csv module)
ARROW_CSV_FROM = 8 * 2**20


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
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as err:  # pyarrow's errors derive from both
        message = f"cannot read as Parquet: {str(err).splitlines()[0] if str(err) else err}"
        raise DataError([DataProblem(where, None, None, message)]) from None
    return table_units(table, model, where)


def table_units(table: Any, model: Model, where: str) -> dict[str, Any]:
    """An Arrow table of units (a Parquet file's, a Dask partition's) as the data `validate`
    reads; rows are named `where: row N` (from 1)."""
    fields = [str(name) for name in table.column_names]
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
    fields = header
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
    if pt.is_floating(kind):
        message = (
            "a column of binary floats cannot hold decimals exactly: store it as decimal, "
            "integer or text"
        )
        raise DataError([DataProblem(where, None, name, message)])
    if pt.is_null(kind):
        return iter([""] * len(column))
    if pt.is_boolean(kind):
        return (cell if cell is not None else "" for cell in column.to_pylist())
    if pt.is_list(kind) and pt.is_struct(kind.value_type):  # a record input: text fields
        for field in kind.value_type:
            if not (pt.is_string(field.type) or pt.is_boolean(field.type)):
                message = (
                    f"the records' field {field.name} is {field.type}: store record fields as "
                    "text (numbers as decimal text) or booleans"
                )
                raise DataError([DataProblem(where, None, name, message)])
        return (cell if cell is not None else "" for cell in column.to_pylist())
    if pt.is_string(kind) or pt.is_large_string(kind):
        return (cell if cell is not None else "" for cell in column.to_pylist())
    if pt.is_integer(kind):
        texts = column.cast(pa.string())
        return (cell if cell is not None else "" for cell in texts.to_pylist())
    if pt.is_decimal(kind):
        return _decimal_texts(column, pa)
    message = f"a column of {kind} cannot hold an input's value: store it as decimal or text"
    raise DataError([DataProblem(where, None, name, message)])


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
