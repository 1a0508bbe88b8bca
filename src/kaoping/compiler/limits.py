"""How deeply a rules file may nest: checked on the lowered IR, before anything walks it
recursively (typing, the emitter, Python's own compiler of the generated module).

Every level of nesting counts: a section inside a section, an item, a clause, a bracket that
holds an operation, a function call, an `if … then … else`, a `not`. A run of one precedence
level (`a + b - c + …`, `p and q and …`) counts once however long it is: such runs are typed and
emitted in a loop. The limit is far beyond any real document (the shipped schemes nest at most
a dozen levels) and well within what the compiler can walk."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kaoping.compiler import ir
from kaoping.compiler.walk import children, is_node
from kaoping.diagnostics import Diagnostic

MAX_DEPTH = 100


def nesting_errors(decls: Iterable[Any]) -> list[Diagnostic]:
    """E104 at the first node (in reading order) of each line that lies deeper than
    MAX_DEPTH levels."""
    found: list[Diagnostic] = []
    lines: set[tuple[str, int]] = set()
    stack: list[tuple[Any, int]] = [(d, 1) for d in reversed(list(decls)) if is_node(d)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            span = getattr(node, "span", None)
            if span is not None and (span.path, span.line) not in lines:
                lines.add((span.path, span.line))
                found.append(Diagnostic("E104", span, {"limit": MAX_DEPTH}))
            continue
        run = isinstance(node, ir.BinOp | ir.Logic) and ir.continues_run(node, node.left)
        for child in reversed(children(node)):  # reversed: the leftmost is reported first
            # the left operand of `(a + b) - c` continues the run: the same level
            same_level = run and child is node.left
            stack.append((child, depth if same_level else depth + 1))
    return found
