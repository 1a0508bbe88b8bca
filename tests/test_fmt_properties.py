"""Properties of the formatter over every rules file in the repository and over generated ones:
formatting twice changes nothing more, the formatted file compiles to the same IR (IR nodes
leave their positions out of equality), comments survive word for word, and translating a Chinese
file to English and back gives the formatted file (not an English one: `round` and `rounding`
are both `舍入`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from fuzz.grammar import programs
from fuzz.schemegen import schemes
from kaoping.compiler.lower import build_module, lower_file
from kaoping.errors import CompileError
from kaoping.formatter import format_text
from kaoping.grammar.expected import KEYWORD_PAIRS
from kaoping.grammar.parse import parse

ROOT = Path(__file__).resolve().parent.parent
RULES_FILES = sorted(
    p
    for pattern in ("src/kaoping/schemes/*/*.rules", "benchmarks/*.rules", "tests/**/*.rules")
    for p in ROOT.glob(pattern)
)
PROPERTY = settings(
    max_examples=30,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # a failure is printed as found, not shrunk
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def ir_of(text: str) -> object:
    parsed = parse(text, "t.rules")
    assert parsed.tree is not None, parsed.diagnostics
    return build_module([lower_file(parsed.tree, "t.rules")])


def comments(text: str) -> list[str]:
    """Every comment's text, in order (a `#` outside strings starts one)."""
    found = []
    for line in text.split("\n"):
        code = re.sub(r'"[^"\n]*"|“[^”\n]*”', lambda m: "_" * len(m.group()), line)
        if "#" in code:
            found.append(line[code.index("#") :].rstrip())
    return found


def test_the_repository_has_rules_files_to_check() -> None:
    assert len(RULES_FILES) >= 15


@pytest.mark.parametrize("path", RULES_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_rules_file_formats_stably_to_the_same_ir_with_its_comments(path: Path) -> None:
    text = path.read_text("utf-8")
    once = format_text(text, str(path))
    assert format_text(once, str(path)) == once
    assert ir_of(once) == ir_of(text)
    assert comments(once) == comments(text)


@pytest.mark.parametrize("path", RULES_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_rules_file_translates_both_ways_to_the_same_ir(path: Path) -> None:
    text = path.read_text("utf-8")
    once = format_text(text, str(path))
    for to, back in (("en", "zh"), ("zh", "en")):
        other = format_text(text, str(path), to=to)
        assert ir_of(other) == ir_of(text)
        assert comments(other) == comments(text)
        parsed = parse(other, "t.rules")
        assert not [d for d in parsed.diagnostics if d.code == "K101"], f"--to {to} mixes sets"
        if back == "zh" and once == format_text(text, str(path), to="zh"):  # a Chinese file
            assert format_text(other, str(path), to="zh") == once


@given(programs())
@PROPERTY
def test_generated_programs_format_stably_to_the_same_ir(program: tuple[str, str]) -> None:
    lang, text = program
    try:
        once = format_text(text)
    except CompileError:
        return  # a walk of the grammar the parser's checks refuse (a glued keyword, …)
    assert format_text(once) == once
    assert comments(once) == comments(text)
    try:
        before = ir_of(text)
    except Exception:
        return  # lowering refuses it (checked elsewhere); layout cannot have caused that
    assert ir_of(once) == before
    other = "en" if lang == "zh" else "zh"
    there = format_text(text, to=other)
    assert ir_of(there) == before
    assert format_text(there, to=other) == there
    if lang == "zh":  # English has two spellings of some words (`round`/`rounding`), so only
        back = format_text(there, to="zh")  # a Chinese file comes back word for word, but
        assert ir_of(back) == before  # for a mean's weight English had to bracket
        if not re.search(r"按 .* 加权", once):  # (`按 合计 X 的 e 加权`, docs/formatting.md)
            assert back == once


@given(schemes(), st.sampled_from(["zh", "en"]))
@PROPERTY
def test_generated_schemes_translate_and_come_back(
    generated: tuple[str, object, object, object], to: str
) -> None:
    text = generated[0]
    once = format_text(text)
    there = format_text(text, to=to)
    assert ir_of(there) == ir_of(text)
    if to == "en" and format_text(text, to="zh") == once:  # a Chinese file comes back
        assert format_text(there, to="zh") == once


def test_every_keyword_of_the_table_is_translated_in_some_shipped_or_doc_context() -> None:
    """The translation table covers every pair of the grammar's keyword table (a pair missing
    from the formatter's lookups would leave an English word in a Chinese file)."""
    from kaoping.formatter.keywords import _TO_EN, _TO_ZH

    for en, zh in KEYWORD_PAIRS:
        assert en in _TO_ZH and zh in _TO_EN


def _doc_halves() -> list[tuple[str, str, str]]:
    """(id, English text, Chinese text) of every two-language rules snippet of docs/language.md,
    wrapped into a file as tests/test_docs.py wraps it."""
    from test_docs import SNIPPETS, wrap

    out = []
    for snippet in SNIPPETS:
        if len(snippet.halves) == 2:
            (_, en), (_, zh) = snippet.halves
            out.append((snippet.id, wrap(snippet.kind, en, "en"), wrap(snippet.kind, zh, "zh")))
    return out


DOC_HALVES = _doc_halves()


def test_the_docs_have_snippets_in_both_sets() -> None:
    assert len(DOC_HALVES) >= 40


@pytest.mark.parametrize(("en", "zh"), [h[1:] for h in DOC_HALVES], ids=[h[0] for h in DOC_HALVES])
def test_each_docs_snippet_translated_is_its_other_half(en: str, zh: str) -> None:
    """The docs write every snippet in both sets: `--to` of one half compiles to the other."""
    for text in (en, zh):
        once = format_text(text)
        assert format_text(once) == once
        assert ir_of(once) == ir_of(text)
    assert ir_of(format_text(en, to="zh")) == ir_of(zh)
    assert ir_of(format_text(zh, to="en")) == ir_of(en)
    assert format_text(format_text(zh, to="en"), to="zh") == format_text(zh)
