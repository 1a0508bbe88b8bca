"""`kaoping fmt` and its layout rules (docs/formatting.md), one test a rule, and what the command
does with files that cannot be formatted."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaoping.cli import main
from kaoping.errors import CompileError
from kaoping.formatter import format_text


def fmt(text: str, to: str | None = None) -> str:
    return format_text(text, "t.rules", to)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["fmt", *args])
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------- layout rules


def test_blocks_are_indented_four_spaces_a_level() -> None:
    text = "group G\nscoring G:\n  section S:\n    item A:\n      add 1\n"
    assert fmt(text) == (
        "group G\n\nscoring G:\n    section S:\n        item A:\n            add 1\n"
    )


def test_spacing_around_operators_commas_colons_and_brackets() -> None:
    text = "group G\nscoring G:\n    item A=least( x ,3)*2+t[ k ]-b.c\n    let n=-3\n"
    assert fmt(text).splitlines()[3:] == [
        "    item A = least(x, 3) * 2 + t[k] - b.c",
        "    let n = -3",
    ]


def test_chinese_commas_and_colons_are_written_as_the_docs_write_them() -> None:
    assert fmt("枚举 等次：优、良，差\n") == "枚举 等次: 优, 良, 差\n"


def test_table_rows_align_counting_wide_characters_as_two_columns() -> None:
    text = "table T by E:\n    党中央国务院: 5\n    b: 2\n    省委: -1\n"
    assert (
        fmt(text)
        == "table T by E:\n    党中央国务院: 5\n    b:            2\n    省委:         -1\n"
    )


def test_a_run_of_enum_lines_aligns_and_a_blank_line_ends_the_run() -> None:
    text = "enum 事项类别: A, B\nenum 等次: 优, 良\n\nenum X: a\n"
    assert fmt(text) == "enum 事项类别: A, B\nenum 等次:     优, 良\n\nenum X: a\n"


def test_record_fields_and_keyed_rows_align() -> None:
    text = (
        'record R:\n    a: text\n    长名字: yesno\n\ngroup G\ninput x: number "x"\n\n'
        "scoring G:\n    item A by x:\n        0: 1\n        1 to 10: 2\n        otherwise: 0\n"
    )
    lines = fmt(text).splitlines()
    assert lines[1:3] == ["    a:      text", "    长名字: yesno"]
    assert lines[-3:] == ["        0:         1", "        1 to 10:   2", "        otherwise: 0"]


def test_one_blank_line_around_top_level_blocks_and_at_most_one_anywhere() -> None:
    text = '\n\nscheme "s"\ngroup G\n\n\n\ninput x: number "x"\n# about the scoring\nscoring G:\n\n    let y = 1\n\n\n    let z = 2\ngrading E:\n    A otherwise\n\n\n'
    assert fmt(text) == (
        'scheme "s"\ngroup G\n\ninput x: number "x"\n\n# about the scoring\nscoring G:\n'
        "    let y = 1\n\n    let z = 2\n\ngrading E:\n    A otherwise\n"
    )


def test_a_long_input_line_is_broken_into_its_parts_and_a_short_one_joined() -> None:
    desc = '"' + "说明" * 30 + '"'
    long_line = f'input x: number 0 to 10 {desc} for G article "第一条"\n'
    assert fmt(long_line) == (
        f'input x: number 0 to 10\n    {desc}\n    for G\n    article "第一条"\n'
    )
    assert fmt('input y: count\n    "short"\n    article "1"\n') == (
        'input y: count "short" article "1"\n'
    )


def test_a_long_constant_line_is_broken_before_its_article() -> None:
    text = 'constant 上限 = 5 article "' + "条" * 50 + '"\n'
    assert fmt(text) == 'constant 上限 = 5\n    article "' + "条" * 50 + '"\n'


def test_line_breaks_inside_brackets_are_kept_and_indented_by_depth() -> None:
    text = "group G\nscoring G:\n    let w = weighted {a: 60%,\n               b: 40%\n  } redistribute equally\n"
    assert fmt(text).splitlines()[3:] == [
        "    let w = weighted {a: 60%,",
        "        b: 40%",
        "    } redistribute equally",
    ]


def test_an_empty_file_stays_empty_and_comments_alone_stay() -> None:
    assert fmt("") == fmt("\n\n") == ""
    assert fmt("  # a note  \n\n\n# another\n") == "# a note\n\n# another\n"


def test_trailing_whitespace_goes_and_the_file_ends_with_one_newline() -> None:
    assert fmt('scheme "s"   \n\n\n') == 'scheme "s"\n'
    assert fmt('scheme "s"') == 'scheme "s"\n'
    assert fmt('\ufeffscheme "s"\r\n') == 'scheme "s"\n'


def test_comments_stay_where_they_are_full_line_and_end_of_line() -> None:
    text = (
        "# top\ngroup G # the group\nscoring G:\n# a note inside\n    item A:\n        add 1   # one\n"
        "        # last of the item\n# before grading\ngrading E:\n    A otherwise\n"
    )
    assert fmt(text) == (
        "# top\ngroup G  # the group\n\nscoring G:\n    # a note inside\n    item A:\n"
        "        add 1  # one\n        # last of the item\n\n# before grading\ngrading E:\n"
        "    A otherwise\n"
    )


def test_comments_inside_a_continued_input_keep_it_broken() -> None:
    text = 'input x: count  # head\n    # the description\n    "d"\n    article "1"  # where\n'
    assert fmt(text) == text.replace("count  #", "count  #")
    assert fmt(fmt(text)) == fmt(text)


def test_the_keyword_set_of_each_word_is_kept() -> None:
    mixed = 'scheme "s"\n分组 G\ninput x: 数值 "x"\n'
    assert fmt(mixed) == mixed


def test_to_translates_keywords_but_not_names_strings_or_comments() -> None:
    text = 'group 组 "group"  # group\ninput count: count "count"\n'
    assert fmt(text, to="zh") == '分组 组 "group"  # group\n输入 count: 次数 "count"\n'


def test_to_follows_context_and_word_order() -> None:
    text = (
        'group G\nenum E: A, B\ninput x: list of R "x"\nrecord R:\n    v: number\n    k: text\n\n'
        "scoring G:\n    let a = count x\n    let b = group mean v weighted by v\n"
        "    let c = sum x of v highest per k drop 1 lowest by v\n    let d = 1 in {A}\n\n"
        "grading E:\n    A top 2 in G\n    B otherwise\n"
    )
    out = fmt(text, to="zh")
    assert "设 a = 计数 x" in out
    assert "设 b = 组内平均 v 按 v 加权" in out
    assert "设 c = 合计 x 的 v 每 k 取最高 剔除 1 项 最低 按 v" in out
    assert "设 d = 1 属于 {A}" in out
    assert "A 前 2 名 于 G" in out
    assert 'x: 列表 R "x"' in out
    assert fmt(out, to="en") == fmt(text)


def test_a_file_that_does_not_parse_raises_the_parsers_error() -> None:
    with pytest.raises(CompileError) as err:
        format_text("scoring G\n    item X = 1\n", "bad.rules")
    assert [(d.code, d.span.path, d.span.line) for d in err.value.diagnostics] == [
        ("E101", "bad.rules", 1)
    ]


# ---------------------------------------------------------------- the command

UGLY = "group G\nscoring G:\n  item A=1\n"
TIDY = "group G\n\nscoring G:\n    item A = 1\n"


def test_fmt_rewrites_files_in_place_keeping_their_mode(tmp_path: Path) -> None:
    rules = tmp_path / "a.rules"
    rules.write_text(UGLY, "utf-8")
    rules.chmod(0o640)
    (tmp_path / "b.rules").write_text(TIDY, "utf-8")
    code, out, _ = run(str(tmp_path))
    assert (code, out) == (0, f"reformatted {rules}\n")
    assert rules.read_text("utf-8") == TIDY
    assert stat.S_IMODE(rules.stat().st_mode) == 0o640
    assert run(str(tmp_path))[:2] == (0, "")


def test_check_lists_what_would_change_and_writes_nothing(tmp_path: Path) -> None:
    rules = tmp_path / "sub" / "a.rules"
    rules.parent.mkdir()
    rules.write_text(UGLY, "utf-8")
    code, out, _ = run("--check", str(tmp_path))
    assert (code, out) == (1, f"would reformat {rules}\n")
    assert rules.read_text("utf-8") == UGLY
    rules.write_text(TIDY, "utf-8")
    assert run("--check", str(rules))[:2] == (0, "")


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path) -> None:
    rules = tmp_path / "a.rules"
    rules.write_text(UGLY, "utf-8")
    code, out, _ = run("--diff", str(rules))
    assert code == 1
    assert f"--- {rules} (as written)" in out
    assert "-  item A=1\n" in out and "+    item A = 1\n" in out
    assert rules.read_text("utf-8") == UGLY


def test_to_rewrites_the_keywords(tmp_path: Path) -> None:
    rules = tmp_path / "a.rules"
    rules.write_text(TIDY, "utf-8")
    assert run("--to", "zh", str(rules))[0] == 0
    assert rules.read_text("utf-8") == "分组 G\n\n评分 G:\n    指标 A = 1\n"


def test_a_file_with_a_syntax_error_is_reported_located_and_left_alone(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rules"
    bad.write_text("group G\nscoring G\n    item A = 1\n", "utf-8")
    other = tmp_path / "other.rules"
    other.write_text(UGLY, "utf-8")
    code, out, err = run(str(tmp_path))
    assert code == 1
    assert f"{bad}:2:" in err and "E101" in err
    assert bad.read_text("utf-8") == "group G\nscoring G\n    item A = 1\n"
    assert other.read_text("utf-8") == TIDY  # the other files are still formatted
    assert out == f"reformatted {other}\n"


def test_a_file_that_is_not_utf8_is_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "gbk.rules"
    data = "group G\n分组 ".encode() + "乙".encode("gbk") + b"\n"
    bad.write_bytes(data)
    code, _, err = run(str(bad))
    assert code == 1
    assert f"{bad}:2:4: error: not UTF-8 text" in err
    assert bad.read_bytes() == data


def test_a_symlink_named_is_formatted_through_one_in_a_folder_is_not_followed(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside.rules"
    outside.write_text(UGLY, "utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "link.rules").symlink_to(outside)
    (folder / "loop").symlink_to(folder)
    assert run("--check", str(folder))[:2] == (0, "")
    link = folder / "link.rules"
    assert run(str(link))[0] == 0
    assert link.is_symlink() and outside.read_text("utf-8") == TIDY


def test_a_fifo_named_is_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.rules"
    os.mkfifo(fifo)
    code, _, err = run(str(fifo))
    assert code == 1 and f"{fifo}: error: not a regular file" in err


def test_no_paths_or_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert run()[0] == 3
    assert run(str(tmp_path / "missing.rules"))[0] == 3


def test_a_file_that_cannot_be_written_is_exit_2_and_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The atomic writer refusing (a full disk, a read-only folder): reported, exit 2, the other
    files still tried."""
    import kaoping.io.output as output
    from kaoping.errors import OutputError

    tried: list[str] = []

    def refuse(target: object, chunks: object, inputs: object = (), was: object = None) -> None:
        tried.append(str(target))
        raise OutputError(f"cannot write {target}: No space left on device")

    monkeypatch.setattr(output, "write_output", refuse)
    rules, other = tmp_path / "a.rules", tmp_path / "b.rules"
    rules.write_text(UGLY, "utf-8")
    other.write_text(UGLY, "utf-8")
    code, out, err = run(str(rules), str(other))
    assert code == 2 and f"error: cannot write {rules}: No space left on device" in err
    assert tried == [str(rules), str(other)] and out == ""
    assert rules.read_text("utf-8") == UGLY


def test_a_long_line_breaks_inside_its_first_list_and_joins_again_when_it_fits() -> None:
    parts = [f"权重项目{i}: 10%" for i in range(8)]
    text = (
        "group G\n\nscoring G:\n    let w = weighted {"
        + ", ".join(parts)
        + "} redistribute equally\n"
    )
    broken = fmt(text)
    assert broken.splitlines()[3:] == [
        "    let w = weighted {",
        *(f"        {p}," for p in parts[:-1]),
        f"        {parts[-1]}",
        "    } redistribute equally",
    ]
    assert fmt(broken) == broken
    short = (
        "group G\n\nscoring G:\n    let w = weighted {\n        a: 60%,\n        b: 40%\n    }\n"
    )
    assert fmt(short) == "group G\n\nscoring G:\n    let w = weighted {a: 60%, b: 40%}\n"


def test_a_comment_inside_brackets_keeps_the_lines_it_is_between() -> None:
    text = "group G\n\nscoring G:\n    let w = least(a,  # the first\n      # then\n      b)\n"
    assert fmt(text) == (
        "group G\n\nscoring G:\n    let w = least(a,  # the first\n        # then\n        b)\n"
    )


def test_a_new_scheme_is_already_in_the_canonical_layout(tmp_path: Path) -> None:
    made = CliRunner().invoke(main, ["new-scheme", "jian-2018", "--dir", str(tmp_path / "new")])
    assert made.exit_code == 0, made.output
    found = list((tmp_path / "new").rglob("*.rules"))
    assert found
    assert run("--check", *map(str, found))[:2] == (0, "")


def test_two_clauses_of_one_kind_on_two_lines_stay_two_lines_when_translated() -> None:
    text = "group G\n\nscoring G:\n    item A:\n        until zero\n        until zero  # again\n"
    there = fmt(text, to="zh")
    assert there.splitlines()[-2:] == ["        扣完为止", "        扣完为止  # again"]
    assert fmt(there, to="en") == fmt(text) == fmt(fmt(text, to="en"), to="en")


def test_a_read_only_file_is_not_rewritten(tmp_path: Path) -> None:
    """A file marked read-only (no write bit: a vendored scheme, a file under review) is
    reported, exit 2, and left as it is, also for root, who could replace it; the others are
    still formatted."""
    locked, other = tmp_path / "a.rules", tmp_path / "b.rules"
    locked.write_text(UGLY, "utf-8")
    locked.chmod(0o444)
    other.write_text(UGLY, "utf-8")
    code, out, err = run(str(locked), str(other))
    assert code == 2
    assert f"error: not written: {locked} is read-only" in err
    assert out == f"reformatted {other}\n"
    assert locked.read_text("utf-8") == UGLY and stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert other.read_text("utf-8") == TIDY


def test_a_file_changed_while_it_is_formatted_keeps_the_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor saving the file between fmt's reading and its writing: the saved text stays
    (it was replaced by the formatting of the text before), fmt says so and exits 2."""
    import kaoping.formatter as formatter

    rules = tmp_path / "a.rules"
    rules.write_text(UGLY, "utf-8")
    saved = UGLY + "# added in the editor\n"
    real = formatter.format_text

    def format_while_saved(text: str, source: str, to: str | None = None) -> str:
        out = real(text, source, to)
        rules.write_text(saved, "utf-8")
        return out

    monkeypatch.setattr(formatter, "format_text", format_while_saved)
    code, out, err = run(str(rules))
    assert out == ""
    assert code == 2
    assert f"error: not written: {rules} changed while it was being formatted; run again" in err
    assert rules.read_text("utf-8") == saved
    assert [p.name for p in tmp_path.iterdir()] == ["a.rules"]  # no temporary left


def test_a_file_that_does_not_parse_is_never_rewritten(tmp_path: Path) -> None:
    broken = tmp_path / "a.rules"
    text = "group G\nscoring G:\n  item A = = 1\n"
    broken.write_text(text, "utf-8")
    code, _, _ = run(str(broken))
    assert code == 1
    assert broken.read_text("utf-8") == text
