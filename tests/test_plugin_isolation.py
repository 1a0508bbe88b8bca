"""Hostile and broken plugins: whatever a plugin does at import or in a hook (raise, exit, raise
KeyboardInterrupt, return the wrong thing, point at missing files), the problem names the plugin
and the hook, the plugin (or only its scheme) is set aside, and every other scheme still lists,
checks and scores. Only the user's own Ctrl-C stops kaoping."""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from helpers_plugins import FakeEntryPoint, info, score_one, with_case, write_scheme
from helpers_scoring import D
from kaoping import load_scheme
from kaoping.cli import main
from kaoping.compiler.load import RuleFunction
from kaoping.errors import PluginError, ScoringError
from kaoping.io.validate import validate
from kaoping.plugins import manager
from kaoping.plugins.hookspecs import SchemeInfo, hookimpl
from kaoping.plugins.isolation import is_users_interrupt, watch_interrupts
from kaoping.plugins.manager import Registry
from kaoping.schemes.example_zh import plugin as example_zh
from kaoping.scoring import score


def make_plugin(**hooks: Callable[..., Any]) -> Any:
    """A plugin object whose hooks are the given functions (each taking `self` first)."""
    return type("Plugin", (), {name: hookimpl(fn) for name, fn in hooks.items()})()


def exits(*_: Any) -> Any:
    sys.exit(3)


def interrupts(*_: Any) -> Any:
    raise KeyboardInterrupt


def fails(*_: Any) -> Any:
    raise RuntimeError("bug in the plugin")


def double(x: Decimal) -> Decimal:
    return x * 2


def cli(monkeypatch: pytest.MonkeyPatch, reg: Registry, *args: str) -> Result:
    monkeypatch.setattr(manager, "_DEFAULT", reg)
    return CliRunner().invoke(main, list(args))


# --- kaoping_schemes and kaoping_rule_functions: a plugin that fails there is set aside ---

SET_ASIDE = {
    "functions [1]": (
        {"kaoping_rule_functions": lambda self: [1]},
        "kaoping_rule_functions() item 1 is 1, not a RuleFunction",
    ),
    "functions not a list": (
        {"kaoping_rule_functions": lambda self: "倍增"},
        "kaoping_rule_functions() returned '倍增', expected a list of RuleFunction",
    ),
    "functions raise": ({"kaoping_rule_functions": fails}, "raised RuntimeError: bug in the"),
    "functions exit": ({"kaoping_rule_functions": exits}, "called sys.exit(3)"),
    "functions KeyboardInterrupt": (
        {"kaoping_rule_functions": interrupts},
        "kaoping_rule_functions() raised KeyboardInterrupt",
    ),
    "function name not text": (
        {"kaoping_rule_functions": lambda self: [RuleFunction(7, double, 1)]},  # type: ignore[arg-type]
        "item 1: 7 is not a name rules can call",
    ),
    "function name with a space": (
        {"kaoping_rule_functions": lambda self: [RuleFunction("倍 增", double, 1)]},
        "'倍 增' is not a name rules can call",
    ),
    "function name of a built-in": (
        {"kaoping_rule_functions": lambda self: [RuleFunction("最小", double, 1)]},
        "'最小' is the name of a built-in function",
    ),
    "function listed twice": (
        {
            "kaoping_rule_functions": lambda self: [
                RuleFunction("倍增", double, 1),
                RuleFunction("倍增", double, 1),
            ]
        },
        "'倍增' is listed twice",
    ),
    "arity a bool": (
        {"kaoping_rule_functions": lambda self: [RuleFunction("倍增", double, True)]},
        "'倍增': arity True is not a count",
    ),
    "arity negative": (
        {"kaoping_rule_functions": lambda self: [RuleFunction("倍增", double, -1)]},
        "'倍增': arity -1 is not a count",
    ),
    "function not callable": (
        {"kaoping_rule_functions": lambda self: [RuleFunction("倍增", 2, 1)]},  # type: ignore[arg-type]
        "'倍增': 2 is not callable",
    ),
    "arity against the signature": (
        {"kaoping_rule_functions": lambda self: [RuleFunction("倍增", double, 2)]},
        "'倍增' declares 2 argument(s) but its function takes (x: 'Decimal')",
    ),
    "schemes None": (
        {"kaoping_schemes": lambda self: None},
        "kaoping_schemes() returned None, expected a list of SchemeInfo",
    ),
    "schemes a dict": (
        {"kaoping_schemes": lambda self: [{"id": "x"}]},
        "item 1 is {'id': 'x'}, not a SchemeInfo",
    ),
    "scheme id a path": (
        {"kaoping_schemes": lambda self: [info("../good")]},
        "scheme id '../good' is not lowercase ASCII letters",
    ),
    "scheme id upper case": (
        {"kaoping_schemes": lambda self: [info("Bad")]},
        "scheme id 'Bad' is not lowercase",
    ),
    "title forging a line": (
        {"kaoping_schemes": lambda self: [SchemeInfo("bad", "a\ngood 2024", "j", 2024, "s")]},
        "scheme 'bad': title 'a\\ngood 2024' is not one line of text",
    ),
    "title with a terminal escape": (
        {"kaoping_schemes": lambda self: [SchemeInfo("bad", "\x1b[2J", "j", 2024, "s")]},
        "title '\\x1b[2J' is not one line of text",
    ),
    "year text": (
        {"kaoping_schemes": lambda self: [SchemeInfo("bad", "t", "j", "2024", "s")]},  # type: ignore[arg-type]
        "scheme 'bad': year '2024' is not an int",
    ),
    "scheme listed twice": (
        {"kaoping_schemes": lambda self: [info("bad"), info("bad")]},
        "scheme id 'bad' is listed twice",
    ),
    "schemes exit": ({"kaoping_schemes": exits}, "kaoping_schemes() called sys.exit(3)"),
    "schemes exit 0": (
        {"kaoping_schemes": lambda self: sys.exit(0)},
        "kaoping_schemes() called sys.exit(0)",
    ),
    "schemes KeyboardInterrupt": (
        {"kaoping_schemes": interrupts},
        "kaoping_schemes() raised KeyboardInterrupt",
    ),
    "no hooks at all": ({}, "contributes no scheme and no rule function"),
}


@pytest.mark.parametrize("hooks, expected", SET_ASIDE.values(), ids=SET_ASIDE.keys())
def test_a_plugin_failing_at_registration_is_set_aside_naming_plugin_and_hook(
    hooks: dict[str, Any], expected: str, tmp_path: Path
) -> None:
    reg = Registry(
        load_entry_points=False,
        plugins=[("bad", make_plugin(**hooks)), ("good", write_scheme(tmp_path, "good"))],
    )
    [problem] = reg.problems
    assert problem.startswith("plugin 'bad'") and problem.endswith(
        "the plugin is left out: none of its schemes or rule functions are used"
    )
    assert expected in problem
    assert list(reg.schemes) == ["good"]
    assert reg.functions() == {}
    assert reg.pm.get_plugin("bad") is None  # pluggy's hook calls do not reach it either
    assert score_one(reg, "good", 3) == 6


def test_a_plugin_with_good_schemes_and_bad_functions_is_set_aside_whole(tmp_path: Path) -> None:
    good = write_scheme(tmp_path, "good")
    half = write_scheme(tmp_path, "half")
    bad = make_plugin(
        kaoping_schemes=lambda self: [half.info],
        kaoping_scheme_rules=lambda self, scheme_id: [half.rules],
        kaoping_rule_functions=lambda self: [1],
    )
    reg = Registry(load_entry_points=False, plugins=[("bad", bad), ("good", good)])
    assert list(reg.schemes) == ["good"]
    assert "'bad'" in reg.problems[0]


def test_cli_other_schemes_list_check_score_and_test_with_the_warning_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The issue's case: `kaoping_rule_functions` returning [1] broke every command."""
    reg = Registry(
        load_entry_points=False,
        plugins=[
            ("bad-functions", make_plugin(kaoping_rule_functions=lambda self: [1])),
            ("good", with_case(write_scheme(tmp_path, "good"))),
        ],
    )
    data = tmp_path / "data.json"
    data.write_text('{"units": [{"unit": "甲", "group": "单位", "facts": {"次数": 4}}]}', "utf-8")
    warning = "warning: plugin 'bad-functions': kaoping_rule_functions() item 1 is 1"
    for args in (
        ["list"],
        ["check", "good"],
        ["score", "good", str(data), "--format", "json"],
        ["explain", "good", str(data), "--unit", "甲"],
        ["inputs", "good"],
        ["test", "good"],
    ):
        result = cli(monkeypatch, reg, *args)
        assert result.exit_code == 0, (args, result.output)
        assert result.stderr.count(warning) == 1, (args, result.stderr)
        assert result.stderr.count("warning:") == 1, (args, result.stderr)
    # every installed scheme checked: the good one is, and the plugin set aside is a failure
    everything = cli(monkeypatch, reg, "check")
    assert everything.exit_code == 2, everything.output
    assert "good: ok" in everything.stdout and "bad-functions: FAILED" in everything.stdout
    assert everything.stderr.count(warning) == 1
    assert (
        "error: scheme 'bad-functions' cannot be used: plugin 'bad-functions'" in everything.stderr
    )
    scored = cli(monkeypatch, reg, "score", "good", str(data), "--format", "json")
    assert Decimal(json.loads(scored.stdout)["units"][0]["total"]) == 8  # 2 per 次数, 4 次数
    assert cli(monkeypatch, reg, "list").stdout.split()[0] == "good"


# --- import time ---


@pytest.mark.parametrize(
    "loader, expected",
    [
        (exits, "failed to load: called sys.exit(3) at import"),
        (interrupts, "failed to load: raised KeyboardInterrupt"),
        (fails, "failed to load: raised RuntimeError: bug in the plugin"),
        (lambda: None, "is None, not a plugin"),
        (lambda: 42, "contributes no scheme and no rule function"),
    ],
    ids=["sys.exit", "KeyboardInterrupt", "exception", "None", "not a plugin"],
)
def test_an_entry_point_failing_at_import_is_reported_and_the_rest_loads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, loader: Any, expected: str
) -> None:
    good = write_scheme(tmp_path, "good")
    eps = [
        FakeEntryPoint("hostile", "kaoping_hostile:plugin", loader),
        FakeEntryPoint("zz-good", "kaoping_good:plugin", lambda: good),
    ]
    monkeypatch.setattr(manager.importlib.metadata, "entry_points", lambda **kw: eps)
    reg = Registry()
    [problem] = reg.problems
    assert problem.startswith("plugin 'hostile' (kaoping_hostile:plugin)")
    assert expected in problem
    assert list(reg.schemes) == ["good"]
    assert score_one(reg, "good", 1) == 2


def test_entry_points_of_one_name_from_two_distributions_are_both_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The usual way two packages collide: both name their entry point after the scheme id."""
    first = write_scheme(tmp_path, "same")
    second = write_scheme(tmp_path, "same")
    eps = [
        FakeEntryPoint("same", "kaoping_scheme_same:plugin", lambda: first),
        FakeEntryPoint("same", "my_copy:plugin", lambda: second),
    ]
    monkeypatch.setattr(manager.importlib.metadata, "entry_points", lambda **kw: eps)
    reg = Registry()
    both = "plugin 'same' (kaoping_scheme_same:plugin), plugin 'same' (my_copy:plugin)"
    with pytest.raises(PluginError, match=re.escape(f"several plugins: {both}; uninstall")):
        reg.rules("same")


# --- per-scheme hooks: an error for that scheme only, exit 2 ---


def _scheme_plugin(tmp_path: Path, **hooks: Callable[..., Any]) -> Any:
    """Lists the scheme 'bad' (rules of a working scheme) with `hooks` replacing its own."""
    base = write_scheme(tmp_path, "bad")
    defaults: dict[str, Callable[..., Any]] = {
        "kaoping_schemes": lambda self: [info("bad")],
        "kaoping_scheme_rules": lambda self, scheme_id: [base.rules],
    }
    defaults.update(hooks)
    return make_plugin(**{k: v for k, v in defaults.items() if v is not None})


def _returns(value: object) -> Callable[..., Any]:
    return lambda self, scheme_id: value


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo.rules"
    os.mkfifo(path)
    return path


RULES_HOOK = {
    "raises": (lambda tmp: fails, "kaoping_scheme_rules('bad') raised RuntimeError"),
    "exits": (lambda tmp: exits, "kaoping_scheme_rules('bad') called sys.exit(3)"),
    "KeyboardInterrupt": (lambda tmp: interrupts, "raised KeyboardInterrupt"),
    "a string": (
        lambda tmp: lambda self, scheme_id: "bad.rules",
        "returned 'bad.rules', expected a list of Path",
    ),
    "strings": (
        lambda tmp: lambda self, scheme_id: ["bad.rules"],
        "item 1 is 'bad.rules', not a pathlib.Path",
    ),
    "None": (
        lambda tmp: lambda self, scheme_id: None,
        "returned None for 'bad', a scheme the plugin lists",
    ),
    "nothing": (lambda tmp: lambda self, scheme_id: [], "gives no rules files for 'bad'"),
    "missing file": (
        lambda tmp: lambda self, scheme_id: [tmp / "gone.rules"],
        "gone.rules does not exist",
    ),
    "a FIFO": (lambda tmp: _returns([_fifo(tmp)]), "fifo.rules is not a file"),
    "empty folder": (
        lambda tmp: lambda self, scheme_id: [(tmp / "empty").resolve()],
        "empty: no .rules files in this folder",
    ),
    "not implemented": (lambda tmp: None, "does not implement kaoping_scheme_rules"),
}


@pytest.mark.parametrize("make_hook, expected", RULES_HOOK.values(), ids=RULES_HOOK.keys())
def test_a_rules_hook_failing_fails_that_scheme_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, make_hook: Any, expected: str
) -> None:
    (tmp_path / "empty").mkdir()
    bad = _scheme_plugin(tmp_path, kaoping_scheme_rules=make_hook(tmp_path))
    reg = Registry(
        load_entry_points=False, plugins=[("bad", bad), ("good", write_scheme(tmp_path, "good"))]
    )
    assert sorted(reg.schemes) == ["bad", "good"] and reg.problems == []
    with pytest.raises(PluginError) as err:
        load_scheme("bad", reg)
    assert str(err.value).startswith("plugin 'bad': ") and expected in str(err.value)
    assert err.value.exit_code == 2

    one = cli(monkeypatch, reg, "check", "bad")
    assert one.exit_code == 2 and expected in one.stderr and isinstance(one.exception, SystemExit)
    every = cli(monkeypatch, reg, "check")
    assert every.exit_code == 2
    assert "bad: FAILED" in every.stdout and "good: ok" in every.stdout
    scored = cli(monkeypatch, reg, "score", "bad", "--sample")
    assert scored.exit_code == 2 and expected in scored.stderr
    assert cli(monkeypatch, reg, "check", "good").exit_code == 0
    assert score_one(reg, "good", 2) == 4


def test_an_unreadable_rules_file_names_plugin_and_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = _scheme_plugin(tmp_path)
    reg = Registry(load_entry_points=False, plugins=[("bad", bad)])
    real_open = Path.open

    def denied(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "bad.rules":  # as chmod 000 would for a user other than root
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(
        PluginError, match=r"plugin 'bad': .*cannot read .*bad\.rules: Permission denied"
    ):
        reg.rules("bad")


SAMPLE_HOOK = {
    "raises": (fails, "raised RuntimeError: bug in the plugin"),
    "exits": (exits, "called sys.exit(3)"),
    "a string": (
        lambda self, scheme_id: "sample.json",
        "returned 'sample.json', not a pathlib.Path",
    ),
    "a folder": (
        lambda self, scheme_id: Path(__file__).parent,
        f"{Path(__file__).parent} is not a file",
    ),
    "missing": (
        lambda self, scheme_id: Path("/nonexistent/sample.json"),
        "/nonexistent/sample.json does not exist",
    ),
}


@pytest.mark.parametrize("hook, expected", SAMPLE_HOOK.values(), ids=SAMPLE_HOOK.keys())
def test_a_sample_hook_failing_is_exit_2_for_that_scheme(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, hook: Any, expected: str
) -> None:
    reg = Registry(
        load_entry_points=False,
        plugins=[("bad", _scheme_plugin(tmp_path, kaoping_scheme_sample=hook))],
    )
    result = cli(monkeypatch, reg, "score", "bad", "--sample")
    assert result.exit_code == 2, result.output
    assert f"error: plugin 'bad': kaoping_scheme_sample('bad') {expected}" in result.stderr
    assert isinstance(result.exception, SystemExit)  # a message, not a crash


CASES_HOOK = {
    "raises": (fails, "raised RuntimeError"),
    "KeyboardInterrupt": (interrupts, "raised KeyboardInterrupt"),
    "strings": (
        lambda self, scheme_id: ["basic.yaml"],
        "item 1 is 'basic.yaml', not a pathlib.Path",
    ),
    "missing": (
        lambda self, scheme_id: [Path("/nonexistent/basic.yaml")],
        "/nonexistent/basic.yaml does not exist",
    ),
}


@pytest.mark.parametrize("hook, expected", CASES_HOOK.values(), ids=CASES_HOOK.keys())
def test_a_cases_hook_failing_fails_that_scheme_and_the_others_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, hook: Any, expected: str
) -> None:
    reg = Registry(
        load_entry_points=False,
        plugins=[
            ("bad", _scheme_plugin(tmp_path, kaoping_scheme_cases=hook)),
            ("example", example_zh),
        ],
    )
    result = cli(monkeypatch, reg, "test")
    assert result.exit_code == 2, result.output
    assert f"FAIL bad: plugin 'bad': kaoping_scheme_cases('bad') {expected}" in result.stdout
    last = result.stdout.strip().splitlines()[-1]
    passed = int(last.split()[0])
    assert passed > 0 and last == f"{passed} passed, 1 failed"


# --- rule functions at scoring time ---

SCORING = {
    "raises": (lambda x: int("x"), "raised ValueError: invalid literal"),
    "exits": (lambda x: sys.exit(4), "called sys.exit(4)"),
    "KeyboardInterrupt": (interrupts, "raised KeyboardInterrupt"),
    "float": (lambda x: 1.5, "returned 1.5, a float: binary floating point is inexact"),
    "None": (lambda x: None, "returned None (NoneType), not a number"),
    "text": (lambda x: "3", "returned '3' (str), not a number"),
    "bool": (lambda x: True, "returned True (bool), not a number"),
    "NaN": (lambda x: Decimal("NaN"), "returned NaN, not a finite number"),
    "Infinity": (lambda x: Decimal("-Infinity"), "returned -Infinity, not a finite number"),
    "huge": (lambda x: Decimal("1E+999999"), "returned 1E+999999, which has more than 100 digits"),
}


@pytest.mark.parametrize("func, expected", SCORING.values(), ids=SCORING.keys())
@pytest.mark.parametrize("trace", [False, True], ids=["score", "explain"])
def test_a_rule_function_failing_while_scoring_names_function_plugin_line_and_unit(
    tmp_path: Path, func: Any, expected: str, trace: bool
) -> None:
    fn = make_plugin(kaoping_rule_functions=lambda self: [RuleFunction("倍增", func, 1)])
    reg = Registry(
        load_entry_points=False,
        plugins=[("fn-plugin", fn), ("s", write_scheme(tmp_path, "s", rule="倍增(1)"))],
    )
    compiled = load_scheme("s", reg)
    data = validate(
        {"units": [{"unit": "县住建局", "group": "单位", "facts": {"次数": 2}}]},
        compiled.model,
        "d",
    )
    with pytest.raises(ScoringError) as err:
        score(compiled, data, trace=trace)
    message = str(err.value)
    assert f"{tmp_path / 's.rules'}:9:" in message  # `加 倍增(1) 每 次数`
    assert "while scoring 县住建局" in message
    assert f"rule function '倍增' of plugin 'fn-plugin' {expected}" in message


@pytest.mark.parametrize(
    "returned, total",
    [
        (3, "6"),
        (Decimal("2.5"), "5"),
        (Fraction(5, 2), "5"),
        (Fraction(1, 4), "0.5"),
        (Fraction(1, 3), "2/3"),  # exact: no quotient rounded to a precision
    ],
    ids=["int", "Decimal", "Fraction", "Fraction 1/4", "Fraction 1/3"],
)
def test_exact_numbers_from_rule_functions_are_accepted(
    tmp_path: Path, returned: object, total: str
) -> None:
    # 倍增(1) points per 次数, 2 次数
    fn = make_plugin(
        kaoping_rule_functions=lambda self: [RuleFunction("倍增", lambda x: returned, 1)]
    )
    reg = Registry(
        load_entry_points=False,
        plugins=[("fn", fn), ("s", write_scheme(tmp_path, "s", rule="倍增(1)"))],
    )
    assert score_one(reg, "s", 2) == D(total)


def test_cli_score_with_a_failing_rule_function_is_exit_2_with_the_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fn = make_plugin(kaoping_rule_functions=lambda self: [RuleFunction("倍增", lambda x: 0.1, 1)])
    reg = Registry(
        load_entry_points=False,
        plugins=[
            ("fn", fn),
            ("s", write_scheme(tmp_path, "s", rule="倍增(1)")),
            ("good", write_scheme(tmp_path, "good")),
        ],
    )
    data = tmp_path / "data.json"
    data.write_text('{"units": [{"unit": "甲", "group": "单位", "facts": {"次数": 1}}]}', "utf-8")
    bad = cli(monkeypatch, reg, "score", "s", str(data))
    assert bad.exit_code == 2 and isinstance(bad.exception, SystemExit)
    assert (
        "s.rules:9:" in bad.stderr
        and "while scoring 甲: rule function '倍增' of plugin 'fn'" in bad.stderr
    )
    assert cli(monkeypatch, reg, "score", "good", str(data)).exit_code == 0


def test_a_golden_case_failing_in_a_rule_function_says_error_not_a_class_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`kaoping test`'s line for a case that could not be scored reads as the `score` command's
    error does ("error: …"), not as a Python exception's class ("ScoringError: …")."""
    fn = make_plugin(kaoping_rule_functions=lambda self: [RuleFunction("倍增", lambda x: 0.1, 1)])
    folder = tmp_path / "s"
    folder.mkdir()
    write_scheme(folder, "s", rule="倍增(1)")
    (folder / "cases").mkdir()
    (folder / "cases" / "a.yaml").write_text(
        "cases:\n  - name: 一次\n    article: 第一条\n    arithmetic: 倍增(1) × 1\n"
        "    units: [{unit: 甲, group: 单位, facts: {次数: 1}}]\n"
        "    expect: {甲: {total: '2'}}\n",
        "utf-8",
    )
    reg = Registry(load_entry_points=False, plugins=[("fn", fn)])
    tested = cli(monkeypatch, reg, "test", str(folder))
    assert tested.exit_code == 1
    [detail] = [line for line in tested.stdout.splitlines() if line.startswith("     ")]
    assert detail.startswith(f"     error: {folder / 's.rules'}:9:"), detail
    assert "while scoring 甲: rule function '倍增' of plugin 'fn' returned 0.1, a float" in detail


# --- the user's Ctrl-C still stops kaoping ---


def ctrl_c(*_: Any) -> Any:
    """What the user's Ctrl-C does while plugin code runs: a real SIGINT to this process."""
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)  # the signal interrupts this at once
    raise AssertionError("SIGINT was not delivered")


def test_ctrl_c_while_a_plugin_imports_stops_kaoping(monkeypatch: pytest.MonkeyPatch) -> None:
    before = signal.getsignal(signal.SIGINT)
    eps = [FakeEntryPoint("slow", "kaoping_slow:plugin", ctrl_c)]
    monkeypatch.setattr(manager.importlib.metadata, "entry_points", lambda **kw: eps)
    with pytest.raises(KeyboardInterrupt):
        Registry()
    assert signal.getsignal(signal.SIGINT) is before  # the handler kaoping watched with is gone


def test_ctrl_c_in_a_hook_stops_kaoping() -> None:
    with pytest.raises(KeyboardInterrupt):
        Registry(load_entry_points=False, plugins=[("slow", make_plugin(kaoping_schemes=ctrl_c))])


def test_ctrl_c_in_a_rule_function_stops_scoring(tmp_path: Path) -> None:
    fn = make_plugin(kaoping_rule_functions=lambda self: [RuleFunction("倍增", ctrl_c, 1)])
    reg = Registry(
        load_entry_points=False,
        plugins=[("fn", fn), ("s", write_scheme(tmp_path, "s", rule="倍增(1)"))],
    )
    with pytest.raises(KeyboardInterrupt):
        score_one(reg, "s", 1)


def test_a_keyboard_interrupt_in_another_thread_is_the_plugins(tmp_path: Path) -> None:
    """Signals reach the main thread only: elsewhere a KeyboardInterrupt is plugin code's."""
    out: list[Registry] = []
    thread = threading.Thread(
        target=lambda: out.append(
            Registry(
                load_entry_points=False,
                plugins=[("k", make_plugin(kaoping_schemes=interrupts))],
            )
        )
    )
    thread.start()
    thread.join()
    [reg] = out
    assert "plugin 'k': kaoping_schemes() raised KeyboardInterrupt" in reg.problems[0]


def test_outside_a_watch_a_keyboard_interrupt_counts_as_the_users() -> None:
    assert is_users_interrupt(KeyboardInterrupt())
    assert not is_users_interrupt(SystemExit(1))
    with watch_interrupts():
        assert not is_users_interrupt(KeyboardInterrupt())  # no SIGINT arrived
        with watch_interrupts():  # nested: the outer watch goes on
            pass
        assert not is_users_interrupt(KeyboardInterrupt())
