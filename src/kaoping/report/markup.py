"""Text into HTML: every text from rules or data goes through `esc` (a unit named
`<script>…` is shown as those characters, never obeyed); numbers carry their exact value."""

from __future__ import annotations

from html import escape
from typing import Any

from kaoping.io.text import bidi_shown
from kaoping.report.gather import Number


def esc(text: object) -> str:
    """`text` as HTML text or an attribute value (quotes escaped too, bidi controls shown)."""
    return escape(bidi_shown(str(text)), quote=True)


def number_html(value: Number) -> str:
    """A number as shown; a value whose decimals never end carries its exact fraction."""
    if value.exact != value.shown:
        return f'<span class="num" title="{esc(value.exact)}">{esc(value.shown)}</span>'
    return esc(value.shown)


def value_html(value: Any, words: dict[str, str]) -> str:
    """A value of the results (number, yes/no, text, records, absent) as HTML text; `words`:
    explain's labels (yes, no, records, absent)."""
    if isinstance(value, Number):
        return number_html(value)
    if value is True or value is False:
        return esc(words["yes"] if value else words["no"])
    if value is None:
        return esc(words["absent"])
    if isinstance(value, list):
        return esc(f"[{len(value)} {words['records']}]")
    if isinstance(value, dict):
        return esc(", ".join(f"{k} = {v}" for k, v in value.items()))
    return esc(value)
