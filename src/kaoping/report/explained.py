"""A unit's breakdown in the report: `explain`'s lines (kaoping.explain_walk, over explain's data
with its numbers as report Numbers) as an HTML table — each section, item and value with its
score, maximum, article and rule, and under it the lines that say how it came about — then
the grading lines. The same facts and words as `kaoping explain`, walked once for both."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kaoping.explain_walk import WORDS as EXPLAIN_WORDS
from kaoping.explain_walk import Line, Piece, ValueRow, Walked, render_pieces, walk
from kaoping.report.markup import esc, value_html
from kaoping.report.words import WORDS


def explain_words(lang: str) -> dict[str, str]:
    """`explain`'s labels (yes, no, absent, records …) in `lang`."""
    return EXPLAIN_WORDS[lang]


def unit_breakdown(data: dict[str, Any], lang: str, anchor: str) -> str:
    """One unit's `explain` data as an <article>, its id `anchor` (the ranking links to it)."""
    w = WORDS[lang]
    walked = walk(data, lang)
    ew = walked.words
    sep = "、" if lang == "zh" else ", "
    head = [f'<span class="total">{esc(ew["total"])} {value_html(data["total"], ew)}</span>']
    if walked.rank is not None:
        head.append(esc(walked.rank))
    head += [f"{esc(name)} {esc(grade)}" for name, grade in data["grades"].items()]
    if data["flags"]:
        head.append(f"{esc(ew['flags'])}: {esc(sep.join(data['flags']))}")
    out = [
        f'<article class="unit" id="{esc(anchor)}" data-unit="{esc(data["unit"])}">'
        f'<h4>{esc(data["unit"])}</h4><p class="headline">{" · ".join(head)}</p>'
        f'<table class="tree"><thead><tr><th>{esc(w["item"])}</th>'
        f'<th class="num">{esc(w["score"])}</th><th class="num">{esc(w["max"])}</th>'
        f"<th>{esc(w['article'])}</th><th>{esc(w['rule'])}</th></tr></thead><tbody>"
    ]
    for row in walked.rows:
        out.append(_value_rows(row, ew))
    out.append("</tbody></table>")
    out.append(_requirements_and_grading(walked))
    out.append("</article>")
    return "".join(out)


def _html(pieces: Iterable[Piece], words: dict[str, str]) -> str:
    def value(x: Any) -> str:
        return value_html(x, words)

    return render_pieces(pieces, esc, value, value)


def _value_rows(row: ValueRow, ew: dict[str, str]) -> str:
    value = _html(row.value, ew)
    if row.above_max:
        value += f' <span class="warn">{esc(ew["above_max"])}</span>'
    details = [_line(line, ew) for line in row.lines]
    css = f"{row.kind}{' has-detail' if details else ''}"
    html = (
        f'<tr class="{esc(css)}" data-path="{esc(row.path)}">'
        f'<td class="name" style="padding-left:{6 + 14 * row.depth}px">{esc(row.name)}</td>'
        f'<td class="num">{value}</td>'
        f'<td class="num">{"" if row.max is None else value_html(row.max, ew)}</td>'
        f'<td class="article">{esc(row.article or "")}</td>'
        f'<td class="rule">{esc(row.rule)}</td></tr>'
    )
    if details:
        pad = 6 + 14 * row.depth + 12
        html += (
            f'<tr class="detail"><td colspan="5" style="padding-left:{pad}px">'
            f'<ul class="steps">{"".join(details)}</ul></td></tr>'
        )
    return html


def _line(line: Line, ew: dict[str, str]) -> str:
    """A line under a value, as a list item."""
    css = ' class="skipped"' if line.skipped else ""
    pieces = _html(line.pieces, ew)
    if line.style == "step":
        return (
            f'<li{css}><b>{pieces}</b> <span class="rule">{esc(line.rule)}</span> '
            f"<code>{esc(line.text)}</code></li>"
        )
    if line.style == "code":
        return f"<li><code>{pieces}</code></li>"
    if line.style == "sub":
        return f"<li{css}>&nbsp;&nbsp;{pieces}</li>"
    return f"<li>{pieces}</li>"


def _requirements_and_grading(walked: Walked) -> str:
    ew = walked.words
    out = []
    if walked.requirements:
        out.append(f'<h5>{esc(ew["requirements"])}</h5><ul class="steps">')
        for rule, text, read in walked.requirements:
            out.append(
                f'<li><span class="rule">{esc(rule)}</span> <code>{esc(text)}</code>'
                f" ({_html(read, ew)})</li>"
            )
        out.append("</ul>")
    grading = [g for g in walked.grading if g.for_group]
    if grading:
        out.append(f'<h5>{esc(ew["grading"])}</h5><ul class="steps">')
        for g in grading:
            css = "" if g.applied else ' class="skipped"'
            out.append(
                f'<li{css}><b>{esc(g.mark)}</b> <span class="rule">{esc(g.rule)}</span> '
                f"<code>{esc(g.text)}</code> — {esc(g.reason)}</li>"
            )
        out.append("</ul>")
    return "".join(out)
