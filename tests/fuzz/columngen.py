"""Large tables of units for the whole-column path of `kaoping score` (docs/fuzzing.md,
"Whole columns"): a valid CSV or Parquet file of 1,000 to 20,000 units of a numbers-only
scheme, then one or a few hostile cells, rows or column types anywhere in it.

Everything is drawn from one `random.Random(seed)`: a seed is its own reproduction. A case is
the scheme, the file's bytes and the list of what was changed (each change a short text)."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaoping.compiler import ir
from kaoping.compiler.load import compile_paths
from kaoping.compiler.model import Model

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCHEMES = {
    "bench": ROOT / "benchmarks" / "panshan_bench.rules",
    "graded": HERE / "column_schemes" / "graded.rules",
    "records": HERE / "column_schemes" / "records.rules",
    "districts": HERE / "column_schemes" / "districts.rules",
    "single": HERE / "column_schemes" / "single.rules",
    "constants": HERE / "column_schemes" / "constants.rules",
}
_models: dict[str, Model] = {}


model_enums: dict[str, list[str]] = {}  # every fuzzed scheme's enums (their names differ)


def model_of(scheme: str) -> Model:
    if scheme not in _models:
        _models[scheme] = compile_paths(scheme, [SCHEMES[scheme]]).model
        model_enums.update({k: list(e.values) for k, e in _models[scheme].enums.items()})
    return _models[scheme]


@dataclass
class Grid:
    """A table of units as text cells (None: an empty cell), before it is written."""

    header: list[str]
    rows: list[list[str | None]]
    changes: list[str] = field(default_factory=list)
    # how it is written: CSV line end, a BOM first, text spliced in at a byte offset
    end: str = "\n"
    bom: bool = False
    raw: list[tuple[str, Any]] = field(default_factory=list)  # byte-level edits, in order
    # Parquet: column name → arrow type to store it as (None: text), row group size
    types: dict[str, Any] = field(default_factory=dict)
    row_group: int | None = None
    metadata: bytes | None = None  # Parquet: the schema metadata's kaoping.constants


@dataclass
class Case:
    seed: int
    scheme: str
    kind: str  # "csv" or "parquet"
    data: bytes
    changes: list[str]
    units: int

    def describe(self) -> str:
        what = "; ".join(self.changes) or "no change"
        return f"seed {self.seed}: {self.scheme}, {self.units} units, .{self.kind}: {what}"


# ------------------------------------------------------------------------------ valid data


YES_NO = ["true", "false", "是", "否", "yes", "no", "TRUE", "False", "Yes", "NO"]


def _number(rng: random.Random, decl: ir.InputDecl) -> str:
    """A valid cell of the input (a number, a yes/no word, an enum value)."""
    t = decl.type
    if isinstance(t, ir.YesNoType):
        return rng.choice(YES_NO[:4] if rng.random() < 0.9 else YES_NO)
    if isinstance(t, ir.EnumType):
        return rng.choice(model_enums[t.name])
    if isinstance(t, ir.ListType):  # records (Parquet only): a list of dicts
        return [_record(rng, k) for k in range(rng.choice([0, 0, 1, 1, 2, 3]))]  # type: ignore[return-value]
    if isinstance(t, ir.CountType):
        return str(rng.choice([0, 0, 0, 1, 1, 2, 3, 5, 12]))
    low = int(t.low) if t.low is not None else -1000
    high = int(t.high) if t.high is not None else 1000
    if getattr(t, "integer", False):
        return str(rng.randint(low, high))
    roll = rng.random()
    if roll < 0.03:
        return str(rng.choice([low, high]))
    places = rng.choice([0, 1, 1, 2])
    value = rng.randint(low * 10**places, high * 10**places)
    text = f"{abs(value) // 10**places}" + (
        f".{abs(value) % 10**places:0{places}d}" if places else ""
    )
    return ("-" if value < 0 else "") + text


def _record(rng: random.Random, k: int) -> dict[str, Any]:
    """A record of records.rules' 奖励 (fields as the Parquet column holds them)."""
    return {
        "项目": f"p{k}",
        "级别": rng.choice(model_enums["级别"]),
        "当年": rng.random() < 0.7,
        "分值": rng.choice([None, "0.5", "1", "2", "1.25", "0"]),
    }


RECORD_CELLS: list[Any] = [None, [], [None], "0", [{"项目": "x"}]]
FIELD_CELLS: dict[str, list[Any]] = {
    "分值": ["1e5", "3", "-1", "2.000000000001", "", " 1", "0x1", "١", "NaN", "+1", "-0"],
    "级别": ["县", "", " 省", None, "国家\u200b"],
    "当年": [None],
    "项目": [None, "", "a,b", "\x07"],
}


def mut_records(grid: Grid, rng: random.Random, model: Model) -> None:
    """A hostile record, list or field in a list input's column."""
    cols = [j for j, h in enumerate(grid.header) if isinstance(model.inputs.get(h), ir.InputDecl)
            and isinstance(model.inputs[h].type, ir.ListType)]  # fmt: skip
    if not cols:
        return
    i, j = rng.randrange(len(grid.rows)), rng.choice(cols)
    cell = grid.rows[i][j]
    if rng.random() < 0.3 or not cell:
        value = rng.choice(RECORD_CELLS)
        grid.rows[i][j] = value
        grid.changes.append(f"row {i + 1} {grid.header[j]} = {value!r}")
        return
    record = dict(rng.choice(cell))  # type: ignore[arg-type]
    name = rng.choice(list(FIELD_CELLS))
    record[name] = rng.choice(FIELD_CELLS[name])
    grid.rows[i][j] = [record, *cell[1:]]  # type: ignore[misc]
    grid.changes.append(f"row {i + 1} {grid.header[j]}: a record's {name} = {record[name]!r}")


def valid_grid(rng: random.Random, scheme: str, n: int) -> Grid:
    """`n` units of the scheme, every input of each unit's group, optional ones now and then
    empty; names plain, Chinese, or with a backslash; groups mixed or one at a time."""
    model = model_of(scheme)
    groups = list(model.block_of_group)
    if len(groups) > 1 and rng.random() < 0.2:
        groups = [rng.choice(groups)]
    header = ["unit", "group", *model.inputs]
    if rng.random() < 0.15:  # the columns in another order: valid
        rest = header[2:]
        rng.shuffle(rest)
        header = [*rest[: len(rest) // 2], "unit", "group", *rest[len(rest) // 2 :]]
    uses = {g: model.inputs_for(g) for g in groups}
    style = rng.choice(["u", "单位", "a\\b", "mixed"])
    rows: list[list[str | None]] = []
    for i in range(n):
        prefix = rng.choice(["u", "单位", "a\\b"]) if style == "mixed" else style
        group = rng.choice(groups)
        row: list[str | None] = []
        for col in header:
            if col == "unit":
                row.append(f"{prefix}{i:05d}")
            elif col == "group":
                row.append(group)
            elif col not in uses[group] or (model.inputs[col].optional and rng.random() < 0.2):
                row.append(None)
            else:
                row.append(_number(rng, model.inputs[col]))
        rows.append(row)
    grid = Grid(header, rows)
    if any(c.type is not None for c in model.constants.values()):
        grid.metadata = json.dumps(valid_constants(rng), ensure_ascii=False).encode()
    return grid


def valid_constants(rng: random.Random) -> dict[str, Any]:
    """column_schemes/constants.rules' constants: two weights adding up to 100 (as text or
    JSON numbers, whole or not), a band, a yes/no."""
    work = rng.choice([0, 100, rng.randint(0, 100), rng.randint(0, 1000) / 10])
    rest = 100 - work
    as_text = rng.random() < 0.5
    return {
        "工作权重": str(work) if as_text else work,
        "测评权重": str(rest) if as_text else rest,
        "奖励档次": rng.choice(["高", "中", "低"]),
        "从严": rng.choice([True, False, "是", "否", "yes", "false"]),
    }


def mut_constants(grid: Grid, rng: random.Random, model: Model) -> None:
    """A constant missing, out of range, of the wrong kind or unknown, the weights not adding
    up to 100 (the scheme's requirement on constants alone), or the text itself broken."""
    if grid.metadata is None:
        return
    given = json.loads(grid.metadata)
    name = rng.choice(sorted(given))
    how = rng.choice(["drop", "range", "kind", "unknown", "sum", "null", "twice", "fixed"])
    if how == "drop":
        del given[name]
    elif how == "range":
        given[rng.choice(["工作权重", "测评权重"])] = rng.choice(["150", "-1", "100.5", 101])
    elif how == "kind":
        given[name] = rng.choice(["", "高 ", "maybe", "1e2", "0x10", [1], {"a": 1}, 1.5])
    elif how == "unknown":
        given["权重"] = "10"
    elif how == "sum":
        given["测评权重"] = str(rng.choice([0, 1, 99, 50]))
    elif how == "null":
        given[name] = None
    elif how == "fixed":
        given["基数"] = "500"
    text = json.dumps(given, ensure_ascii=False)
    if how == "twice":
        text = text[:-1] + f', "{name}": "1"}}'
    grid.metadata = text.encode()
    grid.changes.append(f"constants: {how} {name}")


# ------------------------------------------------------------------------------ hostile cells

HUGE = "9" * 400
NUMBER_CELLS = [
    "1e5", "1E2", "-0", "+1", " 1", "1 ", ".5", "5.", "-.5", "1,5", "\u00a01", "1\u00a0", "１２",
    "٣", "NaN", "nan", "inf", "-inf", "Infinity", "", "0x10", "0b1", "1_000", "00", "007",
    "-0.0", "0.10", "1.000000000000", "1.0000000000000", "0.000000000001", "0." + "0" * 29 + "1",
    "0." + "0" * 30 + "1", "-", "--1", "1-", "1..2", "12345678901234567", "123456789012345678",
    "1234567890123456789", "9223372036854775807", "9223372036854775808",
    "-9223372036854775808", "99999999999999999999999999.5", HUGE, "1" * 19 + ".5",
    "\t1", "1\t", "true", "是", "1/2", "½", "²", "①", "1\u200b", "\ufeff1", "0.5e1", "٣.٥",
    "12345678.123456789012", "1.5.", "1 000",
]  # fmt: skip
COUNT_CELLS = ["13", "20", "50", "51", "1000", "1001", "1.0", "1.5", "-1", "-0", "2.", "+3", "0.0", "1e1", "0x1", "999999999999999999",
               "1000000000000000000", "18446744073709551616"]  # fmt: skip
NAME_CELLS = [
    "a,b", 'a"b', "a\nb", "a\rb", "a\x07b", "a\u202eb", "a\u200bb", "\u00a0a", "a ", " a",
    "", "e\u0301", "\ufeffa", "a\u2028b", "x" * 5000, "名" * 1500, "a\tb", "\\", '"', "NaN",
]  # fmt: skip
WORD_CELLS = [
    "1",
    "0",
    " true",
    "true ",
    "ＴＲＵＥ",
    "t",
    "y",
    "对",
    "",
    "优 ",
    " 良",
    "优\u200b",
    "null",
]
GROUP_CELLS = ["丙组", "", " 工业", "工业 ", "单位 ", "UNIT", "工业\u200b", "\ufeff单位", "区直,"]


def _bounds(decl: ir.InputDecl) -> list[str]:
    t = decl.type
    out = []
    for bound in (getattr(t, "low", None), getattr(t, "high", None)):
        if bound is None:
            continue
        b = int(bound)
        out += [str(b), str(b) + ".0", f"{b}.000000000001", f"{b - 1}.999999999999", str(b - 1),
                str(b + 1), f"{b}.5"]  # fmt: skip
    return out


def _cell(grid: Grid, rng: random.Random) -> tuple[int, int]:
    return rng.randrange(len(grid.rows)), rng.randrange(len(grid.header))


def mut_number(grid: Grid, rng: random.Random, model: Model) -> None:
    cols = [j for j, h in enumerate(grid.header) if h in model.inputs]
    i, j = rng.randrange(len(grid.rows)), rng.choice(cols)
    decl = model.inputs[grid.header[j]]
    pool = (
        NUMBER_CELLS + _bounds(decl) + (COUNT_CELLS if isinstance(decl.type, ir.CountType) else [])
    )
    if isinstance(decl.type, ir.YesNoType | ir.EnumType):
        pool = WORD_CELLS + YES_NO + [v for vs in model_enums.values() for v in vs]
    if isinstance(decl.type, ir.ListType):
        mut_records(grid, rng, model)
        return
    value = rng.choice(pool)
    grid.rows[i][j] = value
    grid.changes.append(f"row {i + 1} {grid.header[j]} = {value[:40]!r}")


BENIGN_NUMBERS = ["-0", "007", "0.10", "00.5", "-0.0", "0.000000000001", "99.999999999999", "0"]
BENIGN_NAMES = ["Ω", "名称", "a b", "a\\b", "é", "x" * 300, "a;b", "a'b", "<a>", "NaN", "-1", "١"]
BENIGN_NAMES += ["😀", "𠀀", "\U0010fffd", "\ufffd", "Z", "~", "a\\\\", "{}", "null", "0"]


def mut_benign(grid: Grid, rng: random.Random, model: Model) -> None:
    """A change that keeps the table valid: most tables stay on the whole-column path."""
    i = rng.randrange(len(grid.rows))
    how = rng.choice(["number", "number", "bound", "name", "crlf", "bom", "empty optional"])
    if how in ("number", "bound", "empty optional"):
        cols = [j for j, h in enumerate(grid.header) if h in model.inputs and grid.rows[i][j]]
        if not cols:
            return
        j = rng.choice(cols)
        decl = model.inputs[grid.header[j]]
        t = decl.type
        if isinstance(t, ir.ListType):
            return
        if isinstance(t, ir.YesNoType | ir.EnumType):
            value = _number(rng, decl) if isinstance(t, ir.EnumType) else rng.choice(YES_NO)
            grid.rows[i][j] = value
            grid.changes.append(f"row {i + 1} {grid.header[j]} = {value!r}")
            return
        if how == "empty optional":
            if decl.optional:
                grid.rows[i][j] = None
            return
        if isinstance(t, ir.CountType) or getattr(t, "integer", False):
            value = rng.choice(["0", "00", "1", "000000000000000001"])
        elif how == "bound":
            value = rng.choice(_bounds(decl)[:4] or ["0"])
        else:
            value = rng.choice(BENIGN_NUMBERS)
        low = getattr(t, "low", None)
        if how == "bound" or low is None or low <= 0:
            grid.rows[i][j] = value
            grid.changes.append(f"row {i + 1} {grid.header[j]} = {value!r}")
    elif how == "name":
        value = rng.choice(BENIGN_NAMES) + str(i)
        if "unit" in grid.header:
            grid.rows[i][grid.header.index("unit")] = value
        grid.changes.append(f"row {i + 1} unit = {value[:20]!r}")
    elif how == "crlf":
        grid.end = "\r\n"
        grid.changes.append("CRLF")
    else:
        grid.bom = True
        grid.changes.append("BOM")


def mut_name(grid: Grid, rng: random.Random, model: Model) -> None:
    i = rng.randrange(len(grid.rows))
    if "unit" not in grid.header:  # (a header change took it away)
        return
    j = grid.header.index("unit")
    if rng.random() < 0.3:  # a name given twice
        k = rng.randrange(len(grid.rows))
        grid.rows[i][j] = grid.rows[k][j]
        grid.changes.append(f"row {i + 1} unit = row {k + 1}'s")
        return
    value = rng.choice(NAME_CELLS)
    grid.rows[i][j] = value
    grid.changes.append(f"row {i + 1} unit = {value[:20]!r}")


def mut_group(grid: Grid, rng: random.Random, model: Model) -> None:
    i = rng.randrange(len(grid.rows))
    if "group" not in grid.header:
        return
    j = grid.header.index("group")
    value = rng.choice(GROUP_CELLS + list(model.block_of_group))
    grid.rows[i][j] = value
    grid.changes.append(f"row {i + 1} group = {value!r}")


def mut_other_group_input(grid: Grid, rng: random.Random, model: Model) -> None:
    """A cell for an input the unit's group does not give (or an empty required one)."""
    i = rng.randrange(len(grid.rows))
    if "group" not in grid.header:
        return
    group = grid.rows[i][grid.header.index("group")] or ""
    uses = model.inputs_for(group) if group in model.block_of_group else set()
    other = [j for j, h in enumerate(grid.header) if h in model.inputs and h not in uses]
    if other:
        j = rng.choice(other)
        grid.rows[i][j] = rng.choice(["1", "0", " ", "-"])
        grid.changes.append(f"row {i + 1} {grid.header[j]} (not its group's) = {grid.rows[i][j]!r}")
    else:
        j = rng.choice([j for j, h in enumerate(grid.header) if h in model.inputs])
        grid.rows[i][j] = None
        grid.changes.append(f"row {i + 1} {grid.header[j]} emptied")


def mut_header(grid: Grid, rng: random.Random, model: Model) -> None:
    j = rng.randrange(len(grid.header))
    how = rng.choice(["space", "dup", "unknown", "drop", "bom", "upper", "empty"])
    name = grid.header[j]
    if how == "space":
        grid.header[j] = rng.choice([" ", "", "\u00a0"]) + name + rng.choice([" ", ""])
    elif how == "dup":
        k = rng.randrange(len(grid.header))
        grid.header[k] = name
    elif how == "unknown":
        grid.header[j] = name + "_x"
    elif how == "drop":
        del grid.header[j]
        for row in grid.rows:
            del row[j]
    elif how == "bom":
        grid.header[j] = "\ufeff" + name
    elif how == "upper":
        grid.header[j] = name.upper()
    else:
        grid.header[j] = ""
    grid.changes.append(f"header {how} at column {j + 1} ({name})")


def mut_rows(grid: Grid, rng: random.Random, model: Model) -> None:
    """Ragged rows, trailing commas, blank lines, CR/LF mixes, a BOM in the middle, quotes."""
    how = rng.choice(
        [
            "trailing comma",
            "short row",
            "long row",
            "blank line",
            "crlf",
            "mixed ends",
            "bare cr",
            "bom inside",
            "quoted cell",
            "nul",
            "cut last line",
            "no final newline",
            "latin-1 byte",
            "header only",
            "tab line",
            "lone quote",
        ]
    )
    i = rng.randrange(len(grid.rows))
    if how == "crlf":
        grid.end = "\r\n"
    elif how == "header only":
        grid.rows = []
    else:
        grid.raw.append((how, i))
    grid.changes.append(f"{how} (row {i + 1})")


def mut_duplicate_row(grid: Grid, rng: random.Random, model: Model) -> None:
    i = rng.randrange(len(grid.rows))
    grid.rows.insert(rng.randrange(len(grid.rows) + 1), list(grid.rows[i]))
    grid.changes.append(f"row {i + 1} given twice")


CSV_MUTATIONS: list[tuple[float, Callable[[Grid, random.Random, Model], None]]] = [
    (8, mut_benign),
    (6, mut_number),
    (2, mut_name),
    (1.5, mut_group),
    (1.5, mut_other_group_input),
    (1, mut_header),
    (2, mut_rows),
    (0.5, mut_duplicate_row),
]


def mut_parquet_type(grid: Grid, rng: random.Random, model: Model) -> None:
    import pyarrow as pa

    j = rng.randrange(len(grid.header))
    name = grid.header[j]
    kind = rng.choice(
        [
            "float64",
            "decimal(38,20)",
            "decimal(10,2)",
            "decimal(38,12)",
            "decimal256(40,12)",
            "decimal64(18,12)",
            "decimal32(9,2)",
            "decimal(18,0)",
            "dictionary",
            "large_string",
            "string_view",
            "null",
            "int8",
            "int32",
            "uint64",
            "bool",
            "timestamp",
            "list",
            "struct",
            "binary",
            "int64",
            "large_binary",
            "date32",
            "float16",
            "string",
        ]
    )
    grid.types[name] = kind
    grid.changes.append(f"column {name} stored as {kind}")
    del pa


def mut_metadata(grid: Grid, rng: random.Random, model: Model) -> None:
    grid.metadata = rng.choice([b"{}", b'{"zz": "1"}', b"[1]", b"not json", b"\xff", b'{"a": 1}'])
    grid.changes.append(f"kaoping.constants = {grid.metadata!r}")


PARQUET_MUTATIONS = [
    (0.5, mut_metadata),
    (1.5, mut_constants),
    (2, mut_records),
    (6, mut_benign),
    (6, mut_number),
    (2, mut_name),
    (1.5, mut_group),
    (1.5, mut_other_group_input),
    (3, mut_parquet_type),
    (0.7, mut_header),
    (0.5, mut_duplicate_row),
]


# ------------------------------------------------------------------------------ writing


def csv_bytes(grid: Grid) -> bytes:
    """The grid as CSV: cells quoted only where a cell needs it (as the csv module writes),
    then the byte-level edits."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=grid.end)
    for row in [grid.header, *grid.rows]:
        writer.writerow(["" if c is None else c for c in row])
    text = out.getvalue()
    lines = text.split(grid.end)
    last = lines.pop()  # "" after the final line end
    for how, i in grid.raw:
        k = min(i + 1, len(lines) - 1)
        if how == "trailing comma":
            lines[k] += ","
        elif how == "short row":
            lines[k] = lines[k].rsplit(",", 1)[0]
        elif how == "long row":
            lines[k] += ",1"
        elif how == "blank line":
            lines.insert(k, "")
        elif how == "mixed ends":
            lines[k] += "\r"
        elif how == "bare cr":
            lines[k] = lines[k].replace(",", "\r", 1) if k else lines[k]
        elif how == "bom inside":
            lines[k] = "\ufeff" + lines[k]
        elif how == "quoted cell":
            cells = lines[k].split(",")
            cells[-1] = '"' + cells[-1] + '"'
            lines[k] = ",".join(cells)
        elif how == "nul":
            lines[k] += "\x00"
        elif how == "cut last line":
            lines[-1] = lines[-1][: len(lines[-1]) // 2]
        elif how == "no final newline":
            last = None  # type: ignore[assignment]
        elif how == "tab line":
            lines.insert(k, "\t")
        elif how == "lone quote":
            lines[k] = '"' + lines[k]
    body = grid.end.join(lines) + ("" if last is None else grid.end)
    data = body.encode("utf-8")
    if any(how == "latin-1 byte" for how, _ in grid.raw):
        at = data.find(b"\n", len(data) // 2) + 1
        data = data[:at] + b"\xe9" + data[at:]
    return (b"\xef\xbb\xbf" if grid.bom else b"") + data


def parquet_bytes(grid: Grid, model: Model, rng: random.Random) -> bytes:
    """The grid as Parquet: each column as text, or (mostly) numbers typed as the office's
    tools store them: counts int64, other numbers decimal128(38,12), then the mutated types."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    typed = rng.random() < 0.6
    arrays = []
    for j, name in enumerate(grid.header):
        cells = [row[j] for row in grid.rows]
        kind = grid.types.get(name)
        if kind is None and typed and name in model.inputs:
            t = model.inputs[name].type
            whole = isinstance(t, ir.CountType) or getattr(t, "integer", False)
            kind = "int64" if whole else "decimal(38,12)"
            if isinstance(t, ir.YesNoType):
                kind = "yesno"
            elif isinstance(t, ir.ListType):
                kind = "records"
            elif isinstance(t, ir.EnumType):
                kind = rng.choice(["string", "dictionary"])
        arrays.append(_array(cells, kind))
    table = pa.table(dict(zip(_unique(grid.header), arrays, strict=True)))
    table = table.rename_columns(grid.header)
    if grid.metadata is not None:
        table = table.replace_schema_metadata({b"kaoping.constants": grid.metadata})
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=grid.row_group)
    return sink.getvalue()


def _unique(names: list[str]) -> list[str]:
    return [f"{n}\x00{i}" for i, n in enumerate(names)]


def _array(cells: list[str | None], kind: str | None) -> Any:
    """Cells as an arrow array of `kind`; a cell that does not convert is kept as text by
    making the whole column text (the mutation then is the text)."""
    import datetime
    import decimal

    import pyarrow as pa

    if kind == "records" or any(isinstance(c, list) for c in cells):
        return _records_array(cells)
    text = pa.array(cells, type=pa.string())
    if kind is None or kind == "string":
        return text
    try:
        if kind in ("large_string", "string_view"):
            return text.cast(getattr(pa, kind)())
        if kind == "dictionary":
            return text.dictionary_encode()
        if kind == "binary":
            return text.cast(pa.binary())
        if kind == "large_binary":
            return text.cast(pa.large_binary())
        if kind == "null":
            return pa.nulls(len(cells))
        if kind.startswith(("decimal", "decimal256")):
            precision, scale = (int(x) for x in kind[kind.index("(") + 1 : -1].split(","))
            width = {"decimal256": pa.decimal256, "decimal64": pa.decimal64}
            width["decimal32"] = pa.decimal32
            typ = width.get(kind[: kind.index("(")], pa.decimal128)(precision, scale)
            values = [None if c is None or c == "" else decimal.Decimal(c.strip()) for c in cells]
            quant = decimal.Decimal(1).scaleb(-scale)
            with decimal.localcontext() as ctx:
                ctx.prec = 80
                values = [None if v is None else v.quantize(quant) for v in values]
            return pa.array(values, type=typ)
        if kind in ("int8", "int32", "int64", "uint64"):
            return pa.array(
                [None if not c else int(c.strip()) for c in cells], type=getattr(pa, kind)()
            )
        if kind in ("float64", "float16"):
            floats = pa.array([None if not c else float(c) for c in cells], type=pa.float64())
            return floats.cast(pa.float16()) if kind == "float16" else floats
        if kind == "yesno":  # a Parquet boolean column of the words (other words: text)
            words = {
                "true": True,
                "yes": True,
                "是": True,
                "false": False,
                "no": False,
                "否": False,
            }
            if any(c is not None and c.lower() not in words for c in cells):
                return text
            return pa.array([None if c is None else words[c.lower()] for c in cells])
        if kind == "bool":
            return pa.array([None if not c else c.strip() not in ("0", "") for c in cells])
        if kind == "timestamp":
            return pa.array([None if not c else datetime.datetime(2020, 1, 1) for c in cells])
        if kind == "date32":
            return pa.array([None if not c else datetime.date(2020, 1, 1) for c in cells])
        if kind == "list":
            return pa.array([None if c is None else [c] for c in cells])
        if kind == "struct":
            return pa.array([None if c is None else {"v": c} for c in cells])
    except (ValueError, TypeError, ArithmeticError, pa.ArrowException, decimal.InvalidOperation):
        return text
    raise AssertionError(kind)


# ------------------------------------------------------------------------------ cases


def _records_array(cells: list[Any]) -> Any:
    """A list input's cells as a list-of-struct column (text fields as text, yes/no as
    booleans); cells no such column can hold are written as text."""
    import pyarrow as pa

    record = pa.struct(
        [("项目", pa.string()), ("级别", pa.string()), ("当年", pa.bool_()), ("分值", pa.string())]
    )
    try:
        return pa.array(cells, type=pa.list_(record))
    except (pa.ArrowException, TypeError, ValueError):
        return pa.array([None if c is None else str(c) for c in cells], type=pa.string())


def make_case(seed: int, scheme: str | None = None, kind: str | None = None,
              units: tuple[int, int] = (1000, 20000)) -> Case:  # fmt: skip
    """The case of `seed`: a scheme, a size, a kind of file and 0 to 3 changes."""
    rng = random.Random(seed)
    scheme = scheme or rng.choice(
        ["bench", "districts", "districts", "single", "single", "graded", "records", "constants"]
    )
    kind = "parquet" if scheme == "records" else kind or rng.choice(["csv", "csv", "parquet"])
    low, high = units
    n = rng.choice([low, rng.randint(low, high), rng.randint(low, min(high, 3 * low))])
    model = model_of(scheme)
    grid = valid_grid(rng, scheme, n)
    mutations = CSV_MUTATIONS if kind == "csv" else PARQUET_MUTATIONS
    weights = [w for w, _ in mutations]
    count = rng.choice([0, 1, 1, 1, 2, 3])
    for _ in range(count):
        if not grid.rows:  # a header only: nothing left to change
            break
        (fn,) = rng.choices([f for _, f in mutations], weights)
        fn(grid, rng, model)
    if kind == "csv":
        grid.bom = grid.bom or rng.random() < 0.05
        data = csv_bytes(grid)
    else:
        if rng.random() < 0.2:
            grid.row_group = rng.choice([97, 500, 999, 4096])
            grid.changes.append(f"row groups of {grid.row_group}")
        if rng.random() < 0.03:
            grid.rows = []
            grid.changes.append("no rows")
        data = parquet_bytes(grid, model, rng)
    return Case(seed, scheme, kind, data, grid.changes, len(grid.rows))
