"""Formatting: the whole file in `kaoping fmt`'s canonical layout, as one edit the editor
applies. A file that does not parse is left as it is (its diagnostics say why)."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from kaoping.errors import CompileError
from kaoping.lsp.positions import lines_of, to_position


def edits(text: str, source: str, codec: PositionCodec) -> list[types.TextEdit] | None:
    """The edit that lays `text` out as `kaoping fmt` does; none when it already is; None
    (the editor's "cannot format") when it does not parse."""
    from kaoping.formatter import format_text

    try:
        formatted = format_text(text, source)
    except CompileError:
        return None
    if formatted == text:
        return []
    lines = lines_of(text)
    end = to_position(lines, len(lines), len(lines[-1]) + 1, codec)
    return [
        types.TextEdit(
            range=types.Range(start=types.Position(line=0, character=0), end=end),
            new_text=formatted,
        )
    ]
