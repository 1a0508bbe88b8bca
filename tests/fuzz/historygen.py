"""Last year's results (`--history`), mutated: a real `score --format json` output of the same
scheme with totals, ranks, grades, scores and facts made NaN, Infinity, "sNaN", true, 1e1000000
or 5,000 digits; units renamed, dropped, given twice; the scheme named wrong; or a different
file altogether (another scheme's results, a data file)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from hypothesis import strategies as st

from fuzz import jsontext
from fuzz.case import OK_OR_DATA, REJECTED, Case, Command
from fuzz.datagen import NEAR, strings_of
from fuzz.hostile import json_value, odd_name
from fuzz.jsontext import Obj, Raw
from fuzz.shipped import Shipped, schemes

Draw = Callable[[st.SearchStrategy[Any]], Any]

HISTORY_OPS = [
    "set field",
    "set inner",
    "unit name",
    "near-duplicate name",
    "drop entry",
    "entry twice",
    "drop key",
    "scheme",
    "top level",
    "other file",
]
FIELDS = [
    "total",
    "rank",
    "grade",
    "rank_value",
    "group",
    "unit",
    "facts",
    "scores",
    "outputs",
    "grades",
    "flags",
]
MAPS = ["outputs", "facts", "grades", "scores"]  # what `last year X` reads first


def edit(
    doc: Any, scheme: Shipped, op: str, a: int, b: int, value: Any, name: str
) -> tuple[Any, bool | None]:
    """One edit of a history document; the validity effect as in datagen.edit."""
    if op == "other file":
        others = [s for s in schemes() if s.id != scheme.id]
        kind = b % 3
        if kind == 0:  # last year's results of another scheme
            return jsontext.copy(others[a % len(others)].results), True
        if kind == 1:  # this scheme's data file, not results
            return jsontext.copy(scheme.sample), True
        return jsontext.copy(others[a % len(others)].sample), True
    if not isinstance(doc, Obj):
        return doc, False
    units = doc.get("units")
    if op == "scheme":
        others = [s.id for s in schemes() if s.id != scheme.id]
        doc.set("scheme", others[a % len(others)] if b % 2 else name)
        return doc, True  # not a results file of this scheme
    if op == "top level" or not isinstance(units, list) or not units:
        if b % 2:
            doc.set("units", value)
        else:
            return value, None
        return doc, None
    entry = units[a % len(units)]
    if not isinstance(entry, Obj):
        return doc, False
    if op == "set field":
        field = FIELDS[b % len(FIELDS)]
        entry.set(field, value)
        # a total or rank that is no number at all is a malformed entry: a data error
        return doc, True if field in ("total", "rank") and not_a_number(value) else None
    if op == "set inner":
        inner = entry.get(MAPS[b % len(MAPS)])
        if isinstance(inner, Obj) and inner:
            keys = inner.keys()
            inner.set(keys[(a + b) % len(keys)], value)
        elif isinstance(inner, Obj):
            inner.append((name, value))
        return doc, None
    if op == "unit name":
        entry.set("unit", name)
        return doc, None
    if op == "near-duplicate name":
        other = units[b % len(units)]
        base = other.get("unit") if isinstance(other, Obj) else None
        suffix = NEAR[a % len(NEAR)]
        if isinstance(base, str):
            entry.set("unit", base + suffix)
        return doc, True if other is not entry and suffix == "" and isinstance(base, str) else None
    if op == "drop entry":
        units.remove(entry)
        return doc, None
    if op == "entry twice":
        units.append(jsontext.copy(entry))
        return doc, True  # a unit given twice
    if op == "drop key":
        key = FIELDS[b % len(FIELDS)]
        entry[:] = [p for p in entry if p[0] != key]
        return doc, True if key == "unit" else None
    return doc, False


def not_a_number(value: Any) -> bool:
    """Certainly not a finite number (a JSON number of any size, or a decimal string, is not
    certain: whether 1e1000000 or "1e5" must be refused is for kaoping to say)."""
    if isinstance(value, bool | list):  # a list or an object (Obj is a list of pairs)
        return True
    if isinstance(value, Raw):
        return value in ("NaN", "Infinity", "-Infinity", "true", "false") or value[:1] in '[{"'
    if isinstance(value, str):
        try:
            return not Decimal(value.strip()).is_finite()
        except InvalidOperation:
            return True
    return False


# what last year's numbers were replaced with, the ones that broke readers first
HISTORY_VALUES = [
    Raw("true"),
    "sNaN",
    "NaN",
    Raw("NaN"),
    Raw("Infinity"),
    "1e999999",
    Raw("1e1000000"),
    "²",
    "",
    Raw("[]"),
]


def history_value() -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(HISTORY_VALUES), json_value())


@st.composite
def history_cases(draw: Draw) -> Case:
    # half the time the scheme that reads last year's results (`last year X`)
    readers = [s for s in schemes() if s.id == "heshan-2013"] or list(schemes())
    scheme: Shipped = draw(st.one_of(st.sampled_from(readers), st.sampled_from(schemes())))
    doc: Any = jsontext.copy(scheme.results)
    entries = doc.get("units")
    if draw(st.integers(0, 3)) < 3:  # mostly a few entries (the shrinker heads for few)
        start = draw(st.integers(0, len(entries) - 1))
        doc.set("units", entries[start : start + draw(st.integers(1, 3))])
    original = jsontext.dump(doc, indent=1)
    notes = []
    invalid = False
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(HISTORY_OPS))
        a, b = draw(st.integers(0, 1000)), draw(st.integers(0, 1000))
        doc, effect = edit(doc, scheme, op, a, b, draw(history_value()), draw(odd_name()))
        invalid = invalid if effect is False else bool(effect)
        notes.append(op)
    exits = REJECTED if invalid else OK_OR_DATA
    first = scheme.sample.get("units")[0].get("unit")
    history = ("--history", "history.json")
    commands = [
        Command(
            ("score", scheme.id, "--sample", *history, "--format", "json"),
            exits,
            "score",
            json_out=True,
        ),
        Command(
            ("explain", scheme.id, "--sample", "--unit", first, *history, "--format", "json"),
            exits,
            "explain",
            json_out=True,
        ),
    ]
    return Case(
        "history",
        {"history.json": jsontext.dump(doc, indent=1).encode("utf-8", "surrogatepass")},
        commands,
        note=f"{scheme.id}: " + ", ".join(notes) + (" (must be rejected)" if invalid else ""),
        inputs=("history.json",),
        numeric_facts=scheme.numeric,
        strings=tuple(sorted(strings_of(doc) | strings_of(scheme.sample))),
        originals={"history.json": original},
    )
