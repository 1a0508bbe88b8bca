"""Build editors/vscode/syntaxes/kaoping.tmLanguage.json, the TextMate grammar editors highlight
rules files with, from kaoping's own keyword tables: every keyword is a literal of the parser's
grammar (src/kaoping/grammar/kaoping.lark), in both sets; the built-in functions come from
docs/language.md's function table. Run it after changing the keywords; tests/test_editors.py
fails while the committed grammar is not what this script builds."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kaoping.grammar.expected import spell
from kaoping.lsp.keyword_help import shipped

ROOT = Path(__file__).resolve().parents[1]
LARK = ROOT / "src" / "kaoping" / "grammar" / "kaoping.lark"
TARGET = ROOT / "editors" / "vscode" / "syntaxes" / "kaoping.tmLanguage.json"

# Keywords that open a declaration or a block, and name what they declare (by English
# spelling; the Chinese spelling of each is kaoping's own, through `spell`).
DECLARING = [
    "scheme",
    "rounding",
    "group",
    "units",
    "enum",
    "record",
    "input",
    "constant",
    "table",
    "scoring",
    "section",
    "item",
    "let",
    "output",
    "flag",
    "grading",
    "consequences",
    "across",
    "for",
]
TYPES = ["number", "integer", "count", "yesno", "text", "list", "optional"]
LOGIC = ["and", "or", "not", "in"]
CONSTANTS = ["true", "false", "inf"]
# 跨组 (across G1, G2) has no English pair of its own in the keyword table
EXTRA_ZH_DECLARING = ["跨组"]

NAME = r"[^\W\d]\w*"
BEFORE = r"(?<![\w-])"
AFTER = r"(?![\w-])"


def grammar_literals(lark_text: str) -> list[str]:
    """Every literal word of the parser's grammar (not punctuation), each once."""
    words: dict[str, None] = {}
    for line in lark_text.splitlines():
        code = line.split("//", 1)[0]
        if re.match(r"\s*[A-Z_][A-Z_0-9.]*\s*:", code) and "/" in code:
            continue  # a terminal defined by a regular expression (NUMBER, STRING …)
        for literal in re.findall(r'"((?:[^"\\]|\\.)*)"', code):
            if any(c.isalpha() for c in literal):
                words.setdefault(literal, None)
    return list(words)


def _alternation(words: list[str]) -> str:
    """Longest first, so that `是否` is one word and not `是` then `否`."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\-", "-") for w in ordered)


def _both(words: list[str]) -> list[str]:
    return [x for w in words for x in (w, spell(w, "zh"))]


def grammar() -> dict[str, object]:
    literals = grammar_literals(LARK.read_text("utf-8"))
    declaring = [w for w in _both(DECLARING) + EXTRA_ZH_DECLARING if w in literals]
    types = [w for w in _both(TYPES) if w in literals]
    logic = [w for w in _both(LOGIC) if w in literals]
    constants = [w for w in _both(CONSTANTS) if w in literals] + ["∞"]
    special = set(declaring) | set(types) | set(logic) | set(constants)
    others = [w for w in literals if w not in special]
    functions = [(row.en.split("(")[0], row.zh.split("(")[0]) for row in shipped() if "(" in row.en]
    builtins = [w for pair in functions for w in pair]

    def words(alternatives: list[str]) -> str:
        return f"{BEFORE}(?:{_alternation(alternatives)}){AFTER}"

    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "kaoping",
        "scopeName": "source.kaoping",
        "fileTypes": ["rules"],
        "comment": "Built by scripts/build_tm_grammar.py from kaoping's keyword tables; do not edit.",
        "patterns": [
            {"include": "#comment"},
            {"include": "#string"},
            {"include": "#declaration"},
            {"include": "#call"},
            {"include": "#keyword"},
            {"include": "#number"},
            {"include": "#operator"},
            {"include": "#punctuation"},
            {"include": "#name"},
        ],
        "repository": {
            "comment": {
                "match": "#.*$",
                "name": "comment.line.number-sign.kaoping",
            },
            "string": {
                "patterns": [
                    {"match": '"[^"\\n]*"', "name": "string.quoted.double.kaoping"},
                    {"match": "“[^”\\n]*”", "name": "string.quoted.double.kaoping"},
                ]
            },
            "declaration": {
                "comment": "a declaring keyword and the name it declares",
                "match": (
                    f"{BEFORE}({_alternation(declaring)})[ \\u3000]+"
                    f"(?!(?:{_alternation(literals)}){AFTER})({NAME})"
                ),
                "captures": {
                    "1": {"name": "storage.type.kaoping"},
                    "2": {"name": "entity.name.kaoping"},
                },
            },
            "call": {
                "patterns": [
                    {
                        "match": f"{words(builtins)}(?=\\s*\\()",
                        "name": "support.function.builtin.kaoping",
                    },
                    {"match": f"{BEFORE}{NAME}(?=\\s*\\()", "name": "entity.name.function.kaoping"},
                ]
            },
            "keyword": {
                "patterns": [
                    {"match": words(declaring), "name": "storage.type.kaoping"},
                    {"match": words(types), "name": "support.type.kaoping"},
                    {"match": words(logic), "name": "keyword.operator.logical.kaoping"},
                    {"match": words(constants), "name": "constant.language.kaoping"},
                    {"match": words(others), "name": "keyword.other.kaoping"},
                ]
            },
            "number": {
                "patterns": [
                    {
                        "match": f"{BEFORE}\\d+(?:\\.\\d+)?%",
                        "name": "constant.numeric.percent.kaoping",
                    },
                    {
                        "match": f"{BEFORE}\\d+(?:\\.\\d+)?{AFTER}",
                        "name": "constant.numeric.kaoping",
                    },
                ]
            },
            "operator": {
                "match": "<=|>=|!=|==|≤|≥|≠|<|>|=|\\+|-|\\*|×|/|÷",
                "name": "keyword.operator.kaoping",
            },
            "punctuation": {
                "patterns": [
                    {"match": "[:：]", "name": "punctuation.separator.colon.kaoping"},
                    {"match": "[,，、]", "name": "punctuation.separator.comma.kaoping"},
                    {"match": "[()\\[\\]{}]", "name": "punctuation.bracket.kaoping"},
                ]
            },
            "name": {"match": f"{BEFORE}{NAME}", "name": "variable.other.kaoping"},
        },
    }


def grammar_text() -> str:
    return json.dumps(grammar(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    TARGET.write_text(grammar_text(), "utf-8")
    print(f"wrote {TARGET}")
