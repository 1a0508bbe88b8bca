"""Checks of a keyed item (`item X by KEY:` with rows): the rows must not overlap, and unless an
`otherwise` row exists they must leave no gap over the range the key can take. A whole-number
key (a rank, a count) is compared by the whole numbers each row covers, so `1 to 5` and
`6 to 10` meet exactly."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import attrs

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.requirements import ref_key
from kaoping.exact import Q, ceil, floor

if TYPE_CHECKING:
    from kaoping.compiler.infer import ExprChecker
    from kaoping.compiler.infer_context import Ctx


@attrs.frozen
class _Interval:
    """A row's keys: bounds with their closedness (None is infinite)."""

    low: Q | None
    low_closed: bool
    high: Q | None
    high_closed: bool
    row: ir.KeyRow


def whole_numbers(row: ir.KeyRow) -> tuple[int | None, int | None]:
    """The first and last whole number a row covers (None: unbounded)."""
    low: int | None = None
    high: int | None = None
    if row.low is not None:
        low = ceil(row.low)
        if low == row.low and not row.low_closed:
            low += 1
    if row.high is not None:
        high = floor(row.high)
        if high == row.high and not row.high_closed:
            high -= 1
    return low, high


def keyed_ty(checker: ExprChecker, e: ir.Keyed, ctx: Ctx) -> T.Ty:
    """The union of the rows' values, each typed knowing its row's keys; the rows checked."""
    key = checker.need_number(checker.infer(e.key, ctx), e.key, ctx)
    rows = [r for r in e.rows if not r.otherwise]
    has_otherwise = len(rows) < len(e.rows)
    intervals: list[_Interval] = []
    for row in rows:
        interval = _row_interval(checker, row, key)
        if interval is not None:
            intervals.append(interval)
    _check_tiling(checker, intervals, key, has_otherwise)
    target = ref_key(checker.model, e.key, ctx.block.index)
    by_row = {id(i.row): i for i in intervals}
    result: T.Ty | None = None
    for row in e.rows:
        for value, where in zip(row.values, _keys_of(row, by_row, intervals, key), strict=True):
            inner = ctx
            if target is not None:
                inner = attrs.evolve(ctx, narrow={**ctx.narrow, target: where})
            t = checker.need_number(checker.infer(value, inner), value, ctx)
            result = t if result is None else T.union(result, t)
    return result if result is not None else T.ANY_NUMBER


def _keys_of(
    row: ir.KeyRow, by_row: dict[int, _Interval], intervals: list[_Interval], key: T.Ty
) -> list[T.Ty]:
    """For each value of the row, the range its key lies in when that value is taken."""
    n = len(row.values)
    interval = by_row.get(id(row))
    if row.otherwise:
        hull = _uncovered(intervals, key)
        return [key if hull is None else T.intersect(key, T.number(*hull))] * n
    if interval is None:  # reported
        return [key] * n
    if n > 1 and interval.low is not None:
        return [T.const(interval.low + i) for i in range(n)]
    within = T.number(interval.low, interval.high)
    if (interval.low == 0 and not interval.low_closed) or (
        interval.high == 0 and not interval.high_closed
    ):
        within = T.never_zero(within)  # `(0, 1]`: a key there divides (`10 ÷ 完成率`)
    return [T.intersect(key, within)] * n


def _uncovered(intervals: list[_Interval], key: T.Ty) -> tuple[Q | None, Q | None] | None:
    """The lowest and the highest key no row covers (closed bounds, a hull), or None when the
    rows cover every key the value can take."""
    step = Q(1) if key.integer else Q(0)
    ordered = sorted(intervals, key=lambda i: (i.low is not None, i.low or 0))
    low = key.low
    for i in ordered:  # walk up from the key's lowest value while rows cover it
        if low is not None and i.low is not None and i.low > low:
            break
        if low is None and i.low is not None:
            break
        if i.high is None:
            return None
        low = i.high + step if low is None else max(low, i.high + step)
    high = key.high
    for i in reversed(sorted(intervals, key=lambda i: (i.high is None, i.high or 0))):
        if high is not None and i.high is not None and i.high < high:
            break
        if high is None and i.high is not None:
            break
        if i.low is None:
            return None
        high = i.low - step if high is None else min(high, i.low - step)
    if low is not None and high is not None and low > high:
        return None
    return low, high


def _row_interval(checker: ExprChecker, row: ir.KeyRow, key: T.Ty) -> _Interval | None:
    """The row as an interval of keys (of whole numbers, for a whole-number key); None after a
    diagnostic when it covers nothing."""
    if key.integer:
        low, high = whole_numbers(row)
        if low is not None and high is not None and low > high:
            checker.err(
                "E406",
                row.span,
                what="rows",
                what_zh="各行",
                detail="include a row that covers no whole number",
                detail_zh="有一行不含任何整数",
            )
            return None
        _check_values_per_number(checker, row, low, high)
        return _Interval(
            None if low is None else Q(low),
            True,
            None if high is None else Q(high),
            True,
            row,
        )
    empty = (
        row.low is not None
        and row.high is not None
        and (
            row.low > row.high or (row.low == row.high and not (row.low_closed and row.high_closed))
        )
    )
    if empty:
        checker.err(
            "E406",
            row.span,
            what="rows",
            what_zh="各行",
            detail="include an empty row",
            detail_zh="有一行为空区间",
        )
        return None
    if len(row.values) > 1:
        checker.type_error(
            row.span,
            "one value per whole number needs a whole-number key (a rank, a count)",
            detail_zh="逐个整数列出分值,须以整数(名次、次数)为键",
        )
    return _Interval(row.low, row.low_closed, row.high, row.high_closed, row)


def _check_values_per_number(
    checker: ExprChecker, row: ir.KeyRow, low: int | None, high: int | None
) -> None:
    if len(row.values) == 1:
        return
    if low is None or high is None:
        checker.type_error(
            row.span,
            "one value per whole number needs a range with two ends",
            detail_zh="逐个整数列出分值,区间须有上下两端",
        )
        return
    count = high - low + 1
    if count != len(row.values):
        checker.err(
            "E406",
            row.span,
            what="rows",
            what_zh="各行",
            detail=f"list {len(row.values)} values for the {count} whole numbers {low} to {high}",
            detail_zh=f"为 {low} 至 {high} 的 {count} 个整数列出了 {len(row.values)} 个分值",
        )


def _check_tiling(
    checker: ExprChecker, intervals: list[_Interval], key: T.Ty, has_otherwise: bool
) -> None:
    def low_key(i: _Interval) -> tuple[bool, Q | int, bool]:
        return (i.low is not None, i.low if i.low is not None else 0, not i.low_closed)

    ordered = sorted(intervals, key=low_key)
    step = Q(1) if key.integer else None

    def report(row: ir.KeyRow, detail: str, detail_zh: str) -> None:
        checker.err(
            "E406", row.span, what="rows", what_zh="各行", detail=detail, detail_zh=detail_zh
        )

    for a, b in itertools.pairwise(ordered):
        if a.high is None or b.low is None or a.high > b.low:
            report(b.row, f"overlap at {_num(b.low)}", f"在 {_num(b.low)} 处重叠")
            continue
        if a.high == b.low and a.high_closed and b.low_closed:
            report(b.row, f"overlap at {_num(b.low)}", f"在 {_num(b.low)} 处重叠")
            continue
        if has_otherwise:
            continue
        if step is not None:
            gap = b.low - a.high > step
        else:
            gap = a.high < b.low or (not a.high_closed and not b.low_closed)
        if gap:
            report(
                b.row,
                f"leave a gap between {_num(a.high)} and {_num(b.low)}",
                f"在 {_num(a.high)} 与 {_num(b.low)} 之间有空档",
            )
    if has_otherwise or not ordered:
        # no interval left: every row covered nothing and has been reported (E406)
        return
    first, last = ordered[0], ordered[-1]
    if first.low is not None and (
        key.low is None or key.low < first.low or (key.low == first.low and not first.low_closed)
    ):
        report(
            first.row,
            f"do not cover keys below {_num(first.low)}; add an `otherwise` row",
            f"未覆盖 {_num(first.low)} 以下的值;请加 `其余` 行",
        )
    if last.high is not None and (
        key.high is None or key.high > last.high or (key.high == last.high and not last.high_closed)
    ):
        report(
            last.row,
            f"do not cover keys above {_num(last.high)}; add an `otherwise` row",
            f"未覆盖 {_num(last.high)} 以上的值;请加 `其余` 行",
        )


def _num(value: Q | None) -> str:
    return "∞" if value is None else T._fmt(value)
