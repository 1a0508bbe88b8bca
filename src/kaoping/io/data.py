"""Reading unit data (JSON, CSV, YAML cases) and validating it against a scheme's inputs.

Nothing is coerced: a number is a JSON number or a decimal string, read exactly and within the
bounds of `kaoping.exact` (never a float, NaN or Infinity); a yes/no is true/false; a count is
a whole number ≥ 0. Every problem names the unit and the input; all are reported.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from kaoping.compiler import ir
from kaoping.compiler.model import BlockModel, Model
from kaoping.errors import DataError, DataProblem
from kaoping.exact import NumberError, show
from kaoping.io.given import Given, read_given
from kaoping.io.numbers import NumberText, is_text, plain_number, read_number, show_value

_WHOLE = re.compile(r"[+-]?[0-9]+")
# words only: a 1 / 0 in a yes/no column is a number, rejected as in JSON
_TRUE = {"true", "yes", "是"}
_FALSE = {"false", "no", "否"}


@attrs.frozen
class UnitData:
    name: str
    group: str
    facts: Mapping[str, Any]
    given: Mapping[str, Given] = attrs.field(factory=dict)


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once."""

    duplicates: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    out = _Object()
    dups: list[str] = []
    for key, value in pairs:
        if key in out and key not in dups:
            dups.append(key)
        out[key] = value
    out.duplicates = tuple(dups)
    return out


def _duplicates(obj: Any) -> tuple[str, ...]:
    return getattr(obj, "duplicates", ())


def read_json_text(text: str, where: str) -> Any:
    try:
        # numbers stay text until a reader knows what they are for: no float, no int() on
        # unbounded digits, and NaN / Infinity are kept only to be rejected by name
        return json.loads(
            text,
            parse_float=NumberText,
            parse_int=NumberText,
            parse_constant=NumberText,
            object_pairs_hook=_object,
        )
    except RecursionError:
        raise DataError(
            [DataProblem(where, None, None, "nested too deeply to be unit data")]
        ) from None
    except json.JSONDecodeError as err:
        raise DataError(
            [
                DataProblem(
                    f"{where}:{err.lineno}:{err.colno}", None, None, f"not valid JSON: {err.msg}"
                )
            ]
        ) from None


def load_file(
    path: Path, model: Model, warn: Callable[[str], None] | None = None
) -> list[UnitData]:
    """Read a JSON, CSV or Excel (.xlsx) data file and validate it."""
    return load_dataset(path, model, warn)[0]


def load_dataset(
    path: Path, model: Model, warn: Callable[[str], None] | None = None
) -> tuple[list[UnitData], dict[str, int]]:
    """A data file's units, validated, and the roster it declares (empty: the data holds
    every unit of its groups). A CSV file or a workbook declares no roster. `warn` receives
    warnings (a workbook's formula with no saved value)."""
    where = str(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from kaoping.io.xlsx_read import read_workbook

        return read_workbook(path, model, warn or (lambda message: None)), {}
    if path.suffix.lower() in (".xls", ".et", ".ods"):
        message = "a workbook kaoping cannot read: save it as an Excel workbook (.xlsx)"
        raise DataError([DataProblem(where, None, None, message)])
    text = read_data_text(path)
    if path.suffix.lower() == ".csv":
        raw = csv_units(text, model, where)
    else:
        raw = read_json_text(text, where)
    units = validate(raw, model, where)
    return units, read_roster(raw, model, where)


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


def read_data_text(path: Path) -> str:
    """A data or history file's text: UTF-8 (a BOM is fine), or a data error saying so."""
    where = str(path)
    try:
        return path.read_text("utf-8-sig")
    except UnicodeDecodeError as err:
        message = (
            f"not UTF-8 text (byte {err.object[err.start]:#04x} at offset {err.start}); "
            "save the file as UTF-8 (Excel: CSV UTF-8)"
        )
        raise DataError([DataProblem(where, None, None, message)]) from None
    except OSError as err:
        raise DataError([DataProblem(where, None, None, f"cannot read: {err.strerror}")]) from None


def csv_units(text: str, model: Model, where: str) -> dict[str, Any]:
    """One row per unit; columns unit, group, then one per scalar input (empty = null)."""
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or []
    problems: list[DataProblem] = []
    for need in ("unit", "group"):
        if need not in fields:
            problems.append(DataProblem(where, None, need, "the CSV needs a column named " + need))
    for col in sorted({c for c in fields if fields.count(c) > 1}):
        problems.append(DataProblem(where, None, col, "this column appears more than once"))
    for col in fields:
        if col not in ("unit", "group") and col not in model.inputs:
            problems.append(DataProblem(where, None, col, "no input of this scheme has this name"))
    if problems:
        raise DataError(problems)
    units = []
    for lineno, row in enumerate(reader, 2):
        group = row.get("group") or ""
        if row.get(None):
            problems.append(
                DataProblem(
                    f"{where}:{lineno}",
                    row.get("unit"),
                    None,
                    f"{len(row[None])} cell(s) more than the header has columns",
                )
            )
        missing = [col for col, cell in row.items() if col is not None and cell is None]
        if missing:  # a short row, not empty cells: an empty cell is written `,,`
            problems.append(
                DataProblem(
                    f"{where}:{lineno}",
                    row.get("unit"),
                    None,
                    f"the row stops before column(s) {', '.join(missing)}",
                )
            )
        facts: dict[str, Any] = {}
        for col in fields:
            if col in ("unit", "group"):
                continue
            decl = model.inputs[col]
            cell = (row.get(col) or "").strip()
            applies = col in model.inputs_for(group)
            if not applies:
                if cell:
                    problems.append(
                        DataProblem(
                            f"{where}:{lineno}",
                            row.get("unit"),
                            col,
                            not_for_group(model, col, group) + "; leave the cell empty",
                        )
                    )
                continue
            facts[col] = _csv_cell(cell, decl)
        units.append({"unit": row.get("unit"), "group": group, "facts": facts})
    if problems:
        raise DataError(problems)
    return {"units": units}


def not_for_group(model: Model, name: str, group: str) -> str:
    """Why a unit of `group` may not give the fact `name`."""
    decl = model.inputs.get(name)
    constant = model.constants.get(name)
    if constant is not None and constant.type is not None:
        return 'this is a constant: give it once in the data\'s top-level "constants"'
    if constant is not None:
        return "this is a constant the rules fix: the data does not give it"
    if decl is None:
        return "this input is not an input of this scheme"
    if decl.groups:
        return f"this input is not given for group {group!r} (it is for {', '.join(decl.groups)})"
    return f"this input is not given for group {group!r}: no rule of that group reads it"


def _csv_cell(cell: str, decl: ir.InputDecl) -> Any:
    if cell == "":
        return None
    t = decl.type
    if isinstance(t, ir.YesNoType):
        low = cell.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return cell  # left as text: validation reports it
    return cell


def validate(raw: Any, model: Model, where: str) -> list[UnitData]:
    problems: list[DataProblem] = []
    if not isinstance(raw, Mapping) or not isinstance(raw.get("units"), list):
        raise DataError(
            [DataProblem(where, None, None, 'expected an object {"units": [...]} at the top')]
        )
    extra = set(raw) - {"units", "constants", "roster"}
    _roster(raw, model, where, problems)
    if extra:
        problems.append(
            DataProblem(where, None, None, f"unknown top-level key(s): {', '.join(sorted(extra))}")
        )
    # the groups with a unit in the data: the constants their rules read are required
    present = {
        e["group"] for e in raw["units"] if isinstance(e, Mapping) and is_text(e.get("group"))
    }
    constants = _constants(raw.get("constants"), model, where, problems, present)
    out: list[UnitData] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw["units"], 1):
        here = f"{where}: units[{i}]"
        if not isinstance(entry, Mapping):
            problems.append(DataProblem(here, None, None, "a unit must be an object"))
            continue
        unknown = set(entry) - {"unit", "group", "facts", "given"}
        name = entry.get("unit")
        if not is_text(name) or not name.strip():
            problems.append(DataProblem(here, None, "unit", "every unit needs a non-empty name"))
            continue
        if unknown:
            problems.append(
                DataProblem(where, name, None, f"unknown key(s) {', '.join(sorted(unknown))}")
            )
        for key in _duplicates(entry):
            problems.append(DataProblem(where, name, key, "given twice"))
        if name in seen:
            problems.append(DataProblem(where, name, None, "this unit appears twice"))
            continue
        seen.add(name)
        group = entry.get("group")
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
            given = read_given(entry["given"], str(group), model, where, name, problems, convert)
        if given or block.sheets:
            skipped = block.skipped(frozenset(given))
            # another unit's sheet asks nothing of this unit; a sheet it lacks is an error
            needed = block.inputs_read(skipped, name if block.sheets else None)
            for section in block.missing_sheets(name, skipped):
                problems.append(_no_sheet(block, section, where, name))
        checked = _facts(facts, str(group), model, where, name, problems, needed)
        checked.update(constants)  # the rules read a constant entered in the data as a fact
        out.append(UnitData(name, str(group), checked, given))
    if problems:
        raise DataError(problems)
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
                    "missing: give it in the data file's top-level `constants` object "
                    f'({{"constants": {{"{name}": …}}, "units": […]}}; JSON data)',
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
) -> dict[str, Any]:
    """`needed`: the inputs the unit's computed values read, when given values leave some
    rules skipped (None: every input of the group)."""
    out: dict[str, Any] = {}
    wanted = model.inputs_for(group)
    # a grade and its place in the raters' ordering (`require G ordered by P`): one is enough
    places, record_places = model.orderings(group)
    partner = {**places, **{p: g for g, p in places.items()}} if places else places
    for key in _duplicates(facts):
        problems.append(DataProblem(where, unit, key, "given twice; the data is ambiguous"))
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
        return value
    if isinstance(t, ir.EnumType):
        values = model.enums[t.name].values
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
