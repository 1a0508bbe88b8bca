"""Hostile rules files found by the long fuzzing run: each is a located diagnostic with exit 1,
never a traceback (the inputs are the ones the run reported, shrunk)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kaoping.cli import main
from kaoping.compiler.load import frontend


def check(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "t.rules"
    path.write_text(text, "utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output.replace(str(path), "t.rules")


NINES = "9" * 5000  # past Python's 4,300-digit limit on turning a whole number into text


def test_a_row_key_of_5000_digits_in_a_keyed_item_is_located(tmp_path: Path) -> None:
    # found by the long fuzzing run: a ValueError while writing the keyed item's E406 message
    code, out = check(
        tmp_path,
        f"""分组 甲
输入 n: 次数 "n"
评分 甲:
    指标 乙 按 n:
        {NINES}: 0.25, 0
        其余: 0
""",
    )
    assert code == 1
    assert "t.rules:5:9: error E106 the number 999999999999…999999 (5000 digits)" in out
    assert "more than 18 digits before the decimal point" in out
    assert "E406" not in out  # the checks after parsing never see the number


@pytest.mark.parametrize(
    ("number", "line"),
    [
        ("1" + "0" * 18, "before"),  # 19 digits
        ("0." + "0" * 30 + "1", "after"),  # 31 places
        ("1" + "0" * 18 + "%", "before"),
        ("１２３４５６７８９０１２３４５６７８９", "before"),  # full-width digits count too
    ],
)
def test_numbers_past_the_rules_bounds_are_e106(tmp_path: Path, number: str, line: str) -> None:
    code, out = check(
        tmp_path,
        f'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a = x × {number}\n',
    )
    assert code == 1
    assert f"t.rules:4:18: error E106 the number {number[:12]}" in out
    assert f"digits {line} the decimal point" in out


@pytest.mark.parametrize(
    "number",
    [
        "9" * 18,  # the longest whole part
        "0." + "0" * 29 + "1",  # the most places
        "0" * 40 + "5",  # leading zeros are not digits of the number
        "2." + "5" + "0" * 40,  # nor zeros closing the decimals
    ],
)
def test_numbers_within_the_rules_bounds_are_exact(tmp_path: Path, number: str) -> None:
    code, out = check(
        tmp_path,
        f'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a = x × {number}\n',
    )
    assert code == 0, out


def test_a_section_defined_twice_with_a_sheet_is_e202_at_the_second(tmp_path: Path) -> None:
    # found by the long fuzzing run: the second 甲's sheet was filed under the first 甲, whose
    # children did not include the sheet's items (KeyError: '甲.乙.丙')
    code, out = check(
        tmp_path,
        """分组 组
单位 乙: U1
输入 n: 次数 "n"
评分 组:
    部分 甲:
        指标 丁 = 1
    部分 甲:
        适用 乙:
            指标 丙 满分 0.5 按 n:
                1: 0.5
                其余: 0
    总分 = 甲
""",
    )
    assert code == 1
    assert "t.rules:7:5: error E202 '甲' is defined twice (first at t.rules:5:5)" in out


@pytest.mark.parametrize("sheet_first", [False, True])
def test_a_nested_section_repeating_a_sheet_path_is_e202_at_the_second(sheet_first: bool) -> None:
    # a child section 乙 and a sheet 乙 of one section both hold a 丙: 甲.乙.丙 twice. The
    # sheet's children are walked after the section's own, yet the error stands at whichever
    # comes second in the file, naming the first
    section = "        部分 乙:\n            部分 丙:\n                指标 丁 = n\n"
    sheet = "        适用 乙:\n            部分 丙:\n                指标 戊 = 1\n"
    first, second = (sheet, section) if sheet_first else (section, sheet)
    rules = (
        '分组 组\n单位 乙: U1\n输入 n: 次数 "n"\n评分 组:\n    部分 甲:\n'
        + first
        + second
        + "    总分 = 甲\n"
    )
    _model, diags = frontend({"r.rules": rules})
    errors = [d for d in diags if d.severity == "error"]
    assert [(d.code, d.span.line, d.span.col) for d in errors] == [("E202", 10, 13)]
    assert "first at r.rules:7:13" in errors[0].headline()


def test_the_diagnostics_of_one_file_split_it_into_lines_once() -> None:
    """Each diagnostic split the whole file again to show its line: `check` of a 100,000-item
    file (3.7 MB, a W402 per item) took minutes, quadratic in the file (10,000 items 14 s,
    20,000 items 51 s). The file is split once for all of its diagnostics."""
    from kaoping.diagnostics import Diagnostic, render
    from kaoping.span import Span

    class Counted(str):
        splits = 0

        def split(self, *args, **kwargs):  # type: ignore[no-untyped-def,override]
            Counted.splits += 1
            return super().split(*args, **kwargs)

    source = Counted("".join(f"input 输入{i}: count\n" for i in range(1, 1001)))
    shown = [
        render(Diagnostic("W407", Span("t.rules", n, 1, n, 6), {"name": f"输入{n}"}), source)
        for n in range(1, 1001)
    ]
    assert Counted.splits == 1
    assert shown[499].split("\n")[:2] == [
        "t.rules:500:1: warning W407 input '输入500' is declared but never used",
        "    input 输入500: count",
    ]


SMALL = """group 甲
input n: count "次数"
scoring 甲:
    item x max 4:
        add n
        cap 4
"""


def test_a_rules_file_over_a_million_characters_is_e107_before_it_is_parsed(
    tmp_path: Path,
) -> None:
    """A 48 MB rules file (one sum of 12 million terms) took all the memory there was and
    ended in a MemoryError traceback after half a minute; 100,000 items (3.7 MB) took 2.7 GB.
    A file is refused at once over 1,000,000 characters, and one of exactly that many is read."""
    limit = 1_000_000  # docs/diagnostics.md, E107
    padding = limit - len(SMALL) - 1  # a comment line: "#" + padding + "\n"
    at_limit = SMALL + "#" + "x" * (padding - 1) + "\n"
    assert len(at_limit) == limit
    code, out = check(tmp_path, at_limit)
    assert code == 0, out[:500]
    code, out = check(tmp_path, at_limit + "\n")
    assert code == 1
    assert out.startswith(
        "t.rules:1:1: error E107 the file has 1,000,001 characters, more than the 1,000,000 "
        "a rules file may have\n    group 甲\n    ^\n"
    ), out[:500]
