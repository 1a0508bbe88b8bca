"""A unit's breakdown in the report: `explain`'s data (kaoping.explain.explain_data, its numbers
as report Numbers) as an HTML table — each section, item and value with its score, maximum,
article and rule, and under it the steps that produced it — then the grading lines. The same
facts and words as `kaoping explain`, never worked out again."""

from __future__ import annotations

from typing import Any

from kaoping.explain import _STEP_WORDS, _WORDS, _group_label_zh, _total_text
from kaoping.report.markup import esc, value_html
from kaoping.report.words import WORDS


def explain_words(lang: str) -> dict[str, str]:
    """`explain`'s labels (yes, no, absent, records …) in `lang`."""
    return _WORDS[lang]


def unit_breakdown(data: dict[str, Any], lang: str, anchor: str) -> str:
    """One unit's `explain` data as an <article>, its id `anchor` (the ranking links to it)."""
    w = WORDS[lang]
    ew = _WORDS[lang]
    sep = "、" if lang == "zh" else ", "
    head = [f'<span class="total">{esc(ew["total"])} {value_html(data["total"], ew)}</span>']
    if data["rank"] is not None:
        head.append(esc(ew["rank"].format(rank=data["rank"], size=data["group_size"])))
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
    for v in data["values"]:
        out.append(_value_rows(v, data, lang))
    out.append("</tbody></table>")
    out.append(_requirements_and_grading(data, lang))
    out.append("</article>")
    return "".join(out)


def _value_rows(v: dict[str, Any], data: dict[str, Any], lang: str) -> str:
    ew = _WORDS[lang]
    sw = _STEP_WORDS[lang]
    depth = v["path"].count(".") if v["kind"] in ("section", "item") else 0
    name = ew["total"] if v["kind"] == "total" else v["path"].rsplit(".", 1)[-1]
    value = value_html(v["value"], ew)
    if v["value"] is None and any(st["kind"] == "not applicable" for st in v["steps"]):
        value = esc(sw["not applicable"])
    if v["given"] is not None:
        value += " " + esc(ew["given"])
    elif not v["computed"]:
        value = esc(ew["not_computed"])
    if v["above_max"]:
        value += f' <span class="warn">{esc(ew["above_max"])}</span>'
    details = _details(v, data, lang)
    css = f"{v['kind']}{' has-detail' if details else ''}"
    row = (
        f'<tr class="{esc(css)}" data-path="{esc(v["path"])}">'
        f'<td class="name" style="padding-left:{6 + 14 * depth}px">{esc(name)}</td>'
        f'<td class="num">{value}</td>'
        f'<td class="num">{"" if v["max"] is None else value_html(v["max"], ew)}</td>'
        f'<td class="article">{esc(v["article"] or "")}</td>'
        f'<td class="rule">{esc(v["rule"])}</td></tr>'
    )
    if details:
        pad = 6 + 14 * depth + 12
        row += (
            f'<tr class="detail"><td colspan="5" style="padding-left:{pad}px">'
            f'<ul class="steps">{"".join(details)}</ul></td></tr>'
        )
    return row


def _details(v: dict[str, Any], data: dict[str, Any], lang: str) -> list[str]:
    """The lines under a value: how it came about, as `explain` says it."""
    ew = _WORDS[lang]
    sw = _STEP_WORDS[lang]

    def shown(x: Any) -> str:
        return value_html(x, ew)

    lines: list[str] = []
    if v["given"] is not None:
        note = f": {v['given']['note']}" if v["given"]["note"] else ""
        text = ew["given_by"].format(by=v["given"]["by"], note=note, text=v["text"])
        return [f"<li>{esc(text)}</li>"]
    if not v["computed"]:
        return [f"<li>{esc(ew['not_computed_why'])}</li>"]
    text = _total_text(v, lang) if v["kind"] == "total" else v["text"]
    if text and (
        v["kind"] in ("let", "output", "flag", "total") or (v["kind"] == "item" and not v["steps"])
    ):
        lines.append(f"<li><code>{esc(text)}</code></li>")
    if v["scope"] is not None:
        scope = v["scope"]
        groups = ("、" if lang == "zh" else ", ").join(scope["groups"])
        if scope["rank"] and v["value"] is not None:
            line = ew["scope_rank"].format(groups=groups, rank=v["value"], n=scope["units"])
        else:
            line = ew["scope"].format(groups=groups, n=scope["units"])
        lines.append(f"<li>{esc(line)}</li>")
    for st in v["steps"]:
        kind = st["kind"]
        word = esc(sw[kind])
        if kind == "row":
            detail = f"{word} {esc(ew['row_for'])} {shown(st['before'])} → {shown(st['amount'])}"
        elif kind in ("floor", "cap", "zero", "round"):
            detail = f"{word} → {shown(st['amount'])} ({esc(ew['was'])} {shown(st['before'])})"
        elif kind in ("skip", "not applicable"):
            detail = word
        elif kind == "sheet":
            detail = f"{word} {shown(st['note'])}"
        elif kind == "rescale":
            note = st["note"]
            detail = (
                f"{word} × {shown(note['max'])}/{shown(note['applicable'])} → {shown(st['amount'])}"
            )
            if note["not_applicable"]:
                missing = ", ".join(str(x) for x in note["not_applicable"])
                detail += f": {esc(sw['not applicable'])} {esc(missing)}"
        elif kind == "impute":
            units = ", ".join(str(x) for x in st["note"]["units"])
            detail = f"{word} {shown(st['amount'])} ({esc(units)})"
        else:
            detail = f"{word} {shown(st['amount'])}"
        css = ' class="skipped"' if kind == "skip" else ""
        lines.append(
            f'<li{css}><b>{detail}</b> <span class="rule">{esc(st["rule"])}</span> '
            f"<code>{esc(st['text'])}</code></li>"
        )
        if kind == "skip":
            read = ", ".join(f"{esc(k)} = {shown(x)}" for k, x in st["condition"].items())
            lines.append(
                f'<li class="skipped">&nbsp;&nbsp;{esc(ew["cond_false"])}'
                f"{': ' + read if read else ''}</li>"
            )
        for rec in st.get("records", []):
            status = esc(rec["status"])
            if rec["status"] == "counted":
                status = esc(ew["counted"]) + (f" {shown(rec['value'])}" if rec["value"] else "")
            lines.append(f"<li>&nbsp;&nbsp;[{esc(rec['record'])}] {status}</li>")
    if v["excluded"]:
        lines.append(f"<li>{esc(ew['excluded'])}: {esc(', '.join(v['excluded']))}</li>")
    if v["last_year"]:
        read = ", ".join(f"{esc(k)} = {shown(x)}" for k, x in v["last_year"].items())
        lines.append(f"<li>{esc(ew['last_year'])}: {read}</li>")
    if v["weights"]:
        used = ", ".join(
            f"{esc(x['part'])} {esc(ew['absent'])}"
            if x["weight"] is None
            else f"{esc(x['part'])} {shown(x['value'])} × {shown(x['weight'])}"
            for x in v["weights"]
        )
        lines.append(f"<li>{esc(ew['weights'])}: {used}</li>")
    for k, val in v["group"].items():
        label = _group_label_zh(k) if lang == "zh" else k
        lines.append(f"<li>{esc(ew['group_value'])}: {esc(label)} = {shown(val)}</li>")
    if v["inputs"]:
        read = ", ".join(
            f"{esc(k)} = {shown(val)}"
            + (
                f" ({esc(ew['from_place'].format(**data['derived'][k]))})"
                if k in data["derived"]
                else ""
            )
            for k, val in v["inputs"].items()
        )
        lines.append(f"<li>{esc(ew['inputs'])}: {read}</li>")
        for k, val in v["inputs"].items():  # the records behind an aggregate, one a line
            if isinstance(val, list):
                for i, rec in enumerate(val, 1):
                    fields = ", ".join(f"{esc(f)} = {shown(x)}" for f, x in rec.items())
                    lines.append(f"<li>&nbsp;&nbsp;{esc(k)}[{i}]: {fields}</li>")
    return lines


def _requirements_and_grading(data: dict[str, Any], lang: str) -> str:
    ew = _WORDS[lang]
    out = []
    if data["requirements"]:
        out.append(f'<h5>{esc(ew["requirements"])}</h5><ul class="steps">')
        for req in data["requirements"]:
            read = ", ".join(f"{esc(k)} = {value_html(x, ew)}" for k, x in req["inputs"].items())
            out.append(
                f'<li><span class="rule">{esc(req["rule"])}</span> <code>{esc(req["text"])}</code>'
                f" ({read})</li>"
            )
        out.append("</ul>")
    grading = [g for g in data["grading"] if g["for_group"]]
    if grading:
        out.append(f'<h5>{esc(ew["grading"])}</h5><ul class="steps">')
        for g in grading:
            mark = ew["applied"] if g["applied"] else ew["skipped"]
            css = "" if g["applied"] else ' class="skipped"'
            out.append(
                f'<li{css}><b>{esc(mark)}</b> <span class="rule">{esc(g["rule"])}</span> '
                f"<code>{esc(g['text'])}</code> — {esc(g['reason'])}</li>"
            )
        out.append("</ul>")
    return "".join(out)
