"""The outline of a rules file: its declarations, and each scoring block's indicator tree
(sections → items, with their lets, outputs and flags), as LSP document symbols."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from kaoping.grammar.expected import keyword_set
from kaoping.lsp.index import Decl, detail_in
from kaoping.lsp.positions import to_range
from kaoping.lsp.schemes import Checked

_KINDS = {
    "group": types.SymbolKind.Namespace,
    "units": types.SymbolKind.Array,
    "enum": types.SymbolKind.Enum,
    "enum value": types.SymbolKind.EnumMember,
    "record": types.SymbolKind.Struct,
    "field": types.SymbolKind.Field,
    "input": types.SymbolKind.Variable,
    "constant": types.SymbolKind.Constant,
    "table": types.SymbolKind.Object,
    "scoring": types.SymbolKind.Module,
    "section": types.SymbolKind.Class,
    "sheet": types.SymbolKind.Class,
    "item": types.SymbolKind.Field,
    "let": types.SymbolKind.Variable,
    "output": types.SymbolKind.Property,
    "flag": types.SymbolKind.Boolean,
    "across": types.SymbolKind.Module,
    "grading": types.SymbolKind.Event,
    "consequences": types.SymbolKind.Module,
}

# the label of a block that has no name of its own: its keyword and what follows it
_BLOCK_LABEL = {
    "scoring": ("scoring", "评分"),
    "across": ("across", "跨组"),
    "across group": ("across group", "组内"),
    "consequences": ("consequences", "结果运用"),
    "sheet": ("for", "适用"),
}


def outline(
    checked: Checked, path: str, lines: Sequence[str], codec: PositionCodec
) -> list[types.DocumentSymbol]:
    fi = checked.index.files.get(path)
    if fi is None:
        return []
    zh = keyword_set("\n".join(lines)) == "zh"
    return [_symbol(d, lines, codec, zh) for d in fi.decls]


def _symbol(d: Decl, lines: Sequence[str], codec: PositionCodec, zh: bool) -> types.DocumentSymbol:
    whole = to_range(lines, d.whole, codec)
    name_range = to_range(lines, d.span, codec)
    if not _inside(name_range, whole):
        name_range = types.Range(whole.start, whole.start)
    name = d.name
    label = "across group" if d.kind == "across" and not d.name else d.kind
    if label in _BLOCK_LABEL:
        keyword = _BLOCK_LABEL[label][1 if zh else 0]
        name = f"{keyword} {d.name}".strip()
    return types.DocumentSymbol(
        name=name or d.kind,
        kind=_KINDS.get(d.kind, types.SymbolKind.Variable),
        range=whole,
        selection_range=name_range,
        detail=detail_in(d, "zh" if zh else "en") or None,
        children=[_symbol(c, lines, codec, zh) for c in d.children] or None,
    )


def _inside(inner: types.Range, outer: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(outer.start) <= key(inner.start) and key(inner.end) <= key(outer.end)
