"""The one-loop parse (`kaoping.grammar.fastparse`) builds exactly Lark's tree, with the same
positions and the same keyword record, and gives up on every text with an error, so that the
messages come from Lark's own parse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Token, Tree

from fuzz.grammar import programs
from fuzz.rulesmut import OPS, mutate
from kaoping.grammar.fastparse import fast_parse
from kaoping.grammar.parse import _normalize, _parser, parse
from test_docs import SNIPPETS, wrap

ROOT = Path(__file__).resolve().parent.parent
RULES = sorted(
    p
    for folder in ("src/kaoping/schemes", "benchmarks", "tests")
    for p in (ROOT / folder).rglob("*.rules")
)
META = (
    "line",
    "column",
    "start_pos",
    "end_line",
    "end_column",
    "end_pos",
    "container_line",
    "container_column",
    "container_start_pos",
    "container_end_line",
    "container_end_column",
    "container_end_pos",
)


def shape(node: Any) -> Any:
    """A tree as nested tuples: every rule, token, type and position."""
    if isinstance(node, Tree):
        meta = None if node.meta.empty else tuple(getattr(node.meta, a, None) for a in META)
        return ("tree", str(node.data), meta, tuple(shape(c) for c in node.children))
    if isinstance(node, Token):
        return (
            node.type,
            str(node),
            node.start_pos,
            node.line,
            node.column,
            node.end_line,
            node.end_column,
            node.end_pos,
        )
    return node


def both(source: str) -> tuple[Any, Any]:
    """(fast tree and keywords, Lark's tree and keywords) of one text; None for an error."""
    parser = _parser()
    indenter = parser.options.postlex
    text = _normalize(source)
    fast = fast_parse(parser, text, indenter)
    fast_words = [shape(k) for k in indenter.keywords] if fast is not None else None
    try:
        slow = parser.parse(text)
    except Exception:
        return (None if fast is None else shape(fast)), None
    return (None if fast is None else (shape(fast), fast_words)), (
        shape(slow),
        [shape(k) for k in indenter.keywords],
    )


def texts() -> list[tuple[str, str]]:
    found = [(str(p.relative_to(ROOT)), p.read_text("utf-8-sig")) for p in RULES]
    for snippet in SNIPPETS:
        for lang, body in snippet.halves:
            for candidate in [lang] if lang else ["en", "zh"]:
                found.append((f"{snippet.id}-{candidate}", wrap(snippet.kind, body, candidate)))
    return found


TEXTS = texts()


def test_every_shipped_scheme_and_documented_example_is_compared() -> None:
    assert sum(name.startswith("src/kaoping/schemes") for name, _ in TEXTS) >= 10
    assert len(TEXTS) > 200


@pytest.mark.parametrize(("name", "source"), TEXTS, ids=[n for n, _ in TEXTS])
def test_the_fast_parse_builds_larks_tree(name: str, source: str) -> None:
    fast, slow = both(source if source.endswith("\n") else source + "\n")
    assert fast == slow, name


@pytest.mark.parametrize(
    "source",
    [
        'group G "g"\nscoring G:\n    item a max 10 = (1 +\n        2)\n',  # a break in brackets
        'group G "g"\nscoring G:\n    item a max 10:\n        start 5  # note\n\n# end\n',
        'group G "g"\r\nscoring G:\r\n    item a = 1\r\n',
        '# only a comment\ngroup G "g"\nscoring G:\n  item a = 1\n    \n',
    ],
)
def test_odd_layouts_parse_alike(source: str) -> None:
    fast, slow = both(source)
    assert fast is not None
    assert fast == slow


@pytest.mark.parametrize(
    "source",
    [
        'group G "g"\nscoring G:\n    item a max 10 = 1 +\n',  # an unexpected end
        'group G "g"\nscoring G:\n    item a 封顶6 = 1\n',  # a glued keyword
        'group G "g"\nscoring G:\n        item a = 1\n    item b = 2\n',  # a dedent to no level
        'group G "g"\nscoring G:\n    item a = 1 $\n',  # no terminal matches
        'group G "g"\nscoring G:\n    item a = 1)\n',  # a bracket closed before it opened
    ],
)
def test_a_text_with_an_error_is_left_to_lark(source: str) -> None:
    parser = _parser()
    assert fast_parse(parser, _normalize(source), parser.options.postlex) is None
    parsed = parse(source, "t.rules")
    assert parsed.tree is None
    assert parsed.diagnostics[0].code == "E101"


# ------------------------------------------------------------------ generated texts

SHIPPED = [(name, text) for name, text in TEXTS if name.startswith("src/kaoping/schemes")]


@settings(max_examples=30, derandomize=True, deadline=None, database=None)
@given(programs())
def test_programs_walked_from_the_grammar_parse_alike(program: tuple[str, str]) -> None:
    _lang, text = program
    fast, slow = both(text if text.endswith("\n") else text + "\n")
    assert fast == slow


@settings(max_examples=30, derandomize=True, deadline=None, database=None)
@given(
    st.sampled_from(SHIPPED),
    st.sampled_from(OPS),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
)
def test_mutated_shipped_rules_parse_alike(
    shipped: tuple[str, str], op: str, a: int, b: int, c: int
) -> None:
    text = mutate(shipped[1], op, a, b, c)
    if isinstance(text, bytes):  # re-encoded: not text the parser is given
        return
    fast, slow = both(text if text.endswith("\n") else text + "\n")
    assert fast == slow
