"""Reading unit data from CSV: one row per unit, one column per scalar input.

Cells stay text for `validate` to read, except the yes/no words; a column the unit's group does
not use must be left empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from kaoping.compiler import ir
from kaoping.compiler.model import Model
from kaoping.errors import DataError, DataProblem
from kaoping.io.text import nfc

# words only: a 1 / 0 in a yes/no column is a number, rejected as in JSON
_TRUE = {"true", "yes", "是"}


_FALSE = {"false", "no", "否"}


def csv_units(text: str, model: Model, where: str) -> dict[str, Any]:
    """One row per unit; columns unit, group, then one per scalar input (empty = null)."""
    reader = csv.DictReader(io.StringIO(text))
    fields = [nfc(f) for f in reader.fieldnames or []]  # a header in NFD names the same input
    reader.fieldnames = fields
    check_columns(list(fields), model, where)
    rows = ((f"{where}:{lineno}", row) for lineno, row in _csv_rows(reader, where))
    return rows_units(rows, list(fields), model)


def refuse_lists_in_csv(raw: dict[str, Any], model: Model, where: str) -> None:
    """A list of records has no place in a CSV row: said once for each such input the units'
    groups need, with where the data can go instead (not once a unit as a missing input)."""
    needed: dict[str, tuple[str, list[str]]] = {}
    for unit in raw["units"]:
        group = unit["group"]
        for name in model.inputs_for(group):
            t = model.inputs[name].type
            if isinstance(t, ir.ListType):
                groups = needed.setdefault(name, (t.record, []))[1]
                if group not in groups:
                    groups.append(group)
    problems = [
        DataProblem(
            where,
            None,
            name,
            f"a list of {record} records (for the units of {', '.join(groups)}), which a CSV "
            "file cannot hold: give the data as JSON, as Parquet (a column of lists) or as a "
            "workbook (`kaoping template` makes one with a sheet for each list)",
        )
        for name, (record, groups) in needed.items()
    ]
    if problems:
        raise DataError(problems)


def check_columns(fields: list[str], model: Model, where: str) -> None:
    """The header of a table of units (CSV or Parquet): unit, group and the scheme's inputs,
    each once."""
    problems: list[DataProblem] = []
    for need in ("unit", "group"):
        if need not in fields:
            problems.append(
                DataProblem(where, None, need, "the table needs a column named " + need)
            )
    for col in sorted({c for c in fields if fields.count(c) > 1}):
        problems.append(DataProblem(where, None, col, "this column appears more than once"))
    for col in fields:
        if col not in ("unit", "group") and col not in model.inputs:
            problems.append(DataProblem(where, None, col, _no_input(col, model)))
    if problems:
        raise DataError(problems)


def rows_units(
    rows: Iterable[tuple[str, dict[Any, Any]]], fields: list[str], model: Model
) -> dict[str, Any]:
    """Rows of a table of units, each with where it is (`file:line`, or a Parquet row), as the
    data `validate` reads. A cell is text (empty = null) or, from Parquet, a yes/no already
    or a list of records (objects of text). Every reader of tables gives its rows here: the same problems, the same
    messages, whichever file they came from."""
    problems: list[DataProblem] = []
    units = []
    uses: dict[str, Any] = {}  # group → the inputs its units give, looked up once a group
    for here, row in rows:
        group = row.get("group") or ""
        if type(group) is str and group not in model.block_of_group:
            group = nfc(group)  # a group's name typed decomposed, as any name
        if row.get(None):
            problems.append(
                DataProblem(
                    here,
                    row.get("unit"),
                    None,
                    f"{len(row[None])} cell(s) more than the header has columns",
                )
            )
        missing = [col for col, cell in row.items() if col is not None and cell is None]
        if missing:  # a short row, not empty cells: an empty cell is written `,,`
            problems.append(
                DataProblem(
                    here,
                    row.get("unit"),
                    None,
                    f"the row stops before column(s) {', '.join(missing)}",
                )
            )
        if group not in uses:
            uses[group] = model.inputs_for(group)
        facts: dict[str, Any] = {}
        for col in fields:
            if col in ("unit", "group"):
                continue
            cell = row.get(col)
            cell = cell if type(cell) in (bool, list) else (cell or "").strip()
            if col not in uses[group]:
                if cell != "" and cell != []:
                    problems.append(
                        DataProblem(
                            here,
                            row.get("unit"),
                            col,
                            not_for_group(model, col, group) + "; leave the cell empty",
                        )
                    )
                continue
            facts[col] = _csv_cell(cell, model.inputs[col]) if type(cell) is str else cell
        units.append({"unit": row.get("unit"), "group": group, "facts": facts})
    if problems:
        raise DataError(problems)
    return {"units": units}


def _no_input(name: str, model: Model, why: str = "no input of this scheme has this name") -> str:
    """`why` a column or key names nothing, with its twin when it is typed in full width
    (`Ａ类得分` for `A类得分`, as an input method in full-width mode types it)."""
    from kaoping.compiler.suggest import width_twin

    twin = width_twin(name, model.inputs)
    if twin is None:
        return why
    return (
        f"{why}; did you mean {twin!r}? {name!r} differs from it only in the width or form "
        "of its characters"
    )


def not_for_group(model: Model, name: str, group: str) -> str:
    """Why a unit of `group` may not give the fact `name`."""
    decl = model.inputs.get(name)
    constant = model.constants.get(name)
    if constant is not None and constant.type is not None:
        return 'this is a constant: give it once in the data\'s top-level "constants"'
    if constant is not None:
        return "this is a constant the rules fix: the data does not give it"
    if decl is None:
        return _no_input(name, model, "this input is not an input of this scheme")
    if decl.groups:
        return f"this input is not given for group {group!r} (it is for {', '.join(decl.groups)})"
    return f"this input is not given for group {group!r}: no rule of that group reads it"


def _csv_rows(reader: csv.DictReader[str], where: str) -> Iterator[tuple[int, dict[Any, Any]]]:
    """The rows with the line each starts on; a row the csv module cannot read (a cell over its
    field limit of 128 KiB, a quote left open) is a data error naming that line."""
    rows = iter(reader)
    while True:
        start = reader.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            reason = str(err)
            if "field larger than field limit" in reason:
                reason = (
                    f"a cell is longer than {csv.field_size_limit():,} characters, far more than "
                    "any unit's data; is a quote left open?"
                )
            raise DataError(
                [DataProblem(f"{where}:{start}", None, None, f"cannot read this row: {reason}")]
            ) from None
        yield start, row


def _csv_cell(cell: str, decl: ir.InputDecl) -> Any:
    if cell == "":
        return None
    t = decl.type
    if isinstance(t, ir.YesNoType):
        low = cell.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return cell  # left as text: validation reports it
    return cell
