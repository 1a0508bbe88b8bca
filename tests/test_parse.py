"""Text → tree: both keyword sets, layout, and the syntax diagnostics E101, E102, K101."""

from __future__ import annotations

from importlib import resources

import pytest

from kaoping.diagnostics import render
from kaoping.grammar.parse import parse


def scheme_text(package: str) -> str:
    return resources.files(package).joinpath("scheme.rules").read_text("utf-8")


@pytest.mark.parametrize("package", ["kaoping.schemes.example_en", "kaoping.schemes.example_zh"])
def test_example_schemes_parse_cleanly(package):
    parsed = parse(scheme_text(package), "scheme.rules")
    assert parsed.diagnostics == ()
    assert parsed.tree is not None
    kinds = [child.data for child in parsed.tree.children]
    assert kinds.count("input_decl") == 10
    assert kinds.count("scoring_block") == 1
    assert kinds.count("grading_block") == 1


def test_comments_blank_lines_and_chinese_punctuation():
    text = (
        "# 开头的注释\n"
        "\n"
        "分组 县直单位 “县直单位”  # 行尾注释\n"
        "\n"
        "\n"
        "枚举 测评等次:优、良,合格\n"
        "输入 测评: 测评等次 “测评结果” 条款 “附件2”\n"
        "    # 缩进的注释\n"
        "评分 县直单位:\n"
        "\n"
        "    # 块内注释\n"
        "    指标 激励 满分 3 = 若 测评 属于 {优、良} 则 3 否则 1\n"
    )
    parsed = parse(text, "t.rules")
    assert parsed.diagnostics == ()
    assert parsed.tree is not None
    enum = next(c for c in parsed.tree.children if c.data == "enum_decl")
    names = [str(t) for t in enum.children[1].children]
    assert names == ["优", "良", "合格"]


def test_a_line_breaks_freely_inside_brackets():
    text = (
        "group G\n"
        'input a: number 0 to 1 "a"\n'
        'input b: number 0 to 1 "b"\n'
        "scoring G:\n"
        "    item x max 2 = least(a +\n"
        "                         b,\n"
        "      2)\n"
    )
    assert parse(text, "t.rules").diagnostics == ()


def test_syntax_error_column_counts_characters_not_bytes():
    text = (
        "分组 县直单位\n"
        '输入 信息报送次数: 次数 "次数"\n'
        "评分 县直单位:\n"
        "    指标 信息报送 满分 4 = 信息报送次数 ) 1\n"
    )
    parsed = parse(text, "dir/t.rules")
    assert parsed.tree is None
    [d] = parsed.diagnostics
    assert d.code == "E101"
    # "    指标 信息报送 满分 4 = 信息报送次数 " is 26 characters (and far more bytes)
    assert (d.span.line, d.span.col) == (4, 27)
    assert str(d.span) == "dir/t.rules:4:27"
    assert "')'" in d.message()
    shown = render(d, text)
    assert shown.startswith("dir/t.rules:4:27: error E101 syntax error")
    source_line, caret_line = shown.splitlines()[1:3]
    assert source_line == "    " + text.splitlines()[3]
    # the caret sits under the `)`: 4 + 26 characters before it, 14 of them Chinese (two columns)
    assert caret_line.index("^") == 4 + 26 + 14
    assert caret_line.strip() == "^"


def test_missing_space_after_keyword_is_e101_with_hint():
    text = '分组 G\n输入 x: 数值 0 至 9 "x"\n评分 G:\n    指标 X 满分 5:\n        加 x\n        封顶6\n'
    [d] = parse(text, "t.rules").diagnostics
    assert d.code == "E101"
    assert (d.span.line, d.span.col) == (6, 9)
    assert "`封顶 6`" in d.hint("en")
    assert "封顶 6" in d.hint("zh") and "空格" in d.hint("zh")
    assert "    " + "        封顶6" in render(d, text)


@pytest.mark.parametrize(
    "line",
    ["        cap6", "        add 1 ifx > 2"],
)
def test_missing_space_english(line):
    text = f'group G\ninput x: number 0 to 9 "x"\nscoring G:\n    item X max 5:\n{line}\n'
    [d] = parse(text, "t.rules").diagnostics
    assert d.code == "E101"
    assert d.span.line == 5
    assert "separated by a space" in d.hint()


def test_missing_colon_hint_inside_a_block():
    text = "group G\nscoring G:\n    item Y = 1\n    section S max 5\n        item X = 1\n"
    [d] = parse(text, "t.rules").diagnostics
    assert d.code == "E101"
    assert (d.span.line, d.span.col) == (4, 20)
    assert "must end with `:`" in d.hint()


def test_tab_indentation_is_e102_at_the_tab():
    text = "group G\nscoring G:\n  \titem X = 1\n"
    [d] = parse(text, "t.rules").diagnostics
    assert d.code == "E102"
    assert (d.span.line, d.span.col) == (3, 3)
    assert d.severity == "error"


def test_mixing_keyword_sets_is_k101_at_the_offending_keyword():
    text = 'group G\ninput x: number 0 to 9 "x"\nscoring G:\n    item X 满分 9 = x\n'
    parsed = parse(text, "t.rules")
    [d] = parsed.diagnostics
    assert d.code == "K101"
    assert (d.span.line, d.span.col) == (4, 12)
    assert "'满分' is Chinese, the file started in English" in d.message()
    assert "中文关键字" in d.message("zh") and "英文关键字" in d.message("zh")


def test_k101_when_a_chinese_file_switches_to_english():
    text = '分组 G\n输入 x: 数值 0 至 9 "x"\n评分 G:\n    指标 X 满分 9 = x\n    item Y max 1 = 1\n'
    [d] = parse(text, "t.rules").diagnostics
    assert d.code == "K101"
    assert (d.span.line, d.span.col) == (5, 5)


def test_the_first_syntax_error_of_every_declaration_is_reported() -> None:
    # three broken declarations, one good one in between: three diagnostics, at their own lines,
    # and nothing reported for the good one or for lines after a broken one
    text = (
        "分组 G\n"
        '输入 y 数值 0 至 10 "y"\n'  # missing ':'
        '输入 x: 数值 0 至 10 "x"\n'
        "评分 G:\n"
        "    指标 a 满分 10 = x +\n"  # incomplete expression
        "    指标 b 满分 10 = x\n"
        "枚举 E: A B\n"  # missing ','
    )
    diags = parse(text, "t.rules").diagnostics
    assert [(d.code, d.span.line) for d in diags] == [("E101", 2), ("E101", 5), ("E101", 7)]


def test_a_declaration_cut_short_before_the_next_is_not_called_the_end_of_the_file():
    """An input written without its description, with more rules after it: the error is at the
    end of that line and says the rule is incomplete (the file does not end there)."""
    text = 'group G\ninput a: yesno\ninput b: number 0 to 5 "b"\n'
    [d] = parse(text, "t.rules").diagnostics
    assert d.code == "E101"
    assert (d.span.line, d.span.col) == (2, 15)
    assert "the rule ends here before it is complete" in d.message()
    assert "file ends" not in d.message()
    assert "description" in d.hint("en") and "说明文字" in d.hint("zh")
    # at the very end of the file it is the end of the file
    [last] = parse('group G\ninput b: number 0 to 5 "b"\ninput a: yesno', "t.rules").diagnostics
    assert "the file ends in the middle of a rule" in last.message()
