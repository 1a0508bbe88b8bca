"""Iterative walks over the IR.

A rules file can nest deeply and run long (a flat sum of thousands of terms is a chain of
thousands of nodes): whatever walks the whole IR keeps its own stack here rather than recursing
once per node, so no input can exhaust Python's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

import attrs

_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in attrs.fields(cls) if f.name != "span")
        _FIELDS[cls] = names
    return names


_IS_NODE: dict[type, bool] = {}


def is_node(x: object) -> bool:
    cls = type(x)
    known = _IS_NODE.get(cls)
    if known is None:
        known = _IS_NODE[cls] = attrs.has(cls)
    return known


def children(node: object) -> list[Any]:
    """The IR nodes directly inside `node`, in field order (tuples of nodes flattened)."""
    found: list[Any] = []
    known = _IS_NODE
    for name in _fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, tuple):
            for x in value:
                node_or_not = known.get(type(x))
                if node_or_not is None:
                    node_or_not = is_node(x)
                if node_or_not:
                    found.append(x)
        else:
            node_or_not = known.get(type(value))
            if node_or_not is None:
                node_or_not = is_node(value)
            if node_or_not:
                found.append(value)
    return found


def postorder(root: object) -> Iterator[Any]:
    """Every node under `root` (itself included), each after all the nodes inside it, in field
    order: the order a recursive walk that acts on the way out would take."""
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            yield node
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children(node)))


def preorder(root: object) -> Iterator[Any]:
    """Every node under `root` (itself included; a tuple's nodes in turn), each before the
    nodes inside it, in field order: the order the rules write them."""
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            stack.extend(reversed(node))
        elif is_node(node):
            yield node
            stack.extend(reversed(children(node)))


# the precedence level of each operator of `ir.BinOp` and `ir.Logic`
_LEVEL = {"+": "sum", "-": "sum", "*": "product", "/": "product", "and": "and", "or": "or"}
_Op = TypeVar("_Op")


def continues_run(e: Any, left: object) -> bool:
    """`left`, the left operand of the operation `e`, is an operation of the same precedence
    level (`(a + b) - c`, `(p and q) and r`)."""
    return type(left) is type(e) and _LEVEL[left.op] == _LEVEL[e.op]  # type: ignore[attr-defined]


def chain_links(e: _Op) -> list[_Op]:
    """The links of a run of one precedence level, innermost first: `a + b - c` is
    `(a + b) - c`, whose links are `a + b` and `… - c`. The grammar nests such a run to the
    left, one node per operator; a flat sum of 2,000 terms is one run, walked in a loop."""
    links = [e]
    while continues_run(e, links[-1].left):  # type: ignore[attr-defined]
        links.append(links[-1].left)  # type: ignore[attr-defined]
    links.reverse()
    return links


def run_text(e: Any) -> str:
    """`str()` of a run: `((a + b) - c)`, one bracket per operator, built in a loop."""
    links = chain_links(e)
    rights = "".join(f" {link.op} {link.right})" for link in links)
    return "(" * len(links) + str(links[0].left) + rights


def same(a: object, b: object) -> bool:
    """`a == b` for IR nodes (spans ignored), without recursing once per level."""
    pairs: list[tuple[object, object]] = [(a, b)]
    while pairs:
        x, y = pairs.pop()
        if is_node(x) or is_node(y):
            if type(x) is not type(y):
                return False
            pairs.extend((getattr(x, n), getattr(y, n)) for n in _fields(type(x)))
        elif isinstance(x, tuple) and isinstance(y, tuple):
            if len(x) != len(y):
                return False
            pairs.extend(zip(x, y, strict=True))
        elif x != y:
            return False
    return True


class _Text(str):
    """Output text, as opposed to a string value of the IR (which is printed with `repr`)."""


def node_repr(root: object) -> str:
    """`repr(root)` as attrs writes it (`BinOp(op='+', left=…, right=…)`), built on a stack:
    `compile --emit-ir` of a sum of thousands of terms."""
    out: list[str] = []
    stack: list[object] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, _Text):
            out.append(item)
            continue
        parts: list[object]
        if is_node(item):
            cls: type = type(item)
            parts = [_Text(cls.__name__ + "(")]
            shown = [f.name for f in attrs.fields(cls) if f.repr]
            for i, name in enumerate(shown):
                parts += [_Text(f"{', ' if i else ''}{name}="), getattr(item, name)]
            parts.append(_Text(")"))
        elif isinstance(item, tuple):
            parts = [_Text("(")]
            for i, x in enumerate(item):
                parts += [_Text(", "), x] if i else [x]
            parts.append(_Text(",)" if len(item) == 1 else ")"))
        else:
            out.append(repr(item))
            continue
        stack.extend(reversed(parts))
    return "".join(out)
