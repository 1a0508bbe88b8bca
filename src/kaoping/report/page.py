"""The report as one HTML page: everything inline (style, charts), nothing fetched, printable on
A4 with each group starting a page. Every text from rules or data goes through `esc`."""

from __future__ import annotations

from collections.abc import Iterator

from kaoping.report.charts import Bar, count_bars, legend, part_bars
from kaoping.report.explained import explain_words, unit_breakdown
from kaoping.report.gather import GroupReport, Report
from kaoping.report.markup import esc, number_html, value_html
from kaoping.report.words import WORDS

# CJK text is drawn with a font the reader's system has (inlining a CJK font would add
# megabytes): the usual ones on Windows, macOS and Linux, then any sans-serif
FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", "SimHei", system-ui, sans-serif'
)

STYLE = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
html { font-family: FONTS; font-size: 13px; color: #1d2329; background: #fff; }
body { margin: 0 auto; max-width: 760px; padding: 24px 20px 40px; line-height: 1.5; }
header.doc { border-bottom: 3px solid #9b1c1c; padding-bottom: 10px; margin-bottom: 16px; }
header.doc .kicker { color: #9b1c1c; font-weight: 600; letter-spacing: .08em; margin: 0; }
h1 { font-size: 24px; margin: 4px 0 10px; }
h2 { font-size: 19px; margin: 0 0 4px; color: #7a1616; }
h3 { font-size: 15px; margin: 22px 0 8px; border-left: 4px solid #9b1c1c; padding-left: 8px; }
h4 { font-size: 14px; margin: 18px 0 6px; break-after: avoid; }
h5 { font-size: 13px; margin: 10px 0 2px; color: #444; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.meta dt { color: #555; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code, .hash { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 11.5px; }
nav.contents ol { columns: 2; margin: 4px 0 0; padding-left: 22px; }
nav.contents a { color: #1d4f86; text-decoration: none; }
section.group { break-before: page; padding-top: 6px; }
.sub { color: #555; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { border-bottom: 1px solid #d9dde1; padding: 3px 6px; text-align: left;
  vertical-align: top; }
thead th { background: #f1ebe4; border-bottom: 2px solid #9b1c1c; font-weight: 600; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.ranking td.unit { font-weight: 600; white-space: nowrap; }
table.ranking td.unit a { color: inherit; text-decoration: none; }
table.ranking td.grade { min-width: 7em; }
table.ranking tbody tr:nth-child(even) { background: #faf8f5; }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.kv li { display: flex; justify-content: space-between; gap: 10px; }
ul.kv .v { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.outputs { min-width: 15em; }
span.num[title] { border-bottom: 1px dotted #888; cursor: help; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 12px; }
svg.chart text { fill: #1d2329; font-family: FONTS; }
svg.chart text.tick { fill: #666; font-size: 10.5px; }
svg.chart line.grid { stroke: #e2e5e8; stroke-width: 1; }
svg.chart line.grid.zero { stroke: #555; }
svg.chart line.total-mark { stroke: #1d2329; stroke-width: 2; }
svg.chart text.bar-total { font-size: 11px; font-variant-numeric: tabular-nums; }
figure { margin: 6px 0 12px; break-inside: avoid; }
figcaption { color: #444; font-size: 12px; margin-bottom: 4px; }
ul.legend { list-style: none; padding: 0; margin: 2px 0 6px; display: flex; flex-wrap: wrap;
  gap: 2px 14px; font-size: 12px; }
ul.legend svg { vertical-align: -1px; }
p.note { color: #555; font-size: 12px; margin: 2px 0; }
.grid-charts { display: grid; grid-template-columns: 1fr 1fr; gap: 0 20px; }
.grid-charts figure { margin: 4px 0 8px; }
article.unit { border-top: 1px solid #c9ced3; padding-top: 6px; margin-top: 14px; }
article.unit .headline { margin: 0 0 4px; }
article.unit .headline .total { font-weight: 700; font-size: 15px; }
table.tree td.name { white-space: normal; }
table.tree tr.section td.name { font-weight: 600; }
table.tree tr.total td { font-weight: 700; border-top: 2px solid #9b1c1c; }
table.tree tr.detail td { border-bottom: 1px solid #eceff1; color: #4a525a; font-size: 11.5px;
  padding-top: 0; }
table.tree tr.has-detail td { border-bottom: none; }
ul.steps { list-style: none; margin: 0; padding: 0; }
ul.steps li { margin: 0; }
table.tree code, ul.steps code { font-family: inherit; font-size: inherit; color: #3d4a57; }
ul.steps .rule, td.rule { color: #6b7278; font-size: 11px; white-space: nowrap; }
.article { color: #7a1616; }
.skipped { color: #8a8f94; }
ul.warnings li { margin: 2px 0; }
footer { margin-top: 28px; color: #6b7278; font-size: 11px; border-top: 1px solid #d9dde1;
  padding-top: 6px; }
a.back { font-size: 11px; color: #1d4f86; }
@media print {
  body { max-width: none; padding: 0; }
  a.back, nav.contents a { color: inherit; }
  a.back { display: none; }
  thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  table.ranking tbody tr:nth-child(even) { -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
}
""".replace("FONTS", FONT_STACK)


def render_page(report: Report, lang: str) -> Iterator[str]:
    """The page, a piece at a time (a unit's breakdown is made when its turn comes)."""
    w = WORDS[lang]
    yield (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(report.title)} · {esc(w['doc_title'])}</title>"
        f"<style>{STYLE}</style></head><body>"
    )
    kicker = w["doc_title"] + (f" · {report.issuer}" if report.issuer else "")
    rounding = (
        w["rounding"].format(places=report.rounding) if report.rounding is not None else w["exact"]
    )
    yield (
        f'<header class="doc"><p class="kicker">{esc(kicker)}</p>'
        f'<h1>{esc(report.title)}</h1><dl class="meta">'
        f"<dt>{esc(w['scheme'])}</dt><dd>{esc(report.scheme_id)}</dd>"
        f"<dt>{esc(w['hash'])}</dt>"
        f'<dd class="hash">{esc(report.scheme_hash)}</dd>'
        f"<dt>{esc(w['data'])}</dt><dd>{esc(report.data_name)}</dd>"
        f"<dt>{esc(w['made'])}</dt><dd>{esc(report.made)}</dd>"
        f"<dt>{esc(w['numbers'])}</dt><dd>{esc(rounding)}</dd>"
        "</dl></header>"
    )
    yield f'<nav class="contents" id="contents"><h3>{esc(w["contents"])}</h3><ol>'
    for i, g in enumerate(report.groups, 1):
        units = w["units_n"].format(n=len(g.rows))
        yield f'<li><a href="#group-{i}">{esc(g.name)}</a> ({esc(units)})</li>'
    yield f'<li><a href="#warnings">{esc(w["warnings"])}</a> ({len(report.warnings)})</li>'
    yield "</ol></nav>"
    if not report.groups:
        yield f"<p>{esc(w['no_units'])}</p>"
    for i, g in enumerate(report.groups, 1):
        yield from _group(g, i, lang)
    yield from _warnings(report, w)
    yield f"<footer>{esc(w['footer'])} {esc(report.scheme_hash)}</footer></body></html>\n"


def _group(g: GroupReport, index: int, lang: str) -> Iterator[str]:
    w = WORDS[lang]
    yield (
        f'<section class="group" id="group-{index}" data-group="{esc(g.name)}">'
        f"<h2>{esc(w['group_of'].format(group=g.name))}</h2>"
        f'<p class="sub">{esc(w["units_n"].format(n=len(g.rows)))} · '
        f'<a class="back" href="#contents">{esc(w["back"])}</a></p>'
    )
    yield from _ranking(g, index, w, lang)
    if g.distributions:
        yield f'<h3>{esc(w["distribution"])}</h3><div class="grid-charts">'
        for d in g.distributions:
            counts = [(w["no_grade"] if grade is None else grade, n) for grade, n in d.counts]
            yield (
                f"<figure><figcaption>{esc(d.grading)}</figcaption>"
                f"{count_bars(d.grading, counts, w['count'])}</figure>"
            )
        yield "</div>"
    if g.parts:
        yield from _contribution(g, w)
    yield f"<h3>{esc(w['breakdown'])}</h3>"
    for row, data in enumerate(g.explanations, 1):
        yield unit_breakdown(data, lang, f"u-{index}-{row}")
    yield "</section>"


def _ranking(g: GroupReport, index: int, w: dict[str, str], lang: str) -> Iterator[str]:
    show_grades = any(r.grades for r in g.rows)
    show_flags = any(r.flags for r in g.rows)
    show_outputs = any(r.outputs for r in g.rows)
    yield (
        f'<h3>{esc(w["ranking"])}</h3><table class="ranking"><thead><tr>'
        f'<th class="num">{esc(w["rank"])}</th><th>{esc(w["unit"])}</th>'
        f'<th class="num">{esc(w["total"])}</th>'
        + (f"<th>{esc(w['grade'])}</th>" if show_grades else "")
        + (f"<th>{esc(w['flags'])}</th>" if show_flags else "")
        + (f"<th>{esc(w['consequences'])}</th>" if show_outputs else "")
        + "</tr></thead><tbody>"
    )
    several = len({name for r in g.rows for name, _ in r.grades}) > 1
    sep = "、" if lang == "zh" else ", "
    for row, r in enumerate(g.rows, 1):
        cells = [
            f'<td class="num">{"" if r.rank is None else r.rank}</td>',
            f'<td class="unit"><a href="#u-{index}-{row}">{esc(r.unit)}</a></td>',
            f'<td class="num" data-value="{esc(r.total.exact)}">{number_html(r.total)}</td>',
        ]
        if show_grades:
            grades = "".join(
                f"<li>{esc(name) + ':' if several else ''}{esc(grade)}</li>"
                for name, grade in r.grades
            )
            cells.append(f'<td class="grade"><ul class="plain">{grades}</ul></td>')
        if show_flags:
            cells.append(f"<td>{esc(sep.join(r.flags))}</td>")
        if show_outputs:
            outputs = "".join(
                f'<li><span>{esc(name)}</span> <span class="v">'
                f"{value_html(value, explain_words(lang))}</span></li>"
                for name, value in r.outputs
            )
            cells.append(f'<td class="outputs"><ul class="plain kv">{outputs}</ul></td>')
        yield f'<tr data-unit="{esc(r.unit)}">{"".join(cells)}</tr>'
    yield "</tbody></table>"


def _contribution(g: GroupReport, w: dict[str, str]) -> Iterator[str]:
    parts = "、".join(g.parts) if w is WORDS["zh"] else ", ".join(g.parts)
    if g.parts_add_up:
        rounded = any(r.total.value != sum(p.value for p in r.parts if p) for r in g.rows)
        caption = w["parts_sum_rounded" if rounded else "parts_sum"].format(parts=parts)
    else:
        caption = w["parts_not_sum"].format(rule=g.total_rule)
    bars = [
        Bar(f"{'' if r.rank is None else r.rank} {r.unit}".strip(), r.unit, r.parts, r.total)
        for r in g.rows
    ]
    yield (
        f"<h3>{esc(w['contribution'])}</h3><figure><figcaption>{esc(caption)}</figcaption>"
        f"{legend(g.parts)}{part_bars(g.name, g.parts, bars, g.parts_add_up, w['negative'])}"
        "</figure>"
    )


def _warnings(report: Report, w: dict[str, str]) -> Iterator[str]:
    yield f'<section class="warnings" id="warnings"><h3>{esc(w["warnings"])}</h3>'
    if not report.warnings:
        yield f"<p>{esc(w['no_warnings'])}</p></section>"
        return
    yield '<ul class="warnings">'
    for code, unit, message in report.warnings:
        who = esc(w["unit_said"].format(unit=unit)) if unit is not None else ""
        yield f"<li><code>[{esc(code)}]</code> {who}{esc(message)}</li>"
    yield "</ul></section>"
