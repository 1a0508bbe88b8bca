"""The property every input must satisfy, as checks on one command's answer: a result or a
located diagnostic with a documented exit code; never a traceback, a hang, a crash, a Python
repr for a message, or a non-finite number in the output; the output a user reads is what it
claims to be (JSON parses, one table row per unit, no terminal control characters)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from fuzz.case import Case, Command
from fuzz.worker_pool import Answer
from kaoping.io.text import for_terminal


@dataclass(frozen=True)
class Failure:
    kind: str  # traceback | hang | crash | exit code | unlocated | python repr | non-finite | …
    signature: str  # what two inputs share when they hit the same defect
    detail: str
    command: Command


_NONFINITE_TEXT = re.compile(r"(?<![\w.])[+-]?(?:Infinity|sNaN|NaN|inf|nan|Inf)(?![\w])")
_NUMERIC_KEYS = {"total", "value", "max", "amount", "before", "rank"}
_NUMERIC_MAPS = {"scores", "outputs"}
_FACT_MAPS = {"facts", "inputs"}


def judge(case: Case, cmd: Command, answer: Answer) -> list[Failure]:
    """Everything wrong with one answer (an empty list: the property holds)."""
    role = f"{cmd.role} ({case.kind})"
    if answer.hung:
        return [Failure("hang", f"hang: {role}", f"no answer after {answer.seconds:.1f} s", cmd)]
    if answer.died is not None:
        return [Failure("crash", f"crash: {role}, status {answer.died}", "the process died", cmd)]
    if answer.exception is not None:
        exc = answer.exception
        where = exc.get("own") or exc.get("deepest") or "?"
        sig = f"traceback: {exc['type']} at {where}"
        return [Failure("traceback", sig, exc.get("traceback", ""), cmd)]
    out: list[Failure] = []
    code = answer.exit_code
    both = answer.stdout + answer.stderr
    if "Traceback (most recent call last)" in both:
        out.append(Failure("traceback", f"printed traceback: {role}", _tail(both), cmd))
    if code not in cmd.exits:
        sig = f"exit code {code} from {role}"
        out.append(Failure("exit code", sig, _tail(answer.stderr or answer.stdout), cmd))
    if re.search(r"<class '|\[<class|<module '|object at 0x", answer.stderr):
        shown = sorted(set(re.findall(r"<class '([^']+)'>", answer.stderr))) or ["an object"]
        sig = f"python repr in a message: {', '.join(shown)}: {role}"
        out.append(Failure("python repr", sig, _tail(answer.stderr), cmd))
    if code in (1, 2) and not located(case, cmd, answer):
        # rules diagnostics all share one cause (the file is not named); data errors differ
        what = "no rules file named" if code == 1 else _template(answer.stderr)
        sig = f"unlocated exit {code}: {role}: {what}"
        out.append(Failure("unlocated", sig, _tail(answer.stderr) or "(nothing on stderr)", cmd))
    if code == 0:
        out.extend(_check_output(case, cmd, answer.stdout))
    return out


def located(case: Case, cmd: Command, answer: Answer) -> bool:
    """A diagnostic names where the problem is: rules errors a rules file's line and column
    (or the unreadable file), data errors the data, history or output file, or a rule line."""
    err = answer.stderr
    if not err.strip():
        return False
    # a path is printed as the terminal should show it: control characters escaped
    paths = [q for p in _paths(case, cmd) if p for q in {p, for_terminal(p)}]
    rules = [q for p in case.rules for q in {p, for_terminal(p)}]
    if answer.exit_code == 1:
        return any(re.search(re.escape(p) + r":\d+:\d+", err) for p in rules) or any(
            re.search(r"(?i)error:? .*" + re.escape(p), err) for p in paths
        )
    return any(p in err for p in paths) or bool(re.search(r"\.rules:\d+:\d+", err))


def _paths(case: Case, cmd: Command) -> list[str]:
    """What a diagnostic may name to say where the problem is: the case's files, the paths
    and the unit given on the command line."""
    found = [*case.files, *case.symlinks, *case.dirs, *case.rules]
    found += [a for a in cmd.argv if "/" in a or "." in a]
    if "--history" in cmd.argv:
        found.append("history")  # the file given as --history, by the option's name
    if "--unit" in cmd.argv:
        found.append(repr(cmd.argv[cmd.argv.index("--unit") + 1]))
    if cmd.output is not None:
        found.append(cmd.output.rstrip("/") or "--output")
    return found


def _check_output(case: Case, cmd: Command, stdout: str) -> list[Failure]:
    role = f"{cmd.role} ({case.kind})"
    if cmd.output is not None and cmd.role == "score":
        return []  # the written file is checked by the runner
    if cmd.json_out:
        bare: list[str] = []
        try:
            doc = json.loads(stdout, parse_constant=lambda s: bare.append(s) or s)
        except ValueError as err:
            return [Failure("output", f"stdout is not JSON: {role}", f"{err}", cmd)]
        if bare:
            return [Failure("non-finite", f"non-finite JSON number: {role}", bare[0], cmd)]
        out = []
        for field, value in _numbers(doc, case.numeric_facts):
            if _nonfinite(value):
                sig = f"non-finite number: {role}: {field}"
                return [Failure("non-finite", sig, f"{field}: {value}", cmd)]
            if _negative_zero(value):
                sig = f"negative zero: {role}: {field}"
                return [Failure("negative zero", sig, f"{field}: {value}", cmd)]
        if cmd.role == "score" and case.facts_in:
            out.extend(_echo(case, cmd, doc))
        return out
    out = []
    text = stdout
    if cmd.role == "compile":
        # generated Python is code, not numbers shown to anyone: it quotes each rules line (in
        # comments and as the grading lines' text) as the policy writer wrote it
        text = ""
    for s in sorted(case.strings, key=len, reverse=True):
        if s:
            text = text.replace(s, " ")
    m = _NONFINITE_TEXT.search(text)
    if m:
        line = text[text.rfind("\n", 0, m.start()) + 1 : text.find("\n", m.end())]
        out.append(Failure("non-finite", f"non-finite number: {role}: text", line, cmd))
    m = re.search(r"(?<![\w.])-0(\.0+)?(?![\w.])", text)
    if m:
        line = text[text.rfind("\n", 0, m.start()) + 1 : text.find("\n", m.end())]
        out.append(Failure("negative zero", f"negative zero: {role}: text", line, cmd))
    controls = sorted({c for c in stdout if unicodedata.category(c) == "Cc" and c not in "\n\t"})
    if controls:
        shown = ", ".join(f"U+{ord(c):04X}" for c in controls)
        out.append(Failure("output", f"control character reaches the terminal: {role}", shown, cmd))
    if cmd.table_units is not None:
        rows = [
            line
            for line in stdout.split("\n")
            if line.strip()
            and not line.startswith("== ")
            and not line.startswith("rank ")
            and not line.lstrip().startswith("! ")  # a unit's warning under its group
        ]
        if stdout.strip() != "(no units in the data)" and len(rows) != cmd.table_units:
            out.append(
                Failure(
                    "output",
                    f"table rows are not one per unit: {role}",
                    f"{cmd.table_units} unit(s), {len(rows)} row(s):\n" + _tail(stdout),
                    cmd,
                )
            )
    return out


def _numbers(doc: Any, numeric_facts: frozenset[str], key: str = "") -> Iterator[tuple[str, Any]]:
    """(field, value) of every number in a results or explain document: totals, scores,
    outputs, explain values and steps, and the facts declared as numbers."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k in _NUMERIC_MAPS and isinstance(v, dict):
                yield from ((f"{k}.{name}", value) for name, value in v.items())
            elif k in _FACT_MAPS and isinstance(v, dict):
                yield from _facts(v, numeric_facts, k)
            elif k in _NUMERIC_KEYS:
                yield k, v
            else:
                yield from _numbers(v, numeric_facts, k)
    elif isinstance(doc, list):
        for v in doc:
            yield from _numbers(v, numeric_facts, key)


def _facts(facts: dict[str, Any], numeric: frozenset[str], where: str) -> Iterator[tuple[str, Any]]:
    for name, value in facts.items():
        if name in numeric and not isinstance(value, list):
            yield f"{where}.{name}", value
        elif isinstance(value, list):
            for rec in value:
                if isinstance(rec, dict):
                    yield from _facts(rec, numeric, where)


def _negative_zero(value: Any) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"-0(\.0*)?(E[+-]?\d+)?", value.strip()))


def _echo(case: Case, cmd: Command, doc: Any) -> list[Failure]:
    """The results JSON echoes every fact exactly as given: next year reads it back."""
    role = f"{cmd.role} ({case.kind})"
    for unit in doc.get("units", []) if isinstance(doc, dict) else []:
        given = case.facts_in.get(unit.get("unit"), {})
        facts = unit.get("facts") or {}
        for name, text in given.items():
            echoed = facts.get(name)
            try:
                same = isinstance(echoed, str | int) and Decimal(str(echoed)) == Decimal(text)
            except (InvalidOperation, ValueError):
                same = False
            if not same:
                detail = f"unit {unit.get('unit')!r}, fact {name!r}: given {text}, echoed {echoed}"
                return [
                    Failure("changed fact", f"a fact is not echoed as given: {role}", detail, cmd)
                ]
    return []


def _nonfinite(value: Any) -> bool:
    if isinstance(value, float):
        return value != value or value in (float("inf"), float("-inf"))
    if not isinstance(value, str):
        return False
    try:
        return not Decimal(value.strip()).is_finite()
    except (InvalidOperation, ValueError):
        return False


def _template(text: str) -> str:
    """A message with its particulars (names, numbers, paths) blanked: the same defect hit
    by different inputs gives the same template."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    first = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", first)
    first = re.sub(r"while scoring (group )?[^:]*:", r"while scoring \1…:", first)
    first = re.sub(r"\S*[/\\]\S*|\S+\.(json|csv|rules|txt|xml)\b", "PATH", first)
    first = re.sub(r"\d+", "N", first)
    return first[:90]


def _tail(text: str, lines: int = 30, width: int = 240) -> str:
    """The first lines of a message, each cut short: enough to recognise it."""
    rows = text.rstrip("\n").split("\n")
    shown = [
        r if len(r) <= width else r[:width] + f"…({len(r) - width} more)" for r in rows[:lines]
    ]
    if len(rows) > lines:
        shown.append(f"…({len(rows) - lines} more lines)")
    return "\n".join(shown)
