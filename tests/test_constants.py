"""Scheme-wide constants: a conversion factor the scheme fixes once (`constant 折算系数 = 0.8`),
and a value the office enters once per run, in the data file's top-level `constants`, validated
like an input (001 八(一): "由市考核办根据考核分值,按权重得出……分值" — the weight is the office's)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers_scoring import D, compile_rules, unit, value
from kaoping.cli import main
from kaoping.compiler.load import frontend
from kaoping.errors import DataError
from kaoping.explain_tree import explain_data
from kaoping.io.results import to_json
from kaoping.io.validate import validate
from kaoping.scoring import score

RULES = """
方案 "折算"
分组 县区
常量 折算系数 = 0.8 条款 "折算办法"
常量 目标责任考核权重: 数值 0 至 100 "纳入全市目标责任考核的权重(百分数,市考核办确定)" 条款 "001 八(一)"
输入 得分: 数值 0 至 100 "转型综改考核得分"
评分 县区:
    指标 基础 满分 100 = 得分
    设 折算分 = 基础 × 折算系数
    输出 目标责任考核分值 = 总分 × 目标责任考核权重 ÷ 100 条款 "001 八(一)"
"""


def scored(constants: Any, *units: dict[str, Any]) -> Any:
    s = compile_rules(RULES, "constants")
    raw: dict[str, Any] = {"units": list(units)}
    if constants is not None:
        raw["constants"] = constants
    return score(s, validate(raw, s.model, "data.json"), trace=True)


def test_a_fixed_constant_and_one_entered_for_the_run_reach_every_unit() -> None:
    # 甲: 折算分 = 90 × 0.8 = 72; 分值 = 90 × 30 ÷ 100 = 27
    # 乙: 折算分 = 75 × 0.8 = 60; 分值 = 75 × 30 ÷ 100 = 22.5
    res = scored({"目标责任考核权重": 30}, unit("甲", "县区", 得分=90), unit("乙", "县区", 得分=75))
    a, b = res.by_name("甲"), res.by_name("乙")
    assert (value(a, "折算分"), value(a, "目标责任考核分值")) == (72, 27)
    assert (value(b, "折算分"), value(b, "目标责任考核分值")) == (60, D("22.5"))


@pytest.mark.parametrize(
    ("constants", "field", "words"),
    [
        (None, "constants.目标责任考核权重", "missing"),
        ({}, "constants.目标责任考核权重", "missing"),
        ({"目标责任考核权重": 130}, "constants.目标责任考核权重", "outside the allowed range"),
        ({"目标责任考核权重": "三十"}, "constants.目标责任考核权重", "expected a number"),
        ({"目标责任考核权重": 30, "折算系数": 1}, "constants.折算系数", "fixed by the rules"),
        ({"目标责任考核权重": 30, "系数": 1}, "constants.系数", "is not a constant"),
        ([30], "constants", "must be an object"),
    ],
)
def test_constants_in_the_data_are_validated(constants: Any, field: str, words: str) -> None:
    with pytest.raises(DataError) as err:
        scored(constants, unit("甲", "县区", 得分=90))
    (problem,) = err.value.problems
    assert problem.unit is None and problem.field == field and words in problem.message


def test_a_unit_cannot_give_a_constant_as_its_own_fact() -> None:
    with pytest.raises(DataError) as err:
        scored({"目标责任考核权重": 30}, unit("甲", "县区", 得分=90, 目标责任考核权重=20))
    assert [(p.unit, p.field) for p in err.value.problems] == [("甲", "目标责任考核权重")]


def test_the_results_give_the_constants_once_and_explain_shows_them() -> None:
    res = scored({"目标责任考核权重": 30}, unit("甲", "县区", 得分=90))
    doc = json.loads(to_json(res))
    assert doc["constants"] == {"目标责任考核权重": "30"}
    assert doc["units"][0]["facts"] == {"得分": "90"}
    r = res.by_name("甲")
    assert r is not None
    values = {v["path"]: v for v in explain_data(res, r)["values"]}
    assert values["折算分"]["inputs"] == {"折算系数": "0.8"}
    assert values["目标责任考核分值"]["inputs"] == {"目标责任考核权重": "30"}


def test_the_command_line_reads_constants_from_the_data_file(tmp_path: Path) -> None:
    rules = tmp_path / "c.rules"
    rules.write_text(RULES.lstrip("\n"), "utf-8")
    data = tmp_path / "d.json"
    doc = {"constants": {"目标责任考核权重": 30}, "units": [unit("甲", "县区", 得分=90)]}
    data.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    out = CliRunner().invoke(main, ["score", str(rules), str(data), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["units"][0]["outputs"] == {"目标责任考核分值": "27"}
    doc.pop("constants")
    data.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    out = CliRunner().invoke(main, ["score", str(rules), str(data)])
    assert out.exit_code == 2 and "constants.目标责任考核权重" in out.output


def test_a_fixed_constant_gives_the_checker_an_exact_range() -> None:
    # 基础 × 0.8 lies in [0, 80]: an item of max 80 needs no cap
    rules = RULES + "    指标 折算 满分 80 = 基础 × 折算系数\n"
    _model, diags = frontend({"r.rules": rules})
    assert diags == []


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("常量 得分 = 1\n", "E202"),  # the name of an input
        ("常量 折算系数 = 0.5\n", "E202"),  # declared twice
        ('常量 名单: 列表 记录 "名单"\n', "E201"),  # no such record (and a list is no constant)
    ],
)
def test_constant_declarations_are_checked(line: str, code: str) -> None:
    _model, diags = frontend({"r.rules": RULES + line})
    assert code in {d.code for d in diags}


def test_english_and_chinese_constants_are_the_same() -> None:
    english = """
group G
constant factor = 0.8 article "x"
constant weight: number 0 to 100 "the office's weight"
input score: number 0 to 100 "score"
scoring G:
    item base max 100 = score
    output converted = base × factor × weight ÷ 100
"""
    chinese = """
分组 G
常量 factor = 0.8 条款 "x"
常量 weight: 数值 0 至 100 "the office's weight"
输入 score: 数值 0 至 100 "score"
评分 G:
    指标 base 满分 100 = score
    输出 converted = base × factor × weight ÷ 100
"""
    models = []
    for text in (english, chinese):
        model, diags = frontend({"r.rules": text})
        assert diags == [] and model is not None
        models.append(model.module)
    assert models[0] == models[1]


def test_a_golden_case_gives_constants_beside_its_units(tmp_path: Path) -> None:
    from kaoping.cases import read_cases, run_case

    path = tmp_path / "c.yaml"
    path.write_text(
        """
cases:
  - name: 权重30
    article: "001 八(一)"
    arithmetic: "分值 = 90 × 30 ÷ 100 = 27"
    constants: {目标责任考核权重: 30}
    units: [{unit: 甲, group: 县区, facts: {得分: 90}}]
    expect:
      甲: {outputs: {目标责任考核分值: "27"}}
""",
        "utf-8",
    )
    (case,) = read_cases(path)
    result = run_case(compile_rules(RULES, "constants"), case)
    assert result.passed, result.message


# --------------------------------------------------------------------------- which are required

TWO_GROUPS = """
分组 乡镇口
分组 部门口
常量 乡镇口分值: 数值 0 至 1000 "乡镇口中项的基础分"
常量 部门口分值: 数值 0 至 1000 "部门口中项的基础分"
常量 折算权重: 数值 0 至 100 "两组共用的权重"
输入 扣分: 数值 0 至 inf "扣分"
评分 乡镇口:
    指标 中项 = 最大(乡镇口分值 - 扣分, 0)
评分 部门口:
    指标 中项 = 最大(部门口分值 - 扣分, 0)
枚举 等级枚举: 优, 合格
评定 等级 按 等级枚举:
    优 若 总分 × 折算权重 ≥ 50000
    合格 其余
"""


def two_groups(constants: dict[str, Any], *units: dict[str, Any]) -> Any:
    s = compile_rules(TWO_GROUPS, "two")
    return score(s, validate({"constants": constants, "units": list(units)}, s.model, "d.json"))


def test_a_run_of_one_group_needs_only_the_constants_its_rules_read() -> None:
    # 乡镇口 alone: 部门口分值 is read only by 部门口's rules, so it may be left out;
    # 折算权重 is read by the grading, which grades every unit: required
    # 镇: 中项 = max(600 − 100, 0) = 500; 500 × 100 = 50000 ≥ 50000: 优
    res = two_groups({"乡镇口分值": 600, "折算权重": 100}, unit("镇", "乡镇口", 扣分=100))
    r = res.by_name("镇")
    assert value(r, "中项") == 500 and r is not None and r.unit.grades == {"等级": "优"}
    assert json.loads(to_json(res))["constants"] == {"乡镇口分值": "600", "折算权重": "100"}


@pytest.mark.parametrize(
    ("constants", "units", "fields"),
    [
        # a 部门口 unit is in the data: its group's constant is required
        ({"乡镇口分值": 600, "折算权重": 1}, [("局", "部门口")], ["constants.部门口分值"]),
        # the grading reads 折算权重 for every group
        ({"乡镇口分值": 600}, [("镇", "乡镇口")], ["constants.折算权重"]),
        # a constant given although no unit reads it is still validated
        (
            {"乡镇口分值": 600, "折算权重": 1, "部门口分值": 5000},
            [("镇", "乡镇口")],
            ["constants.部门口分值"],
        ),
    ],
)
def test_constants_a_present_group_reads_are_required_others_validated(
    constants: dict[str, Any], units: list[tuple[str, str]], fields: list[str]
) -> None:
    with pytest.raises(DataError) as err:
        two_groups(constants, *(unit(name, group, 扣分=0) for name, group in units))
    assert [p.field for p in err.value.problems] == fields


def test_a_constant_among_a_units_facts_says_where_it_belongs() -> None:
    with pytest.raises(DataError) as err:
        scored({"目标责任考核权重": 30}, unit("甲", "县区", 得分=90, 目标责任考核权重=20))
    (problem,) = err.value.problems
    assert problem.message == (
        'this is a constant: give it once in the data\'s top-level "constants"'
    )
    with pytest.raises(DataError) as err:
        scored({"目标责任考核权重": 30}, unit("甲", "县区", 得分=90, 折算系数=1))
    (problem,) = err.value.problems
    assert problem.field == "折算系数" and "the rules fix" in problem.message


# --------------------------------------------------------------------------- long declarations


def test_a_constant_declaration_goes_on_in_indented_lines() -> None:
    english = """
group G
constant weight: number 0 to 100
    "the weight the office sets for the year"
    " (a percentage)"
    article "001 八(一)"
constant factor = 0.8
    article "000 第五条"
input score: number 0 to 100 "score"
scoring G:
    item base max 100 = score
    output converted = base × factor × weight ÷ 100
"""
    chinese = """
分组 G
常量 weight: 数值 0 至 100
    "the weight the office sets for the year"
    " (a percentage)"
    条款 "001 八(一)"
常量 factor = 0.8
    条款 "000 第五条"
输入 score: 数值 0 至 100 "score"
评分 G:
    指标 base 满分 100 = score
    输出 converted = base × factor × weight ÷ 100
"""
    modules = []
    for text in (english, chinese):
        model, diags = frontend({"r.rules": text})
        assert diags == [] and model is not None
        modules.append(model.module)
    assert modules[0] == modules[1]
    weight, factor = modules[0].constants
    assert weight.description == "the weight the office sets for the year (a percentage)"
    assert (weight.article, factor.article, factor.value) == ("001 八(一)", "000 第五条", D("0.8"))


@pytest.mark.parametrize(
    ("declaration", "line"),
    [
        ('常量 权重: 数值 0 至 100\n    条款 "x"\n', 2),  # no description
        ('常量 权重: 数值 0 至 100 "权重"\n    条款 "x"\n    条款 "y"\n', 4),  # article twice
        ('常量 权重: 数值 0 至 100 可缺 "权重"\n', 2),  # a constant is always given
        ('常量 权重: 数值 0 至 100 "权重" 适用 县区\n', 2),  # one value for every unit
    ],
)
def test_a_malformed_constant_declaration_is_a_syntax_error(declaration: str, line: int) -> None:
    _model, diags = frontend({"r.rules": "分组 县区\n" + declaration})
    assert [(d.code, d.span.line) for d in diags][:1] == [("E101", line)]


def test_kaoping_inputs_lists_the_constants(tmp_path: Path) -> None:
    rules = tmp_path / "two.rules"
    fixed = '常量 折算系数 = 0.8 条款 "000 第五条"\n'
    rules.write_text(TWO_GROUPS.lstrip("\n") + fixed, "utf-8")
    out = CliRunner().invoke(main, ["inputs", str(rules)])
    assert out.exit_code == 0, out.output
    listed = out.output[out.output.index("constants") :]
    assert "乡镇口分值: number 0 to 1000  [乡镇口 (the groups whose rules read it)]" in listed
    assert "部门口分值: number 0 to 1000  [部门口 (the groups whose rules read it)]" in listed
    assert "折算权重: number 0 to 100  [乡镇口, 部门口 (the groups whose rules read it)]" in listed
    assert '    entered once per run, in the data\'s top-level "constants"' in listed
    assert "    乡镇口中项的基础分" in listed
    assert "折算系数 = 0.8  [no group: no rule reads it]" in listed
    assert "    fixed in the rules" in listed and "    article: 000 第五条" in listed


def test_a_case_file_gives_constants_once_for_all_its_cases(tmp_path: Path) -> None:
    from kaoping.cases import read_cases, run_case

    path = tmp_path / "c.yaml"
    path.write_text(
        """
constants: {目标责任考核权重: 30}
cases:
  - name: 文件的权重
    article: "001 八(一)"
    arithmetic: "分值 = 90 × 30 ÷ 100 = 27"
    units: [{unit: 甲, group: 县区, facts: {得分: 90}}]
    expect:
      甲: {outputs: {目标责任考核分值: "27"}}
  - name: 本例的权重
    article: "001 八(一)"
    arithmetic: "分值 = 90 × 10 ÷ 100 = 9"
    constants: {目标责任考核权重: 10}
    units: [{unit: 甲, group: 县区, facts: {得分: 90}}]
    expect:
      甲: {outputs: {目标责任考核分值: "9"}}
  - name: 本例未录入权重
    article: "001 八(一)"
    arithmetic: "data error, no arithmetic"
    constants: {目标责任考核权重: null}
    units: [{unit: 甲, group: 县区, facts: {得分: 90}}]
    expect_error: "constants.目标责任考核权重"
""",
        "utf-8",
    )
    scheme = compile_rules(RULES, "constants")
    results = [run_case(scheme, case) for case in read_cases(path)]
    assert [(r.case.name, r.passed, r.message) for r in results] == [
        ("文件的权重", True, ""),
        ("本例的权重", True, ""),
        ("本例未录入权重", True, ""),
    ]


@pytest.mark.parametrize("text", ["constants: [30]\ncases: []\n", "constants: 30\ncases: []\n"])
def test_a_case_files_constants_must_be_a_mapping(tmp_path: Path, text: str) -> None:
    from kaoping.case_yaml import CaseFileError
    from kaoping.cases import read_cases

    path = tmp_path / "c.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(CaseFileError, match="constants"):
        read_cases(path)


def test_a_malformed_group_is_named_not_a_crash_when_constants_are_worked_out() -> None:
    with pytest.raises(DataError) as err:
        two_groups(
            {"乡镇口分值": 600, "折算权重": 1}, {"unit": "镇", "group": ["乡镇口"], "facts": {}}
        )
    assert [(p.unit, p.field) for p in err.value.problems] == [("镇", "group")]
