"""Every hook a kaoping plugin can implement. A jurisdiction is a plugin: it contributes its
scheme's rules files, metadata, golden cases and sample data, and may contribute functions
callable from rules. Built-in schemes are registered through the same entry points
(`[project.entry-points.kaoping]`) as third-party ones."""

from __future__ import annotations

from pathlib import Path

import attrs
import pluggy

from kaoping.compiler.load import RuleFunction

hookspec = pluggy.HookspecMarker("kaoping")
hookimpl = pluggy.HookimplMarker("kaoping")


@attrs.frozen
class SchemeInfo:
    """What a scheme says about itself; shown by `kaoping list`."""

    id: str
    title: str
    jurisdiction: str
    year: int
    source: str  # the document the scheme encodes


@hookspec
def kaoping_schemes() -> list[SchemeInfo]:
    """Return the schemes this plugin contributes (metadata only).

    Called once when the registry is built. Since 0.1.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def kaoping_scheme_rules(scheme_id: str) -> list[Path] | None:
    """Return the `.rules` files of `scheme_id`, or None if the scheme is not this plugin's.

    Called when a scheme is compiled (`check`, `score`, `explain`, `test`). Since 0.1.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def kaoping_scheme_cases(scheme_id: str) -> list[Path] | None:
    """Return the golden-case YAML files of `scheme_id`, or None if it is not this plugin's.

    Called by `kaoping test`. Since 0.1.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def kaoping_scheme_sample(scheme_id: str) -> Path | None:
    """Return the sample data file (JSON or CSV) of `scheme_id`, or None.

    Called by `kaoping score ID --sample`. Since 0.1.
    """
    raise NotImplementedError


@hookspec
def kaoping_rule_functions() -> list[RuleFunction]:
    """Return named functions callable from rules (numbers in, a number out).

    Called when any scheme is compiled; every scheme sees every plugin's functions. Since 0.1.
    """
    raise NotImplementedError
