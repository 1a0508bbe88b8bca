"""Saving a workbook whole or not at all, and column widths for Chinese text."""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from kaoping.errors import DataError, DataProblem

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
    """Write the workbook to a temporary file beside `path`, then rename it over `path`: a
    reader never sees half a workbook, and a failure leaves whatever was there before."""
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise DataError(
            [DataProblem(str(path), None, None, f"cannot write: {err.strerror}")]
        ) from None
    try:
        with os.fdopen(fd, "wb") as out:
            wb.save(out)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # as a file written the ordinary way, not mkstemp's 0600
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise DataError(
            [DataProblem(str(path), None, None, f"cannot write: {err.strerror}")]
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def text_only(cell: Any) -> Any:
    """Keep text that starts with `=` as text: a unit's name or an explanation line is never a
    formula Excel would run."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell
