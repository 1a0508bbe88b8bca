"""`kaoping explain` is what an office shows a unit that appeals: every clause that applied or
did not (with the values its condition read), each record's part in an aggregate, statements
spanning several lines printed whole, labels in the unit's language, and only the grading lines
about the unit's group.

Every expected value is worked out by hand from the rules text of the test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from kaoping.cli import main
from kaoping.formatter import format_text

RULES = """\
scheme "explain"
group 乡镇 "乡镇"
group 街道 "街道"
enum 等级: 优, 良, 合格
enum 等次: 先进, 其他
record 事项:
    工作: text
    测评: 等级
input 调研: yesno "是否开展调研"
input 影响考评: yesno "是否影响全县考评"
input 事项: list of 事项 "牵头事项"
table 测评分 by 等级:
    优: 3
    良: 2
    合格: 1
scoring 乡镇, 街道:
    item 部署 max 2:
        add 1 if 调研
        add 1 if 调研 and not 影响考评
    item 激励 max 10:
        add sum 事项 of 测评分[测评] drop 1 lowest by 测评
    item 特色 max 10:
        add sum 事项 of 测评分[测评] highest per 工作
    let 折算 = (部署
        + 激励)
    across group:
        let 名次 = rank by total
grading 等次:
    先进 top 1 in 乡镇
    先进 top 1 in 街道
    其他 otherwise
"""


def _data(tmp_path: Path) -> tuple[str, str]:
    rules = tmp_path / "explain.rules"
    rules.write_text(RULES, "utf-8")
    records = [
        {"工作": "阶梯水价", "测评": "良"},
        {"工作": "阶梯水价", "测评": "优"},
        {"工作": "生态补偿", "测评": "合格"},
    ]
    data = {
        "units": [
            {
                "unit": "甲镇",
                "group": "乡镇",
                "facts": {"调研": True, "影响考评": True, "事项": records},
            },
            {
                "unit": "乙镇",
                "group": "乡镇",
                "facts": {"调研": False, "影响考评": False, "事项": []},
            },
            {
                "unit": "丙街道",
                "group": "街道",
                "facts": {"调研": True, "影响考评": False, "事项": []},
            },
        ]
    }
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return str(rules), str(path)


def _explain(tmp_path: Path, *extra: str) -> str:
    rules, data = _data(tmp_path)
    out = CliRunner().invoke(main, ["explain", rules, data, "--unit", "甲镇", *extra])
    assert out.exit_code == 0, out.output
    return out.output


def _json(tmp_path: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(_explain(tmp_path, "--format", "json"))
    return result


def _explain_units(
    tmp_path: Path, rules_text: str, units: list[dict[str, Any]], unit: str, lang: str
) -> str:
    """Explain `unit` of `units` scored with `rules_text`, through the command line."""
    rules = tmp_path / "scheme.rules"
    rules.write_text(rules_text, "utf-8")
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"units": units}, ensure_ascii=False), "utf-8")
    out = CliRunner().invoke(
        main, ["explain", str(rules), str(data), "--unit", unit, "--lang", lang]
    )
    assert out.exit_code == 0, out.output
    return out.output


def test_a_clause_its_condition_kept_out_is_shown_with_the_values_it_read(tmp_path: Path) -> None:
    text = _explain(tmp_path, "--lang", "en")
    # 部署 (line 17): 调研 → +1; "调研 and not 影响考评" is false because 影响考评 is yes
    assert "skipped                      explain.rules:19  add 1 if 调研 and not 影响考评" in text
    assert "its condition does not hold: 影响考评 = yes, 调研 = yes" in text
    values = {v["path"]: v for v in _json(tmp_path)["values"]}
    steps = values["部署"]["steps"]
    assert [(s["kind"], s["rule"]) for s in steps] == [
        ("add", "explain.rules:18"),
        ("skip", "explain.rules:19"),
    ]
    assert steps[1]["condition"] == {"影响考评": True, "调研": True}


def test_each_record_of_an_aggregate_says_what_became_of_it(tmp_path: Path) -> None:
    values = {v["path"]: v for v in _json(tmp_path)["values"]}
    # 激励: 良 2, 优 3, 合格 1; drop 1 lowest by 测评 → 合格 dropped; 2 + 3 = 5
    assert values["激励"]["value"] == "5"
    records = values["激励"]["steps"][0]["records"]
    assert [(r["record"], r["status"], r["value"]) for r in records] == [
        (1, "counted", "2"),
        (2, "counted", "3"),
        (3, "dropped: among the 1 lowest", None),
    ]
    # 特色: per 工作 the highest: 阶梯水价 max(2, 3) = 3 (the 良 superseded), 生态补偿 1 → 4
    assert values["特色"]["value"] == "4"
    records = values["特色"]["steps"][0]["records"]
    assert records[0]["status"] == ("superseded: another record with the same 工作 is worth more")
    assert [r["status"] for r in records[1:]] == ["counted", "counted"]


def test_a_statement_on_several_lines_is_printed_whole(tmp_path: Path) -> None:
    values = {v["path"]: v for v in _json(tmp_path)["values"]}
    assert values["折算"]["text"] == "let 折算 = (部署 + 激励)"
    assert values["折算"]["value"] == "6"  # 部署 1 + 激励 5


def test_grading_lines_for_other_groups_are_hidden_unless_verbose(tmp_path: Path) -> None:
    text = _explain(tmp_path, "--lang", "en")
    assert "先进 top 1 in 乡镇" in text
    assert "先进 top 1 in 街道" not in text
    assert "1 grading line(s) for other groups hidden (--verbose shows them)" in text
    verbose = _explain(tmp_path, "--lang", "en", "--verbose")
    assert "先进 top 1 in 街道" in verbose
    assert "hidden" not in verbose


def test_chinese_labels_use_the_chinese_keyword_set(tmp_path: Path) -> None:
    text = _explain(tmp_path, "--lang", "zh")
    assert "甲镇 (乡镇)  总分" in text
    assert "第 1 名(共 2 个)" in text
    assert "未适用" in text and "条件不成立: 影响考评 = 是, 调研 = 是" in text
    assert "输入:" in text and "评定:" in text
    # the labels are Chinese; the rules' own text is quoted as written (here in English)
    for english in ("total 10", "rank 1 of", "inputs:", "skipped ", "grading:", "counted", "(max"):
        assert english not in text, english


WEIGHTED = """\
scheme "weights"
group 部门 "部门"
input 省: number 0 to 100 optional "省专项"
input 市: number 0 to 100 "市专项"
input 自身: number 0 to 100 "自身工作"
scoring 部门:
    item 年度 max 100 = weighted {省: 60%, 市: 30%, 自身: 10%} redistribute equally
"""


def test_the_weights_used_after_an_absent_parts_weight_is_shared_out(tmp_path: Path) -> None:
    facts = {"省": None, "市": 80, "自身": 90}
    units = [{"unit": "县法制办", "group": "部门", "facts": facts}]
    output = _explain_units(tmp_path, WEIGHTED, units, "县法制办", "en")
    # 省 absent: its 60% is shared equally → 市 30% + 30% = 0.6, 自身 10% + 30% = 0.4;
    # 80 × 0.6 + 90 × 0.4 = 48 + 36 = 84
    assert "年度 = 84 (max 100)" in output
    assert "weights used: 省 absent, 市 80 × 0.6, 自身 90 × 0.4" in output


PROGRESS = """\
scheme "progress"
group 乡镇 "乡镇"
input 得分: number 0 to 100 "得分"
scoring 乡镇:
    item 工作 max 100 = 得分
    item 进步 max 3 = least(excess(得分, last year 得分 default 得分), 3)
"""


def test_what_a_rule_read_from_last_year_is_shown(tmp_path: Path) -> None:
    rules = tmp_path / "progress.rules"
    rules.write_text(PROGRESS, "utf-8")
    runner = CliRunner()

    def year(score: int) -> Path:
        path = tmp_path / f"data{score}.json"
        facts = {"得分": score}
        path.write_text(json.dumps({"units": [{"unit": "甲镇", "group": "乡镇", "facts": facts}]}))
        return path

    last = tmp_path / "last.json"
    first = runner.invoke(main, ["score", str(rules), str(year(80)), "--format", "json"])
    assert first.exit_code == 0, first.output
    last.write_text(first.output, "utf-8")
    out = runner.invoke(
        main,
        ["explain", str(rules), str(year(82)), "--unit", "甲镇", "--history", str(last)],
    )
    assert out.exit_code == 0, out.output
    # 进步 = least(excess(82, 80), 3) = least(2, 3) = 2, reading last year's 得分 80
    assert "进步 = 2 (max 3)" in out.output
    assert "last year: 得分 = 80" in out.output


MEAN = """\
scheme "mean"
group 部门 "部门"
input a: number 0 to 100 "a"
input b: number 0 to 100 "b"
input s: number 0 to 100 "安全生产"
scoring 部门:
    section 共性 max 100:
        take mean excluding 安全生产
        item 甲 max 100 = a
        item 乙 max 100 = b
        item 安全生产 max 100 = s
"""


def test_a_mean_names_the_children_it_leaves_out(tmp_path: Path) -> None:
    units = [{"unit": "县政府办", "group": "部门", "facts": {"a": 80, "b": 91, "s": 10}}]
    output = _explain_units(tmp_path, MEAN, units, "县政府办", "en")
    # (80 + 91) / 2 = 85.5; 安全生产 (10) is not in the mean (002 三(一)2.)
    assert "共性 = 85.5 (max 100)" in output
    assert "left out of the mean: 安全生产" in output


RELATIVE = """\
scheme "relative"
group 乡镇 "乡镇"
input 基础分: number 0 to 100 "基础分"
scoring 乡镇:
    across group:
        item 相对 max 120 = 基础分 ÷ best 基础分 × 120 default 0
"""


def test_group_values_are_labelled_in_the_chinese_keyword_set(tmp_path: Path) -> None:
    units = [
        {"unit": "甲", "group": "乡镇", "facts": {"基础分": 80}},
        {"unit": "乙", "group": "乡镇", "facts": {"基础分": 60}},
    ]
    output = _explain_units(tmp_path, RELATIVE, units, "乙", "zh")
    # 004 四(一): 60 ÷ 80 × 120 = 90
    assert "相对 = 90 (满分 120)" in output
    assert "组内值: 组内最高 基础分 = 80" in output
    assert "组内值: 组内最高 基础分:单位 = 甲" in output


# a veto bars 优秀; one 优秀 by total; 达标 from 600; the rest 不达标; then 不达标 below 650
GRADED_EN = """\
group 区直
enum 等次: 优秀, 达标, 不达标
input 得分: number 0 to 1000 "综合得分"
input 一票否决: yesno "被一票否决"
scoring 区直:
    item 综合 max 1000 = 得分
grading 等次:
    bar 优秀 if 一票否决
    优秀 top 1 in 区直
    达标 if total ≥ 600
    不达标 otherwise
    demote 不达标 if total < 650
"""
GRADED_ZH = format_text(GRADED_EN, to="zh")  # the same rules in the Chinese keywords
GRADED_UNITS = [
    {"unit": "甲", "group": "区直", "facts": {"得分": 950, "一票否决": True}},
    {"unit": "乙", "group": "区直", "facts": {"得分": 900, "一票否决": False}},
    {"unit": "丙", "group": "区直", "facts": {"得分": 620, "一票否决": False}},
]


def _reasons(text: str) -> list[str]:
    return [line.rsplit("  — ", 1)[1] for line in text.splitlines() if "  — " in line]


def test_grading_reasons_are_in_the_language_the_rules_are_written_in(tmp_path: Path) -> None:
    # 丙 (620, no veto): not vetoed; 乙 (900) and 丙 are the two eligible for the one 优秀 and
    # 丙 is second; 620 ≥ 600 gives 达标; `其余` passes over it; 620 < 650 demotes it
    chinese = [
        "条件不成立",
        "在 2 个可评单位中排第 2,名额 1 个",
        "条件成立",
        "已评为 达标",
        "条件成立(达标 → 不达标)",
    ]
    english = [
        "condition does not hold",
        "place 2 of 2 eligible, quota 1",
        "condition holds",
        "already graded 达标",
        "condition holds (达标 → 不达标)",
    ]
    for lang in ("zh", "en"):  # the labels' language does not change the rules' own words
        assert _reasons(_explain_units(tmp_path, GRADED_ZH, GRADED_UNITS, "丙", lang)) == chinese
        assert _reasons(_explain_units(tmp_path, GRADED_EN, GRADED_UNITS, "丙", lang)) == english
    # 甲 (950, vetoed): barred from the 优秀 quota
    vetoed = _reasons(_explain_units(tmp_path, GRADED_ZH, GRADED_UNITS, "甲", "zh"))
    assert vetoed[:2] == ["条件成立", "不得评为 优秀"]


def test_the_report_gives_the_same_reasons_as_explain(tmp_path: Path) -> None:
    rules = tmp_path / "scheme.rules"
    rules.write_text(GRADED_ZH, "utf-8")
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"units": GRADED_UNITS}, ensure_ascii=False), "utf-8")
    page = tmp_path / "r.html"
    out = CliRunner().invoke(main, ["report", str(rules), str(data), "-o", str(page)])
    assert out.exit_code == 0, out.output
    html = page.read_text("utf-8")
    assert "— 在 2 个可评单位中排第 1,名额 1 个</li>" in html  # 乙, the one 优秀
    assert "— 条件成立(达标 → 不达标)</li>" in html  # 丙
    assert "condition" not in html and "graded" not in html


def test_an_input_the_units_group_is_never_given_is_not_listed_as_missing() -> None:
    """tests/unseen/qingshan-xiangzhen 二(三)3.: 防汛抗旱得分 is given only for the two 乡镇
    groups; for a 城区街道 unit the item does not apply, and its input is not shown as `null`
    (as if the data had left it out), while a 乡镇 unit's explanation shows the value it read."""
    folder = str(Path(__file__).parent / "unseen" / "qingshan-xiangzhen")
    street = CliRunner().invoke(main, ["explain", folder, "--sample", "--unit", "城南街道"])
    town = CliRunner().invoke(main, ["explain", folder, "--sample", "--unit", "东湖镇"])
    assert street.exit_code == 0 and town.exit_code == 0, street.output + town.output
    assert "防汛抗旱 = not applicable" in street.output
    assert "防汛抗旱得分" not in street.output
    assert "inputs: 防汛抗旱得分 = 6.5" in town.output
