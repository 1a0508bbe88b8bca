"""The tree builder of each grammar rule for the one-loop parse (`fastparse`), as one function
made from the rule's shape.

Lark builds a rule's tree through a chain of callbacks: kaoping's position propagation
(`parse._Positions`) around Lark's child filter (which drops anonymous tokens and inlines the
children of `_rule`s), around `?rule`'s expansion of a single child, around `Tree`. Each call
of the chain loops over the rule's symbols to find what the rule's shape already says: which
children to keep, and which child gives the tree its start and end (a keyword token always
does; a rule's subtree does when it is not empty). So each rule's builder is written out as
Python from its shape, once, the first time the parser reduces by it: the kept children
listed by position, the start and end read straight from the tokens that hold them, a test
left only where a subtree may be empty. The text is made only from the rule's shape (its
name is passed in as a value, never written into the code) and compiled in this process.
A test compares the trees with Lark's, node for node and position for position."""

from __future__ import annotations

from typing import Any

from lark import Token, Tree
from lark.tree import Meta


def builder(rule: Any, callback: Any, positions: type, no_space: frozenset[str]) -> Any:
    """The rule's tree builder, when its Lark callback is the chain described above (a
    `positions` instance around Lark's own); else the callback itself."""
    if type(callback) is not positions or rule.options.keep_all_tokens:
        return callback
    data = rule.alias or rule.options.template_source or rule.origin.name
    expand1 = bool(rule.options.expand1) and not rule.alias
    symbols = rule.expansion
    include = [
        (i, not sym.is_term and sym.name.startswith("_"))
        for i, sym in enumerate(symbols)
        if not (sym.is_term and sym.filter_out)
    ]
    filters = len(include) < len(symbols) or any(expand for _, expand in include)
    # what the child at each position is: a token that takes space, one that does not (a
    # line break, an indent), or a subtree (or the token `?rule` gave for it)
    kinds = [
        ("space" if sym.name not in no_space else "none") if sym.is_term else "node"
        for sym in symbols
    ]
    return _compile(data, include if filters else None, expand1, kinds, no_space)


def _compile(
    data: str,
    include: list[tuple[int, bool]] | None,
    expand1: bool,
    kinds: list[str],
    no_space: frozenset[str],
) -> Any:
    lines = ["def build(children):"]
    if include is None:
        lines.append("    filtered = children")
    elif not include:
        lines.append("    filtered = []")
    else:
        for n, (i, expand) in enumerate(include):
            if n == 0:  # as Lark's filter: an inlined rule first lends its list
                lines.append(f"    filtered = children[{i}].children" if expand else "")
                if not expand:
                    lines[-1] = f"    filtered = [children[{i}]]"
            elif expand:
                lines.append(f"    filtered += children[{i}].children")
            else:
                lines.append(f"    filtered.append(children[{i}])")
    if expand1:
        lines += [
            "    if len(filtered) == 1:",
            "        return reposition(filtered[0], children, no_space)",
        ]
    lines += [
        "    res = new(Tree)",
        "    res.data = data",
        "    res.children = filtered",
        "    meta = res._meta = new(Meta)",
    ]
    lines += _find(kinds, first=True)
    lines += _find(kinds, first=False)
    lines += [
        "    meta.__dict__ = {",
        '        "empty": False,',
        '        "line": line, "column": col, "start_pos": pos,',
        '        "container_line": line, "container_column": col, "container_start_pos": pos,',
        '        "end_line": end_line, "end_column": end_col, "end_pos": end_pos,',
        '        "container_end_line": end_line, "container_end_column": end_col,',
        '        "container_end_pos": end_pos,',
        "    }",
        "    return res",
    ]
    namespace: dict[str, Any] = {
        "Tree": Tree,
        "Token": Token,
        "Meta": Meta,
        "new": object.__new__,
        "data": data,
        "no_space": no_space,
        "reposition": reposition,
    }
    exec(compile("\n".join(lines) + "\n", f"<kaoping tree builder {data}>", "exec"), namespace)
    return namespace["build"]


def _find(kinds: list[str], first: bool) -> list[str]:
    """The lines that set the start (`first`) or the end of the tree from the first (last)
    child that takes space: an if/else chain, one level per child that may not."""
    if first:
        order = list(range(len(kinds)))
        names, fields = "line, col, pos", ("line", "column", "start_pos")
        container = ("container_line", "container_column", "container_start_pos")
    else:
        order = list(reversed(range(len(kinds))))
        names, fields = "end_line, end_col, end_pos", ("end_line", "end_column", "end_pos")
        container = ("container_end_line", "container_end_column", "container_end_pos")
    token_fields = ", ".join(f"c.{f}" for f in fields)
    meta_fields = ", ".join(f"m.{f}" for f in container)
    out: list[str] = []
    indent = "    "
    for i in order:
        kind = kinds[i]
        if kind == "none":
            continue
        out.append(f"{indent}c = children[{i}]")
        if kind == "space":  # a token that takes space: it gives the position, always
            out.append(f"{indent}{names} = {token_fields}")
            return out
        out += [
            f"{indent}if type(c) is Token and c.type not in no_space:",
            f"{indent}    {names} = {token_fields}",
            f"{indent}elif type(c) is Tree and c._meta is not None and not c._meta.empty:",
            f"{indent}    m = c._meta",
            f"{indent}    {names} = {meta_fields}",
            f"{indent}else:",
        ]
        indent += "    "
    # no child takes space: the tree has no position (its meta says empty)
    out += [f"{indent}meta.empty = True", f"{indent}return res"]
    return out


def reposition(res: Any, children: list[Any], no_space: frozenset[str]) -> Any:
    """`?rule`'s single kept child, given as the rule's tree: a tree among other children
    (brackets, keywords) keeps its own start and end, and its container grows to theirs."""
    if type(res) is not Tree or (len(children) == 1 and children[0] is res):
        return res
    meta: Any = res.meta
    m: Any
    for c in children:
        if type(c) is Token:
            if c.type in no_space:
                continue
            line, col, pos = c.line, c.column, c.start_pos
        elif type(c) is Tree and c._meta is not None and not c._meta.empty:
            m = c._meta
            line, col, pos = m.container_line, m.container_column, m.container_start_pos
        else:
            continue
        if meta.empty:
            meta.line, meta.column, meta.start_pos = line, col, pos
        meta.container_line, meta.container_column, meta.container_start_pos = line, col, pos
        break
    else:
        return res
    for c in reversed(children):
        if type(c) is Token:
            if c.type in no_space:
                continue
            line, col, pos = c.end_line, c.end_column, c.end_pos
        elif type(c) is Tree and c._meta is not None and not c._meta.empty:
            m = c._meta
            line, col, pos = m.container_end_line, m.container_end_column, m.container_end_pos
        else:
            continue
        if not hasattr(meta, "end_line"):
            meta.end_line, meta.end_column, meta.end_pos = line, col, pos
        meta.container_end_line = line
        meta.container_end_column = col
        meta.container_end_pos = pos
        break
    meta.empty = False
    return res
