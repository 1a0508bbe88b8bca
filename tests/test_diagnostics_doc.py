"""docs/diagnostics.md is tested: one entry per code the checker can emit, each entry's example
gives exactly its code and the fixed example checks clean; SARIF's helpUri anchors exist.

The conventions the doc states for itself: an entry's heading is the code alone (`## E201`); its
first paragraph starts with the code's title in bold, `**TITLE.**`, the title being
`TITLES[code]`; one ```rules block whose first line is `# example: CODE`; one whose first line is
`# fixed`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kaoping.check_formats.sarif import anchor
from kaoping.compiler.load import frontend
from kaoping.diagnostics import CATALOGUE, TITLES

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "diagnostics.md"
CODE = re.compile(r"[EWK]\d{3}")


def entries() -> dict[str, str]:
    """Code → the text of its entry (up to the next `## ` heading)."""
    parts = re.split(r"^## (\S+)[ \t]*$", DOC.read_text("utf-8"), flags=re.M)
    out: dict[str, str] = {}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        assert CODE.fullmatch(heading), f"an entry's heading is a code alone, not {heading!r}"
        assert heading not in out, f"{heading} has two entries"
        out[heading] = body
    return out


def rules_blocks(body: str) -> list[str]:
    return re.findall(r"^```rules\n(.*?)^```$", body, flags=re.M | re.S)


def emitted_codes() -> set[str]:
    """Every code literal in the compiler's source: what the checker can emit."""
    found: set[str] = set()
    for path in (ROOT / "src" / "kaoping").rglob("*.py"):
        found |= set(re.findall(r"""["']([EWK]\d{3})["']""", path.read_text("utf-8")))
    return found


def test_every_code_the_checker_emits_is_catalogued_titled_and_documented() -> None:
    emitted = emitted_codes()
    assert emitted <= set(CATALOGUE), f"emitted, not catalogued: {sorted(emitted - set(CATALOGUE))}"
    assert set(TITLES) == set(CATALOGUE)
    documented = set(entries())
    assert documented == set(CATALOGUE), (
        f"missing: {sorted(set(CATALOGUE) - documented)}, "
        f"unknown: {sorted(documented - set(CATALOGUE))}"
    )


# E105 reports a limit of the emitter that no rules text reaches once the checks before it pass
# (tests/test_limits.py lifts the emitter's guard to provoke it): its entry has no example
# E107 a rules file of over a million characters, which no example in a page can be
NO_EXAMPLE = {"E105", "E107"}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_entry_title_example_and_fix(code: str) -> None:
    body = entries().get(code)
    assert body is not None, f"docs/diagnostics.md has no entry for {code}"
    first = body.strip().split("\n\n")[0]
    assert first.startswith(f"**{TITLES[code][0]}.**"), first
    assert "**Fix.**" in body
    blocks = rules_blocks(body)
    if code in NO_EXAMPLE:
        assert blocks == []
        return
    examples = [b for b in blocks if b.split("\n")[0].strip() == f"# example: {code}"]
    fixed = [b for b in blocks if b.split("\n")[0].strip() == "# fixed"]
    assert len(examples) == 1 and len(fixed) == 1 and len(blocks) == 2, blocks

    _, diags = frontend({"example.rules": examples[0]})
    assert [d.code for d in diags] == [code], [d.headline() for d in diags]
    _, diags = frontend({"example.rules": fixed[0]})
    assert diags == [], [d.headline() for d in diags]


def test_contents_table_lists_every_code_with_its_title_and_anchor() -> None:
    text = DOC.read_text("utf-8").split("\n## ", 1)[0]
    rows = re.findall(r"^\| \[([EWK]\d{3})\]\(#([^)]+)\) \| (.+?) \|$", text, flags=re.M)
    assert sorted(code for code, _, _ in rows) == sorted(CATALOGUE)
    for code, link, title in rows:
        assert link == anchor(code)
        assert title == TITLES[code][0]


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_sarif_anchors_are_the_headings_anchors() -> None:
    for code in entries():
        assert github_slug(code) == anchor(code)
