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
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from kaoping.compiler import ir
from kaoping.compiler.model import BlockModel, Model
from kaoping.errors import DataError, DataProblem
from kaoping.exact import NumberError, show
from kaoping.io.given import Given, read_given
from kaoping.io.jsonstream import UnitsStream
from kaoping.io.numbers import NumberText, is_text, plain_number, read_number, show_value
from kaoping.io.text import clean_name, is_unicode

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


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) == len(pairs):  # the common case: a plain dict, no per-object overhead
        return out
    marked = _Object(pairs)
    dups: list[str] = []
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen and key not in dups:
            dups.append(key)
        seen.add(key)
    marked.duplicates = tuple(dups)
    return marked


def _duplicates(obj: Any) -> tuple[str, ...]:
    return getattr(obj, "duplicates", ())


def duplicate_keys(doc: Any, where: str) -> list[DataProblem]:
    """Every key given twice in any object of a parsed JSON document, named by its path
    (`units[2].facts.满意度`): JSON parsers keep the last one silently."""
    problems: list[DataProblem] = []
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:  # a loop, not recursion: the document may be deep
        node, path = stack.pop()
        if isinstance(node, Mapping):
            for key in _duplicates(node):
                problems.append(DataProblem(where, None, path + key, "given twice; ambiguous"))
            stack.extend((v, f"{path}{k}.") for k, v in node.items() if isinstance(v, dict | list))
        elif isinstance(node, list):
            base = path.removesuffix(".")
            stack.extend((v, f"{base}[{i}].") for i, v in enumerate(node, 1))
    return sorted(problems, key=lambda p: p.field or "")


def _decoder() -> json.JSONDecoder:
    # numbers stay text until a reader knows what they are for: no float, no int() on
    # unbounded digits, and NaN / Infinity are kept only to be rejected by name
    return json.JSONDecoder(
        parse_float=NumberText,
        parse_int=NumberText,
        parse_constant=NumberText,
        object_pairs_hook=_object,
    )


def read_json_text(text: str, where: str) -> Any:
    try:
        return _decoder().decode(text)
    except (RecursionError, json.JSONDecodeError) as err:
        raise _json_error(err, where) from None


def _json_error(err: RecursionError | json.JSONDecodeError, where: str) -> DataError:
    if isinstance(err, RecursionError):
        return DataError([DataProblem(where, None, None, "nested too deeply to be unit data")])
    return DataError(
        [DataProblem(f"{where}:{err.lineno}:{err.colno}", None, None, f"not valid JSON: {err.msg}")]
    )


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
        return validate(csv_units(text, model, where), model, where), {}
    if text.lstrip(" \t\r\n").startswith("{"):
        return _load_json_streamed(text, model, where)
    raw = read_json_text(text, where)
    units = validate(raw, model, where)
    return units, read_roster(raw, model, where)


def _load_json_streamed(
    text: str, model: Model, where: str
) -> tuple[list[UnitData], dict[str, int]]:
    """A JSON data file checked unit by unit as it is parsed (see jsonstream): the same
    problems as `validate` gives for the whole parsed file, without holding every parsed unit."""
    stream = UnitsStream(text, _decoder())
    problems: list[DataProblem] = []
    present: set[str] = set()  # the groups with a unit in the data, as `validate` finds them
    try:
        out = _units(stream, model, where, problems, present)
    except (RecursionError, json.JSONDecodeError) as err:
        raise _json_error(err, where) from None
    if not stream.units_is_list and stream.keys.count("units") < 2:
        raise DataError([_not_units(where)])
    first: list[DataProblem] = []  # the top-level object's problems, reported first
    roster = _roster(stream.others, model, where, first)
    first.extend(_top_level(stream.keys, where))
    constants = _constants(stream.others.get("constants"), model, where, first, present)
    problems[:0] = first
    if problems:
        raise DataError(problems)
    return _with_constants(out, constants), roster


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
    for lineno, row in _csv_rows(reader, where):
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


def _csv_rows(reader: csv.DictReader[str], where: str) -> Iterator[tuple[int, dict[Any, Any]]]:
    """The rows with the line each starts on; a row the csv module cannot read (a cell over its
    field limit of 128 KiB, a quote left open) is a data error naming that line."""
    rows = iter(reader)
    while True:
        start = reader.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            reason = str(err)
            if "field larger than field limit" in reason:
                reason = (
                    f"a cell is longer than {csv.field_size_limit():,} characters, far more than "
                    "any unit's data; is a quote left open?"
                )
            raise DataError(
                [DataProblem(f"{where}:{start}", None, None, f"cannot read this row: {reason}")]
            ) from None
        yield start, row


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
        checked = _facts(facts, str(group), model, where, name, problems, needed)
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
        if not is_unicode(value):
            bad(f"{show_value(value)} contains a lone surrogate, which is not Unicode text")
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
