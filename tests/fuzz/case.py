"""What one fuzz input is: the files it puts in a fresh folder and the kaoping commands run
there, each with the exit codes the documentation allows for it. A case prints as its own
reproduction, so hypothesis's "Falsifying example" is the minimal input itself."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Command:
    """One kaoping invocation (paths relative to the case folder) and what it may answer."""

    argv: tuple[str, ...]
    exits: frozenset[int]
    role: str  # check | compile | score | explain | test
    json_out: bool = False  # stdout is a JSON document
    table_units: int | None = None  # a results table: exactly this many unit rows
    output: str | None = None  # the -o / --junitxml target
    same_as: int | None = None  # index of a command whose stdout the written file must equal

    def shell(self) -> str:
        return "kaoping " + " ".join(_quote(a) for a in self.argv)


OK_OR_RULES = frozenset({0, 1})  # check: clean, or rules errors
OK_OR_DATA = frozenset({0, 2})  # scoring good rules: a result, or data errors
ANY_DOCUMENTED = frozenset({0, 1, 2})  # scoring generated rules: also rules errors
REJECTED = frozenset({2})  # data the documentation says is an error
USAGE = frozenset({3})  # a bad option value (an empty output path)


@dataclass
class Case:
    """Files (relative path → bytes), symlinks, empty folders, and the commands to run."""

    kind: str
    files: dict[str, bytes]
    commands: list[Command]
    note: str = ""  # what the generator did, in words
    symlinks: dict[str, str] = field(default_factory=dict)
    dirs: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()  # files no command may change
    rules: tuple[str, ...] = ()  # rules files: where a rules diagnostic must point
    numeric_facts: frozenset[str] = frozenset()  # facts (and record fields) that are numbers
    strings: tuple[str, ...] = ()  # names from the data, ignored when scanning text output
    originals: dict[str, str] = field(default_factory=dict)  # path → text before mutation
    check_agrees: bool = False  # `check` and compiling must agree on rules errors
    # unit → fact → the number as written in the data: the results JSON must echo it exactly
    facts_in: dict[str, dict[str, str]] = field(default_factory=dict)
    units: int | None = None

    def __repr__(self) -> str:
        return "\n" + describe(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """How hypothesis prints a falsifying example: in short (the failure message above
        shows the whole input)."""
        printer.text(f"<{self.kind}: {visible(self.note)}>")


def describe(case: Case, limit: int = 1500) -> str:
    lines = [f"[{case.kind}] {case.note}".rstrip()]
    for d in case.dirs:
        lines.append(f"  folder {d}/")
    for path, target in case.symlinks.items():
        lines.append(f"  symlink {path} -> {target}")
    for name, data in case.files.items():
        path = visible(name)
        original = case.originals.get(name)
        text = data.decode("utf-8", "surrogateescape")
        if original is not None and original.encode("utf-8") == data:
            lines.append(f"  {path} ({len(data)} bytes): unchanged")
        elif original is not None:
            diff = list(
                difflib.unified_diff(
                    original.split("\n"), text.split("\n"), "before", name, n=1, lineterm=""
                )
            )
            body = "\n".join("      " + preview(line, 400) for line in diff[2:])
            lines.append(f"  {path} ({len(data)} bytes), edited (diff):")
            lines.append(preview(body, limit * 2))
        else:
            lines.append(f"  {path} ({len(data)} bytes): {preview(text, limit)}")
    lines.append("  run: " + " && ".join(c.shell() for c in case.commands))
    return "\n".join(lines)


_RUN = re.compile(r"(\S.{0,15}?)\1{7,}")


def preview(text: str, limit: int = 1500) -> str:
    """Text shown exactly, yet short: invisible characters escaped, long runs of one character
    written as «'9' × 5000», the middle of a long text elided."""
    shown = _RUN.sub(
        lambda m: f"«{visible(m.group(1))!r} × {len(m.group(0)) // len(m.group(1))}»", text
    )
    shown = visible(shown)
    if len(shown) > limit:
        shown = shown[: limit // 2] + f" …({len(shown) - limit} chars)… " + shown[-limit // 2 :]
    return shown


def visible(text: str) -> str:
    out = []
    for ch in text:
        if ch == "\n" or (ch.isprintable() and ch not in "\u3000\u00a0"):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


def _quote(arg: str) -> str:
    if arg and re.fullmatch(r"[\w./@%+=:,-]+", arg):
        return arg
    return "'" + visible(arg).replace("'", "'\\''") + "'"
