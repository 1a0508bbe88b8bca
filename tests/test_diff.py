"""`kaoping diff OLD NEW DATA`: a copy of a scheme with one weight edited, scored on the same
data; the movements below are worked out by hand from the data and the two weightings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from kaoping.cli import main
from kaoping.exact import Q
from kaoping.plugins.manager import default_registry
from kaoping.schemediff.render import signed

RULES = """\
scheme "权重示例"
group 部门
enum 等次: 优秀, 良好, 一般
input 业务: number 0 to 100 "业务工作得分" article "第三条"
input 党建: number 0 to 100 "党建工作得分" article "第四条"
scoring 部门:
    let 综合 = weighted {业务: 60%, 党建: 40%} article "第五条"
    item 综合得分 max 100 article "第五条" = 综合
    across group:
        let 名次 = rank by total
grading 等次 article "第六条":
    优秀 top 1
    良好 if total >= 80
    一般 otherwise
"""

DATA = {
    "units": [
        {"unit": "甲", "group": "部门", "facts": {"业务": 90, "党建": 60}},
        {"unit": "乙", "group": "部门", "facts": {"业务": 70, "党建": 95}},
        {"unit": "丙", "group": "部门", "facts": {"业务": 84, "党建": 84}},
        {"unit": "丁", "group": "部门", "facts": {"业务": 75, "党建": 61}},
        {"unit": "戊", "group": "部门", "facts": {"业务": 50, "党建": 50}},
    ]
}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def two_versions(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The scheme, a copy with the weights 60/40 turned to 40/60 (line 7), and the data."""
    old = tmp_path / "old"
    new = tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "考核.rules").write_text(RULES, "utf-8")
    edited = RULES.replace("业务: 60%, 党建: 40%", "业务: 40%, 党建: 60%")
    assert edited != RULES
    (new / "考核.rules").write_text(edited, "utf-8")
    data = tmp_path / "data.json"
    data.write_text(json.dumps(DATA, ensure_ascii=False), "utf-8")
    return old, new, data


def test_who_moves_when_a_weight_changes(two_versions: tuple[Path, Path, Path]) -> None:
    # old = 60% 业务 + 40% 党建, new = 40% 业务 + 60% 党建:
    #   甲 90, 60: 54 + 24 = 78   → 36 + 36 = 72     (-6)
    #   乙 70, 95: 42 + 38 = 80   → 28 + 57 = 85     (+5)
    #   丙 84, 84: 84             → 84               (0)
    #   丁 75, 61: 45 + 24.4 = 69.4 → 30 + 36.6 = 66.6 (-2.8)
    #   戊 50, 50: 50             → 50               (unchanged)
    # ranks old: 丙 1, 乙 2, 甲 3, 丁 4, 戊 5; new: 乙 1, 丙 2, 甲 3, 丁 4, 戊 5
    # grades (优秀 top 1; 良好 if total >= 80): old 丙 优秀, 乙 良好; new 乙 优秀, 丙 良好 (84)
    # order: |rank change| (乙 1, 丙 1: then |total change| 5 > 0), then 甲 (6), 丁 (2.8)
    old, new, data = two_versions
    result = run("diff", str(old), str(new), str(data), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    units = [
        (
            u["unit"],
            u["total"]["old"],
            u["total"]["new"],
            u["total"]["change"],
            u["rank"]["old"],
            u["rank"]["new"],
            u["rank"]["places_up"],
            u["grade"]["old"],
            u["grade"]["new"],
        )
        for u in doc["units"]
    ]
    assert units == [
        ("乙", "80", "85", "+5", 2, 1, 1, "良好", "优秀"),
        ("丙", "84", "84", "0", 1, 2, -1, "优秀", "良好"),
        ("甲", "78", "72", "-6", 3, 3, 0, "一般", "一般"),
        ("丁", "69.4", "66.6", "-2.8", 4, 4, 0, "一般", "一般"),
    ]
    assert doc["unchanged"] == ["戊"]
    # the one rule that differs: the weighting, at line 7 of both files, under its article
    [change] = doc["rules"]
    assert change["change"] == "changed"
    assert change["article"] == "第五条"
    assert change["what"] == "let 综合 (部门): formula"
    assert change["old"]["at"] == f"{old / '考核.rules'}:7"
    assert change["new"]["at"] == f"{new / '考核.rules'}:7"
    assert "业务: 60%, 党建: 40%" in change["old"]["text"]
    assert "业务: 40%, 党建: 60%" in change["new"]["text"]


def test_table_shows_moves_grades_and_the_rule(two_versions: tuple[Path, Path, Path]) -> None:
    old, new, data = two_versions
    result = run("diff", str(old), str(new), str(data))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "units whose result changed: 4 of 5" in out
    lines = out.splitlines()
    row = next(line for line in lines if line.startswith("乙"))
    assert "80 → 85" in row and "+5" in row and "2 → 1" in row and "up 1" in row
    assert "良好 → 优秀" in row
    row = next(line for line in lines if line.startswith("丙"))
    assert "down 1" in row and "优秀 → 良好" in row
    assert "unchanged (1): 戊" in out
    assert "«第五条»" in out
    assert f"- {old / '考核.rules'}:7  let 综合 = weighted {{业务: 60%, 党建: 40%}}" in out
    assert f"+ {new / '考核.rules'}:7  let 综合 = weighted {{业务: 40%, 党建: 60%}}" in out


def test_changes_are_exact() -> None:
    assert signed(Q(1, 3), exact=True) == "+1/3"
    assert signed(Q(-1, 3), exact=False) == "≈-0.3333"
    assert signed(Q(7, 2), exact=False) == "+3.5"
    assert signed(Q(0), exact=True) == "0"


def test_clauses_added_removed_and_changed_by_article(tmp_path: Path) -> None:
    """An inserted clause is one added line (the clauses after it are not changed); a maximum
    changed is the item's head; an item renamed is one removed and one added."""
    sid = "example-zh"
    folder = tmp_path / "new"
    source = default_registry().rules(sid)[0]
    folder.mkdir()
    text = source.read_text("utf-8")
    edited = (
        text.replace(  # 协同推进: a new clause before `封顶 6`
            "        加 3 每 省采用篇数\n",
            "        加 3 每 省采用篇数\n        加 1 若 影响全县考评\n",
        )
        .replace("满分 4 条款", "满分 3 条款")  # 信息报送's maximum
        .replace(  # an item renamed: one removed, one added
            "    指标 满意度测评 满分 10 = 满意度\n",
            '    指标 社会满意度 满分 10 条款 "附件2 满意度测评" = 满意度\n',
        )
    )
    (folder / "scheme.rules").write_text(edited, "utf-8")
    result = run("diff", sid, str(folder), "--sample", "--format", "json")
    assert result.exit_code == 0, result.output
    rules = json.loads(result.stdout)["rules"]
    got = {(r["change"], r["what"], r["article"]) for r in rules}
    assert got == {
        ("changed", "item 改革组织领导.信息报送 (县直单位): max", "附件2 台帐管理 2."),
        ("added", "item 协同推进 (县直单位): clause", "附件2 协同推进 2."),
        ("removed", "item 满意度测评 (县直单位)", None),
        ("added", "item 社会满意度 (县直单位)", "附件2 满意度测评"),
    }
    added = next(r for r in rules if r["change"] == "added" and "clause" in r["what"])
    assert added["old"] is None and added["new"]["text"] == "加 1 若 影响全县考评"
    removed = next(r for r in rules if r["change"] == "removed")
    assert removed["new"] is None and removed["old"]["text"] == "指标 满意度测评 满分 10 = 满意度"


def test_data_that_does_not_fit_the_new_scheme(two_versions: tuple[Path, Path, Path]) -> None:
    old, new, data = two_versions
    rules = (new / "考核.rules").read_text("utf-8")
    rules = rules.replace(
        'article "第四条"\n', 'article "第四条"\ninput 创新: number 0 to 10 "创新得分"\n', 1
    ).replace("    item 综合得分", "    item 创新分 max 10 = 创新\n    item 综合得分")
    (new / "考核.rules").write_text(rules, "utf-8")
    result = run("diff", str(old), str(new), str(data))
    assert result.exit_code == 2, result.output
    assert "does not fit the new scheme 'new'" in result.stderr
    assert "unit '甲'" in result.stderr and "创新" in result.stderr


def test_workbook_of_unit_and_rule_changes(
    two_versions: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    old, new, data = two_versions
    out = tmp_path / "diff.xlsx"
    result = run("diff", str(old), str(new), str(data), "-o", str(out))
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["单位变化", "规则变化"]
    rows = list(wb["单位变化"].iter_rows(min_row=2, values_only=True))
    by_unit = {r[0]: r for r in rows}
    # 丁: 69.4 → 66.6, -2.8; ranks 4 → 4
    assert [str(v) for v in by_unit["丁"][2:8]] == ["69.4", "66.6", "-2.8", "4", "4", "0"]
    assert by_unit["乙"][7] == 1 and by_unit["丙"][7] == -1
    assert len(rows) == 5  # the unchanged unit too
    [rule] = list(wb["规则变化"].iter_rows(min_row=2, values_only=True))
    assert rule[0] == "第五条" and rule[1] == "修改"
    assert rule[4] == f"{old / '考核.rules'}:7"


def test_never_written_over_an_input(two_versions: tuple[Path, Path, Path]) -> None:
    old, new, data = two_versions
    before = data.read_bytes()
    result = run("diff", str(old), str(new), str(data), "-o", str(data))
    assert result.exit_code == 2
    assert "an input of this run" in result.stderr
    assert data.read_bytes() == before


def test_sample_is_the_old_schemes(tmp_path: Path) -> None:
    """`--sample` reads OLD's sample; the same scheme on both sides moves no one."""
    copy = tmp_path / "zh-copy"
    shutil.copytree(default_registry().rules("example-zh")[0].parent, copy)
    result = run("diff", "example-zh", str(copy), "--sample", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["units"] == [] and doc["rules"] == []
    assert len(doc["unchanged"]) == 4
    # OLD as a rules folder: its own sample beside its rules, and none there is a usage error
    result = run("diff", str(copy), "example-zh", "--sample", "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["unchanged"]) == 4
    for sample in copy.glob("sample.*"):
        sample.unlink()
    result = run("diff", str(copy), "example-zh", "--sample")
    assert result.exit_code == 3
    assert "ships no sample data" in result.output


def test_the_same_rules_in_the_other_keyword_set_differ_in_nothing() -> None:
    """example-en is example-zh line for line in English keywords: the same IR, the same
    results."""
    result = run("diff", "example-zh", "example-en", "--sample", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["rules"] == [] and doc["units"] == []
    assert doc["unchanged"] == sorted(doc["unchanged"]) and len(doc["unchanged"]) == 4
