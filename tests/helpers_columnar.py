"""What the columnar backend's differential tests share: the shipped schemes, their samples,
both backends' results compared, and random valid data (hypothesis strategies)."""

from __future__ import annotations

import copy
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from kaoping.compiler import ir
from kaoping.compiler.load import CompiledScheme, compile_paths
from kaoping.errors import DataError
from kaoping.io import results_table
from kaoping.io.data import load_dataset, validate
from kaoping.io.results import iter_json
from kaoping.scoring import score
from kaoping.scoring_whole import score_whole, write_chunks

ROOT = Path(__file__).resolve().parents[1]
SCHEMES = ROOT / "src" / "kaoping" / "schemes"
BENCH_RULES = ROOT / "benchmarks" / "panshan_bench.rules"
SUPPORTED = [
    "anfu_2017",
    "example_en",
    "example_zh",
    "heshan_2013",
    "panshan_2018",
    "shuangxiang_2012",
    "yangquan_2014",
]

_compiled: dict[str, CompiledScheme] = {}


def scheme(folder: str) -> CompiledScheme:
    """A shipped scheme, compiled once."""
    if folder not in _compiled:
        files = sorted((SCHEMES / folder).glob("*.rules"))
        _compiled[folder] = compile_paths(folder.replace("_", "-"), files)
    return _compiled[folder]


def sample(folder: str) -> dict[str, Any]:
    """The scheme's sample data, its decimals kept as their text (as kaoping reads them: a
    float would be refused as data)."""
    text = (SCHEMES / folder / "sample.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text, parse_float=str)
    return data


def results_json(
    compiled: CompiledScheme, raw: dict[str, Any], backend: str, history: Any = None
) -> str:
    units = validate(raw, compiled.model, "test")
    results = score(compiled, units, history, backend=backend)
    assert results.backend == backend
    return "".join(iter_json(results))


def same_results(compiled: CompiledScheme, raw: dict[str, Any], history: Any = None) -> str | None:
    """Both backends: the same results JSON (warnings included, in order), or the same data
    error. The results, if any. (Valid data never fails while scoring: the checker proves it.)"""
    try:
        expected = results_json(compiled, raw, "unit", history)
    except DataError as err:
        with pytest.raises(DataError) as got:
            results_json(compiled, raw, "columnar", history)
        assert str(got.value) == str(err)
        return None
    assert results_json(compiled, raw, "columnar", history) == expected
    return expected


# ------------------------------------------------------------------------------ random data


def number_of(draw: Any, typ: ir.NumberType, original: Any) -> Any:
    low = typ.low if typ.low is not None else 0
    high = typ.high if typ.high is not None else low + 200
    tenths = draw(st.integers(int(low * 10), int(high * 10)))
    pick = draw(st.sampled_from(["low", "high", "random", "random", "original"]))
    if pick == "low":
        return str(low)
    if pick == "high":
        return str(high)
    if pick == "original" and original is not None:
        return original
    return str(tenths / 10) if not typ.integer else str(tenths // 10)


def record_of(draw: Any, compiled: CompiledScheme, record: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in compiled.model.records[record].fields:
        t = field.type
        if isinstance(t, ir.EnumType):
            out[field.name] = draw(st.sampled_from(compiled.model.enums[t.name].values))
        elif isinstance(t, ir.NumberType):
            out[field.name] = number_of(draw, t, None)
        elif isinstance(t, ir.CountType):
            out[field.name] = draw(st.integers(0, 3))
        elif isinstance(t, ir.YesNoType):
            out[field.name] = draw(st.booleans())
        else:  # text: few values, so that `highest per` meets equal keys
            out[field.name] = draw(st.sampled_from(["甲", "乙"]))
    return out


@st.composite
def datasets(draw: Any, folder: str) -> dict[str, Any]:
    """Units made from the sample's (so optional inputs keep a valid pattern of presence),
    each present input drawn anew within its declared range: low, high, random or as given;
    a group may get one unit, several, or (left out) none."""
    compiled = scheme(folder)
    raw = sample(folder)
    templates = raw["units"]
    count = draw(st.integers(1, 8))
    units = []
    for i in range(count):
        tpl = copy.deepcopy(draw(st.sampled_from(templates)))
        facts = tpl["facts"]
        for name, value in list(facts.items()):
            decl = compiled.model.inputs.get(name)
            if decl is None or value is None:
                continue
            t = decl.type
            if isinstance(t, ir.NumberType):
                facts[name] = number_of(draw, t, value)
            elif isinstance(t, ir.CountType):
                facts[name] = draw(st.sampled_from([0, 1, 2, 9, value]))
            elif isinstance(t, ir.YesNoType):
                facts[name] = draw(st.sampled_from([False, False, True]))
            elif isinstance(t, ir.ListType):
                facts[name] = [
                    record_of(draw, compiled, t.record) for _ in range(draw(st.integers(0, 3)))
                ]
        units.append({"unit": f"u{i}", "group": tpl["group"], "facts": facts})
    out = {k: v for k, v in raw.items() if k != "units"}
    out["units"] = units
    return out


@st.composite
def rosters(draw: Any, folder: str) -> dict[str, Any]:
    """Every unit of the sample (so that the raters' orderings and the ratings checked against a
    distribution cover whole groups), each input drawn anew, except what a distribution
    requirement checks: a group's ratings and places, and the record lists whose ratings are
    pooled, are shuffled among the group's units (the split stays valid, each unit's share
    changes), their records' other enum and yes/no fields drawn anew. (One seed drawn, the
    rest from it: a whole roster is thousands of values.)"""
    compiled = scheme(folder)
    rnd = random.Random(draw(st.integers(0, 2**32)))
    raw = copy.deepcopy(sample(folder))
    shuffled: set[str] = set()
    for block in compiled.model.blocks:
        for req in block.requires:
            if isinstance(req, ir.RequireRecords):
                shuffled.add(req.source)
                checked = {req.field, req.key, req.by, req.order}
            else:
                if isinstance(req.operand, ir.Ref):
                    shuffled.add(req.operand.name)
                if req.order is not None:
                    shuffled.add(req.order)
    groups: dict[str, list[dict[str, Any]]] = {}
    for u in raw["units"]:
        groups.setdefault(u["group"], []).append(u)
    for members in groups.values():
        order = list(range(len(members)))
        rnd.shuffle(order)
        moved = [{k: members[j]["facts"].get(k) for k in shuffled} for j in order]
        for u, kept in zip(members, moved, strict=True):
            facts = u["facts"]
            for name, value in list(facts.items()):
                decl = compiled.model.inputs.get(name)
                if decl is None or value is None or name in shuffled:
                    continue
                facts[name] = _drawn(rnd, compiled, decl.type, value)
            for name, value in kept.items():
                facts.pop(name, None)
                if value is not None:
                    facts[name] = value
                if not _is_list(compiled, name):
                    continue
                fields = compiled.model.records[_record(compiled, name)].fields
                for rec in value or []:
                    for field in fields:
                        if field.name not in checked:
                            rec[field.name] = _field(rnd, compiled, field.type, rec[field.name])
    return raw


def _is_list(compiled: CompiledScheme, name: str) -> bool:
    decl = compiled.model.inputs.get(name)
    return decl is not None and isinstance(decl.type, ir.ListType)


def _record(compiled: CompiledScheme, name: str) -> str:
    typ = compiled.model.inputs[name].type
    assert isinstance(typ, ir.ListType)
    return typ.record


def _field(rnd: Any, compiled: CompiledScheme, t: Any, value: Any) -> Any:
    """A record's enum or yes/no field drawn anew (others, e.g. the item's name, kept)."""
    if isinstance(t, ir.EnumType):
        return rnd.choice(compiled.model.enums[t.name].values)
    if isinstance(t, ir.YesNoType):
        return rnd.random() < 0.5
    return value


def _drawn(rnd: Any, compiled: CompiledScheme, t: Any, value: Any) -> Any:
    if isinstance(t, ir.NumberType):
        low = t.low if t.low is not None else 0
        high = t.high if t.high is not None else low + 200
        tenths = rnd.randint(int(low * 10), int(high * 10))
        return str(tenths // 10) if t.integer else str(tenths / 10)
    if isinstance(t, ir.CountType):
        return rnd.choice([0, 1, 2, 9, value])
    if isinstance(t, ir.YesNoType):
        return rnd.random() < 0.3
    if isinstance(t, ir.ListType):
        record = compiled.model.records[t.record]
        return [
            {f.name: _field(rnd, compiled, f.type, "甲") for f in record.fields}
            for _ in range(rnd.randint(0, 4))
        ]
    return value


CI = settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def per_unit_bytes(scheme: CompiledScheme, data: Path, kind: str, backend: str = "unit") -> bytes:
    """What `kaoping score` writes by the per-unit objects' path."""
    loaded, roster = load_dataset(data, scheme.model, lambda message: None)
    results = score(scheme, loaded, None, roster=roster, backend=backend)
    assert results.backend == backend
    if kind == "json":
        return ("".join(iter_json(results, compact=True)) + "\n").encode()
    if kind == "csv":
        return "".join(results_table.iter_csv(results)).encode()
    return b"".join(results_table.iter_parquet(results))


def whole_bytes(scheme: CompiledScheme, data: Path, kind: str) -> bytes:
    results = score_whole(scheme, data, "columnar")
    assert results is not None  # the whole-column path, not a fallback
    return b"".join(write_chunks(results, kind))


# the small schemes of the grading and consequences tests: three groups, inputs work (0–100),
# extra, bad (a count) and veto (a yes/no), one CSV column each
GRID_GROUPS = ("甲组", "乙组", "丙组")
_by_text: dict[tuple[str, str], CompiledScheme] = {}


def compiled_text(text: str, name: str) -> CompiledScheme:
    """A scheme from its rules text, compiled once (a hypothesis test runs many times)."""
    key = (name, text)
    if key not in _by_text:
        rules = Path(tempfile.mkdtemp()) / f"{name}.rules"
        rules.write_text(text, encoding="utf-8")
        _by_text[key] = compile_paths(name, [rules])
    return _by_text[key]


@st.composite
def grid_units(draw: Any, vetoes: tuple[str, ...]) -> list[list[str]]:
    """Units on a coarse grid of values (ties at every quota's boundary are common), in one
    group, some or all three, their names in no particular order; `vetoes` the veto cells."""
    groups = draw(st.lists(st.sampled_from(GRID_GROUPS), min_size=1, max_size=3, unique=True))
    n = draw(st.integers(1, 40))
    rows = []
    for i in range(n):
        rows.append(
            [
                draw(st.sampled_from([f"u{i:02d}", f"单位{n - i}", f"z{i}"])) + f"-{i}",
                draw(st.sampled_from(groups)),
                str(draw(st.integers(0, 10)) * 10),
                draw(st.sampled_from(["0", "5", "9.5", "10", "2.5"])),
                str(draw(st.integers(0, 4))),
                draw(st.sampled_from(vetoes)),
            ]
        )
    return rows


def grid_csv(folder: Path, rows: list[list[str]]) -> Path:
    """The grid units as a CSV data file."""
    path = folder / "units.csv"
    lines = ["unit,group,work,extra,bad,veto", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli_csv_both_backends(rules: Path, data: Path, folder: Path) -> str:
    """`kaoping score RULES DATA -o X.csv` unit by unit and by whole columns (which `--verbose`
    must say it took): the same file both ways, its text."""
    from click.testing import CliRunner

    from kaoping.cli import main

    written = []
    for backend in ("unit", "columnar"):
        out = folder / f"{backend}.csv"
        args = ["score", str(rules), str(data), "-o", str(out), "--backend", backend, "--verbose"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.stderr
        assert ("by whole columns" in result.stderr) == (backend == "columnar")
        written.append(out.read_text(encoding="utf-8"))
    assert written[0] == written[1]
    return written[1]
