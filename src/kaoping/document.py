"""A scheme's source document split into its articles, and each `article "…"` string of the
rules located in it: what `kaoping doc` weaves beside the rules.

Chinese government texts number their parts with a few heading forms, each at the start of a
line: 附件2, 第五条, 三、, (一) / （一）, 1. / 1．/ 1、, 1) and (1). Each heading's part runs
to the next heading of its own form or of a form above it (附件 above 第…条 above 三、 above
(一) above 1. above 1) above (1)). An article string is read as a path of such labels and words:
"附件2 改革推进落实 分类推进 1." is the heading 附件2, then the first line under it holding the
words 改革推进落实 (a table's row may break a word across two lines), then 分类推进 after that,
then the heading 1. after that. A label the current part does not hold starts another citation
from the nearest enclosing part that holds it ("四(一) 三(一)1." cites 四(一) and 三(一)1.);
`至` or `-` between two labels cites the parts from the first to the second; `;` starts another
citation read from the top. A word the part
does not hold, after something was located, is a note on the citation (末段, 其中) and is kept
as such; a string whose first label or word is nowhere in the document is not located. A leading
number of three or more digits (the document's number in a collection: "000 第七条") is skipped."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import attrs

# heading forms, outermost first: (level, pattern on the stripped line, label prefix)
_NUM = "一二三四五六七八九十百零〇"
_HEADINGS = (
    (0, re.compile(r"附件\s*(\d+)"), "附件"),
    (1, re.compile(rf"第([{_NUM}]+)条"), "条"),
    (2, re.compile(rf"([{_NUM}]+)[、.](?!\d)"), "一"),
    (3, re.compile(rf"\(([{_NUM}]+)\)"), "(一)"),
    (4, re.compile(r"(\d+)\s*[.、](?!\d)"), "1."),
    (5, re.compile(r"(\d+)\)"), "1)"),
    (6, re.compile(r"\((\d+)\)"), "(1)"),
)
# labels in an article string: the same forms, without the line-start anchoring
_TOKEN = re.compile(
    rf"(?P<annex>附件\s*\d+)"
    rf"|(?P<article>第[{_NUM}]+条)"
    rf"|(?P<paren_cn>\([{_NUM}]+\))"
    rf"|(?P<cn>[{_NUM}]+)(?=[(、\s]|$)"
    rf"|(?P<dot>\d+[.、](?=\d+\))|\d+[.、](?!\d))"
    rf"|(?P<close>\d+\))"
    rf"|(?P<paren_num>\(\d+\))"
    rf"|(?P<to>至|-)"
    rf"|(?P<next>\s*;\s*)"
    rf"|(?P<sep>[、,\s]+)"
    rf"|(?P<word>[^\s、;,()]+|\([^)]*\))"
)
_COLLECTION_NUMBER = re.compile(r"\d{3,}\s+")


def normalise(text: str) -> str:
    """Full-width digits, letters, parentheses and stops as their ASCII forms (NFKC), so that
    （一） in a document and (一) in a rules file are one label; `．` is a full stop."""
    return unicodedata.normalize("NFKC", text).replace("．", ".")


@attrs.frozen
class Heading:
    """A numbered part of the document: its label (`附件2`, `第五条`, `三`, `(一)`, `1.`, `1)`,
    `(1)`), its form's level, and its lines (1-based, inclusive)."""

    label: str
    level: int
    first: int
    last: int


@attrs.frozen
class Document:
    lines: tuple[str, ...]
    headings: tuple[Heading, ...]
    # words of the rules' article strings that the document writes otherwise (a table's title
    # the rules call `县区总表`), each with the document's own text to look for
    aliases: dict[str, str] = attrs.Factory(dict)
    # each line without its spaces, as words are looked for
    squeezed: tuple[str, ...] = ()
    # each label's headings' first lines, in order (labels are looked up, not scanned for)
    firsts: dict[str, list[int]] = attrs.Factory(dict)
    by_first: dict[int, Heading] = attrs.Factory(dict)

    @property
    def size(self) -> int:
        return len(self.lines)


def _label(level: int, number: str) -> str:
    if level == 0:
        return f"附件{number}"
    if level == 1:
        return f"第{number}条"
    if level == 2:
        return number
    if level in (3, 6):
        return f"({number})"
    if level == 4:
        return f"{number}."
    return f"{number})"


def read_document(text: str, aliases: dict[str, str] | None = None) -> Document:
    """The document's lines and numbered headings; `aliases`: see `Document.aliases`."""
    lines = tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    found: list[tuple[str, int, int]] = []  # label, level, line
    for n, line in enumerate(lines, 1):
        stripped = normalise(line).strip()
        for level, pattern, _ in _HEADINGS:
            m = pattern.match(stripped)
            if m:
                found.append((_label(level, m.group(1).replace(" ", "")), level, n))
                break
    # a heading ends on the line before the next heading of its level or above: one pass with
    # the headings still open on a stack (linear, so a document of many headings is quick)
    lasts = [len(lines)] * len(found)
    open_: list[int] = []
    for i, (_, level, first) in enumerate(found):
        while open_ and found[open_[-1]][1] >= level:
            lasts[open_.pop()] = first - 1
        open_.append(i)
    headings = [
        Heading(label, level, first, last)
        for (label, level, first), last in zip(found, lasts, strict=True)
    ]
    squeezed = tuple(_squeezed(line) for line in lines)
    firsts: dict[str, list[int]] = {}
    for h in headings:
        firsts.setdefault(h.label, []).append(h.first)
    by_first = {h.first: h for h in headings}
    return Document(lines, tuple(headings), dict(aliases or {}), squeezed, firsts, by_first)


@attrs.frozen
class Located:
    """Where one article string is in the document: its parts as line ranges (first, last),
    and the words read as notes on the citation. `parts` is empty when it is not located."""

    article: str
    parts: tuple[tuple[int, int], ...]
    notes: tuple[str, ...] = ()
    # parts cited as a run (`(二)至(九)`): every part inside is cited
    runs: tuple[tuple[int, int], ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.parts)


@attrs.frozen
class _Token:
    kind: str  # "label", "word", "to" (a range's end follows) or "next" (another citation)
    text: str


def _tokens(article: str) -> list[_Token]:
    text = normalise(article).strip()
    text = _COLLECTION_NUMBER.sub("", text, count=1) if _COLLECTION_NUMBER.match(text) else text
    out: list[_Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "word"
        value = m.group()
        if kind == "sep":
            continue
        if kind in ("to", "next"):
            out.append(_Token(kind, value))
        elif kind == "word":
            out.append(_Token("word", value))
        elif kind == "dot":
            out.append(_Token("label", value.rstrip(".、") + "."))
        else:
            out.append(_Token("label", value.replace(" ", "")))
    return out


def _find_label(doc: Document, label: str, first: int, last: int) -> Heading | None:
    """The first heading `label` strictly inside lines first..last (or at `first`, for the
    whole document)."""
    lines = doc.firsts.get(label, [])
    i = bisect_left(lines, first) if first == 1 else bisect_right(lines, first)
    if i < len(lines) and lines[i] <= last:
        return doc.by_first[lines[i]]
    return None


def _find_word(doc: Document, word: str, first: int, last: int) -> int | None:
    """The first line in first..last holding `word`, spaces ignored; a word a table broke
    across two lines counts at the line it starts on."""
    want = _squeezed(doc.aliases.get(word, word))
    texts = doc.squeezed
    for n in range(first, last + 1):
        here = texts[n - 1]
        if not here:
            continue
        if want in here:
            return n
        m = n  # the next line that is not blank (0-based: line m + 1)
        while m < last and not texts[m]:
            m += 1
        following = texts[m] if m < last else ""
        start = (here + following).find(want)
        if 0 <= start < len(here):
            return n
    return None


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text))


def locate(doc: Document, article: str) -> Located:
    """Where `article` is in `doc` (see the module's docstring for how it is read)."""
    # the parts the reading is inside, outermost first: (first line, last line, the level of
    # its heading; _WORD for a part a word located, which a label never leaves)
    whole = (1, doc.size, _WORD)
    scopes: list[tuple[int, int, int]] = [whole]
    parts: list[tuple[int, int]] = []
    notes: list[str] = []
    runs: list[tuple[int, int]] = []
    through = False
    for token in _tokens(article):
        if token.kind == "to":
            through = bool(parts)
            continue
        if token.kind == "next":  # `;`: another citation, read from the top
            scopes = [whole]
            continue
        if token.kind == "word":
            first, last, _ = scopes[-1]
            line = _find_word(doc, token.text, first, last)
            if line is None:
                if not parts:
                    return Located(article, ())
                notes.append(token.text)
                continue
            if len(scopes) > 1:  # the same citation, narrowed
                parts[-1] = (line, last)
            else:
                parts.append((line, last))
            scopes.append((line, last, _WORD))
            continue
        level = _level(token.text)
        heading = None
        depth = len(scopes)
        while depth > 0:
            first, last, _ = scopes[depth - 1]
            heading = _find_label(doc, token.text, first, last)
            # not inside this part: a label of its heading's form or above may be a sibling
            # or an uncle of it (`四(一) 三(一)1.`); a deeper one is not there at all
            if heading is not None or depth == 1 or scopes[depth - 1][2] < level:
                break
            depth -= 1
        if heading is None:
            if not parts:
                return Located(article, ())
            notes.append(token.text)
            continue
        span = (heading.first, heading.last)
        if through and parts:
            parts[-1] = (parts[-1][0], max(parts[-1][1], heading.last))
            runs.append(parts[-1])
        elif depth == len(scopes) and len(scopes) > 1:
            parts[-1] = span  # the same citation, narrowed
        else:
            parts.append(span)  # another citation
        through = False
        scopes = [*scopes[:depth], (*span, heading.level)]
    return Located(article, tuple(parts), tuple(notes), tuple(runs))


_WORD = -1


def _level(label: str) -> int:
    """The level of a label's heading form (see _HEADINGS)."""
    if label.startswith("附件"):
        return 0
    if label.startswith("第"):
        return 1
    if label.startswith("("):
        return 6 if label[1].isdigit() else 3
    if label.endswith("."):
        return 4
    if label.endswith(")"):
        return 5
    return 2


def uncited(doc: Document, located: Sequence[Located]) -> list[Heading]:
    """The numbered parts no citation starts in (no article string located there or inside)
    and no run of parts (`(二)至(九)`) holds."""
    starts = sorted(first for loc in located for first, _ in loc.parts)
    runs = sorted(run for loc in located for run in loc.runs)
    run_starts = [a for a, _ in runs]
    reach: list[int] = []  # the furthest end of the runs starting at or before each one
    for _, b in runs:
        reach.append(max(b, reach[-1]) if reach else b)
    out = []
    for h in doc.headings:
        i = bisect_left(starts, h.first)
        if i < len(starts) and starts[i] <= h.last:
            continue  # a citation starts inside it
        j = bisect_right(run_starts, h.first)
        if j and reach[j - 1] >= h.last:
            continue  # inside a run
        out.append(h)
    return out
