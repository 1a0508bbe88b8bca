"""What a user gets from the files real offices produce: Windows editors' byte-order marks,
GBK-encoded exports, full-width punctuation from a Chinese input method, wrong indentation,
short CSV rows, malformed history. Each is a clear message or just works; never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kaoping.cli import main
from kaoping.compiler.load import compile_sources, frontend
from kaoping.compiler.lower import build_module, lower_file
from kaoping.errors import DataError
from kaoping.grammar.parse import parse
from kaoping.io.data import load_file
from kaoping.io.validate import validate
from kaoping.scoring import score

BASE = """分组 县直单位
枚举 等次: 先进, 其他
输入 信息报送次数: 次数 "全年报送信息的次数"
评分 县直单位:
    指标 信息报送 满分 4:
        起评 满分
        扣 1 每 不足(信息报送次数, 4)
评定 等次:
    先进 前 1 名
    其他 其余
"""
DATA = '{"units": [{"unit": "县发改委", "group": "县直单位", "facts": {"信息报送次数": 3}}]}'


def check(tmp_path: Path, text: str | bytes, *args: str) -> tuple[int, str]:
    path = tmp_path / "t.rules"
    if isinstance(text, str):
        path.write_text(text, "utf-8")
    else:
        path.write_bytes(text)
    result = CliRunner().invoke(main, ["check", str(path), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    code, out = check(tmp_path, "\ufeff" + BASE)
    assert code == 0, out


def test_a_byte_order_mark_in_a_second_file_keeps_that_file(tmp_path: Path) -> None:
    # the grading lives in the file with the BOM: it must not be dropped silently
    rules, grading = BASE.split("评定 等次:")
    folder = tmp_path / "scheme"
    folder.mkdir()
    (folder / "a.rules").write_text(rules, "utf-8")
    (folder / "b.rules").write_text("\ufeff# 评定\n评定 等次:" + grading, "utf-8")
    result = CliRunner().invoke(
        main, ["score", str(folder), str(_data(tmp_path)), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert '"grade": "先进"' in result.output


def _data(tmp_path: Path) -> Path:
    path = tmp_path / "data.json"
    path.write_text(DATA, "utf-8")
    return path


def test_a_broken_line_before_the_first_declaration_is_reported(tmp_path: Path) -> None:
    # a stray line at the top (here a comment typed with `%`) used to hide the whole file
    code, out = check(tmp_path, "% 注释\n" + BASE + "坏行\n")
    assert code == 1
    assert "t.rules:1:1:" in out and "t.rules:12:" in out


def test_an_indent_matching_no_block_is_a_syntax_error_not_a_crash(tmp_path: Path) -> None:
    text = BASE.replace("        扣 1 每", "       扣 1 每")  # 7 spaces instead of 8
    code, out = check(tmp_path, text)
    assert code == 1
    assert "t.rules:7:8:" in out and "E101" in out and "indentation (7)" in out
    assert "Traceback" not in out


def test_tabs_and_full_width_spaces_in_the_indent_are_reported(tmp_path: Path) -> None:
    text = BASE.replace("        起评 满分", "\u3000\u3000起评 满分")
    code, out = check(tmp_path, text)
    assert code == 1 and "t.rules:6:1:" in out and "E102" in out


def test_full_width_punctuation_reads_as_ascii() -> None:
    ascii_text = BASE.replace("起评 满分", "起评 最小(信息报送次数 × 50%, 4)")
    full_width = ascii_text.replace("(", "（").replace(")", "）").replace("%", "％")
    full_width = full_width.replace(", 4", "， 4").replace(":", "：")
    trees = [parse(t, "t.rules").tree for t in (ascii_text, full_width)]
    assert all(t is not None for t in trees)
    modules = [build_module([lower_file(t, "t.rules")]) for t in trees if t is not None]
    assert modules[0] == modules[1]


def test_full_width_punctuation_inside_strings_is_kept() -> None:
    text = BASE.replace('"全年报送信息的次数"', '"全年报送信息的次数（次）"')
    scheme = compile_sources("fw", {"t.rules": text})
    assert scheme.model.inputs["信息报送次数"].description == "全年报送信息的次数（次）"


def test_a_rules_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    code, out = check(tmp_path, BASE.encode("gbk"))
    assert code == 1
    assert "not UTF-8" in out and "Traceback" not in out


def test_a_data_file_that_is_not_utf8_is_a_data_error(tmp_path: Path) -> None:
    scheme = compile_sources("gbk", {"t.rules": BASE})
    path = tmp_path / "d.csv"
    path.write_bytes("unit,group,信息报送次数\n县发改委,县直单位,3\n".encode("gbk"))
    with pytest.raises(DataError, match="not UTF-8"):
        load_file(path, scheme.model)


def test_an_empty_file_has_nothing_to_score() -> None:
    _, diags = frontend({"t.rules": "# 只有注释\n\n"})
    assert [d.code for d in diags] == ["E604"]


def test_a_short_csv_row_is_an_error_not_nulls(tmp_path: Path) -> None:
    text = BASE.replace(
        '输入 信息报送次数: 次数 "全年报送信息的次数"',
        '输入 信息报送次数: 次数 "全年报送信息的次数"\n输入 加分: 数值 0 至 1 可缺 "酌情加分"',
    )
    text = text.replace(
        "扣 1 每 不足(信息报送次数, 4)", "扣 1 每 不足(信息报送次数, 4)\n        加 加分 缺省 0"
    )
    scheme = compile_sources("csv", {"t.rules": text})
    path = tmp_path / "d.csv"
    path.write_text("unit,group,信息报送次数,加分\n县财政局,县直单位,5\n", "utf-8")
    with pytest.raises(DataError, match="stops before column"):
        load_file(path, scheme.model)


def test_sample_and_data_together_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["score", "example-zh", str(_data(tmp_path)), "--sample"])
    assert result.exit_code == 3 and "not both" in result.output


def test_an_unwritable_output_path_is_reported(tmp_path: Path) -> None:
    rules = tmp_path / "t.rules"
    rules.write_text(BASE, "utf-8")
    target = tmp_path / "missing" / "out.json"
    result = CliRunner().invoke(
        main, ["score", str(rules), str(_data(tmp_path)), "-o", str(target)]
    )
    assert result.exit_code == 2 and "cannot write" in result.output
    assert not target.exists()


def test_history_values_must_be_numbers_and_units_unique() -> None:
    scheme = compile_sources("h", {"t.rules": BASE})
    data = validate(
        {"units": [{"unit": "县发改委", "group": "县直单位", "facts": {"信息报送次数": 3}}]},
        scheme.model,
        "d",
    )
    history = {
        "units": [
            {"unit": "县发改委", "total": "abc"},
            {"unit": "县发改委", "outputs": {"奖金": "很多"}},
        ]
    }
    with pytest.raises(DataError) as err:
        score(scheme, data, history)
    found = {(p.unit, p.field) for p in err.value.problems}
    assert found == {("县发改委", "total"), ("县发改委", "outputs.奖金"), ("县发改委", None)}


def test_a_grade_compared_with_a_value_of_its_undeclared_enum_is_located_not_a_crash() -> None:
    # found by the long fuzzing run: anfu-2017 with its grade enum deleted
    from kaoping.compiler.load import frontend

    rules = """\
scheme "t"
group G "g"
input x: number 0 to 10 "x"
scoring G:
    item a max 10 = x
grading 等次:
    先进 if total > 5
    其他 otherwise
consequences:
    flag 表彰 if 等次 = 先进
"""
    _model, diags = frontend({"r.rules": rules})
    errors = [(d.code, d.span.line) for d in diags if d.severity == "error"]
    assert ("E602", 6) in errors  # the grading names no declared enum
    assert ("E201", 10) in errors  # so 先进 in the consequence is an unknown name
