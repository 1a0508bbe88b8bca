"""Go to definition and find references: the word under the cursor, where it is declared, and
every word of the scheme that names the same thing.

Names are looked up by scope where the language gives them one: a value (an item, a section, a
`let`, an output, a flag) belongs to its scoring block, and another scoring block cannot read it
(E201), so three blocks that each define `名次` have three separate names. Inside a scoring
block a word means that block's value; grading and consequence lines, outside every scoring
block, read a value by name from each block that defines it."""

from __future__ import annotations

from kaoping.lsp.index import Decl, SchemeIndex, Word, word_at
from kaoping.lsp.schemes import Checked
from kaoping.span import Span

_VALUE_KINDS = frozenset({"section", "item", "let", "output", "flag"})


def declared_at(checked: Checked, path: str, line: int, col: int) -> tuple[str, list[Decl]]:
    """The word at a position and the declarations it may mean (none: a keyword, a number, a
    name nothing declares); inside a scoring block, that block's own when it has one."""
    fi = checked.index.files.get(path)
    word = word_at(fi.words, line, col) if fi is not None else None
    if word is None:
        return "", []
    decls = checked.index.declarations().get(word.text, [])
    block = _block_of(checked.index, path, line)
    if block is not None:
        own = [d for d in decls if d.kind in _VALUE_KINDS and _inside(d.span, block)]
        if own:
            return word.text, own
    return word.text, decls


def definition(checked: Checked, path: str, line: int, col: int) -> list[Span]:
    _, decls = declared_at(checked, path, line, col)
    return [d.span for d in decls]


def references(
    checked: Checked, path: str, line: int, col: int, include_declaration: bool
) -> list[Span]:
    name, decls = declared_at(checked, path, line, col)
    if not decls:
        return []
    index = checked.index
    blocks = _blocks(index)
    # a value of one scoring block is named there and outside every block, not in the others
    homes = {next((b for b in blocks if _inside(d.span, b)), None) for d in decls}
    only_values = all(d.kind in _VALUE_KINDS for d in decls)
    home = next(iter(homes)) if len(homes) == 1 and only_values else None
    at_decls = {(d.span.path, d.span.line, d.span.col) for d in decls}
    return [
        w.span
        for w in index.references(name)
        if (include_declaration or (w.path, w.line, w.col) not in at_decls)
        and (home is None or _reads_from(w, home, blocks))
    ]


def _reads_from(w: Word, home: Span, blocks: list[Span]) -> bool:
    """Whether a word may name a value of the scoring block `home`: it is inside it, or inside
    no scoring block at all."""
    where = Span(w.path, w.line, w.col, w.line, w.col)
    return _inside(where, home) or not any(_inside(where, b) for b in blocks)


def _blocks(index: SchemeIndex) -> list[Span]:
    """The whole span of every scoring block of the scheme."""
    return [d.whole for fi in index.files.values() for d in fi.decls if d.kind == "scoring"]


def _block_of(index: SchemeIndex, path: str, line: int) -> Span | None:
    where = Span(path, line, 1, line, 1)
    return next((b for b in _blocks(index) if _inside(where, b)), None)


def _inside(span: Span, block: Span) -> bool:
    return span.path == block.path and block.line <= span.line <= block.end_line
