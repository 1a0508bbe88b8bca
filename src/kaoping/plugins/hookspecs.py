"""Every hook a kaoping plugin can implement. A jurisdiction is a plugin: it contributes its
scheme's rules files, metadata, golden cases and sample data, and may contribute functions
callable from rules. Built-in schemes are registered through the same entry points
(`[project.entry-points.kaoping]`) as third-party ones.

What each hook returns is checked against the type documented here (`plugins/validate.py`):
a plugin that raises, exits or returns something else in `kaoping_schemes` or
`kaoping_rule_functions` is set aside with a warning naming it; in a per-scheme hook it is an
error for that scheme only."""

from __future__ import annotations

from pathlib import Path

import attrs
import pluggy

from kaoping.compiler.load import RuleFunction

hookspec = pluggy.HookspecMarker("kaoping")
hookimpl = pluggy.HookimplMarker("kaoping")


@attrs.frozen
class SchemeInfo:
    """What a scheme says about itself; shown by `kaoping list`. The id is lowercase ASCII
    letters, digits and single hyphens; title, jurisdiction and source are one line of text."""

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

    A list of `pathlib.Path`s, each an existing readable file (or a folder of `.rules` files).
    Called when a scheme is compiled (`check`, `score`, `explain`, `test`). Since 0.1.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def kaoping_scheme_cases(scheme_id: str) -> list[Path] | None:
    """Return the golden-case YAML files of `scheme_id`, or None if it is not this plugin's.

    A list of `pathlib.Path`s, each an existing readable file. Called by `kaoping test`.
    Since 0.1.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def kaoping_scheme_sample(scheme_id: str) -> Path | None:
    """Return the sample data file (JSON or CSV) of `scheme_id`, or None.

    A `pathlib.Path` of an existing readable file. Called by `kaoping score ID --sample`.
    Since 0.1.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def kaoping_scheme_document(scheme_id: str) -> Path | None:
    """Return the source document of `scheme_id` (the text its rules encode), or None.

    A `pathlib.Path` of an existing readable UTF-8 text file; the articles the rules cite
    (`article "…"`) are located in it by their headings. Called by `kaoping doc`. Since 0.2.
    """
    raise NotImplementedError


@hookspec
def kaoping_rule_functions() -> list[RuleFunction]:
    """Return named functions callable from rules (numbers in, a number out).

    Each name is one a rules file can call (letters, digits, `_`) and not a built-in's; the
    function accepts `arity` arguments and returns an exact number (int, Fraction, Decimal),
    never a float or None. Called once, when the registry is built; every scheme sees every
    plugin's functions. Since 0.1.
    """
    raise NotImplementedError
