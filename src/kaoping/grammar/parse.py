"""Text → Lark tree. The LALR parser is built once from the packaged grammar; the indenter
also notes which keyword set each keyword came from, so mixing them can be reported."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import attrs
from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.indenter import DedentError, Indenter
from lark.parse_tree_builder import PropagatePositions

from kaoping.diagnostics import Diagnostic
from kaoping.exact import RULES_INTEGER_DIGITS, RULES_PLACES, literal_too_long
from kaoping.grammar import tables
from kaoping.grammar.expected import (
    expected_words,
    explain,
    keyword_set,
    nearest_keywords,
    no_such_keyword,
    spell,
)
from kaoping.grammar.fastparse import fast_parse
from kaoping.grammar.treebuild import reposition
from kaoping.span import Span

_OPEN = ["LPAR", "LSQB", "LBRACE"]
_CLOSE = ["RPAR", "RSQB", "RBRACE"]


class _RulesIndenter(Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types = _OPEN
    CLOSE_PAREN_types = _CLOSE
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 8

    def __init__(self) -> None:
        super().__init__()
        self.keywords: list[Token] = []
        self.long_numbers: list[tuple[Token, str]] = []  # each with the bound it breaks

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        self.keywords = []
        self.long_numbers = []
        for tok in super().process(_separated(stream)):  # type: ignore[no-untyped-call]
            if tok.type not in _VALUE_TOKENS:
                if _is_word(tok.value):
                    self.keywords.append(tok)
            elif tok.type in _NUMBER_TOKENS and (why := literal_too_long(tok.value)):
                self.long_numbers.append((tok, why))
            yield tok


class GluedKeyword(Exception):
    """A keyword written against a name or number (`封顶6`): the lexer would split it silently,
    but the language asks for a space, so `封顶上限` cannot quietly mean `封顶 上限`."""

    def __init__(self, first: Token, second: Token):
        super().__init__(f"{first} {second}")
        self.first, self.second = first, second


def _separated(stream: Iterator[Token]) -> Iterator[Token]:
    prev: Token | None = None
    for tok in stream:
        if (
            prev is not None
            and prev.end_pos == tok.start_pos
            and (prev.type not in _VALUE_TOKENS or tok.type not in _VALUE_TOKENS)
            and _ends_word(prev.value)
            and _starts_word(tok.value)
        ):
            raise GluedKeyword(prev, tok)
        prev = tok
        yield tok


def _ends_word(text: str) -> bool:
    return bool(text) and (text[-1].isalnum() or text[-1] == "_")


def _starts_word(text: str) -> bool:
    return bool(text) and (text[0].isalnum() or text[0] == "_")


_NUMBER_TOKENS = frozenset(("NUMBER", "INT", "PERCENT", "FRACTION"))
_VALUE_TOKENS = {
    "NAME",
    "STRING",
    "NUMBER",
    "INT",
    "PERCENT",
    "FRACTION",
    "COMMENT",
    "_NL",
    "INF",
    "_INDENT",
    "_DEDENT",
    "CMP",
    "ADD_OP",
    "MUL_OP",
}


@functools.lru_cache(maxsize=4096)  # asked once per keyword token: the same few words
def _is_word(text: str) -> bool:
    return bool(text) and any(c.isalpha() for c in text)


def is_chinese(word: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in word)


def _takes_space(node: object) -> bool:
    """Which tokens a statement's span covers: not the newline (and indentation) closing it."""
    return not (isinstance(node, Token) and node.type in ("_NL", "_INDENT", "_DEDENT"))


_NO_SPACE = frozenset(("_NL", "_INDENT", "_DEDENT"))


class _Positions:
    """Lark's position propagation with `_takes_space` as its filter, the same metas at a
    fraction of the cost (it was about half the time of parsing a large scheme)."""

    __slots__ = ("build",)

    def __init__(self, build: Any):
        self.build = build

    def __call__(self, children: list[Any]) -> Any:
        return reposition(self.build(children), children, _NO_SPACE)


class _Lark(Lark):
    """Lark with `_Positions` in place of its own position propagation; a rule that only
    renames its one symbol (`?expr: default_expr`) is not wrapped at all."""

    def _prepare_callbacks(self) -> None:
        super()._prepare_callbacks()
        for rule, callback in self._callbacks.items():
            if isinstance(callback, PropagatePositions):
                build = callback.node_builder
                passes_through = (
                    len(rule.expansion) == 1
                    and not rule.expansion[0].is_term
                    and rule.options.expand1
                    and not rule.alias
                )
                self._callbacks[rule] = build if passes_through else _Positions(build)


def runtime_options() -> dict[str, Any]:
    """The parser's options that are code, not tables: given again whenever it is loaded."""
    return {
        "postlex": _RulesIndenter(),
        # a statement's span ends at its last character, not after the newline that closes it
        "propagate_positions": _takes_space,
    }


@functools.cache
def _parser() -> Lark:
    # from the tables shipped in the package (see tables.py): never from a cache file on disk
    parser, _ = tables.load(_Lark, **runtime_options())
    return parser


@attrs.frozen
class Parsed:
    tree: Tree[Token] | None
    diagnostics: tuple[Diagnostic, ...]


# the contextual lexer would split `封顶6` silently; `_separated` reports it with this hint
_GLUED_HINT = (
    "a keyword and a name or number must be separated by a space (`封顶 6`, not `封顶6`)",
    "关键字与名称、数字之间须有空格(写 `封顶 6`,不写 `封顶6`)",
)

_COLON_HINT = ("a block line must end with `:`", "块的首行须以 `:` 结尾")
_EXAMPLES: dict[tuple[str, str], list[str]] = {
    _COLON_HINT: [
        "scoring G\n    item X = 1\n",
        "评分 G\n    指标 X = 1\n",
    ],
}


# The most characters a rules file may have: 50 times the largest shipped scheme (18,730). A
# parse takes up to ~1 KB of memory per character (100,000 items, 3 million characters: 2.7 GB,
# 35 s), so a 50 MB file would exhaust the machine; at this bound it stays under a gigabyte.
MAX_RULES_CHARS = 1_000_000


def parse(source: str, path: str) -> Parsed:
    """Parse one rules file; on syntax errors, the first of every top-level declaration."""
    if len(source) > MAX_RULES_CHARS:
        too_long = {"chars": f"{len(source):,}", "limit": f"{MAX_RULES_CHARS:,}"}
        return Parsed(None, (Diagnostic("E107", Span(path, 1, 1, 1, 1), too_long),))
    source = _normalize(source.removeprefix("\ufeff"))  # a BOM, as Windows editors write it
    if not source.endswith("\n"):
        source += "\n"
    tabs = []
    for lineno, line in enumerate(source.split("\n"), 1):
        stripped = line.lstrip(" ")
        if stripped[:1] in ("\t", "\u3000"):
            col = len(line) - len(stripped) + 1  # the tab itself, after any spaces
            tabs.append(Diagnostic("E102", Span(path, lineno, col, lineno, col + 1)))
    controls = list(_control_characters(source, path))
    if tabs or controls:  # indentation decides structure: parsing a file with tabs would mislead
        return Parsed(None, tuple(sorted(tabs + controls, key=lambda d: (d.span.line, d.span.col))))
    parser = _parser()
    indenter = parser.options.postlex
    assert isinstance(indenter, _RulesIndenter)
    tree = fast_parse(parser, source, indenter)
    if tree is None:  # an error: Lark's own parse says which, for the messages
        try:
            tree = parser.parse(source)
        except (UnexpectedInput, GluedKeyword) as err:
            return Parsed(None, tuple(_all_syntax_errors(err, source, path)))
        except DedentError:
            return Parsed(None, (_dedent_diagnostic(source, path),))
    if not unicodedata.is_normalized("NFC", source):
        _compose_names(tree)
    diagnostics = [*_long_numbers(indenter.long_numbers, path)]
    diagnostics += _mixed_keywords(indenter.keywords, path)
    return Parsed(tree, tuple(diagnostics))


def _compose_names(tree: Tree[Token]) -> None:
    """Names and strings in Unicode's composed form (NFC), as data names are read: `Café` typed
    with a combining accent (e + U+0301) is the same name as with `é`, and a unit named in a
    `units` list matches the data's. Positions stay those of the text as written."""
    for subtree in tree.iter_subtrees():
        children = subtree.children
        for i, child in enumerate(children):
            if (
                isinstance(child, Token)
                and child.type in ("NAME", "STRING")
                and not unicodedata.is_normalized("NFC", child.value)
            ):
                children[i] = child.update(value=unicodedata.normalize("NFC", child.value))


_TOO_LONG = {
    "before": (
        f"more than {RULES_INTEGER_DIGITS} digits before the decimal point",
        f"小数点前超过 {RULES_INTEGER_DIGITS} 位",
    ),
    "after": (
        f"more than {RULES_PLACES} digits after the decimal point",
        f"小数点后超过 {RULES_PLACES} 位",
    ),
}


def _long_numbers(found: list[tuple[Token, str]], path: str) -> Iterator[Diagnostic]:
    """E106 at each number too long to be meant (see `kaoping.exact.literal_too_long`)."""
    for tok, why in found:
        line, col = tok.line or 0, tok.column or 0
        digits = sum(c.isdigit() for c in tok.value)
        shown = tok.value if len(tok.value) <= 24 else f"{tok.value[:12]}…{tok.value[-6:]}"
        yield Diagnostic(
            "E106",
            Span(path, line, col, line, col + len(tok.value)),
            {
                "number": shown,
                "digits": digits,
                "detail": _TOO_LONG[why][0],
                "detail_zh": _TOO_LONG[why][1],
            },
        )


# Control characters (C0, DEL, C1) other than a tab and a line break: a NUL, an escape sequence
# or a form feed is never part of a rule, and would otherwise travel into comments of the
# generated Python, into messages and onto the terminal. A lone carriage return moves a
# terminal's cursor back over the line, so only the one closing a line (\r\n) is accepted.
# per line: controls (a lone CR, not the CR of a CRLF line end); and Unicode's format characters
# (category Cf: zero-width spaces and joiners, the soft hyphen, bidirectional embeddings,
# overrides and isolates, a BOM after the start, tags) and line separators, which cannot be
# seen: two names would look the same and differ, and a direction control makes the line show
# other than it reads ("Trojan Source"), in a string or a comment as much as in a name
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    r"\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    r"\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    r"\U000e0001\U000e0020-\U000e007f]|\r(?!$)"
)


def _control_characters(source: str, path: str) -> Iterator[Diagnostic]:
    """E103 at the first control character of every line that has one."""
    for lineno, line in enumerate(source.split("\n"), 1):
        found = _CONTROL.search(line)
        if found is None:
            continue
        char = found.group()
        col = found.start() + 1
        name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "")
        shown = " ".join(filter(None, (f"U+{ord(char):04X}", name)))
        yield Diagnostic("E103", Span(path, lineno, col, lineno, col + 1), {"char": shown})


_CONTROL_NAMES = {
    "\x00": "NUL",
    "\x07": "BEL",
    "\x08": "BS",
    "\x0b": "VT",
    "\x0c": "FF",
    "\r": "CR",
    "\x1b": "ESC",
    "\x7f": "DEL",
}


def _all_syntax_errors(
    first: UnexpectedInput | GluedKeyword, source: str, path: str
) -> Iterator[Diagnostic]:
    """The first syntax error of every top-level declaration, not just of the file: each
    declaration (a line at the left margin and the indented lines under it) is parsed again on
    its own, after as many blank lines as precede it, so that line numbers do not move. An
    error cannot cascade into the next declaration, and declarations after a broken one are
    still checked. A run of declarations that parses as a whole has no error in it, so runs
    are tried before single declarations, halving: a file of thousands of declarations with
    one mistake is parsed a few dozen times, not once per declaration."""
    lines = source.split("\n")
    # a declaration starts with a keyword at the left margin (not a comment, not a bracket);
    # whatever comes before the first one belongs to the first piece
    starts = [i for i, text in enumerate(lines) if text[:1].isalpha()]
    if len(starts) <= 1:
        yield _one(first, source, path)
        return
    starts[0] = 0
    pieces = list(zip(starts, [*starts[1:], len(lines)], strict=True))
    found = False
    todo = [(0, len(pieces))]  # runs of pieces [lo, hi); the whole file is known to fail
    while todo:
        lo, hi = todo.pop()
        begin, end = pieces[lo][0], pieces[hi - 1][1]
        # the lines before it as blank lines (one token to the lexer), none after
        chunk = "\n" * begin + "\n".join(lines[begin:end]) + "\n"
        if hi - lo > 1:
            if (lo, hi) == (0, len(pieces)) or not _parses(chunk):
                mid = (lo + hi) // 2
                todo += [(mid, hi), (lo, mid)]  # the earlier half first
            continue
        try:
            _parser().parse(chunk)
        except (UnexpectedInput, GluedKeyword) as err:
            found = True
            yield _one(err, chunk, path, keywords_from=source, ends_file=end >= len(lines) - 1)
        except DedentError:
            found = True
            yield _dedent_diagnostic(chunk, path)
    if not found:  # each piece parses alone, so the error is between them: report it as found
        yield _one(first, source, path)


def _parses(text: str) -> bool:
    try:
        _parser().parse(text)
    except (UnexpectedInput, GluedKeyword, DedentError):
        return False
    return True


# Full-width punctuation a Chinese input method types, and the ASCII it stands for. Each is one
# character for one, so line and column numbers do not move.
_FULL_WIDTH = str.maketrans("（）［］｛｝＝％＋－＜＞，：；", "()[]{}=%+-<>,:;")


def _normalize(source: str) -> str:
    """Full-width punctuation outside strings and comments read as its ASCII twin."""
    if not any(c in source for c in "（）［］｛｝＝％＋－＜＞，：；"):
        return source
    out: list[str] = []
    quote: str | None = None
    comment = False
    for c in source:
        if comment:
            comment = c != "\n"
        elif quote is not None:
            if c == quote or c == "\n":
                quote = None
        elif c == "#":
            comment = True
        elif c in ('"', "“"):
            quote = '"' if c == '"' else "”"
        else:
            c = c.translate(_FULL_WIDTH)
        out.append(c)
    return "".join(out)


def _dedent_diagnostic(source: str, path: str) -> Diagnostic:
    """The first line whose indentation matches no enclosing block (brackets excepted)."""
    levels = [0]
    depth = 0
    for lineno, line in enumerate(source.split("\n"), 1):
        code = _code_of(line)
        if code.strip() and depth == 0:
            indent = len(line) - len(line.lstrip(" "))
            if indent > levels[-1]:
                levels.append(indent)
            else:
                in_use = ", ".join(map(str, levels))
                while indent < levels[-1]:
                    levels.pop()
                if indent != levels[-1]:
                    return Diagnostic(
                        "E101",
                        Span(path, lineno, indent + 1, lineno, indent + 2),
                        {
                            "detail": f"this line's indentation ({indent}) matches no enclosing "
                            f"block (the blocks around it are indented {in_use})",
                            "detail_zh": f"此行缩进({indent})与外层各块都不对齐(外层缩进为 "
                            f"{in_use})",
                            "hint_en": "indent each block's lines by the same number of spaces",
                            "hint_zh": "同一块中的各行请用相同数目的空格缩进",
                        },
                    )
        depth = max(
            0, depth + sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        )
    return Diagnostic(
        "E101",
        Span(path, 1, 1, 1, 2),
        {"detail": "inconsistent indentation", "detail_zh": "缩进不一致"},
    )


def _code_of(line: str) -> str:
    """A line without its strings and comment, for counting brackets."""
    out, quote = [], None
    for c in line:
        if quote is not None:
            if c == quote:
                quote = None
        elif c == "#":
            break
        elif c in ('"', "“"):
            quote = '"' if c == '"' else "”"
        else:
            out.append(c)
    return "".join(out)


def _one(
    err: UnexpectedInput | GluedKeyword,
    source: str,
    path: str,
    keywords_from: str = "",
    ends_file: bool = True,
) -> Diagnostic:
    """`keywords_from`: the whole file, when `source` is one declaration of it (its keyword
    set is the file's); `ends_file`: whether `source` runs to the end of the file."""
    if isinstance(err, GluedKeyword):
        return _glued_diagnostic(err, path, source)
    return _syntax_diagnostic(err, source, path, keywords_from or source, ends_file)


def _syntax_diagnostic(
    err: UnexpectedInput, source: str, path: str, keywords_from: str, ends_file: bool = True
) -> Diagnostic:
    line, col = max(1, err.line), max(1, err.column)
    hint_en, hint_zh = "", ""
    if isinstance(err, UnexpectedToken) and err.token.type == "$END" and ends_file:
        detail = "the file ends in the middle of a rule"
        detail_zh = "文件在一条规则的中间结束"
    elif isinstance(err, UnexpectedToken) and err.token.type == "$END":
        # one declaration parsed on its own ends before it is complete (the next one follows)
        expected = expected_words(err.expected, keyword_set(keywords_from))
        detail = "the rule ends here before it is complete" + (
            f"; expected {expected.en}" if expected else ""
        )
        detail_zh = "这条规则在此处未写完就结束了" + (f";应为{expected.zh}" if expected else "")
        first = source.lstrip("\n").split(maxsplit=1)[:1]
        if first and spell(first[0], "en") in ("input", "constant"):
            hint_en = 'an input or a constant is declared with its description: NAME: TYPE "…"'
            hint_zh = "输入项和常量须写明说明文字:名称: 类型 “……”"
    elif isinstance(err, UnexpectedToken):
        detail, detail_zh, hint_en, hint_zh = explain(err, keywords_from)
        if err.token.type in ("_INDENT", "_DEDENT"):
            detail, detail_zh = "unexpected indentation", "此处缩进不对"
    elif isinstance(err, UnexpectedCharacters):
        text = source.split("\n")[line - 1]
        detail = f"unexpected character {text[col - 1 : col]!r}"
        detail_zh = f"不应出现的字符 {text[col - 1 : col]!r}"
    else:
        detail = detail_zh = str(err).splitlines()[0]
    label: tuple[str, str] | None = None
    if isinstance(err, UnexpectedToken) and err.token.type == "_NL" and "_COLON" in err.expected:
        # examples match by parser state, which differs with the block's depth and contents;
        # a line that could have ended with `:` is recognised directly
        detail = detail.split("; expected")[0] + "; expected ':'"
        detail_zh = detail_zh.split(";应为")[0] + ";应为 ':'"
        label = _COLON_HINT
    else:
        try:
            examples: Any = _EXAMPLES  # lark types the labels as Never
            label = err.match_examples(_parser().parse, examples, use_accepts=True)
        except Exception:
            label = None
    if label and not hint_en:
        hint_en, hint_zh = label
    elif isinstance(err, UnexpectedCharacters):
        hint_en = "check the spelling of keywords and that names are separated by spaces"
        hint_zh = "请检查关键字拼写,以及名称之间是否有空格"
    return Diagnostic(
        "E101",
        Span(path, line, col, line, col + 1),
        {"detail": detail, "detail_zh": detail_zh, "hint_en": hint_en, "hint_zh": hint_zh},
    )


def _glued_diagnostic(err: GluedKeyword, path: str, source: str) -> Diagnostic:
    a, b = err.first, err.second
    hint_en, hint_zh = _GLUED_HINT
    detail = f"{a.value}{b.value!s} needs a space: {a.value} {b.value}"
    detail_zh = f"{a.value}{b.value!s} 之间须有空格:{a.value} {b.value}"
    whole = _split_keyword(a, b, source)
    glued = f"{a.value}{b.value}"
    typo = [k for k in nearest_keywords(glued, keyword_set(source)) if len(k) == len(glued)]
    if whole is None and typo and " " not in typo[0]:
        # `扣完位置`: no keyword glued to a name, but 扣完为止 typed with a homophone
        words = no_such_keyword(glued, typo[:1])
        detail = f"unexpected {glued!r}"
        detail_zh = f"不应出现 {glued!r}"
        hint_en, hint_zh = words.en, words.zh
    elif whole is not None:  # `扣完 为止`: a keyword of several characters broken by a space
        detail = f"`{whole}` is one keyword"
        detail_zh = f"`{whole}` 是一个关键字"
        hint_en = f"write `{whole}` without a space"
        hint_zh = f"`{whole}` 中间不加空格"
    elif spell(str(a.value), "en") == "per" and str(b.value) in _COUNT_UNITS:
        # 每次扣2分 copied as `扣 2 每次 …`: 每 is followed by the name of the count
        detail = f"`{a.value}{b.value}`: `{a.value}` is followed by the name of a count"
        detail_zh = f"`{a.value}{b.value}`:`{a.value}` 后面应是计数的名称"
        deduct = spell("deduct", "zh" if str(a.value) == "每" else "en")
        hint_en = f"write `{a.value} NAME` (`{deduct} 2 {a.value} 少报次数`)"
        hint_zh = f"请写 `{a.value} 名称`(如 `{deduct} 2 {a.value} 少报次数`)"
    return Diagnostic(
        "E101",
        Span(path, a.line or 0, a.column or 0, b.end_line or 0, b.end_column or 0),
        {"detail": detail, "detail_zh": detail_zh, "hint_en": hint_en, "hint_zh": hint_zh},
    )


# what follows 每 in a document (每次、每项、每人): a unit, where the rules want a count's name
_COUNT_UNITS = frozenset(("次", "项", "条", "件", "篇", "人", "个", "起", "批", "名", "位"))


def _split_keyword(a: Token, b: Token, source: str) -> str | None:
    """The keyword `a` and `b` start when the space after `b` is taken out (`扣完 为止`)."""
    from kaoping.grammar.expected import KEYWORD_PAIRS

    start, end = a.start_pos, b.end_pos
    if start is None or end is None or source[start:end] != f"{a.value}{b.value}":
        return None
    rest = source[end:].split("\n", 1)[0].strip()
    joined = f"{a.value}{b.value}{rest.split(' ', 1)[0]}" if rest else ""
    glued = f"{a.value}{b.value}"
    for pair in KEYWORD_PAIRS:
        for word in pair:
            longer = " " not in word and len(word) > len(str(a.value))
            if longer and joined.startswith(word) and not glued.startswith(word):
                return word
    return None


def _mixed_keywords(keywords: list[Token], path: str) -> Iterator[Diagnostic]:
    """One K101 per line that uses the other keyword set than the file's first keyword."""
    first: str | None = None
    reported: set[int] = set()
    sets: dict[str, str] = {}  # each keyword's set, by its text: the same few words recur
    for tok in keywords:
        this = sets.get(tok.value) or sets.setdefault(
            tok.value, "Chinese" if is_chinese(tok.value) else "English"
        )
        if first is None:
            first = this
        elif this != first and tok.line not in reported:
            reported.add(tok.line or 0)
            yield Diagnostic(
                "K101",
                Span(
                    path,
                    tok.line or 0,
                    tok.column or 0,
                    tok.line or 0,
                    (tok.column or 0) + len(tok.value),
                ),
                {
                    "kw": str(tok.value),
                    "this": this,
                    "first": first,
                    "this_zh": "中文关键字" if this == "Chinese" else "英文关键字",
                    "first_zh": "中文关键字" if first == "Chinese" else "英文关键字",
                },
            )
