"""`kaoping diff` as text and as JSON. Numbers as kaoping shows them elsewhere: the table as
people read them (`87.50`, `≈+0.3333`), the JSON exactly (`"87.50"`, `"+1/3"`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import attrs

from kaoping.compiler.load import CompiledScheme
from kaoping.exact import Q, exact_text, show
from kaoping.io.history_file import scheme_hash
from kaoping.io.results import total_places
from kaoping.io.text import for_terminal
from kaoping.schemediff.rules import RuleChange, RuleText
from kaoping.schemediff.units import UnitChange, UnitChanges


@attrs.frozen
class Diff:
    old: CompiledScheme
    new: CompiledScheme
    units: UnitChanges
    rules: list[RuleChange]


def signed(value: Q, exact: bool) -> str:
    """A change with its sign: `+1.5`, `-2`, `0`; exactly (`+1/3`) or as shown (`≈+0.3333`)."""
    sign = "+" if value > 0 else "-" if value < 0 else ""
    text = exact_text(abs(value)) if exact else show(abs(value))
    return f"≈{sign}{text[1:]}" if text.startswith("≈") else f"{sign}{text}"


def moved_text(places_up: int | None) -> str:
    if places_up is None:
        return ""
    if places_up == 0:
        return "-"
    return f"up {places_up}" if places_up > 0 else f"down {-places_up}"


def _rank(rank: int | None) -> str:
    return "-" if rank is None else str(rank)


def _scheme_json(s: CompiledScheme) -> dict[str, Any]:
    return {"scheme": s.scheme_id, "scheme_hash": scheme_hash(s), "sources": sorted(s.sources)}


def _unit_json(c: UnitChange, old_places: int, new_places: int) -> dict[str, Any]:
    return {
        "unit": c.unit,
        "group": c.group,
        "total": {
            "old": exact_text(c.old_total, old_places),
            "new": exact_text(c.new_total, new_places),
            "change": signed(c.total_change, exact=True),
        },
        "rank": {"old": c.old_rank, "new": c.new_rank, "places_up": c.places_up},
        "grade": {"old": c.old_grade, "new": c.new_grade},
    }


def _text_json(t: RuleText | None) -> dict[str, str] | None:
    return None if t is None else {"text": t.text, "at": t.at}


def to_json(d: Diff) -> str:
    old_places = total_places(d.old.model) or 0
    new_places = total_places(d.new.model) or 0
    doc = {
        "old": _scheme_json(d.old),
        "new": _scheme_json(d.new),
        "units": [_unit_json(c, old_places, new_places) for c in d.units.moved],
        "unchanged": [c.unit for c in d.units.unchanged],
        "rules": [
            {
                "change": r.kind,
                "what": r.what,
                "article": r.article,
                "old": _text_json(r.old),
                "new": _text_json(r.new),
            }
            for r in d.rules
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def by_article(rules: list[RuleChange]) -> dict[str | None, list[RuleChange]]:
    """The rule changes grouped by article, articles in the order they first differ."""
    out: dict[str | None, list[RuleChange]] = {}
    for r in rules:
        out.setdefault(r.article, []).append(r)
    return out


def iter_table(d: Diff) -> Iterator[str]:
    """The diff for the terminal: the units that moved, the unchanged count, the rules."""
    from kaoping.io.results import _ljust, _rjust, _width

    old_places = total_places(d.old.model) or 0
    new_places = total_places(d.new.model) or 0
    yield f"old: {d.old.scheme_id}  ({', '.join(sorted(d.old.sources))})\n"
    yield f"new: {d.new.scheme_id}  ({', '.join(sorted(d.new.sources))})\n"
    moved = d.units.moved
    total = len(moved) + len(d.units.unchanged)
    yield f"\n== units whose result changed: {len(moved)} of {total}\n"
    if moved:
        header = ["unit", "group", "total", "change", "rank", "moved", "grade"]
        rows = [header]
        for c in moved:
            old_grade, new_grade = c.old_grade or "-", c.new_grade or "-"
            grade = new_grade if old_grade == new_grade else f"{old_grade} → {new_grade}"
            rows.append(
                [
                    c.unit,
                    c.group,
                    f"{show(c.old_total, old_places)} → {show(c.new_total, new_places)}",
                    signed(c.total_change, exact=False),
                    f"{_rank(c.old_rank)} → {_rank(c.new_rank)}",
                    moved_text(c.places_up),
                    grade if c.old_grade or c.new_grade else "",
                ]
            )
        rows = [[for_terminal(cell) for cell in row] for row in rows]
        widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
        right = {3, 5}
        for row in rows:
            cells = [
                _rjust(cell, widths[i]) if i in right else _ljust(cell, widths[i])
                for i, cell in enumerate(row)
            ]
            yield "  ".join(cells).rstrip() + "\n"
    if d.units.unchanged:
        names = ", ".join(c.unit for c in d.units.unchanged)
        yield for_terminal(f"unchanged ({len(d.units.unchanged)}): {names}") + "\n"
    yield f"\n== rules that differ: {len(d.rules)}\n"
    for article, changes in by_article(d.rules).items():
        yield for_terminal(f"«{article}»" if article else "(no article)") + "\n"
        for r in changes:
            yield for_terminal(f"  {r.kind}: {r.what}") + "\n"
            if r.old is not None:
                yield for_terminal(f"    - {r.old.at}  {r.old.text}") + "\n"
            if r.new is not None:
                yield for_terminal(f"    + {r.new.at}  {r.new.text}") + "\n"
