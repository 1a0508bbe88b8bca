"""JSON as a hostile writer produces it: numbers kept as the exact text they were written as
(`1e1000000`, a 5,000-digit integer, `-0`, `NaN`), objects as lists of pairs so a key can be
given twice, and raw fragments (`[[[[…]]]]`, an invalid escape) written verbatim."""

from __future__ import annotations

import json
from typing import Any


class Raw(str):
    """A JSON token written exactly as it is: a number's text, `NaN`, a nested fragment."""

    __slots__ = ()


class Obj(list[tuple[str, Any]]):
    """A JSON object as its (key, value) pairs, in order, duplicates kept."""

    def get(self, key: str, default: Any = None) -> Any:
        for k, v in self:
            if k == key:
                return v
        return default

    def set(self, key: str, value: Any) -> None:
        for i, (k, _) in enumerate(self):
            if k == key:
                self[i] = (key, value)
                return
        self.append((key, value))

    def keys(self) -> list[str]:
        return [k for k, _ in self]


def parse(text: str) -> Any:
    """A JSON document as Obj / list / str / Raw / bool / None, numbers left as written."""
    return json.loads(
        text, object_pairs_hook=Obj, parse_int=Raw, parse_float=Raw, parse_constant=Raw
    )


def string(text: str) -> str:
    """A JSON string literal; lone surrogates and control characters as \\u escapes, the rest
    as itself (so Chinese stays readable in a reproduction)."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def dump(value: Any, indent: int | None = None, level: int = 0) -> str:
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return string(value)
    if isinstance(value, int):
        return str(value)
    pad = "" if indent is None else "\n" + " " * (indent * (level + 1))
    end = "" if indent is None else "\n" + " " * (indent * level)
    sep = ", " if indent is None else ","
    if isinstance(value, Obj):
        if not value:
            return "{}"
        parts = [f"{pad}{string(k)}: {dump(v, indent, level + 1)}" for k, v in value]
        return "{" + sep.join(parts) + end + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[" + sep.join(pad + dump(v, indent, level + 1) for v in value) + end + "]"
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def copy(value: Any) -> Any:
    """A deep copy of a parsed tree (Raw and str are immutable and shared)."""
    if isinstance(value, Obj):
        return Obj((k, copy(v)) for k, v in value)
    if isinstance(value, list):
        return [copy(v) for v in value]
    return value
