"""The shipped schemes' rules files, mutated as a hurried editor or an attacker would: lines
deleted, duplicated, swapped, cut short or re-indented; numbers made extreme; names changed;
control, invisible and full-width characters typed in; expressions nested hundreds deep or
summed hundreds wide; an item repeated thousands of times; the file saved as GBK, with CRLF or
a byte-order mark. Each mutation is a few small integers, so hypothesis shrinks a failing
input to the fewest, simplest edits of one file."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from fuzz.case import ANY_DOCUMENTED, OK_OR_RULES, Case, Command
from fuzz.hostile import CONTROL_CHARS, HUGE_DIGITS, INVISIBLE_CHARS, WIDE_CHARS
from fuzz.shipped import Shipped, schemes

Draw = Callable[[st.SearchStrategy[Any]], Any]

EXTREME_NUMBERS = [
    "0",
    "-1",
    "1e30",
    "1" + "0" * 30,
    "9" * 40,
    HUGE_DIGITS,
    "0." + "0" * 50 + "1",
    "-0",
    "100%",
    "0%",
    "99999999999999999999999999999",
    "4301",
]
NEW_NAMES = [
    "新名",
    "总分",
    "total",
    "ＡＢ",
    "名\u200b称",
    "\u200b",
    "e\u0301",
    "名" * 500,
    "_",
    "x1",
]
TYPED_CHARS = CONTROL_CHARS + INVISIBLE_CHARS + WIDE_CHARS + ["\t", "#", ":", '"', "“", "\\", "{"]
INDENTS = ["", " ", "    ", "\t", "\u3000", "  ", "        " * 4]
NEST_DEPTHS = [30, 100, 200, 300, 1000]
REPEATS = [2, 50, 300, 3000]
OPS = [
    "delete",
    "duplicate",
    "swap",
    "number",
    "rename",
    "type",
    "indent",
    "nest",
    "repeat",
    "cut",
    "encoding",
]
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?%?(?![\w.])")
_NAME = re.compile(r"[^\W\d]\w*")


def _code_lines(lines: list[str]) -> list[int]:
    found = [
        i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")
    ]
    return found or list(range(len(lines)))


def _is_zh(text: str) -> bool:
    return "评分" in text or "指标" in text or "方案" in text


def _nest(number: str, style: int, depth: int, zh: bool) -> str:
    if style == 0:
        return "(" * depth + number + ")" * depth
    if style == 1:
        return "-" * depth + number
    if style == 2:
        head = "若 是 则 " if zh else "if true then "
        return head * depth + number + (" 否则 0" if zh else " else 0") * depth
    if style == 3:
        fn = "最小(" if zh else "least("
        return fn * depth + number + ", 1)" * depth
    if style == 4:
        return " + ".join([number] * depth)
    return " × ".join([number] * depth)


def _repeat(lines: list[str], at: int, times: int) -> list[str]:
    """The item (or section) whose header is nearest at or before `at`, written `times` times,
    each copy's name made unique."""
    headers = [
        i
        for i, line in enumerate(lines)
        if re.match(r"\s*(item|指标|section|部分)\s", line) and i <= at
    ] or [i for i, line in enumerate(lines) if re.match(r"\s*(item|指标|section|部分)\s", line)]
    if not headers:
        return lines
    start = headers[-1]
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
    ):
        end += 1
    block = lines[start:end]
    m = re.match(r"(\s*\S+\s+)(\S+?)(\s|:|：|=|$)", block[0])
    copies = []
    for n in range(times):
        head = block[0]
        if m:
            head = m.group(1) + f"{m.group(2)}{n}" + block[0][m.end(2) :]
        copies += [head, *block[1:]]
    return lines[:start] + copies + lines[end:]


def mutate(text: str, op: str, a: int, b: int, c: int) -> str | bytes:
    lines = text.split("\n")
    code = _code_lines(lines)
    i = code[a % len(code)]
    if op == "delete":
        return "\n".join(lines[:i] + lines[i + 1 :])
    if op == "duplicate":
        return "\n".join(lines[: i + 1] + lines[i:])
    if op == "swap":
        j = code[b % len(code)]
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    if op == "cut":
        line = lines[i]
        return "\n".join([*lines[:i], line[: b % (len(line) + 1)]])
    if op == "indent":
        stripped = lines[i].lstrip(" \t\u3000")
        lines[i] = (
            INDENTS[b % len(INDENTS)] + stripped if c % 2 else INDENTS[b % len(INDENTS)] + lines[i]
        )
        return "\n".join(lines)
    if op == "type":
        line = lines[i]
        at = b % (len(line) + 1)
        lines[i] = line[:at] + TYPED_CHARS[c % len(TYPED_CHARS)] + line[at:]
        return "\n".join(lines)
    if op == "repeat":
        return "\n".join(_repeat(lines, i, REPEATS[c % len(REPEATS)]))
    if op == "encoding":
        kind = c % 6
        if kind == 0:
            return "\ufeff" + text
        if kind == 1:
            return text.replace("\n", "\r\n")
        if kind == 2:
            return text.encode("gbk", "replace")
        if kind == 3:
            return text.replace("\n", "\r")
        if kind == 4:
            return "\x00" + text
        lines[i] += "\ud800"
        return "\n".join(lines)
    if op in ("number", "nest"):
        found = list(_NUMBER.finditer(text))
        if not found:
            return text
        m = found[a % len(found)]
        if op == "number":
            new = EXTREME_NUMBERS[b % len(EXTREME_NUMBERS)]
        else:
            new = _nest(m.group(0), b % 6, NEST_DEPTHS[c % len(NEST_DEPTHS)], _is_zh(text))
        return text[: m.start()] + new + text[m.end() :]
    assert op == "rename"
    found = [m for m in _NAME.finditer(text) if not text[: m.start()].rstrip(" ").endswith("#")]
    if not found:
        return text
    m = found[a % len(found)]
    return text[: m.start()] + NEW_NAMES[b % len(NEW_NAMES)] + text[m.end() :]


@st.composite
def mutated_schemes(draw: Draw) -> Case:
    scheme: Shipped = draw(st.sampled_from(schemes()))
    files = dict(scheme.rules)
    notes = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files)))
        op = draw(st.sampled_from(OPS))
        a, b, c = (draw(st.integers(0, 10_000)) for _ in range(3))
        current = files[name]
        if isinstance(current, bytes):
            continue  # already re-encoded: further edits would need its encoding
        files[name] = mutate(current, op, a, b, c)
        notes.append(f"{op} in {name}")
    encoded = {
        f"rules/{n}": (t if isinstance(t, bytes) else t.encode("utf-8", "surrogatepass"))
        for n, t in files.items()
    }
    rules = tuple(encoded)
    commands = [
        Command(("check", "rules"), OK_OR_RULES, "check"),
        Command(
            ("score", "rules", "data.json", "--format", "json"),
            ANY_DOCUMENTED,
            "score",
            json_out=True,
        ),
    ]
    if draw(st.booleans()):
        commands.append(Command(("compile", "rules", "--emit-python"), OK_OR_RULES, "compile"))
    return Case(
        "mutated rules",
        {**encoded, "data.json": scheme.sample_text.encode()},
        commands,
        note=f"{scheme.id}: " + ", ".join(notes),
        inputs=(*rules, "data.json"),
        rules=rules,
        numeric_facts=scheme.numeric,
        originals={
            **{f"rules/{n}": t for n, t in scheme.rules.items()},
            "data.json": scheme.sample_text,
        },
        check_agrees=True,
    )
