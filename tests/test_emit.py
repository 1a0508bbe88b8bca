"""IR → Python: the generated module is valid, readable Python that names only ASCII
identifiers, points back at the rules lines, never runs rules text, and is cached by content."""

from __future__ import annotations

import ast
import io
import linecache
import re
import tokenize
from importlib import resources

import pytest
from click.testing import CliRunner

from conftest import compile_text
from kaoping.cli import main
from kaoping.compiler.load import RuleFunction, compile_sources
from kaoping.errors import CompileError, ScoringError
from kaoping.exact import Q
from kaoping.io.validate import validate
from kaoping.scoring import score


@pytest.fixture(scope="module")
def example_zh_python() -> str:
    result = CliRunner().invoke(main, ["compile", "example-zh", "--emit-python"])
    assert result.exit_code == 0, result.output
    return result.stdout


def non_ascii_tokens(python: str) -> set[int]:
    """Token types of every token that holds a non-ASCII character."""
    kinds = set()
    for tok in tokenize.generate_tokens(io.StringIO(python).readline):
        if not tok.string.isascii():
            kinds.add(tok.type)
    return kinds


def identifiers(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        for field in ("id", "attr", "name", "arg"):
            value = getattr(node, field, None)
            if isinstance(value, str):
                names.add(value)
        if isinstance(node, ast.alias):
            names.add(node.asname or node.name)
    return names


def test_emitted_python_is_valid_and_names_only_ascii(example_zh_python):
    tree = ast.parse(example_zh_python)
    names = identifiers(tree)
    assert names, "the module defines something"
    assert all(name.isascii() for name in names), sorted(n for n in names if not n.isascii())
    assert "信息报送次数" in example_zh_python  # Chinese is there …
    # … but only inside string literals and comments
    assert non_ascii_tokens(example_zh_python) == {tokenize.STRING, tokenize.COMMENT}
    strings = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert "信息报送次数" in strings
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert [(i.module, [a.name for a in i.names]) for i in imports] == [
        ("kaoping.runtime", ["prelude"])
    ]


def test_emitted_python_cites_the_rules_lines(example_zh_python):
    source = resources.files("kaoping.schemes.example_zh").joinpath("scheme.rules")
    rules_lines = source.read_text("utf-8").split("\n")
    cited = re.findall(r"^\s*# scheme\.rules:(\d+)  (.*)$", example_zh_python, re.MULTILINE)
    assert len(cited) >= 15
    for number, text in cited:
        assert rules_lines[int(number) - 1].strip() == text
    lines = {int(n) for n, _ in cited}
    # every item, section, output, `across group` value and grading line
    assert {43, 44, 47, 51, 55, 60, 61, 64, 67, 68, 70, 72, 73, 74, 75} <= lines


HOSTILE_ID = 'x"""\nraise SystemExit("scheme id ran")\n"""'
HOSTILE_PATH = 'dir/y"""\nraise SystemExit("path ran")\n""".rules'
HOSTILE = (
    'group G "g"\n'
    'input __import__: number 0 to 10 “"); raise SystemExit("description ran"); ("” '
    'article “\\"); import os; (\\\\”\n'
    'input os: count "os"\n'
    "scoring G:\n"
    '    item a max 10 article “"""; raise SystemExit("article ran"); """” = __import__\n'
    "    item b max 1:\n"
    "        add 1 if os > 0\n"
)


def test_hostile_names_and_strings_are_only_ever_literals():
    compiled = compile_sources(HOSTILE_ID, {HOSTILE_PATH: HOSTILE})  # SystemExit if run
    python = compiled.python
    tree = ast.parse(python)
    assert all(name.isascii() for name in identifiers(tree))
    assert "__import__" not in identifiers(tree) and "os" not in identifiers(tree)
    # rules text reaches the module only as data (or a comment), never as code
    for tok in tokenize.generate_tokens(io.StringIO(python).readline):
        if any(word in tok.string for word in ("SystemExit", "__import__", "import os")):
            assert tok.type in (tokenize.STRING, tokenize.COMMENT), tok
    assert "f['__import__']" in python
    assert "f['os']" in python
    # and it still scores
    data = validate(
        {"units": [{"unit": "甲", "group": "G", "facts": {"__import__": 7, "os": 2}}]},
        compiled.model,
        "data",
    )
    [result] = score(compiled, data).units
    assert result.unit.values["a"] == 7
    assert result.unit.values["b"] == 1


def test_the_generated_source_is_registered_for_tracebacks():
    compiled = compile_text(
        'group G "g"\ninput x: number 0 to 9 "x"\nscoring G:\n    item a max 9 = x\n'
    )
    lines = compiled.python.splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "u.set('a'" in line)
    assert linecache.getline(compiled.filename, number).strip() == lines[number - 1].strip()
    span = compiled.span_for(number)
    assert span is not None and (span.path, span.line) == ("t.rules", 4)


def boom(x):
    raise ZeroDivisionError("division by zero in a plugin")


FAILING = (
    'group G "g"\n'
    'input x: number 0 to 10 "x"\n'
    "scoring G:\n"
    "    item 稳定 max 10 = x\n"
    "    item 不稳定 max 10:\n"
    "        add 爆(x)\n"
    "        cap 10\n"
)


def test_a_failing_rule_names_its_rules_line_and_the_unit():
    compiled = compile_text(
        FAILING, name="schemes/t.rules", functions={"爆": RuleFunction("爆", boom, 1)}
    )
    data = validate(
        {"units": [{"unit": "县发改委", "group": "G", "facts": {"x": 3}}]}, compiled.model, "d"
    )
    with pytest.raises(ScoringError) as err:
        score(compiled, data)
    message = str(err.value)
    assert "schemes/t.rules:6" in message  # the `add 爆(x)` line
    assert "县发改委" in message
    assert "ZeroDivisionError" in message and "division by zero in a plugin" in message
    assert isinstance(err.value.__cause__, ZeroDivisionError)


def test_explain_compiles_the_traced_twin_on_first_use_with_the_same_lines():
    # scoring runs the plain functions; the traced twin that explain runs is compiled when
    # first asked for, into the same namespace, and its failures name the same rules line
    compiled = compile_text(
        FAILING, name="schemes/t.rules", functions={"爆": RuleFunction("爆", boom, 1)}
    )
    data = validate(
        {"units": [{"unit": "县发改委", "group": "G", "facts": {"x": 3}}]}, compiled.model, "d"
    )
    with pytest.raises(ScoringError) as err:
        score(compiled, data, trace=True)
    message = str(err.value)
    assert "schemes/t.rules:6" in message and "县发改委" in message
    lines = compiled.python.splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "_it.add(" in line)
    assert compiled.namespace["unit_0"].__code__.co_filename == compiled.filename
    span = compiled.span_for(number)
    assert span is not None and span.line == 6


def test_the_cache_returns_the_same_object_for_the_same_text():
    text = 'group G "g"\ninput x: number 0 to 9 "x"\nscoring G:\n    item a max 9 = x\n'
    first = compile_text(text, scheme_id="cache")
    assert compile_text(text, scheme_id="cache") is first
    changed = compile_text(text.replace("max 9", "max 10"), scheme_id="cache")
    assert changed is not first
    assert changed.model.module.scorings[0].body[0].max == 10
    # the same text from another path is another scheme (spans and messages name the path)
    assert compile_text(text, name="u.rules", scheme_id="cache") is not first


def test_the_cache_key_includes_the_rule_functions():
    one = RuleFunction("加倍", lambda x: x * 2, 1)
    two = RuleFunction("加倍", lambda x, y: x * y, 2)
    text = 'group G "g"\ninput x: number 0 to 9 "x"\nscoring G:\n    item a = 加倍(x)\n'
    compiled = compile_text(text, functions={"加倍": one}, scheme_id="fn")
    assert compile_text(text, functions={"加倍": one}, scheme_id="fn") is compiled
    # a function of another arity changes what the checker accepts
    with pytest.raises(CompileError) as err:
        compile_text(text, functions={"加倍": two}, scheme_id="fn")
    assert [d.code for d in err.value.diagnostics] == ["E205"]


@pytest.mark.parametrize(
    "scheme_id",
    ["anfu-2017", "yangquan-2014", "panshan-2018", "heshan-2013", "shuangxiang-2012", "example-zh"],
)
def test_the_traced_and_the_fast_versions_of_a_scheme_agree(scheme_id: str) -> None:
    """Scoring runs the plain-arithmetic functions, `explain` the traced ones: on every shipped
    scheme's sample data they must give the same value for every unit and every rule."""
    from kaoping import load_scheme
    from kaoping.io.data import load_file
    from kaoping.plugins.manager import default_registry
    from kaoping.scoring import score

    scheme = load_scheme(scheme_id)
    sample = default_registry().sample(scheme_id)
    assert sample is not None
    data = load_file(sample, scheme.model)
    fast = {r.name: r.unit for r in score(scheme, data).units}
    traced = {r.name: r.unit for r in score(scheme, data, trace=True).units}
    assert fast.keys() == traced.keys()
    for name, unit in fast.items():
        assert unit.values == traced[name].values, name
        assert (unit.flags, unit.grades) == (traced[name].flags, traced[name].grades), name
    assert any(u.traces for u in traced.values()) and not any(u.traces for u in fast.values())


OPENING_CLAUSES = """\
group G "g"
input n: count "n"
input m: count "m"
input opt: number 0 to 9 optional "opt"
scoring G:
    item a max 5:
        add 1 per n
        cap 5
    item b:
        deduct 1 per n
    item c:
        deduct 0.5 per m
        add 2
    item d:
        add 1 per (opt default 0)
"""


@pytest.mark.parametrize(
    ("n", "m", "expected"), [(3, 4, ("3", "-3", "0")), (7, 1, ("5", "-7", "1.5"))]
)
def test_an_item_opening_with_a_constant_add_or_deduct_scores_it_exactly(n, m, expected) -> None:
    """Plain scoring starts such an item from its first clause rather than from 0 (and from
    the input itself for `1 per` an input): the values are the same rationals as the traced
    version's. n = 3: a = 1×3 = 3 (cap 5 not reached), b = −1×3, c = −0.5×4 + 2 = 0;
    n = 7: a = 7 capped to 5, b = −7, c = −0.5×1 + 2 = 1.5; d = 0 with opt absent."""
    scheme = compile_text(OPENING_CLAUSES, scheme_id="opening")
    data = validate(
        {"units": [{"unit": "U", "group": "G", "facts": {"n": n, "m": m, "opt": None}}]},
        scheme.model,
        "d",
    )
    for trace in (False, True):
        values = score(scheme, data, trace=trace).units[0].unit.values
        got = tuple(values[p] for p in ("a", "b", "c"))
        assert got == tuple(Q(x) for x in expected)
        assert all(type(v) is Q for v in got)
        assert values["d"] == 0


@pytest.mark.parametrize(
    "scheme_id",
    ["anfu-2017", "yangquan-2014", "panshan-2018", "heshan-2013", "shuangxiang-2012", "example-zh"],
)
def test_the_plain_function_and_its_given_value_twin_agree(scheme_id: str) -> None:
    """Scoring runs `unit_N_fast`, which tests no value for being given, on units whose data
    gives none, and its twin `unit_N_given` on the others. On every shipped scheme's sample
    data: the twin computes what the plain function does where nothing is given, and with
    values given (each unit gives one of its per-unit values, a different one from unit to
    unit: the value it computes plus one) plain scoring gives what traced scoring gives."""
    import attrs

    from kaoping import load_scheme
    from kaoping.io.data import load_file
    from kaoping.io.given import Given
    from kaoping.plugins.manager import default_registry
    from kaoping.runtime.unit import Run, Unit
    from kaoping.scoring import score

    scheme = load_scheme(scheme_id)
    sample = default_registry().sample(scheme_id)
    assert sample is not None
    data = load_file(sample, scheme.model)
    scheme.load_traced()
    ns = scheme.namespace
    scored = [r.unit for r in score(scheme, data).units]
    for u in [u for u in scored if not u.skip]:  # the facts as scored (with derived grades)
        plain, twin = (Unit(u.name, u.group, u.block, u.facts, run=Run()) for _ in range(2))
        ns[f"unit_{u.block}_fast"](plain)
        ns[f"unit_{u.block}_given"](twin)
        assert plain.values == twin.values, u.name
        assert plain.values and all(
            type(v) is type(twin.values[k]) for k, v in plain.values.items()
        )

    computed = {u.name: u.values for u in scored}
    given_data = []
    for i, d in enumerate(data):
        model = scheme.model.blocks[ns["BLOCK_OF_GROUP"][d.group]]
        paths = [
            p
            for p in model.order
            if model.values[p].stage == "unit"
            and isinstance(computed[d.name].get(p), Q)
            and p not in d.given
        ]
        path = paths[i % len(paths)]
        given = {**d.given, path: Given(computed[d.name][path] + 1, "复核")}
        given_data.append(attrs.evolve(d, given=given))
    plain_results = {r.name: r.unit for r in score(scheme, given_data).units}
    traced_results = {r.name: r.unit for r in score(scheme, given_data, trace=True).units}
    assert any(u.skip for u in plain_results.values())
    assert any(plain_results[n].values != computed[n] for n in computed)
    for name, unit in plain_results.items():
        twin = traced_results[name]
        assert unit.values == twin.values, name
        assert (unit.flags, unit.grades) == (twin.flags, twin.grades), name
