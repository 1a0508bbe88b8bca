"""Plugin discovery: the Registry with in-process plugins, broken and conflicting plugins, rule
functions contributed by plugins, the hookspecs' documentation, and the built-in schemes found
through the installed entry points like any third-party scheme."""

from __future__ import annotations

import importlib.metadata
import inspect
from pathlib import Path
from typing import Any

import pytest

from helpers_plugins import FakeEntryPoint, FilePlugin, score_one, with_case, write_scheme
from kaoping import load_scheme
from kaoping.compiler.load import RuleFunction
from kaoping.errors import CompileError, PluginError, ScoringError, UnknownScheme
from kaoping.plugins import hookspecs
from kaoping.plugins.folder import SchemeFolder
from kaoping.plugins.hookspecs import SchemeInfo, hookimpl
from kaoping.plugins.manager import Registry


class BrokenPlugin:
    """Fails in every hook, as a plugin with a bug would."""

    @hookimpl
    def kaoping_schemes(self) -> list[SchemeInfo]:
        raise RuntimeError("boom in kaoping_schemes")

    @hookimpl
    def kaoping_rule_functions(self) -> list[RuleFunction]:
        raise RuntimeError("boom in kaoping_rule_functions")


class FunctionPlugin:
    """Contributes one rule function and no scheme."""

    def __init__(self, name: str = "倍增", factor: int = 2):
        self.fn = RuleFunction(name, lambda x: x * factor, 1)

    @hookimpl
    def kaoping_rule_functions(self) -> list[RuleFunction]:
        return [self.fn]


@pytest.fixture
def scheme(tmp_path: Path):
    """`scheme(id, rule="2")`: a FilePlugin for a one-item scheme written to tmp_path."""

    def make(scheme_id: str, rule: str = "2") -> FilePlugin:
        return write_scheme(tmp_path, scheme_id, rule)

    return make


def test_in_process_plugins_are_listed(scheme: Any) -> None:
    reg = Registry(load_entry_points=False, plugins=[("pa", scheme("a")), ("pb", scheme("b"))])
    assert sorted(reg.schemes) == ["a", "b"]
    assert reg.owner == {"a": "pa", "b": "pb"}
    assert reg.schemes["a"].title == "测试 a"
    assert reg.problems == []
    assert score_one(reg, "a", 3) == 6


def test_no_entry_points_means_no_schemes() -> None:
    reg = Registry(load_entry_points=False)
    assert reg.schemes == {}
    with pytest.raises(UnknownScheme, match="installed: none"):
        reg.rules("example-zh")


def test_plugin_raising_in_kaoping_schemes_is_reported_and_others_keep_working(
    scheme: Any,
) -> None:
    reg = Registry(
        load_entry_points=False, plugins=[("broken", BrokenPlugin()), ("good", scheme("good"))]
    )
    assert list(reg.schemes) == ["good"]
    [problem] = reg.problems
    assert "'broken'" in problem and "RuntimeError" in problem and "boom" in problem
    # the broken plugin is not asked for rule functions either: the good scheme still compiles
    assert score_one(reg, "good", 2) == 4
    assert not any("kaoping_rule_functions" in p for p in reg.problems)


def test_plugin_returning_something_else_than_scheme_infos_is_reported(scheme: Any) -> None:
    class Sloppy:
        @hookimpl
        def kaoping_schemes(self) -> Any:
            return ["not-an-info"]

    reg = Registry(load_entry_points=False, plugins=[("sloppy", Sloppy()), ("good", scheme("g"))])
    assert list(reg.schemes) == ["g"]
    assert len(reg.problems) == 1 and "'sloppy'" in reg.problems[0]


def test_plugin_failing_to_give_rule_functions_does_not_break_compiles(scheme: Any) -> None:
    class BadFunctions:
        @hookimpl
        def kaoping_rule_functions(self) -> list[RuleFunction]:
            raise ValueError("no functions today")

    reg = Registry(
        load_entry_points=False, plugins=[("bad-fn", BadFunctions()), ("good", scheme("good"))]
    )
    assert score_one(reg, "good", 1) == 2
    assert any("'bad-fn'" in p and "no functions today" in p for p in reg.problems)


def test_two_plugins_claiming_one_id_is_an_error_naming_both(scheme: Any) -> None:
    reg = Registry(
        load_entry_points=False,
        plugins=[("first", scheme("same")), ("second", scheme("same")), ("other", scheme("o"))],
    )
    assert "same" not in reg.schemes
    assert any("'same'" in p and "'first'" in p and "'second'" in p for p in reg.problems)
    with pytest.raises(PluginError) as info:
        load_scheme("same", reg)
    message = str(info.value)
    assert "'same'" in message and "first" in message and "second" in message
    for method in (reg.rules, reg.cases, reg.sample):
        with pytest.raises(PluginError):
            method("same")
    # the rest keeps working
    assert list(reg.schemes) == ["o"]
    assert score_one(reg, "o", 4) == 8


def test_a_third_claimant_joins_the_conflict(scheme: Any) -> None:
    reg = Registry(
        load_entry_points=False,
        plugins=[("p1", scheme("x")), ("p2", scheme("x")), ("p3", scheme("x"))],
    )
    with pytest.raises(PluginError, match="plugin 'p1', plugin 'p2', plugin 'p3'"):
        reg.rules("x")


def test_broken_entry_point_is_reported_and_does_not_stop_the_rest(
    monkeypatch: pytest.MonkeyPatch, scheme: Any
) -> None:
    good = scheme("good")

    def fail() -> Any:
        raise ImportError("No module named 'kaoping_scheme_gone'")

    eps = [
        FakeEntryPoint("gone", "kaoping_scheme_gone:plugin", fail),
        FakeEntryPoint("zz-good", "kaoping_scheme_good:plugin", lambda: good),
    ]
    seen: list[Any] = []

    def entry_points(**kwargs: Any) -> list[FakeEntryPoint]:
        seen.append(kwargs)
        return eps

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    reg = Registry()
    assert seen == [{"group": "kaoping"}]
    assert list(reg.schemes) == ["good"]
    assert reg.owner["good"] == "zz-good"
    [problem] = reg.problems
    assert "'gone'" in problem
    assert "kaoping_scheme_gone:plugin" in problem
    assert "ImportError" in problem
    assert score_one(reg, "good", 5) == 10


def test_rule_function_from_a_plugin_is_callable_from_rules(scheme: Any) -> None:
    reg = Registry(
        load_entry_points=False,
        plugins=[("fn", FunctionPlugin("倍增", 3)), ("s", scheme("s", rule="倍增(1)"))],
    )
    assert set(reg.functions()) == {"倍增"}
    # 倍增(1) = 3 per 次数, capped at 10
    assert score_one(reg, "s", 2) == 6
    assert score_one(reg, "s", 5) == 10


def test_unknown_rule_function_is_E201(scheme: Any) -> None:
    reg = Registry(load_entry_points=False, plugins=[("s", scheme("s", rule="倍增(1)"))])
    with pytest.raises(CompileError) as info:
        load_scheme("s", reg)
    assert [d.code for d in info.value.diagnostics] == ["E201"]
    assert "倍增" in str(info.value)


def test_rule_function_contributed_twice_is_reported_naming_both_plugins() -> None:
    reg = Registry(
        load_entry_points=False,
        plugins=[("one", FunctionPlugin("倍增", 2)), ("two", FunctionPlugin("倍增", 3))],
    )
    reg.functions()
    reg.functions()  # once per compile: reported once
    [problem] = reg.problems
    assert "'倍增'" in problem and "'one'" in problem and "'two'" in problem


def test_a_rule_function_contributed_twice_is_called_by_no_rule(scheme: Any) -> None:
    """Neither plugin's function is used in the other's place: a scheme calling the name fails
    while scoring, naming both plugins (before, the first plugin's ran: 2 × 3 = 6, silently)."""
    reg = Registry(
        load_entry_points=False,
        plugins=[
            ("a-other", FunctionPlugin("倍增", 2)),
            ("b-mine", FunctionPlugin("倍增", 3)),
            ("s", scheme("s", rule="倍增(1)")),
        ],
    )
    with pytest.raises(ScoringError) as info:
        score_one(reg, "s", 3)
    message = str(info.value)
    assert "rule function '倍增' is contributed by several plugins: plugin 'a-other', " in message
    assert "plugin 'b-mine'; no rule can call it until all but one are uninstalled" in message
    assert "while scoring 甲" in message


def _hookspecs() -> list[Any]:
    return [
        fn
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(fn, "kaoping_spec")
    ]


def test_there_are_hookspecs() -> None:
    names = {fn.__name__ for fn in _hookspecs()}
    assert {"kaoping_schemes", "kaoping_scheme_rules", "kaoping_rule_functions"} <= names


@pytest.mark.parametrize("spec", _hookspecs(), ids=lambda fn: fn.__name__)
def test_every_hookspec_says_what_it_returns_and_when_it_is_called(spec: Any) -> None:
    doc = inspect.getdoc(spec) or ""
    assert doc.startswith("Return"), f"{spec.__name__}: the docstring should say what it returns"
    assert "Called" in doc, f"{spec.__name__}: the docstring should say when it is called"
    assert "Since" in doc, f"{spec.__name__}: the docstring should say since which version"
    assert inspect.signature(spec).return_annotation is not inspect.Signature.empty


def test_every_folder_hookimpl_matches_a_hookspec() -> None:
    names = {fn.__name__ for fn in _hookspecs()}
    impls = {n for n, v in vars(SchemeFolder).items() if hasattr(v, "kaoping_impl")}
    assert impls and impls <= names


@pytest.mark.parametrize("scheme_id", ["example-en", "example-zh"])
def test_builtin_schemes_are_found_through_installed_entry_points(scheme_id: str) -> None:
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="kaoping")}
    assert scheme_id in eps, "is the project installed (pip install -e .)?"
    ep = eps[scheme_id]
    assert ep.value == f"kaoping.schemes.{scheme_id.replace('-', '_')}:plugin"
    plugin = ep.load()
    assert isinstance(plugin, SchemeFolder)
    assert plugin.info.id == scheme_id  # the entry point's name is the scheme id
    reg = Registry()  # the real discovery path
    assert reg.owner[scheme_id] == scheme_id
    assert not [p for p in reg.problems if scheme_id in p]
    assert reg.rules(scheme_id) and all(p.suffix == ".rules" for p in reg.rules(scheme_id))
    assert reg.sample(scheme_id) is not None
    load_scheme(scheme_id, reg)


def test_cli_reports_conflicts_and_broken_plugins(
    monkeypatch: pytest.MonkeyPatch, scheme: Any
) -> None:
    from click.testing import CliRunner

    from kaoping.cli import main
    from kaoping.plugins import manager

    reg = Registry(
        load_entry_points=False,
        plugins=[
            ("first", scheme("same")),
            ("second", scheme("same")),
            ("broken", BrokenPlugin()),
            ("good", scheme("good")),
        ],
    )
    monkeypatch.setattr(manager, "_DEFAULT", reg)
    runner = CliRunner()

    listed = runner.invoke(main, ["list"])
    assert listed.exit_code == 0
    assert "good" in listed.output and "'broken'" in listed.output and "'second'" in listed.output

    checked = runner.invoke(main, ["check", "same"])
    assert checked.exit_code != 0
    assert "claimed by several plugins: plugin 'first', plugin 'second'" in checked.output

    scored = runner.invoke(main, ["score", "same", "--sample"])
    assert scored.exit_code == 2
    assert "plugin 'first', plugin 'second'; uninstall all but one" in scored.output

    broken = runner.invoke(main, ["check", "broken"])  # installed, set aside: not a usage error
    assert broken.exit_code == 2
    assert "scheme 'broken' cannot be used: plugin 'broken': kaoping_schemes() raised" in (
        broken.output
    )

    # every installed scheme: the conflict and the broken plugin are failures, not skipped
    # with a warning; so is the good scheme, whose plugin gives no golden case to run
    tested = runner.invoke(main, ["test"])
    assert tested.exit_code == 2
    assert "warning: plugin 'broken'" in tested.output
    assert "FAIL broken: scheme 'broken' cannot be used" in tested.output
    assert "FAIL same: scheme id 'same' is claimed by several plugins" in tested.output
    assert "FAIL good: scheme 'good' has no golden cases: its plugin gives none" in tested.output
    assert tested.output.strip().endswith("0 passed, 3 failed")

    assert runner.invoke(main, ["check", "good"]).exit_code == 0


def test_testing_an_installed_scheme_without_golden_cases_fails(
    monkeypatch: pytest.MonkeyPatch, scheme: Any
) -> None:
    """As for a rules folder: a plugin giving no cases (a wheel built without them in
    package-data) must not pass `kaoping test` in CI with nothing tested ("0 passed, 0 failed",
    exit 0 before)."""
    from click.testing import CliRunner

    from kaoping.cli import main
    from kaoping.plugins import manager

    reg = Registry(
        load_entry_points=False,
        plugins=[("bare", scheme("bare")), ("tested", with_case(scheme("tested")))],
    )
    monkeypatch.setattr(manager, "_DEFAULT", reg)
    bare = CliRunner().invoke(main, ["test", "bare"])
    assert bare.exit_code == 1
    assert "FAIL bare: scheme 'bare' has no golden cases: its plugin gives none" in bare.output
    assert bare.output.strip().endswith("0 passed, 1 failed")
    tested = CliRunner().invoke(main, ["test", "tested"])
    assert tested.exit_code == 0, tested.output
    assert tested.output.strip().endswith("1 passed, 0 failed")
