"""`kaoping score` by whole columns (CSV or Parquet in, JSON, CSV or Parquet out, no per-unit
objects) writes the very bytes the per-unit path writes, and bad data gets the per-unit
path's messages and exit code."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from kaoping.cli import main
from kaoping.compiler import ir
from kaoping.compiler.load import compile_paths

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "panshan_bench.rules"

# two groups in one block, an optional input, a count, a flag, a value in thirds (texts such
# as 550/3), a weighted mean with redistribution, rounding and a rank per group
MINI = """\
scheme "whole columns"
rounding 2 places half-even

group 甲组 "first"
group 乙组 "second"

input work: number -50 to 100 "work"
input extra: number 0 to 10 optional "extra"
input praise: count "praise"

scoring 甲组, 乙组:
    let third = work / 3
    let share = weighted {work: 70%, extra: 30%} redistribute equally
    section 加分 max 2:
        item 表扬:
            add 0.25 per praise
            cap 2
    flag 低分 if work < 10
    total = share + 加分 + third / 10
    across group:
        let 名次 = rank by total
"""


def _number(rng: random.Random, low: int, high: int) -> str:
    """A plain decimal in [low, high] with 0 to 2 places, written without trailing zeros
    sometimes and with them other times (`7.50`, `100.0`), as offices type them."""
    places = rng.choice([0, 1, 1, 2])
    value = rng.randint(low * 10**places, high * 10**places)
    text = f"{abs(value) // 10**places}" + (
        f".{abs(value) % 10**places:0{places}d}" if places else ""
    )
    if rng.random() < 0.05:
        text += "0" if places else ".0"
    return ("-" if value < 0 else "") + text


def _rows(rules: Path, n: int, seed: int) -> tuple[list[str], list[list[str]]]:
    """Random units of the scheme: every input of its groups, optional ones empty at times."""
    model = compile_paths("rows", [rules]).model
    rng = random.Random(seed)
    groups = list(model.block_of_group)
    header = ["unit", "group", *model.inputs]
    rows = []
    for i in range(n):
        name = rng.choice([f"u{i:05d}", f"单位{i}", f"a\\b{i}"])  # one to escape in JSON
        cells = [name, rng.choice(groups)]
        for decl in model.inputs.values():
            t = decl.type
            if decl.optional and rng.random() < 0.2:
                cells.append("")
            elif isinstance(t, ir.CountType):
                cells.append(str(rng.choice([0, 0, 0, 1, 2, 3, 7])))
            else:
                assert isinstance(t, ir.NumberType)
                cells.append(_number(rng, int(t.low or 0), int(t.high or 100)))
        rows.append(cells)
    return header, rows


def _csv(path: Path, header: list[str], rows: list[list[str]], end: str = "\n") -> Path:
    text = end.join(",".join(r) for r in [header, *rows]) + end
    path.write_bytes(text.encode())
    return path


def _score(rules: Path, data: Path, out: Path, backend: str) -> tuple[int, str]:
    args = ["score", str(rules), str(data), "-o", str(out), "--backend", backend, "--verbose"]
    if out.suffix == ".json":
        args += ["--format", "json"]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("scheme", "n", "kind"),
    [("mini", 10_000, ".json"), ("mini", 1_500, ".csv"), ("bench", 1_200, ".parquet")],
)
def test_whole_columns_write_the_per_unit_bytes(
    tmp_path: Path, scheme: str, n: int, kind: str
) -> None:
    rules = BENCH if scheme == "bench" else tmp_path / "mini.rules"
    if scheme == "mini":
        rules.write_text(MINI, encoding="utf-8")
    # lines ending \r\n (as the csv module and spreadsheets write them) for the bench scheme
    data = _csv(
        tmp_path / "units.csv", *_rows(rules, n, seed=n), "\r\n" if scheme == "bench" else "\n"
    )
    want, got = tmp_path / f"unit{kind}", tmp_path / f"whole{kind}"
    code, said = _score(rules, data, want, "unit")
    assert code == 0, said
    code, said = _score(rules, data, got, "columnar")
    assert code == 0, said
    assert "by whole columns" in said  # the path under test, not a fallback
    assert got.read_bytes() == want.read_bytes()


def test_parquet_units_score_as_their_csv(tmp_path: Path) -> None:
    rules = tmp_path / "mini.rules"
    rules.write_text(MINI, encoding="utf-8")
    header, rows = _rows(rules, 1_100, seed=7)
    data = _csv(tmp_path / "units.csv", header, rows)
    table = pa.table({h: [r[i] or None for r in rows] for i, h in enumerate(header)})
    pq.write_table(table, tmp_path / "units.parquet")
    code, said = _score(rules, data, tmp_path / "from-csv.csv", "unit")
    assert code == 0, said
    code, said = _score(rules, tmp_path / "units.parquet", tmp_path / "whole.csv", "columnar")
    assert code == 0 and "by whole columns" in said, said
    assert (tmp_path / "whole.csv").read_bytes() == (tmp_path / "from-csv.csv").read_bytes()


# a cell (or a row) changed in a valid file, and what the data then is
BAD = [
    ("a number that is not one", 0, "work", "8..5"),
    ("a required input left empty", 1, "work", ""),
    ("a value above its range", 2, "work", "100.5"),
    ("a count with a point", 3, "praise", "1.5"),
    ("an exponent", 4, "work", "1e1"),
    ("no digit before the point", 5, "extra", ".5"),
    ("a name with a zero-width space", 6, "unit", "a\u200bb"),
    ("a name given twice", 7, "unit", "u-twice"),
    ("an unknown group", 8, "group", "丙组"),
    # pyarrow's integer reader takes hexadecimal: 0x10 is 16, 0x1.5 read as 2.1
    ("a hexadecimal count", 9, "praise", "0x10"),
    ("a hexadecimal number", 10, "work", "0x1.5"),
]


@pytest.mark.parametrize(("what", "row", "column", "cell"), BAD, ids=[b[0] for b in BAD])
def test_bad_data_gets_the_per_unit_message(
    tmp_path: Path, what: str, row: int, column: str, cell: str
) -> None:
    rules = tmp_path / "mini.rules"
    rules.write_text(MINI, encoding="utf-8")
    header, rows = _rows(rules, 1_000, seed=3)
    rows[row][header.index(column)] = cell
    if what == "a name given twice":
        rows[row + 1][0] = cell
    data = _csv(tmp_path / "units.csv", header, rows)
    # CSV out: the whole-column path takes 1,000 units (JSON out only from 10,000)
    unit = _score(rules, data, tmp_path / "unit.csv", "unit")
    whole = _score(rules, data, tmp_path / "whole.csv", "columnar")
    assert unit[0] == 2, unit[1]
    assert whole == unit
    assert not (tmp_path / "whole.csv").exists()


def test_values_across_groups_write_the_per_unit_bytes(tmp_path: Path) -> None:
    """A value over the units of both groups together (`across 甲组, 乙组:`)."""
    rules = tmp_path / "mini.rules"
    across = "    across 甲组, 乙组:\n        let 全体名次 = rank by share\n    across group:"
    rules.write_text(MINI.replace("    across group:", across), encoding="utf-8")
    data = _csv(tmp_path / "units.csv", *_rows(rules, 1_200, seed=13))
    assert _score(rules, data, tmp_path / "unit.csv", "unit")[0] == 0
    code, said = _score(rules, data, tmp_path / "whole.csv", "columnar")
    assert code == 0 and "by whole columns" in said, said
    assert (tmp_path / "whole.csv").read_bytes() == (tmp_path / "unit.csv").read_bytes()


def test_a_failed_requirement_gets_the_per_unit_message(tmp_path: Path) -> None:
    """A unit breaking a data requirement: checked on the columns, it leaves the run to the
    per-unit path, and the unmet requirement is the same data error whichever backend."""
    rules = tmp_path / "mini.rules"
    rules.write_text(MINI.replace("    let third", "    require praise ≤ 5\n    let third"))
    header, rows = _rows(rules, 1_000, seed=11)
    rows[4][header.index("praise")] = "7"
    data = _csv(tmp_path / "units.csv", header, rows)
    unit = _score(rules, data, tmp_path / "unit.csv", "unit")
    assert unit[0] == 2 and "praise" in unit[1], unit[1]
    assert _score(rules, data, tmp_path / "whole.csv", "columnar") == unit


def test_unusual_but_valid_cells_score_as_per_unit(tmp_path: Path) -> None:
    """`+5`, `007`, `-0` and a cell with spaces around it are numbers the per-unit reader
    accepts: whichever path reads them, the results are the same."""
    rules = tmp_path / "mini.rules"
    rules.write_text(MINI, encoding="utf-8")
    header, rows = _rows(rules, 1_000, seed=5)
    for i, cell in enumerate(["+5", "007", "-0", " 12.5 "]):
        rows[i][header.index("work")] = cell
    data = _csv(tmp_path / "units.csv", header, rows)
    assert _score(rules, data, tmp_path / "unit.csv", "unit")[0] == 0
    assert _score(rules, data, tmp_path / "whole.csv", "columnar")[0] == 0
    assert (tmp_path / "whole.csv").read_bytes() == (tmp_path / "unit.csv").read_bytes()


@pytest.mark.parametrize("scheme", ["panshan-2018", "shuangxiang-2012", "yangquan-2014"])
def test_shipped_schemes_write_the_same_bytes_through_either_backend(
    tmp_path: Path, scheme: str
) -> None:
    """Schemes with requirements, grading or consequences keep the per-unit objects (the
    columnar backend computing their values): the results are still the per-unit bytes."""
    for kind in (".json", ".csv", ".parquet"):
        written = []
        for backend in ("unit", "columnar"):
            out = tmp_path / f"{backend}{kind}"
            args = ["score", scheme, "--sample", "-o", str(out), "--backend", backend]
            result = CliRunner().invoke(main, [*args, "--format", "json"])
            assert result.exit_code == 0, result.stderr
            written.append(out.read_bytes())
        assert written[0] == written[1]


@pytest.mark.parametrize("kind", [".json", ".csv", ".parquet"])
def test_data_requirements_met_are_checked_on_the_columns(tmp_path: Path, kind: str) -> None:
    """A scheme with data requirements every unit meets (one in its scoring block, one at the
    top of the file) takes the whole-column path, each requirement checked on the columns,
    and writes the per-unit bytes."""
    rules = tmp_path / "mini.rules"
    text = MINI.replace("    let third", "    require praise ≤ 7\n    let third")
    text = text.replace("scoring 甲组", "require work ≥ -50 or praise = 0\n\nscoring 甲组")
    rules.write_text(text, encoding="utf-8")
    data = _csv(tmp_path / "units.csv", *_rows(rules, 10_000, seed=17))
    want, got = tmp_path / f"unit{kind}", tmp_path / f"whole{kind}"
    code, said = _score(rules, data, want, "unit")
    assert code == 0, said
    code, said = _score(rules, data, got, "columnar")
    assert code == 0 and "by whole columns" in said, said
    assert got.read_bytes() == want.read_bytes()


# yes/no and option inputs: the words and values the per-unit reader takes, two groups
CHOICES = """\
方案 "是否与等次"
舍入 2 位 四舍五入
分组 乡镇 "乡镇"
分组 街道 "街道"
枚举 测评等次: 优, 良, 合格
输入 满意度: 数值 0 至 10 "社会满意度测评得分"
输入 信息质量达标: 是否 "信息质量是否达标"
输入 县领导测评: 测评等次 "县领导测评等次"
输入 督查通报: 是否 可缺 "是否被督查通报(未督查的为空)" 适用 街道
对照表 测评分 按 测评等次:
    优: 3
    良: 2
    合格: 1
评分 乡镇, 街道:
    指标 满意度测评 满分 10 = 满意度
    指标 质量 满分 2:
        加 2 若 信息质量达标
    指标 县领导 满分 3 = 测评分[县领导测评]
    指标 通报 = 若 所在分组 = 街道 且 (督查通报 缺省 否) 则 -1 否则 0
    组内:
        设 名次 = 排名 按 总分
"""

_WORDS = {True: ["true", "TRUE", "yes", "Yes", "是"], False: ["false", "False", "no", "NO", "否"]}


def _choice_rows(n: int, seed: int) -> tuple[list[str], list[list[str]]]:
    rng = random.Random(seed)
    header = ["unit", "group", "满意度", "信息质量达标", "县领导测评", "督查通报"]
    rows = []
    for i in range(n):
        group = rng.choice(["乡镇", "街道"])
        notice = rng.choice(["", *_WORDS[True], *_WORDS[False]]) if group == "街道" else ""
        rows.append(
            [
                f"u{i:05d}",
                group,
                _number(rng, 0, 10),
                rng.choice(_WORDS[rng.random() < 0.7]),
                rng.choice(["优", "良", "良", "合格"]),
                notice,
            ]
        )
    return header, rows


@pytest.mark.parametrize(("n", "kind"), [(10_000, ".json"), (1_500, ".csv")])
def test_yes_no_and_options_write_the_per_unit_bytes(tmp_path: Path, n: int, kind: str) -> None:
    rules = tmp_path / "choices.rules"
    rules.write_text(CHOICES, encoding="utf-8")
    data = _csv(tmp_path / "units.csv", *_choice_rows(n, seed=n))
    want, got = tmp_path / f"unit{kind}", tmp_path / f"whole{kind}"
    code, said = _score(rules, data, want, "unit")
    assert code == 0, said
    code, said = _score(rules, data, got, "columnar")
    assert code == 0 and "by whole columns" in said, said
    assert got.read_bytes() == want.read_bytes()


def test_parquet_booleans_score_as_their_words(tmp_path: Path) -> None:
    rules = tmp_path / "choices.rules"
    rules.write_text(CHOICES, encoding="utf-8")
    header, rows = _choice_rows(1_200, seed=5)
    data = _csv(tmp_path / "units.csv", header, rows)
    truth = {w: v for v, words in _WORDS.items() for w in words}
    columns: dict[str, pa.Array] = {h: pa.array([r[i] for r in rows]) for i, h in enumerate(header)}
    for name in ("信息质量达标", "督查通报"):
        at = header.index(name)
        columns[name] = pa.array([truth.get(r[at]) for r in rows], pa.bool_())
    pq.write_table(pa.table(columns), tmp_path / "units.parquet")
    code, said = _score(rules, data, tmp_path / "from-csv.csv", "unit")
    assert code == 0, said
    code, said = _score(rules, tmp_path / "units.parquet", tmp_path / "whole.csv", "columnar")
    assert code == 0 and "by whole columns" in said, said
    assert (tmp_path / "whole.csv").read_bytes() == (tmp_path / "from-csv.csv").read_bytes()


BAD_CHOICES = [
    ("a number for a yes/no", 0, "信息质量达标", "1"),
    ("another word for a yes/no", 1, "信息质量达标", "对"),
    ("a required yes/no left empty", 2, "信息质量达标", ""),
    ("a value the option lacks", 3, "县领导测评", "良好"),
    ("a required option left empty", 4, "县领导测评", ""),
]


@pytest.mark.parametrize(
    ("what", "row", "column", "cell"), BAD_CHOICES, ids=[b[0] for b in BAD_CHOICES]
)
def test_bad_yes_no_or_option_gets_the_per_unit_message(
    tmp_path: Path, what: str, row: int, column: str, cell: str
) -> None:
    rules = tmp_path / "choices.rules"
    rules.write_text(CHOICES, encoding="utf-8")
    header, rows = _choice_rows(1_000, seed=3)
    rows[row][header.index(column)] = cell
    data = _csv(tmp_path / "units.csv", header, rows)
    unit = _score(rules, data, tmp_path / "unit.csv", "unit")
    whole = _score(rules, data, tmp_path / "whole.csv", "columnar")
    assert unit[0] == 2 and column in unit[1], unit[1]
    assert whole == unit


@pytest.mark.parametrize("cell", [" 是", "yes ", " 良", "良 "])
def test_spaces_around_a_word_or_option_score_as_per_unit(tmp_path: Path, cell: str) -> None:
    """The per-unit reader takes a cell with spaces around it as the word: so do the results,
    whichever path reads the file."""
    rules = tmp_path / "choices.rules"
    rules.write_text(CHOICES, encoding="utf-8")
    header, rows = _choice_rows(1_000, seed=9)
    rows[0][header.index("县领导测评" if "良" in cell else "信息质量达标")] = cell
    data = _csv(tmp_path / "units.csv", header, rows)
    assert _score(rules, data, tmp_path / "unit.csv", "unit")[0] == 0
    assert _score(rules, data, tmp_path / "whole.csv", "columnar")[0] == 0
    assert (tmp_path / "whole.csv").read_bytes() == (tmp_path / "unit.csv").read_bytes()


# a list input from Parquet (a column of lists of structs): every kind of record field
RECORDS = """\
方案 "记录"
分组 乡镇 "乡镇"
分组 街道 "街道"
枚举 事故等级: 较大, 重大, 特大
记录 事故记录:
    等级: 事故等级
    损失: 数值 0 至 100 可缺
    已整改: 是否
    项目: 文本
输入 满意度: 数值 0 至 10 "满意度"
输入 事故: 列表 事故记录 "每起一条"
对照表 事故减分 按 事故等级:
    较大: 1
    重大: 2
    特大: 3
评分 乡镇, 街道:
    指标 满意度测评 满分 10 = 满意度
    指标 事故扣分:
        扣 合计 事故 的 事故减分[等级] 其中 非 已整改
    设 最高损失 = 合计 事故 的 事故减分[等级] 每 项目 取最高
    设 事故数 = 计数 事故
    组内:
        设 名次 = 排名 按 总分
"""


def _record_rows(n: int, seed: int) -> dict[str, Any]:
    """Random units of RECORDS as Parquet columns (numbers as text, yes/no as booleans)."""
    rng = random.Random(seed)
    lists = []
    for _ in range(n):
        lists.append(
            [
                {
                    "等级": rng.choice(["较大", "重大", "特大"]),
                    "损失": rng.choice([None, _number(rng, 0, 100)]),
                    "已整改": rng.random() < 0.4,
                    "项目": rng.choice(["甲项目", "乙项目", '引"号']),
                }
                for _ in range(rng.choice([0, 0, 1, 2, 3]))
            ]
        )
    record = pa.struct(
        [
            ("等级", pa.string()),
            ("损失", pa.string()),
            ("已整改", pa.bool_()),
            ("项目", pa.string()),
        ]
    )
    return {
        "unit": [f"u{i:05d}" for i in range(n)],
        "group": [rng.choice(["乡镇", "街道"]) for _ in range(n)],
        "满意度": [_number(rng, 0, 10) for _ in range(n)],
        "事故": pa.array(lists, pa.list_(record)),
    }


@pytest.mark.parametrize(("n", "kind"), [(10_000, ".json"), (1_500, ".csv")])
def test_records_from_parquet_write_the_per_unit_bytes(tmp_path: Path, n: int, kind: str) -> None:
    rules = tmp_path / "records.rules"
    rules.write_text(RECORDS, encoding="utf-8")
    data = tmp_path / "units.parquet"
    pq.write_table(pa.table(_record_rows(n, seed=n)), data)
    want, got = tmp_path / f"unit{kind}", tmp_path / f"whole{kind}"
    code, said = _score(rules, data, want, "unit")
    assert code == 0, said
    code, said = _score(rules, data, got, "columnar")
    assert code == 0 and "by whole columns" in said, said
    assert got.read_bytes() == want.read_bytes()


def _bad_record(columns: dict[str, Any], what: str) -> dict[str, Any]:
    lists = columns["事故"].to_pylist()
    record = columns["事故"].type
    first = next(i for i, recs in enumerate(lists) if recs)
    if what == "a null record":
        lists[first][0] = None
    elif what == "a number not plain":
        lists[first][0]["损失"] = "1e1"
    elif what == "a number out of range":
        lists[first][0]["损失"] = "100.5"
    elif what == "an unknown option":
        lists[first][0]["等级"] = "一般"
    elif what == "a required yes/no left null":
        lists[first][0]["已整改"] = None
    elif what == "a list not given":
        lists[first] = None
    return {**columns, "事故": pa.array(lists, record)}


@pytest.mark.parametrize(
    "what",
    [
        "a null record",
        "a number not plain",
        "a number out of range",
        "an unknown option",
        "a required yes/no left null",
        "a list not given",
    ],
)
def test_bad_records_get_the_per_unit_message(tmp_path: Path, what: str) -> None:
    rules = tmp_path / "records.rules"
    rules.write_text(RECORDS, encoding="utf-8")
    data = tmp_path / "units.parquet"
    pq.write_table(pa.table(_bad_record(_record_rows(1_000, seed=4), what)), data)
    unit = _score(rules, data, tmp_path / "unit.csv", "unit")
    whole = _score(rules, data, tmp_path / "whole.csv", "columnar")
    assert unit[0] == 2 and "事故" in unit[1], unit[1]
    assert whole == unit


def _sample_parquet(scheme: str, n: int, path: Path) -> None:
    """The scheme's sample units cycled to `n` as a Parquet file: the layout the benchmark of
    shipped schemes by whole columns writes (benchmarks/whole_schemes_bench.py), one definition."""
    import importlib.util

    where = BENCH.parent / "whole_schemes_bench.py"
    spec = importlib.util.spec_from_file_location("whole_schemes_bench", where)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.write_parquet(scheme, n, path)


@pytest.mark.parametrize(
    "scheme",
    [
        "panshan-2018",
        "yangquan-2014",
        "shuangxiang-2012",
        "heshan-2013",
        "example-zh",
        "example-en",
    ],
)
def test_shipped_schemes_from_parquet_take_whole_columns(tmp_path: Path, scheme: str) -> None:
    """Lists of records (panshan-2018's 安全事故, the examples' reform items), grading (the
    examples, shuangxiang-2012, heshan-2013), constants the data gives in the file's schema
    metadata (yangquan-2014's 目标责任考核权重, shuangxiang-2012's 分值 and the requirements that
    they add up to 1000), `last year` in values and consequences with no last year's results
    (heshan-2013's 排位 and 连续两年基本达标): the whole-column path writes the per-unit path's
    results JSON."""
    data = tmp_path / "units.parquet"
    _sample_parquet(scheme, 10_000, data)
    want, got = tmp_path / "unit.json", tmp_path / "whole.json"
    code, said = _score(Path(scheme), data, want, "unit")
    assert code == 0, said
    code, said = _score(Path(scheme), data, got, "columnar")
    assert code == 0 and "by whole columns" in said, said
    assert got.read_bytes() == want.read_bytes()


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (None, "'constants.目标责任考核权重': missing: give it once for the run"),
        ('{"目标责任考核权重": "150"}', "'constants.目标责任考核权重': 150 is outside"),
        ('{"权重": "10"}', "'constants.权重': this is not a constant"),
        ("[1, 2]", "must be a JSON object"),
        (  # located, as a data file's JSON is
            "{not json",
            "schema metadata kaoping.constants:1:2: not valid JSON: Expecting property name",
        ),
    ],
)
def test_bad_constants_in_parquet_get_the_per_unit_message(
    tmp_path: Path, given: str | None, said: str
) -> None:
    """yangquan-2014 reads 目标责任考核权重 from the data: a Parquet file whose metadata lacks
    it, holds it out of range, names another or is not an object fails the whole-column run
    with the per-unit run's message and exit code."""
    data = tmp_path / "units.parquet"
    _sample_parquet("yangquan-2014", 1_500, data)
    table = pq.read_table(data)
    meta = None if given is None else {b"kaoping.constants": given.encode()}
    pq.write_table(table.replace_schema_metadata(meta), data)
    unit = _score(Path("yangquan-2014"), data, tmp_path / "unit.csv", "unit")
    whole = _score(Path("yangquan-2014"), data, tmp_path / "whole.csv", "columnar")
    assert unit[0] == 2 and said in unit[1], unit[1]
    assert whole == unit
    assert not (tmp_path / "whole.csv").exists()


def test_a_broken_requirement_on_constants_gets_the_per_unit_message(tmp_path: Path) -> None:
    """shuangxiang-2012 requires the 中项 分值 of a 大块 to add up to 1000 ("004 三(一)6."),
    checked once a run: constants that break it stop the whole-column run as the per-unit
    run stops, with its message and exit code."""
    data = tmp_path / "units.parquet"
    _sample_parquet("shuangxiang-2012", 1_500, data)
    table = pq.read_table(data)
    constants = json.loads(table.schema.metadata[b"kaoping.constants"])
    constants["乡镇口安全生产分值"] = str(int(constants["乡镇口安全生产分值"]) + 1)
    meta = {b"kaoping.constants": json.dumps(constants, ensure_ascii=False).encode()}
    pq.write_table(table.replace_schema_metadata(meta), data)
    unit = _score(Path("shuangxiang-2012"), data, tmp_path / "unit.csv", "unit")
    whole = _score(Path("shuangxiang-2012"), data, tmp_path / "whole.csv", "columnar")
    assert unit[0] == 2 and "xiangzhen.rules:147" in unit[1], unit[1]
    assert whole == unit


def test_a_consequence_without_a_columnar_form_keeps_the_run_per_unit(tmp_path: Path) -> None:
    """A grade read beside a unit's records has no columnar form: `--verbose` names the line
    that keeps the results per unit, and they are the per-unit backend's."""
    consequence = "结果运用:\n    输出 待整改 = 计数 事故 其中 非 已整改 且 等次 = 合格\n"
    text = RECORDS + "评定 等次:\n    优秀 若 总分 ≥ 8\n    合格 其余\n" + consequence
    text = text.replace("枚举 事故等级:", "枚举 等次: 优秀, 合格\n枚举 事故等级:")
    rules = tmp_path / "records.rules"
    rules.write_text(text, encoding="utf-8")
    line = text.split("\n").index("    输出 待整改 = 计数 事故 其中 非 已整改 且 等次 = 合格") + 1
    data = tmp_path / "units.parquet"
    pq.write_table(pa.table(_record_rows(1_000, seed=9)), data)
    unit = _score(rules, data, tmp_path / "unit.csv", "unit")
    code, said = _score(rules, data, tmp_path / "whole.csv", "columnar")
    assert unit[0] == code == 0, said
    why = f"a grade read beside a unit's records ({rules.name}:{line})"
    assert f"whole columns: not taken: no columnar form for {why}" in said, said
    assert "by whole columns" not in said
    assert (tmp_path / "whole.csv").read_bytes() == (tmp_path / "unit.csv").read_bytes()
