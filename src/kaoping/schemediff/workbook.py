"""`kaoping diff … -o diff.xlsx`: a sheet of unit changes and a sheet of rule changes, numbers
exact as in the results workbook (kaoping.io.xlsx_write.put), written whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kaoping.io.results import total_places
from kaoping.io.xlsx_save import fit_columns, save_atomic, text_only
from kaoping.io.xlsx_write import put
from kaoping.schemediff.render import Diff

_UNIT_HEAD = [
    "单位",
    "组",
    "原总分",
    "新总分",
    "总分变化",
    "原名次",
    "新名次",
    "名次上升(负数:下降)",
    "原等次",
    "新等次",
]
_RULE_HEAD = ["条款", "变化", "规则", "原规则", "原位置", "新规则", "新位置"]
_KIND = {"added": "新增", "removed": "删除", "changed": "修改"}


def _header(ws: Any, names: list[str]) -> None:
    from openpyxl.styles import Font

    for col, name in enumerate(names, 1):
        text_only(ws.cell(row=1, column=col, value=name)).font = Font(bold=True)
    ws.freeze_panes = "B2"


def write_diff(d: Diff, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    units = wb.active
    assert units is not None
    units.title = "单位变化"
    _header(units, _UNIT_HEAD)
    old_places = total_places(d.old.model) or 0
    new_places = total_places(d.new.model) or 0
    table: list[list[Any]] = [_UNIT_HEAD]
    for row, c in enumerate([*d.units.moved, *d.units.unchanged], 2):
        cells: list[Any] = [
            c.unit,
            c.group,
            c.old_total,
            c.new_total,
            c.total_change,
            c.old_rank,
            c.new_rank,
            c.places_up,
            c.old_grade,
            c.new_grade,
        ]
        places = {3: old_places, 4: new_places}
        for col, value in enumerate(cells, 1):
            put(units, row, col, value, places.get(col, 0))
        table.append([str(v) if v is not None else "" for v in cells])
    fit_columns(units, table)
    rules = wb.create_sheet("规则变化")
    _header(rules, _RULE_HEAD)
    table = [_RULE_HEAD]
    for row, r in enumerate(d.rules, 2):
        cells = [
            r.article,
            _KIND[r.kind],
            r.what,
            r.old.text if r.old else None,
            r.old.at if r.old else None,
            r.new.text if r.new else None,
            r.new.at if r.new else None,
        ]
        for col, value in enumerate(cells, 1):
            put(rules, row, col, value)
        table.append([str(v) if v is not None else "" for v in cells])
    fit_columns(rules, table)
    save_atomic(wb, path)
