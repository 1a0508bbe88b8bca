"""The parse of a rules file that succeeds, in one loop.

Lark parses through a chain of generators and method calls per token: the contextual lexer, its
line counter, kaoping's check for glued keywords, the indenter that makes INDENT and DEDENT
tokens, and the LALR parser's `feed_token`. On a large scheme that chain is most of the time of
`kaoping check`. This module runs the same steps, with Lark's own tables, scanners, callbacks and
tokens, in one loop with local variables, and builds the same tree.

It only ever parses text that has no error: at the first sign of one (no terminal matches, a
glued keyword, an unexpected token, a dedent to no level) it gives up and returns None, and
`parse.parse` parses the text again with Lark, whose exceptions the error reporting reads. A
test compares the two trees, node for node and position for position, on every shipped scheme
and every example of the documentation."""

from __future__ import annotations

import re
import weakref
from typing import Any

from lark import Lark, Token, Tree
from lark.lexer import UnlessCallback
from lark.parsers.lalr_analysis import Shift

from kaoping.grammar.treebuild import builder


class _GiveUp(Exception):
    """Something Lark reports better: parse again with Lark."""


def _passes_through(rule: Any) -> bool:
    """A rule that only renames its one symbol (`?expr: sum`): its tree is that symbol's."""
    expansion = rule.expansion
    return (
        len(expansion) == 1
        and not expansion[0].is_term
        and not expansion[0].name.startswith("_")  # an inlined rule gives its children
        and bool(rule.options.expand1)
        and not rule.alias
    )


class _Actions(dict[int, dict[str, tuple[bool, Any, Any, str]]]):
    """A parser state's actions, built on the state's first visit: for each terminal or rule
    name, (True, next state, None, "") to shift, or (False, the rule's length, its tree
    builder, its name) to reduce (the builder None for a rule whose tree is its one child's).
    A rule's hash is computed in Python, so the parse loop looks up no rule at all."""

    def __init__(self, states: dict[int, dict[str, tuple[Any, Any]]], callbacks: Any):
        super().__init__()
        self.states, self.callbacks = states, callbacks
        self.builders: dict[Any, Any] = {}
        # where a run of pass-through reductions ends, by (the state below the run, the state
        # it starts in, the lookahead): each step depends on nothing else
        self.runs: dict[tuple[int, int, str], int] = {}

    def _builder(self, rule: Any) -> Any:
        from kaoping.grammar.parse import _NO_SPACE, _Positions

        return builder(rule, self.callbacks[rule], _Positions, _NO_SPACE)

    def __missing__(self, state: int) -> dict[str, tuple[bool, Any, Any, str]]:
        built: dict[str, tuple[bool, Any, Any, str]] = {}
        for name, (action, arg) in self.states[state].items():
            if action is Shift:
                built[name] = (True, arg, None, "")
            elif _passes_through(arg):
                built[name] = (False, 1, None, arg.origin.name)
            else:
                build = self.builders.get(arg)
                if build is None:
                    build = self.builders[arg] = self._builder(arg)
                built[name] = (False, len(arg.expansion), build, arg.origin.name)
        self[state] = built
        return built


_SPACES = " \u3000"  # what the ignored WS_INLINE matches, in runs
_SPACE_RUN = re.compile("[ \u3000]+")


def _skips_spaces(mres: Any, ignore_types: Any, callbacks: dict[str, Any]) -> bool:
    """Whether the loop may step over a run of spaces itself: the scanner reads one as the
    ignored WS_INLINE (no other terminal starts with a space) and no callback watches it."""
    if "WS_INLINE" not in ignore_types or "WS_INLINE" in callbacks:
        return False
    for space in (" ", "\u3000", " \u3000a", "\u3000 1"):
        for mre in mres:
            m = mre.match(space)
            if m:
                run = _SPACE_RUN.match(space)
                if m.lastgroup != "WS_INLINE" or run is None or run.end() != m.end():
                    return False
                break
        else:
            return False
    return True


class _Scanners(dict[int, tuple[Any, Any, Any, Any, bool]]):
    """A parser state's lexer, as what the loop reads of it: its scanner's regular
    expressions (compiled on first use), the terminals it ignores, the ones that may hold a
    line break, its callbacks, and whether a run of spaces may be stepped over without the
    scanner (a third of what the scanner matches in a rules file). A callback that only
    retypes a name that is a keyword (Lark's `UnlessCallback`) becomes a table from the text
    to its type, filled as texts are met: the same few names and keywords come back on every
    line."""

    def __init__(self, lexers: dict[int, Any]):
        super().__init__()
        self.lexers = lexers
        self.retyped: dict[int, tuple[dict[str, str], Any]] = {}  # by the callback's id

    def __missing__(self, state: int) -> tuple[Any, Any, Any, Any, bool]:
        lexer = self.lexers[state]
        scanner = lexer.scanner  # built on first use, with the callbacks
        callbacks: dict[str, Any] = {}
        for ttype, callback in lexer.callback.items():
            if type(callback) is UnlessCallback:
                table = self.retyped.get(id(callback))
                if table is None:
                    table = self.retyped[id(callback)] = ({}, callback.scanner.fullmatch)
                callbacks[ttype] = table
            else:
                callbacks[ttype] = callback
        mres = scanner._mres
        skips = _skips_spaces(mres, lexer.ignore_types, callbacks)
        found = (mres, lexer.ignore_types, lexer.newline_types, callbacks, skips)
        self[state] = found
        return found


_RETYPED_MAX = 100_000  # texts remembered per scanner, kept between parses

# each parser's actions and scanners, as far as built: kept for the parser's next text
_PREPARED: weakref.WeakKeyDictionary[Lark, tuple[_Actions, _Scanners]] = weakref.WeakKeyDictionary()


def _prepared(parser: Lark, states: Any, callbacks: Any, lexers: Any) -> tuple[_Actions, _Scanners]:
    found = _PREPARED.get(parser)
    if found is None:
        found = _PREPARED[parser] = (_Actions(states, callbacks), _Scanners(lexers))
    return found


def fast_parse(parser: Lark, text: str, indenter: Any) -> Tree[Token] | None:
    """The tree Lark would build for `text`, or None when the text has an error. `indenter` is
    the parser's `_RulesIndenter`; its `keywords` and `long_numbers` are set as Lark's parse
    would set them."""
    try:
        return _parse(parser, text, indenter)
    except _GiveUp:
        return None


def _parse(parser: Lark, text: str, indenter: Any) -> Tree[Token]:
    from kaoping.exact import literal_too_long
    from kaoping.grammar.parse import (
        _NUMBER_TOKENS,
        _VALUE_TOKENS,
        _ends_word,
        _is_word,
        _starts_word,
    )

    frontend: Any = parser.parser
    contextual = frontend.lexer.lexer
    lalr = frontend.parser.parser
    table = lalr.parse_table
    states = table.states
    callbacks = lalr.callbacks
    token_callbacks = {k: v for k, v in callbacks.items() if isinstance(k, str)}
    start = frontend.parser_conf.start[0]
    end_state = table.end_states[start]
    lexers = contextual.lexers

    nl_type = indenter.NL_type
    opening = frozenset(indenter.OPEN_PAREN_types)
    closing = frozenset(indenter.CLOSE_PAREN_types)
    indent_type, dedent_type = indenter.INDENT_type, indenter.DEDENT_type
    tab_len = indenter.tab_len
    keywords: list[Token] = []
    long_numbers: list[tuple[Token, str]] = []
    words: dict[str, bool] = {}  # whether a keyword's text is a word, by its text

    state_stack: list[int] = [table.start_states[start]]
    value_stack: list[Any] = []
    actions, scanners = _prepared(parser, states, callbacks, lexers)
    runs = actions.runs

    def feed(token: Token, is_end: bool = False) -> Any:
        """The parser's step for one token (the loop below does the same inline: see there)."""
        ttype = token.type
        while True:
            try:
                shift, arg, build, origin = actions[state_stack[-1]][ttype]
            except KeyError:
                raise _GiveUp from None
            if shift:
                state_stack.append(arg)
                value_stack.append(
                    token if ttype not in token_callbacks else token_callbacks[ttype](token)
                )
                return None
            if build is None:  # a rule that passes its one child through: only the state moves
                new_state = state_stack[-1] = actions[state_stack[-2]][origin][1]
                if is_end and new_state == end_state:
                    return value_stack[-1]
                continue
            if arg:
                children = value_stack[-arg:]
                del state_stack[-arg:]
                del value_stack[-arg:]
            else:
                children = []
            value = build(children)
            new_state = actions[state_stack[-1]][origin][1]
            state_stack.append(new_state)
            value_stack.append(value)
            if is_end and new_state == end_state:
                return value

    def emit(token: Token) -> None:
        """What `_RulesIndenter.process` notes of a token, then the parser's step."""
        ttype = token.type
        if ttype not in _VALUE_TOKENS:
            if _is_word(token.value):
                keywords.append(token)
        elif ttype in _NUMBER_TOKENS:
            why = literal_too_long(token.value)
            if why:
                long_numbers.append((token, why))
        feed(token)

    new_str = str.__new__
    pos, line, line_start, end = 0, 1, 0, len(text)
    paren = 0
    levels = [0]
    prev: Token | None = None  # the last token lexed, for glued keywords
    last: Token | None = None  # the last token given to the parser
    skip_spaces = _SPACE_RUN.match
    while pos < end:
        mres, ignore_types, newline_types, lexer_callbacks, skips = scanners[state_stack[-1]]
        if skips and text[pos] in _SPACES:  # an ignored run of spaces, as the scanner reads it
            pos = skip_spaces(text, pos).end()  # type: ignore[union-attr]
            if pos == end:
                break
        for mre in mres:
            m = mre.match(text, pos)
            if m:
                break
        else:
            raise _GiveUp
        value = m.group(0)
        ttype = m.lastgroup
        start_pos, start_line, start_col = pos, line, pos - line_start + 1
        if ttype in newline_types:
            newlines = value.count("\n")
            if newlines:
                line += newlines
                line_start = pos + value.rindex("\n") + 1
        pos += len(value)
        lexed = ttype
        tok: Token | None = None
        if ttype in lexer_callbacks:
            callback = lexer_callbacks[ttype]
            if type(callback) is tuple:  # a name that may be a keyword: its type by its text
                retyped, fullmatch = callback
                found = retyped.get(value)
                if found is None:
                    if len(retyped) > _RETYPED_MAX:  # a long-lived process (the LSP): bounded
                        retyped.clear()
                    found = retyped[value] = fullmatch(value) or ttype
                ttype = found
            else:
                end_col = pos - line_start + 1
                tok = callback(
                    Token(ttype, value, start_pos, start_line, start_col, line, end_col, pos)
                )
                ttype, value = tok.type, tok.value
        if lexed in ignore_types:
            continue
        if tok is None:  # the token, as Token() makes it, without its two calls
            tok = new_str(Token, value)
            tok.type, tok.start_pos, tok.value = ttype, start_pos, value
            tok.line, tok.column = start_line, start_col
            tok.end_line, tok.end_column, tok.end_pos = line, pos - line_start + 1, pos
        # `_separated`: a keyword written against a name or number
        if (
            prev is not None
            and prev.end_pos == start_pos
            and (prev.type not in _VALUE_TOKENS or ttype not in _VALUE_TOKENS)
            and _ends_word(prev.value)
            and _starts_word(value)
        ):
            raise _GiveUp
        prev = tok
        # the indenter
        if ttype == nl_type:
            if paren > 0:
                continue
            emit(tok)
            last = tok
            indent_str = value.rsplit("\n", 1)[1]
            indent = indent_str.count(" ") + indent_str.count("\t") * tab_len
            if indent > levels[-1]:
                levels.append(indent)
                last = Token.new_borrow_pos(indent_type, indent_str, tok)
                emit(last)
            else:
                while indent < levels[-1]:
                    levels.pop()
                    last = Token.new_borrow_pos(dedent_type, indent_str, tok)
                    emit(last)
                if indent != levels[-1]:
                    raise _GiveUp
            continue
        # `emit(tok)` inline, the path of most tokens
        if ttype not in _VALUE_TOKENS:
            is_word = words.get(value)
            if is_word is None:
                is_word = words[value] = _is_word(value)
            if is_word:
                keywords.append(tok)
        elif ttype in _NUMBER_TOKENS:
            why = literal_too_long(value)
            if why:
                long_numbers.append((tok, why))
        # `feed(tok)` inline
        while True:
            try:
                shift, arg, build, origin = actions[state_stack[-1]][ttype]
            except KeyError:
                raise _GiveUp from None
            if shift:
                state_stack.append(arg)
                value_stack.append(
                    tok if ttype not in token_callbacks else token_callbacks[ttype](tok)
                )
                break
            if build is None:  # a run of rules that pass their one child through
                below, top = state_stack[-2], state_stack[-1]
                key = (below, top, ttype)
                end_of_run = runs.get(key)
                if end_of_run is None:
                    end_of_run = actions[below][origin][1]
                    while True:
                        step = actions[end_of_run].get(ttype)
                        if step is None or step[0] or step[2] is not None:
                            break  # none: an error, which the next step reports
                        end_of_run = actions[below][step[3]][1]
                    runs[key] = end_of_run
                state_stack[-1] = end_of_run
                continue
            if arg:
                children = value_stack[-arg:]
                del state_stack[-arg:]
                del value_stack[-arg:]
            else:
                children = []
            value_stack.append(build(children))
            state_stack.append(actions[state_stack[-1]][origin][1])
        last = tok
        if ttype in opening:
            paren += 1
        elif ttype in closing:
            paren -= 1
            if paren < 0:
                raise _GiveUp
    while len(levels) > 1:  # positioned, as Lark's indenter does, at the last token lexed
        levels.pop()
        last = Token.new_borrow_pos(dedent_type, "", prev) if prev else Token(dedent_type, "")
        emit(last)
    end_token = Token.new_borrow_pos("$END", "", last) if last else Token("$END", "", 0, 1, 1)
    tree = feed(end_token, True)
    indenter.keywords, indenter.long_numbers = keywords, long_numbers
    return tree  # type: ignore[no-any-return]
