"""The units `kaoping template --units FILE` pre-fills: a text file with one unit a line
(`unit,group` when the scheme has several groups), or a JSON data file (its units' names and
groups; the facts are not read)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from kaoping.compiler.model import Model
from kaoping.errors import DataError, DataProblem
from kaoping.io.data import read_data_text, read_json_text
from kaoping.io.numbers import is_text


def read_unit_list(path: Path, model: Model) -> list[tuple[str, str]]:
    """(unit, group) pairs, each unit once, every group one of the scheme's."""
    where = str(path)
    text = read_data_text(path)
    groups = list(model.block_of_group)
    problems: list[DataProblem] = []
    pairs: list[tuple[str, str, str]] = []
    if path.suffix.lower() == ".json":
        raw = read_json_text(text, where)
        entries = raw.get("units") if isinstance(raw, Mapping) else None
        if not isinstance(entries, list):
            raise DataError([DataProblem(where, None, None, 'expected {"units": [...]}')])
        for i, entry in enumerate(entries, 1):
            here = f"{where}: units[{i}]"
            unit = entry.get("unit") if isinstance(entry, Mapping) else None
            group = entry.get("group") if isinstance(entry, Mapping) else None
            if not is_text(unit) or not unit.strip() or not is_text(group):
                problems.append(DataProblem(here, None, None, "needs a unit and a group"))
                continue
            pairs.append((unit.strip(), group, here))
    else:
        for lineno, line in enumerate(text.splitlines(), 1):
            here = f"{where}:{lineno}"
            line = line.strip()
            if not line:
                continue
            unit, sep, group = line.partition(",")
            if not sep:
                unit, sep, group = line.partition("\t")
            if not sep:
                if len(groups) != 1:
                    problems.append(
                        DataProblem(
                            here,
                            unit,
                            None,
                            "the scheme has several groups: write `unit,group` "
                            f"(groups: {', '.join(groups)})",
                        )
                    )
                    continue
                group = groups[0]
            pairs.append((unit.strip(), group.strip(), here))
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for unit, group, here in pairs:
        if group not in model.block_of_group:
            problems.append(
                DataProblem(
                    here,
                    unit,
                    "group",
                    f"unknown group {group!r}; the scheme's groups are {', '.join(groups)}",
                )
            )
        elif unit in seen:
            problems.append(DataProblem(here, unit, None, "this unit appears twice"))
        else:
            seen.add(unit)
            out.append((unit, group))
    if problems:
        raise DataError(problems)
    return out
