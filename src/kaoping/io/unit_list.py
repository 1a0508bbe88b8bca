"""The units `kaoping template --units FILE` pre-fills: a text or CSV file with one unit a line
(`unit,group` when the scheme has several groups; a first line `unit,group` or `单位,组` is a
header), a JSON data file, or a data workbook (last year's: its units sheets' column A). Only
the units' names and groups are read, not their facts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from kaoping.compiler.model import Model
from kaoping.errors import DataError, DataProblem
from kaoping.io.data import read_data_text
from kaoping.io.json_text import read_json_text
from kaoping.io.numbers import is_text
from kaoping.io.text import clean_name

_HEADERS = {"unit,group", "单位,组", "单位,分组", "unit", "单位"}


def read_unit_list(path: Path, model: Model) -> list[tuple[str, str]]:
    """(unit, group) pairs, each unit once, every group one of the scheme's."""
    where = str(path)
    if path.suffix.lower() == ".xlsx":
        return _checked(_workbook_units(path, model), model, [])
    text = read_data_text(path)
    groups = list(model.block_of_group)
    problems: list[DataProblem] = []
    pairs: list[tuple[str, str, str]] = []
    if path.suffix.lower() == ".json":
        raw = read_json_text(text, where)
        entries = raw.get("units") if isinstance(raw, Mapping) else None
        if not isinstance(entries, list):
            raise DataError([DataProblem(where, None, None, 'expected {"units": [...]}')])
        for i, entry in enumerate(entries, 1):
            here = f"{where}: units[{i}]"
            unit = entry.get("unit") if isinstance(entry, Mapping) else None
            group = entry.get("group") if isinstance(entry, Mapping) else None
            if not is_text(unit) or not unit.strip() or not is_text(group):
                problems.append(DataProblem(here, None, None, "needs a unit and a group"))
                continue
            pairs.append((unit.strip(), group, here))
    else:
        for lineno, line in enumerate(text.splitlines(), 1):
            here = f"{where}:{lineno}"
            line = line.strip()
            if not line or (lineno == 1 and line.replace(" ", "") in _HEADERS):
                continue
            unit, sep, group = line.partition(",")
            if not sep:
                unit, sep, group = line.partition("\t")
            if not sep:
                if len(groups) != 1:
                    problems.append(
                        DataProblem(
                            here,
                            unit,
                            None,
                            "the scheme has several groups: write `unit,group` "
                            f"(groups: {', '.join(groups)})",
                        )
                    )
                    continue
                group = groups[0]
            pairs.append((unit.strip(), group.strip(), here))
    return _checked(pairs, model, problems)


def _checked(
    pairs: list[tuple[str, str, str]], model: Model, problems: list[DataProblem]
) -> list[tuple[str, str]]:
    groups = list(model.block_of_group)
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for raw, group, here in pairs:
        # as the data will read the name: NFC, and never with an invisible character
        unit, refused = clean_name(raw)
        if refused is not None:
            problems.append(DataProblem(here, None, None, refused))
        elif group not in model.block_of_group:
            problems.append(
                DataProblem(
                    here,
                    unit,
                    "group",
                    f"unknown group {group!r}; the scheme's groups are {', '.join(groups)}",
                )
            )
        elif unit in seen:
            problems.append(DataProblem(here, unit, None, "this unit appears twice"))
        else:
            seen.add(unit)
            out.append((unit, group))
    if problems:
        raise DataError(problems)
    return out


def _workbook_units(path: Path, model: Model) -> list[tuple[str, str, str]]:
    """(unit, group, where) from column A of a data workbook's units sheets."""
    from openpyxl import load_workbook

    from kaoping.io.xlsx_layout import sheet_plan
    from kaoping.io.xlsx_read import cell_value, refuse_zip_bomb

    refuse_zip_bomb(path)
    plan = sheet_plan(model)
    out: list[tuple[str, str, str]] = []
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                kind, group = plan.get(ws.title, ("", ""))
                if kind != "group":
                    continue
                for row in ws.iter_rows(min_row=2, max_col=1):
                    cell = row[0] if row else None
                    value = cell_value(getattr(cell, "value", None))
                    if value is not None:
                        where = f"{path}: sheet {ws.title!r} row {getattr(cell, 'row', '?')}"
                        out.append((str(value), group, where))
        finally:
            wb.close()
    except Exception as err:  # a damaged file fails anywhere in the zip and XML parsers
        raise DataError(
            [DataProblem(str(path), None, None, f"cannot read as an Excel workbook (.xlsx): {err}")]
        ) from None
    return out
