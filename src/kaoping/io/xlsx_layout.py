"""The layout of a data workbook, shared by the template writer and the reader, so that what
`kaoping template` writes is exactly what `score`/`explain` read back.

- one units sheet per group, titled with the group's name: column A `单位` (the unit), then a
  column per scalar input the group gives, headed by the input's description;
- one sheet per list input, titled with the input's name: column A `单位`, then a column per
  field of its record, one row per record;
- `常量` (when the scheme has constants the office enters): name in column A, value in B;
- `给定值`: values given instead of computed (unit, value name, value, by, note);
- `说明`: what each sheet is; never read.
"""

from __future__ import annotations

import re

from kaoping.compiler import ir
from kaoping.compiler.model import Model

UNIT_HEADER = "单位"
CONSTANTS_SHEET = "常量"
GIVEN_SHEET = "给定值"
INSTRUCTIONS_SHEET = "说明"
CONSTANTS_HEADERS = ("常量", "值", "说明", "条款")
GIVEN_HEADERS = ("单位", "值名", "值", "提供者", "备注")
OPTIONAL_MARK = "（选填）"
RESERVED = (CONSTANTS_SHEET, GIVEN_SHEET, INSTRUCTIONS_SHEET)

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_TITLE_LIMIT = 31  # Excel's limit on a sheet's name


def sheet_title(name: str) -> str:
    """A name as a sheet title: Excel forbids `[]:*?/\\`, more than 31 characters, an
    apostrophe first or last, and the title `History` (its own, in any case): a workbook with
    such a sheet is one Excel says is damaged and repairs by dropping what it cannot read."""
    title = _BAD_TITLE.sub("_", name)[:_TITLE_LIMIT]
    if title.startswith("'"):
        title = "_" + title[1:]
    if title.endswith("'"):
        title = title[:-1] + "_"
    if title.casefold() == "history":
        title = title + "_"
    return title


def scalar_inputs(model: Model, group: str) -> list[ir.InputDecl]:
    """The columns of a group's units sheet: the inputs the group gives that are not lists."""
    return [d for d in model.inputs_for(group).values() if not isinstance(d.type, ir.ListType)]


def list_inputs(model: Model) -> list[ir.InputDecl]:
    """The inputs with a sheet of their own (one row per record)."""
    return [d for d in model.inputs.values() if isinstance(d.type, ir.ListType)]


def data_constants(model: Model) -> list[ir.ConstantDecl]:
    """The constants the office enters once per run (the rest the rules fix)."""
    return [c for c in model.constants.values() if c.type is not None]


def input_headers(decls: list[ir.InputDecl]) -> dict[str, str]:
    """Input name → its column header: the description (the name when two inputs of the sheet
    share a description, or there is none), marked when the input is optional."""
    counts: dict[str, int] = {}
    for d in decls:
        counts[d.description] = counts.get(d.description, 0) + 1
    out = {}
    for d in decls:
        text = d.description.strip()
        if not text or counts[d.description] > 1:
            text = d.name if not text else f"{text}（{d.name}）"
        out[d.name] = text + (OPTIONAL_MARK if d.optional else "")
    return out


def field_headers(record: ir.RecordDecl) -> dict[str, str]:
    """Field name → its column header in a list input's sheet."""
    return {f.name: f.name + (OPTIONAL_MARK if f.optional else "") for f in record.fields}


def sheet_plan(model: Model) -> dict[str, tuple[str, str]]:
    """Sheet title → (kind, name): kind "group" (a units sheet), "list" (a list input) or one of
    the reserved sheets. Raises ValueError when two names would share a title."""
    plan: dict[str, tuple[str, str]] = {}
    taken: dict[str, tuple[str, str]] = {}  # Excel tells sheet names apart ignoring case

    def add(title: str, kind: str, name: str) -> None:
        other = taken.get(title.casefold())
        if other is not None:
            raise ValueError(
                f"{kind} {name!r} and {other[0]} {other[1]!r} would share the sheet {title!r}"
            )
        taken[title.casefold()] = plan[title] = (kind, name)

    for title in RESERVED:
        add(title, title, title)
    for group in model.block_of_group:
        add(sheet_title(group), "group", group)
    for decl in list_inputs(model):
        add(sheet_title(decl.name), "list", decl.name)
    return plan
