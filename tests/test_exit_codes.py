"""Exit codes are the same for every command, as `kaoping --help` and the README list them:
0 success (warnings allowed), 1 rules errors or failed golden cases, 2 data errors, 3 usage
errors. Each code that a command can give is produced here, through the real command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers_plugins import FilePlugin, write_scheme
from kaoping.cli import EXIT_CODES, main
from kaoping.plugins import manager
from kaoping.plugins.manager import Registry

# one item: 2 points per report, capped at 10
RULES = """\
scheme "测试"
group 单位 "单位"
input 次数: count "报送次数"
scoring 单位:
    item 报送 max 10:
        add 2 per 次数
        cap 10
"""
WARNS = RULES + 'input 未用: yesno "未用"\n'  # W407: still exit 0
ERRS = RULES.replace("add 2 per 次数", "add 2 per 次")  # E201
CASE = """\
cases:
  - name: 三次报送得6分
    article: "第一条"
    arithmetic: "2 × 3 = 6"
    units: [{{unit: 甲, group: 单位, facts: {{次数: 3}}}}]
    expect: {{甲: {{total: "{total}"}}}}
"""


@pytest.fixture
def w(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A work folder: good, warning and broken rules; good and bad data and history; a scheme
    folder whose case passes and one whose case fails. Commands run inside it."""
    monkeypatch.chdir(tmp_path)
    files = {
        "ok.rules": RULES,
        "warns.rules": WARNS,
        "errs.rules": ERRS,
        "data.json": json.dumps({"units": [{"unit": "甲", "group": "单位", "facts": {"次数": 3}}]}),
        "baddata.json": json.dumps({"units": [{"unit": "甲", "group": "无此组", "facts": {}}]}),
        "nojson.json": "{units",
        "passing/scheme.rules": RULES,
        "passing/cases/basic.yaml": CASE.format(total="6"),
        "failing/scheme.rules": RULES,
        "failing/cases/basic.yaml": CASE.format(total="7"),
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return tmp_path


@pytest.fixture
def broken_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An installed scheme 'broken' whose plugin names a rules file that is not there, beside a
    working one: using 'broken' is a plugin failure (exit 2)."""
    good = write_scheme(tmp_path, "good")
    reg = Registry(
        load_entry_points=False,
        plugins=[("good", good), ("broken", FilePlugin("broken", tmp_path / "gone.rules"))],
    )
    monkeypatch.setattr(manager, "_DEFAULT", reg)
    return "broken"


# command line → exit code; `{w}` is the work folder
CASES: dict[str, tuple[list[str], int]] = {
    # list
    "list": (["list"], 0),
    "list unknown option": (["list", "--bogus"], 3),
    # check
    "check clean": (["check", "ok.rules"], 0),
    "check warnings only": (["check", "warns.rules"], 0),
    "check rules errors": (["check", "errs.rules"], 1),
    "check rules errors as json": (["check", "errs.rules", "--format", "json"], 1),
    "check rules errors as sarif": (["check", "errs.rules", "--format", "sarif"], 1),
    "check rules errors as github": (["check", "errs.rules", "--format", "github"], 1),
    "check no such path": (["check", "nothing.rules"], 3),
    "check unknown format": (["check", "ok.rules", "--format", "xml"], 3),
    "check unknown option": (["check", "--bogus"], 3),
    # compile
    "compile clean": (["compile", "ok.rules"], 0),
    "compile rules errors": (["compile", "errs.rules"], 1),
    "compile unknown scheme": (["compile", "no-such-scheme"], 3),
    "compile missing argument": (["compile"], 3),
    # score
    "score": (["score", "ok.rules", "data.json"], 0),
    "score sample": (["score", "example-zh", "--sample"], 0),
    "score rules errors": (["score", "errs.rules", "data.json"], 1),
    "score bad data": (["score", "ok.rules", "baddata.json"], 2),
    "score data not json": (["score", "ok.rules", "nojson.json"], 2),
    "score data missing": (["score", "ok.rules", "nothing.json"], 2),
    "score bad history": (["score", "ok.rules", "data.json", "--history", "nojson.json"], 2),
    "score output unwritable": (["score", "ok.rules", "data.json", "-o", "no/such/dir/o.json"], 2),
    "score unknown scheme": (["score", "no-such-scheme", "data.json"], 3),
    "score no data": (["score", "ok.rules"], 3),
    "score data and sample": (["score", "example-zh", "data.json", "--sample"], 3),
    "score no sample shipped": (["score", "ok.rules", "--sample"], 3),
    "score history missing": (["score", "ok.rules", "data.json", "--history", "none.json"], 3),
    "score bad format": (["score", "ok.rules", "data.json", "--format", "xml"], 3),
    # explain
    "explain": (["explain", "ok.rules", "data.json", "--unit", "甲"], 0),
    "explain rules errors": (["explain", "errs.rules", "data.json", "--unit", "甲"], 1),
    "explain no such unit": (["explain", "ok.rules", "data.json", "--unit", "乙"], 2),
    "explain bad data": (["explain", "ok.rules", "baddata.json", "--unit", "甲"], 2),
    "explain no unit option": (["explain", "ok.rules", "data.json"], 3),
    "explain unknown scheme": (["explain", "no-such-scheme", "data.json", "--unit", "甲"], 3),
    # inputs
    "inputs": (["inputs", "ok.rules"], 0),
    "inputs rules errors": (["inputs", "errs.rules"], 1),
    "inputs unknown scheme": (["inputs", "no-such-scheme"], 3),
    # template
    "template": (["template", "example-zh", "-o", "t.xlsx", "--sample"], 0),
    "template rules errors": (["template", "errs.rules", "-o", "t.xlsx"], 1),
    "template unwritable": (["template", "ok.rules", "-o", "no/such/dir/t.xlsx"], 2),
    "template units bad": (["template", "ok.rules", "-o", "t.xlsx", "--units", "nojson.json"], 2),
    "template no output": (["template", "ok.rules"], 3),
    "template not xlsx": (["template", "ok.rules", "-o", "t.json"], 3),
    "template units and sample": (
        ["template", "example-zh", "-o", "t.xlsx", "--sample", "--units", "data.json"],
        3,
    ),
    "template unknown scheme": (["template", "no-such-scheme", "-o", "t.xlsx"], 3),
    "score xlsx output": (["score", "ok.rules", "data.json", "-o", "r.xlsx"], 0),
    "score xlsx unwritable": (["score", "ok.rules", "data.json", "-o", "no/such/r.xlsx"], 2),
    # report
    "report": (["report", "ok.rules", "data.json", "-o", "r.html"], 0),
    "report sample": (["report", "example-zh", "--sample", "-o", "r.html"], 0),
    "report rules errors": (["report", "errs.rules", "data.json", "-o", "r.html"], 1),
    "report bad data": (["report", "ok.rules", "baddata.json", "-o", "r.html"], 2),
    "report bad history": (
        ["report", "ok.rules", "data.json", "--history", "nojson.json", "-o", "r.html"],
        2,
    ),
    "report unwritable": (["report", "ok.rules", "data.json", "-o", "no/such/r.html"], 2),
    "report over its data": (["report", "ok.rules", "data.json", "-o", "data.json"], 3),
    "report no output": (["report", "ok.rules", "data.json"], 3),
    "report no data": (["report", "ok.rules", "-o", "r.html"], 3),
    "report unknown scheme": (["report", "no-such-scheme", "data.json", "-o", "r.html"], 3),
    "report bad lang": (["report", "ok.rules", "data.json", "-o", "r.html", "--lang", "fr"], 3),
    # test
    "test passing": (["test", "passing"], 0),
    "test failing case": (["test", "failing"], 1),
    "test rules errors": (["test", "errs.rules"], 1),
    # fmt
    "fmt": (["fmt", "ok.rules"], 0),
    "fmt check finds a change": (["fmt", "--check", "ok.rules"], 1),
    "fmt a file that does not parse": (["fmt", "nojson.json"], 1),
    "fmt no paths": (["fmt"], 3),
    "fmt no such path": (["fmt", "nothing.rules"], 3),
    "test unwritable junit": (["test", "passing", "--junitxml", "no/such/dir/j.xml"], 2),
    "test unknown ref": (["test", "no-such-scheme"], 3),
    "test unknown option": (["test", "--bogus"], 3),
    "test coverage": (["test", "passing", "--coverage-file", "cov.info"], 0),
    "test coverage unwritable": (["test", "passing", "--coverage-file", "no/such/c.xml"], 2),
    "test coverage format unknown": (["test", "passing", "--coverage-file", "cov.txt"], 3),
    "test coverage failing case": (["test", "failing", "--coverage"], 1),
    # doc
    "doc": (["doc", "anfu-2017", "-o", "doc.html"], 0),
    "doc no document": (["doc", "ok.rules"], 3),
    "doc rules errors": (["doc", "errs.rules"], 1),
    "doc over an input": (["doc", "passing", "--document", "data.json", "-o", "data.json"], 2),
    "doc document missing": (["doc", "passing", "--document", "none.txt"], 2),
    "doc unknown scheme": (["doc", "no-such-scheme"], 3),
    # the results archive
    "score archive": (
        ["score", "ok.rules", "data.json", "--archive", "new.db", "--year", "2025"],
        0,
    ),
    "score archive no year": (["score", "ok.rules", "data.json", "--archive", "new.db"], 3),
    "score archive not sqlite": (
        ["score", "ok.rules", "data.json", "--archive", "nojson.json", "--year", "2025"],
        2,
    ),
    "score history archive": (
        ["score", "ok.rules", "data.json", "--history", "archive:a.db#2025"],
        0,
    ),
    "score history archive bad year": (
        ["score", "ok.rules", "data.json", "--history", "archive:a.db#25"],
        3,
    ),
    "score history archive no run": (
        ["score", "ok.rules", "data.json", "--history", "archive:a.db#2024"],
        2,
    ),
    "history": (["history", "--archive", "a.db"], 0),
    "history unit": (["history", "甲", "--archive", "a.db"], 0),
    "history no such unit": (["history", "乙", "--archive", "a.db"], 2),
    "history not an archive": (["history", "--archive", "nojson.json"], 2),
    "history no archive option": (["history"], 3),
    # diff
    "diff": (["diff", "ok.rules", "warns.rules", "data.json"], 0),
    "diff rules errors": (["diff", "ok.rules", "errs.rules", "data.json"], 1),
    "diff bad data": (["diff", "ok.rules", "warns.rules", "baddata.json"], 2),
    "diff output unwritable": (["diff", "ok.rules", "ok.rules", "data.json", "-o", "no/d.json"], 2),
    "diff unknown scheme": (["diff", "ok.rules", "no-such-scheme", "data.json"], 3),
    "diff no data": (["diff", "ok.rules", "warns.rules"], 3),
    # new-scheme
    "lsp, the editor closing stdin at once": (["lsp"], 0),
    "lsp unknown option": (["lsp", "--bogus"], 3),
    "new-scheme": (["new-scheme", "jian-2018", "--dir", "new"], 0),
    "new-scheme bad id": (["new-scheme", "Jian_2018", "--dir", "new"], 3),
    "new-scheme missing id": (["new-scheme"], 3),
    # the group itself
    "no command": ([], 3),
    "unknown command": (["frobnicate"], 3),
    "help": (["--help"], 0),
}

PLUGIN_CASES: dict[str, list[str]] = {
    "check": ["check", "broken"],
    "check all": ["check"],
    "compile": ["compile", "broken"],
    "score": ["score", "broken", "--sample"],
    "explain": ["explain", "broken", "--sample", "--unit", "甲"],
    "inputs": ["inputs", "broken"],
    "template": ["template", "broken", "-o", "t.xlsx"],
    "report": ["report", "broken", "--sample", "-o", "r.html"],
    "test": ["test", "broken"],
    "doc": ["doc", "broken"],
    "diff": ["diff", "ok.rules", "broken", "data.json"],
}


def invoke(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("name", CASES)
def test_exit_code(w: Path, name: str) -> None:
    args, expected = CASES[name]
    if "a.db" in " ".join(args):  # an archive to read: one run of ok.rules, recorded for 2025
        made = ["score", "ok.rules", "data.json", "--archive", "a.db", "--year", "2025"]
        assert invoke(made)[0] == 0
    code, output = invoke(args)
    assert code == expected, output


@pytest.mark.parametrize("name", PLUGIN_CASES)
def test_a_failing_plugin_is_exit_2(w: Path, broken_plugin: str, name: str) -> None:
    code, output = invoke(PLUGIN_CASES[name])
    assert code == 2, output
    assert "gone.rules" in output


def test_every_command_has_its_exit_codes_tested() -> None:
    commands = set(main.commands)  # type: ignore[attr-defined]
    tested = {args[0] for args, _ in CASES.values() if args and args[0] in commands}
    assert tested == commands
    for command in commands - {"list", "new-scheme"}:
        codes = {code for args, code in CASES.values() if args and args[0] == command}
        assert {0, 3} <= codes, command


def test_existing_scaffold_folder_is_exit_2(w: Path) -> None:
    assert invoke(["new-scheme", "jian-2018", "--dir", "new"])[0] == 0
    code, output = invoke(["new-scheme", "jian-2018", "--dir", "new"])
    assert code == 2 and "exists already" in output


def test_usage_errors_keep_clicks_message(w: Path) -> None:
    code, output = invoke(["check", "--bogus"])
    assert code == 3
    assert "Usage: " in output and "No such option" in output and "--bogus" in output
    code, output = invoke(["check", "nothing.rules"])
    assert (
        code == 3
        and "'nothing.rules' is neither a file, a folder nor an installed scheme" in output
    )


def test_help_epilogue_lists_every_code(w: Path) -> None:
    code, output = invoke(["--help"])
    assert code == 0
    assert "Exit codes" in output
    shown = [line.strip() for line in output.split("\n")]
    for line in EXIT_CODES.split("\n")[1:]:
        assert line.strip() in shown
    for code in "0123":
        assert any(line.startswith(f"{code}  ") for line in shown), code


def test_readme_lists_the_same_exit_codes() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    rows = dict(
        (int(code), text)
        for code, text in (
            line.strip("|").split("|", 1)
            for line in readme.split("\n")
            if re.match(r"\| \d+ \|", line)
        )
    )
    assert sorted(rows) == [0, 1, 2, 3, 130]
    assert "usage" in rows[3] and "data" in rows[2] and "rules errors" in rows[1]


def test_ctrl_c_is_exit_130_not_a_rules_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Click turns a Ctrl-C into "Aborted!" and exit 1, which a CI step would read as rules
    errors: kaoping says "interrupted" and exits 130, as a shell reports a Ctrl-C."""
    import kaoping.cli

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(kaoping.cli, "load_scheme", interrupted)
    result = CliRunner().invoke(kaoping.cli.main, ["compile", "example-zh"])
    assert result.exit_code == 130
    assert "interrupted" in result.stderr and "Aborted" not in result.output
