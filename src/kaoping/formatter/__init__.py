"""`kaoping fmt`: one canonical layout for rules files (docs/formatting.md), written from the
file's own tokens and comments, so nothing but layout (and, with `to`, the keywords' language)
changes: the same declarations, names, strings and comments in the same order."""

from __future__ import annotations

from kaoping.formatter.keywords import translate
from kaoping.formatter.layout import WIDTH, display_width
from kaoping.formatter.lexing import lex

__all__ = ["WIDTH", "display_width", "format_text"]


def format_text(text: str, source: str = "<text>", to: str | None = None) -> str:
    """`text` in the canonical layout; with `to` ("zh" or "en"), every keyword in that set.
    Raises the parser's CompileError (every located syntax error) when `text` does not parse."""
    from kaoping.formatter.layout import layout

    if to not in (None, "zh", "en"):
        raise ValueError(f"to must be 'zh', 'en' or None, not {to!r}")
    lexed = lex(text, source)
    words = translate(list(lexed.words), lexed.tree, to)
    return layout(lexed, words)
