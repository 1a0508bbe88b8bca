"""Which files make up the scheme of an open file, and the scheme checked as `kaoping check`
would check its folder, with the editor's open buffers standing in for the files on disk.

A scheme is the folder that holds the file: every `.rules` file under it, as `kaoping check
FOLDER` reads it. The check is cached by the text of all its files, so hover, completion and
the next diagnostics run after an edit elsewhere do not check the same text twice."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from kaoping.compiler.limits import nesting_errors
from kaoping.compiler.load import RuleFunction, frontend, read_text
from kaoping.compiler.lower import lower_file
from kaoping.compiler.lower_parts import LoweringError
from kaoping.compiler.model import Model
from kaoping.devices import found_problem
from kaoping.diagnostics import Diagnostic
from kaoping.errors import SourceError
from kaoping.grammar.parse import parse
from kaoping.lsp.index import FileIndex, SchemeIndex, index_file, words_of

# A folder is walked for its rules files up to this many entries: a file opened in a large
# folder that is no scheme (a home folder) is then checked with its own folder's files only.
_MOST_ENTRIES = 20_000
_SKIPPED_DIRS = frozenset({".git", ".venv", "node_modules", "__pycache__", ".mypy_cache"})


@attrs.frozen(eq=False)
class Checked:
    """One scheme as last checked: its files' texts, diagnostics, model (None when it has
    errors that stop the checker) and index; `problems` are files that could not be read."""

    folder: str
    sources: Mapping[str, str]
    diagnostics: list[Diagnostic]
    model: Model | None
    index: SchemeIndex
    problems: tuple[str, ...] = ()

    def diagnostics_of(self, path: str) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.span.path == path]


def rules_files(folder: Path, most: int = _MOST_ENTRIES) -> list[Path]:
    """The `.rules` files under a folder, sorted as `kaoping check FOLDER` reads them; the
    folder's own files only when it holds more than `most` entries in all."""
    found: list[Path] = []
    seen = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        seen += len(dirs) + len(files)
        if seen > most:
            return sorted(p for p in folder.glob("*.rules") if p.is_file())
        found.extend(Path(root) / f for f in files if f.endswith(".rules"))
    # a FIFO, socket or device named *.rules would be read until its writer ends: never
    return sorted(p for p in found if found_problem(p) is None)


class Schemes:
    """The schemes of the open files, checked on demand and cached by their texts."""

    def __init__(self, functions: Mapping[str, RuleFunction] | None = None):
        self.functions = functions
        self._checked: dict[str, tuple[str, Checked]] = {}
        # each file's declarations as of its last version that parsed
        self._last_good: dict[str, list[Any]] = {}

    def folder_of(self, path: str) -> str:
        """The scheme folder of a file; an unsaved buffer (`untitled:1`) is a scheme alone."""
        return str(Path(path).parent) if Path(path).is_absolute() else path

    def sources(self, path: str, open_files: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
        """The texts of the scheme's files (`path`'s folder): open buffers first, the others
        from disk; the problems of files that cannot be read (they are left out)."""
        if not Path(path).is_absolute():
            return {path: open_files.get(path, "")}, []
        folder = Path(self.folder_of(path))
        texts: dict[str, str] = {}
        problems: list[str] = []
        for file in rules_files(folder) if folder.is_dir() else []:
            key = str(file)
            if key in open_files:
                texts[key] = open_files[key]
                continue
            try:
                texts[key] = read_text(file)
            except SourceError as err:
                problems.append(str(err))
        for key, text in open_files.items():
            if key == path or (key.endswith(".rules") and Path(key).is_relative_to(folder)):
                texts.setdefault(key, text)
        return dict(sorted(texts.items())), problems

    def check(self, path: str, open_files: Mapping[str, str]) -> Checked:
        """The scheme of `path` checked (from the cache when no file's text changed)."""
        folder = self.folder_of(path)
        texts, problems = self.sources(path, open_files)
        digest = hashlib.sha256()
        for key, text in texts.items():
            digest.update(key.encode() + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
        key = digest.hexdigest()
        cached = self._checked.get(folder)
        if cached is not None and cached[0] == key:
            return cached[1]
        model, diags = frontend(texts, self.functions)
        lowered = _by_file(model) if model is not None else {}
        index = SchemeIndex({p: self._index_file(p, t, lowered.get(p)) for p, t in texts.items()})
        checked = Checked(folder, texts, diags, model, index, tuple(problems))
        self._checked[folder] = (key, checked)
        return checked

    def _index_file(self, path: str, text: str, lowered: list[Any] | None) -> FileIndex:
        """The file's index: from the checked module when the check got that far, else from
        the file parsed alone, else from its last version that parsed."""
        if lowered is not None:
            self._last_good[path] = lowered
            return index_file(path, text, lowered)
        parsed = parse(text, path)
        if parsed.tree is not None:
            try:
                decls = lower_file(parsed.tree, path)
            except LoweringError:
                decls = None
            # rules nested deeper than the checker allows (E104) are not walked here either
            if decls is not None and not nesting_errors(decls):
                self._last_good[path] = decls
                return index_file(path, text, decls)
        last = self._last_good.get(path)
        if last is None:
            return FileIndex(path, words_of(path, text), [], stale=True)
        found = index_file(path, text, last)
        found.stale = True
        return found


def _by_file(model: Model) -> dict[str, list[Any]]:
    """The checked module's declarations, file by file in the order written (each file's
    declarations without parsing it again)."""
    m = model.module
    found: dict[str, list[Any]] = {}
    kinds: tuple[tuple[Any, ...], ...] = (
        m.groups, m.enums, m.units, m.records, m.inputs, m.constants, m.tables,
        m.scorings, m.gradings, m.consequences,
    )  # fmt: skip
    for declared in kinds:
        for node in declared:
            found.setdefault(node.span.path, []).append(node)
    for in_file in found.values():
        in_file.sort(key=lambda n: (n.span.line, n.span.col))
    return found
