"""kaoping's positions and the editor's: a `Span` counts lines and characters (code points)
from 1, LSP counts lines from 0 and characters in the encoding the client chose (UTF-16 code
units unless it asked for another), where a character outside the BMP (𠀀) counts as two."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition

from kaoping.span import Span


def lines_of(text: str) -> list[str]:
    """The lines as the parser counts them (on `\\n` only, unlike `str.splitlines`)."""
    return text.split("\n")


def to_position(lines: Sequence[str], line: int, col: int, codec: PositionCodec) -> types.Position:
    """Line and character (from 1, code points) as an LSP position in the client's units."""
    line0 = max(line - 1, 0)
    if line0 >= len(lines):
        return types.Position(line=line0, character=0)
    char0 = min(max(col - 1, 0), len(lines[line0]))
    return codec.position_to_client_units(lines, ServerTextPosition(line0, char0))


def to_range(lines: Sequence[str], span: Span, codec: PositionCodec) -> types.Range:
    """A span as an LSP range; an empty span (a file-wide problem) is the file's first
    character, so that the editor still shows it."""
    if span.line <= 0:
        return types.Range(types.Position(line=0, character=0), types.Position(line=0, character=1))
    start = to_position(lines, span.line, span.col, codec)
    end_line, end_col = span.end_line, span.end_col
    if (end_line, end_col) <= (span.line, span.col):
        end_line, end_col = span.line, span.col + 1
    return types.Range(start, to_position(lines, end_line, end_col, codec))


def from_position(
    lines: Sequence[str], pos: types.Position, codec: PositionCodec
) -> tuple[int, int]:
    """An LSP position as (line, character) from 1 in code points, clamped to the text."""
    if not lines or pos.line >= len(lines):
        return (len(lines) or 1, 1)
    # the codec adjusts the position it is given: give it a copy
    copy = types.Position(line=pos.line, character=pos.character)
    server = codec.position_from_client_units(lines, copy)
    return (server.line + 1, server.character + 1)
