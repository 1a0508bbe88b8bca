"""The shipped parser tables (`kaoping.grammar.tables`): the states, shipped as numbers and made
into Lark's objects when the parser first reaches each, are the states Lark's own loading
makes from the same parser; and the contextual lexer of each state accepts the same terminals."""

from __future__ import annotations

import marshal
from typing import Any

from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

from kaoping.grammar import tables
from kaoping.grammar.parse import _Lark, runtime_options


def test_the_lazily_made_states_are_larks() -> None:
    built = tables.build(_Lark, **runtime_options())
    data, memo = built.memo_serialize([TerminalDef, Rule])
    eager: Any = Lark._load_from_dict(data, memo, **runtime_options())  # type: ignore[attr-defined]
    shipped = marshal.loads(tables.tables_bytes(built))
    lazy: Any = tables._load_lazily(
        _Lark, shipped["data"], shipped["memo"], shipped["states"], runtime_options()
    )
    want = eager.parser.parser.parser.parse_table
    got = lazy.parser.parser.parser.parse_table
    assert len(shipped["states"]) == len(want.states) > 1000
    for state, actions in want.states.items():
        made = got.states[state]
        assert list(made) == list(actions), state
        for name, (action, arg) in actions.items():
            assert made[name][0] is action
            assert made[name][1] == arg
    assert got.start_states == want.start_states
    assert got.end_states == want.end_states
    want_lexers = eager.parser.lexer.lexer.lexers
    got_lexers = lazy.parser.lexer.lexer.lexers
    assert list(got_lexers) == list(want_lexers)
    for state, lexer in want_lexers.items():
        assert _terminals(got_lexers[state]) == _terminals(lexer), state


def _terminals(lexer: Any) -> list[tuple[str, str, int]]:
    return [(t.name, repr(t.pattern), t.priority) for t in lexer.terminals]


def test_the_shipped_file_holds_the_tables_of_this_grammar() -> None:
    shipped = tables.read_tables()
    assert shipped is not None
    assert shipped["format"] == tables.FORMAT
    assert shipped["grammar_sha256"] == tables.grammar_digest(tables.grammar_text())
