"""The report's charts as inline SVG, drawn by kaoping (no script, nothing fetched).

Every bar carries the exact value it draws (`data-value="550/3"`, as the JSON results write it)
and a tooltip with the value as kaoping shows it; coordinates are computed exactly and written
with two decimals, so no binary float is involved. Text from rules or data is escaped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import attrs

from kaoping.exact import Q, ceil, decimal_text, floor, round_to
from kaoping.report.gather import Number
from kaoping.report.markup import esc

WIDTH = 680  # px: the width of an A4 page's text at 96 px an inch, less the margins
FONT = 12  # px: the charts' text
ROW = 22  # px: one bar's row
BAR = 14  # px: a bar's thickness
PALETTE = (
    "#3b6ea5",
    "#e08a2e",
    "#4f9a55",
    "#c8464b",
    "#6bb0aa",
    "#d9b43d",
    "#9a6e9e",
    "#e79aa3",
    "#8a6a52",
    "#9d9892",
)
MAX_LABEL = 210  # px: longer unit names are cut, the whole name in the tooltip


def px(value: Q) -> str:
    """A coordinate: exact arithmetic, written with at most two decimals."""
    return decimal_text(round_to(value, 2, "half-up"), 2)


def text_width(text: str) -> Q:
    """About how wide `text` is drawn at FONT px: a CJK character is a square, others narrower."""
    wide = sum(1 for c in text if unicodedata.east_asian_width(c) in "WF")
    return Q(FONT) * (wide + Q(56, 100) * (len(text) - wide))


def cut(text: str, width: Q) -> str:
    """`text`, cut with … to fit `width`."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def nice_step(span: Q, most: int = 6) -> Q:
    """A step of 1, 2 or 5 times a power of ten giving at most `most` intervals over `span`."""
    step = Q(1)
    while span / (step / 10) <= most and step > Q(1, 10**6):  # a tenth still fits
        step /= 10
    factors = (2, Q(5, 2), 2)  # 1 → 2 → 5 → 10 → …
    k = 0
    while span / step > most:
        step *= factors[k % 3]
        k += 1
    return step


@attrs.frozen
class Bar:
    """One unit's stacked bar: the value of each part, and the total written at its end."""

    label: str
    unit: str
    segments: tuple[Number | None, ...]
    total: Number


def part_bars(
    group: str, parts: Sequence[str], bars: Sequence[Bar], stacked: bool, negative_note: str
) -> str:
    """A unit's parts as bars, the total written at the end. `stacked` (the total is the sum of
    the parts): one bar, positive parts stacked right of zero, negative parts left of it.
    Otherwise a thin bar per part from zero and a mark at the total."""
    labels = [cut(b.label, Q(MAX_LABEL)) for b in bars]
    left = min(max([text_width(t) for t in labels] + [Q(40)]), Q(MAX_LABEL)) + 10
    right = Q(76)
    lo, hi = Q(0), Q(0)
    for b in bars:
        values = [s.value for s in b.segments if s is not None]
        if stacked:
            values = [
                sum((v for v in values if v > 0), Q(0)),
                sum((v for v in values if v < 0), Q(0)),
            ]
        lo = min([lo, b.total.value, *values])
        hi = max([hi, b.total.value, *values])
    step = nice_step(hi - lo if hi > lo else Q(1), 10)
    lo = floor(lo / step) * step
    hi = max(ceil(hi / step) * step, lo + step)
    plot = Q(WIDTH) - left - right

    def x(v: Q) -> Q:
        return left + (v - lo) * plot / (hi - lo)

    thin = max(3, min(8, 30 // max(len(parts), 1)))  # one part's bar, when not stacked
    row = ROW if stacked else max(ROW, thin * len(parts) + 8)
    top = 6
    bottom = top + row * len(bars)
    height = bottom + 24
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart contribution" '
        f'data-group="{esc(group)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img">'
    ]
    tick = lo
    while tick <= hi:
        tx = px(x(tick))
        zero = " zero" if tick == 0 else ""
        out.append(
            f'<line class="grid{zero}" x1="{tx}" x2="{tx}" y1="{top - 2}" y2="{bottom}"/>'
            f'<text class="tick" x="{tx}" y="{bottom + 14}" '
            f'text-anchor="middle">{esc(decimal_text(tick, 6))}</text>'
        )
        tick += step
    for i, (b, label) in enumerate(zip(bars, labels, strict=True)):
        y = top + row * i + (row - (BAR if stacked else thin * len(parts))) // 2
        middle = top + row * i + row // 2
        out.append(
            f'<g class="bar" data-unit="{esc(b.unit)}">'
            f'<text class="label" x="{px(left - 8)}" y="{middle + 4}" text-anchor="end">'
            f"{esc(label)}<title>{esc(b.label)}</title></text>"
        )
        pos, neg, end = Q(0), Q(0), Q(0)
        for j, (part, seg) in enumerate(zip(parts, b.segments, strict=True)):
            if seg is None:
                continue
            if not stacked:
                start, top_y, thick = min(seg.value, Q(0)), y + thin * j, thin
                end = max(end, seg.value)
            elif seg.value >= 0:
                start, pos, top_y, thick = pos, pos + seg.value, y, BAR
                end = pos
            else:
                neg += seg.value
                start, top_y, thick = neg, y, BAR
            out.append(
                f'<rect class="seg" x="{px(x(start))}" y="{top_y}" '
                f'width="{px(abs(seg.value) * plot / (hi - lo))}" height="{thick}" '
                f'fill="{PALETTE[j % len(PALETTE)]}" data-part="{esc(part)}" '
                f'data-value="{esc(seg.exact)}"><title>{esc(b.unit)} · {esc(part)}: '
                f"{esc(seg.shown)}</title></rect>"
            )
        if not stacked:
            mark = px(x(b.total.value))
            out.append(
                f'<line class="total-mark" x1="{mark}" x2="{mark}" y1="{y - 2}" '
                f'y2="{y + thin * len(parts) + 2}"/>'
            )
        end = max(end, b.total.value)
        out.append(
            f'<text class="bar-total" x="{px(x(end) + 4)}" y="{middle + 4}" '
            f'data-value="{esc(b.total.exact)}">{esc(b.total.shown)}'
            f"<title>{esc(b.total.exact)}</title></text></g>"
        )
    out.append("</svg>")
    if lo < 0:
        out.append(f'<p class="note">{esc(negative_note)}</p>')
    return "".join(out)


def legend(parts: Sequence[str]) -> str:
    """The colour of each part, as HTML that wraps (a part's name can be long)."""
    items = []
    for j, part in enumerate(parts):
        swatch = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12" aria-hidden="true">'
            f'<rect width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/></svg>'
        )
        items.append(f"<li>{swatch} {esc(part)}</li>")
    return f'<ul class="legend">{"".join(items)}</ul>'


def count_bars(
    grading: str, counts: Sequence[tuple[str, int]], unit_word: str, width: int = WIDTH // 2
) -> str:
    """A horizontal bar per grade: how many units got it (`data-value`, a whole number)."""
    most_label = Q(width * 45, 100)
    left = min(max([text_width(g) for g, _ in counts] + [Q(40)]), most_label) + 10
    most = max([n for _, n in counts] + [1])
    plot = Q(width) - left - 44
    height = ROW * len(counts) + 6
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart distribution" '
        f'data-grading="{esc(grading)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">'
    ]
    for i, (grade, n) in enumerate(counts):
        y = 3 + ROW * i + (ROW - BAR) // 2
        bar = Q(n) * plot / most
        shown = unit_word.format(n=n)
        out.append(
            f'<g class="grade-row"><text class="label" x="{px(left - 8)}" y="{y + BAR - 3}" '
            f'text-anchor="end">{esc(cut(grade, most_label))}<title>{esc(grade)}</title></text>'
            f'<rect class="count" x="{px(left)}" y="{y}" width="{px(bar)}" height="{BAR}" '
            f'fill="{PALETTE[0]}" data-grade="{esc(grade)}" data-value="{n}">'
            f"<title>{esc(grade)}: {esc(shown)}</title></rect>"
            f'<text class="bar-total" x="{px(left + bar + 4)}" y="{y + BAR - 3}">'
            f"{esc(shown)}</text></g>"
        )
    out.append("</svg>")
    return "".join(out)
