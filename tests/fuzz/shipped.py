"""The schemes kaoping ships, as the generators start from them: rules texts, sample data,
the types of the inputs (from `kaoping inputs`) and last year's results (from `kaoping score
--format json`), read once per session through the real commands."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

import kaoping.schemes
from fuzz import jsontext
from kaoping.cli import main
from kaoping.plugins.manager import default_registry

_SCHEMES_DIR = Path(kaoping.schemes.__file__).parent


@dataclass(frozen=True)
class Shipped:
    id: str
    rules: dict[str, str]  # file name → text
    sample_text: str
    numeric: frozenset[str]  # inputs and record fields that are numbers or counts
    scalar: frozenset[str]  # inputs a CSV column can carry
    results_json: str  # `score ID --sample --format json`

    @functools.cached_property
    def sample(self) -> Any:
        return jsontext.parse(self.sample_text)

    @functools.cached_property
    def results(self) -> Any:
        return jsontext.parse(self.results_json)


def _run(*argv: str) -> str:
    result = CliRunner().invoke(main, list(argv))
    if result.exit_code != 0:
        raise RuntimeError(f"kaoping {' '.join(argv)} failed: {result.output}")
    return result.stdout


_INPUT = re.compile(r"^(\S.*?): (.+?)  \[")
_FIELD = re.compile(r"^    - (.+?): (.+)$")


def _types(scheme_id: str) -> tuple[frozenset[str], frozenset[str]]:
    numeric, scalar = set(), set()
    for line in _run("inputs", scheme_id).split("\n"):
        m = _INPUT.match(line) or _FIELD.match(line)
        if not m:
            continue
        name, typ = m.group(1), m.group(2)
        if typ.startswith(("number", "count")):
            numeric.add(name)
        if _INPUT.match(line) and not typ.startswith("list"):
            scalar.add(name)
    return frozenset(numeric), frozenset(scalar)


@functools.cache
def schemes() -> tuple[Shipped, ...]:
    reg = default_registry()
    out = []
    for sid in sorted(reg.schemes):
        files = reg.rules(sid)
        sample = reg.sample(sid)
        if sample is None or not all(_SCHEMES_DIR in f.parents for f in files):
            continue  # only kaoping's own schemes: a test must not depend on other plugins
        numeric, scalar = _types(sid)
        out.append(
            Shipped(
                sid,
                {f.name: f.read_text("utf-8") for f in files},
                sample.read_text("utf-8"),
                numeric,
                scalar,
                _run("score", sid, "--sample", "--format", "json"),
            )
        )
    return tuple(out)


def by_id(scheme_id: str) -> Shipped:
    return next(s for s in schemes() if s.id == scheme_id)
