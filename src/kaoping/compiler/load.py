"""Compile a scheme's rules files into a loaded Python module, cached by content hash.

The generated module is compiled under a pseudo-filename registered in `linecache`, and the
line map turns a Python line of a traceback back into the `.rules` line it came from."""

from __future__ import annotations

import gc
import hashlib
import linecache
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import CodeType
from typing import Any

import attrs

from kaoping.compiler import ir
from kaoping.compiler.check import check
from kaoping.compiler.emit import emit
from kaoping.compiler.emit_writer import Writer
from kaoping.compiler.infer_context import FunctionSig
from kaoping.compiler.limits import nesting_errors
from kaoping.compiler.lower import build_module, lower_file
from kaoping.compiler.lower_parts import LoweringError
from kaoping.compiler.model import Model
from kaoping.devices import device_problem, found_problem
from kaoping.diagnostics import Diagnostic, sort_diagnostics
from kaoping.errors import CompileError, SourceError
from kaoping.grammar.expected import keyword_set, names_like_keywords
from kaoping.grammar.parse import MAX_RULES_CHARS, parse
from kaoping.runtime.functions import guard_function
from kaoping.span import Span, text_of


@attrs.define(eq=False)
class CompiledScheme:
    """A checked, emitted and loaded scheme; what `score`, `explain` and `test` run."""

    scheme_id: str
    model: Model
    sources: dict[str, str]
    python: str
    linemap: dict[int, Span]
    namespace: dict[str, Any]
    warnings: list[Diagnostic]
    filename: str
    traced_lines: tuple[int, int] = (0, 0)  # where `python` holds the traced twin
    traced_loaded: bool = False

    @property
    def module(self) -> ir.Module:
        return self.model.module

    def load_traced(self) -> None:
        """Compile the traced twin of each stage, which only `explain` runs, into the
        namespace (once): scoring never waits for it."""
        if self.traced_loaded:
            return
        writer = Writer(self.python.split("\n")[:-1], self.linemap, traced=self.traced_lines)
        try:
            code = compile(writer.part(traced=True), self.filename, "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
            raise CompileError([_uncompilable(err, writer, self.sources)]) from None
        exec(code, self.namespace)
        self.traced_loaded = True

    def span_for(self, python_line: int) -> Span | None:
        return self.linemap.get(python_line)


@attrs.frozen
class RuleFunction:
    """A plugin function callable from rules: numbers in, a number out."""

    name: str
    func: Callable[..., Any]
    arity: int
    plugin: str = ""  # the plugin that contributed it, as messages name it (set by the registry)
    # why no rule may call it (several plugins contribute the name), set by the registry: a
    # call then fails naming them, rather than run one plugin's function in another's place
    refused: str = ""


_CACHE: dict[str, CompiledScheme] = {}


def read_sources(paths: Sequence[Path]) -> dict[str, str]:
    """The text of every rules file named or found under a folder; UTF-8 (a BOM is fine)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(p.rglob("*.rules"))
            if not found:
                raise SourceError(f"{p}: no .rules files in this folder")
            for f in found:
                special = found_problem(f)
                if special is not None:
                    raise SourceError(f"{f}: {special}")
            files.extend(found)
        else:
            files.append(p)
    return {str(f): read_text(f) for f in files}


def read_text(path: Path) -> str:
    device = device_problem(path)
    if device is not None:
        raise SourceError(f"{path}: {device}")
    try:
        return path.read_text("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SourceError(
            f"{path}: not UTF-8 text (byte {err.object[err.start]:#04x} at offset {err.start}); "
            "save the file as UTF-8"
        ) from None
    except OSError as err:
        raise SourceError(f"{path}: cannot read: {err.strerror}") from None


def frontend(
    sources: Mapping[str, str], functions: Mapping[str, RuleFunction] | None = None
) -> tuple[Model | None, list[Diagnostic]]:
    """Parse, lower and check, then emit and compile the Python that scoring runs: a scheme
    this passes always compiles and scores. (The traced twin of each stage, which `explain`
    runs, is the same expressions in calls to the runtime, one bracket deeper: it is neither
    emitted nor compiled here, a third of the time of checking a large scheme.) Every
    diagnostic of every file, sorted by position."""
    built = _build("check", sources, functions, "<kaoping check>", traced=False)
    return built.model, built.diags


@attrs.frozen
class _Built:
    model: Model | None
    diags: list[Diagnostic]
    writer: Writer | None = None
    code: CodeType | None = None


def _build(
    scheme_id: str,
    sources: Mapping[str, str],
    functions: Mapping[str, RuleFunction] | None,
    filename: str,
    traced: bool = True,
) -> _Built:
    # The front end builds millions of small objects and no reference cycles: the cyclic
    # collector would only rescan them (a sixth of the time of checking a large scheme).
    collecting = gc.isenabled()
    gc.disable()
    try:
        model, diags = _check(sources, functions)
        if model is None or any(d.severity == "error" for d in diags):
            return _Built(model, diags)
        writer = emit(model, scheme_id, dict(sources), traced)
        try:
            code = compile(writer.part(traced=False), filename, "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
            diags.append(_uncompilable(err, writer, sources))
            return _Built(model, sort_diagnostics(diags))
        return _Built(model, diags, writer, code)
    finally:
        if collecting:
            gc.enable()


def _uncompilable(err: Exception, writer: Writer, sources: Mapping[str, str]) -> Diagnostic:
    """E105 at the rule whose Python Python's compiler refused (a limit of kaoping's emitter
    that the checks before it did not foresee: never a mistake in the rules)."""
    line = err.lineno if isinstance(err, SyntaxError) else None
    if line not in writer.spans and writer.spans:
        # no line named (Python's compiler ran out of stack): the longest line is the culprit
        line = max(writer.spans, key=lambda n: len(writer.lines[n - 1]))
    span = writer.spans.get(line or 0) or Span(sorted(sources)[0], 1, 1, 1, 2)
    detail = err.msg if isinstance(err, SyntaxError) else type(err).__name__
    return Diagnostic("E105", span, {"detail": detail})


def _check(
    sources: Mapping[str, str], functions: Mapping[str, RuleFunction] | None
) -> tuple[Model | None, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    decls: list[list[Any]] = []
    for path, text in sources.items():
        parsed = parse(text, path)
        diags.extend(parsed.diagnostics)
        if parsed.tree is not None:
            try:
                lowered = lower_file(parsed.tree, path)
            except LoweringError as err:
                diags.append(err.diagnostic)
                continue
            too_deep = nesting_errors(lowered)
            diags.extend(too_deep)
            if not too_deep:
                decls.append(lowered)
        elif not parsed.diagnostics:  # pragma: no cover - parse reports every failure
            raise AssertionError(f"{path}: no tree and no diagnostic")
        # the tree is done with: its memory serves what follows (fewer pages asked of the system)
        del parsed
    if any(d.severity == "error" for d in diags):
        return None, sort_diagnostics(_in_files_keywords(diags, sources))
    module = build_module(decls)
    if not module.groups and sources:
        first = sorted(sources)[0]
        diags.append(Diagnostic("E604", Span(first, 1, 1, 1, 2)))
        return None, sort_diagnostics(_in_files_keywords(diags, sources))
    sigs = {name: FunctionSig(name, f.arity) for name, f in (functions or {}).items()}
    model, more = check(module, sigs)
    diags.extend(_as_written(more, sources))
    return model, sort_diagnostics(_in_files_keywords(diags, sources))


def _as_written(diags: list[Diagnostic], sources: Mapping[str, str]) -> list[Diagnostic]:
    """E206 quotes the value that may be absent as the rules file writes it (`组内最低 时长 ÷ 时长
    × 15`), not as the checker prints it (`((group lowest 时长 / 时长) * 15)`), in its message and
    in the `default` its hint offers."""
    out = []
    for d in diags:
        name = d.args.get("name")
        source = sources.get(d.span.path)
        written = text_of(source, d.span) if d.code == "E206" and source is not None else ""
        if not written or not isinstance(name, str) or written == name:
            out.append(d)
            continue
        args = {k: v.replace(name, written) if isinstance(v, str) else v for k, v in d.args.items()}
        out.append(attrs.evolve(d, args=args))
    return out


def _in_files_keywords(diags: list[Diagnostic], sources: Mapping[str, str]) -> list[Diagnostic]:
    """Each diagnostic told its file's keyword set, so the keywords it quotes are the file's
    (each file read for them only when a diagnostic points into it)."""
    # (of a file too large to parse, E107, only as much as may be parsed is read)
    pointed = {
        d.span.path: sources[d.span.path][:MAX_RULES_CHARS] for d in diags if d.span.path in sources
    }
    sets = {path: keyword_set(text) for path, text in pointed.items()}
    names = {path: names_like_keywords(text, sets[path]) for path, text in pointed.items()}
    return [
        attrs.evolve(d, keywords=sets.get(d.span.path), names=names.get(d.span.path, frozenset()))
        for d in diags
    ]


def compile_sources(
    scheme_id: str, sources: Mapping[str, str], functions: Mapping[str, RuleFunction] | None = None
) -> CompiledScheme:
    """Compile (or fetch from the cache) a scheme; raise CompileError with every error."""
    digest = hashlib.sha256()
    digest.update(scheme_id.encode())
    for path in sorted(sources):
        digest.update(path.encode() + b"\0" + sources[path].encode() + b"\0")
    for name, f in sorted((functions or {}).items()):
        # the arity changes what the checker accepts, the function what the module calls
        digest.update(f"{name}\0{f.arity}\0{id(f.func)}\0{f.plugin}\0".encode())
    key = digest.hexdigest()
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    filename = f"<kaoping {scheme_id} {key[:12]}>"
    built = _build(scheme_id, sources, functions, filename)
    errors = [d for d in built.diags if d.severity == "error"]
    if errors or built.model is None or built.writer is None or built.code is None:
        raise CompileError(errors or built.diags)
    writer = built.writer
    python = writer.text()
    linecache.cache[filename] = (len(python), None, python.splitlines(True), filename)
    namespace: dict[str, Any] = {"__name__": f"kaoping_scheme_{key[:12]}"}
    exec(built.code, namespace)
    # each call checks the function's result and names the function if it fails
    namespace["_fn"].update({name: guard_function(f) for name, f in (functions or {}).items()})
    compiled = CompiledScheme(
        scheme_id,
        built.model,
        dict(sources),
        python,
        writer.spans,
        namespace,
        [d for d in built.diags if d.severity == "warning"],
        filename,
        writer.traced,
    )
    _CACHE[key] = compiled
    return compiled


def compile_paths(
    scheme_id: str, paths: Sequence[Path], functions: Mapping[str, RuleFunction] | None = None
) -> CompiledScheme:
    return compile_sources(scheme_id, read_sources(paths), functions)
