"""A rules file as the formatter reads it: every token the parser saw (keywords included, which
the parse tree drops), every comment (which the parser skips), and for each keyword the tree
node it belongs to, so that a keyword can be translated in its context (`count` is `次数` as a
type and `计数` as an aggregate)."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator

import attrs
from lark import Lark, Token, Tree

from kaoping.errors import CompileError
from kaoping.grammar import tables
from kaoping.grammar.parse import _Lark, _normalize, _RulesIndenter, parse, runtime_options

# the token types that carry a value of the rules (everything else that is a word is a keyword)
VALUE_TYPES = frozenset(
    ("NAME", "STRING", "NUMBER", "INT", "PERCENT", "FRACTION", "INF", "CMP", "ADD_OP", "MUL_OP")
)


@attrs.frozen
class Word:
    """One token of the file: `text` as it will be written, `type` the parser's terminal."""

    text: str
    type: str
    start: int  # offset in the (normalised) text; a word the formatter adds has its anchor's
    line: int  # 1-based line it was written on
    owner: str = ""  # the tree node a keyword belongs to (its rule or alias name)
    owner_at: int = -1  # where that node starts: two nodes of one kind side by side differ

    @property
    def is_keyword(self) -> bool:
        return self.type not in VALUE_TYPES and any(c.isalpha() for c in self.text)


@attrs.frozen
class Comment:
    text: str  # from `#`, trailing whitespace removed
    line: int
    col: int  # 0-based column of the `#`
    own_line: bool  # nothing but the comment on its line


@attrs.frozen
class Lexed:
    text: str  # the normalised text the positions refer to
    words: tuple[Word, ...]
    comments: tuple[Comment, ...]
    blank_lines: frozenset[int]  # line numbers of lines holding nothing at all
    tree: Tree[Token]


class _Recorder(_RulesIndenter):
    """The parser's indenter, which also keeps every token the lexer produced."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[Token] = []

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        self.tokens = []

        def tee(tokens: Iterator[Token]) -> Iterator[Token]:
            for tok in tokens:
                self.tokens.append(tok)
                yield tok

        return super().process(tee(stream))


@functools.cache
def _parser() -> tuple[Lark, _Recorder]:
    recorder = _Recorder()
    options = runtime_options()
    options["postlex"] = recorder
    parser, _ = tables.load(_Lark, **options)
    return parser, recorder


def prepared(text: str) -> str:
    """The text as the parser reads it: no BOM, full-width punctuation as ASCII (one character
    for one), a final line break."""
    text = _normalize(text.removeprefix("\ufeff"))
    return text if text.endswith("\n") else text + "\n"


def lex(text: str, source: str) -> Lexed:
    """Tokens, comments and tree of a rules file; the parser's own CompileError (every located
    syntax error) when it does not parse."""
    checked = parse(text, source)
    if checked.tree is None:
        raise CompileError(checked.diagnostics)
    text = prepared(text)
    parser, recorder = _parser()
    tree = parser.parse(text)
    tokens = [t for t in recorder.tokens if t.type != "_NL"]
    owners = _Owners(tree)
    words = tuple(
        Word(str(t.value), t.type, t.start_pos or 0, t.line or 0, *owners.of(t.start_pos or 0))
        if _is_keyword(t)
        else Word(str(t.value), t.type, t.start_pos or 0, t.line or 0)
        for t in tokens
    )
    comments: list[Comment] = []
    code_lines: set[int] = {w.line for w in words}
    ends = [0] + [(t.end_pos or 0) for t in tokens]
    starts = [(t.start_pos or 0) for t in tokens] + [len(text)]
    for gap_start, gap_end in zip(ends, starts, strict=True):
        comments.extend(_comments_in(text, gap_start, gap_end))
    code_lines.update(c.line for c in comments)
    # a string or bracket spanning lines cannot happen (strings stop at a line break); every
    # line without a token or comment is blank
    line_count = text.count("\n")
    blank = frozenset(n for n in range(1, line_count + 1) if n not in code_lines)
    return Lexed(text, words, tuple(comments), blank, tree)


def _is_keyword(tok: Token) -> bool:
    return tok.type not in VALUE_TYPES and any(c.isalpha() for c in str(tok.value))


_COMMENT = re.compile(r"#[^\n]*")


def _comments_in(text: str, start: int, end: int) -> Iterator[Comment]:
    """The comments between two tokens (the text between them is spaces, line breaks and
    comments only)."""
    for found in _COMMENT.finditer(text, start, end):
        line_start = text.rfind("\n", 0, found.start()) + 1
        before = text[line_start : found.start()]
        yield Comment(
            found.group().rstrip(),
            text.count("\n", 0, found.start()) + 1,
            found.start() - line_start,
            own_line=not before.strip(),
        )


class _Owners:
    """Which tree node a keyword belongs to: the innermost node whose span holds it, found by
    bisecting each level's children (a block of thousands of items is no slower a keyword)."""

    def __init__(self, tree: Tree[Token]):
        self.root = tree
        self.levels: dict[int, tuple[list[int], list[Tree[Token]]]] = {}

    def _children(self, node: Tree[Token]) -> tuple[list[int], list[Tree[Token]]]:
        known = self.levels.get(id(node))
        if known is None:
            trees = [c for c in node.children if isinstance(c, Tree) and _span(c)[0] >= 0]
            known = self.levels[id(node)] = ([_span(c)[0] for c in trees], trees)
        return known

    def of(self, pos: int) -> tuple[str, int]:
        parent, node = self.root, self.root
        while True:
            starts, trees = self._children(node)
            i = bisect.bisect_right(starts, pos) - 1
            if i < 0 or not _holds(trees[i], pos):
                break
            parent, node = node, trees[i]
        if node is self.root:
            return "", -1
        name = str(node.data)
        # `rounding`/`舍入` at the top of a file, `round`/`舍入` in an item: one rule for both
        return (f"{name}@{parent.data}" if name == "rounding_spec" else name), _span(node)[0]


def _span(node: Tree[Token]) -> tuple[int, int]:
    meta = node.meta
    if meta.empty:
        return (-1, -1)
    return (meta.start_pos, meta.end_pos)


def _holds(node: Tree[Token], pos: int) -> bool:
    start, end = _span(node)
    return start <= pos < end


def spans(tree: Tree[Token]) -> Iterator[tuple[int, int, Tree[Token]]]:
    """Every node with its span, outermost first."""
    todo = [tree]
    while todo:  # a stack, not recursion: no nesting depth of a rules file exhausts Python's
        node = todo.pop()
        start, end = _span(node)
        if start >= 0:
            yield start, end, node
        todo.extend(c for c in reversed(node.children) if isinstance(c, Tree))
