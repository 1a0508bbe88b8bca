"""Editor packaging (editors/vscode): the TextMate grammar is what scripts/build_tm_grammar.py
builds from kaoping's keyword tables, it gives the expected scopes on sample lines of both
keyword sets (vscode-tmgrammar-test, run on VS Code's own TextMate engine and Oniguruma), and
the extension's manifest wires the language, the grammar and the server together."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXTENSION = ROOT / "editors" / "vscode"
GRAMMAR = EXTENSION / "syntaxes" / "kaoping.tmLanguage.json"


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_tm_grammar", ROOT / "scripts" / "build_tm_grammar.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_grammar_is_what_the_script_builds() -> None:
    built = build_script().grammar_text()
    assert GRAMMAR.read_text("utf-8") == built, (
        "editors/vscode/syntaxes/kaoping.tmLanguage.json is not built from the current keywords: "
        "run python scripts/build_tm_grammar.py"
    )


def test_every_keyword_of_both_sets_is_highlighted() -> None:
    """Each literal word of the parser's grammar is in one of the grammar's keyword patterns."""
    script = build_script()
    keywords = script.grammar_literals(script.LARK.read_text("utf-8"))
    grammar = json.loads(GRAMMAR.read_text("utf-8"))
    patterns = " ".join(p["match"] for p in grammar["repository"]["keyword"]["patterns"])
    missing = [
        w for w in keywords if f"|{w}|" not in patterns.replace("(?:", "|").replace(")", "|")
    ]
    assert missing == []
    assert "封顶" in keywords and "cap" in keywords  # both sets are there


def test_grammar_scopes_on_sample_lines() -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(
            "npm is not installed: the grammar test runs vscode-tmgrammar-test (Node.js); "
            "install Node.js and npm"
        )
    runner = EXTENSION / "node_modules" / "vscode-tmgrammar-test" / "dist" / "unit.js"
    if not runner.is_file():
        # a cache of its own: a shared npm cache written by concurrent installs has been seen
        # to give a package without its files, with `npm ci` still succeeding
        with tempfile.TemporaryDirectory() as cache:
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--cache", cache],
                cwd=EXTENSION,
                check=True,
                timeout=600,
            )
    assert runner.is_file(), f"npm ci did not install {runner}"
    done = subprocess.run(
        [npm, "run", "--silent", "test-grammar"],
        cwd=EXTENSION,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # both sample files ran (a glob that matched nothing would pass silently)
    assert "zh.test.rules" in done.stdout and "en.test.rules" in done.stdout


def test_the_extension_wires_language_grammar_and_server() -> None:
    manifest = json.loads((EXTENSION / "package.json").read_text("utf-8"))
    [language] = manifest["contributes"]["languages"]
    assert language["id"] == "kaoping" and language["extensions"] == [".rules"]
    assert (EXTENSION / language["configuration"]).is_file()
    [grammar] = manifest["contributes"]["grammars"]
    assert grammar["language"] == "kaoping"
    assert (
        json.loads((EXTENSION / grammar["path"]).read_text("utf-8"))["scopeName"]
        == (grammar["scopeName"])
    )
    assert (EXTENSION / manifest["main"]).is_file()
    assert "onLanguage:kaoping" in manifest["activationEvents"]
    command = manifest["contributes"]["configuration"]["properties"]["kaoping.server.command"]
    assert command["default"] == ["kaoping", "lsp"]
    assert "vscode-languageclient" in manifest["dependencies"]
    lock = json.loads((EXTENSION / "package-lock.json").read_text("utf-8"))
    assert lock["packages"][""]["devDependencies"] == manifest["devDependencies"]
    config = json.loads((EXTENSION / "language-configuration.json").read_text("utf-8"))
    assert config["comments"]["lineComment"] == "#"
