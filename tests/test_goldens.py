"""Golden files: a rules file in tests/goldens/ beside what the compiler makes of it — the
generated Python (`.py.expected`) and the rendered diagnostics in both languages
(`.diagnostics.expected`). Run `pytest --update-goldens` to rewrite them, then review the diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaoping.compiler.emit import emit
from kaoping.compiler.load import frontend
from kaoping.diagnostics import render

GOLDENS = Path(__file__).parent / "goldens"


def _compare(request: pytest.FixtureRequest, expected: Path, actual: str) -> None:
    if request.config.getoption("--update-goldens"):
        expected.write_text(actual, "utf-8")
    assert expected.exists(), f"{expected.name} is missing: run pytest --update-goldens"
    assert actual == expected.read_text("utf-8")


@pytest.mark.parametrize("rules", sorted(GOLDENS.glob("*.rules")), ids=lambda p: p.stem)
def test_golden(rules: Path, request: pytest.FixtureRequest) -> None:
    name = f"goldens/{rules.name}"  # a stable path, whatever the checkout's location
    source = rules.read_text("utf-8")
    model, diags = frontend({name: source})
    rendered = "\n\n".join(render(d, source, lang) for lang in ("en", "zh") for d in diags)
    _compare(request, rules.with_suffix(".diagnostics.expected"), rendered + "\n")
    if model is not None and not any(d.severity == "error" for d in diags):
        python = emit(model, rules.stem, {name: source}).text()
        _compare(request, rules.with_suffix(".py.expected"), python)
