"""Unit data for the shipped schemes, mutated: a few units of each scheme's sample (or all of
them) with facts of the wrong type, missing, given twice or unknown; numbers as JSON numbers
and as strings at every extreme (1e1000000, 5,000 digits, NaN, "sNaN", -0, "²"); unit names
with control, zero-width and format characters; nesting thousands deep; a duplicate "units"
key. The same units as CSV, with hostile cells, short and long rows, duplicate columns, a BOM,
CRLF, GBK bytes or a cell over 128 KiB."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from fuzz import jsontext
from fuzz.case import OK_OR_DATA, REJECTED, Case, Command
from fuzz.hostile import (
    HUGE_DIGITS,
    NUMBER_STRINGS,
    ODD_NAMES,
    OVER_INT_LIMIT,
    json_value,
    odd_name,
)
from fuzz.jsontext import Obj, Raw
from fuzz.shipped import Shipped, schemes

Draw = Callable[[st.SearchStrategy[Any]], Any]

DATA_OPS = [
    "set fact",
    "delete fact",
    "fact twice",
    "unknown fact",
    "unit name",
    "near-duplicate name",
    "group",
    "drop key",
    "facts value",
    "unit twice",
    "nest",
    "record field",
    "top level",
]
NEAR = [" ", "\u200b", "\ufeff", "\u00a0", "\n", "\x1b[0m", ""]


def _units(draw: Draw, scheme: Shipped) -> list[Any]:
    units = jsontext.copy(scheme.sample.get("units"))
    if draw(st.integers(0, 7)) == 7:  # now and then every unit (the shrinker heads for few)
        return list(units)
    start = draw(st.integers(0, len(units) - 1))
    return list(units[start : start + draw(st.integers(1, 4))])


def edit(
    doc: Any, op: str, a: int, b: int, value: Any, name: str, unknown: set[str] | None = None
) -> tuple[Any, bool | None]:
    """Apply one edit to a data document. Returns the (possibly replaced) document and what
    the edit does to its validity: True, it is now certainly invalid (the documentation says
    it must be rejected); None, nothing certain any more; False, unchanged. `unknown` collects
    the names given as unknown facts, so deleting one of them is not taken for deleting an
    input."""
    unknown = set() if unknown is None else unknown
    if not isinstance(doc, Obj):
        return doc, False  # already replaced by a non-object: nothing left to edit
    units = doc.get("units")
    if op == "top level" or not isinstance(units, list) or not units:
        kind = b % 4
        if kind == 0:
            doc.append(("units", []))  # a second "units" key
        elif kind == 1:
            doc.append((name, value))  # an unknown top-level key (or "units" twice)
        elif kind == 2:
            return value, True  # not an object with units
        else:
            doc.set("units", value)
            return doc, None
        return doc, True
    unit = units[a % len(units)]
    if not isinstance(unit, Obj):
        return doc, False
    facts = unit.get("facts")
    keys = facts.keys() if isinstance(facts, Obj) else []
    key = keys[b % len(keys)] if keys else None
    if op == "set fact" and key is not None:
        facts.set(key, value)
        return doc, None
    if op == "delete fact" and key is not None:
        once = keys.count(key) == 1 and key not in unknown
        facts.remove(next(p for p in facts if p[0] == key))
        return doc, True if once else None  # every input must be given
    if op == "fact twice" and key is not None:
        facts.append((key, value))
        return doc, True
    if op == "unknown fact" and isinstance(facts, Obj):
        facts.append((name, value))
        unknown.add(name)
        return doc, True
    if op == "unit name":
        unit.set("unit", name)
        return doc, None
    if op == "near-duplicate name":
        other = units[b % len(units)]
        base = other.get("unit") if isinstance(other, Obj) else None
        suffix = NEAR[a % len(NEAR)]
        unit.set("unit", f"{base}{suffix}" if isinstance(base, str) else name)
        # another unit's name, or one with an invisible or control character inside it:
        # rejected; surrounding whitespace (a space, a no-break space, a line break) is stripped
        clash = other is not unit or suffix not in ("", " ", "\u00a0", "\n")
        return doc, True if clash and isinstance(base, str) else None
    if op == "group":
        unit.set("group", value if a % 2 else name)
        return doc, None
    if op == "drop key":
        dropped = ("unit", "group", "facts")[b % 3]
        unit[:] = [p for p in unit if p[0] != dropped]
        return doc, True
    if op == "facts value":
        unit.set("facts", value)  # never an object giving every input
        return doc, True
    if op == "unit twice":
        units.append(jsontext.copy(unit))
        return doc, True
    if op == "nest" and key is not None:
        depth = (50, 1000, 100_000)[a % 3]
        facts.set(key, Raw("[" * depth + "]" * depth))  # no input is a list of lists
        return doc, True
    if op == "record field" and isinstance(facts, Obj):
        lists = [v for _, v in facts if isinstance(v, list) and v and isinstance(v[0], Obj)]
        if lists:
            records = lists[a % len(lists)]
            rec = records[b % len(records)]
            fields = rec.keys()
            if fields:
                rec.set(fields[(a + b) % len(fields)], value)
                return doc, None
    return doc, False


@st.composite
def data_edits(draw: Draw) -> tuple[str, int, int, Any, str]:
    op = draw(st.sampled_from(DATA_OPS))
    return (
        op,
        draw(st.integers(0, 1000)),
        draw(st.integers(0, 1000)),
        draw(json_value()),
        draw(odd_name()),
    )


def strings_of(value: Any) -> set[str]:
    """Every key and string in a document (names the output may echo)."""
    if isinstance(value, Obj):
        return {k for k, _ in value} | set().union(*(strings_of(v) for _, v in value))
    if isinstance(value, list):
        return set().union(*(strings_of(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) and not isinstance(value, Raw) else set()


_NUMBER_TEXT = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")


def numbers_given(doc: Any, numeric: frozenset[str]) -> dict[str, dict[str, str]]:
    """unit → numeric fact → its number as written, for the units whose facts are plain
    numbers (JSON numbers or decimal strings): what the results JSON must echo exactly."""
    out: dict[str, dict[str, str]] = {}
    units = doc.get("units") if isinstance(doc, Obj) else None
    for unit in units if isinstance(units, list) else []:
        name = unit.get("unit") if isinstance(unit, Obj) else None
        facts = unit.get("facts") if isinstance(unit, Obj) else None
        if not isinstance(name, str) or not isinstance(facts, Obj):
            continue
        given = {}
        for key, value in facts:
            if key in numeric and isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
                given[key] = value.strip()
        out[name] = given
    return out


def _unit_count(doc: Any) -> int | None:
    units = doc.get("units") if isinstance(doc, Obj) else None
    return len(units) if isinstance(units, list) else None


def _first_name(doc: Any) -> str:
    units = doc.get("units") if isinstance(doc, Obj) else None
    if isinstance(units, list) and units and isinstance(units[0], Obj):
        name = units[0].get("unit")
        if isinstance(name, str):
            return name
    return "?"


@st.composite
def data_cases(draw: Draw) -> Case:
    scheme: Shipped = draw(st.sampled_from(schemes()))
    doc: Any = Obj([("units", _units(draw, scheme))])
    original = jsontext.dump(doc, indent=1)
    notes = []
    invalid = False
    unknown: set[str] = set()
    for op, a, b, value, name in draw(st.lists(data_edits(), min_size=1, max_size=4)):
        doc, effect = edit(doc, op, a, b, value, name, unknown)
        invalid = invalid if effect is False else bool(effect)
        notes.append(op)
    exits = REJECTED if invalid else OK_OR_DATA
    text = jsontext.dump(doc, indent=1)
    unit = _first_name(doc)
    data = ("data.json",)
    commands = [
        Command(("score", scheme.id, *data, "--format", "json"), exits, "score", json_out=True),
        Command(("score", scheme.id, *data), exits, "score", table_units=_unit_count(doc)),
        Command(
            ("explain", scheme.id, *data, "--unit", unit, "--format", "json"),
            exits,
            "explain",
            json_out=True,
        ),
        Command(
            ("report", scheme.id, *data, "-o", "report.html"), exits, "report", output="report.html"
        ),
    ]
    return Case(
        "data",
        {"data.json": text.encode("utf-8", "surrogatepass")},
        commands,
        note=f"{scheme.id}: " + ", ".join(notes) + (" (must be rejected)" if invalid else ""),
        inputs=data,
        numeric_facts=scheme.numeric,
        strings=tuple(sorted(strings_of(doc))),
        originals={"data.json": original},  # shown as a diff: the edits, not the sample
        facts_in=numbers_given(doc, scheme.numeric),
    )


# ------------------------------------------------------------------------------------- CSV

CSV_OPS = [
    "cell",
    "cell",
    "cell",
    "short row",
    "extra cell",
    "column twice",
    "drop column",
    "rename column",
    "blank row",
]
# what a spreadsheet puts in a cell, the ones that broke readers first
CELLS = [
    "²",
    "①",
    "１２",
    "9" * (200 * 1024),
    HUGE_DIGITS,
    OVER_INT_LIMIT,
    "1e1000000",
    "NaN",
    "sNaN",
    "-0",
    "-1",
    "1.5",
    "",
    "true",
    "是",
    "yes",
    '"',
    *NUMBER_STRINGS,
    *ODD_NAMES,
]
BYTES_OPS = ["none", "bom", "crlf", "gbk", "nul", "open quote", "cut"]


def _csv_rows(units: list[Any], scheme: Shipped, yes: str, no: str) -> list[list[str]]:
    columns: list[str] = []
    for u in units:
        facts = u.get("facts") if isinstance(u, Obj) else None
        for key in facts.keys() if isinstance(facts, Obj) else []:
            if key in scheme.scalar and key not in columns:
                columns.append(key)
    rows = [["unit", "group", *columns]]
    for u in units:
        facts = u.get("facts")
        cells = [str(u.get("unit")), str(u.get("group"))]
        for col in columns:
            v = facts.get(col) if isinstance(facts, Obj) else None
            cells.append("" if v is None else yes if v is True else no if v is False else str(v))
        rows.append(cells)
    return rows


@st.composite
def csv_cases(draw: Draw) -> Case:
    scheme: Shipped = draw(st.sampled_from(schemes()))
    yes, no = draw(st.sampled_from([("true", "false"), ("是", "否"), ("yes", "no")]))
    rows = _csv_rows(_units(draw, scheme), scheme, yes, no)
    notes = []
    invalid = False  # as for JSON data: True once an edit makes the file certainly invalid
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(CSV_OPS))
        r, c = draw(st.integers(0, 1000)), draw(st.integers(0, 1000))
        row = rows[1 + r % (len(rows) - 1)] if len(rows) > 1 else rows[0]
        col = c % len(rows[0]) if rows[0] else 0
        if op == "cell" and col < len(row):
            row[col] = draw(st.sampled_from(CELLS))
        elif op == "short row" and row and len(rows) > 1:  # (a data row: with no unit, a
            # shortened header lists fewer inputs, which no unit then needs)
            del row[max(0, len(row) - 1 - c % 3) :]
            invalid = True
        elif op == "extra cell":
            row.append(draw(st.sampled_from(CELLS)))
            invalid = True
        elif op == "column twice" and rows[0]:
            for each in rows:
                each.append(each[col] if col < len(each) else "")
            invalid = True
        elif op == "drop column" and rows[0]:
            for each in rows:
                del each[col : col + 1]
            invalid = True  # unit, group or an input every unit must give
        elif op == "rename column" and rows[0]:
            rows[0][col] = draw(odd_name())
            invalid = True
        elif op == "blank row":
            rows.insert(1 + r % len(rows), [])
        notes.append(op)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    text = out.getvalue()
    how = draw(st.sampled_from(BYTES_OPS))
    if how == "crlf":
        text = text.replace("\n", "\r\n")
    elif how == "nul":
        text = text.replace(",", ",\x00", 1)
        invalid = True  # a column named "\x00group" or "\x00<input>"
    elif how == "open quote":
        text = text.replace("\n", '\n"', 1)
        invalid = None
    data = text.encode("gbk", "replace") if how == "gbk" else text.encode("utf-8", "surrogatepass")
    if how == "gbk":
        invalid = invalid or data != text.encode("utf-8", "surrogatepass")  # not UTF-8 any more
    if how == "bom":
        data = b"\xef\xbb\xbf" + data
    elif how == "cut":
        data = data[: max(1, len(data) - 1 - draw(st.integers(0, 5)))]
        invalid = None
    if how != "none":
        notes.append(how)
    exits = REJECTED if invalid else OK_OR_DATA
    run = ("score", scheme.id, "data.csv")
    return Case(
        "csv",
        {"data.csv": data},
        [
            Command((*run, "--format", "json"), exits, "score", json_out=True),
            Command(run, exits, "score", table_units=len([r for r in rows[1:] if r])),
        ],
        note=f"{scheme.id}: "
        + (", ".join(notes) or "as given")
        + (" (must be rejected)" if invalid else ""),
        inputs=("data.csv",),
        numeric_facts=scheme.numeric,
        strings=tuple(sorted({c for r in rows for c in r})),
    )
