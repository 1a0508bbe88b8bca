"""Hostile data and history files: what a careless office or a malicious file can hand
kaoping, and what must never follow: a traceback, a silently wrong result (a unit matched to the
wrong history, a key silently dropped), a forged line on the terminal."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers_hostile import RULES, data_doc
from helpers_scoring import compile_rules
from kaoping.cli import main
from kaoping.compiler.load import CompiledScheme, compile_sources
from kaoping.errors import DataError
from kaoping.io.data import load_file
from kaoping.io.json_text import read_json_text
from kaoping.io.results import indented_json, to_table
from kaoping.io.validate import UnitData, validate
from kaoping.scoring import score

# ------------------------------------------------------------------ data that crashed


def test_a_csv_cell_over_the_field_limit_is_a_data_error(tmp_path: Path) -> None:
    rules = tmp_path / "t.rules"
    rules.write_text(RULES, "utf-8")
    data = tmp_path / "data.csv"
    data.write_text(
        "unit,group,信息报送次数\n单位1,县直单位,3\n" + f'单位2,县直单位,"{"9" * 140_000}"\n',
        "utf-8",
    )
    result = CliRunner().invoke(main, ["score", str(rules), str(data)])
    assert result.exit_code == 2, result.output
    assert f"{data}:3" in result.output and "longer than 131,072 characters" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_lone_surrogate_in_a_unit_name_is_a_data_error_and_leaves_no_file(
    tmp_path: Path,
) -> None:
    rules = tmp_path / "t.rules"
    rules.write_text(RULES, "utf-8")
    data = tmp_path / "data.json"
    data.write_text(
        '{"units": [{"unit": "\\ud800", "group": "县直单位", "facts": {"信息报送次数": 3}}]}',
        "utf-8",
    )
    out = tmp_path / "out.json"
    result = CliRunner().invoke(
        main, ["score", str(rules), str(data), "--format", "json", "-o", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "units[1]" in result.output and "U+D800" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json", "t.rules"]


def test_a_lone_surrogate_in_a_text_fact_is_a_data_error() -> None:

    scheme = compile_rules(
        """
        group G
        record 事项:
            名称: text
        input 事项: list of 事项 "the unit's tasks"
        scoring G:
            item X max 9 = count 事项
        """,
        "surrogate",
    )
    with pytest.raises(DataError) as err:
        validate(
            {"units": [{"unit": "U", "group": "G", "facts": {"事项": [{"名称": "a\ud800"}]}}]},
            scheme.model,
            "d.json",
        )
    assert [(p.unit, p.field) for p in err.value.problems] == [("U", "事项[1].名称")]
    assert "surrogate" in err.value.problems[0].message


# ------------------------------------------------------------------ unit names


def load_units(tmp_path: Path, text: str) -> object:
    """Load a JSON data text for RULES; the DataError's problems, or the units."""

    scheme = compile_sources("names", {"t.rules": RULES})
    path = tmp_path / "d.json"
    path.write_text(text, "utf-8")
    try:
        return load_file(path, scheme.model)
    except DataError as err:
        return [(p.where, p.unit, p.field, p.message) for p in err.problems]


def unit_json(name: str) -> str:
    return json.dumps({"unit": name, "group": "县直单位", "facts": {"信息报送次数": 3}})


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("U\u200b2", "U+200B (ZERO WIDTH SPACE)"),
        ("\u200b", "U+200B (ZERO WIDTH SPACE)"),
        ("县\n  1  县财政局   4.00", "U+000A (a control character)"),
        ("\x1b[2J县发改委", "U+001B (a control character)"),
        ("U\u202e1", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("U\ufeff", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
        ("\ud800", "U+D800 (a lone surrogate)"),
        ("U\u20281", "U+2028 (LINE SEPARATOR)"),
    ],
)
def test_a_name_with_an_invisible_or_control_character_is_refused(
    tmp_path: Path, name: str, shown: str
) -> None:
    problems = load_units(tmp_path, f'{{"units": [{unit_json("U1")}, {unit_json(name)}]}}')
    assert isinstance(problems, list) and len(problems) == 1
    where, _, field, message = problems[0]
    assert where.endswith("units[2]") and field == "unit" and shown in message


@pytest.mark.parametrize("name", ["", "   ", "\u3000"])
def test_a_name_empty_after_stripping_is_refused(tmp_path: Path, name: str) -> None:
    problems = load_units(tmp_path, f'{{"units": [{unit_json(name)}]}}')
    assert isinstance(problems, list) and [p[2] for p in problems] == ["unit"]


@pytest.mark.parametrize(
    ("first", "second"),
    [("U1", "U1 "), ("U1", " U1"), ("Cafe\u0301", "Caf\u00e9"), ("县发改委", "县发改委\u3000")],
)
def test_names_equal_after_normalising_are_the_same_unit(
    tmp_path: Path, first: str, second: str
) -> None:
    problems = load_units(tmp_path, f'{{"units": [{unit_json(first)}, {unit_json(second)}]}}')
    assert isinstance(problems, list) and len(problems) == 1
    where, unit, _, message = problems[0]
    assert where.endswith("units[2]") and "appears twice" in message and "units[1]" in message
    assert unit == unicodedata.normalize("NFC", first)


def test_names_are_matched_stripped_and_in_nfc(tmp_path: Path) -> None:
    spaced = unit_json(" Cafe\u0301 ")
    units = load_units(tmp_path, f'{{"units": [{spaced}]}}')
    assert [u.name for u in units] == ["Caf\u00e9"]


def test_two_units_keys_at_the_top_are_refused(tmp_path: Path) -> None:
    text = f'{{"units": [{unit_json("U1")}], "units": [{unit_json("U2")}]}}'
    problems = load_units(tmp_path, text)
    assert isinstance(problems, list) and any("'units' is given twice" in p[3] for p in problems)


HISTORY_RULES = """分组 县直单位
输入 信息报送次数: 次数 "全年报送信息的次数"
评分 县直单位:
    指标 信息报送 满分 4:
        起评 满分
        扣 1 每 不足(信息报送次数, 4)
    指标 进步 满分 1:
        加 1 若 (上年 信息报送次数 缺省 9) < 信息报送次数
"""


def history_scheme() -> CompiledScheme:
    return compile_sources("hist", {"h.rules": HISTORY_RULES})


def test_history_names_follow_the_same_rules_as_the_data() -> None:

    scheme = history_scheme()
    data = validate(
        {"units": [{"unit": "U2", "group": "县直单位", "facts": {"信息报送次数": 4}}]},
        scheme.model,
        "d.json",
    )
    # "U2 " is U2: last year's 3 reports against this year's 4 give the progress point
    last = {"unit": "U2 ", "facts": {"信息报送次数": 3}}
    results = score(scheme, data, {"units": [last]})
    assert results.units[0].unit.values["进步"] == 1

    with pytest.raises(DataError) as err:
        score(scheme, data, {"units": [{**last, "unit": "U\u200b2"}]})
    assert "U+200B" in str(err.value) and "units[1]" in str(err.value)


def test_a_history_with_a_key_given_twice_at_any_level_is_refused() -> None:

    scheme = history_scheme()
    for text, path in [
        ('{"units": [], "units": [{"unit": "U2", "total": "3"}]}', "units"),
        ('{"units": [{"unit": "U2", "total": "3", "total": "1"}]}', "units[1].total"),
        ('{"units": [{"unit": "U2", "scores": {"进步": 1, "进步": 0}}]}', "units[1].scores.进步"),
        ('{"units": [{"unit": "U2", "facts": {"信息报送次数": 1, "信息报送次数": 4}}]}', ""),
    ]:
        with pytest.raises(DataError) as err:
            score(scheme, [], read_json_text(text, "h.json"))
        fields = [p.field for p in err.value.problems]
        assert fields == [path or "units[1].facts.信息报送次数"], text


# ------------------------------------------------------------------ what reaches the terminal

EXPLAIN_RULES = """scheme "escapes"
group G
record 事项:
    名称: text
input 事项: list of 事项 "tasks"
scoring G:
    item X max 9 article "art" = count 事项
"""


def test_explain_text_escapes_what_a_terminal_would_obey(tmp_path: Path) -> None:
    rules = tmp_path / "e.rules"
    rules.write_text(EXPLAIN_RULES, "utf-8")
    data = tmp_path / "d.json"
    # a record's text (data may hold any text; rules files refuse control characters, E103)
    task = "line one\n  1  forged   9.00\x1b[2J\x1b]0;title\x07"
    data.write_text(
        json.dumps({"units": [{"unit": "U", "group": "G", "facts": {"事项": [{"名称": task}]}}]}),
        "utf-8",
    )
    result = CliRunner().invoke(main, ["explain", str(rules), str(data), "--unit", "U"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "forged" in result.output and "\\n" in result.output and "\\x1b" in result.output
    forged = [line for line in result.output.splitlines() if line.lstrip().startswith("1  forged")]
    assert forged == []


def test_the_table_escapes_names_given_through_the_api() -> None:

    scheme = history_scheme()
    units = [UnitData("A\n   1  B   9.00", "县直单位", {"信息报送次数": 4})]
    text = to_table(score(scheme, units))
    assert len(text.splitlines()) == 3 and "A\\n   1  B" in text


def test_explain_finds_a_unit_named_with_surrounding_spaces(tmp_path: Path) -> None:
    rules = tmp_path / "h.rules"
    rules.write_text(HISTORY_RULES, "utf-8")
    data = tmp_path / "d.json"
    data.write_text(f'{{"units": [{unit_json("U1")}]}}', "utf-8")
    result = CliRunner().invoke(main, ["explain", str(rules), str(data), "--unit", " U1 "])
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ history that does not fit


def score_json(*args: str) -> tuple[int, dict[str, object] | None, str]:
    """`kaoping score … --format json`: exit code, the results, stderr."""
    result = CliRunner().invoke(main, ["score", *args, "--format", "json"])
    doc = json.loads(result.stdout) if result.exit_code == 0 else None
    return result.exit_code, doc, result.stderr


@pytest.fixture
def last_year(tmp_path: Path) -> tuple[Path, Path, Path]:
    """This year's rules and data, and last year's results written by kaoping from them."""
    rules = tmp_path / "h.rules"
    rules.write_text(HISTORY_RULES, "utf-8")
    old_data = tmp_path / "2023.json"
    old_data.write_text(json.dumps(data_doc(3, 4, 2), ensure_ascii=False), "utf-8")
    results = tmp_path / "2023-results.json"
    code, doc, _ = score_json(str(rules), str(old_data))
    assert code == 0 and doc is not None
    results.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return rules, old_data, results


def test_results_name_their_scheme_and_the_hash_of_its_rules(last_year) -> None:
    rules, data, _ = last_year
    code, doc, _ = score_json(str(rules), str(data))
    assert code == 0 and doc is not None
    assert doc["scheme"] == "h" and doc["warnings"] == []
    assert str(doc["scheme_hash"]).startswith("sha256:") and len(str(doc["scheme_hash"])) == 71


def test_last_years_results_of_the_same_rules_are_read_without_warning(
    last_year, tmp_path: Path
) -> None:
    rules, _, history = last_year
    data = tmp_path / "2024.json"
    data.write_text(json.dumps(data_doc(4, 4, 4), ensure_ascii=False), "utf-8")
    code, doc, err = score_json(str(rules), str(data), "--history", str(history))
    assert code == 0 and doc is not None, err
    assert doc["warnings"] == [] and "warning" not in err
    progress = {u["unit"]: u["scores"]["进步"] for u in doc["units"]}
    assert progress == {"单位1": "1", "单位2": "0", "单位3": "1"}  # 3 < 4, 4 = 4, 2 < 4


def test_a_data_file_as_history_is_refused(last_year) -> None:
    rules, data, _ = last_year
    code, _, err = score_json(str(rules), str(data), "--history", str(data))
    assert code == 2
    assert "not a kaoping results file" in err and "looks like unit data" in err


def test_another_schemes_results_as_history_are_refused(last_year, tmp_path: Path) -> None:
    rules, data, _ = last_year
    other = tmp_path / "other.json"
    code, doc, _ = score_json("example-zh", "--sample")
    assert code == 0
    other.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    code, _, err = score_json(str(rules), str(data), "--history", str(other))
    assert code == 2
    assert "results of scheme 'example-zh', not of 'h'" in err


def test_history_from_other_rules_of_the_same_scheme_is_read_with_a_warning(
    last_year, tmp_path: Path
) -> None:
    _, data, history = last_year
    this_year = tmp_path / "2024"
    this_year.mkdir()
    rules = this_year / "h.rules"  # the same scheme id, its rules changed since last year
    rules.write_text(HISTORY_RULES.replace("满分 4", "满分 5").replace("起评 满分", "起评 4"))
    code, doc, err = score_json(str(rules), str(data), "--history", str(history))
    assert code == 0 and doc is not None, err
    codes = [w["code"] for w in doc["warnings"]]
    assert codes == ["history-rules-changed"]
    assert "rules that differ" in err and "last year's rules" in err


def test_units_on_one_side_only_are_named_on_both_sides(last_year, tmp_path: Path) -> None:
    rules, _, history = last_year
    data = tmp_path / "2024.json"
    doc_in = data_doc(4, 4)
    doc_in["units"][1]["unit"] = "新单位"
    data.write_text(json.dumps(doc_in, ensure_ascii=False), "utf-8")
    code, doc, err = score_json(str(rules), str(data), "--history", str(history))
    assert code == 0 and doc is not None, err
    warnings = {(w["code"], w["unit"]) for w in doc["warnings"]}
    assert warnings == {
        ("unit-not-in-history", "新单位"),
        ("history-unit-not-in-data", "单位2"),
        ("history-unit-not-in-data", "单位3"),
    }
    assert "unit '新单位'" in err and "unit '单位2'" in err and "unit '单位3'" in err


@pytest.mark.parametrize("command", ["score", "report", "diff"])
def test_a_bad_value_in_the_history_names_the_history_file_and_the_field(
    command: str, last_year, tmp_path: Path
) -> None:
    """A total `NaN` and a fact `x` in last year's results were reported as
    `history: unit '单位1', input 'total': …`: no file named (which of the files given?), and
    `total` called an input. The message names the --history file (or the archive's run)."""
    rules, data, history = last_year
    doc = json.loads(history.read_text("utf-8"))
    entry = {u["unit"]: u for u in doc["units"]}
    entry["单位1"]["total"] = "NaN"
    entry["单位2"]["facts"]["信息报送次数"] = "x"
    bad = tmp_path / "bad-results.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    args = {
        "score": ["score", str(rules), str(data)],
        "report": ["report", str(rules), str(data), "-o", str(tmp_path / "r.html")],
        "diff": ["diff", str(rules), str(rules), str(data)],
    }[command]
    result = CliRunner().invoke(main, [*args, "--history", str(bad)])
    assert result.exit_code == 2, result.output
    assert f"{bad}: unit '单位1', field 'total': expected a number, got 'NaN'" in result.stderr
    assert f"{bad}: unit '单位2', input '信息报送次数': expected a number, got 'x'" in (
        result.stderr
    )
    assert "history: unit" not in result.stderr


# ------------------------------------------------------------------ large data, read unit by unit

U1 = '{"unit": "单位1", "group": "县直单位", "facts": {"信息报送次数": 3}}'
U2 = '{"unit": "单位2", "group": "县直单位", "facts": {"信息报送次数": 5}}'


@pytest.mark.parametrize(
    "text",
    [
        f'{{"units": [{U1}, {U2}]}}',
        f' \n{{ "units" : [ {U1} ,\n {U2} ] }} \n',
        '{"units": []}',
        "{}",
        f'{{"extra": {{"a": [1, 2]}}, "units": [{U1}]}}',
        f'{{"units": [{U1}], "units": [{U2}]}}',
        f'{{"units": {U1}}}',
        f'{{"units": [{U1}], "units": 3}}',
        f'{{"units": 3, "units": [{U1}]}}',
        '{"units": 3, "units": 4}',
        f'{{"units": [{U1},]}}',
        f'{{"units": [{U1}] "x": 1}}',
        f'{{"units": [{U1}]}} trailing',
        f'{{"units": [{U1}]',
        f'{{"units": [{U1}',
        '{"units" [] }',
        "{units: []}",
        '{"units": [1, "x", null]}',
        f'{{"units": [{U1.replace("3", "3, ")}]}}',
        f'{{"units": [{U1}, {U1}]}}',
        '{"units": [' + "[" * 100_000 + "]" * 100_000 + "]}",
    ],
)
def test_data_read_unit_by_unit_is_read_as_the_whole_file_would_be(
    tmp_path: Path, text: str
) -> None:
    scheme = compile_sources("names", {"t.rules": RULES})
    path = tmp_path / "d.json"
    path.write_text(text, "utf-8")

    def outcome(load: object) -> object:
        try:
            return [(u.name, u.group, dict(u.facts)) for u in load()]  # type: ignore[operator]
        except DataError as err:
            return [str(p) for p in err.problems]

    streamed = outcome(lambda: load_file(path, scheme.model))
    whole = outcome(lambda: validate(read_json_text(text, str(path)), scheme.model, str(path)))
    assert streamed == whole


def test_check_shows_a_rules_line_with_an_escape_without_obeying_it(tmp_path: Path) -> None:
    rules = tmp_path / "bad.rules"
    rules.write_text('分组 县直单位\n输入 x: 次数 "a\x1b[2J" 条款\n', "utf-8")
    result = CliRunner().invoke(main, ["check", str(rules)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "[2J" in result.output  # shown, not obeyed


def test_a_given_value_written_twice_in_one_object_is_refused() -> None:
    scheme = compile_sources("names", {"t.rules": RULES})
    text = (
        '{"units": [{"unit": "单位1", "group": "县直单位", "facts": {"信息报送次数": 3}, '
        '"given": {"信息报送": {"value": 1, "value": 4, "by": "县考评办"}}}]}'
    )
    with pytest.raises(DataError) as err:
        validate(read_json_text(text, "d.json"), scheme.model, "d.json")
    assert [(p.unit, p.field) for p in err.value.problems] == [("单位1", "given.信息报送.value")]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_results_json_is_indented_exactly_as_json_dumps_would(value: object) -> None:
    out: list[str] = []
    indented_json(value, "", out)
    assert "".join(out) == json.dumps(value, ensure_ascii=False, indent=2)
