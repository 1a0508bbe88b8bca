"""Parsing JSON unit data: numbers stay text until a reader knows what they are for, and every
key given twice in an object is remembered so it can be reported rather than silently dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kaoping.errors import DataError, DataProblem
from kaoping.io.numbers import NumberText


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once."""

    duplicates: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) == len(pairs):  # the common case: a plain dict, no per-object overhead
        return out
    marked = _Object(pairs)
    dups: list[str] = []
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen and key not in dups:
            dups.append(key)
        seen.add(key)
    marked.duplicates = tuple(dups)
    return marked


def _duplicates(obj: Any) -> tuple[str, ...]:
    return getattr(obj, "duplicates", ())


def duplicate_keys(doc: Any, where: str) -> list[DataProblem]:
    """Every key given twice in any object of a parsed JSON document, named by its path
    (`units[2].facts.满意度`): JSON parsers keep the last one silently."""
    problems: list[DataProblem] = []
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:  # a loop, not recursion: the document may be deep
        node, path = stack.pop()
        if isinstance(node, Mapping):
            for key in _duplicates(node):
                problems.append(DataProblem(where, None, path + key, "given twice; ambiguous"))
            stack.extend((v, f"{path}{k}.") for k, v in node.items() if isinstance(v, dict | list))
        elif isinstance(node, list):
            base = path.removesuffix(".")
            stack.extend((v, f"{base}[{i}].") for i, v in enumerate(node, 1))
    return sorted(problems, key=lambda p: p.field or "")


def _decoder() -> json.JSONDecoder:
    # numbers stay text until a reader knows what they are for: no float, no int() on
    # unbounded digits, and NaN / Infinity are kept only to be rejected by name
    return json.JSONDecoder(
        parse_float=NumberText,
        parse_int=NumberText,
        parse_constant=NumberText,
        object_pairs_hook=_object,
    )


def read_json_text(text: str, where: str) -> Any:
    try:
        return _decoder().decode(text)
    except (RecursionError, json.JSONDecodeError) as err:
        raise _json_error(err, where) from None


def _json_error(err: RecursionError | json.JSONDecodeError, where: str) -> DataError:
    if isinstance(err, RecursionError):
        return DataError([DataProblem(where, None, None, "nested too deeply to be unit data")])
    return DataError(
        [DataProblem(f"{where}:{err.lineno}:{err.colno}", None, None, f"not valid JSON: {err.msg}")]
    )
