"""Which units give which inputs, and input lines broken over several lines.

An input declared without `for` is given by the units of the groups whose rules read it (their
scoring block, consequences for them, grading lines, requirements): no `for` line is needed for
a fact only one group's sheet uses. As with `for`, a unit of another group giving it is a data
error: the office learns that the number is not used for that group."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers_scoring import D, compile_rules, run, unit, value
from kaoping.cli import main
from kaoping.compiler.load import frontend
from kaoping.errors import DataError
from kaoping.io.data import load_file
from kaoping.io.numbers import NumberText

TWO_SHEETS = """
方案 "两张表"
分组 县区
分组 部门
输入 水库总数: 次数 "辖区内水库总数"
输入 已退养水库数: 次数 "已完成退养的水库数"
输入 方案出台: 是否 "牵头任务的工作方案已出台"
输入 满意度: 数值 0 至 10 "满意度测评得分"
评分 县区:
    指标 退养进度 满分 10 = 已退养水库数 ÷ 水库总数 × 10 缺省 0
    指标 满意 满分 10 = 满意度
评分 部门:
    指标 工作方案 满分 15:
        加 15 若 方案出台
    指标 满意 满分 10 = 满意度
结果运用 适用 县区:
    输出 退养缺口 = 水库总数 - 已退养水库数
"""


def test_each_group_gives_only_the_inputs_its_rules_read() -> None:
    # 甲县: 退养进度 = 3 ÷ 4 × 10 = 7.5, 满意 8 → 15.5; 退养缺口 = 4 − 3 = 1
    # 发改委: 工作方案 15 (出台), 满意 9 → 24
    s = compile_rules(TWO_SHEETS, "two_sheets")
    res = run(
        s,
        [
            unit("甲县", "县区", 水库总数=4, 已退养水库数=3, 满意度=8),
            unit("发改委", "部门", 方案出台=True, 满意度=9),
        ],
    )
    county, dept = res.by_name("甲县"), res.by_name("发改委")
    assert county is not None and county.total == D("15.5")
    assert value(county, "退养缺口") == 1
    assert dept is not None and dept.total == 24


def test_giving_an_input_no_rule_of_the_group_reads_is_a_data_error() -> None:
    s = compile_rules(TWO_SHEETS, "two_sheets")
    with pytest.raises(DataError) as err:
        run(s, [unit("发改委", "部门", 方案出台=True, 满意度=9, 水库总数=4)])
    (problem,) = err.value.problems
    assert (problem.unit, problem.field) == ("发改委", "水库总数")
    assert problem.message == (
        "this input is not given for group '部门': no rule of that group reads it"
    )


def test_an_input_read_by_a_group_must_still_be_given_by_its_units() -> None:
    s = compile_rules(TWO_SHEETS, "two_sheets")
    with pytest.raises(DataError) as err:
        run(s, [unit("甲县", "县区", 水库总数=4, 满意度=8)])
    assert [(p.unit, p.field) for p in err.value.problems] == [("甲县", "已退养水库数")]


def test_a_consequence_for_one_group_makes_its_input_needed_by_that_group_only() -> None:
    rules = """
分组 县区
分组 部门
输入 满意度: 数值 0 至 10 "满意度"
输入 在岗人数: 次数 "在岗在编人数"
评分 县区, 部门:
    指标 满意 满分 10 = 满意度
结果运用 适用 部门:
    输出 奖金总额 = 在岗人数 × 2000
"""
    s = compile_rules(rules, "conseq_scope")
    # 部门 gives 在岗人数 (奖金总额 = 12 × 2000 = 24000); 县区 does not
    res = run(s, [unit("发改委", "部门", 满意度=9, 在岗人数=12), unit("甲县", "县区", 满意度=8)])
    assert value(res.by_name("发改委"), "奖金总额") == 24000
    assert s.model.inputs_for("县区").keys() == {"满意度"}
    assert s.model.inputs_for("部门").keys() == {"满意度", "在岗人数"}


def test_an_input_no_rule_reads_is_given_by_no_group() -> None:
    rules = TWO_SHEETS.replace(
        '输入 满意度: 数值 0 至 10 "满意度测评得分"\n',
        '输入 满意度: 数值 0 至 10 "满意度测评得分"\n输入 备注分: 数值 "未使用"\n',
    )
    _model, diags = frontend({"r.rules": rules})
    assert [d.message() for d in diags if d.code == "W407"] == [
        "input '备注分' is declared but never used"
    ]
    s = compile_rules(rules, "unused_input")
    assert "备注分" not in s.model.inputs_for("县区")
    assert "备注分" not in s.model.inputs_for("部门")


def test_csv_cells_of_inputs_a_group_does_not_read_stay_empty(tmp_path: Path) -> None:
    s = compile_rules(TWO_SHEETS, "two_sheets")
    path = tmp_path / "d.csv"
    path.write_text(
        "unit,group,水库总数,已退养水库数,方案出台,满意度\n甲县,县区,4,3,,8\n发改委,部门,,,是,9\n",
        "utf-8",
    )
    data = load_file(path, s.model)
    assert {d.name: dict(d.facts) for d in data} == {
        "甲县": {"水库总数": D(4), "已退养水库数": D(3), "满意度": D(8)},
        "发改委": {"方案出台": True, "满意度": D(9)},
    }
    path.write_text(
        "unit,group,水库总数,已退养水库数,方案出台,满意度\n发改委,部门,4,,是,9\n", "utf-8"
    )
    with pytest.raises(DataError) as err:
        load_file(path, s.model)
    assert [(p.unit, p.field) for p in err.value.problems] == [("发改委", "水库总数")]
    assert "leave the cell empty" in err.value.problems[0].message


def test_kaoping_inputs_names_the_groups_that_give_each_input(tmp_path: Path) -> None:
    path = tmp_path / "two.rules"
    path.write_text(TWO_SHEETS.lstrip("\n"), "utf-8")
    out = CliRunner().invoke(main, ["inputs", str(path)]).output
    assert "水库总数: count  [县区 (the groups whose rules read it)]" in out
    assert "满意度: number 0 to 10  [县区, 部门 (the groups whose rules read it)]" in out


LONG = """
分组 县区
分组 部门
输入 目标责任考核权重: 数值 0 至 100
    "转型综改工作考核分值纳入全市年度目标责任考核时的权重"
    "(百分数;由市考核办确定,本方案未规定)"
    适用 县区 条款 "001 八(一)"
输入 得分: 数值 0 至 10 "专家评分" 适用 县区, 部门
    条款 "001 附件"
评分 县区, 部门:
    指标 基础 满分 10 = 得分
    输出 分值 = 总分 × (若 所在分组 = 县区 则 目标责任考核权重 缺省 0 否则 0) ÷ 100
"""


def test_a_long_input_line_goes_on_in_lines_indented_under_it() -> None:
    s = compile_rules(LONG, "long_input")
    decl = s.model.inputs["目标责任考核权重"]
    # the two strings are joined as written; `for` and `article` come from the next line
    assert decl.description == (
        "转型综改工作考核分值纳入全市年度目标责任考核时的权重(百分数;由市考核办确定,本方案未规定)"
    )
    assert (decl.groups, decl.article) == (("县区",), "001 八(一)")
    assert s.model.inputs["得分"].article == "001 附件"
    # 分值 = 8 × 30 ÷ 100 = 2.4
    r = run(s, [unit("甲县", "县区", 得分=8, 目标责任考核权重=30)]).by_name("甲县")
    assert value(r, "分值") == D("2.4")


def test_the_english_keyword_set_breaks_an_input_line_alike() -> None:
    english = """
group Counties
input weight: number 0 to 100
    "the weight the office gives"
    for Counties article "001 8(1)"
scoring Counties:
    item base max 100 = weight
"""
    chinese = english.replace("group", "分组").replace("input", "输入")
    chinese = chinese.replace("number 0 to 100", "数值 0 至 100").replace("for ", "适用 ")
    chinese = chinese.replace("article", "条款").replace("scoring", "评分")
    chinese = chinese.replace("item base max", "指标 base 满分")
    got: list[Any] = []
    for text in (english, chinese):
        model, diags = frontend({"r.rules": text})
        assert diags == [] and model is not None
        got.append(model.inputs["weight"])
    assert got[0] == got[1]


@pytest.mark.parametrize(
    ("text", "line", "detail"),
    [
        (
            '输入 x: 数值 "说明" 适用 G\n    适用 G\n',
            3,
            "`适用` is given twice for input x",  # the file's keyword,
        ),
        ('输入 x: 数值 "说明" 条款 "a"\n    条款 "b"\n', 3, "`条款` is given twice for input x"),
        ("输入 x: 数值\n    适用 G\n", 2, "input x needs a description string"),
    ],
)
def test_the_parts_of_a_broken_input_line_are_given_once(text: str, line: int, detail: str) -> None:
    rules = "分组 G\n" + text + "评分 G:\n    指标 a = x\n"
    _model, diags = frontend({"r.rules": rules})
    assert [(d.code, d.span.line, d.message()) for d in diags] == [
        ("E101", line, f"syntax error: {detail}")
    ]


# --------------------------------------------------------------------------- whole numbers

RANKED = """
分组 县区
输入 全市名次: 整数 1 至 11 "在全市11个县区中的名次"
输入 位次变化: 整数 "与上年相比前移的位数(后移为负)"
评分 县区:
    指标 名次得分 满分 10 按 全市名次:
        1 至 3: 10, 8, 6
        4 至 11: 4
    指标 进位 = 位次变化
"""


@pytest.mark.parametrize(
    ("rank", "message"),
    [
        ("3.5", "this input must be a whole number, got '3.5'"),  # a rank of 3.5, as text
        (NumberText("3.5"), "this input must be a whole number, got 3.5"),  # as a JSON number
        (D("3.5"), "this input must be a whole number, got 3.5"),
        (
            NumberText("3.0"),
            "this input is a whole number written without a decimal point or exponent, got 3.0",
        ),
        (0, "0 is outside the allowed range 1 to 11"),
        (12, "12 is outside the allowed range 1 to 11"),
    ],
)
def test_a_whole_number_input_rejects_fractions_and_values_outside_its_range(
    rank: Any, message: str
) -> None:
    s = compile_rules(RANKED, "integer_inputs")
    with pytest.raises(DataError) as err:
        run(s, [unit("甲县", "县区", 全市名次=rank, 位次变化=0)])
    assert [(p.unit, p.field, p.message) for p in err.value.problems] == [
        ("甲县", "全市名次", message)
    ]


def test_a_whole_number_input_is_a_whole_number_key() -> None:
    # rows 1 至 3 and 4 至 11 meet for a whole number (no E406); rank 2 → 8, rank 7 → 4;
    # 位次变化 may be negative: −2
    _model, diags = frontend({"r.rules": RANKED})
    assert diags == []
    s = compile_rules(RANKED, "integer_inputs")
    res = run(
        s,
        [
            unit("甲县", "县区", 全市名次=2, 位次变化=-2),
            unit("乙县", "县区", 全市名次="7", 位次变化="3"),
        ],
    )
    assert (value(res.by_name("甲县"), "名次得分"), value(res.by_name("甲县"), "进位")) == (8, -2)
    assert (value(res.by_name("乙县"), "名次得分"), value(res.by_name("乙县"), "进位")) == (4, 3)


def test_the_english_keyword_for_a_whole_number_is_integer() -> None:
    english = 'group G\ninput place: integer 1 to 11 "place"\nscoring G:\n    item a = place\n'
    chinese = '分组 G\n输入 place: 整数 1 至 11 "place"\n评分 G:\n    指标 a = place\n'
    modules = []
    for text in (english, chinese):
        model, diags = frontend({"r.rules": text})
        assert diags == [] and model is not None
        modules.append(model.module)
    assert modules[0] == modules[1]
    assert str(modules[0].inputs[0].type) == "integer 1 to 11"
