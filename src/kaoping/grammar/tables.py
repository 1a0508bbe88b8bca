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
from lark.parser_frontends import PostLexConnector
from lark.parsers.lalr_analysis import Reduce, Shift

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
    parser = _load_lazily(lark_class, shipped["data"], shipped["memo"], shipped["states"], runtime)
    return parser, True


def _load_lazily(
    lark_class: type[Lark], data: Any, memo: Any, states: Any, runtime: dict[str, Any]
) -> Lark:
    """Lark's own loading of the tables (what standalone parsers call), except that each state
    of the parse table becomes Lark's objects when the parser first reaches it: a file reaches
    a few hundred of the two thousand states, and making them all was a third of the loading.
    The contextual lexer is made as Lark makes it, from each state's terminals."""
    raw = data["parser"]["parser"]
    tokens = raw["tokens"]
    raw_states = states
    load_from_dict: Any = lark_class._load_from_dict  # untyped
    parser: Any = load_from_dict(data, memo, **runtime)
    by_ref = {ref["@"]: rule for ref, rule in zip(data["rules"], parser.rules, strict=True)}
    frontend = parser.parser
    frontend.parser.parser.parse_table.states = _States(raw_states, tokens, by_ref)
    accepts = {state: [tokens[t] for t in keys] for state, (keys, _) in raw_states.items()}
    postlex = frontend.lexer_conf.postlex
    contextual = type(frontend.lexer.lexer)(
        frontend.lexer_conf, accepts, always_accept=postlex.always_accept
    )
    connector: Any = PostLexConnector  # untyped
    frontend.lexer = connector(contextual, postlex)
    return parser  # type: ignore[no-any-return]


class _States(dict[int, dict[str, tuple[Any, Any]]]):
    """The parse table's states, each made (as `ParseTable.deserialize` makes it) when first
    looked up, from the form `_compact_states` ships."""

    def __init__(self, raw: dict[int, Any], tokens: Any, rules: dict[int, Rule]):
        super().__init__()
        self.raw, self.tokens, self.rules = raw, tokens, rules

    def __missing__(self, state: int) -> dict[str, tuple[Any, Any]]:
        tokens, rules = self.tokens, self.rules
        keys, actions = self.raw[state]
        made = {
            tokens[t]: ((Reduce, rules[a >> 1]) if a & 1 else (Shift, a >> 1))
            for t, a in zip(keys, actions, strict=True)
        }
        self[state] = made
        return made


def _compact_states(data: dict[str, Any]) -> dict[int, tuple[tuple[int, ...], tuple[int, ...]]]:
    """The parse table's states taken out of Lark's serialized form (a dict per action) into
    two tuples of numbers per state: its terminals and rules (indices into Lark's lists) and
    its actions, a shift to state n written 2n, a reduce by rule r written 2r + 1. Lark's form
    is left with no state: `_load_lazily` makes them."""
    table = data["parser"]["parser"]
    states = table["states"]
    table["states"] = {}
    compact = {}
    for state, actions in states.items():
        keys = tuple(actions)
        codes = []
        for token in keys:
            action, arg = actions[token]
            codes.append(arg["@"] * 2 + 1 if action == 1 else arg * 2)
        compact[state] = (keys, tuple(codes))
    return compact


def read_tables() -> dict[str, Any] | None:
    """The shipped tables, or None when the file is missing or not tables of this format."""
    try:
        raw = resources.files("kaoping.grammar").joinpath(TABLES_FILE).read_bytes()
        shipped = marshal.loads(raw)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if (
        not isinstance(shipped, dict)
        or shipped.get("format") != FORMAT
        or not all(isinstance(shipped.get(k), dict) for k in ("data", "memo", "states"))
    ):
        return None
    return shipped


def tables_bytes(parser: Lark) -> bytes:
    """The tables of a freshly built parser, with the grammar's digest and Lark's version."""
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {k: v for k, v in data["options"].items() if k not in _LOAD_ALLOWED}
    _check_plain(data)
    _check_plain(memo)
    states = _compact_states(data)
    listed = {ref["@"] for ref in data["rules"]}
    reduced = {code >> 1 for _, codes in states.values() for code in codes if code & 1}
    if not reduced <= listed:  # `_load_lazily` finds each rule among the parser's rules
        raise ValueError("the parse table reduces by a rule the parser does not list")
    doc = {
        "format": FORMAT,
        "states": states,
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
