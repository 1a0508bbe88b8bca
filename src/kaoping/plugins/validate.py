"""Checking what a plugin's hook returned against the type its hookspec documents, so that a
plugin's mistake is reported once, naming the plugin and the hook, instead of surfacing later as
a traceback in some other scheme's command. Each function returns the value in the documented
shape (plain lists, `Path`s) or raises `BadHookResult` saying what is wrong with it."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from kaoping.compiler.infer_context import BUILTINS
from kaoping.compiler.load import RuleFunction
from kaoping.plugins.hookspecs import SchemeInfo
from kaoping.plugins.isolation import safe_repr
from kaoping.scaffold import SCHEME_ID

# what a rules file can call: the grammar's NAME
FUNCTION_NAME = re.compile(r"[^\W\d]\w*")


class BadHookResult(Exception):
    """A hook returned something other than what its hookspec documents."""


def _sequence(value: object, what: str) -> list[object]:
    if not isinstance(value, list | tuple):
        raise BadHookResult(f"returned {safe_repr(value)}, expected {what}")
    return list(value)


def scheme_infos(value: object) -> list[SchemeInfo]:
    """`kaoping_schemes()`: SchemeInfos with a well-formed id and printable text."""
    infos: list[SchemeInfo] = []
    for i, info in enumerate(_sequence(value, "a list of SchemeInfo"), 1):
        if not isinstance(info, SchemeInfo):
            raise BadHookResult(f"item {i} is {safe_repr(info)}, not a SchemeInfo")
        if not isinstance(info.id, str) or not SCHEME_ID.fullmatch(info.id):
            raise BadHookResult(
                f"scheme id {safe_repr(info.id)} is not lowercase ASCII letters, digits and "
                "single hyphens, starting with a letter"
            )
        for field in ("title", "jurisdiction", "source"):
            text = getattr(info, field)
            if not isinstance(text, str) or not text.isprintable():
                raise BadHookResult(
                    f"scheme {info.id!r}: {field} {safe_repr(text)} is not one line of text"
                )
        if type(info.year) is not int:
            raise BadHookResult(f"scheme {info.id!r}: year {safe_repr(info.year)} is not an int")
        if any(seen.id == info.id for seen in infos):
            raise BadHookResult(f"scheme id {info.id!r} is listed twice")
        infos.append(info)
    return infos


def rule_functions(value: object) -> list[RuleFunction]:
    """`kaoping_rule_functions()`: callables with a name rules can call and a matching arity."""
    out: list[RuleFunction] = []
    for i, fn in enumerate(_sequence(value, "a list of RuleFunction"), 1):
        if not isinstance(fn, RuleFunction):
            raise BadHookResult(f"item {i} is {safe_repr(fn)}, not a RuleFunction")
        name = fn.name
        if not isinstance(name, str) or not FUNCTION_NAME.fullmatch(name):
            raise BadHookResult(
                f"item {i}: {safe_repr(name)} is not a name rules can call "
                "(letters, digits and _, not starting with a digit)"
            )
        if name in BUILTINS:
            raise BadHookResult(f"{name!r} is the name of a built-in function")
        if any(seen.name == name for seen in out):
            raise BadHookResult(f"{name!r} is listed twice")
        if type(fn.arity) is not int or fn.arity < 0:
            raise BadHookResult(f"{name!r}: arity {safe_repr(fn.arity)} is not a count")
        if not callable(fn.func):
            raise BadHookResult(f"{name!r}: {safe_repr(fn.func)} is not callable")
        try:
            signature = inspect.signature(fn.func)
        except (TypeError, ValueError):  # some built-ins have none: trust the arity
            signature = None
        if signature is not None:
            try:
                signature.bind(*range(fn.arity))
            except TypeError:
                raise BadHookResult(
                    f"{name!r} declares {fn.arity} argument(s) but its function takes {signature}"
                ) from None
        out.append(fn)
    return out


def rules_paths(value: object, scheme_id: str) -> list[Path]:
    """`kaoping_scheme_rules(id)` for a scheme the plugin lists: readable files or folders."""
    if value is None:
        raise BadHookResult(f"returned None for {scheme_id!r}, a scheme the plugin lists")
    paths = [_path(p, i) for i, p in enumerate(_sequence(value, "a list of Path"), 1)]
    if not paths:
        raise BadHookResult(f"gives no rules files for {scheme_id!r}")
    for p in paths:
        if p.is_dir():
            if next(p.rglob("*.rules"), None) is None:
                raise BadHookResult(f"{p}: no .rules files in this folder")
        else:
            _readable_file(p)
    return paths


def case_paths(value: object) -> list[Path]:
    """`kaoping_scheme_cases(id)`: readable YAML files; None means none."""
    if value is None:
        return []
    paths = [_path(p, i) for i, p in enumerate(_sequence(value, "a list of Path"), 1)]
    for p in paths:
        _readable_file(p)
    return paths


def sample_path(value: object) -> Path | None:
    """`kaoping_scheme_sample(id)`: a readable file, or None."""
    if value is None:
        return None
    path = _path(value, None)
    _readable_file(path)
    return path


def document_path(value: object) -> Path | None:
    """`kaoping_scheme_document(id)`: a readable UTF-8 text file, or None."""
    if value is None:
        return None
    path = _path(value, None)
    _readable_file(path)
    try:
        path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadHookResult(f"{path} is not UTF-8 text") from None
    except OSError as err:
        raise BadHookResult(f"cannot read {path}: {err.strerror or err}") from None
    return path


def _path(value: object, index: int | None) -> Path:
    if not isinstance(value, Path):
        where = f"item {index} is " if index is not None else "returned "
        raise BadHookResult(f"{where}{safe_repr(value)}, not a pathlib.Path")
    return Path(value)


def _readable_file(path: Path) -> None:
    if not path.exists():
        raise BadHookResult(f"{path} does not exist")
    if not path.is_file():  # a folder, a FIFO (opening it would wait forever), a device
        raise BadHookResult(f"{path} is not a file")
    try:
        with path.open("rb"):
            pass
    except OSError as err:
        raise BadHookResult(f"cannot read {path}: {err.strerror or err}") from None
