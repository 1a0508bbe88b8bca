"""Reading unit data from an Excel workbook laid out as `kaoping template` writes it (see
`xlsx_layout`). The workbook becomes the same structure a JSON data file gives and goes through
the same validation; before that, every cell is checked where it is, so that a problem names the
sheet, the row, the column's header and the unit.

Numbers are read as the cell shows them. Excel keeps a typed number as a binary double and
openpyxl hands it over as a Python float; the shortest text that reads back as that double
(`repr`) is what the office typed (Excel itself shows at most 15 significant digits, and every
decimal of up to 15 significant digits has a double whose shortest text is that decimal), so
`0.1` in a cell is read as exactly 1/10, never 0.1000000000000000055. A percentage (`80%`) is
kept by Excel as 0.8 and read as 4/5. Text cells go through the strict number reader.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from kaoping.compiler import ir
from kaoping.compiler.model import Model
from kaoping.errors import DataError, DataProblem
from kaoping.io import xlsx_layout as lay
from kaoping.io.data_csv import not_for_group
from kaoping.io.numbers import NumberText
from kaoping.io.text import nfc
from kaoping.io.validate import UnitData, convert, validate

_TRUE = {"true", "yes", "是"}
_FALSE = {"false", "no", "否"}
_EXACT_WHOLE = 2**53  # a double that is a whole number below this is exactly that integer

Warn = Callable[[str], None]


def number_cell(value: float) -> NumberText:
    """A numeric cell's value as the decimal the office typed: see the module's docstring."""
    if value.is_integer() and abs(value) < _EXACT_WHOLE:
        return NumberText(str(int(value)))
    return NumberText(repr(value))


def cell_value(value: Any) -> Any:
    """A cell's value as unit data: None when empty, yes/no, number text, or text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return NumberText(str(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            return "not a finite number"
        return number_cell(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return str(value)
    text = str(value).strip()
    return text or None


def typed(value: Any, t: ir.TypeRef | None) -> Any:
    """A cell's value for an input of type `t`: 是/否 (or yes/no, true/false) for a yes/no, a
    number's digits for text and an enumeration. Anything else is left for validation."""
    if isinstance(value, str) and isinstance(t, ir.YesNoType | None):
        low = value.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
    if isinstance(value, NumberText) and isinstance(t, ir.TextType | ir.EnumType):
        return str.__str__(value)
    return value


class _Reader:
    def __init__(self, path: Path, model: Model, warn: Warn):
        self.path = path
        self.model = model
        self.warn = warn
        self.problems: list[DataProblem] = []
        self.formulas: dict[str, set[str]] = {}
        self.where_unit: dict[str, str] = {}  # unit → its row ("sheet '…' row N")

    def problem(self, title: str, row: int | None, unit: Any, field: Any, msg: str) -> None:
        where = f"{self.path}: sheet {title!r}" + (f" row {row}" if row is not None else "")
        self.problems.append(DataProblem(where, unit, field, msg))

    def rows(self, ws: Any) -> Iterable[tuple[int, list[Any]]]:
        """(row number, cell values) of a sheet; an error cell is reported, a formula with no
        saved value warned about, both read as empty."""
        formulas = self.formulas.get(ws.title, set())
        # each row as long as its last cell, not padded to the sheet's widest: one cell in
        # column XFD (16,384) made every row of a 42 KB workbook 16,384 cells (3,000 rows:
        # 16 s and 470 MB; a larger file, the machine's memory)
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
        for cells in ws.iter_rows():
            values: list[Any] = []
            row = None
            for cell in cells:
                if not hasattr(cell, "row"):  # an empty cell read-only mode fills in
                    values.append(None)
                    continue
                row = cell.row
                value = cell.value
                if cell.data_type == "e":
                    self.problem(ws.title, row, None, cell.coordinate, f"the cell shows {value}")
                    value = None
                elif value is None and cell.coordinate in formulas:
                    self.warn(
                        f"{self.path}: sheet {ws.title!r} cell {cell.coordinate}: a formula "
                        "with no saved value (the program that wrote the file does not "
                        "calculate); read as empty: open and save the file in Excel or WPS"
                    )
                values.append(cell_value(value))
            if row is not None:
                yield row, values

    def header(self, title: str, first: list[Any], wanted: dict[str, str]) -> dict[int, str]:
        """Column index → name, from row 1; `wanted` maps each accepted header text to a
        name. Column A is the unit; unknown and repeated headers are reported."""
        if not first or first[0] != lay.UNIT_HEADER:
            self.problem(title, 1, None, None, f"cell A1 must be {lay.UNIT_HEADER!r}")
        columns: dict[int, str] = {}
        for i, text in enumerate(first[1:], 1):
            if text is None:
                continue
            name = wanted.get(nfc(str(text)))
            if name is None:
                self.problem(title, 1, None, str(text), "no column of this sheet has this header")
            elif name in columns.values():
                self.problem(title, 1, None, str(text), "this column appears more than once")
            else:
                columns[i] = name
        return columns

    def check(
        self, value: Any, t: ir.TypeRef, title: str, row: int, unit: str | None, label: str
    ) -> None:
        where = f"{self.path}: sheet {title!r} row {row}, column {label!r}"
        convert(value, t, self.model, where, unit, label, self.problems)


def _cells(
    reader: _Reader,
    title: str,
    row: int,
    unit: str,
    values: list[Any],
    columns: dict[int, str],
    type_of: Callable[[str], ir.TypeRef],
    label_of: Callable[[str], str],
) -> dict[str, Any]:
    """One row's cells after column A, by the name each column's header gives (None for an
    empty cell); a value under no header, or of the wrong type, is reported."""
    out: dict[str, Any] = {name: None for name in columns.values()}
    for i, value in enumerate(values[1:], 1):
        if i not in columns:
            if value is not None:
                reader.problem(title, row, unit, None, f"a value in column {i + 1} with no header")
            continue
        name = columns[i]
        out[name] = typed(value, type_of(name))
        if out[name] is not None:
            reader.check(out[name], type_of(name), title, row, unit, label_of(name))
    return out


def _accepted(headers: dict[str, str], decls: dict[str, Any]) -> dict[str, str]:
    """Header text → name: the template's header, the name itself, the bare description."""
    out: dict[str, str] = {}
    for name, head in headers.items():
        out[head] = name
        out.setdefault(name, name)
        desc = getattr(decls[name], "description", None)
        if desc:
            out.setdefault(desc, name)
    return out


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def unsaved_formulas(ws: Any) -> set[str]:
    """The cells of a read-only sheet that hold a formula with no saved value. Read from the
    sheet's XML (a `<c>` with an `<f>` and no or an empty `<v>`): openpyxl gives a formula or its saved
    value, not both, and a second whole reading would double the time on large workbooks."""
    source = getattr(ws, "_get_source", None)
    if source is None:  # not a read-only sheet: nothing to learn
        return set()
    with source() as stream:
        data = stream.read()
    if _FORMULA.search(data) is None:
        return set()
    found: set[str] = set()
    for _, elem in ElementTree.iterparse(io.BytesIO(data), events=("end",)):
        if elem.tag.endswith("}c") or elem.tag == "c":
            # an empty `<v/>` is no saved value either (what openpyxl itself writes)
            tags = {child.tag.rsplit("}", 1)[-1]: child.text for child in elem}
            if "f" in tags and not tags.get("v"):
                found.add(str(elem.get("r")))
            elem.clear()
    return found


# A sheet's XML compresses about 5 to 20 times (14 times when every row is the same); a part
# that claims to expand over 100 times, past a size worth refusing, is a zip bomb: reading it
# would take minutes and gigabytes of memory (the size a part declares bounds what is read).
_BOMB_RATIO = 100
_BOMB_MIN_BYTES = 16 * 2**20


def refuse_zip_bomb(path: Path) -> None:
    """A data error naming the part when the workbook holds a part that expands too far."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return  # not a zip: openpyxl names what the file is
    for part in parts:
        if part.file_size > _BOMB_MIN_BYTES and part.file_size > _BOMB_RATIO * max(
            part.compress_size, 1
        ):
            raise DataError(
                [
                    DataProblem(
                        str(path),
                        None,
                        None,
                        f"cannot read as an Excel workbook (.xlsx): its part {part.filename!r} "
                        f"expands from {part.compress_size} to {part.file_size} bytes, more "
                        f"than {_BOMB_RATIO} times: a damaged or hostile file (a zip bomb)",
                    )
                ]
            )


def read_workbook(path: Path, model: Model, warn: Warn) -> list[UnitData]:
    """The units of a data workbook, validated (DataError, exit 2, naming sheet, row, column
    and unit). `warn` receives warnings (a formula with no saved value)."""
    from openpyxl import load_workbook

    reader = _Reader(path, model, warn)
    refuse_zip_bomb(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            raw = _read(reader, wb)
        finally:
            wb.close()
    except DataError:
        raise
    except Exception as err:
        # a damaged or hostile file can fail anywhere inside the zip and XML parsers, with
        # any of their exceptions: each is the same data error, never a traceback
        raise DataError(
            [
                DataProblem(
                    str(path),
                    None,
                    None,
                    f"cannot read as an Excel workbook (.xlsx): {type(err).__name__}: {err}",
                )
            ]
        ) from None
    try:
        return validate(raw, model, str(path))
    except DataError as err:
        raise DataError([_on_its_row(p, reader) for p in err.problems]) from None


def _on_its_row(problem: DataProblem, reader: _Reader) -> DataProblem:
    """A problem the unit checks found, placed on the unit's row of its sheet (an empty cell
    is "empty", where a JSON file's value is null)."""
    row = reader.where_unit.get(problem.unit) if problem.unit is not None else None
    if row is None or not problem.where.startswith(str(reader.path)):
        return problem
    message = problem.message
    if message.startswith("is null"):
        message = "is empty" + message.removeprefix("is null")
    return DataProblem(f"{reader.path}: {row}", problem.unit, problem.field, message)


def _read(reader: _Reader, wb: Any) -> dict[str, Any]:
    model = reader.model
    try:
        plan = lay.sheet_plan(model)
    except ValueError as err:
        raise DataError([DataProblem(str(reader.path), None, None, str(err))]) from None
    units: dict[str, dict[str, Any]] = {}
    where_unit = reader.where_unit
    lists: dict[str, dict[str, list[dict[str, Any]]]] = {}
    constants: dict[str, Any] | None = None
    given: dict[str, dict[str, Any]] = {}
    for ws in wb.worksheets:
        title = ws.title
        kind, name = plan.get(title, ("", ""))
        if kind == lay.INSTRUCTIONS_SHEET:
            continue  # never read
        if kind:
            reader.formulas[title] = unsaved_formulas(ws)
        rows = list(reader.rows(ws)) if kind else []
        if kind == "group":
            _units_sheet(reader, title, name, rows, units, where_unit)
        elif kind == "list":
            lists[name] = _list_sheet(reader, title, name, rows)
        elif kind == lay.CONSTANTS_SHEET:
            constants = _constants_sheet(reader, title, rows)
        elif kind == lay.GIVEN_SHEET:
            given = _given_sheet(reader, title, rows)
        else:
            reader.problem(
                title,
                None,
                None,
                None,
                "no group, list input or sheet of the template has this name; the scheme's "
                "groups are " + ", ".join(model.block_of_group),
            )
    for decl in lay.list_inputs(model):
        records = lists.get(decl.name, {})
        takers = [g for g in model.block_of_group if decl.name in model.inputs_for(g)]
        if decl.name not in lists and any(u["group"] in takers for u in units.values()):
            reader.problem(
                lay.sheet_title(decl.name), None, None, decl.name, "this sheet is missing"
            )
        for unit, recs in records.items():
            if unit not in units:
                reader.problem(
                    lay.sheet_title(decl.name), None, unit, None, "no units sheet has this unit"
                )
            elif units[unit]["group"] not in takers:
                group = units[unit]["group"]
                reader.problem(
                    lay.sheet_title(decl.name),
                    None,
                    unit,
                    decl.name,
                    not_for_group(model, decl.name, group),
                )
            else:
                units[unit]["facts"][decl.name] = recs
        for entry in units.values():
            if entry["group"] in takers:
                entry["facts"].setdefault(decl.name, [])
    for unit in given:
        if unit not in units:
            reader.problem(lay.GIVEN_SHEET, None, unit, None, "no units sheet has this unit")
        else:
            units[unit]["given"] = given[unit]
    if reader.problems:
        raise DataError(reader.problems)
    raw: dict[str, Any] = {"units": list(units.values())}
    if constants is not None:
        raw["constants"] = constants
    return raw


def _units_sheet(
    reader: _Reader,
    title: str,
    group: str,
    rows: list[tuple[int, list[Any]]],
    units: dict[str, dict[str, Any]],
    where_unit: dict[str, str],
) -> None:
    decls = {d.name: d for d in lay.scalar_inputs(reader.model, group)}
    headers = lay.input_headers(list(decls.values()))
    first = rows[0][1] if rows and rows[0][0] == 1 else []
    columns = reader.header(title, first, _accepted(headers, decls))
    for name, head in headers.items():
        if name not in columns.values():
            reader.problem(title, 1, None, name, f"missing the column {head!r}")
    for row, values in rows:
        if row == 1 or all(v is None for v in values):
            continue
        unit = values[0] if values else None
        if unit is None:
            reader.problem(title, row, None, None, "a row with values and no unit in column A")
            continue
        unit = str.__str__(unit) if isinstance(unit, str) else str(unit)
        if unit in where_unit:
            reader.problem(title, row, unit, None, f"this unit is already on {where_unit[unit]}")
            continue
        where_unit[unit] = f"sheet {title!r} row {row}"
        facts = _cells(
            reader, title, row, unit, values, columns, lambda n: decls[n].type, headers.__getitem__
        )
        units[unit] = {"unit": unit, "group": group, "facts": facts}


def _list_sheet(
    reader: _Reader, title: str, name: str, rows: list[tuple[int, list[Any]]]
) -> dict[str, list[dict[str, Any]]]:
    decl = reader.model.inputs[name]
    assert isinstance(decl.type, ir.ListType)
    record = reader.model.records[decl.type.record]
    fields = {f.name: f for f in record.fields}
    headers = lay.field_headers(record)
    first = rows[0][1] if rows and rows[0][0] == 1 else []
    columns = reader.header(
        title, first, {**{h: n for n, h in headers.items()}, **{n: n for n in headers}}
    )
    for fname, head in headers.items():
        if fname not in columns.values():
            reader.problem(title, 1, None, fname, f"missing the column {head!r}")
    out: dict[str, list[dict[str, Any]]] = {}
    for row, values in rows:
        if row == 1 or all(v is None for v in values):
            continue
        unit = values[0] if values else None
        if unit is None:
            reader.problem(title, row, None, None, "a row with values and no unit in column A")
            continue
        unit = str.__str__(unit) if isinstance(unit, str) else str(unit)
        rec = _cells(
            reader,
            title,
            row,
            unit,
            values,
            columns,
            lambda f: fields[f].type,
            lambda f: f"{name}.{f}",
        )
        out.setdefault(unit, []).append(rec)
    return out


def _constants_sheet(
    reader: _Reader, title: str, rows: list[tuple[int, list[Any]]]
) -> dict[str, Any]:
    decls = {c.name: c for c in lay.data_constants(reader.model)}
    out: dict[str, Any] = {}
    for row, values in rows:
        if row == 1 or all(v is None for v in values):
            continue
        name = values[0]
        value = values[1] if len(values) > 1 else None
        if name is None:
            reader.problem(title, row, None, None, "a value with no constant's name in column A")
            continue
        name = str(name)
        if name in out:
            reader.problem(title, row, None, name, "this constant is given twice")
            continue
        decl = decls.get(name)
        value = typed(value, decl.type if decl is not None else None)
        out[name] = value
        if decl is not None and decl.type is not None and value is not None:
            reader.check(value, decl.type, title, row, None, name)
    return out


def _given_sheet(
    reader: _Reader, title: str, rows: list[tuple[int, list[Any]]]
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row, values in rows:
        if row == 1 or all(v is None for v in values):
            continue
        unit, name, value, by, note = (list(values) + [None] * 5)[:5]
        if unit is None or name is None:
            reader.problem(title, row, unit, None, "each row names a unit and a value")
            continue
        entry = out.setdefault(str(unit), {})
        if str(name) in entry:
            reader.problem(title, row, str(unit), str(name), "given twice")
            continue
        given: dict[str, Any] = {"value": typed(value, None), "by": by}
        if note is not None:
            given["note"] = str(note)
        entry[str(name)] = given
    return out
