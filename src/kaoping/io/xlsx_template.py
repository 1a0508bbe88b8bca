"""`kaoping template`: the workbook an assessment office fills in, laid out as `xlsx_read`
reads it (see `xlsx_layout`). Each column's header is the input's description, with its name,
type and article in a comment; enumerations and yes/no are drop-down lists, numbers are
checked against their range, optional inputs are marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from kaoping.compiler import ir
from kaoping.compiler.model import Model
from kaoping.exact import show
from kaoping.io import xlsx_layout as lay
from kaoping.io.xlsx_save import fit_columns, save_atomic, text_only

_YES_NO = '"是,否"'
_LIST_LIMIT = 255  # Excel's limit on a drop-down list written in the validation itself


def _comment(text: str) -> Any:
    from openpyxl.comments import Comment

    comment = Comment(text, "kaoping")
    comment.width = 300
    comment.height = 120
    return comment


def _describe(name: str, t: ir.TypeRef, optional: bool, article: str | None) -> str:
    lines = [f"{name}: {t}" + ("（选填，可留空）" if optional else "")]
    if article:
        lines.append(f"条款: {article}")
    return "\n".join(lines)


def _validation(t: ir.TypeRef, model: Model) -> Any:
    """The data validation of a column of type `t`, or None."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if isinstance(t, ir.YesNoType):
        return DataValidation(type="list", formula1=_YES_NO, allow_blank=True)
    if isinstance(t, ir.EnumType):
        formula = '"' + ",".join(model.enums[t.name].values) + '"'
        if len(formula) > _LIST_LIMIT:
            return None
        return DataValidation(type="list", formula1=formula, allow_blank=True)
    if isinstance(t, ir.CountType):
        return DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
    if isinstance(t, ir.NumberType):
        kind: Literal["whole", "decimal"] = "whole" if t.integer else "decimal"
        if t.low is not None and t.high is not None:
            dv = DataValidation(
                type=kind, operator="between", formula1=show(t.low), formula2=show(t.high)
            )
        elif t.low is not None:
            dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=show(t.low))
        elif t.integer:
            dv = DataValidation(
                type=kind, operator="between", formula1="-999999999", formula2="999999999"
            )
        else:
            return None
        dv.allow_blank = True
        dv.error = f"应为{'整数' if t.integer else '数值'}" + (
            f" {show(t.low)} 至 {show(t.high)}" if t.low is not None and t.high is not None else ""
        )
        dv.showErrorMessage = True
        return dv
    return None


def _columns(ws: Any, heads: list[tuple[str, str, Any]], model: Model, rows: int) -> None:
    """Header cells (text, comment, type) from column B, each with its validation."""
    from openpyxl.utils import get_column_letter

    ws.cell(row=1, column=1, value=lay.UNIT_HEADER)
    for i, (text, note, t) in enumerate(heads, 2):
        cell = text_only(ws.cell(row=1, column=i, value=text))
        cell.comment = _comment(note)
        dv = _validation(t, model)
        if dv is not None:
            ws.add_data_validation(dv)
            letter = get_column_letter(i)
            dv.add(f"{letter}2:{letter}{max(rows, 1000)}")
    ws.freeze_panes = "B2"


def units_from(lines: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """Group → its units, in the order given."""
    out: dict[str, list[str]] = {}
    for unit, group in lines:
        out.setdefault(group, []).append(unit)
    return out


def write_template(model: Model, path: Path, units: Sequence[tuple[str, str]] = ()) -> None:
    """Write the data workbook of `model` to `path` (whole or not at all), with `units`
    ((name, group) pairs) pre-filled in column A of their group's sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    lay.sheet_plan(model)  # ValueError when two names would share a sheet
    by_group = units_from(units)
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = lay.INSTRUCTIONS_SHEET
    lines: list[list[Any]] = [
        [f"{model.module.title or '考评'} — 数据填报模板"],
        ["每个工作表的第一行是表头，请勿改动；从第二行起每行一个单位（或一条记录）。"],
        ["数字按单元格显示的样子读取：0.1 即 0.1，80% 即 0.8；公式取其计算结果。"],
        [],
        ["工作表", "内容", "条款"],
    ]
    for group in model.block_of_group:
        title = lay.sheet_title(group)
        ws = wb.create_sheet(title)
        decls = lay.scalar_inputs(model, group)
        headers = lay.input_headers(decls)
        heads = [
            (headers[d.name], _describe(d.name, d.type, d.optional, d.article), d.type)
            for d in decls
        ]
        names = by_group.get(group, [])
        _columns(ws, heads, model, len(names) + 1)
        for row, name in enumerate(names, 2):
            text_only(ws.cell(row=row, column=1, value=name))
        fit_columns(ws, [[lay.UNIT_HEADER, *headers.values()], *[[n] for n in names]])
        articles = sorted({d.article for d in decls if d.article})
        lines.append([title, f"组“{group}”的单位：每行一个单位，每列一项输入", "；".join(articles)])
    for decl in lay.list_inputs(model):
        assert isinstance(decl.type, ir.ListType)
        record = model.records[decl.type.record]
        title = lay.sheet_title(decl.name)
        ws = wb.create_sheet(title)
        fheads = lay.field_headers(record)
        heads = [
            (fheads[f.name], _describe(f.name, f.type, f.optional, None), f.type)
            for f in record.fields
        ]
        _columns(ws, heads, model, 1)
        ws.cell(row=1, column=1).comment = _comment(
            f"{decl.name}: {decl.description}" + (f"\n条款: {decl.article}" if decl.article else "")
        )
        fit_columns(ws, [[lay.UNIT_HEADER, *fheads.values()]])
        groups = [g for g in model.block_of_group if decl.name in model.inputs_for(g)]
        lines.append(
            [
                title,
                f"{decl.description}：每行一条记录，A 列写单位名称（{'、'.join(groups)}）；"
                "没有记录的单位不写",
                decl.article or "",
            ]
        )
    constants = lay.data_constants(model)
    if constants:
        ws = wb.create_sheet(lay.CONSTANTS_SHEET)
        ws.append(list(lay.CONSTANTS_HEADERS))
        for c in constants:
            ws.append([c.name, None, c.description or "", c.article or ""])
            assert c.type is not None
            dv = _validation(c.type, model)
            if dv is not None:
                ws.add_data_validation(dv)
                dv.add(f"B{ws.max_row}")
        ws.freeze_panes = "A2"
        fit_columns(ws, [[c.name, "", c.description or "", c.article or ""] for c in constants])
        lines.append([lay.CONSTANTS_SHEET, "每次考评填写一次的常量：B 列填值", ""])
    ws = wb.create_sheet(lay.GIVEN_SHEET)
    ws.append(list(lay.GIVEN_HEADERS))
    ws.freeze_panes = "A2"
    fit_columns(ws, [list(lay.GIVEN_HEADERS), ["", "", "", "", ""]], minimum=12)
    lines.append(
        [
            lay.GIVEN_SHEET,
            "由他人给定、不按规则计算的值（如另行评定的分项、申诉更正）：单位、值名、值、提供者、备注；"
            "值名见 kaoping inputs 所列",
            "",
        ]
    )
    lines.append([lay.INSTRUCTIONS_SHEET, "本说明；不读取", ""])
    for line in lines:
        info.append(line)
    info.cell(row=1, column=1).font = Font(bold=True, size=14)
    fit_columns(info, lines[4:])
    save_atomic(wb, path)
