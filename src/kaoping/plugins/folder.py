"""A scheme that lives in a package folder: `*.rules`, `cases/*.yaml`, `sample.json`, and the
source document `document.txt`.

A jurisdiction plugin needs only `plugin = SchemeFolder(__name__, SchemeInfo(...))` in its
package and an entry point `ID = "package:plugin"`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kaoping.plugins.hookspecs import SchemeInfo, hookimpl


class SchemeFolder:
    def __init__(self, package: str, info: SchemeInfo):
        self.package = package
        self.info = info

    @property
    def folder(self) -> Path:
        return Path(str(resources.files(self.package)))

    @hookimpl
    def kaoping_schemes(self) -> list[SchemeInfo]:
        return [self.info]

    @hookimpl
    def kaoping_scheme_rules(self, scheme_id: str) -> list[Path] | None:
        if scheme_id != self.info.id:
            return None
        return sorted(self.folder.glob("*.rules"))

    @hookimpl
    def kaoping_scheme_cases(self, scheme_id: str) -> list[Path] | None:
        if scheme_id != self.info.id:
            return None
        return sorted((self.folder / "cases").glob("*.yaml"))

    @hookimpl
    def kaoping_scheme_sample(self, scheme_id: str) -> Path | None:
        if scheme_id != self.info.id:
            return None
        for name in ("sample.json", "sample.csv"):
            path = self.folder / name
            if path.exists():
                return path
        return None

    @hookimpl
    def kaoping_scheme_document(self, scheme_id: str) -> Path | None:
        if scheme_id != self.info.id:
            return None
        path = self.folder / "document.txt"
        return path if path.exists() else None
