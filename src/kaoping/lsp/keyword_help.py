"""One line on each keyword and built-in function, for hover: the rows of docs/language.md's
keyword and function tables, shipped as keyword_help.json (rebuilt with
`python scripts/build_keyword_help.py`; a test fails while it is not the docs' tables)."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from pathlib import Path

import attrs

_TICKED = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\((#[^)]+)\)")
_TABLES = ("## Keywords", "## Built-in functions")


@attrs.frozen
class KeywordHelp:
    en: str  # `cap`, `zero if`, `least(a, b, …)`
    zh: str
    what: str  # the docs' words, links reduced to their text
    anchor: str | None  # the section of docs/language.md that explains it

    def words(self) -> set[str]:
        spelt = re.sub(r"\(.*\)", "", f"{self.en} {self.zh}")
        return {w for w in re.split(r"[\s/…]+", spelt) if w}


def rows_from_docs(markdown: str) -> list[KeywordHelp]:
    """The rows of the keyword and function tables of docs/language.md."""
    rows: list[KeywordHelp] = []
    for heading in _TABLES:
        section = markdown.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
        for line in section.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) != 3 or not cells[0].startswith("`"):
                continue
            en = " ".join(_TICKED.findall(cells[0]))
            zh = " ".join(_TICKED.findall(cells[1])) or cells[1]
            link = _LINK.search(cells[2])
            what = _LINK.sub(r"\1", cells[2]).replace("`", "")
            rows.append(KeywordHelp(en, zh, what, link.group(2)[1:] if link else None))
    return rows


def to_json(rows: list[KeywordHelp]) -> str:
    return json.dumps([attrs.asdict(r) for r in rows], ensure_ascii=False, indent=1) + "\n"


def docs_markdown() -> str | None:
    doc = Path(__file__).resolve().parents[3] / "docs" / "language.md"
    return doc.read_text("utf-8") if doc.is_file() else None


@functools.cache
def shipped() -> tuple[KeywordHelp, ...]:
    text = resources.files("kaoping.lsp").joinpath("keyword_help.json").read_text("utf-8")
    return tuple(KeywordHelp(**row) for row in json.loads(text))


def help_for(word: str) -> list[KeywordHelp]:
    """The rows that spell `word`, the keyword of its own first (`cap` before `zero if`)."""
    found = [r for r in shipped() if word in r.words()]
    return sorted(found, key=lambda r: (word not in (r.en, r.zh), len(r.en)))
