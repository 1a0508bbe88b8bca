"""docs/language.md is tested: its snippets must parse, its keyword table must match the grammar.

Conventions for the snippets of docs/language.md (the doc repeats them in "Reading this reference"):

- A fence with the info string `rules` is a rules snippet and is tested; any other fence (plain
  ``` ) is prose and is not.
- A snippet may show both keyword sets: the English half first, then a line that is exactly
  `# 中文`, then the Chinese half. Each half is tested on its own; the English half must use only
  English keywords, the Chinese half only Chinese ones, and the two halves must lower to equal IR.
- The first line of a snippet says what it is:
  - `# complete` — a whole rules file; it must parse, and check with no diagnostic at all.
    `# complete: expect W402 E401` lists the diagnostic codes it must produce instead (exactly
    that set), for snippets that show a diagnostic;
  - `# fragment: KIND` — part of a file, wrapped by this test in a minimal skeleton written in the
    half's own keyword set, then parsed (names need not be declared):
      `scoring`      lines inside a `scoring G:` block (items, sections, let, total, output, …)
      `clauses`      clause lines inside an `item X:` of a scoring block
      `across`       lines inside the `across group:` block of a scoring block
      `grading`      lines inside a `grading 等次:` block
      `consequences` lines inside a `consequences:` block
      `expr`         one expression per line, each wrapped as `let eN = EXPR` of a scoring block
  - anything else — top-level declarations, parsed as a file as they stand.

Besides the snippets, the tests check that every keyword of the grammar is in the keyword table,
that every word of the table is a keyword, that every keyword and every grammar rule is used by
at least one snippet, that the built-in functions and diagnostic codes match the compiler, and
that the table of contents points at real headings.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from lark import Tree

from kaoping.compiler.infer_context import _CANON, BUILTINS
from kaoping.compiler.load import frontend
from kaoping.compiler.lower import build_module, lower_file
from kaoping.diagnostics import CATALOGUE
from kaoping.grammar.parse import _parser, is_chinese, parse

DOC = Path(__file__).resolve().parent.parent / "docs" / "language.md"
SPLIT = "# 中文"
KINDS = ("scoring", "clauses", "across", "grading", "consequences", "expr")

# (English, Chinese) skeletons; `{body}` is the fragment, indented to the given depth
WRAPPERS: dict[str, tuple[str, str, int]] = {
    "scoring": ("scoring G:\n{body}", "评分 G:\n{body}", 4),
    "clauses": ("scoring G:\n    item X:\n{body}", "评分 G:\n    指标 X:\n{body}", 8),
    "across": ("scoring G:\n    across group:\n{body}", "评分 G:\n    组内:\n{body}", 8),
    "grading": ("grading 等次:\n{body}", "评定 等次:\n{body}", 4),
    "consequences": ("consequences:\n{body}", "结果运用:\n{body}", 4),
}


# ------------------------------------------------------------------ reading the doc
def doc_text() -> str:
    return DOC.read_text("utf-8")


def fences(text: str) -> list[tuple[int, str, str]]:
    """(line number, info string, body) of every fenced block."""
    out: list[tuple[int, str, str]] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^(`{3,})(.*)$", lines[i])
        if m:
            fence, info, start = m.group(1), m.group(2).strip(), i + 1
            j = start
            while j < len(lines) and not lines[j].startswith(fence):
                j += 1
            out.append((start, info, "\n".join(lines[start:j]) + "\n"))
            i = j + 1
        else:
            i += 1
    return out


class Snippet:
    def __init__(self, line: int, body: str):
        self.line = line
        first = body.split("\n", 1)[0].strip()
        self.kind = "file"
        self.expect: set[str] = set()
        if first.startswith("# complete"):
            self.kind = "complete"
            _, _, rest = first.partition(":")
            words = rest.split()
            if words:
                assert words[0] == "expect", f"line {line}: write `# complete: expect CODE …`"
                self.expect = set(words[1:])
        elif first.startswith("# fragment:"):
            self.kind = first.split(":", 1)[1].strip()
            assert self.kind in KINDS, f"line {line}: unknown fragment kind {self.kind!r}"
        halves = re.split(rf"^{re.escape(SPLIT)}[ \t]*$\n?", body, flags=re.M)
        assert len(halves) <= 2, f"line {line}: more than one `{SPLIT}` line"
        self.halves: list[tuple[str | None, str]] = (
            [("en", halves[0]), ("zh", halves[1])] if len(halves) == 2 else [(None, halves[0])]
        )

    @property
    def id(self) -> str:
        return f"L{self.line}-{self.kind}"


def snippets() -> list[Snippet]:
    return [Snippet(line, body) for line, info, body in fences(doc_text()) if info == "rules"]


SNIPPETS = snippets()


# ------------------------------------------------------------------ wrapping and parsing
def wrap(kind: str, body: str, lang: str) -> str:
    if kind in ("file", "complete"):
        return body
    if kind == "expr":
        exprs = [
            ln.strip() for ln in body.split("\n") if ln.strip() and not ln.strip().startswith("#")
        ]
        head = "scoring G:\n" if lang == "en" else "评分 G:\n"
        let = "let" if lang == "en" else "设"
        return head + "".join(f"    {let} e{i} = {e}\n" for i, e in enumerate(exprs, 1))
    en, zh, depth = WRAPPERS[kind]
    template = en if lang == "en" else zh
    return template.format(body=textwrap.indent(textwrap.dedent(body), " " * depth))


def keywords_of_last_parse() -> list[str]:
    indenter = _parser().options.postlex
    return [str(tok.value) for tok in indenter.keywords]


def parse_half(snippet: Snippet, lang: str | None, body: str):
    """Parse one half; return (language, source, tree, keywords). Without a declared language,
    the English skeleton is tried first, then the Chinese one."""
    tried = []
    for candidate in [lang] if lang else ["en", "zh"]:
        source = wrap(snippet.kind, body, candidate)
        parsed = parse(source, f"{DOC.name}:{snippet.line}")
        if parsed.tree is not None and not parsed.diagnostics:
            return candidate, source, parsed.tree, keywords_of_last_parse()
        tried.append(
            "\n".join(d.headline() for d in parsed.diagnostics) + "\n--- source ---\n" + source
        )
    pytest.fail(
        f"snippet at docs/language.md line {snippet.line} does not parse:\n" + "\n".join(tried)
    )


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.id)
def test_snippet_parses(snippet: Snippet) -> None:
    modules = []
    for lang, body in snippet.halves:
        _, _, tree, words = parse_half(snippet, lang, body)
        # each half keeps to its own keyword set (the parser itself reports only a mix)
        want = lang or ("zh" if words and is_chinese(words[0]) else "en")
        wrong = [w for w in words if is_chinese(w) != (want == "zh")]
        assert not wrong, f"line {snippet.line}: the {want} half uses {wrong}"
        modules.append(build_module([lower_file(tree, "doc.rules")]))
    if len(modules) == 2:
        assert modules[0] == modules[1], (
            f"line {snippet.line}: the English and Chinese halves say different things"
        )


@pytest.mark.parametrize(
    "snippet", [s for s in SNIPPETS if s.kind == "complete"], ids=lambda s: s.id
)
def test_complete_snippet_checks(snippet: Snippet) -> None:
    for _lang, body in snippet.halves:
        model, diags = frontend({f"language.md:{snippet.line}": body})
        codes = {d.code for d in diags}
        shown = "\n".join(d.headline() for d in diags)
        assert codes == snippet.expect, f"line {snippet.line}: diagnostics\n{shown}"
        if not any(d.severity == "error" for d in diags):
            assert model is not None


def test_there_are_snippets_of_every_kind() -> None:
    kinds = {s.kind for s in SNIPPETS}
    assert {"complete", "file", *KINDS} <= kinds
    assert sum(len(s.halves) == 2 for s in SNIPPETS) >= 40


# ------------------------------------------------------------------ the grammar's words
def grammar_keywords() -> set[str]:
    """Anonymous string terminals that contain a letter or a CJK character."""
    return {
        t.pattern.value
        for t in _parser().terminals
        if t.pattern.type == "str" and re.search(r"[A-Za-z\u4e00-\u9fff]", t.pattern.value)
    }


def prose(text: str) -> str:
    """The doc without the contents of its fenced blocks (a `# comment` there is no heading)."""
    return re.sub(r"^(`{3,}).*?^\1[ \t]*$", "", text, flags=re.M | re.S)


def section(text: str, title: str) -> str:
    text = prose(text)
    m = re.search(rf"^(#+) {re.escape(title)}\s*$", text, flags=re.M)
    assert m, f"docs/language.md has no heading {title!r}"
    level = len(m.group(1))
    rest = text[m.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, flags=re.M)
    return rest[: end.start()] if end else rest


def table_words(text: str) -> set[str]:
    """Every whitespace-separated word inside backticks in the table rows of `text`."""
    words: set[str] = set()
    for line in text.split("\n"):
        if line.startswith("|"):
            for span in re.findall(r"`([^`]+)`", line):
                words.update(span.split())
    return words


def test_every_keyword_is_in_the_keyword_table() -> None:
    table = table_words(section(doc_text(), "Keywords"))
    missing = sorted(grammar_keywords() - table)
    assert not missing, f"keywords of the grammar missing from the keyword table: {missing}"


def test_the_keyword_table_lists_only_keywords() -> None:
    table = table_words(section(doc_text(), "Keywords"))
    inf = {"inf", "∞"}  # the INF terminal, a pattern rather than a string
    extra = sorted(
        w
        for w in table
        if re.search(r"[A-Za-z\u4e00-\u9fff]", w) and w not in grammar_keywords() | inf
    )
    assert not extra, f"words in the keyword table that the grammar does not have: {extra}"


def test_every_keyword_is_used_by_a_snippet() -> None:
    used: set[str] = set()
    for snippet in SNIPPETS:
        for lang, body in snippet.halves:
            used.update(parse_half(snippet, lang, body)[3])
    missing = sorted(grammar_keywords() - used)
    assert not missing, f"keywords no snippet of docs/language.md uses: {missing}"


def grammar_node_names() -> set[str]:
    """The tree node names the grammar can produce (rules and aliases, without inlined ones)."""
    names: set[str] = set()
    for rule in _parser().rules:
        origin = rule.origin.name
        origin = origin if isinstance(origin, str) else origin.value
        if rule.alias:
            names.add(str(rule.alias))
        elif not origin.startswith("_") and not rule.options.expand1 and origin != "start":
            names.add(origin)
    return names


def test_every_grammar_rule_is_used_by_a_snippet() -> None:
    used: set[str] = set()
    for snippet in SNIPPETS:
        for lang, body in snippet.halves:
            tree = parse_half(snippet, lang, body)[2]
            used.update(str(t.data) for t in tree.iter_subtrees() if isinstance(t, Tree))
    missing = sorted(grammar_node_names() - used)
    assert not missing, f"grammar rules no snippet of docs/language.md exercises: {missing}"


def test_builtin_functions_match_the_checker() -> None:
    text = section(doc_text(), "Built-in functions")
    pairs = set()
    for line in text.split("\n"):
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            en = re.findall(r"`([^`(]+)", cells[0])
            zh = re.findall(r"`([^`(]+)", cells[1])
            pairs.add((en[0], zh[0]))
    assert pairs == {(en, zh) for zh, en in _CANON.items()}
    assert {n for p in pairs for n in p} == BUILTINS


def test_every_diagnostic_code_is_listed() -> None:
    text = section(doc_text(), "Diagnostics")
    listed = set(re.findall(r"^\| `([EWK]\d{3})`", text, flags=re.M))
    assert listed == set(CATALOGUE), (
        f"missing: {sorted(set(CATALOGUE) - listed)}, unknown: {sorted(listed - set(CATALOGUE))}"
    )


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_table_of_contents_points_at_headings() -> None:
    text = prose(doc_text())
    anchors = {slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert links, "docs/language.md has no table of contents"
    broken = sorted(set(links) - anchors)
    assert not broken, f"links to headings that do not exist: {broken}"
