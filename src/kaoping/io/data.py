"""Reading a unit data file (JSON, CSV or Excel) and validating it against a scheme's inputs.

The entry point of data reading: it picks the reader by the file's kind (`json_text`,
`data_csv`, `xlsx_read`), checks large JSON files unit by unit as they are parsed, and hands
the units to `validate`, which reports every problem by unit and input.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from kaoping.compiler.model import Model
from kaoping.devices import device_problem
from kaoping.errors import DataError, DataProblem
from kaoping.io import data_arrow
from kaoping.io.data_csv import csv_units, refuse_lists_in_csv
from kaoping.io.json_text import _decoder, _json_error, read_json_text
from kaoping.io.jsonstream import UnitsStream
from kaoping.io.validate import (
    UnitData,
    _constants,
    _not_units,
    _roster,
    _top_level,
    _units,
    _with_constants,
    read_roster,
    validate,
)


def load_file(
    path: Path, model: Model, warn: Callable[[str], None] | None = None
) -> list[UnitData]:
    """Read a JSON, CSV or Excel (.xlsx) data file and validate it."""
    return load_dataset(path, model, warn)[0]


def load_dataset(
    path: Path, model: Model, warn: Callable[[str], None] | None = None
) -> tuple[list[UnitData], dict[str, int]]:
    """A data file's units, validated, and the roster it declares (empty: the data holds
    every unit of its groups). A CSV file or a workbook declares no roster. `warn` receives
    warnings (a workbook's formula with no saved value)."""
    where = str(path)
    device = device_problem(path)
    if device is not None:
        raise DataError([DataProblem(where, None, None, device)])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from kaoping.io.xlsx_read import read_workbook

        return read_workbook(path, model, warn or (lambda message: None)), {}
    if path.suffix.lower() in (".xls", ".et", ".ods"):
        message = "a workbook kaoping cannot read: save it as an Excel workbook (.xlsx)"
        raise DataError([DataProblem(where, None, None, message)])
    if path.suffix.lower() == ".parquet" or path.is_dir():  # a file, or a dataset
        from kaoping.io.data_arrow import parquet_units

        return validate(parquet_units(path, model), model, where), {}
    if path.suffix.lower() == ".csv" and _size(path) >= data_arrow.ARROW_CSV_FROM:
        from kaoping.io.data_arrow import csv_units_arrow

        raw = csv_units_arrow(_read_bytes(path), model, where)
        if raw is not None:
            refuse_lists_in_csv(raw, model, where)
            return validate(raw, model, where), {}
    text = read_data_text(path)
    if path.suffix.lower() == ".csv":
        raw = csv_units(text, model, where)
        refuse_lists_in_csv(raw, model, where)
        return validate(raw, model, where), {}
    if text.lstrip(" \t\r\n").startswith("{"):
        return _load_json_streamed(text, model, where)
    raw = read_json_text(text, where)
    units = validate(raw, model, where)
    return units, read_roster(raw, model, where)


def _load_json_streamed(
    text: str, model: Model, where: str
) -> tuple[list[UnitData], dict[str, int]]:
    """A JSON data file checked unit by unit as it is parsed (see jsonstream): the same
    problems as `validate` gives for the whole parsed file, without holding every parsed unit."""
    stream = UnitsStream(text, _decoder())
    problems: list[DataProblem] = []
    present: set[str] = set()  # the groups with a unit in the data, as `validate` finds them
    try:
        out = _units(stream, model, where, problems, present)
    except (RecursionError, json.JSONDecodeError) as err:
        raise _json_error(err, where) from None
    if not stream.units_is_list and stream.keys.count("units") < 2:
        raise DataError([_not_units(where)])
    first: list[DataProblem] = []  # the top-level object's problems, reported first
    roster = _roster(stream.others, model, where, first)
    first.extend(_top_level(stream.keys, where))
    constants = _constants(stream.others.get("constants"), model, where, first, present)
    problems[:0] = first
    if problems:
        raise DataError(problems)
    return _with_constants(out, constants), roster


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_data_text says why it cannot be read


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise DataError(
            [DataProblem(str(path), None, None, f"cannot read: {err.strerror}")]
        ) from None


def read_data_text(path: Path) -> str:
    """A data or history file's text: UTF-8 (a BOM is fine), or a data error saying so."""
    where = str(path)
    device = device_problem(path)
    if device is not None:
        raise DataError([DataProblem(where, None, None, device)])
    try:
        return path.read_text("utf-8-sig")
    except UnicodeDecodeError as err:
        message = (
            f"not UTF-8 text (byte {err.object[err.start]:#04x} at offset {err.start}); "
            "save the file as UTF-8 (Excel: CSV UTF-8)"
        )
        raise DataError([DataProblem(where, None, None, message)]) from None
    except OSError as err:
        raise DataError([DataProblem(where, None, None, f"cannot read: {err.strerror}")]) from None
