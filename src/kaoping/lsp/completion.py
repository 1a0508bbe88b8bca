"""Completion: the keywords of the file's own keyword set (a Chinese-keyword file is offered
`封顶`, not `cap`), the built-in functions, and every name the scheme declares, with what it
is. Nothing inside a string or a comment."""

from __future__ import annotations

from lsprotocol import types

from kaoping.grammar.expected import KEYWORD_PAIRS, keyword_set
from kaoping.lsp.hover import kind_in
from kaoping.lsp.index import Decl, code_only, detail_in
from kaoping.lsp.keyword_help import shipped
from kaoping.lsp.schemes import Checked

_KINDS = {
    "group": types.CompletionItemKind.Module,
    "units": types.CompletionItemKind.Module,
    "enum": types.CompletionItemKind.Enum,
    "enum value": types.CompletionItemKind.EnumMember,
    "record": types.CompletionItemKind.Struct,
    "field": types.CompletionItemKind.Field,
    "input": types.CompletionItemKind.Variable,
    "constant": types.CompletionItemKind.Constant,
    "table": types.CompletionItemKind.Struct,
    "section": types.CompletionItemKind.Class,
    "item": types.CompletionItemKind.Field,
    "let": types.CompletionItemKind.Variable,
    "output": types.CompletionItemKind.Property,
    "flag": types.CompletionItemKind.Property,
    "grading": types.CompletionItemKind.Event,
}


def keywords(kw_set: str) -> list[str]:
    """The keywords and phrases of one set, in the order of docs/language.md's table."""
    words = [zh if kw_set == "zh" else en for en, zh in KEYWORD_PAIRS]
    return list(dict.fromkeys(words))


def functions(kw_set: str) -> list[str]:
    """The built-in functions' names in one set (docs/language.md's function table)."""
    return [
        (row.zh if kw_set == "zh" else row.en).split("(")[0] for row in shipped() if "(" in row.en
    ]


def _what(d: Decl, kw_set: str) -> str:
    """The enum of a value, the record of a field; else the declaration's detail."""
    if d.kind in ("enum value", "field"):
        return d.container or ""
    return detail_in(d, kw_set)


def complete(checked: Checked, path: str, line: int, col: int) -> list[types.CompletionItem]:
    text = checked.sources.get(path, "")
    lines = text.split("\n")
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    before = current[: col - 1]
    if code_only(before) != before:  # inside a string or a comment
        return []
    kw_set = keyword_set(text)
    items: list[types.CompletionItem] = []
    seen: set[str] = set()
    for name, decls in checked.index.declarations().items():
        d = decls[0]
        seen.add(name)
        items.append(
            types.CompletionItem(
                label=name,
                kind=_KINDS.get(d.kind, types.CompletionItemKind.Text),
                detail=f"{kind_in(d.kind, kw_set)} {_what(d, kw_set)}".strip(),
                sort_text=f"0{name}",
            )
        )
    for word in functions(kw_set):
        if word not in seen:
            items.append(
                types.CompletionItem(
                    label=word, kind=types.CompletionItemKind.Function, sort_text=f"1{word}"
                )
            )
    for word in keywords(kw_set):
        if word not in seen:
            items.append(
                types.CompletionItem(
                    label=word, kind=types.CompletionItemKind.Keyword, sort_text=f"2{word}"
                )
            )
    return items
