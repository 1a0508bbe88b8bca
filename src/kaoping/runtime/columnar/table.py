"""A block's units as one table of columns, what generated whole-table code reads and writes.

`facts` builds a column the first time the code reads an input (an input nobody reads is
never converted); `values` holds one column per computed value. The flags raised, the values
above their maximum and the items that do not apply are recorded as columns and written back
to each unit, in the order the per-unit backend records them, by `write_back`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import methodcaller
from typing import Any

import numpy as np
import numpy.typing as npt

from kaoping.compiler import ir
from kaoping.compiler.model import Model
from kaoping.exact import Q
from kaoping.runtime.columnar.linear import Linear
from kaoping.runtime.columnar.logic import compare
from kaoping.runtime.columnar.numbers import (
    Col,
    Flags,
    Labels,
    absent,
    column,
    flags_or_labels,
    truth,
)
from kaoping.runtime.columnar.records import Records, records_of
from kaoping.runtime.unit import AboveMax, Unit

Column = Col | Flags | Labels | Records
Reader = Callable[[str], Column]


class Facts(dict[str, Column]):
    """Input name → column, built on first use by `read`."""

    def __init__(self, read: Reader):
        super().__init__()
        self.read = read

    def __missing__(self, name: str) -> Column:
        value = self[name] = self.read(name)
        return value


class Table:
    """The units of one block (or of one group of it), as columns."""

    def __init__(
        self,
        n: int,
        facts: Mapping[str, Column],
        names: Sequence[str] | None = None,
        group: str = "",
        values: dict[str, Any] | None = None,
        units: Sequence[Unit] = (),
        groups: Labels | None = None,
    ):
        self.n = n
        self.facts = facts
        self._names = names
        self.group = group
        self.values: dict[str, Any] = values if values is not None else {}
        # in the order raised: ("flag", name, mask) · ("over", path, line, column, max) ·
        # ("na", path, mask)
        self.events: list[tuple[Any, ...]] = []
        # the units the rows stand for, when scored from units (last year's results, the run's
        # roster and warnings); empty for a table handed over as columns
        self.units = units
        # each row's group, for a table of several groups handed over as columns (`group`
        # names the one group of a table that has one)
        self.groups = groups

    @property
    def names(self) -> Sequence[str]:
        """The units' names (what a data error names; numbered when none were given)."""
        if self._names is None:
            self._names = [f"#{i + 1}" for i in range(self.n)]
        return self._names

    def flag(self, name: str, line: int, cond: Any) -> None:
        del line  # the per-unit backend's trace line: the whole-table code keeps no trace
        self.values[name] = cond if isinstance(cond, Flags) else Flags(np.full(self.n, bool(cond)))
        self.events.append(("flag", name, truth(cond, self.n)))

    def over(self, path: str, line: int, value: Col, maximum: Q) -> None:
        """`path` may come out above its maximum with no cap: recorded where it does."""
        above = compare(">", value, maximum)
        self.events.append(("over", path, line, value, maximum, truth(above, self.n)))

    def not_applicable(self, path: str, mask: npt.NDArray[np.bool_]) -> None:
        self.events.append(("na", path, mask))

    def slice(self, start: int, stop: int, group: str) -> Table:
        """The units start … stop − 1 (one group), sharing this table's columns."""
        facts = Facts(lambda name: _cut(self.facts[name], start, stop))
        values = {k: _cut(v, start, stop) for k, v in self.values.items()}
        names = None if self._names is None else self._names[start:stop]
        return Table(stop - start, facts, names, group, values, self.units[start:stop])


def _cut(c: Any, start: int, stop: int) -> Any:
    if isinstance(c, Records):
        return c.take(start, stop)
    if isinstance(c, Linear):
        return c.take(start, stop)
    mask = None if c.present is None else c.present[start:stop]
    if isinstance(c, Col):
        return Col(c.num[start:stop], c.den, c.bound, mask, c.whole)
    if isinstance(c, Flags):
        return Flags(c.truth[start:stop], mask)
    return Labels(c.text[start:stop], mask)


def reader(model: Model, units: Sequence[Unit]) -> Reader:
    """Builds an input's (or a constant's) column from the units' facts, by its declared type."""

    every = [u.facts for u in units]

    def read(name: str) -> Column:
        decl = model.inputs.get(name)
        typ = decl.type if decl is not None else None
        if typ is None and name in model.constants:
            typ = model.constants[name].type
        values = list(map(methodcaller("get", name), every))  # (a loop in C: 30,000 units)
        if isinstance(typ, ir.ListType):
            record = model.records[typ.record]
            kinds = {f.name: _kind(f.type) for f in record.fields}
            return records_of(values, kinds)
        kind = _kind(typ)
        if kind == "number":
            if all(v is None for v in values):
                return absent(len(values))
            return column(values)
        return flags_or_labels(kind, values)

    return read


def held_table(model: Model, block: int, members: Sequence[Unit]) -> Table:
    """A block's units whose per-unit values were computed before (a Dask partition's per-unit
    phase) as the table its group stage reads: their facts, and each value they hold as a
    column of its kind (`len(table.values)`: how many are the units' own)."""
    names = [u.name for u in members]
    table = Table(len(members), Facts(reader(model, members)), names, units=members)
    values = model.blocks[block].values
    for path in dict.fromkeys(p for u in members for p in u.values):
        held = [u.values.get(path) for u in members]
        ty = values[path].ty if path in values else None
        table.values[path] = held_column(held, None if ty is None else ty.kind)
    return table


def held_column(values: list[Any], kind: str | None = None) -> Column:
    """One value's per-unit results (None: absent) as a column of the kind of the first one
    present, or of the value's type `kind` ("bool", "enum", "text", "number") when none is."""
    known = next((v for v in values if v is not None), None)
    if isinstance(known, bool) or (known is None and kind == "bool"):
        return flags_or_labels("yesno", values)
    if isinstance(known, str) or (known is None and kind in ("enum", "text")):
        return flags_or_labels("text", values)
    return column(values) if known is not None else absent(len(values))


def _kind(typ: object) -> str:
    if isinstance(typ, ir.NumberType | ir.CountType) or typ is None:
        return "number"
    if isinstance(typ, ir.YesNoType):
        return "yesno"
    return "text"


def write_back(table: Table, units: Sequence[Unit], after: int = 0) -> None:
    """Each unit's values (those the table computed after its first `after`), flags, values
    above their maximum and inapplicable items, as the per-unit backend would leave them."""
    for path in list(table.values)[after:]:
        col = table.values[path]
        for u, value in zip(units, _values(col), strict=True):
            u.values[path] = value
    for event in table.events:
        kind = event[0]
        if kind == "flag":
            name, mask = event[1], event[2]
            for i in np.flatnonzero(mask).tolist():
                if name not in units[i].flags:
                    units[i].flags.append(name)
        elif kind == "over":
            _, path, line, value, maximum, mask = event
            values = _values(value)
            for i in np.flatnonzero(mask).tolist():
                units[i].above_max.append(AboveMax(path, line, values[i], maximum))
        else:
            path, mask = event[1], event[2]
            for i in np.flatnonzero(mask).tolist():
                units[i].inapplicable.append(path)


def _values(col: Any) -> list[Any]:
    values: list[Any] = col.values()
    return values
