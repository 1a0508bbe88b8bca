"""kaoping (考评): a rules-DSL compiler for government assessment schemes.

The public API: compile a scheme from rules files or load an installed one, score units,
explain a unit's points; `hookimpl` for jurisdiction plugins; `KaopingError` as the error root.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaoping.compiler.load import CompiledScheme, RuleFunction, compile_paths, compile_sources
from kaoping.errors import CompileError, DataError, KaopingError, ScoringError
from kaoping.plugins.hookspecs import SchemeInfo, hookimpl
from kaoping.plugins.manager import Registry, default_registry

if TYPE_CHECKING:
    from kaoping.scoring import Results, score

__all__ = [
    "CompileError",
    "CompiledScheme",
    "DataError",
    "KaopingError",
    "Registry",
    "Results",
    "RuleFunction",
    "SchemeInfo",
    "ScoringError",
    "compile_paths",
    "compile_sources",
    "hookimpl",
    "load_scheme",
    "score",
]


def load_scheme(ref: str, registry: Registry | None = None) -> CompiledScheme:
    """An installed scheme id, or a path to a rules file or a folder of rules files."""
    registry = registry or default_registry()
    path = Path(ref)
    if ref not in registry.schemes and path.exists():
        scheme_id = path.stem if path.is_file() else path.resolve().name
        return compile_paths(scheme_id, [path], registry.functions())
    files: Sequence[Path] = registry.rules(ref)
    return compile_paths(ref, files, registry.functions())


def __getattr__(name: str) -> Any:
    """`score` and `Results`, imported when first asked for: `kaoping check` scores nothing,
    and the scoring runtime is a tenth of its start-up."""
    if name in ("score", "Results"):
        from kaoping import scoring

        return getattr(scoring, name)
    raise AttributeError(f"module 'kaoping' has no attribute {name!r}")
