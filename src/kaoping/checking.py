"""`kaoping check` as data: each target (a rules file, a folder, an installed scheme) read and run
through the front end, its sources and diagnostics kept, so that every output format (text, JSON,
SARIF, GitHub annotations) renders the same run and the exit code is decided in one place."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

import attrs

from kaoping.compiler.load import frontend, read_sources
from kaoping.diagnostics import Diagnostic
from kaoping.errors import KaopingError
from kaoping.plugins.manager import Registry


@attrs.frozen
class FileCount:
    """One rules file of a target, and how many errors and warnings point into it."""

    path: str
    errors: int
    warnings: int


@attrs.frozen
class Target:
    """One PATH or scheme id given to `check`: its sources and diagnostics, or the problem that
    kept it from being read (an unreadable file, a failing plugin) with that problem's exit code."""

    name: str
    sources: Mapping[str, str]
    diagnostics: Sequence[Diagnostic]
    problem: str | None = None
    problem_exit: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")

    @property
    def ok(self) -> bool:
        return self.problem is None and self.errors == 0

    def files(self) -> list[FileCount]:
        """Every file of the target, in the order read, with its own counts."""
        return [
            FileCount(
                path,
                sum(1 for d in self.diagnostics if d.span.path == path and d.severity == "error"),
                sum(1 for d in self.diagnostics if d.span.path == path and d.severity == "warning"),
            )
            for path in self.sources
        ]


@attrs.frozen
class CheckRun:
    """Every target of one `kaoping check`, in the order given."""

    targets: Sequence[Target]

    @property
    def errors(self) -> int:
        return sum(t.errors for t in self.targets)

    @property
    def warnings(self) -> int:
        return sum(t.warnings for t in self.targets)

    @property
    def files(self) -> int:
        return sum(len(t.sources) for t in self.targets)

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.targets)

    @property
    def exit_code(self) -> int:
        """0 clean (warnings allowed); 1 rules errors or an unreadable rules file; 2 when a
        scheme's plugin failed (the highest applies)."""
        codes = [t.problem_exit for t in self.targets if t.problem is not None]
        codes += [1 for t in self.targets if t.errors]
        return max(codes, default=0)


def check_target(name: str, registry: Registry) -> Target:
    """Read and check one target: an installed scheme id (or an id several plugins claim, or
    whose plugin was set aside, so that the problem is reported), else a rules file or folder."""
    try:
        installed = registry.knows(name)  # one that cannot be used says why
        sources = read_sources(registry.rules(name) if installed else [Path(name)])
    except KaopingError as err:
        return Target(name, {}, [], str(err), err.exit_code)
    _, diags = frontend(sources, registry.functions())
    return Target(name, sources, diags)


def check_all(names: Iterable[str], registry: Registry) -> CheckRun:
    return CheckRun([check_target(name, registry) for name in names])


def scheme_folders(paths: Iterable[str], installed: Collection[str] = ()) -> list[str]:
    """The scheme folder each path belongs to, each once, in first-seen order: an installed
    scheme id and a folder stand for themselves; a file for its folder, or for the folder above
    when it is a golden case under `cases/`. What a pre-commit hook passes is the files that
    changed; a change to one file of a scheme is checked (or tested) with the rest of it."""
    out: dict[str, None] = {}
    for p in paths:
        if p in installed:
            out.setdefault(p, None)
            continue
        path = Path(p)
        if not path.is_dir():
            path = path.parent
            if path.name == "cases" and not any(path.glob("*.rules")):
                path = path.parent
        out.setdefault(str(path), None)
    return list(out)
