"""Source positions. Every node and every diagnostic carries one, so a message can always
point at the rule a policy writer wrote. Columns count characters, not bytes."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class Span:
    path: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    @property
    def short(self) -> str:
        """`file:line`, the form a trace entry cites."""
        return f"{self.path.rsplit('/', 1)[-1]}:{self.line}"


NO_SPAN = Span("<none>", 0, 0, 0, 0)


def span_of(path: str, meta: Any) -> Span:
    """The one place a Lark meta (or token) becomes a Span."""
    if getattr(meta, "empty", False):
        return Span(path, 0, 0, 0, 0)
    line, col = int(meta.line), int(meta.column)
    end_line = int(getattr(meta, "end_line", line) or line)
    end_col = int(getattr(meta, "end_column", col) or col)
    return Span(path, line, col, end_line, end_col)


def text_of(source: str | None, span: Span) -> str:
    """The rules text a span covers, on one line (a condition quoted in a data error)."""
    if source is None or span.line <= 0:
        return ""
    lines = source.split("\n")[span.line - 1 : span.end_line]  # as the parser counts lines
    if not lines:
        return ""
    if len(lines) == 1:
        return lines[0][span.col - 1 : span.end_col - 1]
    lines[0] = lines[0][span.col - 1 :]
    lines[-1] = lines[-1][: span.end_col - 1]
    return " ".join(x.strip() for x in lines)
