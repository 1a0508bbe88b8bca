"""Golden cases: YAML files of inputs and expected outputs next to a scheme's rules, in the
manner of OpenFisca's tests. Unknown keys are rejected, naming the file and the case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from kaoping.case_yaml import (
    CaseFileError,
    expect_list,
    expect_mapping,
    expect_scalar,
    load_yaml,
    where,
)
from kaoping.compiler.load import CompiledScheme
from kaoping.errors import DataError, KaopingError
from kaoping.exact import NumberError, Q, describe
from kaoping.io.numbers import is_text, read_number
from kaoping.io.text import nfc
from kaoping.io.validate import read_roster, validate
from kaoping.scoring import Results, score

_FILE_KEYS = {"defaults", "constants", "cases"}
_CASE_KEYS = {
    "name",
    "article",
    "arithmetic",
    "constants",
    "units",
    "roster",
    "history",
    "expect",
    "expect_error",
}
_EXPECT_KEYS = {"scores", "total", "rank", "grade", "flags", "outputs"}


@attrs.frozen
class Case:
    file: Path
    name: str
    article: str
    data: Mapping[str, Any]
    defaults: Mapping[str, Any]
    constants: Mapping[str, Any] = attrs.Factory(dict)  # the file's, under the case's own


@attrs.frozen
class CaseResult:
    case: Case
    passed: bool
    message: str = ""
    # the case's results, when it was scored (traced: what `test --coverage` reads)
    results: Results | None = None


def read_cases(path: Path) -> list[Case]:
    doc = load_yaml(path)
    if not isinstance(doc, Mapping) or "cases" not in doc:
        raise CaseFileError(f"{where(path, doc)}: expected a mapping with `cases:`")
    at = where(path, doc)
    unknown = set(doc) - _FILE_KEYS
    if unknown:
        raise CaseFileError(f"{at}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    defaults = expect_mapping(doc.get("defaults"), "defaults", at)
    for group, facts in defaults.items():
        expect_mapping(facts, f"defaults: {group}", where(path, defaults))
    constants = expect_mapping(doc.get("constants"), "constants", at)
    out = []
    for i, case in enumerate(expect_list(doc["cases"], "cases", at, null_ok=False), 1):
        name = case.get("name") if isinstance(case, Mapping) else None
        label = f"{where(path, case)}: case {i} ({name or 'unnamed'})"
        if not isinstance(case, Mapping) or not name:
            raise CaseFileError(f"{label}: every case needs a `name`")
        bad = set(case) - _CASE_KEYS
        if bad:
            raise CaseFileError(f"{label}: unknown key(s) {', '.join(sorted(map(str, bad)))}")
        for need in ("article", "arithmetic", "units"):
            if need not in case:
                raise CaseFileError(f"{label}: missing `{need}`")
        for key in ("name", "article", "arithmetic", "expect_error"):
            expect_scalar(case.get(key), key, label)
        if ("expect" in case) == ("expect_error" in case):
            raise CaseFileError(f"{label}: give exactly one of `expect` and `expect_error`")
        _check_units(case, label)
        _check_expect(case, label)
        out.append(Case(path, str(name), str(case["article"]), case, defaults, constants))
    return out


def _check_units(case: Mapping[str, Any], label: str) -> None:
    """The shape `_merged_units` relies on; what each unit holds, validation judges."""
    for j, unit in enumerate(expect_list(case["units"], "units", label), 1):
        unit = expect_mapping(unit, f"units: {j}", label, null_ok=False)
        expect_mapping(unit.get("facts"), f"units: {j}: facts", label)
    expect_list(case.get("history"), "history", label)


def _check_expect(case: Mapping[str, Any], label: str) -> None:
    for unit, exp in expect_mapping(case.get("expect"), "expect", label).items():
        exp = expect_mapping(exp, f"expect: {unit}", label)
        bad = set(exp) - _EXPECT_KEYS
        if bad:
            raise CaseFileError(
                f"{label}: expect {unit}: unknown key(s) {', '.join(sorted(map(str, bad)))}"
            )
        for key in ("scores", "outputs"):
            expect_mapping(exp.get(key), f"expect: {unit}: {key}", label)
        for key in ("total", "rank"):
            expect_scalar(exp.get(key), f"expect: {unit}: {key}", label)
        for value in expect_list(exp.get("flags"), f"expect: {unit}: flags", label):
            expect_scalar(value, f"expect: {unit}: flags", label)
        grade = exp.get("grade")
        if isinstance(grade, Mapping):
            for gname, gvalue in grade.items():
                expect_scalar(gvalue, f"expect: {unit}: grade: {gname}", label)
        else:
            expect_scalar(grade, f"expect: {unit}: grade", label)


def _merged_units(case: Case) -> list[dict[str, Any]]:
    units = []
    # a group named in either Unicode form (NFC, NFD) is one group, as in data files
    defaults = {nfc(str(k)): v for k, v in case.defaults.items()}
    for u in case.data["units"] or []:
        group = u.get("group")
        facts = dict(defaults.get(nfc(group), {}) or {}) if is_text(group) else {}
        facts.update(u.get("facts") or {})
        # every other key (`given`, a misspelt one) goes to validation as a data file's would
        units.append({**u, "facts": facts})
    return units


def _merged_constants(case: Case) -> Any:
    """The file's `constants:`, each overridden by the case's own (`null`: not entered)."""
    own = case.data.get("constants")
    if not isinstance(own, Mapping):  # none, or malformed: validation names it
        return own if own is not None else dict(case.constants)
    return {**case.constants, **own}


def run_case(scheme: CompiledScheme, case: Case, trace: bool = False) -> CaseResult:
    """Score the case's units and compare; `trace` scores with the traced twin (the same
    values, and the trace `test --coverage` reads)."""
    where = f"{case.file}: {case.name}"
    try:
        raw = {"units": _merged_units(case), "constants": _merged_constants(case)}
        if "roster" in case.data:  # a case on part of a roster (one unit re-scored after appeal)
            raw["roster"] = case.data["roster"]
        data = validate(raw, scheme.model, where)
        history = {"units": case.data.get("history") or []}
        roster = read_roster(raw, scheme.model, where)
        results = score(scheme, data, history, trace, roster=roster)
    except DataError as err:
        if "expect_error" in case.data:
            want = str(case.data["expect_error"])
            if want in str(err):
                return CaseResult(case, True)
            return CaseResult(case, False, f"expected an error containing {want!r}, got: {err}")
        return CaseResult(case, False, f"data error: {err}")
    except KaopingError as err:
        return CaseResult(case, False, f"error: {err}")  # as `score` says it, not a class name
    if "expect_error" in case.data:
        return CaseResult(
            case,
            False,
            f"expected an error containing {case.data['expect_error']!r}, but scoring succeeded",
            results,
        )
    problems = compare(results, case.data["expect"] or {})
    return CaseResult(case, not problems, "; ".join(problems), results)


def _eq(actual: Any, expected: Any) -> bool:
    """An expected number (a decimal, or an exact fraction "550/3") equals the value exactly."""
    if isinstance(actual, Q) or (isinstance(actual, int) and not isinstance(actual, bool)):
        try:  # a rank is a whole number (an int)
            return bool(actual == read_number(expected, "result"))
        except NumberError:
            return False
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return bool(actual == expected)


def _shown(value: Any) -> Any:
    return describe(value) if isinstance(value, Q) else value


def _rank(expected: Any) -> int:
    """An expected rank; 0 (which no unit has) when the expectation is no whole number."""
    try:
        number = read_number(expected, "result")
    except NumberError:
        return 0
    return int(number) if number.denominator == 1 else 0


def compare(results: Results, expect: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    for unit_name, exp in expect.items():
        exp = exp or {}
        r = results.by_name(nfc(str(unit_name).strip()))  # as the units' names were read
        if r is None:
            problems.append(f"no unit {unit_name!r} in the results")
            continue
        u = r.unit
        for path, want in (exp.get("scores") or {}).items():
            # a value is named as in the rules: by its path, or by any unique tail of it
            path = nfc(str(path))
            matches = [k for k in u.values if k == path or k.endswith("." + path)]
            if len(matches) != 1:
                problems.append(
                    f"{unit_name}: "
                    + (
                        f"{path!r} names several values: {', '.join(matches)}"
                        if matches
                        else f"no value {path!r}"
                    )
                )
                continue
            got = u.values[matches[0]]
            if not _eq(got, want):
                problems.append(f"{unit_name}: {path} is {_shown(got)}, expected {want}")
        if "total" in exp and not _eq(r.total, exp["total"]):
            problems.append(f"{unit_name}: total is {_shown(r.total)}, expected {exp['total']}")
        if "rank" in exp and r.rank != (None if exp["rank"] is None else _rank(exp["rank"])):
            problems.append(f"{unit_name}: rank is {r.rank}, expected {exp['rank']}")
        if "grade" in exp:
            want_grades = exp["grade"]
            if not isinstance(want_grades, Mapping):
                if len(u.grades) != 1:
                    problems.append(
                        f"{unit_name}: the scheme has {len(u.grades)} gradings; "
                        "name the one to check: grade: {NAME: VALUE}"
                    )
                    want_grades = {}
                else:
                    want_grades = {next(iter(u.grades)): want_grades}
            for gname, gval in want_grades.items():
                gname = nfc(str(gname))
                gval = nfc(gval) if is_text(gval) else gval
                if gname not in u.grades:
                    known = ", ".join(u.grades) or "none"
                    problems.append(f"{unit_name}: no grading {gname!r} (the unit's: {known})")
                elif u.grades.get(gname) != gval:
                    problems.append(
                        f"{unit_name}: {gname} is {u.grades.get(gname)}, expected {gval}"
                    )
        want_flags = sorted(str(f) for f in exp.get("flags") or [])
        if "flags" in exp and sorted(u.flags) != want_flags:
            problems.append(f"{unit_name}: flags are {sorted(u.flags)}, expected {want_flags}")
        for name, want in (exp.get("outputs") or {}).items():
            name = nfc(str(name))
            if name not in u.values:
                problems.append(f"{unit_name}: no output {name!r}")
            elif not _eq(u.values[name], want):
                problems.append(f"{unit_name}: {name} is {_shown(u.values[name])}, expected {want}")
    return problems


def run_files(
    scheme: CompiledScheme, files: Sequence[Path], trace: bool = False
) -> list[CaseResult]:
    out = []
    for f in files:
        for case in read_cases(f):
            out.append(run_case(scheme, case, trace))
    return out
