"""`kaoping score` by whole columns, end to end: a large CSV or Parquet file read straight into
exact columns (`io/columns_in`), scored by the columnar module, and its results written from
the columns (`io/columns_out`), with no per-unit object anywhere.

Taken when the columnar backend scores the run (`--backend columnar`, or `auto` from 1,000
units) and the scheme has nothing the per-unit module must still do after the values: no
raters' ordering, every constant entered in the data given (a Parquet file's schema
metadata) and valid, every grading line one the columnar module
computes (`grade_all`, on every group's table once all are scored), every consequence one it
computes (`final_N`, on each group's table and grades once every grading is done), and every
data requirement one on each unit's own data (checked here on the columns first: a row
breaking one leaves the run to the per-unit path, whose data error names it).
Anything it does not handle (such a scheme, a cell it does not read as plainly valid, a value
above its maximum with no cap, `--history`, `--archive`, a workbook or the terminal table)
leaves the run to the per-unit objects' path, which gives the same output (or the same data
error) as always."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kaoping.compiler.load import CompiledScheme
from kaoping.compiler.model import BlockModel
from kaoping.runtime.columnar.numbers import Col, Flags, Labels, full
from kaoping.runtime.columnar.records import Records
from kaoping.runtime.unit import Run, RunWarning
from kaoping.scoring_columnar import AUTO_THRESHOLD, Backend, ColumnarScheme, columnar_scheme


class NotWhole(Exception):
    """The run needs the per-unit objects' path after all (a case this path leaves to it)."""


@attrs.frozen
class GroupColumns:
    """One group's units, listed as the results list them (by rank, then total, then name):
    their names in that order; every value the block computed (value path → column over the
    group's units) with `order`, the group's rows in that order; the inputs (columns over
    every unit of the data) with `fact_rows`, the units' rows there. Taken row by row as
    they are written, so that no column is copied whole."""

    group: str
    block: BlockModel
    names: Any  # a pyarrow string array, in the results' order
    values: dict[str, Any]
    order: npt.NDArray[np.int64]
    facts: dict[str, Any]
    fact_rows: npt.NDArray[np.int64]
    flags: dict[int, list[str]]
    inapplicable: dict[int, list[str]]
    # grading name → each unit's grade (in the group's rows, as `values`), in grading order
    grades: dict[str, Labels]


@attrs.frozen
class WholeResults:
    scheme: CompiledScheme
    groups: list[GroupColumns]
    reason: str
    # the run's warnings (a quota that ties take past its size), as the per-unit run raises them
    warnings: tuple[RunWarning, ...] = ()
    # the run's constants the data entered (read and checked)
    constants: Mapping[str, Any] = attrs.field(factory=dict)

    def __len__(self) -> int:
        return sum(len(g.names) for g in self.groups)


def whole_scheme(scheme: CompiledScheme) -> ColumnarScheme | None:
    """The columnar module, when the per-unit module has nothing left to do after the values."""
    model = scheme.model
    ns = scheme.namespace
    if model.run_requirements:
        return None
    for block in model.blocks:
        if block.requires or ns.get(f"order_{block.index}") is not None:
            return None
    found = columnar_scheme(scheme)
    if not isinstance(found, ColumnarScheme):
        return None
    if model.gradings and "grade_all" not in found.namespace:  # (GRADING_UNSUPPORTED: why)
        return None
    for block in model.blocks:  # consequences: `final_N` (FINAL_UNSUPPORTED_N: why not)
        final = any(vd.stage == "final" for vd in block.values.values())
        if final and f"final_{block.index}" not in found.namespace:
            return None
    # data requirements: each checked on the columns (`check_N`), or the per-unit path's
    if any(b.data_checks and f"check_{b.index}" not in found.namespace for b in model.blocks):
        return None
    # what the whole-table module reads from unit objects: a distribution checked over the
    # units (`last year` reads them too, but this path scores no run with last year's
    # results: it is absent for every unit, as the per-unit module reads it then)
    if any(f"_c.{name}(" in found.python for name in _READS_UNITS):
        return None
    return found


_READS_UNITS = ("require_distribution", "require_records")


def stage_refused(scheme: CompiledScheme) -> str | None:
    """Why the scheme's grading or consequences keep the run off whole columns (the construct
    and its rule line), if that is what does."""
    found = columnar_scheme(scheme)
    if not isinstance(found, ColumnarScheme):
        return None
    ns = found.namespace
    reasons = [ns.get("GRADING_UNSUPPORTED")]
    reasons += [ns.get(f"FINAL_UNSUPPORTED_{b.index}") for b in scheme.model.blocks]
    reason = next((r for r in reasons if r is not None), None)
    return str(reason) if reason is not None else None


def score_whole(scheme: CompiledScheme, path: Path, backend: Backend) -> WholeResults | None:
    """The run scored by whole columns, or None when it is the per-unit path's (see above)."""
    if backend == "unit":
        return None
    found = whole_scheme(scheme)
    if found is None:
        return None
    from kaoping.io.columns_in import read_columns

    data = read_columns(path, scheme.model)
    if data is None or (backend == "auto" and len(data) < AUTO_THRESHOLD):
        return None
    n = len(data)
    how = (
        "asked for (--backend columnar)"
        if backend == "columnar"
        else f"{n} units, at least {AUTO_THRESHOLD}, and every construct is supported"
    )
    reason = f"columnar backend: {how}; the data read and the results written by whole columns"
    run = Run()
    from kaoping.runtime.columnar.quotient import TooWide

    try:
        groups = _score_groups(scheme, found, data, run)
    except TooWide as err:  # the per-unit objects' path scores it (and says so)
        raise NotWhole(str(err)) from err
    return WholeResults(scheme, groups, reason, run.warnings, data.constants)


def _canonical(data: Any) -> npt.NDArray[np.int64]:
    """The rows in the order (group, name) the per-unit path scores them in (code points)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    groups = pa.array(data.labels, pa.string()).take(pa.array(data.groups))
    table = pa.table({"g": groups, "u": data.names})

    order = pc.sort_indices(table, sort_keys=[("g", "ascending"), ("u", "ascending")])
    return np.asarray(order, dtype=np.int64)


def _score_groups(
    scheme: CompiledScheme, found: ColumnarScheme, data: Any, run: Run | None = None
) -> list[GroupColumns]:
    """Each block's units scored, a group's units one run of rows. Values do not depend on
    the order of units; the data of a single group is scored in the order of the file (its
    columns read as they are, not copied), other data grouped by (group, name)."""
    from kaoping.runtime.columnar.grading import Part
    from kaoping.runtime.columnar.table import Facts, Table
    from kaoping.scoring_columnar import run_guarded

    model = scheme.model
    ns = found.namespace
    single = len(data.labels) == 1
    order = np.arange(len(data.groups)) if single else _canonical(data)
    groups_sorted = data.groups[order]
    parts: list[Part] = []  # every group's table, in the order scored
    scored: list[tuple[BlockModel, Any, tuple[int, int], npt.NDArray[np.int64]]] = []
    for block in model.blocks:
        codes = [k for k, label in enumerate(data.labels) if label in block.groups]
        rows = order[np.isin(groups_sorted, np.asarray(codes, dtype=np.intp))]
        if not len(rows):
            continue
        member_groups = data.groups[rows]
        names = _Names(data.names, rows)
        whole = len(rows) == len(data.groups)  # every row, in the file's order

        def read(name: str, rows: npt.NDArray[np.int64] = rows, whole: bool = whole) -> Any:
            if name in data.constants:
                return full(data.constants[name], len(rows))
            if name not in data.inputs:
                return _absent(len(rows))
            return data.inputs[name] if whole and single else _take(data.inputs[name], rows)

        in_group = Labels(np.asarray(data.labels, dtype=object)[member_groups])
        table = Table(len(rows), Facts(read), names, groups=in_group)
        where = ", ".join(data.labels[k] for k in dict.fromkeys(member_groups.tolist()))
        _check_requirements(found, block, table, [data.labels[k] for k in member_groups])
        run_guarded(found, f"the units of {where}", ns[f"unit_{block.index}"], table)
        if f"cross_{block.index}" in ns:  # `across G1, G2:` values, before any group's
            run_guarded(found, f"the groups {where}", ns[f"cross_{block.index}"], table)
        start = 0
        bounds = np.flatnonzero(member_groups[1:] != member_groups[:-1]) + 1
        for stop in [*bounds.tolist(), len(rows)]:
            group = data.labels[int(member_groups[start])]
            part = table.slice(start, stop, group)
            events_before = len(table.events)
            run_guarded(found, f"group {group}", ns[f"group_{block.index}"], part)
            if len(table.events) != events_before:
                raise NotWhole("events outside the group's table")
            parts.append(Part(group, block.index, part))
            scored.append((block, table, (start, stop), rows))
            start = stop
    if model.gradings:  # every group scored: the grading lines read across groups
        graded = sorted(parts, key=lambda p: p.group)  # (the per-unit order: a failure names
        # the same)
        run_guarded(found, "grading", lambda ps: ns["grade_all"](ps, run), graded)
        for p in graded:
            if any(g.present is not None for g in p.grades.values()):
                raise NotWhole("a unit no grading line graded")
    out: dict[str, GroupColumns] = {}
    for (block, table, span, rows), p in zip(scored, parts, strict=True):
        final = ns.get(f"final_{block.index}")
        if final is not None:  # the consequences, once every grade is known (after the group's
            # values: its flags come last, as the per-unit path raises them)
            events_before = len(table.events)
            run_guarded(found, f"group {p.group}", partial(final, g=p.grades), p.table)
            if len(table.events) != events_before:
                raise NotWhole("events outside the group's table")
        out[p.group] = _group_result(
            block,
            p.group,
            p.table,
            [*table.events, *p.table.events],
            span,
            data,
            rows,
            None if not single else _name_order(data.names),
            p.grades,
        )
    return [out[g.name] for g in model.module.groups if g.name in out]


def _check_requirements(
    found: ColumnarScheme, block: BlockModel, table: Any, groups: list[str]
) -> None:
    """The block's data requirements on the columns, before any value: a row breaking one (or
    not known to meet it) leaves the run to the per-unit path, whose data error names the unit,
    the field and the value read, exactly as ever."""
    check = found.namespace.get(f"check_{block.index}")
    if check is None:
        return
    events = len(table.events)
    try:
        broken = check(table)
    except Exception as err:  # the per-unit path gives its own message, or scores the run
        raise NotWhole("a requirement the columns could not check") from err
    if len(table.events) != events:
        raise NotWhole("a requirement that warned")
    in_groups = np.asarray(groups, dtype=object)
    for applies, rows in broken:
        if applies:
            rows = rows & np.isin(in_groups, list(applies))
        if rows.any():
            raise NotWhole("a data requirement the data breaks")


def _group_result(
    block: BlockModel,
    group: str,
    part: Any,
    events: list[tuple[Any, ...]],
    span: tuple[int, int],
    data: Any,
    rows: npt.NDArray[np.int64],
    name_order: npt.NDArray[np.int64] | None,
    grades: dict[str, Labels],
) -> GroupColumns:
    """The group's values with its units in the results' order: by rank (none: 0), by total
    (highest first), by name (`name_order`: each row's place in name order; None: the rows
    are in name order)."""
    from kaoping.compiler.emit import rank_path

    start, stop = span
    n = stop - start
    values = part.values
    total = values["total"]
    if not _everywhere(getattr(total, "present", None)):
        raise NotWhole("a unit without a total")
    rank_value = rank_path(block)
    rank = values.get(rank_value) if rank_value else None
    keys: list[Any] = [np.arange(n) if name_order is None else name_order]
    keys.append(_descending(total))
    if rank is not None:
        if not _everywhere(rank.present) or rank.num.dtype == object or rank.den != 1:
            raise NotWhole("a rank not a whole number for every unit")
        keys.append(rank.num.astype(np.int64))
    order = np.lexsort(keys)
    flags: dict[int, list[str]] = {}
    inapplicable: dict[int, list[str]] = {}
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    for event in events:
        mask = np.asarray(event[-1])
        if event[0] == "flag":
            mask = mask[start:stop] if len(mask) != n else mask
            for i in np.flatnonzero(mask).tolist():
                named = flags.setdefault(int(position[i]), [])
                if event[1] not in named:
                    named.append(event[1])
        elif event[0] == "na":
            mask = mask[start:stop] if len(mask) != n else mask
            for i in np.flatnonzero(mask).tolist():
                inapplicable.setdefault(int(position[i]), []).append(event[1])
        elif np.asarray(mask).any():  # a value above its maximum: warnings the per-unit path writes
            raise NotWhole("a value above its maximum")
    if not all(isinstance(v, Col | Flags | Labels) for v in values.values()):
        raise NotWhole("a value that is not a number, a yes/no or a text")
    picked = rows[start:stop][order]
    return GroupColumns(
        group,
        block,
        data.names.take(picked),
        dict(values),
        order,
        data.inputs,
        picked,
        flags,
        inapplicable,
        grades,
    )


def _everywhere(present: Any) -> bool:
    """A value every unit has (a mask that holds everywhere, or none)."""
    return present is None or bool(np.all(present))


class _Names(Sequence[str]):
    """The names of some rows, read one by one when a message names a unit."""

    def __init__(self, names: Any, rows: npt.NDArray[np.int64]):
        self.names, self.rows = names, rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return _Names(self.names, self.rows[i])
        return self.names[int(self.rows[i])].as_py()


def _name_order(names: Any) -> npt.NDArray[np.int64]:
    """Each unit's place when the names are sorted by code point."""
    import pyarrow.compute as pc

    by_name = np.asarray(pc.sort_indices(names), dtype=np.int64)
    place = np.empty(len(names), dtype=np.int64)
    place[by_name] = np.arange(len(names))
    return place


def _descending(col: Any) -> npt.NDArray[Any]:
    """A sort key putting the highest value first (exact: numerators over one denominator)."""
    num = col.num
    if num.dtype == object:
        ranked = {v: i for i, v in enumerate(sorted(set(num.tolist()), reverse=True))}
        return np.asarray([ranked[v] for v in num.tolist()], dtype=np.int64)
    key: npt.NDArray[Any] = -num.astype(np.int64)
    return key


def _take(col: Any, rows: npt.NDArray[np.int64]) -> Any:
    """The column's entries at `rows` (a number, yes/no or text column, or a list input's
    records)."""
    if isinstance(col, Records):
        return col.pick(rows)
    present = None if col.present is None else col.present[rows]
    if isinstance(col, Col):
        return Col(col.num[rows], col.den, col.bound, present, col.whole)
    if isinstance(col, Flags):
        return Flags(col.truth[rows], present)
    if isinstance(col, Labels):
        return Labels(col.text[rows], present)
    raise NotWhole(f"a column of {type(col).__name__}")


def _absent(n: int) -> Any:
    from kaoping.runtime.columnar.numbers import absent

    return absent(n)


def write_chunks(results: WholeResults, kind: str) -> Iterator[bytes | memoryview]:
    """The results file's bytes: `json` (compact, one unit a line), `csv` or `parquet`."""
    from kaoping.io import columns_out

    if kind == "json":
        return columns_out.iter_json(results)
    if kind == "csv":
        return columns_out.iter_csv(results)
    return columns_out.iter_parquet(results)
