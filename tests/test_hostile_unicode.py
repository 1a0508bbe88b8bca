"""Unicode a policy writer or an office hands kaoping without seeing it: a name typed with a
combining accent (NFD) in the rules or the data is the same name as its composed twin (NFC);
an invisible character (zero-width, a direction override) in a rules file is refused at its
line and column with its name; texts that differ only in their Unicode form are one text."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kaoping.cli import main
from kaoping.compiler.load import frontend

CAFE = "Café"  # composed: é is U+00E9
CAFE_NFD = unicodedata.normalize("NFD", CAFE)  # e followed by U+0301 COMBINING ACUTE ACCENT
assert CAFE != CAFE_NFD

RULES = f"""group 甲组 "甲组"

enum 等级: 优{CAFE}, 差

input {CAFE}分: number 0 to 100 "分"
input 级: 等级 "级"

scoring 甲组:
    item 得分 max 100:
        add {CAFE}分
        add 5 if 级 = 优{CAFE}
"""


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("defined", "used"), [(CAFE, CAFE_NFD), (CAFE_NFD, CAFE), (CAFE_NFD, CAFE_NFD)]
)
def test_a_name_typed_decomposed_is_the_name_typed_composed(
    tmp_path: Path, defined: str, used: str
) -> None:
    # was E101 "unexpected character '́'" at the combining accent
    text = RULES.replace(f"input {CAFE}分", f"input {defined}分").replace(
        f"add {CAFE}分", f"add {used}分"
    )
    rules = write(tmp_path / "s.rules", text)
    data = write(
        tmp_path / "d.json",
        json.dumps(
            {"units": [{"unit": "A", "group": "甲组", "facts": {f"{CAFE}分": 7, "级": "差"}}]}
        ),
    )
    result = run("score", str(rules), str(data), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["units"][0]["total"] == "7"


def test_data_keys_and_values_in_either_form_name_the_same_input(tmp_path: Path) -> None:
    rules = write(tmp_path / "s.rules", RULES)
    # the input's key and the enum value with a combining accent: 7 + 5 = 12, as composed
    facts = {f"{CAFE_NFD}分": 7, "级": f"优{CAFE_NFD}"}
    data = write(
        tmp_path / "d.json",
        json.dumps({"units": [{"unit": "A", "group": "甲组", "facts": facts}]}),
    )
    result = run("score", str(rules), str(data), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["units"][0]["total"] == "12"


@pytest.mark.parametrize("backend", ["unit", "columnar"])
def test_a_csv_header_in_either_form_names_the_input(tmp_path: Path, backend: str) -> None:
    rules = write(tmp_path / "s.rules", RULES)
    data = write(tmp_path / "d.csv", f"unit,group,{CAFE_NFD}分,级\nA,甲组,7,优{CAFE_NFD}\n")
    result = run("score", str(rules), str(data), "--format", "json", "--backend", backend)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["units"][0]["total"] == "12"  # 7 + 5


def test_a_key_given_in_both_forms_is_given_twice(tmp_path: Path) -> None:
    rules = write(tmp_path / "s.rules", RULES)
    facts = {f"{CAFE}分": 7, f"{CAFE_NFD}分": 8, "级": "差"}
    data = write(
        tmp_path / "d.json",
        json.dumps({"units": [{"unit": "A", "group": "甲组", "facts": facts}]}),
    )
    result = run("score", str(rules), str(data))
    assert result.exit_code == 2
    assert f"unit 'A', input '{CAFE}分': given twice (once with a combining mark" in result.stderr


def test_texts_that_differ_only_in_form_are_one_text(tmp_path: Path) -> None:
    """`highest per 工作` keeps one record of each work: the same work typed twice, once
    composed, once not, is one work (15), not two (15 + 10 = 25, as it was)."""
    rules = write(
        tmp_path / "s.rules",
        """group 甲组 "甲组"

record 成果项:
    工作: text
    得分: number 0 to 20

input 成果: list of 成果项 "成果"

scoring 甲组:
    item 特色 max 40:
        add sum 成果 of 得分 highest per 工作
""",
    )
    records = [{"工作": CAFE, "得分": 15}, {"工作": CAFE_NFD, "得分": 10}]
    data = write(
        tmp_path / "d.json",
        json.dumps({"units": [{"unit": "A", "group": "甲组", "facts": {"成果": records}}]}),
    )
    result = run("score", str(rules), str(data), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["units"][0]["total"] == "15"


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ('input 分\u200b数: number 0 to 10 "x"', "U+200B ZERO WIDTH SPACE"),  # in a name
        ('input 分数: number 0 to 10 "x \u202e 01 ot 0"', "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ('input 分数: number 0 to 10 "x"  # \u2066note', "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ('input 分数: number 0 to 10 "x\u00ad"', "U+00AD SOFT HYPHEN"),
    ],
)
def test_an_invisible_character_is_e103_named_at_its_place(
    tmp_path: Path, line: str, shown: str
) -> None:
    col = line.index(chr(int(shown[2:6], 16))) + 1
    text = f'group 甲组 "甲组"\n{line}\nscoring 甲组:\n    item 得分 max 10 = 分数\n'
    _, diags = frontend({"t.rules": text})
    errors = [d for d in diags if d.severity == "error"]
    assert [(d.code, d.span.line, d.span.col) for d in errors] == [("E103", 2, col)]
    rules = write(tmp_path / "t.rules", text)
    result = run("check", str(rules))
    assert result.exit_code == 1
    assert (
        f"t.rules:2:{col}: error E103 an invisible or control character ({shown}) is not "
        "allowed in a rules file" in result.output
    )
    assert "\u202e" not in result.output and "\u2066" not in result.output


def test_a_name_typed_in_full_width_is_told_from_its_half_width_twin(tmp_path: Path) -> None:
    """An input method in full-width mode types `Ａ类得分` for `A类得分`: other characters (so
    an unknown name, E201), and the hint names the twin and says why they differ."""
    text = (
        'group 甲组 "甲组"\ninput A类得分: number 0 to 10 "x"\nscoring 甲组:\n'
        "    item 得分 max 10 = Ａ类得分\n"
    )
    rules = write(tmp_path / "t.rules", text)
    result = run("check", str(rules))
    assert result.exit_code == 1
    assert "t.rules:4:22: error E201 unknown name 'Ａ类得分'" in result.output
    assert (
        "hint: did you mean 'A类得分'? 'Ａ类得分' differs from it only in the width or form of "
        "its characters (full-width ＡＢ１ are other characters than AB1)" in result.output
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "d.json",
            json.dumps({"units": [{"unit": "A", "group": "甲组", "facts": {"Ａ类得分": 1}}]}),
            "unit 'A', input 'Ａ类得分': this input is not an input of this scheme; did you mean "
            "'A类得分'? 'Ａ类得分' differs from it only in the width or form of its characters",
        ),
        (
            "d.csv",
            "unit,group,Ａ类得分\nA,甲组,1\n",
            "input 'Ａ类得分': no input of this scheme has this name; did you mean 'A类得分'?",
        ),
    ],
)
def test_a_data_key_typed_in_full_width_names_its_twin(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    rules = write(
        tmp_path / "s.rules",
        'group 甲组 "甲组"\ninput A类得分: number 0 to 10 "x"\nscoring 甲组:\n'
        "    item 得分 max 10 = A类得分\n",
    )
    result = run("score", str(rules), str(write(tmp_path / name, text)))
    assert result.exit_code == 2
    assert message in result.stderr


def test_template_units_are_read_as_the_data_will_read_them(tmp_path: Path) -> None:
    """`template --units`: a name with a direction override was written into the workbook
    (which the data reader then refuses), and `Café` typed both ways was two units (one
    unit twice, once the workbook is read)."""
    hidden = write(tmp_path / "hidden.txt", "A\u202eB\n")
    result = run("template", "example-en", "-o", str(tmp_path / "t.xlsx"), "--units", str(hidden))
    assert result.exit_code == 2
    assert "hidden.txt:1: the unit name 'A\\u202eB' contains U+202E (RIGHT-TO-LEFT OVERRIDE)" in (
        result.stderr
    )
    twice = write(tmp_path / "twice.txt", f"{CAFE_NFD}\n{CAFE}\n")
    result = run("template", "example-en", "-o", str(tmp_path / "t.xlsx"), "--units", str(twice))
    assert result.exit_code == 2
    assert f"twice.txt:2: unit '{CAFE}': this unit appears twice" in result.stderr
    assert not (tmp_path / "t.xlsx").exists()


def test_last_years_enum_fact_in_either_form_is_its_value(tmp_path: Path) -> None:
    rules = write(tmp_path / "s.rules", RULES)
    data = write(
        tmp_path / "d.json",
        json.dumps(
            {
                "units": [
                    {"unit": "A", "group": "甲组", "facts": {f"{CAFE}分": 7, "级": f"优{CAFE}"}}
                ]
            }
        ),
    )
    last = run("score", str(rules), str(data), "--format", "json")
    assert last.exit_code == 0, last.output
    history = json.loads(last.stdout)
    assert history["units"][0]["facts"]["级"] == f"优{CAFE}"
    history["units"][0]["facts"]["级"] = f"优{CAFE_NFD}"  # as another tool wrote it
    path = write(tmp_path / "last.json", json.dumps(history, ensure_ascii=False))
    result = run("score", str(rules), str(data), "--history", str(path))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_a_group_named_in_either_form_is_the_group(tmp_path: Path, suffix: str) -> None:
    rules = write(
        tmp_path / "s.rules",
        f'group {CAFE}组 "g"\ninput 分数: number 0 to 100 "分数"\nscoring {CAFE}组:\n'
        "    item 得分 max 100 = 分数\n",
    )
    group = f"{CAFE_NFD}组"
    text = (
        json.dumps({"units": [{"unit": "A", "group": group, "facts": {"分数": 5}}]})
        if suffix == ".json"
        else f"unit,group,分数\nA,{group},5\n"
    )
    result = run("score", str(rules), str(write(tmp_path / f"d{suffix}", text)), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["units"][0]["group"] == f"{CAFE}组"


def test_a_golden_case_takes_its_groups_defaults_in_either_form(tmp_path: Path) -> None:
    write(
        tmp_path / "s.rules",
        f'group {CAFE}组 "g"\ninput 分数: number 0 to 100 "分数"\nscoring {CAFE}组:\n'
        "    item 得分 max 100 = 分数\n",
    )
    (tmp_path / "cases").mkdir()
    write(
        tmp_path / "cases" / "c.yaml",
        f"defaults: {{{CAFE}组: {{分数: 5}}}}\n"
        f"cases: [{{name: a, article: x, arithmetic: '分数 5', units: [{{unit: A, "
        f"group: {CAFE_NFD}组, facts: {{}}}}], expect: {{A: {{total: 5}}}}}}]\n",
    )
    result = run("test", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed" in result.output


def test_a_golden_cases_expectations_name_units_and_values_in_either_form(tmp_path: Path) -> None:
    write(
        tmp_path / "s.rules",
        f'group 甲组 "甲组"\nenum 等次: 优{CAFE}, 差\ninput 分数: number 0 to 100 "分数"\n'
        f"scoring 甲组:\n    item {CAFE}项 max 100 = 分数\n"
        f"grading 等次:\n    优{CAFE} if total >= 60\n    差 otherwise\n",
    )
    (tmp_path / "cases").mkdir()
    write(
        tmp_path / "cases" / "c.yaml",
        f"cases: [{{name: a, article: x, arithmetic: '分数 70 ≥ 60', "
        f"units: [{{unit: {CAFE}局, group: 甲组, facts: {{分数: 70}}}}], "
        f"expect: {{{CAFE_NFD}局: {{scores: {{{CAFE_NFD}项: 70}}, grade: 优{CAFE_NFD}}}}}}}]\n",
    )
    result = run("test", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed" in result.output


def test_a_given_value_named_in_either_form_is_that_value(tmp_path: Path) -> None:
    rules = write(
        tmp_path / "s.rules",
        f'group 甲组 "甲组"\ninput 分数: number 0 to 100 "分数"\nscoring 甲组:\n'
        f"    item {CAFE}项 max 100 = 分数\n",
    )
    unit = {
        "unit": "A",
        "group": "甲组",
        "facts": {"分数": 70},
        "given": {f"{CAFE_NFD}项": {"value": "80", "by": "复核组"}},
    }
    data = write(tmp_path / "d.json", json.dumps({"units": [unit]}))
    result = run("score", str(rules), str(data), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["units"][0]["total"] == "80"
