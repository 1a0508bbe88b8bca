"""`kaoping doc`: the source document woven with the rules, as one offline HTML page. The
document's text runs part by part (a numbered heading starts a part); beside each part, the
rules whose `article "…"` is located there. Then the parts no rule cites, and the rules citing
an article the document does not contain. Every piece of document and rules text is escaped:
both are untrusted."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html import escape
from itertools import pairwise

import attrs

from kaoping.compiler import walk
from kaoping.compiler.load import CompiledScheme
from kaoping.document import Document, Heading, Located, locate, uncited


@attrs.frozen
class Citation:
    """A rule that cites an article: where it is, what it says (its first line), the article."""

    file: str
    line: int
    text: str
    article: str


@attrs.frozen
class Weave:
    scheme: str
    title: str
    document_name: str
    doc: Document
    citations: tuple[Citation, ...]
    located: dict[str, Located]

    @property
    def missing(self) -> list[Citation]:
        """Rules whose article the document does not contain."""
        return [c for c in self.citations if not self.located[c.article].found]

    @property
    def uncited(self) -> list[Heading]:
        return uncited(self.doc, list(self.located.values()))


def citations(scheme: CompiledScheme) -> list[Citation]:
    """Every rule that cites an article, in file and line order."""
    found: dict[tuple[str, int, str], Citation] = {}
    for node in walk.postorder(scheme.model.module):
        article = getattr(node, "article", None)
        span = getattr(node, "span", None)
        if not isinstance(article, str) or span is None or span.line <= 0:
            continue
        lines = scheme.sources.get(span.path, "").split("\n")
        text = lines[span.line - 1].strip() if span.line <= len(lines) else ""
        key = (span.path, span.line, article)
        found.setdefault(key, Citation(span.path, span.line, text, article))
    return sorted(found.values(), key=lambda c: (c.file, c.line, c.article))


def weave(scheme: CompiledScheme, title: str, document_name: str, doc: Document) -> Weave:
    cited = citations(scheme)
    located = {c.article: locate(doc, c.article) for c in cited}
    return Weave(scheme.scheme_id, title, document_name, doc, tuple(cited), located)


_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", sans-serif;
       margin: 1.5em; color: #1b1b1b; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
table.weave { border-collapse: collapse; width: 100%; }
table.weave td { vertical-align: top; border-top: 1px solid #ddd; padding: .4em .6em; }
td.text { width: 55%; white-space: pre-wrap; font-size: .95em; }
td.text .n { color: #999; font-size: .8em; user-select: none; }
tr.uncited td.text { background: #fff6e0; }
td.rules { font-size: .9em; }
.article { font-weight: bold; color: #264f78; }
.rule { font-family: monospace; white-space: pre-wrap; }
.where { color: #666; font-family: monospace; }
.note { color: #a15c00; }
ul { padding-left: 1.2em; }
"""


def _e(text: str) -> str:
    from kaoping.io.text import bidi_shown

    return escape(bidi_shown(text), quote=True)


def _chunks(doc: Document) -> list[tuple[int, int, Heading | None]]:
    """The document as consecutive parts: each numbered heading starts one, up to the next
    heading (the text before the first heading is a part of its own)."""
    starts = sorted({h.first for h in doc.headings})
    by_line: dict[int, Heading] = {}
    for h in doc.headings:
        by_line.setdefault(h.first, h)
    bounds = [1, *[s for s in starts if s > 1], doc.size + 1]
    return [(a, b - 1, by_line.get(a)) for a, b in pairwise(bounds) if a < b]


def render(w: Weave) -> str:
    """The page, escaped throughout."""
    return "".join(_render(w))


def _render(w: Weave) -> Iterator[str]:
    uncited_lines = {h.first for h in w.uncited}
    starts: dict[int, list[Citation]] = {}
    for c in w.citations:
        for first, _ in w.located[c.article].parts:
            starts.setdefault(first, []).append(c)
    yield '<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
    yield f"<title>{_e(w.scheme)}: {_e(w.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
    yield f"<h1>{_e(w.title)}</h1>\n"
    yield (
        f"<p>Scheme <strong>{_e(w.scheme)}</strong>, source document <strong>{_e(w.document_name)}</strong>: "
        f"{len(w.citations)} rule(s) cite {len(w.located)} article(s); "
        f"{len(w.uncited)} numbered part(s) of the document are cited by no rule; "
        f"{len(w.missing)} rule(s) cite an article the document does not contain.</p>\n"
    )
    yield '<h2 id="text">The document and the rules that cite it</h2>\n<table class="weave">\n'
    for first, last, heading in _chunks(w.doc):
        css = ' class="uncited"' if heading is not None and first in uncited_lines else ""
        yield f'<tr id="L{first}"{css}><td class="text">'
        for n in range(first, last + 1):
            yield f'<span class="n">{n:>4} </span>{_e(w.doc.lines[n - 1])}\n'
        yield '</td><td class="rules">'
        here = [c for n in range(first, last + 1) for c in starts.get(n, [])]
        yield from _citations(w, here)
        yield "</td></tr>\n"
    yield "</table>\n"
    yield '<h2 id="uncited">Numbered parts no rule cites</h2>\n<ul>\n'
    for h in w.uncited:
        text = w.doc.lines[h.first - 1].strip()
        yield f'<li><a href="#L{h.first}">line {h.first}</a> {_e(text)}</li>\n'
    yield "</ul>\n"
    yield '<h2 id="missing">Rules citing an article the document does not contain</h2>\n<ul>\n'
    for c in w.missing:
        yield (
            f'<li><span class="article">{_e(c.article)}</span> '
            f'<span class="where">{_e(_short(c.file))}:{c.line}</span> '
            f'<span class="rule">{_e(c.text)}</span></li>\n'
        )
    yield "</ul>\n</body>\n</html>\n"


def _citations(w: Weave, here: Sequence[Citation]) -> Iterator[str]:
    by_article: dict[str, list[Citation]] = {}
    for c in here:
        by_article.setdefault(c.article, []).append(c)
    for article, rules in by_article.items():
        yield f'<div><span class="article">«{_e(article)}»</span>'
        notes = w.located[article].notes
        if notes:
            shown = "、".join(notes)
            yield f' <span class="note">(not found in the text under it: {_e(shown)})</span>'
        yield "<ul>"
        for c in rules:
            yield (
                f'<li><span class="where">{_e(_short(c.file))}:{c.line}</span> '
                f'<span class="rule">{_e(c.text)}</span></li>'
            )
        yield "</ul></div>"


def _short(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
