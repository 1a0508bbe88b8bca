"""Errors are data first, text second: one root, one class per kind of problem, each carrying
the position (or the unit and input) it is about. Rendering lives in `diagnostics`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kaoping.diagnostics import Diagnostic


class KaopingError(Exception):
    """Root of every error kaoping raises on purpose."""

    exit_code = 1


class CompileError(KaopingError):
    """A rules file has errors; carries every diagnostic of the run, not just the first."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.headline() for d in self.diagnostics))


class SetupError(KaopingError):
    """What a command needs is not there: an optional extra not installed (`pip install
    'kaoping[scale]'`), a Dask cluster that cannot be reached. A usage error, one line."""

    exit_code = 3


class SourceError(KaopingError):
    """A rules file that cannot be read: missing, not UTF-8, or a folder without rules files."""


class DataProblem:
    """One problem with the input data, located by unit and field."""

    def __init__(
        self, where: str, unit: str | None, field: str | None, message: str, noun: str = "input"
    ):
        self.where = where
        self.unit = unit
        self.field = field
        self.message = message
        self.noun = noun  # what `field` is: an input of the data, a field of a results file

    def __str__(self) -> str:
        loc = self.where
        if self.unit is not None:
            loc += f": unit {self.unit!r}"
        if self.field is not None:
            loc += f", {self.noun} {self.field!r}"
        return f"{loc}: {self.message}"


class DataError(KaopingError):
    """Bad unit data: unknown group, missing or mistyped input, duplicate unit, …"""

    exit_code = 2

    def __init__(self, problems: Sequence[DataProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[DataError], tuple[list[DataProblem]]]:
        # rebuilt from its problems, not its text (a Dask worker's error reaches the client)
        return (DataError, (self.problems,))


class ScoringError(KaopingError):
    """A rule failed while scoring a unit; names the rule line and the unit."""

    exit_code = 2


class OutputError(KaopingError):
    """An output file (`-o`, `--junitxml`) that cannot or must not be written."""

    exit_code = 2


class PluginError(KaopingError):
    """An installed scheme cannot be used: its plugin failed in a hook, returned something the
    hookspec does not allow (a missing rules file, a sample that is not a file), or another
    plugin claims the same id. Exit 2, as for bad data; other schemes are unaffected."""

    exit_code = 2


class UnknownScheme(KaopingError):
    """SCHEME is neither an installed scheme id nor a rules path: the command line names
    nothing, a usage error (exit 3) like a missing file argument."""

    exit_code = 3
