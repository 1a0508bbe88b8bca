"""kaoping's diagnostics as LSP diagnostics: located in the client's units, with the code, the
severity, the message and hint in the file's language (a Chinese-keyword file reads Chinese
messages) and a link to the code's entry in docs/diagnostics.md."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from kaoping.diagnostics import Diagnostic
from kaoping.grammar.expected import keyword_set
from kaoping.lsp.positions import lines_of, to_range

_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}


def language_of(text: str) -> str:
    """The language a file's messages are shown in: its keyword set's."""
    return keyword_set(text)


def to_lsp(
    diag: Diagnostic, text: str, codec: PositionCodec, docs_url: str | None
) -> types.Diagnostic:
    lang = diag.keywords or language_of(text)
    message = diag.message(lang)
    hint = diag.hint(lang)
    if hint:
        message += ("\n提示:" if lang == "zh" else "\nhint: ") + hint
    return types.Diagnostic(
        range=to_range(lines_of(text), diag.span, codec),
        message=message,
        severity=_SEVERITY[diag.severity],
        code=diag.code,
        code_description=(
            types.CodeDescription(href=f"{docs_url}#{diag.code.lower()}") if docs_url else None
        ),
        source="kaoping",
    )


def for_file(
    diags: Sequence[Diagnostic], text: str, codec: PositionCodec, docs_url: str | None
) -> list[types.Diagnostic]:
    return [to_lsp(d, text, codec, docs_url) for d in diags]
