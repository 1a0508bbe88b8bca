"""Go to definition and find references, by name across the scheme's files: the word under
the cursor, where it is declared, and every word of the scheme that spells it."""

from __future__ import annotations

from kaoping.lsp.index import Decl, word_at
from kaoping.lsp.schemes import Checked
from kaoping.span import Span


def declared_at(checked: Checked, path: str, line: int, col: int) -> tuple[str, list[Decl]]:
    """The word at a position and the declarations of that name (none: a keyword, a number, a
    name nothing declares)."""
    fi = checked.index.files.get(path)
    word = word_at(fi.words, line, col) if fi is not None else None
    if word is None:
        return "", []
    return word.text, checked.index.declarations().get(word.text, [])


def definition(checked: Checked, path: str, line: int, col: int) -> list[Span]:
    _, decls = declared_at(checked, path, line, col)
    return [d.span for d in decls]


def references(
    checked: Checked, path: str, line: int, col: int, include_declaration: bool
) -> list[Span]:
    name, decls = declared_at(checked, path, line, col)
    if not decls:
        return []
    at_decls = {(d.span.path, d.span.line, d.span.col) for d in decls}
    return [
        w.span
        for w in checked.index.references(name)
        if include_declaration or (w.path, w.line, w.col) not in at_decls
    ]
