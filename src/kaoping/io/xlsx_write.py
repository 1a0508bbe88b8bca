"""`kaoping score … -o 结果.xlsx`: the results as a workbook for the office — a ranking sheet per
group, a breakdown sheet (a column per item and section), and an explanation sheet per unit (the
`explain` text, one line a row, usable in an appeal).

Numbers stay exact: a value whose decimals end is written as that decimal with a number format
showing all its places (87.50 shows as 87.50); a value whose decimals never end (550/3) is
written as text `≈183.3333` with the exact fraction in a comment — never a float passed off as
the value. Decimals beyond the 15 significant digits Excel keeps are written as text too.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from kaoping.compiler.model import Model
from kaoping.exact import Q, exact_text, places_of, show
from kaoping.io.results import total_places
from kaoping.io.xlsx_layout import sheet_title
from kaoping.io.xlsx_save import fit_columns, fitted, save_atomic, text_only
from kaoping.scoring import Results, UnitResult

_EXCEL_DIGITS = 15  # significant digits Excel keeps of a number


def _digits(text: str) -> int:
    return len(text.lstrip("-").replace(".", "").lstrip("0")) or 1


def put(ws: Any, row: int, col: int, value: Any, places: int = 0) -> Any:
    """Write one value: an exact number (see the module's docstring), yes/no as 是/否, text."""
    from openpyxl.comments import Comment

    cell = ws.cell(row=row, column=col)
    if isinstance(value, Q):
        exact = places_of(value)
        if exact is not None:
            text = exact_text(value, places)
            if _digits(text) <= _EXCEL_DIGITS:
                cell.value = Decimal(text)
                shown = max(exact, places)
                cell.number_format = "0" if shown == 0 else "0." + "0" * shown
            else:
                cell.value = text
        else:
            cell.value = show(value, places)
            cell.comment = Comment(f"精确值 {exact_text(value)}", "kaoping")
    elif value is True or value is False:
        cell.value = "是" if value else "否"
    elif isinstance(value, list):
        cell.value = f"{len(value)} 条"
    else:
        cell.value = fitted(value)
    return text_only(cell)


def _unique(name: str, used: set[str]) -> str:
    """A sheet title no other sheet has, as Excel compares titles: without regard to case
    (`abc` and `ABC` cannot both be sheets)."""
    title = sheet_title(name)
    n = 2
    while title.casefold() in used:
        suffix = f"~{n}"
        title = sheet_title(sheet_title(name)[: 31 - len(suffix)] + suffix)
        n += 1
    used.add(title.casefold())
    return title


def _header(ws: Any, names: list[str], freeze: str) -> None:
    from openpyxl.styles import Font

    for col, name in enumerate(names, 1):
        text_only(ws.cell(row=1, column=col, value=name)).font = Font(bold=True)
    ws.freeze_panes = freeze


def _shown(value: Any) -> str:
    if isinstance(value, Q):
        return show(value)
    if value is True or value is False:
        return "是" if value else "否"
    return "" if value is None else str(value)


def _ranking(ws: Any, units: list[UnitResult], model: Model) -> None:
    places = total_places(model) or 0
    block = model.blocks[units[0].unit.block]
    outputs = [p for p in block.order if block.values[p].kind == "output"]
    outputs = [p for p in outputs if any(p in r.unit.values for r in units)]
    grades = list(dict.fromkeys(g for r in units for g in r.unit.grades))
    head = ["名次", "单位", "总分", *grades, "标志", "给定值", *outputs]
    _header(ws, head, "C2")
    table: list[list[Any]] = [head]
    for row, r in enumerate(units, 2):
        u = r.unit
        given = "；".join(f"{p} = {_shown(g.value)}（{g.by}）" for p, g in u.given.items())
        cells: list[Any] = [
            r.rank,
            u.name,
            u.values["total"],
            *(u.grades.get(g) for g in grades),
            "、".join(u.flags),
            given,
            *(u.values.get(p) for p in outputs),
        ]
        for col, value in enumerate(cells, 1):
            put(ws, row, col, value, places if col == 3 else 0)
        table.append([_shown(c) for c in cells])
    fit_columns(ws, table)


def _breakdown(ws: Any, results: Results, model: Model) -> None:
    paths: list[str] = []
    for block in model.blocks:
        for p in block.order:
            if block.values[p].kind in ("section", "item") and p not in paths:
                paths.append(p)
    head = ["单位", "组", "总分", *paths]
    _header(ws, head, "B2")
    places = total_places(model) or 0
    table: list[list[Any]] = [head]
    for row, r in enumerate(results.ordered(), 2):
        u = r.unit
        cells = [u.name, u.group, u.values["total"], *(u.values.get(p) for p in paths)]
        for col, value in enumerate(cells, 1):
            put(ws, row, col, value, places if col == 3 else 0)
        table.append([_shown(c) for c in cells])
    fit_columns(ws, table)


def write_results(results: Results, path: Path, lang: str) -> None:
    """Write the results workbook to `path`, whole or not at all. `results` must be traced
    (scored with trace=True) for the explanation sheets."""
    from openpyxl import Workbook

    from kaoping.explain import explain_text

    model = results.scheme.model
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    used: set[str] = set()
    ordered = results.ordered()
    for group in dict.fromkeys(r.group for r in ordered):
        ws = wb.create_sheet(_unique(f"排名-{group}", used))
        _ranking(ws, [r for r in ordered if r.group == group], model)
    _breakdown(wb.create_sheet(_unique("明细", used)), results, model)
    for r in ordered:
        ws = wb.create_sheet(_unique(r.name, used))
        lines = explain_text(results, r, lang).splitlines()
        for row, line in enumerate(lines, 1):
            text_only(ws.cell(row=row, column=1, value=fitted(line)))
        ws.column_dimensions["A"].width = 100
        ws.freeze_panes = "A2"
    save_atomic(wb, path)
