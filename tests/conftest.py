"""Helpers shared by the test files: compile a rules text, or just run the front end on it."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from kaoping.compiler.load import CompiledScheme, RuleFunction, compile_sources, frontend
from kaoping.diagnostics import Diagnostic


def compile_text(
    text: str,
    name: str = "t.rules",
    functions: Mapping[str, RuleFunction] | None = None,
    scheme_id: str = "t",
) -> CompiledScheme:
    """Compile one rules text; raises CompileError when it has errors."""
    return compile_sources(scheme_id, {name: text}, functions)


def diagnostics(text: str, name: str = "t.rules") -> list[Diagnostic]:
    """Every diagnostic (errors and warnings) of one rules text, sorted by position."""
    _, diags = frontend({name: text})
    return diags


def codes(text: str) -> list[str]:
    return [d.code for d in diagnostics(text)]


@pytest.fixture
def rules_file(tmp_path):
    """Write a rules text to a file in tmp_path and return its path."""

    def write(text: str, name: str = "t.rules"):
        path = tmp_path / name
        path.write_text(text, "utf-8")
        return path

    return write


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/goldens/*.expected from the current output (then review the diff)",
    )
