"""pytest collects every golden case of the bundled schemes (`schemes/*/cases/*.yaml`) as its own
test item, named after the case, so a failure names the file, the case and what differed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kaoping import load_scheme
from kaoping.cases import Case, read_cases, run_case
from kaoping.plugins.manager import default_registry

SCHEMES = Path(__file__).parent / "src" / "kaoping" / "schemes"


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if (
        file_path.suffix == ".yaml"
        and file_path.parent.name == "cases"
        and SCHEMES in file_path.parents
    ):
        return CaseFile.from_parent(parent, path=file_path)
    return None


def _scheme_id(path: Path) -> str:
    package = f"kaoping.schemes.{path.parent.parent.name}"
    for sid, owner in default_registry().owner.items():
        plugin = default_registry().pm.get_plugin(owner)
        if getattr(plugin, "package", None) == package:
            return sid
    raise LookupError(f"no installed scheme is served from {package}")


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        scheme_id = _scheme_id(self.path)
        for case in read_cases(self.path):
            yield CaseItem.from_parent(self, name=case.name, case=case, scheme_id=scheme_id)


class CaseItem(pytest.Item):
    def __init__(self, *, case: Case, scheme_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.scheme_id = scheme_id

    def runtest(self) -> None:
        result = run_case(load_scheme(self.scheme_id), self.case)
        if not result.passed:
            raise CaseFailed(result.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailed):
            return f"{self.path}: {self.case.name} [{self.case.article}]\n  {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.scheme_id}: {self.case.name}"


class CaseFailed(Exception):
    """A golden case whose results differ from its expectations."""
