"""Lark tree → IR. One Transformer method per grammar rule, named after it; keyword spelling is
gone by now, so English and Chinese files lower to equal nodes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from lark import Token, Tree

from kaoping.compiler import ir
from kaoping.compiler.lower_decls import DeclLowering
from kaoping.compiler.lower_expr import ExprLowering
from kaoping.compiler.lower_parts import _Title
from kaoping.compiler.lower_scoring import ScoringLowering


class _Lower(DeclLowering, ScoringLowering, ExprLowering):
    """One method per grammar rule, `(meta, children)` → IR; `lower_file` calls them."""


def lower_file(tree: Tree[Token], path: str) -> list[Any]:
    """The top-level declarations of one file, as IR nodes (plus the scheme title marker).

    Each tree node is lowered after its children, on a stack of its own rather than by
    recursion, so no depth of nesting in a rules file can exhaust Python's stack here."""
    lower = _Lower(path)
    methods: dict[str, Any] = {}
    postfix: list[Tree[Token] | Token] = []
    todo: list[Tree[Token] | Token] = [tree]
    while todo:
        node = todo.pop()
        postfix.append(node)
        if type(node) is Tree:
            todo += node.children
    done: list[Any] = []
    for node in reversed(postfix):
        if type(node) is not Tree:
            done.append(node)
            continue
        size = len(node.children)
        args = done[len(done) - size :]
        del done[len(done) - size :]
        method = methods.get(node.data)
        if method is None:
            method = methods[node.data] = getattr(lower, node.data)
        meta = node._meta  # (Lark's `meta` property makes an empty one where none is)
        done.append(method(node.meta if meta is None else meta, args))
    [result] = done
    return cast(list[Any], result)


def build_module(decls_per_file: Iterable[list[Any]]) -> ir.Module:
    """Gather the declarations of a scheme's files into one Module."""
    title: str | None = None
    rounding: ir.Rounding | None = None
    buckets: dict[type, list[Any]] = {
        k: []
        for k in (
            ir.GroupDecl,
            ir.EnumDecl,
            ir.RecordDecl,
            ir.InputDecl,
            ir.TableDecl,
            ir.Scoring,
            ir.Grading,
            ir.Consequences,
            ir.Requirement,
            ir.ConstantDecl,
            ir.UnitsDecl,
        )
    }
    for decls in decls_per_file:
        for d in decls:
            if isinstance(d, _Title):
                title = title or d.text
            elif isinstance(d, ir.Rounding):
                rounding = rounding or d
            else:
                buckets[type(d)].append(d)
    return ir.Module(
        title=title,
        rounding=rounding,
        groups=tuple(buckets[ir.GroupDecl]),
        enums=tuple(buckets[ir.EnumDecl]),
        records=tuple(buckets[ir.RecordDecl]),
        inputs=tuple(buckets[ir.InputDecl]),
        tables=tuple(buckets[ir.TableDecl]),
        scorings=tuple(buckets[ir.Scoring]),
        gradings=tuple(buckets[ir.Grading]),
        consequences=tuple(buckets[ir.Consequences]),
        requirements=tuple(buckets[ir.Requirement]),
        constants=tuple(buckets[ir.ConstantDecl]),
        units=tuple(buckets[ir.UnitsDecl]),
    )
