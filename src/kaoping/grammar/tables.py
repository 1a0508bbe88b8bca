"""The parser's LALR tables, built ahead from kaoping.lark and shipped in the package.

Building the tables takes most of a second. Lark's own cache (`cache=True`) would keep them in a
pickle in the shared temp folder, under a predictable name, and unpickling runs code: anyone who
can write to that folder could run code as whoever parses next. These tables are plain data
(dicts, lists, tuples, strings and numbers in `marshal`'s format, which is read in a few
milliseconds, where JSON took a tenth of a second, and whose reading runs no code), live inside
the installed package like the code itself, and are used only if they were built from exactly
this grammar by exactly this Lark version; otherwise the parser is built in memory (slower,
never wrong) and nothing is written anywhere.

After editing kaoping.lark, rebuild them: `python scripts/build_parser_tables.py`."""

from __future__ import annotations

import hashlib
import marshal
from importlib import resources
from pathlib import Path
from typing import Any

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

TABLES_FILE = "kaoping_tables.marshal"
FORMAT = 1  # what the file holds: a dict of the keys `tables_bytes` writes
_MARSHAL_VERSION = 4  # readable by every Python kaoping supports

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
    shipped = read_tables()
    if (
        shipped is None
        or shipped.get("grammar_sha256") != grammar_digest(grammar_text())
        or shipped.get("lark") != lark.__version__
    ):
        return build(lark_class, **runtime), False
    load_from_dict: Any = lark_class._load_from_dict  # untyped; what standalone parsers call
    parser: Lark = load_from_dict(shipped["data"], shipped["memo"], **runtime)
    return parser, True


def read_tables() -> dict[str, Any] | None:
    """The shipped tables, or None when the file is missing or not tables of this format."""
    try:
        raw = resources.files("kaoping.grammar").joinpath(TABLES_FILE).read_bytes()
        shipped = marshal.loads(raw)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(shipped, dict) or shipped.get("format") != FORMAT:
        return None
    return shipped


def tables_bytes(parser: Lark) -> bytes:
    """The tables of a freshly built parser, with the grammar's digest and Lark's version."""
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {k: v for k, v in data["options"].items() if k not in _LOAD_ALLOWED}
    _check_plain(data)
    _check_plain(memo)
    doc = {
        "format": FORMAT,
        "grammar_sha256": grammar_digest(grammar_text()),
        "lark": lark.__version__,
        "data": data,
        "memo": memo,
    }
    return marshal.dumps(doc, _MARSHAL_VERSION)


def _check_plain(value: Any) -> None:
    """Only data goes into the file: no code object, nothing marshal would need a class for."""
    if isinstance(value, dict):
        for k, v in value.items():
            _check_plain(k)
            _check_plain(v)
    elif isinstance(value, tuple | list):
        for v in value:
            _check_plain(v)
    elif not (value is None or type(value) in (str, int, float, bool)):
        raise TypeError(f"cannot ship a {type(value).__name__} in the parser tables")


def _load_allowed() -> frozenset[str]:
    from lark.lark import _LOAD_ALLOWED_OPTIONS

    return frozenset(_LOAD_ALLOWED_OPTIONS)


_LOAD_ALLOWED = _load_allowed()


def write_tables() -> Path:
    """Rebuild the shipped tables from the grammar (after an edit of kaoping.lark)."""
    from kaoping.grammar.parse import runtime_options
    from kaoping.io.output import write_output

    target = Path(__file__).with_name(TABLES_FILE)
    write_output(target, [tables_bytes(build(**runtime_options()))])
    return target
