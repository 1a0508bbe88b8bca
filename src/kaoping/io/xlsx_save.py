"""Saving a workbook whole or not at all, and column widths for Chinese text."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

from kaoping.io.output import write_output

_MAX_WIDTH = 60


def text_width(text: str) -> int:
    """Columns a text takes on screen: a Chinese character (east-asian wide) takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def fit_columns(ws: Any, rows: list[list[Any]], minimum: int = 6) -> None:
    """Set each column's width to its widest cell (of `rows`), within bounds."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in rows:
        for i, value in enumerate(row, 1):
            if value is not None:
                widths[i] = max(widths.get(i, minimum), text_width(str(value)) + 2)
    for i, width in widths.items():
        ws.column_dimensions[get_column_letter(i)].width = min(width, _MAX_WIDTH)


def save_atomic(wb: Any, path: Path) -> None:
    """Write the workbook as every output file is written (kaoping.io.output): whole or not at
    all, its permissions kept, a special file or symlink handled as for any output. No cell is a
    formula: a title, description or name from the rules or data that starts with `=` stays
    the text it is, in every cell of every sheet (not only those the writer marked)."""
    for ws in wb.worksheets:  # kaoping writes no formula: every cell from rules or data is text
        for row in ws.iter_rows():
            for cell in row:
                text_only(cell)
    buffer = io.BytesIO()
    wb.save(buffer)
    write_output(path, [buffer.getvalue()])


CELL_LIMIT = 32_767  # characters Excel keeps in a cell; a longer one makes it repair the file


def fitted(value: Any) -> Any:
    """A text longer than a cell may hold, cut saying so (the whole text is in the JSON
    results); openpyxl cut it at the limit without a word, a text silently not the data's."""
    if isinstance(value, str) and len(value) > CELL_LIMIT:
        note = f"…（截断：共 {len(value):,} 字符，全文见 --format json）"
        return value[: CELL_LIMIT - len(note)] + note
    return value


def text_only(cell: Any) -> Any:
    """Keep text that starts with `=` as text: a unit's name or an explanation line is never a
    formula Excel would run."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell
