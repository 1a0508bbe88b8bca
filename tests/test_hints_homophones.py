"""Hints for what a policy writer types: a Chinese keyword typed with a homophone by a pinyin
input method (起平 for 起评, 扣完位置 for 扣完为止, 满份 for 满分, 封定 for 封顶) names the keyword
meant; the list of what an item clause may be names the Chinese clauses only, never `非` (the
first word of the English `not applicable if`, whose Chinese is `不涉及`); a `前 15%` quota without
its rounding asks for the document's."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kaoping.cli import main

ITEM = """方案 "同音字"
分组 部门
输入 次数: 次数 "次数"
评分 部门:
    指标 甲 满分 10:
        CLAUSE
"""


def _check(tmp_path: Path, clause: str) -> str:
    path = tmp_path / "t.rules"
    path.write_text(ITEM.replace("CLAUSE", clause), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    return result.output


@pytest.mark.parametrize(
    ("clause", "meant"),
    [
        ("起平 满分", "起评"),
        ("封定 10", "封顶"),
        ("保低 0", "保底"),
    ],
)
def test_a_homophone_of_a_clause_keyword_is_named(tmp_path: Path, clause: str, meant: str) -> None:
    out = _check(tmp_path, clause)
    typed = clause.split()[0]
    assert "t.rules:6:9: error E101" in out
    assert f"there is no keyword `{typed}`; did you mean `{meant}`?" in out


def test_a_homophone_of_a_long_keyword_is_not_told_to_add_a_space(tmp_path: Path) -> None:
    # 扣完位置 begins with the keyword 扣: it is 扣完为止 mistyped, not 扣 glued to a name
    out = _check(tmp_path, "起评 满分\n        扣 1 每 次数\n        扣完位置")
    assert "t.rules:8:9: error E101" in out
    assert "there is no keyword `扣完位置`; did you mean `扣完为止`?" in out
    assert "needs a space" not in out


def test_a_homophone_of_max_read_as_a_name_is_named(tmp_path: Path) -> None:
    out = _check(tmp_path, "起评 满份")
    assert "E201 unknown name '满份'" in out
    assert "did you mean `满分`?" in out


def test_the_clauses_expected_are_the_files_own(tmp_path: Path) -> None:
    out = _check(tmp_path, "起平 满分")
    expected = out.split("expected an item clause: ")[1].split("\n")[0]
    assert "`不涉及`" in expected and "`起评`" in expected
    assert "`非`" not in expected


def test_a_word_sharing_a_character_elsewhere_is_not_offered(tmp_path: Path) -> None:
    # 先进 (a grade) shares 进 with the keyword 进一, but not in the same place
    from kaoping.grammar.expected import nearest_keywords

    assert "进一" not in nearest_keywords("先进", "zh")


QUOTA = """方案 "名额"
分组 医院
枚举 等次: 优秀, 合格
输入 得分: 数值 0 至 100 "得分"
评分 医院:
    指标 甲 满分 100 = 得分
评定 等次:
    优秀 前 15%LINE_END
    合格 其余
"""


@pytest.mark.parametrize("line_end", ["", ' 条款 "三(二)"'])
def test_a_share_quota_without_its_rounding_asks_for_the_documents(
    tmp_path: Path, line_end: str
) -> None:
    # 优秀医院数不超过15%(计算结果不足1家的部分舍去): the rounding is the document's `去尾`
    path = tmp_path / "q.rules"
    path.write_text(QUOTA.replace("LINE_END", line_end), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "q.rules:8:" in result.output and "E101" in result.output
    assert "a share of the group becomes a number of units only by a rounding" in result.output
    assert "`去尾` where it drops the fraction" in result.output
    # only a rounding may follow: not the end of the line, not an article
    assert "expected `四舍五入`, `银行家舍入`, `去尾` or `进一`" in result.output


def test_a_share_of_a_distribution_is_not_told_it_needs_a_rounding(tmp_path: Path) -> None:
    """`require … distributed 优 20%, …` may end without a rounding (the document's share,
    counted as the raters gave it): a bad word after it is not blamed on a missing one."""
    path = tmp_path / "d.rules"
    text = QUOTA.replace("LINE_END", " 去尾").replace(
        "    指标 甲", "    校验 等次分 分布 优秀 20%, 合格 80% 好\n    指标 甲"
    )
    text = text.replace("输入 得分", '输入 等次分: 等次 "测评"\n输入 得分')
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "d.rules:7:" in result.output and "unexpected '好'" in result.output, result.output
    assert "only by a rounding" not in result.output


def test_a_grade_typed_with_a_homophone_is_named(tmp_path: Path) -> None:
    # 优等 for 优秀 (the same 优, the other character mistyped): E204 names the grade meant
    path = tmp_path / "g.rules"
    path.write_text(QUOTA.replace("15%LINE_END", "15% 去尾\n    取消 优等 若 得分 < 85"), "utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert "E204 '优等' is not a value of enum '等次'" in result.output
    assert "did you mean '优秀'?" in result.output
