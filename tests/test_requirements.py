"""Data requirements (`require 已退养水库数 ≤ 水库总数` / `校验 …`): a condition on each unit's
inputs, checked before anything is scored. A unit whose data breaks it is a data error naming the
unit and the inputs with their values (exit 2); the checker uses what the requirement proves to
narrow ranges (a ≤ b makes b − a ≥ 0 and a ÷ b at most 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers_scoring import D, compile_rules, run, unit, value
from kaoping.cli import main
from kaoping.compiler.load import frontend
from kaoping.errors import DataError
from kaoping.explain import explain_text
from kaoping.explain_tree import explain_data
from kaoping.io.validate import validate
from kaoping.scoring import score

RESERVOIRS = """
方案 "水库退养"
分组 县区
输入 水库总数: 次数 "辖区内水库总数"
输入 已退养水库数: 次数 "已完成退养的水库数"
校验 已退养水库数 ≤ 水库总数 条款 "退养 一"
评分 县区:
    指标 退养进度 满分 10 条款 "退养 二" = 已退养水库数 ÷ 水库总数 × 10 缺省 0
    指标 未退养扣分 满分 5:
        起评 满分
        扣 1 每 (水库总数 - 已退养水库数)
        扣完为止
"""


def test_data_that_meets_the_requirement_is_scored() -> None:
    # 退养进度 = 6 ÷ 8 × 10 = 7.5; 未退养扣分 = 5 − (8 − 6) × 1 = 3; total 10.5
    s = compile_rules(RESERVOIRS, "reservoirs")
    r = run(s, [unit("甲县", "县区", 水库总数=8, 已退养水库数=6)]).by_name("甲县")
    assert value(r, "退养进度") == D("7.5")
    assert value(r, "未退养扣分") == 3
    assert r is not None and r.total == D("10.5")


def test_a_unit_breaking_the_requirement_is_a_data_error_naming_the_inputs() -> None:
    s = compile_rules(RESERVOIRS, "reservoirs")
    units = [
        unit("甲县", "县区", 水库总数=3, 已退养水库数=5),
        unit("乙县", "县区", 水库总数=8, 已退养水库数=6),
        unit("丙县", "县区", 水库总数=0, 已退养水库数=1),
    ]
    with pytest.raises(DataError) as err:
        run(s, units)
    problems = sorted(err.value.problems, key=lambda p: p.unit or "")
    # every unit that breaks it is named, with the inputs and their values; 乙县 meets it
    assert [(p.unit, p.field, p.message) for p in problems] == [
        (
            "丙县",
            "已退养水库数, 水库总数",
            "the requirement 已退养水库数 ≤ 水库总数 does not hold: 已退养水库数 = 1, 水库总数 = 0",
        ),
        (
            "甲县",
            "已退养水库数, 水库总数",
            "the requirement 已退养水库数 ≤ 水库总数 does not hold: 已退养水库数 = 5, 水库总数 = 3",
        ),
    ]
    assert problems[0].where == "reservoirs.rules:5:1"


def test_the_command_line_exits_2_on_a_broken_requirement(tmp_path: Path) -> None:
    rules = tmp_path / "r.rules"
    rules.write_text(RESERVOIRS.lstrip("\n"), "utf-8")
    data = tmp_path / "d.json"
    data.write_text(
        json.dumps(
            {
                "units": [
                    {"unit": "甲县", "group": "县区", "facts": {"水库总数": 3, "已退养水库数": 5}}
                ]
            },
            ensure_ascii=False,
        ),
        "utf-8",
    )
    result = CliRunner().invoke(main, ["score", str(rules), str(data)])
    assert result.exit_code == 2
    assert "unit '甲县'" in result.output and "已退养水库数 = 5, 水库总数 = 3" in result.output


def test_explain_lists_the_requirements_checked_on_the_unit() -> None:
    s = compile_rules(RESERVOIRS, "reservoirs")
    data = validate({"units": [unit("甲县", "县区", 水库总数=8, 已退养水库数=6)]}, s.model, "t")
    res = score(s, data, trace=True)
    r = res.by_name("甲县")
    assert r is not None
    assert explain_data(res, r)["requirements"] == [
        {
            "rule": "reservoirs.rules:5",
            "text": "已退养水库数 ≤ 水库总数",
            "inputs": {"已退养水库数": "6", "水库总数": "8"},
        }
    ]
    assert "reservoirs.rules:5  已退养水库数 ≤ 水库总数  (已退养水库数 = 6, 水库总数 = 8)" in (
        explain_text(res, r)
    )


def diagnostics(rules: str) -> list[tuple[str, int]]:
    _model, diags = frontend({"r.rules": rules})
    return [(d.code, d.span.line) for d in diags]


def test_the_requirement_narrows_ranges_a_part_of_a_whole_is_at_most_one() -> None:
    # without the requirement, 已退养 ÷ 总数 × 10 is unbounded: W402 against max 10 (line 7),
    # and 5 − (总数 − 已退养) can exceed 5 (line 8); with it, the quotient lies in [0, 1] and the
    # difference is ≥ 0, so both items stay within their maxima
    without = RESERVOIRS.replace('校验 已退养水库数 ≤ 水库总数 条款 "退养 一"\n', "")
    assert diagnostics(without) == [("W402", 7), ("W402", 8)]
    assert diagnostics(RESERVOIRS) == []


def test_the_requirement_narrows_ranges_a_difference_is_never_negative() -> None:
    # 总数 − 已退养 ≥ 0 once 已退养 ≤ 总数 is required, so a floor at 0 can never bind (W403)
    item = """
    指标 未退养 满分 100:
        起评 水库总数 - 已退养水库数
        保底 0
        封顶 100
"""
    assert ("W403", 16) in diagnostics(RESERVOIRS + item)
    without = RESERVOIRS.replace('校验 已退养水库数 ≤ 水库总数 条款 "退养 一"\n', "")
    assert not [d for d in diagnostics(without + item) if d[0] == "W403"]


def test_a_requirement_bounding_an_input_by_a_number_narrows_it() -> None:
    rules = """
分组 县区
输入 得分: 数值 "得分"
校验 得分 ≥ 0 且 得分 ≤ 10
评分 县区:
    指标 基础 满分 10 = 得分
"""
    # 得分 is any number as declared; the requirement bounds it to [0, 10]: no W402
    assert diagnostics(rules) == []
    assert ("W402", 5) in diagnostics(rules.replace("校验 得分 ≥ 0 且 得分 ≤ 10\n", ""))


def test_a_requirement_in_a_scoring_block_applies_to_its_groups_only() -> None:
    rules = """
scheme "block requirement"
group Counties
group Depts
input total_count: count "reservoirs"
input retired: count "retired reservoirs"
scoring Counties:
    require retired <= total_count article "x"
    item progress max 10 = retired ÷ total_count × 10 default 0
scoring Depts:
    item base max 10 = 1
"""
    s = compile_rules(rules, "block_req")
    with pytest.raises(DataError) as err:
        run(s, [unit("A", "Counties", total_count=1, retired=2)])
    assert [p.unit for p in err.value.problems] == ["A"]
    # a Depts unit gives neither input: no rule of its group reads them
    r = run(s, [unit("D", "Depts")]).by_name("D")
    assert r is not None and r.total == 1


@pytest.mark.parametrize(
    ("requirement", "code"),
    [
        ("校验 水库总数 + 1", "E203"),  # not a yes/no condition
        ("校验 已退养水库数 ≤ 退养进度", "E203"),  # reads a scored value, not the data
        ("校验 已退养水库数 ≤ 总分", "E203"),
        ("校验 可缺项 ≤ 水库总数", "E206"),  # may be absent: say what then
    ],
)
def test_a_requirement_is_a_condition_on_inputs_alone(requirement: str, code: str) -> None:
    rules = RESERVOIRS.replace(
        "评分 县区:\n", f'输入 可缺项: 次数 可缺 "可缺"\n评分 县区:\n    {requirement}\n'
    ).replace("缺省 0\n", "缺省 0\n    指标 可缺 = 可缺项 缺省 0\n")
    assert code in {c for c, _ in diagnostics(rules)}


def test_a_scheme_requirement_no_rule_reads_the_inputs_of_warns() -> None:
    rules = RESERVOIRS + '输入 堤坝数: 次数 "堤坝数"\n校验 堤坝数 ≥ 1\n'
    # W410 for the requirement; 堤坝数 itself is used by no rule (W407)
    assert {("W410", 14), ("W407", 13)} <= set(diagnostics(rules))


# --------------------------------------------------------------------------- require same

SAME = """
分组 县区
分组 部门
输入 折算系数: 数值 0 至 1 "市考核办下达的折算系数(各单位相同)"
输入 得分: 数值 0 至 100 "得分"
评分 县区:
    校验 相同 折算系数 条款 "折算"
    指标 折算分 满分 100 = 得分 × 折算系数
评分 部门:
    校验 相同 折算系数
    指标 折算分 满分 100 = 得分 × 折算系数
"""


def test_every_unit_of_a_group_must_give_the_same_factor() -> None:
    s = compile_rules(SAME, "same_factor")
    units = [
        unit("甲县", "县区", 折算系数="0.8", 得分=90),
        unit("乙县", "县区", 折算系数="0.80", 得分=80),  # the same number, written otherwise
        unit("丙县", "县区", 折算系数="0.7", 得分=70),
        unit("丁县", "县区", 折算系数="0.8", 得分=60),
        unit("发改委", "部门", 折算系数="0.5", 得分=60),  # another group: compared apart
    ]
    with pytest.raises(DataError) as err:
        run(s, units)
    (problem,) = err.value.problems
    assert (problem.where, problem.field) == ("same_factor.rules:6:5", "折算系数")
    assert problem.message == (
        "the units of group '县区' must all give the same 折算系数: "
        "0.8 (丁县, 乙县, 甲县); 0.7 (丙县)"  # names in code point order
    )
    # with 丙县 corrected, every group agrees: 甲县 90 × 0.8 = 72, 发改委 60 × 0.5 = 30
    units[2] = unit("丙县", "县区", 折算系数="0.8", 得分=70)
    res = run(s, units)
    assert value(res.by_name("甲县"), "折算分") == 72
    assert value(res.by_name("发改委"), "折算分") == 30


def test_a_scheme_wide_same_requirement_compares_every_unit() -> None:
    rules = (
        SAME.replace('    校验 相同 折算系数 条款 "折算"\n', "").replace(
            "    校验 相同 折算系数\n", ""
        )
        + "校验 相同 折算系数\n"
    )
    s = compile_rules(rules, "same_scheme")
    with pytest.raises(DataError) as err:
        run(
            s,
            [
                unit("甲县", "县区", 折算系数="0.8", 得分=1),
                unit("发改委", "部门", 折算系数="0.5", 得分=1),
            ],
        )
    (problem,) = err.value.problems
    assert problem.message == "the units must all give the same 折算系数: 0.5 (发改委); 0.8 (甲县)"


@pytest.mark.parametrize(
    ("operand", "code"),
    [
        ("可缺系数", "E206"),  # may be absent
        ("折算分", "E203"),  # a scored value, not the data
    ],
)
def test_require_same_reads_an_input_that_is_never_absent(operand: str, code: str) -> None:
    rules = SAME.replace(
        '输入 得分: 数值 0 至 100 "得分"\n',
        '输入 得分: 数值 0 至 100 "得分"\n输入 可缺系数: 数值 可缺 "可缺"\n',
    ).replace("    校验 相同 折算系数\n", f"    校验 相同 {operand}\n    设 用 = 可缺系数 缺省 0\n")
    assert code in {c for c, _ in diagnostics(rules)}


def test_english_and_chinese_say_require_same_alike() -> None:
    english = 'group G\ninput f: number "f"\nscoring G:\n    require same f\n    item a = f\n'
    chinese = '分组 G\n输入 f: 数值 "f"\n评分 G:\n    校验 相同 f\n    指标 a = f\n'
    modules = []
    for text in (english, chinese):
        model, diags = frontend({"r.rules": text})
        assert diags == [] and model is not None
        modules.append(model.module)
    assert modules[0] == modules[1]


# --------------------------------------------------------------------------- what a data error shows

ITEMS = """
分组 县直单位
分组 乡镇
记录 改革事项:
    事项: 文本
    等次分: 数值 0 至 10
常量 甲分值: 数值 0 至 100 "甲中项的基础分"
常量 乙分值: 数值 0 至 100 "乙中项的基础分"
常量 丙分值: 数值 0 至 100 "乡镇的基础分"
输入 负责事项: 列表 改革事项 "单位负责的改革事项" 适用 县直单位
输入 加分: 数值 0 至 10 "加分"
评分 县直单位:
    校验 (计数 负责事项) ≥ 1 条款 "第四条"
    校验 加分 ≤ 甲分值 ÷ 10
    校验 (甲分值 + 乙分值) = 100 条款 "附件"
    指标 甲 = 甲分值
    指标 乙 = 乙分值
    指标 专业测评 = 平均 负责事项 的 等次分
    指标 奖励 = 加分
评分 乡镇:
    指标 丙 = 丙分值
"""


def broken(rules: str, constants: dict[str, object], *units: dict[str, object]) -> list[str]:
    s = compile_rules(rules, "items")
    with pytest.raises(DataError) as err:
        score(s, validate({"constants": constants, "units": list(units)}, s.model, "d.json"))
    return [str(p) for p in err.value.problems]


def test_a_requirement_on_a_list_shows_the_aggregate_and_its_value() -> None:
    # 甲 has no items: count 负责事项 = 0 breaks the requirement; the message names the rule
    # line, the unit, the list input and the aggregate's value
    problems = broken(
        ITEMS,
        {"甲分值": 60, "乙分值": 40},
        unit("甲", "县直单位", 负责事项=[], 加分=1),
        unit("乙", "县直单位", 负责事项=[{"事项": "x", "等次分": 9}], 加分=1),
    )
    assert problems == [
        "items.rules:12:5: unit '甲', input '负责事项': the requirement (计数 负责事项) ≥ 1 "
        "does not hold: 计数 负责事项 = 0"
    ]


def test_a_requirement_on_an_input_and_a_constant_shows_both_values() -> None:
    # 加分 ≤ 甲分值 ÷ 10: 5 ≤ 30 ÷ 10 = 3 does not hold for 甲
    problems = broken(
        ITEMS,
        {"甲分值": 30, "乙分值": 70},
        unit("甲", "县直单位", 负责事项=[{"事项": "x", "等次分": 9}], 加分=5),
    )
    assert problems == [
        "items.rules:13:5: unit '甲', input '加分': the requirement 加分 ≤ 甲分值 ÷ 10 "
        "does not hold: 加分 = 5, 甲分值 = 30"
    ]


def test_a_requirement_on_constants_alone_is_checked_once_per_run() -> None:
    # 60 + 30 ≠ 100: one problem for the run, naming the constants, not one per unit
    one_item = {"事项": "x", "等次分": 9}
    problems = broken(
        ITEMS,
        {"甲分值": 60, "乙分值": 30},
        unit("甲", "县直单位", 负责事项=[one_item], 加分=1),
        unit("乙", "县直单位", 负责事项=[one_item], 加分=1),
        unit("丙", "县直单位", 负责事项=[one_item], 加分=1),
    )
    assert problems == [
        "items.rules:14:5, input 'constants.甲分值, constants.乙分值': the requirement "
        "(甲分值 + 乙分值) = 100 does not hold: 甲分值 = 60, 乙分值 = 30"
    ]


def test_a_block_requirement_on_constants_is_not_checked_without_units_of_the_block() -> None:
    # a run of 乡镇 alone: the 县直单位 block's requirements (and its constants) do not apply
    s = compile_rules(ITEMS, "items")
    data = {"constants": {"丙分值": 50}, "units": [unit("镇", "乡镇")]}
    res = score(s, validate(data, s.model, "d.json"))
    assert value(res.by_name("镇"), "丙") == 50


SCHEME_WIDE = """
分组 县区
常量 上限: 数值 0 至 100 "上限"
常量 下限: 数值 0 至 100 "下限"
输入 得分: 数值 0 至 100 "得分"
校验 下限 ≤ 上限 条款 "总则"
评分 县区:
    指标 基础 = 最小(得分, 上限)
"""


def test_a_scheme_requirement_on_constants_is_checked_once_and_checks_something() -> None:
    _model, diags = frontend({"r.rules": SCHEME_WIDE})
    assert [d.code for d in diags] == []  # no W410: it checks the constants entered
    problems = broken(
        SCHEME_WIDE,
        {"上限": 40, "下限": 50},
        unit("甲", "县区", 得分=90),
        unit("乙", "县区", 得分=80),
    )
    assert problems == [
        "items.rules:5:1, input 'constants.下限, constants.上限': the requirement 下限 ≤ 上限 "
        "does not hold: 下限 = 50, 上限 = 40"
    ]
    # 下限 is read by no rule, but the requirement ties it to 上限, which 县区 reads: required
    s = compile_rules(SCHEME_WIDE, "items")
    with pytest.raises(DataError) as err:
        validate({"constants": {"上限": 40}, "units": [unit("甲", "县区", 得分=1)]}, s.model, "d")
    assert [p.field for p in err.value.problems] == ["constants.下限"]


def test_explain_lists_a_requirement_on_constants_with_their_values() -> None:
    s = compile_rules(ITEMS, "items")
    data = {
        "constants": {"甲分值": 60, "乙分值": 40},
        "units": [unit("甲", "县直单位", 负责事项=[{"事项": "x", "等次分": 9}], 加分=1)],
    }
    res = score(s, validate(data, s.model, "d.json"), trace=True)
    r = res.by_name("甲")
    assert r is not None
    listed = {req["rule"]: req["inputs"] for req in explain_data(res, r)["requirements"]}
    assert listed["items.rules:13"] == {"加分": "1", "甲分值": "60"}
    assert listed["items.rules:14"] == {"甲分值": "60", "乙分值": "40"}


# --------------------------------------------------------------------------- what the checker learns

MEAN = """
分组 县直单位
记录 改革事项:
    等次分: 数值 0 至 10
    达标: 是否
输入 负责事项: 列表 改革事项 "单位负责的改革事项"
评分 县直单位:
    REQUIRE
    指标 专业测评 满分 10 = MEAN
"""


@pytest.mark.parametrize(
    ("requirement", "mean", "codes"),
    [
        # every unit has an item: the mean exists, no `default` is needed
        ("校验 (计数 负责事项) ≥ 1", "平均 负责事项 的 等次分", []),
        ("校验 (计数 负责事项) > 0", "平均 负责事项 的 等次分", []),
        ("校验 1 ≤ (计数 负责事项)", "最高 负责事项 的 等次分", []),
        # three items, two dropped: one is left
        ("校验 (计数 负责事项) ≥ 3", "平均 负责事项 的 等次分 剔除 2 项 最低 按 等次分", []),
        # what the requirement does not prove
        ("", "平均 负责事项 的 等次分", ["E206"]),
        ("校验 (计数 负责事项) ≥ 0", "平均 负责事项 的 等次分", ["E206"]),
        ("校验 (计数 负责事项) ≥ 2", "平均 负责事项 的 等次分 剔除 2 项 最低 按 等次分", ["E206"]),
        ("校验 (计数 负责事项) ≥ 1", "平均 负责事项 的 等次分 其中 达标", ["E206"]),
        ("校验 (计数 负责事项 其中 达标) ≥ 1", "平均 负责事项 的 等次分", ["E206"]),
        ("校验 (计数 负责事项) ≥ 1 或 (计数 负责事项) = 0", "平均 负责事项 的 等次分", ["E206"]),
    ],
)
def test_a_requirement_on_a_lists_count_proves_its_mean_present(
    requirement: str, mean: str, codes: list[str]
) -> None:
    rules = MEAN.replace("REQUIRE", requirement or "设 占位 = 0").replace("MEAN", mean)
    assert [c for c, _ in diagnostics(rules)] == codes


def test_a_mean_the_requirement_proves_present_needs_no_default() -> None:
    # with the requirement, `default 0` could never apply: the checker says so
    rules = MEAN.replace("REQUIRE", "校验 (计数 负责事项) ≥ 1").replace(
        "MEAN", "(平均 负责事项 的 等次分) 缺省 0"
    )
    assert [c for c, _ in diagnostics(rules)] == ["E203"]
    # and the mean is scored: (9 + 8) ÷ 2 = 8.5
    s = compile_rules(
        MEAN.replace("REQUIRE", "校验 (计数 负责事项) ≥ 1").replace(
            "MEAN", "平均 负责事项 的 等次分"
        ),
        "mean",
    )
    items = [{"等次分": 9, "达标": True}, {"等次分": 8, "达标": False}]
    assert value(run(s, [unit("甲", "县直单位", 负责事项=items)]).by_name("甲"), "专业测评") == D(
        "8.5"
    )


BLOCK_OF_ITEMS = """
分组 乡镇口
常量 甲分值: 数值 0 至 1000 "甲中项的基础分"
常量 乙分值: 数值 0 至 1000 "乙中项的基础分"
输入 甲扣分: 数值 0 至 inf 可缺 "甲中项扣分(不涉及的为空)"
输入 乙扣分: 数值 0 至 inf "乙中项扣分"
评分 乡镇口:
    REQUIRE
    组内:
        部分 大块 满分 1000:
            指标 甲:
                起评 甲分值
                扣 甲扣分
                扣完为止
                不涉及 若 非 有值(甲扣分) 则 组内平均
            指标 乙:
                起评 乙分值
                扣 1 每 乙扣分 若 乙扣分 > 1
                扣完为止
            CAP
        总分 = 大块
"""


@pytest.mark.parametrize(
    ("requirement", "cap", "codes"),
    [
        # 甲 ≤ 甲分值 and 乙 ≤ 乙分值 (they only lose points; the group's mean of 甲 too, since
        # 甲分值 is one number for every unit), and 甲分值 + 乙分值 = 1000: 大块 ≤ 1000
        ("校验 (甲分值 + 乙分值) = 1000", "封顶 1000", [("W403", 20)]),
        ("校验 甲分值 + 乙分值 ≤ 1000", "封顶 1000", [("W403", 20)]),
        ("校验 1000 ≥ 甲分值 + 乙分值", "", []),
        ("校验 (乙分值 + 甲分值) = 1000 且 甲分值 ≥ 100", "", []),
        # a cap below the sum still binds; without the requirement the sum reaches 2000
        ("校验 (甲分值 + 乙分值) = 1000", "封顶 900", []),
        ("设 占位 = 0", "封顶 1000", []),
        ("设 占位 = 0", "", [("W402", 10)]),
        ("校验 (甲分值 + 乙分值) = 1500", "", [("W402", 10)]),
    ],
)
def test_a_requirement_on_a_sum_bounds_the_section_of_its_parts(
    requirement: str, cap: str, codes: list[tuple[str, int]]
) -> None:
    rules = BLOCK_OF_ITEMS.replace("REQUIRE", requirement).replace("CAP", cap)
    assert diagnostics(rules) == codes


@pytest.mark.parametrize(
    ("change", "why"),
    [
        # an item that can gain points may pass its constant
        (("扣 1 每 乙扣分 若 乙扣分 > 1", "加 1 每 乙扣分"), "adds"),
        # a floor above zero may lift it over a small constant
        (("乙扣分 > 1\n                扣完为止", "乙扣分 > 1\n                保底 5"), "floor"),
        # rounding may lift it over the constant
        (("乙扣分 > 1\n", "乙扣分 > 1\n                舍入 0 位 进一\n"), "rounding"),
    ],
)
def test_the_sum_proves_nothing_for_items_that_may_pass_their_constant(
    change: tuple[str, str], why: str
) -> None:
    rules = BLOCK_OF_ITEMS.replace("REQUIRE", "校验 (甲分值 + 乙分值) = 1000").replace("CAP", "")
    assert change[0] in rules
    assert ("W402", 10) in diagnostics(rules.replace(*change)), why


def test_the_group_mean_of_an_item_from_an_input_is_not_bounded_by_the_units_own_input() -> None:
    # 甲 starts from each unit's own 甲分值 input: the mean of the other units' 甲 may exceed this
    # unit's 甲分值, so a + b ≤ 1000 on inputs proves nothing for a section with that mean
    rules = (
        BLOCK_OF_ITEMS.replace("常量 甲分值: 数值 0 至 1000", "输入 甲分值: 数值 0 至 1000")
        .replace("REQUIRE", "校验 (甲分值 + 乙分值) = 1000")
        .replace("CAP", "")
    )
    assert ("W402", 10) in diagnostics(rules)
    # without the mean, each unit's items stay within its own inputs: proven
    direct = rules.replace("                不涉及 若 非 有值(甲扣分) 则 组内平均\n", "").replace(
        "扣 甲扣分\n", "扣 甲扣分 缺省 0\n"
    )
    assert diagnostics(direct) == []


def test_a_section_bounded_by_a_sum_still_reports_a_given_item_that_passes_it() -> None:
    # the proof holds for the items the rules compute; an item the data gives is not bounded by
    # its constant, so the 大块 is checked against its maximum when scored:
    # 甲 given 900, 乙 = 乙分值 400 − 0 = 400: 大块 = 1300, above its 1000 (no cap)
    rules = BLOCK_OF_ITEMS.replace("REQUIRE", "校验 (甲分值 + 乙分值) = 1000").replace("CAP", "")
    s = compile_rules(rules, "sums")
    given = {"甲": {"value": 900, "by": "考核办"}}
    data = {
        "constants": {"甲分值": 600, "乙分值": 400},
        "units": [{"unit": "镇", "group": "乡镇口", "facts": {"乙扣分": 0}, "given": given}],
    }
    r = score(s, validate(data, s.model, "d.json")).by_name("镇")
    assert r is not None and value(r, "大块") == 1300
    assert [(a.path, a.value) for a in r.unit.above_max] == [("大块", 1300)]


# ------------------------------------------------------------------------------ never zero

PER_CAPITA = """
方案 "安全生产"
分组 县区
输入 死亡人数: 次数 "生产安全事故死亡人数"
输入 地区生产总值: 数值 0 至 10000 "地区生产总值(亿元)"
评分 县区:
    {require}
    指标 亿元GDP死亡率 = 死亡人数 ÷ 地区生产总值
"""


@pytest.mark.parametrize(
    "require", ["校验 地区生产总值 > 0", "校验 0 < 地区生产总值", "校验 地区生产总值 ≠ 0"]
)
def test_a_requirement_that_rules_out_zero_makes_a_division_need_no_default(require: str) -> None:
    # "亿元GDP生产安全事故死亡率 = 死亡人数 ÷ 地区生产总值": a county's GDP is never 0, and the
    # requirement says so; the range stays [0, 10000], so only "never 0" makes the quotient exist
    assert diagnostics(PER_CAPITA.format(require=require)) == []


def test_a_bound_that_keeps_zero_still_asks_what_then_and_names_the_divisor() -> None:
    _model, diags = frontend({"r.rules": PER_CAPITA.format(require="校验 地区生产总值 ≥ 0")})
    assert [(d.code, d.span.line) for d in diags] == [("E206", 8)]
    hint = diags[0].args["hint_en"]
    assert "a quotient by 地区生产总值 is absent where 地区生产总值 is 0" in str(hint)
    assert "`require 地区生产总值 > 0`" in str(hint)
    assert "`校验 地区生产总值 > 0`" in str(diags[0].args["hint_zh"])


def test_an_absent_dividend_is_not_blamed_on_the_divisor() -> None:
    # 死亡人数 may be absent itself: the hint is E206's usual one, with no divisor named
    text = PER_CAPITA.format(require="").replace('次数 "生产', '次数 可缺 "生产')
    _model, diags = frontend({"r.rules": text})
    assert [d.code for d in diags] == ["E206"]
    assert "quotient" not in str(diags[0].args["hint_en"])


def test_a_product_of_values_never_zero_divides_without_a_default() -> None:
    text = (
        PER_CAPITA.format(require="校验 地区生产总值 > 0 且 人口 > 0")
        .replace("评分 县区:", '输入 人口: 数值 0 至 1000 "常住人口(万人)"\n评分 县区:')
        .replace("死亡人数 ÷ 地区生产总值", "死亡人数 ÷ (地区生产总值 × 人口)")
    )
    assert diagnostics(text) == []


def test_never_zero_divisions_score_exactly_on_both_backends_and_zero_is_a_data_error() -> None:
    from helpers_columnar import same_results

    s = compile_rules(PER_CAPITA.format(require="校验 地区生产总值 > 0"), "per_capita")
    good = {
        "units": [
            unit("甲县", "县区", 死亡人数=3, 地区生产总值="0.3"),
            unit("乙县", "县区", 死亡人数=7, 地区生产总值="210"),
        ]
    }
    out = same_results(s, good)
    assert out is not None
    totals = {u["unit"]: u["total"] for u in json.loads(out)["units"]}
    assert totals == {"甲县": "10", "乙县": "1/30"}  # 3 ÷ 0.3; 7 ÷ 210
    zero = {"units": [unit("甲县", "县区", 死亡人数=3, 地区生产总值="0")]}
    assert same_results(s, zero) is None  # the same data error on both backends
    with pytest.raises(DataError) as err:
        run(s, zero["units"])
    assert "the requirement 地区生产总值 > 0 does not hold: 地区生产总值 = 0" in str(err.value)


def test_the_range_shows_an_open_end_at_zero() -> None:
    from kaoping.compiler import types as T
    from kaoping.exact import Q

    positive = T.never_zero(T.number(Q(0), Q(100)))
    assert positive.range_text == "(0, 100]"
    assert T.neg(positive).range_text == "[-100, 0)"
    assert not T.can_be_zero(T.mul(positive, positive))
    assert T.can_be_zero(T.mul(positive, T.number(Q(0), Q(1))))


@pytest.mark.parametrize("where", ["    组内:\n        ", "    ", ""])
def test_a_requirement_reading_the_group_is_told_it_checks_each_units_data(where: str) -> None:
    # "优秀等次比例不超过20%" tried as a requirement, in `组内:` (where it was told that 组内单位数
    # "belongs in an `组内:` block", twice, beside a third error about scored values), in the block
    # and at the top of the file: one error each time, saying why, and what says a share instead
    req = "校验 (组内单位数 其中 评价 = 优秀) ≤ 组内单位数 × 20%\n"
    text = (
        '方案 "比例"\n分组 部门\n枚举 档: 优秀, 良好\n输入 评价: 档 "评价档次"\n'
        + (req if not where else "")
        + "评分 部门:\n    指标 基础 满分 10 = 若 评价 = 优秀 则 10 否则 8\n"
        + (where + req if where else "")
    )
    _, diags = frontend({"t.rules": text})
    assert [d.code for d in diags] == ["E203"]
    assert "cannot read other units of the group" in diags[0].message("en")
    assert "belongs in" not in diags[0].message("en")
    assert "`校验 X 分布 A 20%, B 80%`" in diags[0].hint("zh")
