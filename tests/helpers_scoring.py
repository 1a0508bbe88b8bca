"""Helpers shared by the scoring tests: compile a rules text, score hand-made units.

(Kept apart from conftest.py, which belongs to the compiler tests.)"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from kaoping.compiler.load import CompiledScheme, compile_sources
from kaoping.exact import Q, parse
from kaoping.io.validate import validate
from kaoping.scoring import Results, UnitResult, score


def compile_rules(text: str, name: str = "t") -> CompiledScheme:
    """Compile one rules text (dedented) as a scheme called `name`."""
    return compile_sources(name, {f"{name}.rules": textwrap.dedent(text).lstrip("\n")})


def unit(name: str, group: str, **facts: Any) -> dict[str, Any]:
    return {"unit": name, "group": group, "facts": facts}


def run(scheme: CompiledScheme, units: Sequence[Mapping[str, Any]]) -> Results:
    """Validate the units as a data file would be, then score them."""
    return score(scheme, validate({"units": list(units)}, scheme.model, "test-data"))


def one(scheme: CompiledScheme, group: str, **facts: Any) -> UnitResult:
    """Score a single unit called U of `group`."""
    result = run(scheme, [unit("U", group, **facts)]).by_name("U")
    assert result is not None
    return result


def value(r: UnitResult | None, path: str) -> Any:
    assert r is not None
    return r.unit.values[path]


def D(text: str | int) -> Q:
    """An exact number from its decimal text ("0.15") or fraction text ("550/3")."""
    return parse(str(text), "result")
