"""The canonical layout of a rules file, written from its tokens and comments (docs/formatting.md
lists the rules): 4 spaces a level, one space between words except around punctuation, the rows
of a table, a record or a keyed item and a run of `enum`/`units` lines aligned, blank lines as
the writer grouped them (at most one) with one around every top-level block, long `input` and
`constant` lines broken into their parts, comments where they were."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator

import attrs
from lark import Token, Tree

from kaoping.formatter.lexing import Comment, Lexed, Word, spans

WIDTH = 100  # display columns (a wide character counts 2) before an input line is broken
INDENT = "    "

_OPEN = frozenset(("LPAR", "LSQB", "LBRACE"))
_CLOSE = frozenset(("RPAR", "RSQB", "RBRACE"))
# statements whose rows are aligned at the value after their `:`
_ROWS = frozenset(("table_row", "field_decl", "key_row", "key_otherwise"))
_LISTS = frozenset(("enum_decl", "units_decl"))  # a run of these lines is aligned likewise
_CONTINUED = frozenset(("input_decl", "constant_decl", "constant_given"))
_PARTS = frozenset(("input_text", "input_groups", "article"))


def display_width(text: str) -> int:
    """Columns on a terminal or in an editor: East Asian wide and full-width characters take 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@attrs.define
class Stmt:
    """One statement: a line, with the lines that continue it (inside brackets, or the indented
    parts of an input or constant line)."""

    words: list[Word]
    column: int  # of its first word in the source
    kind: str  # the tree node it is
    level: int = 0
    eol: dict[int, str] = attrs.field(factory=dict)  # word index → comment ending its line
    inner: dict[int, list[str]] = attrs.field(factory=dict)  # comment lines before word index
    breaks: set[int] = attrs.field(factory=set)  # word indexes that start a line in brackets
    parts: list[int] = attrs.field(factory=list)  # word indexes where an input's parts start
    opens_block: bool = False


@attrs.define
class CommentLine:
    text: str
    column: int
    level: int = 0


@attrs.define
class Blank:
    pass


Item = Stmt | CommentLine | Blank


def layout(lexed: Lexed, words: list[Word]) -> str:
    items = _items(lexed, words)
    _set_levels(items)
    items = _blank_lines(items)
    return "".join(line + "\n" for line in _render(items))


# ---------------------------------------------------------------- statements from source lines


def _items(lexed: Lexed, words: list[Word]) -> list[Item]:
    text = lexed.text
    kinds: dict[int, str] = {}
    part_starts: set[int] = set()
    for start, _end, node in spans(lexed.tree):
        if node.data != "start":
            kinds.setdefault(start, str(node.data))
        if node.data in _CONTINUED:
            part_starts.update(_part_starts(node))
    by_line: dict[int, list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    comments: dict[int, Comment] = {c.line: c for c in lexed.comments}
    items: list[Item] = []
    pending: list[Item] = []
    current: Stmt | None = None
    depth = 0
    for n in range(1, lexed.text.count("\n") + 1):
        line_words = by_line.get(n, [])
        comment = comments.get(n)
        if not line_words:
            pending.append(Blank() if comment is None else CommentLine(comment.text, comment.col))
            continue
        col = _column(text, line_words[0].start)
        continues = current is not None and (
            depth > 0 or (current.kind in _CONTINUED and current.column == 0 and col > 0)
        )
        if current is not None and continues:
            index = len(current.words)
            notes = [p.text for p in pending if isinstance(p, CommentLine)]
            if notes:
                current.inner[index] = notes
            pending = []
            if depth > 0:
                current.breaks.add(index)
            current.words.extend(line_words)
        else:
            if current is not None:
                items.append(current)
            items.extend(pending)
            pending = []
            current = Stmt(list(line_words), col, kinds.get(line_words[0].start, ""))
        if comment is not None:
            current.eol[len(current.words) - 1] = comment.text
        for w in line_words:
            depth += (w.type in _OPEN) - (w.type in _CLOSE)
    if current is not None:
        items.append(current)
    items.extend(pending)
    for item in items:
        if isinstance(item, Stmt) and item.kind in _CONTINUED:
            item.parts = [i for i, w in enumerate(item.words) if i and w.start in part_starts]
    return items


def _part_starts(node: Tree[Token]) -> Iterator[int]:
    for child in node.children:
        if isinstance(child, Tree) and child.data in _PARTS and not child.meta.empty:
            yield child.meta.start_pos


def _column(text: str, pos: int) -> int:
    return pos - (text.rfind("\n", 0, pos) + 1)


def _set_levels(items: list[Item]) -> None:
    """A statement's level from its indentation (as the parser reads it); a comment line takes
    the level it was written at, kept between the statements around it."""
    stack = [0]
    stmts = [i for i, item in enumerate(items) if isinstance(item, Stmt)]
    for i in stmts:
        stmt = items[i]
        assert isinstance(stmt, Stmt)
        while stmt.column < stack[-1]:
            stack.pop()
        if stmt.column > stack[-1]:
            stack.append(stmt.column)
        stmt.level = len(stack) - 1
    for a, b in itertools.pairwise(stmts):
        first, second = items[a], items[b]
        assert isinstance(first, Stmt) and isinstance(second, Stmt)
        first.opens_block = second.level > first.level
    following: list[Stmt | None] = [None] * len(items)  # the next statement after each item
    upcoming: Stmt | None = None
    for index in range(len(items) - 1, -1, -1):
        following[index] = upcoming
        item = items[index]
        if isinstance(item, Stmt):
            upcoming = item
    prev: Stmt | None = None
    widths = [0]
    for index, item in enumerate(items):
        if isinstance(item, Stmt):
            prev = item
            widths = [*widths[: item.level], item.column]
        elif isinstance(item, CommentLine):
            after = following[index]
            low = after.level if after is not None else 0
            high = 0 if prev is None else prev.level + prev.opens_block
            high = max(high, low)
            natural = sum(1 for w in widths if w <= item.column) - 1
            if prev is not None and prev.opens_block and item.column > widths[-1]:
                natural = prev.level + 1
            item.level = min(max(natural, low), high)


def _blank_lines(items: list[Item]) -> list[Item]:
    """At most one blank line in a row; none at the start or end of the file or right after a
    block's first line; one before (and its comment lines) and after every top-level block."""
    wanted: set[int] = set()
    for i, item in enumerate(items):
        if isinstance(item, Stmt) and item.level == 0 and item.opens_block:
            first = i
            while first > 0:
                before = items[first - 1]
                if not (isinstance(before, CommentLine) and before.level == 0):
                    break
                first -= 1
            wanted.add(first)
            end = next(
                (
                    j
                    for j in range(i + 1, len(items))
                    if isinstance(items[j], Stmt | CommentLine)
                    and getattr(items[j], "level", 1) == 0
                ),
                None,
            )
            if end is not None:
                # the blank goes before the comment lines that lead to the next declaration
                wanted.add(end)
    out: list[Item] = []
    for i, item in enumerate(items):
        if isinstance(item, Blank):
            if not out or isinstance(out[-1], Blank):
                continue
            last = out[-1]
            if isinstance(last, Stmt) and last.opens_block:
                continue
            out.append(item)
            continue
        if i in wanted and out and not isinstance(out[-1], Blank):
            out.append(Blank())
        out.append(item)
    while out and isinstance(out[-1], Blank):
        out.pop()
    return out


# ---------------------------------------------------------------- writing


def _render(items: list[Item]) -> Iterator[str]:
    aligned = _alignment(items)
    for index, item in enumerate(items):
        if isinstance(item, Blank):
            yield ""
        elif isinstance(item, CommentLine):
            yield INDENT * item.level + item.text
        else:
            yield from _statement(item, aligned.get(index))


def _alignment(items: list[Item]) -> dict[int, int]:
    """For each aligned statement, the display width its `key:` part is padded to."""
    groups: list[list[int]] = []
    previous: Item | None = None
    for index, item in enumerate(items):
        if isinstance(item, Stmt) and (item.kind in _ROWS or item.kind in _LISTS):
            joins = (
                isinstance(previous, Stmt)
                and previous.level == item.level
                and (previous.kind in _ROWS) == (item.kind in _ROWS)
            )
            if item.kind in _LISTS:
                joins = joins and isinstance(items[index - 1], Stmt)
            if joins and groups:
                groups[-1].append(index)
            else:
                groups.append([index])
        if isinstance(item, Stmt):
            previous = item
    widths: dict[int, int] = {}
    for group in groups:
        keys = [_key_width(items[i]) for i in group]
        widest = max(k for k in keys if k is not None) if any(k is not None for k in keys) else 0
        for i, k in zip(group, keys, strict=True):
            if k is not None:
                widths[i] = widest
    return widths


def _key_split(words: list[Word]) -> int | None:
    """The index just after a row's `:` (outside brackets), None when it has none."""
    depth = 0
    for i, w in enumerate(words):
        depth += (w.type in _OPEN) - (w.type in _CLOSE)
        if w.type == "_COLON" and depth == 0:
            return i + 1
    return None


def _key_width(item: Item) -> int | None:
    assert isinstance(item, Stmt)
    if item.breaks or item.inner:
        return None
    split = _key_split(item.words)
    if split is None or split == len(item.words):
        return None
    return display_width(joined(item.words[:split]))


def _statement(stmt: Stmt, align: int | None) -> Iterator[str]:
    indent = INDENT * stmt.level
    if stmt.kind in _CONTINUED:
        yield from _continued(stmt, indent)
        return
    breaks = stmt.breaks
    last = len(stmt.words) - 1
    if not stmt.inner and all(i == last for i in stmt.eol) and breaks == _list_breaks(stmt.words):
        breaks = set()  # broken as the formatter breaks it: joined again when it fits
    if not breaks and align is None and display_width(indent + joined(stmt.words)) > WIDTH:
        breaks = _list_breaks(stmt.words)
    segments = [0, *sorted(breaks), len(stmt.words)]
    depth = 0
    for a, b in itertools.pairwise(segments):
        chunk = stmt.words[a:b]
        lead = 0
        while lead < len(chunk) and chunk[lead].type in _CLOSE:
            lead += 1
        this_indent = indent + INDENT * max(0, depth - lead) if a else indent
        for note in stmt.inner.get(a, []):
            yield this_indent + note
        if a == 0 and align is not None:
            split = _key_split(chunk)
            assert split is not None
            key = joined(chunk[:split])
            text = key + " " * (align - display_width(key) + 1) + joined(chunk[split:])
        else:
            text = joined(chunk)
        yield this_indent + text + _eol(stmt, b - 1)
        for w in chunk:
            depth += (w.type in _OPEN) - (w.type in _CLOSE)


def _list_breaks(words: list[Word]) -> set[int]:
    """Where a long line is broken: inside its first bracket that holds a list (`{a: 60%, b:
    40%}`, `least(a, b)`, `属于 {A, B}`), after the opening bracket and each comma of the list
    and before the closing one; none when it has no such bracket."""
    opened: list[int] = []
    commas: dict[int, list[int]] = {}
    for i, w in enumerate(words):
        if w.type in _OPEN:
            opened.append(i)
            commas[i] = []
        elif w.type in _CLOSE and opened:
            start = opened.pop()
            if not opened and commas[start]:
                return {start + 1, *(c + 1 for c in commas[start]), i}
        elif w.type == "_COMMA" and opened:
            commas[opened[-1]].append(i)
    return set()


def _continued(stmt: Stmt, indent: str) -> Iterator[str]:
    """An input or constant line: on one line when it fits and no comment stands inside it,
    else its first line (name and type) and one indented line for each further part."""
    last = len(stmt.words) - 1
    one_line = indent + joined(stmt.words)
    inside = stmt.inner or any(i != last for i in stmt.eol)
    if not inside and (display_width(one_line) <= WIDTH or not stmt.parts):
        yield one_line + _eol(stmt, last)
        return
    bounds = [0, *stmt.parts, len(stmt.words)]
    for a, b in itertools.pairwise(bounds):
        this_indent = indent + INDENT if a else indent
        for index in range(a, b):
            for note in stmt.inner.get(index, []):
                yield this_indent + note
        notes = [stmt.eol[i] for i in range(a, b) if i in stmt.eol]
        yield this_indent + joined(stmt.words[a:b]) + "".join("  " + n for n in notes)


def _eol(stmt: Stmt, index: int) -> str:
    note = stmt.eol.get(index)
    return "" if note is None else "  " + note


def joined(words: list[Word]) -> str:
    """Words with the spacing the docs write: one space, none inside brackets, before `:` `,` or
    a closing bracket, around `.`, after a unary minus, or before the bracket of a call or a
    lookup."""
    out: list[str] = []
    prev: Word | None = None
    for w in words:
        if prev is not None and _space(prev, w):
            out.append(" ")
        out.append(_text(w))
        prev = w
    return "".join(out)


def _text(w: Word) -> str:
    if w.type == "_COMMA":
        return ","
    if w.type == "_COLON":
        return ":"
    return w.text


def _space(prev: Word, cur: Word) -> bool:
    if cur.type in ("_COLON", "_COMMA", "DOT") or cur.type in _CLOSE:
        return False
    if prev.type in _OPEN or prev.type in ("DOT", "MINUS"):
        return False
    if cur.type == "LSQB":  # a lookup follows a value; an interval (`[0, 60)`) does not
        return not (prev.type in _VALUE_ENDS or prev.type in _CLOSE or prev.text in _VALUE_WORDS)
    return not (cur.type == "LPAR" and (prev.type == "NAME" or prev.type in _CLOSE))


_VALUE_ENDS = frozenset(("NAME", "NUMBER", "PERCENT", "INF"))
_VALUE_WORDS = frozenset(("total", "总分", "max", "满分", "true", "是", "false", "否"))
