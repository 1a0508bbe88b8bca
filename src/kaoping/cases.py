"""Golden cases: YAML files of inputs and expected outputs next to a scheme's rules, in the
manner of OpenFisca's tests. Unknown keys are rejected, naming the file and the case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import yaml

from kaoping.compiler.load import CompiledScheme
from kaoping.errors import DataError, KaopingError
from kaoping.exact import NumberError, Q, describe
from kaoping.io.numbers import NumberText, read_number
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


class _NumberTextLoader(yaml.SafeLoader):
    """YAML numbers stay as their text (never floats, never int() on unbounded digits) until
    the case reader knows what each is for: a fact, a history value or an expectation."""


def _number_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> NumberText:
    return NumberText(loader.construct_scalar(node))


_NumberTextLoader.add_constructor("tag:yaml.org,2002:float", _number_text)
_NumberTextLoader.add_constructor("tag:yaml.org,2002:int", _number_text)


def load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8-sig") as fh:
            return yaml.load(fh, Loader=_NumberTextLoader)
    except OSError as err:
        raise CaseFileError(f"{path}: cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise CaseFileError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    except yaml.YAMLError as err:
        raise CaseFileError(f"{path}: not valid YAML: {err}") from None


class CaseFileError(KaopingError):
    """A golden-case file is malformed."""


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
        raise CaseFileError(f"{path}: expected a mapping with `cases:`")
    unknown = set(doc) - _FILE_KEYS
    if unknown:
        raise CaseFileError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    defaults = doc.get("defaults") or {}
    constants = doc.get("constants") or {}
    for key, value in (("defaults", defaults), ("constants", constants)):
        if not isinstance(value, Mapping):
            raise CaseFileError(f"{path}: `{key}:` must be a mapping")
    out = []
    for i, case in enumerate(doc["cases"], 1):
        name = case.get("name") if isinstance(case, Mapping) else None
        label = f"{path}: case {i} ({name or 'unnamed'})"
        if not isinstance(case, Mapping) or not name:
            raise CaseFileError(f"{label}: every case needs a `name`")
        bad = set(case) - _CASE_KEYS
        if bad:
            raise CaseFileError(f"{label}: unknown key(s) {', '.join(sorted(bad))}")
        for need in ("article", "arithmetic", "units"):
            if need not in case:
                raise CaseFileError(f"{label}: missing `{need}`")
        if ("expect" in case) == ("expect_error" in case):
            raise CaseFileError(f"{label}: give exactly one of `expect` and `expect_error`")
        for unit, exp in (case.get("expect") or {}).items():
            bad = set(exp or {}) - _EXPECT_KEYS
            if bad:
                raise CaseFileError(
                    f"{label}: expect {unit}: unknown key(s) {', '.join(sorted(bad))}"
                )
        out.append(Case(path, str(name), str(case["article"]), case, defaults, constants))
    return out


def _merged_units(case: Case) -> list[dict[str, Any]]:
    units = []
    for u in case.data["units"]:
        facts = dict(case.defaults.get(u.get("group"), {}) or {})
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
        r = results.by_name(str(unit_name))
        if r is None:
            problems.append(f"no unit {unit_name!r} in the results")
            continue
        u = r.unit
        for path, want in (exp.get("scores") or {}).items():
            # a value is named as in the rules: by its path, or by any unique tail of it
            matches = [k for k in u.values if k == path or k.endswith("." + str(path))]
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
                if u.grades.get(gname) != gval:
                    problems.append(
                        f"{unit_name}: {gname} is {u.grades.get(gname)}, expected {gval}"
                    )
        if "flags" in exp and sorted(u.flags) != sorted(exp["flags"] or []):
            problems.append(
                f"{unit_name}: flags are {sorted(u.flags)}, expected {sorted(exp['flags'] or [])}"
            )
        for name, want in (exp.get("outputs") or {}).items():
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
