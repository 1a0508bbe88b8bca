"""Where every point came from, as text or JSON: `explain_data` (in `explain_tree`) builds a
unit's value tree with the rules, inputs, bounds and grading lines behind each value,
`explain_walk` says it as lines in English or Chinese, and this module prints them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kaoping.explain_tree import explain_data
from kaoping.explain_walk import Piece, render_pieces, walk
from kaoping.io.results import fmt_shown
from kaoping.io.text import for_terminal
from kaoping.scoring import Results, UnitResult


def explain_json(results: Results, r: UnitResult) -> str:
    return json.dumps(explain_data(results, r), ensure_ascii=False, indent=2)


def explain_text(results: Results, r: UnitResult, lang: str = "en", verbose: bool = False) -> str:
    """The explanation as text: `lang` "zh" uses Chinese labels and the Chinese keyword set;
    grading lines for other groups are shown only when `verbose`."""
    walked = walk(explain_data(results, r, fmt_shown), lang)
    data, words = walked.data, walked.words

    def pieces(line: Iterable[Piece]) -> str:
        return render_pieces(line, str, lambda x: _short(x, words), lambda x: f"{x}")

    head = f"{data['unit']} ({data['group']})  {words['total']} {data['total']}"
    if walked.rank is not None:
        head += "  " + walked.rank
    for name, grade in data["grades"].items():
        head += f"  {name} {grade}"
    if data["flags"]:
        head += f"  {words['flags']}: " + ", ".join(data["flags"])
    lines = [head, ""]
    for row in walked.rows:
        indent = "  " * row.depth
        label = f"{indent}{row.name} = {pieces(row.value)}"
        if row.max is not None:
            label += f" ({words['max']} {row.max})"
        if row.above_max:
            label += "  " + words["above_max"]
        label += f"    [{row.rule}]"
        if row.article:
            label += f"  «{row.article}»"
        lines.append(label)
        pad = indent + "    "
        for line in row.lines:
            if line.style == "step":
                lines.append(f"{pad}{pieces(line.pieces):<28} {line.rule}  {line.text}")
            else:
                lines.append(f"{pad}{line.indent}{pieces(line.pieces)}")
    grading = [g for g in walked.grading if verbose or g.for_group]
    hidden = len(walked.grading) - len(grading)
    if walked.requirements:
        lines.append("")
        lines.append(words["requirements"])
        for rule, text, read in walked.requirements:
            lines.append(f"  {rule}  {text}  ({pieces(read)})")
    if walked.grading:
        lines.append("")
        lines.append(words["grading"])
        for g in grading:
            lines.append(f"  {g.mark:<8} {g.rule}  {g.text}  — {g.reason}")
        if hidden:
            lines.append("  " + words["hidden"].format(n=hidden))
    # names, facts and rules text are shown as they are, with nothing a terminal would obey
    return "\n".join(for_terminal(line) for line in lines)


def _short(value: Any, words: dict[str, str]) -> str:
    if value is True:
        return words["yes"]
    if value is False:
        return words["no"]
    if value is None:
        return "null"
    if isinstance(value, list):
        return f"[{len(value)} {words['records']}]"
    return str(value)
