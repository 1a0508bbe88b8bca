"""The language server: pygls wiring. Each handler turns the request's URI and position into
kaoping's terms (a path, a line and a character from 1), asks the feature module, and turns
the answer back into the client's units. Everything runs on the server's event loop, one
request at a time: the parser is not shared between threads."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace.position_codec import PositionCodec

from kaoping.compiler.load import RuleFunction
from kaoping.lsp import completion, diagnostics, formatting, hover, navigation, symbols
from kaoping.lsp.frames import SKIPPED
from kaoping.lsp.positions import from_position, lines_of, to_range
from kaoping.lsp.schemes import Checked, Schemes
from kaoping.span import Span

# diagnostics as you type: checked this long after the last change
DEBOUNCE_SECONDS = 0.3


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kaoping")
    except PackageNotFoundError:
        return "unknown"


class KaopingServer(LanguageServer):
    """pygls' server with kaoping's schemes, and the state of diagnostics published."""

    def __init__(
        self,
        functions: Mapping[str, RuleFunction] | None = None,
        docs_url: str | None = None,
        debounce: float = DEBOUNCE_SECONDS,
    ):
        super().__init__("kaoping", _version())
        self.schemes = Schemes(functions)
        self.docs_url = docs_url
        self.debounce = debounce
        self._timers: dict[str, asyncio.TimerHandle] = {}
        # scheme folder → the URIs last given a non-empty list, to be cleared when fixed
        self._published: dict[str, set[str]] = {}

    @property
    def codec(self) -> PositionCodec:
        return self.workspace.position_codec

    def path_of(self, uri: str) -> str:
        """A file URI's path; another URI (an unsaved buffer) stands for itself."""
        path: str | None = to_fs_path(uri) if uri.startswith("file:") else None
        return path or uri

    def uri_of(self, path: str) -> str:
        for uri in self.workspace.text_documents:
            if self.path_of(uri) == path:
                return str(uri)
        found: str | None = from_fs_path(path)
        return found or path

    def open_files(self) -> dict[str, str]:
        return {self.path_of(uri): doc.source for uri, doc in self.workspace.text_documents.items()}

    def checked(self, uri: str) -> tuple[Checked, str]:
        path = self.path_of(uri)
        return self.schemes.check(path, self.open_files()), path

    def publish(self, uri: str) -> None:
        """Check the scheme of `uri` and publish the diagnostics of each of its files (an empty
        list for a file whose problems are gone)."""
        checked, _ = self.checked(uri)
        for problem in checked.problems:
            self.window_log_message(
                types.LogMessageParams(type=types.MessageType.Warning, message=problem)
            )
        before = self._published.get(checked.folder, set())
        now: set[str] = set()
        for path, text in checked.sources.items():
            found = checked.diagnostics_of(path)
            target = self.uri_of(path)
            if not found and target not in before and target != uri:
                continue
            items = diagnostics.for_file(found, text, self.codec, self.docs_url)
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=target, diagnostics=items)
            )
            if items:
                now.add(target)
        for gone in before - now - {self.uri_of(p) for p in checked.sources}:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=gone, diagnostics=[])
            )
        self._published[checked.folder] = now

    def publish_later(self, uri: str) -> None:
        """Publish after `debounce` seconds without another change to the same scheme."""
        folder = self.schemes.folder_of(self.path_of(uri))
        timer = self._timers.pop(folder, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._timers[folder] = loop.call_later(self.debounce, self._publish_safely, uri)

    def _publish_safely(self, uri: str) -> None:
        """The debounced check: outside any request, so a failure is logged, not answered."""
        self._timers.pop(self.schemes.folder_of(self.path_of(uri)), None)
        try:
            self.publish(uri)
        except Exception as err:  # the server goes on; the editor's log says what failed
            logging.getLogger("kaoping.lsp").error("checking %s failed: %r", uri, err)

    def location(self, checked: Checked, span: Span) -> types.Location:
        text = checked.sources.get(span.path, "")
        return types.Location(
            uri=self.uri_of(span.path), range=to_range(lines_of(text), span, self.codec)
        )

    def position(self, checked: Checked, path: str, pos: types.Position) -> tuple[int, int]:
        return from_position(lines_of(checked.sources.get(path, "")), pos, self.codec)


_TRACEBACK = "Traceback (most recent call last):"
_RAISED = re.compile(r"(?m)^[ |]*([A-Za-z_][\w.]*(?:Error|Exception|Warning): .*)$")


class _OneLine(logging.Formatter):
    """A log record as one line: a malformed message from the editor is reported on stderr
    (the editor's log of the server), never as a Python traceback."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if _TRACEBACK in message:  # pygls puts one in the message: its first line, the error
            head, _, rest = message.partition("\n")
            raised = [m.group(1) for m in _RAISED.finditer(rest)]
            message = f"{head}: {raised[-1]}" if raised else head
        text = f"kaoping lsp: {record.levelname.lower()}: {message}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f": {record.exc_info[1]}"
        return " ".join(text.split("\n"))


class _Stderr(logging.Handler):
    """Writes to the stderr of the moment (not the one there was when it was made)."""

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(OSError, ValueError):  # stderr closed: the editor has gone
            sys.stderr.write(self.format(record) + "\n")


def log_to_stderr() -> None:
    """Warnings and errors of the server and of pygls, one line each, on stderr."""
    for name in ("pygls", "kaoping", "asyncio"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, _Stderr) for h in logger.handlers):
            handler = _Stderr()
            handler.setFormatter(_OneLine())
            logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def build_server(
    functions: Mapping[str, RuleFunction] | None = None,
    docs_url: str | None = None,
    debounce: float = DEBOUNCE_SECONDS,
) -> KaopingServer:
    server = KaopingServer(functions, docs_url, debounce)

    @server.feature(SKIPPED)
    def skipped(ls: KaopingServer, params: object) -> None:
        """A message too large to read (lsp/frames.py): already logged."""

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KaopingServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: KaopingServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: KaopingServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KaopingServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.path_of(uri) == uri:  # an unsaved buffer: nothing stands in for it now
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
        else:  # the file on disk takes the buffer's place in its scheme
            ls.publish(uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def files_changed(ls: KaopingServer, params: types.DidChangeWatchedFilesParams) -> None:
        # a file of a scheme changed on disk (not in the editor): check the open schemes it is in
        folders = {ls.schemes.folder_of(ls.path_of(change.uri)) for change in params.changes}
        done: set[str] = set()
        for uri in list(ls.workspace.text_documents):
            folder = ls.schemes.folder_of(ls.path_of(uri))
            if folder not in done and any(Path(f).is_relative_to(folder) for f in folders):
                done.add(folder)
                ls.publish(uri)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: KaopingServer, params: types.HoverParams) -> types.Hover | None:
        checked, path = ls.checked(params.text_document.uri)
        line, col = ls.position(checked, path, params.position)
        found = hover.hover(checked, path, line, col)
        if found is None:
            return None
        text, span = found
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
            range=ls.location(checked, span).range,
        )

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["."])
    )
    def on_completion(ls: KaopingServer, params: types.CompletionParams) -> types.CompletionList:
        checked, path = ls.checked(params.text_document.uri)
        line, col = ls.position(checked, path, params.position)
        items = completion.complete(checked, path, line, col)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls: KaopingServer, params: types.DefinitionParams) -> list[types.Location]:
        checked, path = ls.checked(params.text_document.uri)
        line, col = ls.position(checked, path, params.position)
        return [ls.location(checked, s) for s in navigation.definition(checked, path, line, col)]

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def on_references(ls: KaopingServer, params: types.ReferenceParams) -> list[types.Location]:
        checked, path = ls.checked(params.text_document.uri)
        line, col = ls.position(checked, path, params.position)
        spans = navigation.references(checked, path, line, col, params.context.include_declaration)
        return [ls.location(checked, s) for s in spans]

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def on_symbols(
        ls: KaopingServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        checked, path = ls.checked(params.text_document.uri)
        text = checked.sources.get(path, "")
        return symbols.outline(checked, path, lines_of(text), ls.codec)

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def on_formatting(
        ls: KaopingServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit] | None:
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source
        return formatting.edits(text, ls.path_of(uri), ls.codec)

    return server
