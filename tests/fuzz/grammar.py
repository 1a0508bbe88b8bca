"""Rules text generated from kaoping's own Lark grammar (src/kaoping/grammar/kaoping.lark).

Lark compiles the grammar into rules (a nonterminal and the symbols of one expansion) and
terminals (a literal keyword or a regular expression); a program is a random walk from
`start`, choosing one expansion at each nonterminal, then a text for each terminal. Keywords
are kept to one keyword set per program (English or Chinese), as `check` requires. Past a
depth or size budget the walk takes the shortest expansion, so every walk ends; expansions are
ordered shortest first, so hypothesis shrinks a program towards a smaller one."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from hypothesis import strategies as st
from lark import Lark

from fuzz.case import OK_OR_RULES, Case, Command
from fuzz.hostile import HUGE_DIGITS

Draw = Callable[[st.SearchStrategy[Any]], Any]

NAMES_ZH = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "县直单位", "乡镇", "优", "良"]
NAMES_EN = ["a", "b", "c", "d", "x1", "y2", "score_a", "dept", "good", "fair"]
ODD_GRAMMAR_NAMES = ["ＡＢ", "café", "甲" * 300, "_", "ǅ", "Ⅻ", "①", "max_", "总分甲"]
NUMBERS = ["1", "0", "2", "3", "5", "10", "100", "0.5", "0.25", "1.5", "99.99"]
INTS = ["1", "0", "2", "3", "10", "28", "40", "100"]
PERCENTS = ["50%", "0%", "5%", "10%", "100%", "150%", "33.3%"]
FRACTIONS = ["1/3", "2/3", "1/10", "0/5", "1/0", "4/3", "３/９"]
# one terminal in ten is drawn from these instead
EXTREMES = {
    "NUMBER": ["1000000", "1" + "0" * 30, "9" * 60, "0." + "0" * 40 + "1", HUGE_DIGITS],
    "INT": ["9" * 30, "4300", "29", "41", HUGE_DIGITS],
    "PERCENT": ["9" * 30 + "%", "0.0001%", HUGE_DIGITS + "%"],
    "FRACTION": ["1/" + "9" * 30, "9" * 30 + "/1", "1/" + HUGE_DIGITS],
}
STRINGS = ['"说明"', '""', "“中文说明”", '"附件2 第三条"', '"' + "长" * 500 + '"']
NEWLINES = ["\n", "\n", "\n", "  # 注释\n", "\n\n"]


# where the program is saved: diagnostics must name the file, whatever its name
FILE_NAMES = ["t.rules", "规则 文件.rules", "a\nb.rules", "x\x1b[2J.rules", "-.rules", "t.RULES"]


def _lang_of(text: str) -> str | None:
    if any("\u4e00" <= c <= "\u9fff" for c in text):
        return "zh"
    if any("a" <= c.lower() <= "z" for c in text):
        return "en"
    return None


@dataclass(frozen=True)
class Grammar:
    expansions: dict[str, tuple[tuple[str, ...], ...]]  # nonterminal → expansions, simplest first
    literals: dict[str, str]  # terminal → its literal text
    patterns: dict[str, str]  # terminal → its regular expression
    height: dict[str, int]  # symbol → fewest levels to reach only terminals
    by_lang: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = field(default_factory=dict)

    def allowed(self, symbol: str, lang: str) -> tuple[tuple[str, ...], ...]:
        """The expansions whose keywords all belong to `lang` (all, if none does)."""
        key = (symbol, lang)
        if key not in self.by_lang:
            other = "zh" if lang == "en" else "en"
            fits = tuple(
                exp
                for exp in self.expansions[symbol]
                if not any(_lang_of(self.literals.get(s, "")) == other for s in exp)
            )
            self.by_lang[key] = fits or self.expansions[symbol]
        return self.by_lang[key]

    def expansion_height(self, exp: tuple[str, ...]) -> int:
        return 1 + max((self.height.get(s, 0) for s in exp), default=0)


@functools.cache
def grammar() -> Grammar:
    text = resources.files("kaoping.grammar").joinpath("kaoping.lark").read_text("utf-8")
    lark = Lark(text, parser="earley", lexer="basic")  # only its rules and terminals are used
    raw: dict[str, list[tuple[str, ...]]] = {}
    for rule in lark.rules:
        raw.setdefault(rule.origin.name, []).append(tuple(s.name for s in rule.expansion))
    literals, patterns = {}, {}
    for term in lark.terminals:
        if type(term.pattern).__name__ == "PatternStr":
            literals[term.name] = term.pattern.value
        else:
            patterns[term.name] = term.pattern.value
    height: dict[str, int] = {}
    changed = True
    while changed:  # the least fixed point: a nonterminal's height is its best expansion's
        changed = False
        for name, exps in raw.items():
            best = min(
                (
                    1 + max((height[s] if s in raw else 0 for s in exp), default=0)
                    for exp in exps
                    if all(s in height or s not in raw for s in exp)
                ),
                default=None,
            )
            if best is not None and height.get(name) != best:
                height[name] = best
                changed = True
    ordered = {
        name: tuple(
            sorted(
                exps,
                key=lambda e: (1 + max((height.get(s, 0) for s in e), default=0), len(e)),
            )
        )
        for name, exps in raw.items()
    }
    return Grammar(ordered, literals, patterns, height)


class _Walk:
    def __init__(
        self, g: Grammar, draw: Draw, lang: str, names: list[str], limits: tuple[int, int]
    ):
        self.g, self.draw, self.lang, self.names = g, draw, lang, names
        self.max_depth, self.budget = limits
        self.tokens: list[tuple[str, str]] = []

    def expand(self, symbol: str, depth: int) -> None:
        if symbol not in self.g.expansions:
            self.tokens.append((symbol, self.terminal(symbol)))
            return
        options = self.g.allowed(symbol, self.lang)
        recursive = [e for e in options if symbol in e]
        if depth >= self.max_depth or len(self.tokens) >= self.budget:
            choice = min(options, key=self.g.expansion_height)
        elif symbol.startswith("__") and recursive and len(recursive) < len(options):
            # a repetition (`x*`, `x+`): usually one more, shrinking towards fewer
            more = self.draw(st.integers(0, 3))
            pick = recursive if more else [e for e in options if e not in recursive]
            choice = pick[self.draw(st.integers(0, len(pick) - 1))] if len(pick) > 1 else pick[0]
        else:
            choice = options[self.draw(st.integers(0, len(options) - 1))]
        for s in choice:
            self.expand(s, depth + 1)

    def terminal(self, name: str) -> str:
        if name in self.g.literals:
            return self.g.literals[name]
        if name == "NAME":
            return str(self.draw(st.sampled_from(self.names)))
        if name in _EXTREME_STRATEGIES and self.draw(_ONE_IN_TEN):
            return str(self.draw(_EXTREME_STRATEGIES[name]))
        if name in _POOL_STRATEGIES:
            return str(self.draw(_POOL_STRATEGIES[name]))
        if name in ("_INDENT", "_DEDENT"):
            return ""
        # any other terminal: a text its own regular expression matches
        if name not in _REGEX_STRATEGIES:
            _REGEX_STRATEGIES[name] = st.from_regex(
                re.compile(self.g.patterns[name]), fullmatch=True
            )
        return str(self.draw(_REGEX_STRATEGIES[name]))


_POOL_STRATEGIES = {
    "NUMBER": st.sampled_from(NUMBERS),
    "INT": st.sampled_from(INTS),
    "PERCENT": st.sampled_from(PERCENTS),
    "FRACTION": st.sampled_from(FRACTIONS),
    "STRING": st.sampled_from(STRINGS),
    "_NL": st.sampled_from(NEWLINES),
}
_EXTREME_STRATEGIES = {name: st.sampled_from(pool) for name, pool in EXTREMES.items()}
_ONE_IN_TEN = st.integers(0, 9).map(lambda n: n == 9)
_REGEX_STRATEGIES: dict[str, st.SearchStrategy[str]] = {}


def render(tokens: list[tuple[str, str]], indent: str = "    ") -> str:
    """Tokens as text: one space between tokens, a newline for `_NL`, and the indentation
    the `_INDENT` / `_DEDENT` tokens ask for at the start of the next line."""
    out: list[str] = []
    level, line_start = 0, True
    for kind, text in tokens:
        if kind == "_NL":
            out.append(text)
            line_start = True
        elif kind == "_INDENT":
            level += 1
        elif kind == "_DEDENT":
            level -= 1
        else:
            out.append(indent * level if line_start else " ")
            out.append(text)
            line_start = False
    if not line_start:
        out.append("\n")
    return "".join(out)


@st.composite
def programs(draw: Draw, start: str = "start") -> tuple[str, str]:
    """(keyword set, rules text): a walk of the grammar from `start`."""
    lang = draw(st.sampled_from(["zh", "en"]))
    base = NAMES_ZH if lang == "zh" else NAMES_EN
    names = draw(st.lists(st.sampled_from(base), min_size=1, max_size=3, unique=True))
    if draw(st.integers(0, 9)) == 9:
        names.append(draw(st.sampled_from(ODD_GRAMMAR_NAMES)))
    limits = (draw(st.integers(18, 60)), draw(st.integers(10, 250)))
    walk = _Walk(grammar(), draw, lang, names, limits)
    if start == "start":
        # a scheme is checked only once it declares a group: begin with a few declarations
        # (of the pool's names, so later statements can refer to them), then walk freely
        decls = ["group_decl"] * draw(st.integers(0, 2)) + ["input_decl"] * draw(st.integers(0, 3))
        for decl in decls + ["scoring_block"] * draw(st.integers(0, 1)):
            walk.expand(decl, 0)
    walk.expand(start, 0)
    indent = draw(st.sampled_from(["    ", "  ", "        "]))
    return lang, render(walk.tokens, indent)


@st.composite
def grammar_cases(draw: Draw) -> Case:
    """A generated program, checked (diagnostics in either language), compiled, and run over
    no units: check and compile agree, and whatever compiles also loads."""
    lang, text = draw(programs())
    path = "rules/" + draw(st.sampled_from(FILE_NAMES))
    check = ("check", path, *(("--lang", "zh") if draw(st.booleans()) else ()))
    return Case(
        "grammar",
        {path: text.encode("utf-8"), "data.json": b'{"units": []}'},
        [
            Command(check, OK_OR_RULES, "check"),
            Command(("compile", path, "--emit-python"), OK_OR_RULES, "compile"),
            Command(
                ("score", path, "data.json", "--format", "json"),
                OK_OR_RULES,
                "score",
                json_out=True,
            ),
        ],
        note=f"{lang} keywords",
        inputs=(path, "data.json"),
        rules=(path,),
        check_agrees=True,
    )
