"""Per-unit indicator sheets (个性指标): units of one group share sections, and each unit (or each
named set of units) has its own items under them (002 三(一)1. "个性指标:主要是省、市专项考核任务。
部门承担任务不足5项的,用部门本年度重点职能工作内容进行补充"). Each expected value is worked out by
hand in the comment beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import diagnostics
from helpers_scoring import D, compile_rules, run, unit, value
from kaoping.cli import main
from kaoping.errors import DataError
from kaoping.explain import explain_text
from kaoping.explain_tree import explain_data
from kaoping.io.data_csv import csv_units
from kaoping.io.results import unit_json
from kaoping.io.validate import validate
from kaoping.scoring import score

RULES = """
方案 "县政府部门专项考评(节选)"
分组 县政府部门
单位 经济部门: 县发改委, 县工信局
输入 省专项完成率: 数值 0 至 1 "省专项考核任务完成率"
输入 项目开工率: 数值 0 至 1 "重点项目开工率"
输入 价格投诉次数: 次数 "全年价格投诉查实次数"
输入 教育督导得分: 数值 0 至 100 "教育督导评估得分"
输入 信息工作成绩: 数值 0 至 100 "信息工作成绩"
评分 县政府部门 条款 "002 三(一)":
    部分 个性指标 满分 100 条款 "002 三(一)1.":
        指标 省专项 满分 60 = 省专项完成率 × 60
        适用 经济部门 条款 "经济部门个性指标":
            指标 重点项目 满分 40 = 项目开工率 × 40
        适用 县市场监管局:
            指标 价格监管 满分 40:
                起评 满分
                扣 5 每 价格投诉次数
                扣完为止
        适用 县教育局:
            指标 教育督导 满分 40 = 教育督导得分 × 40%
    部分 共性指标 满分 100 条款 "002 三(一)2.":
        指标 信息工作 满分 100 = 信息工作成绩
    总分 = 个性指标 × 80% + 共性指标 × 20% 条款 "002 六(一)1."
    组内:
        设 名次 = 排名 按 总分
"""

G = "县政府部门"


def units() -> list[dict[str, Any]]:
    """Each unit gives the shared inputs and its own sheet's, nothing of the other sheets."""
    return [
        unit("县发改委", G, 省专项完成率="0.9", 项目开工率="0.75", 信息工作成绩=90),
        unit("县工信局", G, 省专项完成率="0.5", 项目开工率=1, 信息工作成绩=80),
        unit("县市场监管局", G, 省专项完成率=1, 价格投诉次数=3, 信息工作成绩=70),
        unit("县教育局", G, 省专项完成率="0.8", 教育督导得分=90, 信息工作成绩=100),
    ]


@pytest.fixture(scope="module")
def scheme() -> Any:
    return compile_rules(RULES, "sheets")


def test_each_unit_sums_the_shared_items_and_its_own_sheet(scheme: Any) -> None:
    results = run(scheme, units())
    # 县发改委 (经济部门): 省专项 0.9 × 60 = 54, 重点项目 0.75 × 40 = 30 → 个性指标 84;
    #   信息工作 90; total 84 × 80% + 90 × 20% = 67.2 + 18 = 85.2
    r = results.by_name("县发改委")
    assert value(r, "个性指标.省专项") == 54
    assert value(r, "个性指标.经济部门.重点项目") == 30
    assert value(r, "个性指标") == 84
    assert r is not None and r.total == D("85.2")
    # 县工信局 (经济部门): 30 + 40 = 70; 70 × 80% + 80 × 20% = 56 + 16 = 72
    r = results.by_name("县工信局")
    assert value(r, "个性指标") == 70
    assert r is not None and r.total == 72
    # 县市场监管局: 60 + (40 − 3 × 5 = 25) = 85; 85 × 80% + 70 × 20% = 68 + 14 = 82
    r = results.by_name("县市场监管局")
    assert value(r, "个性指标.县市场监管局.价格监管") == 25
    assert r is not None and r.total == 82
    # 县教育局: 48 + 90 × 40% = 48 + 36 = 84; 84 × 80% + 100 × 20% = 67.2 + 20 = 87.2
    r = results.by_name("县教育局")
    assert value(r, "个性指标.县教育局.教育督导") == 36
    assert r is not None and r.total == D("87.2")


def test_a_start_max_on_one_sheet_gives_no_other_unit_its_points(scheme: Any) -> None:
    # 价格监管 starts from its 40 points (起评 满分) only for 县市场监管局: for 县发改委 it is
    # neither 0 nor 40 but absent, and 个性指标 is 54 + 30 = 84, not 124
    r = run(scheme, units()).by_name("县发改委")
    assert r is not None
    assert not any("价格监管" in p or "教育督导" in p for p in r.unit.values)
    assert value(r, "个性指标") == 84


def test_ranks_compare_totals_across_different_sheets(scheme: Any) -> None:
    # totals 87.2 (县教育局), 85.2 (县发改委), 82 (县市场监管局), 72 (县工信局)
    results = run(scheme, units())
    ranks = {r.name: r.rank for r in results.units}
    assert ranks == {"县教育局": 1, "县发改委": 2, "县市场监管局": 3, "县工信局": 4}


def test_the_results_list_only_the_units_own_items(scheme: Any) -> None:
    results = run(scheme, units())
    r = results.by_name("县市场监管局")
    assert r is not None
    scores = unit_json(r, scheme.model)["scores"]
    assert set(scores) == {
        "个性指标.省专项",
        "个性指标.县市场监管局.价格监管",
        "个性指标",
        "共性指标.信息工作",
        "共性指标",
        "名次",  # a rank is a let too: reported, so next year's `last year` can read it
    }
    assert scores["个性指标.县市场监管局.价格监管"] == "25"
    assert scores["名次"] == "3"


def test_explain_shows_only_the_units_own_sheet(scheme: Any) -> None:
    results = score(scheme, validate({"units": units()}, scheme.model, "d"), trace=True)
    r = results.by_name("县发改委")
    assert r is not None
    paths = [v["path"] for v in explain_data(results, r)["values"]]
    assert "个性指标.经济部门.重点项目" in paths
    assert not [p for p in paths if "县市场监管局" in p or "县教育局" in p]
    text = explain_text(results, r)
    assert "sheet 经济部门" in text
    assert "价格监管" not in text and "教育督导" not in text
    assert "适用 经济部门" in explain_text(results, r, lang="zh")


def test_plain_and_traced_scoring_agree(scheme: Any) -> None:
    data = validate({"units": units()}, scheme.model, "d")
    plain = {r.name: dict(r.unit.values) for r in score(scheme, data).units}
    traced = {r.name: dict(r.unit.values) for r in score(scheme, data, trace=True).units}
    assert plain == traced


def test_a_unit_without_a_sheet_is_a_data_error_naming_it(scheme: Any) -> None:
    data = [*units(), unit("县林业局", G, 省专项完成率=1, 信息工作成绩=60)]
    with pytest.raises(DataError) as err:
        run(scheme, data)
    text = str(err.value)
    assert "县林业局" in text and "'个性指标'" in text
    assert "县市场监管局" in text  # the sheets there are, so a misspelt name shows


def test_a_sheet_for_a_unit_absent_from_the_data_is_fine(scheme: Any) -> None:
    # only the two 经济部门 units are scored: the other sheets' units never appear
    results = run(scheme, units()[:2])
    assert {r.name for r in results.units} == {"县发改委", "县工信局"}


def test_inputs_of_the_units_own_sheet_are_still_required(scheme: Any) -> None:
    data = units()
    del data[2]["facts"]["价格投诉次数"]
    with pytest.raises(DataError) as err:
        run(scheme, data)
    assert "县市场监管局" in str(err.value) and "价格投诉次数" in str(err.value)


def test_csv_cells_of_other_sheets_inputs_may_stay_empty(scheme: Any) -> None:
    text = (
        "unit,group,省专项完成率,项目开工率,价格投诉次数,教育督导得分,信息工作成绩\n"
        "县发改委,县政府部门,0.9,0.75,,,90\n"
        "县市场监管局,县政府部门,1,,3,,70\n"
    )
    data = validate(csv_units(text, scheme.model, "d.csv"), scheme.model, "d.csv")
    totals = {r.name: r.total for r in score(scheme, data).units}
    assert totals == {"县发改委": D("85.2"), "县市场监管局": D(82)}


def test_a_given_item_is_the_units_own(scheme: Any) -> None:
    data = units()
    data[0]["given"] = {"重点项目": {"value": 35, "by": "县发改委考核主体"}}
    r = run(scheme, data).by_name("县发改委")
    # 个性指标 54 + 35 = 89; total 89 × 80% + 90 × 20% = 71.2 + 18 = 89.2
    assert value(r, "个性指标.经济部门.重点项目") == 35
    assert r is not None and r.total == D("89.2")


def test_an_item_of_another_units_sheet_cannot_be_given(scheme: Any) -> None:
    data = units()
    data[0]["given"] = {"价格监管": {"value": 40, "by": "县市场监管局"}}
    with pytest.raises(DataError) as err:
        run(scheme, data)
    assert "县发改委" in str(err.value) and "another unit's sheet" in str(err.value)


def test_a_unit_given_the_whole_section_needs_no_sheet(scheme: Any) -> None:
    data = [
        {
            **unit("县林业局", G, 信息工作成绩=60),
            "given": {"个性指标": {"value": 75, "by": "县考核主体"}},
        }
    ]
    r = run(scheme, data).by_name("县林业局")
    # 75 × 80% + 60 × 20% = 60 + 12 = 72
    assert r is not None and r.total == 72


def test_inputs_says_which_units_an_input_is_for(scheme: Any, tmp_path: Path) -> None:
    path = tmp_path / "sheets.rules"
    path.write_text(RULES, "utf-8")
    out = CliRunner().invoke(main, ["inputs", str(path)]).output
    lines = out.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("价格投诉次数: count"))
    assert (
        "    only for units: 县市场监管局 (sheet 个性指标.县市场监管局)" in lines[at + 1 : at + 4]
    )
    at = next(i for i, ln in enumerate(lines) if ln.startswith("项目开工率: number"))
    want = "    only for units: 县发改委, 县工信局 (sheet 个性指标.经济部门)"
    assert want in lines[at + 1 : at + 4]
    at = next(i for i, ln in enumerate(lines) if ln.startswith("省专项完成率: number"))
    assert not any("only for units" in ln for ln in lines[at + 1 : at + 4])


def test_a_set_may_name_units_whose_names_are_not_identifiers() -> None:
    # 004 二 lists 市政府办(含法制办、中联办、外侨办、民宗局、应急办) as one unit
    s = compile_rules(
        """
        group 市直单位口
        units 市政府办: "市政府办(含法制办、中联办、外侨办、民宗局、应急办)"
        input 督查得分: number 0 to 10 "督查得分"
        scoring 市直单位口:
            section 业务工作 max 10:
                for 市政府办:
                    item 政务督查 max 10 = 督查得分
        """
    )
    name = "市政府办(含法制办、中联办、外侨办、民宗局、应急办)"
    r = run(s, [unit(name, "市直单位口", 督查得分="7.5")]).by_name(name)
    assert value(r, "业务工作.市政府办.政务督查") == D("7.5")


# ------------------------------------------------------------------ checks
def _codes(text: str) -> list[tuple[str, int]]:
    return [(d.code, d.span.line) for d in diagnostics(text)]


HEAD = 'group G "g"\nunits 经济部门: 县发改委, 县工信局\ninput x: number 0 to 10 "x"\nscoring G:\n'


def test_each_sheet_is_checked_against_the_sections_maximum() -> None:
    text = HEAD + (
        "    section 个性指标 max 60:\n"
        "        item 省专项 max 20 = x\n"
        "        for 经济部门:\n"  # 20 + 50 = 70 > 60
        "            item a max 50 = x\n"
        "        for 县教育局:\n"  # 20 + 30 = 50 < 60
        "            item b max 30 = x\n"
        "        for 县财政局:\n"  # 20 + 40 = 60
        "            item c max 40 = x\n"
    )
    diags = [d for d in diagnostics(text) if d.code in ("E401", "W408")]
    assert [(d.code, d.span.line) for d in diags] == [("E401", 7), ("W408", 9)]
    assert "'个性指标.经济部门' add up to 70" in diags[0].message()
    assert "'个性指标.县教育局' add up to 50" in diags[1].message()


def test_a_shared_value_cannot_read_an_item_of_a_sheet() -> None:
    text = HEAD + (
        "    section 个性指标 max 10:\n"
        "        for 经济部门:\n"
        "            item a max 10 = x\n"
        "    let 合计 = 个性指标.经济部门.a\n"
    )
    [d] = diagnostics(text)
    assert (d.code, d.span.line) == ("E203", 8)
    assert "exists only for 县发改委, 县工信局" in d.message()


def test_a_grading_line_cannot_read_an_item_of_a_sheet() -> None:
    text = HEAD.replace("input x", "enum 等次: 好, 差\ninput x") + (
        "    section 个性指标 max 10:\n"
        "        for 经济部门:\n"
        "            item a max 10 = x\n"
        "grading 等次:\n    好 if a > 5\n    差 otherwise\n"
    )
    assert _codes(text) == [("E203", 10)]


def test_inside_a_sheet_a_name_means_the_sheets_own_value() -> None:
    # two sheets each have an item 基础; 加分 reads its own sheet's
    s = compile_rules(
        HEAD + "    section 个性指标 max 20:\n"
        "        for 经济部门:\n"
        "            item 基础 max 10 = x\n"
        "            item 加分 max 10 = 基础 ÷ 2\n"
        "        for 县教育局:\n"
        "            item 基础 max 10 = 10 - x\n"
        "            item 加分 max 10 = 基础\n"
    )
    results = run(s, [unit("县发改委", "G", x=8), unit("县教育局", "G", x=8)])
    # 县发改委: 8 + 8 ÷ 2 = 12; 县教育局: (10 − 8) + 2 = 4
    assert results.by_name("县发改委").total == 12  # type: ignore[union-attr]
    assert results.by_name("县教育局").total == 4  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        (
            "    across group:\n        section s max 10:\n            for 经济部门:\n"
            "                item a max 10 = x\n",
            7,
            "cannot stand in `across group:`",
        ),
        (
            "    section s max 10:\n        for G:\n            item a max 10 = x\n",
            6,
            "'G' is a group",
        ),
        (
            "    section s max 10:\n        for 经济部门:\n            section t max 10:\n"
            "                for 县发改委:\n                    item a max 10 = x\n",
            8,
            "a sheet cannot hold another sheet",
        ),
    ],
)
def test_misplaced_sheets_are_rules_errors(body: str, line: int, words: str) -> None:
    diags = [d for d in diagnostics(HEAD + body) if d.severity == "error"]
    assert [(d.code, d.span.line) for d in diags] == [("E203", line)]
    assert words in diags[0].message()


def test_a_set_of_units_is_declared_once() -> None:
    text = "group G\nunits A: x, y\nunits A: z\nunits B: u, u\nunits G: v\nscoring G:\n    item i = 1\n"
    assert _codes(text) == [("E202", 3), ("E202", 4), ("E202", 5)]


def test_english_and_chinese_sheets_are_the_same_rules() -> None:
    en = compile_rules(
        'group G\nunits E: A, B\ninput x: number 0 to 10 "x"\nscoring G:\n'
        "    section S max 10:\n        for E:\n            item a max 10 = x\n",
        "en",
    )
    zh = compile_rules(
        '分组 G\n单位 E: A, B\n输入 x: 数值 0 至 10 "x"\n评分 G:\n'
        "    部分 S 满分 10:\n        适用 E:\n            指标 a 满分 10 = x\n",
        "zh",
    )
    assert en.module == zh.module
    assert [r.total for r in run(zh, [unit("A", "G", x=3)]).units] == [3]


TARGETS = """
方案 "乡村振兴(节选)"
分组 乡镇
单位 山区三乡: 白沙乡, 云岭乡
输入 游客人次: 数值 0 至 inf "接待游客人次"
输入 游客目标: 数值 0 至 inf "接待游客人次目标"
输入 党建得分: 数值 0 至 20 "党建引领得分"
输入 片区完成率: 数值 0 至 1 "片区任务完成率"
评分 乡镇:
    校验 游客目标 > 0 条款 "附件2"
    校验 党建得分 ≥ 0
    部分 个性指标 满分 15:
        适用 山区三乡:
            指标 生态旅游 满分 15:
                起评 游客人次 ÷ 游客目标 × 15
                封顶 满分
        适用 城关镇:
            指标 片区建设 满分 15 = 片区完成率 × 15
    指标 党建引领 满分 20 = 党建得分
"""


def test_a_requirement_on_one_sheets_inputs_binds_that_sheets_units_alone() -> None:
    # "接待游客人次完成目标得满分,未完成的按完成率计分": only the 山区 sheet divides by its
    # 游客目标, so only 山区 units give it; 城关镇 gives none, and is not asked for one
    # (before: "unit '城关镇', input '游客目标': missing")
    scheme = compile_rules(TARGETS, "targets")
    assert diagnostics(TARGETS) == []
    results = run(
        scheme,
        [
            unit("白沙乡", "乡镇", 游客人次=6, 游客目标=8, 党建得分=18),
            unit("城关镇", "乡镇", 片区完成率="0.8", 党建得分=16),
        ],
    )
    # 白沙乡: 6 ÷ 8 × 15 = 11.25, + 18 = 29.25; 城关镇: 0.8 × 15 = 12, + 16 = 28
    assert value(results.by_name("白沙乡"), "total") == D("29.25")
    assert value(results.by_name("城关镇"), "total") == D("28")
    with pytest.raises(DataError) as err:  # a unit of the sheet is still held to it
        run(scheme, [unit("云岭乡", "乡镇", 游客人次=6, 游客目标=0, 党建得分=18)])
    assert "云岭乡" in str(err.value) and "游客目标 > 0" in str(err.value)
    data = validate(
        {"units": [unit("城关镇", "乡镇", 片区完成率="0.8", 党建得分=16)]}, scheme.model, "d"
    )
    traced = score(scheme, data, trace=True)
    shown = [q["text"] for q in explain_data(traced, traced.units[0])["requirements"]]
    assert shown == ["党建得分 ≥ 0"]  # explain lists what the unit was held to


def test_a_requirement_on_a_shared_input_still_binds_every_unit() -> None:
    scheme = compile_rules(TARGETS, "targets")
    with pytest.raises(DataError) as err:  # 党建得分 is read by every unit
        run(scheme, [unit("城关镇", "乡镇", 片区完成率="0.8")])
    assert "城关镇" in str(err.value) and "党建得分" in str(err.value)


def test_a_scheme_level_requirement_on_one_sheets_inputs_binds_that_sheets_units_alone() -> None:
    rules = TARGETS.replace('    校验 游客目标 > 0 条款 "附件2"\n', "").replace(
        "评分 乡镇:", '校验 游客目标 > 0 条款 "附件2"\n评分 乡镇:'
    )
    assert rules.count("校验 游客目标 > 0") == 1 and diagnostics(rules) == []
    scheme = compile_rules(rules, "targets")
    results = run(scheme, [unit("城关镇", "乡镇", 片区完成率="0.8", 党建得分=16)])
    assert value(results.by_name("城关镇"), "total") == D("28")  # 0.8 × 15 + 16
    with pytest.raises(DataError) as err:
        run(scheme, [unit("云岭乡", "乡镇", 游客人次=6, 游客目标=0, 党建得分=18)])
    assert "云岭乡" in str(err.value) and "游客目标 > 0" in str(err.value)


def test_a_fact_for_another_units_sheet_is_a_data_error(scheme: Any) -> None:
    # 县发改委 is given 价格投诉次数, which only 县市场监管局's sheet reads: the office typed it
    # in the wrong row, and it counted for nothing (scored silently before)
    data = units()
    data[0]["facts"]["价格投诉次数"] = 2
    with pytest.raises(DataError) as err:
        run(scheme, data)
    text = str(err.value)
    assert "县发改委" in text and "价格投诉次数" in text and "县市场监管局" in text
    data[0]["facts"]["价格投诉次数"] = None  # an empty cell stays fine
    assert run(scheme, data).by_name("县发改委") is not None


def test_a_sheets_unit_given_its_section_still_gives_what_its_requirement_reads() -> None:
    # 白沙乡's 个性指标 is given (a value the committee settled), so its sheet's items are not
    # computed; the requirement on 游客目标 still binds it (a KeyError while scoring before)
    scheme = compile_rules(TARGETS, "targets")
    given = {"个性指标": {"value": 12, "by": "考评办"}}
    entry = {**unit("白沙乡", "乡镇", 党建得分=18), "given": given}
    with pytest.raises(DataError) as err:
        run(scheme, [entry])
    assert "白沙乡" in str(err.value) and "游客目标" in str(err.value)
    entry["facts"]["游客目标"] = 8
    assert value(run(scheme, [entry]).by_name("白沙乡"), "total") == D("30")  # 12 + 18
