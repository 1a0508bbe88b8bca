"""Whole schemes that mostly compile, with data that mostly validates, so generated rules reach
the emitted code and the runtime: declared groups and inputs of every type, items made of
clauses, formulas, lets, outputs, flags, a ranking and a grading, written in either keyword
set, with expressions typed as the checker wants them (numbers where numbers go) but numbers
as large, small or many-digited as the grammar allows. The facts fed to them are mostly in
range and now and then hostile (1e1000000, 5,000 digits, NaN)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from fuzz import jsontext
from fuzz.case import ANY_DOCUMENTED, OK_OR_RULES, Case, Command
from fuzz.datagen import numbers_given
from fuzz.hostile import HUGE_DIGITS, JSON_NUMBERS, NUMBER_STRINGS
from fuzz.jsontext import Obj, Raw

Draw = Callable[[st.SearchStrategy[Any]], Any]

# keyword: (English, Chinese)
KW = {
    "scheme": ("scheme", "方案"),
    "places": ("rounding {} places {}", "舍入 {} 位 {}"),
    "group": ("group", "分组"),
    "enum": ("enum", "枚举"),
    "input": ("input", "输入"),
    "number": ("number", "数值"),
    "to": ("to", "至"),
    "count": ("count", "次数"),
    "yesno": ("yesno", "是否"),
    "optional": ("optional", "可缺"),
    "scoring": ("scoring", "评分"),
    "section": ("section", "部分"),
    "item": ("item", "指标"),
    "require": ("require", "校验"),
    "by": ("by", "按"),
    "max": ("max", "满分"),
    "start": ("start max", "起评 满分"),
    "add": ("add", "加"),
    "deduct": ("deduct", "扣"),
    "per": ("per", "每"),
    "if": ("if", "若"),
    "cap": ("cap", "封顶"),
    "floor": ("floor", "保底"),
    "until": ("until zero", "扣完为止"),
    "zero": ("zero if", "不得分 若"),
    "uncapped": ("uncapped", "上不封顶"),
    "let": ("let", "设"),
    "output": ("output", "输出"),
    "flag": ("flag", "标记"),
    "across": ("across group", "组内"),
    "rank": ("rank by", "排名 按"),
    "ascending": ("ascending", "升序"),
    "best": ("best", "组内最高"),
    "mean": ("group mean", "组内平均"),
    "grading": ("grading", "评定"),
    "top": ("top {}", "前 {} 名"),
    "otherwise": ("otherwise", "其余"),
    "total": ("total", "总分"),
    "and": ("and", "且"),
    "or": ("or", "或"),
    "not": ("not", "非"),
    "then": ("if {} then {} else {}", "若 {} 则 {} 否则 {}"),
    "default": ("default", "缺省"),
    "true": ("true", "是"),
    "false": ("false", "否"),
    "least": ("least", "最小"),
    "greatest": ("greatest", "最大"),
    "shortfall": ("shortfall", "不足"),
    "excess": ("excess", "超出"),
    "present": ("present", "有值"),
}
MODES = {
    "en": ["half-up", "half-even", "down", "up"],
    "zh": ["四舍五入", "银行家舍入", "去尾", "进一"],
}

LITERALS = ["1", "0", "2", "5", "10", "0.5", "100", "3", "0.1", "50%"]
BIG_LITERALS = [
    "1" + "0" * 30,
    "9" * 40,
    "0." + "0" * 40 + "1",
    "1" + "0" * 300,
    HUGE_DIGITS,
]
MAXIMA = ["10", "5", "100", "1", "0", "0.5", "1" + "0" * 30, "9" * 40]
PLACES = ["2", "0", "1", "4", "10", "28", "29", "40", "100"]
LONG_DECIMAL = "123456789012345678901234567890.123456789"  # more digits than 28


@dataclass
class Input:
    name: str
    kind: str  # number | count | yesno
    optional: bool
    low: str | None = None
    high: str | None = None


class _Gen:
    def __init__(self, draw: Draw, lang: str, inputs: list[Input], tame: bool = False):
        self.draw, self.lang, self.inputs = draw, lang, inputs
        self.after_items = False  # `total` is known only once every item is
        self.tame = tame  # no number past kaoping's limits: schemes that compile, mostly

    def k(self, word: str) -> str:
        en, zh = KW[word]
        return zh if self.lang == "zh" else en

    def pick(self, options: list[str]) -> str:
        return str(self.draw(st.sampled_from(options)))

    def num(self, depth: int) -> str:
        numbers = [i for i in self.inputs if i.kind in ("number", "count")]
        choice = self.draw(st.integers(0, 9 if depth > 0 else 2))
        if (
            choice == 0
            or (choice == 1 and not self.after_items and not numbers)
            or (choice == 2 and not numbers)
        ):
            if self.draw(st.integers(0, 7)) == 7 and not self.tame:
                return self.pick(BIG_LITERALS)
            return self.pick(LITERALS)
        if choice == 1 and self.after_items:
            return self.k("total")
        if choice in (1, 2):
            ref = self.draw(st.sampled_from(numbers))
            if ref.optional:
                return f"({ref.name} {self.k('default')} {self.pick(LITERALS)})"
            return str(ref.name)
        if choice == 3 and self.divisors() and self.draw(st.booleans()):
            return self.guarded(depth)
        if choice in (3, 4):
            op = self.pick(["+", "-", "×", "÷", "*", "/"])
            expr = f"{self.num(depth - 1)} {op} {self.num(depth - 1)}"
            if op in "÷/":  # a division by zero is absent: say what then
                return f"({expr} {self.k('default')} {self.pick(LITERALS)})"
            return expr
        if choice == 5:
            return f"({self.num(depth - 1)})"
        if choice == 6:
            return "-" + self.num(depth - 1)
        if choice == 7:
            # in parentheses: `else` would take a comparison that follows as its own
            return (
                "("
                + self.k("then").format(
                    self.bool(depth - 1), self.num(depth - 1), self.num(depth - 1)
                )
                + ")"
            )
        fn = self.k(self.pick(["least", "greatest", "shortfall", "excess"]))
        return f"{fn}({self.num(depth - 1)}, {self.num(depth - 1)})"

    def divisors(self) -> list[Input]:
        return [i for i in self.inputs if i.kind in ("number", "count") and not i.optional]

    def guard(self) -> tuple[str, str, bool]:
        """(a divisor, a comparison of it with 0, whether the comparison holding rules 0 out)."""
        x = self.draw(st.sampled_from(self.divisors())).name
        op = self.pick([">", "<", "!=", "≠", "="])
        cond = f"{x} {op} 0" if self.draw(st.booleans()) else f"0 {op} {x}"
        return x, cond, op != "="

    def guarded(self, depth: int) -> str:
        """A quotient by a value under a condition that rules its 0 out (完成率 = 实际 ÷ 目标
        where 目标 ≠ 0): no default, the branch knows."""
        x, cond, holds = self.guard()
        quotient = f"{self.num(depth - 1)} ÷ {x}"
        other = self.num(depth - 1)
        then, otherwise = (quotient, other) if holds else (other, quotient)
        return "(" + self.k("then").format(cond, then, otherwise) + ")"

    def bool(self, depth: int) -> str:
        flags = [i for i in self.inputs if i.kind == "yesno"]
        optional = [i for i in self.inputs if i.optional]
        choice = self.draw(st.integers(0, 6 if depth > 0 else 1))
        if choice == 0 and flags:
            ref = self.draw(st.sampled_from(flags))
            if ref.optional:
                return f"({ref.name} {self.k('default')} {self.k('false')})"
            return ref.name
        if choice <= 1:
            cmp = self.pick(["<", ">", "<=", ">=", "=", "!=", "≥", "≤"])
            return f"{self.num(max(depth - 1, 0))} {cmp} {self.num(max(depth - 1, 0))}"
        if choice == 2:
            return f"{self.bool(depth - 1)} {self.k('and')} {self.bool(depth - 1)}"
        if choice == 3:
            return f"{self.bool(depth - 1)} {self.k('or')} {self.bool(depth - 1)}"
        if choice == 4:
            return f"{self.k('not')} {self.bool(depth - 1)}"
        if choice == 5 and optional:
            return f"{self.k('present')}({self.draw(st.sampled_from(optional)).name})"
        return self.k(self.pick(["true", "false"]))

    def clause(self, depth: int, has_max: bool) -> str:
        choice = self.draw(st.integers(0, 8))
        if choice == 0 and has_max:
            return self.k("start")
        if choice in (0, 1, 2):
            line = f"{self.k('deduct' if choice == 2 else 'add')} {self.num(depth)}"
            guard = self.divisors() and self.draw(st.integers(0, 3)) == 0
            if guard:  # an amount that divides where the clause's condition rules 0 out
                x, cond, holds = self.guard()
                if holds:
                    return f"{line} ÷ {x} {self.k('if')} {cond}"
            if self.draw(st.booleans()):
                line += f" {self.k('per')} {self.num(depth)}"
            if self.draw(st.booleans()):
                line += f" {self.k('if')} {self.bool(depth)}"
            return line
        if choice == 3:
            return f"{self.k('cap')} {self.num(depth)}"
        if choice == 4:
            return f"{self.k('floor')} {self.num(depth)}"
        if choice == 5:
            return self.k("until")
        if choice == 6:
            return f"{self.k('zero')} {self.bool(depth)}"
        if choice == 7:
            return self.k("uncapped")
        return self.k("places").format(self.pick(PLACES), self.pick(MODES[self.lang]))


@st.composite
def schemes(draw: Draw, tame: bool = False) -> tuple[str, list[Input], list[str], str | None]:
    """(rules text, inputs, groups, the grading's enum name or None). `tame`: no number past
    kaoping's limits (most schemes compile: for comparing the backends)."""
    lang = draw(st.sampled_from(["zh", "en"]))
    names = ["甲", "乙", "丙", "丁", "戊"] if lang == "zh" else ["a", "b", "c", "d", "e"]
    inputs = []
    for name in names[: draw(st.integers(1, 5))]:
        kind = draw(st.sampled_from(["number", "count", "yesno"]))
        inp = Input(name, kind, draw(st.integers(0, 4)) == 4)
        if kind == "number" and draw(st.booleans()):
            lows, highs = ["0", "-10", "-" + "9" * 40], ["100", "10", "9" * 40, HUGE_DIGITS]
            inp.low = draw(st.sampled_from(lows[:2] if tame else lows))
            inp.high = draw(st.sampled_from(highs[:2] if tame else highs))
        inputs.append(inp)
    g = _Gen(draw, lang, inputs, tame)
    depth = draw(st.integers(0, 4))
    groups = ["县直单位", "乡镇"][: draw(st.integers(1, 2))]
    lines = [f'{g.k("scheme")} "生成的方案"']
    if draw(st.booleans()):
        places = PLACES[:5] if tame else PLACES
        lines.append(g.k("places").format(g.pick(places), g.pick(MODES[lang])))
    lines += [f"{g.k('group')} {name}" for name in groups]
    grading = draw(st.booleans())
    if grading:
        lines.append(f"{g.k('enum')} 等次: 优, 良, 差")
    for inp in inputs:
        typ = g.k(inp.kind)
        if inp.low is not None:
            typ += f" {inp.low} {g.k('to')} {inp.high}"
        if inp.optional:
            typ += " " + g.k("optional")
        lines.append(f'{g.k("input")} {inp.name}: {typ} "说明"')
    lines.append(f"{g.k('scoring')} {', '.join(groups)}:")
    divisors = [i for i in inputs if i.kind == "number" and not i.optional]
    if divisors and draw(st.booleans()):
        # a requirement ruling out 0 (the data may break it): a division by it needs no default
        x = draw(st.sampled_from(divisors)).name
        cond = g.pick([f"{x} > 0", f"0 < {x}", f"{x} < 0", f"{x} != 0", f"{x} ≠ 0"])
        lines.append(f"    {g.k('require')} {cond}")
        lines.append(f"    {g.k('item')} 商 = {g.num(depth)} ÷ {x}")
    keyed = [i for i in g.divisors() if i.kind == "number"]
    if keyed and draw(st.integers(0, 3)) == 0:
        # a keyed item whose row open at 0 divides by its key (the row knows it is not 0)
        x = draw(st.sampled_from(keyed)).name
        lines.append(f"    {g.k('item')} 档 {g.k('by')} {x}:")
        lines.append(f"        (0, 10]: {g.num(depth)} ÷ {x}")
        lines.append(f"        {g.k('otherwise')}: {g.num(depth)}")
    for n in range(draw(st.integers(1, 4))):
        maxima = MAXIMA[:6] if tame else MAXIMA
        maximum = f" {g.k('max')} {g.pick(maxima)}" if draw(st.integers(0, 3)) else ""
        if draw(st.booleans()):
            lines.append(f"    {g.k('item')} 项{n}{maximum} = {g.num(depth)}")
        else:
            lines.append(f"    {g.k('item')} 项{n}{maximum}:")
            for _ in range(draw(st.integers(1, 4))):
                lines.append(f"        {g.clause(depth, bool(maximum))}")
    g.after_items = True
    for n in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["let", "output", "flag"]))
        if kind == "flag":
            lines.append(f"    {g.k('flag')} 标{n} {g.k('if')} {g.bool(depth)}")
        else:
            lines.append(f"    {g.k(kind)} 值{n} = {g.num(depth)}")
    if draw(st.booleans()):
        lines.append(f"    {g.k('across')}:")
        which = draw(st.integers(0, 2))
        if which == 0:
            order = f" {g.k('ascending')}" if draw(st.booleans()) else ""
            lines.append(f"        {g.k('let')} 名次 = {g.k('rank')} {g.k('total')}{order}")
        else:
            lines.append(
                f"        {g.k('let')} 组值 = {g.k('best' if which == 1 else 'mean')} {g.k('total')}"
            )
    if grading:
        lines.append(f"{g.k('grading')} 等次:")
        lines.append(f"    优 {g.k('top').format(g.pick(['1', '2', '0', '100']))}")
        lines.append(f"    良 {g.k('if')} {g.bool(depth)}")
        lines.append(f"    差 {g.k('otherwise')}")
    return "\n".join(lines) + "\n", inputs, groups, "等次" if grading else None


def _fact(draw: Draw, inp: Input, tame: bool = False) -> Any:
    """A fact for `inp`: now and then absent, or (unless `tame`) a value no input takes."""
    hostile = draw(st.integers(0, 7)) == 7 and not tame
    if inp.optional and draw(st.integers(0, 3)) == 0:
        return None
    if hostile:
        return draw(
            st.one_of(st.sampled_from(JSON_NUMBERS).map(Raw), st.sampled_from(NUMBER_STRINGS))
        )
    if inp.kind == "yesno":
        return draw(st.booleans())
    if inp.kind == "count":
        return Raw(draw(st.sampled_from(["0", "1", "3", "10"])))
    value = draw(
        st.sampled_from(["0", "5", "8.5", "10", "99.5", "100", "-1", "0.001", LONG_DECIMAL])
    )
    return value if draw(st.booleans()) else Raw(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@st.composite
def scheme_cases(draw: Draw) -> Case:
    rules, inputs, groups, _ = draw(schemes())
    count = draw(st.integers(1, 4))
    units = []
    for n in range(count):
        facts = Obj((inp.name, _fact(draw, inp)) for inp in inputs)
        units.append(
            Obj([("unit", f"单位{n}"), ("group", draw(st.sampled_from(groups))), ("facts", facts)])
        )
    data = jsontext.dump(Obj([("units", units)]), indent=1)
    numeric = frozenset(i.name for i in inputs if i.kind != "yesno")
    run = ("rules/scheme.rules", "data.json")
    # the same units as CSV (every generated input is a scalar, so CSV can carry them all)
    rows = [["unit", "group", *(i.name for i in inputs)]]
    for u in units:
        facts = u.get("facts")
        rows.append([u.get("unit"), u.get("group"), *(_cell(facts.get(i.name)) for i in inputs)])
    table = io.StringIO()
    csv.writer(table, lineterminator="\n").writerows(rows)
    commands = [
        Command(("check", "rules/scheme.rules"), OK_OR_RULES, "check"),
        Command(("score", *run, "--format", "json"), ANY_DOCUMENTED, "score", json_out=True),
        Command(("score", *run), ANY_DOCUMENTED, "score", table_units=count),
        Command(
            ("explain", *run, "--unit", "单位0", "--format", "json"),
            ANY_DOCUMENTED,
            "explain",
            json_out=True,
        ),
        Command(("compile", "rules/scheme.rules", "--emit-python"), OK_OR_RULES, "compile"),
        Command(
            ("score", "rules/scheme.rules", "data.csv", "--format", "json"),
            ANY_DOCUMENTED,
            "score",
            json_out=True,
        ),
    ]
    return Case(
        "generated scheme",
        {
            "rules/scheme.rules": rules.encode(),
            "data.json": data.encode(),
            "data.csv": table.getvalue().encode("utf-8", "surrogatepass"),
        },
        commands,
        note=f"{len(inputs)} input(s), {count} unit(s)",
        inputs=("rules/scheme.rules", "data.json", "data.csv"),
        rules=("rules/scheme.rules",),
        numeric_facts=numeric,
        strings=tuple(groups) + tuple(f"单位{n}" for n in range(count)),
        check_agrees=True,
        units=count,
        facts_in=numbers_given(Obj([("units", units)]), numeric),
    )
