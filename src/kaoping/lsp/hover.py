"""What hover shows: on a declared name, what it is (an item's maximum and the range the checker
proved it can reach, an input's type and description, the article cited); on a keyword or a
built-in function, one line from docs/language.md. In the file's language."""

from __future__ import annotations

from typing import Any

from kaoping.compiler import ir
from kaoping.compiler.model import Model, ValueDef
from kaoping.exact import show
from kaoping.grammar.expected import keyword_set
from kaoping.lsp.index import Decl, detail_in, word_at
from kaoping.lsp.keyword_help import help_for
from kaoping.lsp.schemes import Checked
from kaoping.span import Span, text_of

_MOST_SHOWN = 4

# (English, Chinese) for what a declaration is and the labels of its lines
_KIND = {
    "group": ("group", "分组"),
    "units": ("units", "单位"),
    "enum": ("enum", "枚举"),
    "enum value": ("value of enum", "取值,属于枚举"),
    "record": ("record", "记录"),
    "field": ("field of record", "字段,属于记录"),
    "input": ("input", "输入"),
    "constant": ("constant", "常量"),
    "table": ("table", "对照表"),
    "section": ("section", "部分"),
    "item": ("item", "指标"),
    "let": ("let", "设"),
    "output": ("output", "输出"),
    "flag": ("flag", "标记"),
    "grading": ("grading", "评定"),
}
_LABEL = {
    "max": ("max", "满分"),
    "reach": ("reaches", "可得范围"),
    "article": ("article", "条款"),
    "type": ("type", "类型"),
    "optional": ("may be absent", "可缺"),
    "for": ("for groups", "适用分组"),
    "value": ("value", "取值"),
    "given": ("given in the data's `constants`", "由数据的 `constants` 给出"),
    "values": ("values", "取值"),
    "declared": ("declared at", "定义于"),
    "by": ("by enum", "按枚举"),
    "keyword": ("keyword", "关键字"),
}


def hover(checked: Checked, path: str, line: int, col: int) -> tuple[str, Span] | None:
    fi = checked.index.files.get(path)
    word = word_at(fi.words, line, col) if fi is not None else None
    if word is None:
        return None
    lang = keyword_set(checked.sources.get(path, ""))
    decls = checked.index.declarations().get(word.text, [])
    if decls:
        parts = [describe(d, checked, lang) for d in decls[:_MOST_SHOWN]]
        if len(decls) > _MOST_SHOWN:
            parts.append(f"… +{len(decls) - _MOST_SHOWN}")
        return "\n\n---\n\n".join(parts), word.span
    rows = help_for(word.text)
    if not rows:
        return None
    lines = []
    for row in rows[:2]:
        what = row.what if row.what not in (row.en, row.zh) else _label("keyword", lang)
        see = f" (docs/language.md#{row.anchor})" if row.anchor else ""
        lines.append(f"`{row.en}` · `{row.zh}` — {what}{see}")
    return "\n\n".join(lines), word.span


def kind_in(kind: str, lang: str) -> str:
    """What a declaration is (`input`, `item` …) in the file's language."""
    en, zh = _KIND.get(kind, (kind, kind))
    return zh if lang == "zh" else en


def _label(key: str, lang: str) -> str:
    en, zh = _LABEL[key]
    return zh if lang == "zh" else en


def describe(d: Decl, checked: Checked, lang: str) -> str:
    en, zh = _KIND[d.kind]
    head = f"**{zh if lang == 'zh' else en}**"
    if d.container is not None and d.kind in ("enum value", "field"):
        head += f" {d.container}"
    lines = [
        f"{head} `{d.name}`" if d.kind not in ("enum value", "field") else f"`{d.name}`: {head}"
    ]
    lines += _details(d, checked.model, lang)
    if isinstance(d.node, ir.Let | ir.Output | ir.Flag):
        lines.append(f"`{text_of(checked.sources.get(d.whole.path), d.whole)}`")
    where = d.whole
    lines.append(f"{_label('declared', lang)} {where.short}")
    return "  \n".join(lines)


def _details(d: Decl, model: Model | None, lang: str) -> list[str]:
    node: Any = d.node
    out: list[str] = []
    if isinstance(node, ir.InputDecl):
        out.append(f"{_label('type', lang)}: {detail_in(d, lang)}")
        if node.optional:
            out.append(_label("optional", lang))
        if node.description:
            out.append(node.description)
        if node.groups:
            out.append(f"{_label('for', lang)}: {', '.join(node.groups)}")
    elif isinstance(node, ir.ConstantDecl):
        if node.value is not None:
            out.append(f"{_label('value', lang)}: {show(node.value)}")
        elif node.type is not None:
            out.append(f"{_label('type', lang)}: {detail_in(d, lang)}")
            out.append(_label("given", lang))
        if node.description:
            out.append(node.description)
    elif isinstance(node, ir.EnumDecl) and d.kind == "enum":
        out.append(f"{_label('values', lang)}: {', '.join(node.values)}")
    elif isinstance(node, ir.GroupDecl) and node.title:
        out.append(node.title)
    elif isinstance(node, ir.UnitsDecl):
        out.append(", ".join(node.units))
    elif isinstance(node, ir.FieldDecl):
        out.append(f"{_label('type', lang)}: {detail_in(d, lang)}")
    elif isinstance(node, ir.TableDecl):
        out.append(f"{_label('by', lang)} {node.enum}")
        out.extend(f"{row.key}: {show(row.value)}" for row in node.rows)
    elif isinstance(node, ir.Grading):
        out.append(f"{_label('by', lang)} {node.enum}")
    elif isinstance(node, ir.Section | ir.Item) and node.max is not None:
        out.append(f"{_label('max', lang)} {show(node.max)}")
    reach = _reach(node, model)
    if reach is not None:
        out.append(f"{_label('reach', lang)} {reach}")
    article = getattr(node, "article", None)
    if article:
        out.append(f"{_label('article', lang)} «{article}»")
    return out


def _reach(node: Any, model: Model | None) -> str | None:
    """The range the checker proved a value can take (from the latest check that got that
    far: none while the scheme has syntax errors)."""
    if model is None or not isinstance(node, ir.Section | ir.Item | ir.Let | ir.Output):
        return None
    for vd in _values(model):
        if vd.node is not None and vd.node.span == node.span and vd.ty is not None:
            if vd.ty.kind == "number":
                return vd.ty.range_text
            return None
    return None


def _values(model: Model) -> list[ValueDef]:
    return [vd for block in model.blocks for vd in block.values.values()]
