"""Emitting a keyed item (`item X by KEY:` with rows) as an `if`/`elif` chain: only the row that
applies is evaluated (a row's formula may divide by the key), and the traced version records
which row gave the value and for which key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.compiler import flat, ir
from kaoping.compiler.keyed import whole_numbers
from kaoping.exact import Q

if TYPE_CHECKING:
    from kaoping.compiler.emit_stages import StageEmitter
    from kaoping.compiler.emit_writer import _Scope
    from kaoping.compiler.model import BlockModel, ValueDef


def emit_keyed(
    em: StageEmitter, block: BlockModel, vd: ValueDef, node: ir.Item, keyed: ir.Keyed, s: _Scope
) -> None:
    w = em.w
    if not em.fast:
        w(f"_it = u.item({vd.path!r}, {node.span.line})", node.span)
    w(f"_x = {em.ex(keyed.key, block, s)}", keyed.key.span)
    branches: list[tuple[str | None, ir.Expr, ir.KeyRow]] = []
    for row in keyed.rows:
        if row.otherwise:
            branches.append((None, row.values[0], row))
        elif len(row.values) > 1:
            low, _high = whole_numbers(row)
            assert low is not None  # the checker requires both ends for a list of values
            for i, value in enumerate(row.values):
                branches.append((f"_x == {em.const(Q(low + i))}", value, row))
        else:
            branches.append((_test(em, row), row.values[0], row))
    # Python's compiler nests an `elif` inside the `if` before it and gives up after a few
    # thousand: a long table is a run of separate `if`s (the checker proved no two rows overlap,
    # so at most one holds) and a flag for the row that held
    separate = len(branches) >= flat.FLAT_RUN
    if separate:
        w("_hit = False")
    otherwise = "if not _hit:" if separate else "else:"
    first = True
    for test, value, row in branches:
        if test is None:
            w(otherwise, row.span)
        else:
            w(f"{'if' if first or separate else 'elif'} {test}:", row.span)
        first = False
        with w.indent():
            code = em.ex(value, block, s)
            if em.fast:
                w(f"x = {code}", row.span)
            else:
                w(f"_it.row({code}, {row.span.line}, _x)", row.span)
            if separate and test is not None:
                w("_hit = True")
    if not any(r.otherwise for r in keyed.rows):
        # the checker proved the rows cover every key the value can take
        w(otherwise, keyed.span)
        with w.indent():
            w(f"_rt.no_row({vd.path!r}, {str(keyed.span)!r}, _x)", keyed.span)
    if em.fast:
        w(f"v[{vd.path!r}] = x")
    else:
        w("_it.done()")


def _test(em: StageEmitter, row: ir.KeyRow) -> str:
    if row.low is not None and row.low == row.high:
        return f"_x == {em.const(row.low)}"
    tests = []
    if row.low is not None:
        tests.append(f"_x {'>=' if row.low_closed else '>'} {em.const(row.low)}")
    if row.high is not None:
        tests.append(f"_x {'<=' if row.high_closed else '<'} {em.const(row.high)}")
    return " and ".join(tests) or "True"
