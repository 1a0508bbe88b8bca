"""Results as JSON and as a table grouped by group, ordered by rank. JSON keeps every number
exactly ("87.5", or "550/3" when its decimals never end), so next year's `--history` reads the
same values back; the table shows them as people read them ("≈183.3333")."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from json.encoder import encode_basestring
from typing import Any

from kaoping.compiler.emit import rank_path
from kaoping.compiler.model import BlockModel, Model
from kaoping.exact import Q, exact_text, show
from kaoping.io.history_file import scheme_hash
from kaoping.io.text import for_terminal
from kaoping.runtime.unit import AboveMax
from kaoping.scoring import Results, UnitResult


def fmt(value: Any, places: int | None = None) -> Any:
    """A number as JSON text, exactly: totals with the scheme's places ("87.50"), other values
    without trailing zeros ("0.75", not "0.750"), "550/3" when the decimals never end. Other
    values as they are."""
    if isinstance(value, int) and not isinstance(value, bool):  # a rank: a whole number
        value = Q(value)
    if isinstance(value, Q):
        return exact_text(value, places or 0)
    return value


def fmt_shown(value: Any, places: int | None = None) -> Any:
    """A number as people read it: exact when its decimals end ("87.50"), else "≈183.3333"."""
    if isinstance(value, Q):
        return show(value, places or 0)
    return value


class Texts(dict[tuple[Q, int | None], str]):
    """Numbers' exact texts by (value, places), each worked out once: a large run's facts and
    scores repeat few distinct values, and writing their digits was most of its time."""

    LIMIT = 200_000  # beyond this many distinct values, texts are worked out and not kept

    def __missing__(self, key: tuple[Q, int | None]) -> str:
        text: str = fmt(*key)
        if len(self) < self.LIMIT:
            self[key] = text
        return text


def _value(value: Any, texts: Texts) -> Any:
    """A value as JSON: numbers as exact text (a rank too), yes/no, enum values, null."""
    if type(value) is Q:  # the common case first
        return texts[value, None]
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return str(value)
    return texts[value, None] if isinstance(value, Q) else fmt(value)


def _plain(value: Any, texts: Texts | None = None) -> Any:
    if isinstance(value, Q):
        return texts[value, None] if texts is not None else fmt(value)
    if isinstance(value, list):
        return [{k: _plain(v, texts) for k, v in rec.items()} for rec in value]
    return value


def constants_head(model: Model, given: Mapping[str, Any]) -> dict[str, Any]:
    """The results JSON's `constants` (the ones the data entered for this run, in the
    scheme's order), when the scheme has constants entered in the data."""
    names = [c.name for c in model.constants.values() if c.type is not None]
    if not names:
        return {}
    return {"constants": {name: _plain(given[name]) for name in names if name in given}}


def total_places(model: Model) -> int | None:
    """The places every total has: the scheme's `rounding`, or None (exact) without one."""
    return model.rounding.places if model.rounding is not None else None


def unit_json(
    r: UnitResult,
    model: Model,
    rank_values: dict[int, str | None] | None = None,
    texts: Texts | None = None,
) -> dict[str, Any]:
    """One unit's results object. `rank_values` (block → its rank value), when given, saves
    working it out again for every unit; `texts` keeps numbers' texts across a run's units."""
    texts = Texts() if texts is None else texts
    u = r.unit
    block = model.blocks[u.block]
    places = total_places(model)
    scores: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    for path in block.order:
        vd = block.values[path]
        if path not in u.values:
            continue  # a consequence for other groups of the block
        value = u.values[path]
        if vd.kind in ("section", "item", "let"):
            # every let, whatever it holds (a rank, a yes/no, a band), so that next year's
            # `last year` finds it; an absent value is null
            scores[path] = _value(value, texts)
        elif vd.kind == "output":
            outputs[path] = _value(value, texts)
    out: dict[str, Any] = {
        "unit": u.name,
        "group": u.group,
        "total": texts[u.values["total"], places],
        "rank": r.rank,
    }
    # the same shape for every scheme: `grade` is null where the scheme defines no grading
    out["grade"] = next(iter(u.grades.values()), None)
    out["grades"] = dict(u.grades)
    out["scores"] = scores
    out["flags"] = list(u.flags)
    out["outputs"] = outputs
    # values above their declared maximum, where the rules set no cap
    out["warnings"] = [above_max_json(a, block) for a in u.above_max]
    # the facts as given, so that the results explain themselves and next year can read them
    out["facts"] = {k: _plain(v, texts) for k, v in u.facts.items() if k not in model.constants}
    if u.inapplicable:  # the items that do not apply to the unit (不涉及)
        out["not_applicable"] = list(u.inapplicable)
    if u.given:
        out["given"] = {
            path: {"value": fmt(g.value), "by": g.by, **({"note": g.note} if g.note else {})}
            for path, g in u.given.items()
        }
    rank_value = rank_values[u.block] if rank_values is not None else rank_path(block)
    if rank_value:
        out["rank_value"] = rank_value
    return out


def above_max_json(a: AboveMax, block: BlockModel) -> dict[str, Any]:
    node = block.values[a.path].node
    return {
        "warning": "above max",
        "value": a.path,
        "amount": fmt(a.value),
        "max": fmt(a.max),
        "rule": node.span.short if node is not None else "",
        "message": above_max_text(a),
    }


def above_max_text(a: AboveMax) -> str:
    return f"{a.path} = {fmt(a.value)} is above its maximum {fmt(a.max)} (the rules set no cap)"


def to_json(results: Results) -> str:
    return "".join(iter_json(results))


# from this many units the results JSON is written compact, one unit a line: indenting a large
# file makes it several times larger and slower to write, and no one reads it by eye
COMPACT_FROM = 10_000


def iter_json(results: Results, compact: bool | None = None) -> Iterator[str]:
    """The results JSON one unit at a time: a large run is written out without its whole text,
    or every unit's JSON object, in memory at once. Indented by 2 (as `json.dumps` would), or
    with `compact` (by default from COMPACT_FROM units) one unit a line without spaces: the same
    document once parsed."""
    model = results.scheme.model
    if compact is None:
        compact = len(results.units) >= COMPACT_FROM
    head: dict[str, Any] = {
        "scheme": results.scheme.scheme_id,
        # what `--history` checks next year: which rules produced these results
        "scheme_hash": scheme_hash(results.scheme),
    }
    if results.units:  # the constants entered for this run, once
        head.update(constants_head(model, results.units[0].unit.facts))
    texts = Texts()
    rank_values = {block.index: rank_path(block) for block in model.blocks}  # once per block
    warnings = [{"code": w.code, "unit": w.unit, "message": w.message} for w in results.warnings]
    if compact:
        yield _compact(head)[:-1] + ',"units":['
        separator = "\n"
        for r in results.ordered():
            yield separator + _compact(unit_json(r, model, rank_values, texts))
            separator = ",\n"
        yield '\n],"warnings":' + _compact(warnings) + "}\n"
        return
    text = json.dumps(head, ensure_ascii=False, indent=2)
    yield text.removesuffix("\n}") + ',\n  "units": ['
    separator = "\n"
    for r in results.ordered():
        parts = [separator, "    "]
        indented_json(unit_json(r, model, rank_values, texts), "    ", parts)
        yield "".join(parts)
        separator = ",\n"
    yield "]" if separator == "\n" else "\n  ]"
    parts = [',\n  "warnings": ']
    indented_json(warnings, "  ", parts)
    yield "".join(parts) + "\n}"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def indented_json(value: Any, indent: str, out: list[str]) -> None:
    """Append `json.dumps(value, ensure_ascii=False, indent=2)`, each line after the first
    indented by `indent`, to `out`. The same text, in half the time: with `indent`, the standard
    library encodes in pure Python through nested generators. Values here are text, whole
    numbers, booleans, null, lists and objects with text keys."""
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif isinstance(value, dict | list):
        if not value:
            out.append("{}" if isinstance(value, dict) else "[]")
            return
        inner = indent + "  "
        lead = "\n" + inner
        if isinstance(value, dict):
            out.append("{")
            for key, item in value.items():
                out.append(lead + encode_basestring(key) + ": ")
                indented_json(item, inner, out)
                lead = ",\n" + inner
            out.append("\n" + indent + "}")
        else:
            out.append("[")
            for item in value:
                out.append(lead)
                indented_json(item, inner, out)
                lead = ",\n" + inner
            out.append("\n" + indent + "]")
    else:  # null, true, false, numbers; anything else fails as json.dumps would
        out.append(json.dumps(value))


def to_table(results: Results) -> str:
    return "".join(iter_table(results))


def iter_table(results: Results) -> Iterator[str]:
    """One block per group, ordered by rank; grade and flag columns only when the scheme has
    them. Yielded a line at a time (each but the last ending in a newline)."""
    model = results.scheme.model
    places = total_places(model)
    ordered = results.ordered()
    if not ordered:
        yield "(no units in the data)"
        return
    show_grade = any(r.unit.grades for r in ordered)
    show_flags = any(r.unit.flags for r in ordered)
    show_given = any(r.unit.given for r in ordered)
    header = (
        ["rank", "unit", "total"]
        + ["grade"] * show_grade
        + ["flags"] * show_flags
        + ["given"] * show_given
    )
    left = set(range(len(header))) - {0, 2}
    by_group: dict[str, list[UnitResult]] = {}
    for r in ordered:
        by_group.setdefault(r.group, []).append(r)
    block_start = ""
    for group, members in by_group.items():
        rows = [header]
        for r in members:
            row = [str(r.rank) if r.rank is not None else "-", r.name, show(r.total, places or 0)]
            if show_grade:
                row.append(" / ".join(r.unit.grades.values()))
            if show_flags:
                row.append(", ".join(r.unit.flags))
            if show_given:
                row.append(", ".join(r.unit.given))
            rows.append([for_terminal(cell) for cell in row])
        widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
        yield f"{block_start}== {for_terminal(group)}"
        for row in rows:
            cells = [
                _ljust(c, widths[i]) if i in left else _rjust(c, widths[i])
                for i, c in enumerate(row)
            ]
            yield "\n" + "  ".join(cells).rstrip()
        for r in members:
            for a in r.unit.above_max:
                yield "\n" + for_terminal(f"  ! {r.name}: {above_max_text(a)}")
        block_start = "\n\n"


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _ljust(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _rjust(text: str, width: int) -> str:
    return " " * (width - _width(text)) + text
