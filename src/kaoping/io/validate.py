"""Validating parsed unit data against a scheme's inputs: the units, their groups and facts,
the scheme's constants, and `convert`, which reads one value as its declared type.

Nothing is coerced: a number is a JSON number or a decimal string, read exactly and within the
bounds of `kaoping.exact` (never a float, NaN or Infinity); a yes/no is true/false; a count is
a whole number ≥ 0. Every problem names the unit and the input; all are reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from kaoping.compiler import ir
from kaoping.compiler.model import BlockModel, Model
from kaoping.errors import DataError, DataProblem
from kaoping.exact import NumberError, show
from kaoping.io.data_csv import not_for_group
from kaoping.io.given import Given, read_given
from kaoping.io.json_text import _duplicates, duplicate_keys
from kaoping.io.numbers import is_text, plain_number, read_number, show_value
from kaoping.io.text import clean_name, is_unicode, key_text, nfc

_WHOLE = re.compile(r"[+-]?[0-9]+")
# how many distinct cells `_units` keeps read (a column of distinct values gains nothing)
_MEMO_LIMIT = 100_000


@attrs.frozen
class UnitData:
    name: str
    group: str
    facts: Mapping[str, Any]
    given: Mapping[str, Given] = attrs.field(factory=dict)


def _not_units(where: str) -> DataProblem:
    return DataProblem(where, None, None, 'expected an object {"units": [...]} at the top')


def validate(raw: Any, model: Model, where: str) -> list[UnitData]:
    """Check parsed data (`{"units": [...]}`) against the scheme; every problem, or the units."""
    twice = _duplicates(raw)
    if not isinstance(raw, Mapping) or (
        not isinstance(raw.get("units"), list) and "units" not in twice
    ):
        raise DataError([_not_units(where)])
    problems: list[DataProblem] = []
    _roster(raw, model, where, problems)
    problems.extend(_top_level([*raw, *twice], where))
    units = raw["units"] if isinstance(raw["units"], list) else []
    # the groups with a unit in the data: the constants their rules read are required
    present = {e["group"] for e in units if isinstance(e, Mapping) and is_text(e.get("group"))}
    constants = _constants(raw.get("constants"), model, where, problems, present)
    out = _units(units, model, where, problems)
    if problems:
        raise DataError(problems)
    return _with_constants(out, constants)


def _top_level(keys: list[str], where: str) -> list[DataProblem]:
    """Problems of the top-level object, from its keys in order (duplicates included)."""
    problems = []
    extra = set(keys) - {"units", "constants", "roster"}
    if extra:
        problems.append(
            DataProblem(where, None, None, f"unknown top-level key(s): {', '.join(sorted(extra))}")
        )
    seen: set[str] = set()
    twice: dict[str, None] = {}
    for key in keys:
        if key in seen:
            twice[key] = None
        seen.add(key)
    for key in twice:
        problems.append(DataProblem(where, None, None, f"{key!r} is given twice at the top"))
    return problems


def _with_constants(units: list[UnitData], constants: dict[str, Any]) -> list[UnitData]:
    """The rules read a constant entered in the data as a fact of every unit."""
    if constants:
        for u in units:
            facts = u.facts
            assert isinstance(facts, dict)  # as `_facts` built it
            facts.update(constants)
    return units


def _units(
    entries: Iterable[Any],
    model: Model,
    where: str,
    problems: list[DataProblem],
    present: set[str] | None = None,
) -> list[UnitData]:
    """Check each unit as it comes (entries may be parsed one at a time); problems are added,
    and the group every entry names to `present`."""
    out: list[UnitData] = []
    seen: dict[str, tuple[int, str]] = {}  # name as matched → where it first appeared, as written
    # (input, text) → its value: a large file repeats few distinct cells, each read once, and
    # its units then share one exact number (memory)
    read: dict[tuple[str, str], Any] = {}
    for i, entry in enumerate(entries, 1):
        here = f"{where}: units[{i}]"
        if not isinstance(entry, Mapping):
            problems.append(DataProblem(here, None, None, "a unit must be an object"))
            continue
        if present is not None and is_text(entry.get("group")):
            present.add(entry["group"])
        unknown = set(entry) - {"unit", "group", "facts", "given"}
        written = entry.get("unit")
        if not is_text(written) or not written.strip():
            problems.append(DataProblem(here, None, "unit", "every unit needs a non-empty name"))
            continue
        name, refused = clean_name(written)
        if refused:
            problems.append(DataProblem(here, None, "unit", refused))
            continue
        if unknown:
            problems.append(
                DataProblem(where, name, None, f"unknown key(s) {', '.join(sorted(unknown))}")
            )
        for key in _duplicates(entry):
            problems.append(DataProblem(where, name, key, "given twice"))
        if name in seen:
            first, first_written = seen[name]
            same = "" if first_written == written else f" (written {first_written!r} there)"
            problems.append(
                DataProblem(here, name, None, f"this unit appears twice: also units[{first}]{same}")
            )
            continue
        seen[name] = (i, written)
        group = entry.get("group")
        if is_text(group) and group not in model.block_of_group and is_unicode(group):
            group = nfc(group)  # a group's name typed decomposed, as any name
        if not is_text(group) or group not in model.block_of_group:
            problems.append(
                DataProblem(
                    where,
                    name,
                    "group",
                    (f"unknown group {group!r}" if group is not None else "no group given")
                    + "; the scheme's groups are "
                    + ", ".join(model.block_of_group),
                )
            )
            continue
        facts = entry.get("facts", {})
        if not isinstance(facts, Mapping):
            problems.append(DataProblem(where, name, "facts", "facts must be an object"))
            continue
        given: dict[str, Given] = {}
        needed: set[str] | None = None
        block = model.blocks[model.block_of_group[str(group)]]
        if entry.get("given") is not None:
            for twice in duplicate_keys(entry["given"], where):
                problems.append(DataProblem(where, name, f"given.{twice.field}", twice.message))
            given = read_given(entry["given"], str(group), model, where, name, problems, convert)
        if given or block.sheets:
            skipped = block.skipped(frozenset(given))
            # another unit's sheet asks nothing of this unit; a sheet it lacks is an error
            needed = block.inputs_read(skipped, name if block.sheets else None)
            for section in block.missing_sheets(name, skipped):
                problems.append(_no_sheet(block, section, where, name))
        checked = _facts(facts, str(group), model, where, name, problems, needed, read)
        out.append(UnitData(name, str(group), checked, given))
    return out


def _constants(
    raw: Any, model: Model, where: str, problems: list[DataProblem], present: set[str]
) -> dict[str, Any]:
    """The constants the office enters once per run (`constant NAME: TYPE`), from the data
    file's top-level `constants` object. One is required when a group whose rules read it has a
    unit in the data (`present` groups); any other may be given, and is then validated."""
    wanted = {n: c for n, c in model.constants.items() if c.type is not None}
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.append(DataProblem(where, None, "constants", "must be an object"))
        return {}
    for key in _duplicates(raw):
        problems.append(DataProblem(where, None, f"constants.{key}", "given twice"))
    raw = composed_keys(raw, wanted, where, None, "constants.", problems)
    for key in raw:
        if key not in wanted:
            why = "is fixed by the rules" if key in model.constants else "is not a constant"
            problems.append(DataProblem(where, None, f"constants.{key}", f"this {why}"))
    out: dict[str, Any] = {}
    for name, decl in wanted.items():
        assert decl.type is not None
        if raw.get(name) is None:
            if not model.constant_readers.get(name, frozenset()) & present:
                continue  # no unit in the data reads it: it may be left out (or null)
            problems.append(
                DataProblem(
                    where,
                    None,
                    f"constants.{name}",
                    "missing: give it once for the run: in a JSON data file's top-level "
                    f'`constants` ({{"constants": {{"{name}": …}}, "units": […]}}), a '
                    "workbook's 常量 sheet or a Parquet file's schema metadata "
                    "`kaoping.constants` (a CSV file of units cannot give it)",
                )
            )
            continue
        out[name] = convert(raw[name], decl.type, model, where, None, f"constants.{name}", problems)
    return out


def _no_sheet(block: BlockModel, section: str, where: str, unit: str) -> DataProblem:
    sheets = "; ".join(
        sh.label if sh.units == {sh.label} else f"{sh.label} ({', '.join(sorted(sh.units))})"
        for sh in block.sheets[section]
    )
    return DataProblem(
        where,
        unit,
        None,
        f"section {section!r} has a sheet (`for` block) for each unit, none for this one "
        f"(sheets: {sheets}); check the unit's name, or give the section's value",
    )


def _facts(
    facts: Mapping[str, Any],
    group: str,
    model: Model,
    where: str,
    unit: str,
    problems: list[DataProblem],
    needed: set[str] | None = None,
    read: dict[tuple[str, str], Any] | None = None,
) -> dict[str, Any]:
    """`needed`: the inputs the unit's computed values read, when given values leave some
    rules skipped (None: every input of the group). `read` keeps the values of text cells
    already read without a problem, by input and text."""
    out: dict[str, Any] = {}
    wanted = model.inputs_for(group)
    # a grade and its place in the raters' ordering (`require G ordered by P`): one is enough
    places, record_places = model.orderings(group)
    partner = {**places, **{p: g for g, p in places.items()}} if places else places
    for key in _duplicates(facts):
        problems.append(DataProblem(where, unit, key, "given twice; the data is ambiguous"))
    facts = composed_keys(facts, wanted, where, unit, "", problems)
    for key in facts:
        if key not in wanted:
            problems.append(DataProblem(where, unit, key, not_for_group(model, key, group)))
    for name, decl in wanted.items():
        if name in partner and facts.get(name) is None:
            if name in places and facts.get(partner[name]) is None:
                problems.append(
                    DataProblem(
                        where,
                        unit,
                        name,
                        f"give the grade {name} or the place {partner[name]} in the raters' "
                        "ordering",
                    )
                )
            out[name] = None
            continue
        if name not in facts:
            if needed is not None and name not in needed:
                continue  # only rules this unit's given values replace read it
            problems.append(
                DataProblem(
                    where,
                    unit,
                    name,
                    "missing; every input of the group "
                    "must be given (null for an optional input that does not apply)",
                )
            )
            continue
        value = facts[name]
        if value is None:
            if needed is not None and name not in needed:
                continue  # an empty cell for an input only other units' sheets read
            if not decl.optional:
                problems.append(
                    DataProblem(where, unit, name, "is null but the input is not optional")
                )
            out[name] = None
            continue
        memo = read if read is not None and type(value) is str else None
        if memo is not None and (name, value) in memo:
            out[name] = memo[name, value]
            continue
        before = len(problems)
        out[name] = convert(
            value,
            decl.type,
            model,
            where,
            unit,
            name,
            problems,
            record_places.get(name) if record_places else None,
        )
        if memo is not None and len(problems) == before and len(memo) < _MEMO_LIMIT:
            memo[name, value] = out[name]
    return out


def composed_keys(
    given: Mapping[str, Any],
    names: Mapping[str, Any],
    where: str,
    unit: str | None,
    label: str,
    problems: list[DataProblem],
) -> Mapping[str, Any]:
    """`given` with each key that names nothing as written but does in Unicode's composed form
    (NFC, the form the rules' names are in) renamed to it; a key then given twice (once
    composed, once not) is a problem. Keys that match as written cost nothing more."""
    if all(key in names for key in given):
        return given
    out: dict[str, Any] = {}
    for key, value in given.items():
        name = nfc(key) if isinstance(key, str) and key not in names and is_unicode(key) else key
        if name in out:
            problems.append(
                DataProblem(
                    where,
                    unit,
                    f"{label}{name}",
                    "given twice (once with a combining mark, as Unicode's decomposed form "
                    "writes it); the data is ambiguous",
                )
            )
        out[name] = value
    return out


def convert(
    value: Any,
    t: ir.TypeRef,
    model: Model,
    where: str,
    unit: str | None,
    name: str,
    problems: list[DataProblem],
    places: Mapping[str, str] | None = None,
) -> Any:
    """`places` pairs a record field holding a grade with the field holding its place in the
    raters' ordering: a record may give either."""
    # the common case first, with nothing to report: a plain number in range
    if type(t) is ir.NumberType:
        number = plain_number(value, whole=t.integer)
        if (
            number is not None
            and (t.low is None or number >= t.low)
            and (t.high is None or number <= t.high)
        ):
            return number
    elif type(t) is ir.CountType:
        number = plain_number(value, whole=True)
        if number is not None and number >= 0:
            return number

    def bad(msg: str) -> None:
        problems.append(DataProblem(where, unit, name, msg))

    if isinstance(t, ir.NumberType | ir.CountType):
        try:
            number = read_number(value)
        except NumberError as err:
            bad(str(err))
            return None
        if isinstance(t, ir.CountType) or t.integer:
            what = "a count" if isinstance(t, ir.CountType) else "this input"
            if number.denominator != 1:
                bad(f"{what} must be a whole number, got {show_value(value)}")
                return None
            if isinstance(value, str) and not _WHOLE.fullmatch(value.strip()):
                bad(
                    f"{what} is a whole number written without a decimal point or exponent, "
                    f"got {show_value(value)}"
                )
                return None
            if isinstance(t, ir.CountType) and number < 0:
                bad(f"a count cannot be negative, got {show_value(value)}")
                return None
        if isinstance(t, ir.NumberType) and (
            (t.low is not None and number < t.low) or (t.high is not None and number > t.high)
        ):
            low = "-inf" if t.low is None else show(t.low)
            high = "inf" if t.high is None else show(t.high)
            bad(f"{show(number)} is outside the allowed range {low} to {high}")
            return None
        return number
    if isinstance(t, ir.YesNoType):
        if not isinstance(value, bool):
            bad(f"expected true or false, got {show_value(value)}")
            return None
        return value
    if isinstance(t, ir.TextType):
        if not is_text(value):
            bad(f"expected text, got {show_value(value)}")
            return None
        if not is_unicode(value):
            bad(f"{show_value(value)} contains a lone surrogate, which is not Unicode text")
            return None
        text = key_text(value)  # compared (`highest per 事项`) as names are: composed
        if not text:  # two unnamed matters would count as one (`highest per` keys on it)
            bad(f"{show_value(value)} is empty: the text names what the record is about")
            return None
        return text
    if isinstance(t, ir.EnumType):
        values = model.enums[t.name].values
        if is_text(value) and value not in values and is_unicode(value):
            value = nfc(value)  # `优` typed with a combining mark is the rules' value
        if not is_text(value) or value not in values:
            bad(f"expected one of {', '.join(values)}, got {show_value(value)}")
            return None
        return value
    assert isinstance(t, ir.ListType)
    if not isinstance(value, list):
        bad(f"expected a list of {t.record} records, got {show_value(value)}")
        return []
    rec = model.records[t.record]
    places = places or {}
    pairs = {**places, **{p: g for g, p in places.items()}} if places else places
    records = []
    for i, item in enumerate(value, 1):
        label = f"{name}[{i}]"
        if not isinstance(item, Mapping):
            problems.append(DataProblem(where, unit, label, f"expected a {t.record} record"))
            continue
        fields = {f.name: f for f in rec.fields}
        for key in _duplicates(item):
            problems.append(
                DataProblem(where, unit, f"{label}.{key}", "given twice; the data is ambiguous")
            )
        item = composed_keys(item, fields, where, unit, f"{label}.", problems)
        for key in item:
            if key not in fields:
                problems.append(
                    DataProblem(
                        where, unit, f"{label}.{key}", f"record {t.record} has no field {key!r}"
                    )
                )
        converted: dict[str, Any] = {}
        for fname, fdecl in fields.items():
            if pairs and fname in pairs and item.get(fname) is None:
                if fname in places and item.get(pairs[fname]) is None:
                    problems.append(
                        DataProblem(
                            where,
                            unit,
                            f"{label}.{fname}",
                            f"give the grade {fname} or the place {pairs[fname]} in the "
                            "raters' ordering",
                        )
                    )
                converted[fname] = None
                continue
            if fname not in item:
                problems.append(DataProblem(where, unit, f"{label}.{fname}", "missing"))
                continue
            if item[fname] is None:
                if not fdecl.optional:
                    problems.append(
                        DataProblem(
                            where, unit, f"{label}.{fname}", "is null but the field is not optional"
                        )
                    )
                converted[fname] = None
                continue
            converted[fname] = convert(
                item[fname], fdecl.type, model, where, unit, f"{label}.{fname}", problems
            )
        records.append(converted)
    return records


def read_roster(raw: Any, model: Model, where: str) -> dict[str, int]:
    """`"roster": {"县直单位": 31}`: how many units each named group has in all, for data that
    holds only some of them (one unit re-scored after an appeal)."""
    problems: list[DataProblem] = []
    roster = _roster(raw, model, where, problems)
    if problems:
        raise DataError(problems)
    return roster


def _roster(raw: Any, model: Model, where: str, problems: list[DataProblem]) -> dict[str, int]:
    given = raw.get("roster") if isinstance(raw, Mapping) else None
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        problems.append(
            DataProblem(where, None, "roster", 'expected {"GROUP": number of units, ...}')
        )
        return {}
    out: dict[str, int] = {}
    for group, size in given.items():
        number = plain_number(size, whole=True)  # digits only, well within bounds
        if group not in model.block_of_group:
            problems.append(
                DataProblem(where, None, f"roster.{group}", "no group of the scheme has this name")
            )
        elif number is None or number < 1:
            problems.append(
                DataProblem(
                    where,
                    None,
                    f"roster.{group}",
                    f"expected a whole number of units, at least 1, got {show_value(size)}",
                )
            )
        else:
            out[str(group)] = int(number)
    return out
