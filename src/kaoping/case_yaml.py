"""Reading a golden-case YAML file (or `document-aliases.yaml`) strictly: what `kaoping test` is handed may be malformed or
hostile, and must end in a message naming file:line:column, never a traceback or a hang.

- safe YAML only (no `!!python/…` tags), numbers kept as their text (`NumberText`);
- a key given twice in one mapping is an error (YAML's "the last one wins" would silently drop
  an expectation or a fact); a merge key's (`<<: *defaults`) are overridden, as YAML means;
- anchors and aliases are allowed (the shipped cases share defaults with them), but the
  document they expand to is bounded (a "billion laughs" file is refused, not walked), and an
  alias that refers to its own parent (a loop) is refused;
- every mapping and list remembers where it starts, so the shape checks name the place.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from kaoping.errors import KaopingError
from kaoping.io.numbers import NumberText

# Values a case file may expand to, aliases counted at each use: the shipped files expand to a
# few thousand; a million is far above any hand-written file and walks in well under a second.
MAX_EXPANDED = 1_000_000
MAX_BYTES = 16 * 1024 * 1024  # a case file is written by hand; past this it is not one


class CaseFileError(KaopingError):
    """A golden-case file is malformed."""


class Map(dict[Any, Any]):
    """A YAML mapping that knows its line and column (1-based)."""

    line = 0
    col = 0


class Seq(list[Any]):
    """A YAML list that knows its line and column (1-based)."""

    line = 0
    col = 0


def where(path: Path, node: Any) -> str:
    """`file:line:col` of a mapping or list read by this module, else the file."""
    line = getattr(node, "line", 0)
    return f"{path}:{line}:{node.col}" if line else str(path)


class _Loader(yaml.SafeLoader):
    """SafeLoader with positions, numbers as text, and duplicate keys refused."""

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        # checked as composed, before any merge key (`<<`) has copied pairs in
        node: yaml.MappingNode = super().compose_mapping_node(anchor)
        seen: dict[str, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(
                key_node, yaml.ScalarNode
            ):
                continue
            first = seen.setdefault(key_node.value, key_node)
            if first is not key_node:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"the key {key_node.value!r} is given twice in one mapping (first at line "
                    f"{first.start_mark.line + 1}); give it once",
                    key_node.start_mark,
                )
        return node


def _map(loader: _Loader, node: yaml.MappingNode) -> Iterator[Map]:
    data = Map()
    data.line, data.col = node.start_mark.line + 1, node.start_mark.column + 1
    yield data
    data.update(loader.construct_mapping(node))


def _seq(loader: _Loader, node: yaml.SequenceNode) -> Iterator[Seq]:
    data = Seq()
    data.line, data.col = node.start_mark.line + 1, node.start_mark.column + 1
    yield data
    data.extend(loader.construct_sequence(node))


def _number_text(loader: _Loader, node: yaml.ScalarNode) -> NumberText:
    return NumberText(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _seq)
_Loader.add_constructor("tag:yaml.org,2002:float", _number_text)
_Loader.add_constructor("tag:yaml.org,2002:int", _number_text)


def load_yaml(path: Path) -> Any:
    """The document of a case file, checked to be bounded and loop-free."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as err:
        raise CaseFileError(f"{path}: cannot read: {err.strerror or err}") from None
    if len(raw) > MAX_BYTES:
        raise CaseFileError(
            f"{path}: over {MAX_BYTES // (1024 * 1024)} MiB: not a file written by hand"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaseFileError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    try:
        doc = yaml.load(text, Loader=_Loader)  # a SafeLoader: no tag runs code
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        at = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise CaseFileError(f"{at}: not valid YAML: {err.problem or err.context}") from None
    except yaml.YAMLError as err:
        raise CaseFileError(f"{path}: not valid YAML: {err}") from None
    except RecursionError:
        raise CaseFileError(f"{path}: nested too deeply to be read") from None
    _bounded(doc, path)
    return doc


def _bounded(doc: Any, path: Path) -> None:
    """Refuse a document that expands past MAX_EXPANDED values or holds a loop. Sizes are
    counted once per shared object (memoised), so counting a bomb is itself cheap."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()
    # an explicit stack: a deeply nested document must not exhaust Python's
    stack: list[tuple[Any, bool]] = [(doc, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        key = id(node)
        children = list(node.values()) if isinstance(node, dict) else node
        if done:
            open_.discard(key)
            total = 1 + len(node) + sum(sizes.get(id(c), 0) for c in children)
            if total > MAX_EXPANDED:
                raise CaseFileError(
                    f"{where(path, node)}: expands to over {MAX_EXPANDED:,} values through "
                    "its aliases (*name): not a file written by hand"
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in open_:
            raise CaseFileError(
                f"{where(path, node)}: an alias refers to a mapping or list it is in"
            )
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children)


def expect_mapping(value: Any, what: str, at: str, null_ok: bool = True) -> Mapping[Any, Any]:
    """`value` as a mapping; a CaseFileError naming `what` at `at` when it is something else."""
    if value is None and null_ok:
        return {}
    if not isinstance(value, Mapping):
        raise CaseFileError(f"{at}: `{what}` must be a mapping (key: value), not {_kind(value)}")
    return value


def expect_list(value: Any, what: str, at: str, null_ok: bool = True) -> list[Any]:
    if value is None and null_ok:
        return []
    if not isinstance(value, list):
        raise CaseFileError(f"{at}: `{what}` must be a list (- …), not {_kind(value)}")
    return value


def expect_scalar(value: Any, what: str, at: str) -> None:
    if isinstance(value, (dict, list)):
        raise CaseFileError(f"{at}: `{what}` must be a text or number, not {_kind(value)}")


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, NumberText):
        return f"the number {str(value)[:20]}"
    return f"the text {str(value)[:40]!r}"
