"""The parser's LALR tables, built ahead from kaoping.lark and shipped in the package as JSON.

Building the tables takes most of a second. Lark's own cache (`cache=True`) would keep them in a
pickle in the shared temp folder, under a predictable name, and unpickling runs code: anyone who
can write to that folder could run code as whoever parses next. These tables are data (JSON
cannot run code), live inside the installed package like the code itself, and are used only if
they were built from exactly this grammar by exactly this Lark version; otherwise the parser is
built in memory (slower, never wrong) and nothing is written anywhere.

After editing kaoping.lark, rebuild them: `python scripts/build_parser_tables.py`."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

TABLES_FILE = "kaoping_tables.json"

# the options that shape the tables; the postlexer and position callback are given at load time
_OPTIONS: dict[str, Any] = {"parser": "lalr", "maybe_placeholders": False}


def grammar_text() -> str:
    return resources.files("kaoping.grammar").joinpath("kaoping.lark").read_text("utf-8")


def grammar_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build(lark_class: type[Lark] = Lark, **runtime: Any) -> Lark:
    """The parser built from the grammar (what the tables are made from, and the fallback)."""
    return lark_class(grammar_text(), **_OPTIONS, **runtime)


def load(lark_class: type[Lark] = Lark, **runtime: Any) -> tuple[Lark, bool]:
    """The parser (a `lark_class`), from the shipped tables when they match the grammar and the
    installed Lark (second value True), else built from the grammar."""
    try:
        text = resources.files("kaoping.grammar").joinpath(TABLES_FILE).read_text("utf-8")
        shipped = json.loads(text, object_hook=_decode)
    except (OSError, ValueError):
        return build(lark_class, **runtime), False
    if (
        not isinstance(shipped, dict)
        or shipped.get("grammar_sha256") != grammar_digest(grammar_text())
        or shipped.get("lark") != lark.__version__
    ):
        return build(lark_class, **runtime), False
    load_from_dict: Any = lark_class._load_from_dict  # untyped; what standalone parsers call
    parser: Lark = load_from_dict(shipped["data"], shipped["memo"], **runtime)
    return parser, True


def tables_json(parser: Lark) -> str:
    """The tables of a freshly built parser as JSON, with the grammar's digest and Lark's version."""
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {k: v for k, v in data["options"].items() if k not in _LOAD_ALLOWED}
    doc = {
        "grammar_sha256": grammar_digest(grammar_text()),
        "lark": lark.__version__,
        "data": _encode(data),
        "memo": _encode(memo),
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def _encode(value: Any) -> Any:
    """JSON has string keys and no tuples; the tables have integer keys and tuples."""
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"__pairs__": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"cannot ship a {type(value).__name__} in the parser tables")


def _decode(obj: dict[str, Any]) -> Any:
    if "__pairs__" in obj:
        return {(tuple(k) if isinstance(k, list) else k): v for k, v in obj["__pairs__"]}
    if "__tuple__" in obj:
        return tuple(obj["__tuple__"])
    return obj


def _load_allowed() -> frozenset[str]:
    from lark.lark import _LOAD_ALLOWED_OPTIONS

    return frozenset(_LOAD_ALLOWED_OPTIONS)


_LOAD_ALLOWED = _load_allowed()


def write_tables() -> Path:
    """Rebuild the shipped tables from the grammar (after an edit of kaoping.lark)."""
    from kaoping.grammar.parse import runtime_options
    from kaoping.io.output import write_output

    target = Path(__file__).with_name(TABLES_FILE)
    write_output(target, [tables_json(build(**runtime_options()))])
    return target
