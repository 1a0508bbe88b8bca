"""Given values: a unit's data supplies a value the rules would compute (a sub-score decided by
another office, an appeal correction, a committee's grade). The rule is skipped, what only it
read is not computed nor asked for, and everything that reads the value uses it.

Worked on the example scheme (example_zh, 000 附件2 excerpt); the sample's hand-worked values are
in tests/test_scoring.py's docstring: 县金融办 47.5, 县发改委 42.5 (改革组织领导 6 = 2 + 3 + 1),
县住建局 20, 县教体局 9.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers_columnar import sample
from helpers_scoring import D
from kaoping import load_scheme
from kaoping.cli import main
from kaoping.errors import DataError
from kaoping.io.validate import validate
from kaoping.scoring import score

SAMPLE = Path(__file__).parent.parent / "src/kaoping/schemes/example_zh/sample.json"
ITEMS_OF_SECTION = ["开展改革调研", "明确责任分工", "信息报送次数", "信息质量达标"]


def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text("utf-8"))
    return data


def _unit(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(u for u in data["units"] if u["unit"] == name)


def _score(data: dict[str, Any], trace: bool = False) -> Any:
    scheme = load_scheme("example-zh")
    return score(scheme, validate(data, scheme.model, "data.json"), trace=trace)


def test_a_given_section_replaces_its_rule_and_its_items_inputs_are_not_asked_for() -> None:
    data = _data()
    u = _unit(data, "县发改委")
    u["given"] = {"改革组织领导": {"value": "7.5", "by": "县改革办", "note": "复核更正"}}
    for name in ITEMS_OF_SECTION:  # read only by the section's items: no longer needed
        del u["facts"][name]
    r = _score(data).by_name("县发改委")
    assert r is not None
    # 42.5 − 6 (computed 改革组织领导) + 7.5 (given) = 44
    assert r.unit.values["改革组织领导"] == D("7.5")
    assert r.total == D("44")
    for item in ("主体责任", "信息报送", "分类推进"):
        assert r.unit.values[f"改革组织领导.{item}"] is None  # not computed
    # the output reads the total: least((44 − 40) × 0.1, 3) = 0.4
    assert r.unit.values["绩效考评加分"] == D("0.4")


def test_a_given_item_is_used_even_when_its_inputs_are_there() -> None:
    data = _data()
    u = _unit(data, "县金融办")
    u["given"] = {"协同推进": {"value": 2, "by": "县委办督查室"}}
    r = _score(data).by_name("县金融办")
    assert r is not None
    # 县金融办 47.5 with 协同推进 6 (capped) → 47.5 − 6 + 2 = 43.5
    assert r.unit.values["协同推进"] == D(2)
    assert r.total == D("43.5")


def test_without_given_values_the_section_inputs_are_still_required() -> None:
    data = _data()
    del _unit(data, "县发改委")["facts"]["信息报送次数"]
    with pytest.raises(DataError) as err:
        _score(data)
    assert "信息报送次数" in str(err.value) and "县发改委" in str(err.value)


def test_a_given_total_decides_rank_and_grade() -> None:
    data = _data()
    _unit(data, "县教体局")["given"] = {"总分": {"value": 50, "by": "申诉复核"}}
    results = _score(data)
    r = results.by_name("县教体局")
    assert r is not None and r.total == D(50) and r.rank == 1
    # 先进 前 2 名 → 县教体局 (50) and 县金融办 (47.5); 50 ≥ 30 so no 警示单位 flag
    assert r.unit.grades["等次"] == "先进"
    assert r.unit.flags == []
    other = results.by_name("县发改委")
    assert other is not None and other.rank == 3 and other.unit.grades["等次"] == "合格单位"


def test_a_given_grade_is_kept_and_quota_places_go_to_the_others() -> None:
    data = _data()
    _unit(data, "县金融办")["given"] = {"等次": {"value": "合格单位", "by": "县考评委员会"}}
    results = _score(data, trace=True)
    graded = {r.name: r.unit.grades["等次"] for r in results.units}
    # 先进 前 2 名 among the units not given a grade: 县发改委 42.5 and 县住建局 20
    assert graded == {
        "县金融办": "合格单位",
        "县发改委": "先进",
        "县住建局": "先进",
        "县教体局": "警示单位",
    }
    r = results.by_name("县金融办")
    assert r is not None
    reasons = [s.reason for s in r.unit.grade_steps]
    assert reasons[0] == "given by 县考评委员会"
    assert all(not s.applied for s in r.unit.grade_steps[1:])


def test_a_given_grade_is_not_changed_by_promote_or_demote() -> None:
    rules = """\
        scheme "t"
        group G "g"
        enum 等: 优, 良, 差
        input x: number 0 to 10 "x"
        scoring G:
            item a max 10 = x
        grading 等:
            差 if total < 5
            良 otherwise
            demote 差 if total < 8
        """
    from helpers_scoring import compile_rules

    scheme = compile_rules(rules)
    units = [
        {
            "unit": "U1",
            "group": "G",
            "facts": {"x": 6},
            "given": {"等": {"value": "优", "by": "c"}},
        },
        {"unit": "U2", "group": "G", "facts": {"x": 6}},
    ]
    results = score(scheme, validate({"units": units}, scheme.model, "d"))
    assert {r.name: r.unit.grades["等"] for r in results.units} == {"U1": "优", "U2": "差"}


@pytest.mark.parametrize(
    ("given", "field", "words"),
    [
        ({"不存在": {"value": 1, "by": "x"}}, "given.不存在", "no value or grading"),
        ({"协同推进": 3}, "given.协同推进", '"by"'),
        ({"协同推进": {"value": 3}}, "given.协同推进.by", "who supplied"),
        ({"协同推进": {"value": 7, "by": "x"}}, "given.协同推进.value", "range"),
        ({"协同推进": {"value": -1, "by": "x"}}, "given.协同推进.value", "range"),
        ({"协同推进": {"value": "三", "by": "x"}}, "given.协同推进.value", "number"),
        ({"等次": {"value": "优秀", "by": "x"}}, "given.等次.value", "先进"),
        ({"警示单位": {"value": 1, "by": "x"}}, "given.警示单位.value", "true or false"),
        ({"协同推进": {"value": 3, "by": "x", "who": "y"}}, "given.协同推进", "who"),
        ({"协同推进": {"by": "x"}}, "given.协同推进.value", "missing"),
        ([1], "given", "object"),
    ],
)
def test_bad_given_values_are_data_errors_naming_unit_and_field(
    given: Any, field: str, words: str
) -> None:
    data = _data()
    _unit(data, "县发改委")["given"] = given
    with pytest.raises(DataError) as err:
        _score(data)
    problems = err.value.problems
    assert any(p.unit == "县发改委" and p.field == field for p in problems), problems
    assert words in str(err.value)


def test_an_uncapped_item_may_be_given_above_its_table_weight() -> None:
    data = _data()
    _unit(data, "县发改委")["given"] = {"特色影响力": {"value": 25, "by": "县改革办"}}
    r = _score(data).by_name("县发改委")
    assert r is not None
    # 特色影响力 is 上不封顶: 42.5 − 20 + 25 = 47.5
    assert r.total == D("47.5")


def test_traced_and_plain_scoring_agree_with_given_values() -> None:
    data = _data()
    _unit(data, "县发改委")["given"] = {"改革组织领导": {"value": "7.5", "by": "县改革办"}}
    _unit(data, "县金融办")["given"] = {"等次": {"value": "合格单位", "by": "委员会"}}
    plain, traced = _score(copy.deepcopy(data)), _score(data, trace=True)
    for a, b in zip(plain.units, traced.units, strict=True):
        assert a.unit.values == b.unit.values
        assert a.unit.grades == b.unit.grades


def _write(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return str(path)


def test_results_table_json_and_explain_mark_given_values(tmp_path: Path) -> None:
    data = _data()
    u = _unit(data, "县发改委")
    u["given"] = {"改革组织领导": {"value": "7.5", "by": "县改革办", "note": "复核更正"}}
    for name in ITEMS_OF_SECTION:
        del u["facts"][name]
    path = _write(tmp_path, data)
    runner = CliRunner()
    table = runner.invoke(main, ["score", "example-zh", path])
    assert table.exit_code == 0, table.output
    row = next(line for line in table.output.splitlines() if "县发改委" in line)
    assert row.split()[-1] == "改革组织领导"  # the `given` column
    out = runner.invoke(main, ["score", "example-zh", path, "--format", "json"])
    doc = json.loads(out.output)
    unit = next(x for x in doc["units"] if x["unit"] == "县发改委")
    assert unit["given"] == {"改革组织领导": {"value": "7.5", "by": "县改革办", "note": "复核更正"}}
    assert unit["scores"]["改革组织领导.主体责任"] is None
    assert unit["total"] == "44.00"
    explained = runner.invoke(main, ["explain", "example-zh", path, "--unit", "县发改委"])
    assert explained.exit_code == 0, explained.output
    assert "改革组织领导 = 7.5 given (max 9)" in explained.output
    assert "given by 县改革办: 复核更正" in explained.output
    assert "主体责任 = not computed (max 2)" in explained.output


def test_a_given_total_carries_into_next_years_history(tmp_path: Path) -> None:
    data = _data()
    _unit(data, "县教体局")["given"] = {"total": {"value": 50, "by": "申诉复核"}}
    path = _write(tmp_path, data)
    out = CliRunner().invoke(main, ["score", "example-zh", path, "--format", "json"])
    doc = json.loads(out.output)
    unit = next(x for x in doc["units"] if x["unit"] == "县教体局")
    assert unit["total"] == "50.00" and unit["rank"] == 1


def test_inputs_lists_what_may_be_given() -> None:
    out = CliRunner().invoke(main, ["inputs", "example-zh"])
    assert out.exit_code == 0
    assert "改革组织领导 (section, 0 to 9)" in out.output
    assert "特色影响力 (item)" in out.output  # 上不封顶: no upper bound
    assert "等次 (grade: 先进, 合格单位, 警示单位)" in out.output


@pytest.mark.parametrize("backend", ["unit", "columnar"])
def test_a_given_rank_leaves_the_values_other_units_read_computed(backend: str) -> None:
    """shuangxiang-2012 004 四(三): `let 名次 = rank by total` reads every unit's total. A unit
    whose rank is given (an appeal's decision) still has its total computed, so the other units'
    ranks and the grading's quotas read it (the skipped total once made both fail)."""
    scheme = load_scheme("shuangxiang-2012")
    data = sample("shuangxiang_2012")
    plain = score(scheme, validate(data, scheme.model, "d.json"), backend=backend)
    first = next(u for u in data["units"] if u["group"] == "乡镇口")
    first["given"] = {"名次": {"value": "3", "by": "市考评办"}}
    got = score(scheme, validate(data, scheme.model, "d.json"), backend=backend)
    for before, after in zip(plain.units, got.units, strict=True):
        assert after.total == before.total  # only a rank was given
        if after.name == first["unit"]:
            assert after.unit.values["名次"] == D(3)
        else:
            assert after.unit.values["名次"] == before.unit.values["名次"]


def test_a_given_count_skips_a_constant_flag_on_both_backends() -> None:
    """heshan-2013 003 四(一)2.: giving 取消评优情形数 leaves its four situations uncomputed,
    one of them the constant `设 全市民调后十位情形 = 否`; the columnar backend once failed
    turning that constant into a column for the unit that skips it."""
    scheme = load_scheme("heshan-2013")
    data = sample("heshan_2013")
    unit = data["units"][0]
    unit["given"] = {"取消评优情形数": {"value": "0", "by": "区考评委"}}
    per_unit, columnar = (
        score(scheme, validate(data, scheme.model, "d.json"), backend=b)
        for b in ("unit", "columnar")
    )
    for a, b in zip(per_unit.units, columnar.units, strict=True):
        assert a.unit.values == b.unit.values
    mine = per_unit.by_name(unit["unit"])
    assert mine is not None
    assert mine.unit.values["取消评优情形数"] == D(0)
    assert mine.unit.values["全市民调后十位情形"] is None  # not computed: only the count read it


@pytest.mark.parametrize(("given", "why"), [("2.5", "whole number"), ("0", "outside")])
def test_a_given_rank_is_a_whole_number_from_1(given: str, why: str) -> None:
    """A rank (`let 名次 = rank by total`) given by the data is a place: 2.5 or 0 is a data
    error naming the unit, never a result."""
    scheme = load_scheme("shuangxiang-2012")
    data = sample("shuangxiang_2012")
    first = next(u for u in data["units"] if u["group"] == "乡镇口")
    first["given"] = {"名次": {"value": given, "by": "市考评办"}}
    with pytest.raises(DataError) as err:
        validate(data, scheme.model, "d.json")
    assert f"unit {first['unit']!r}" in str(err.value) and why in str(err.value)


def test_a_given_grade_is_not_moved_by_step_down() -> None:
    # a committee's grade stands: `step down` (降一档) passes over it, as promote and demote do
    rules = """\
        scheme "t"
        group G "g"
        enum 等: 优, 良, 差
        input x: number 0 to 10 "x"
        scoring G:
            item a max 10 = x
        grading 等:
            优 if total ≥ 8
            良 otherwise
            step down if total < 7
        """
    from helpers_scoring import compile_rules

    scheme = compile_rules(rules)
    units = [
        {
            "unit": "U1",
            "group": "G",
            "facts": {"x": 6},
            "given": {"等": {"value": "优", "by": "c"}},
        },
        {"unit": "U2", "group": "G", "facts": {"x": 6}},
    ]
    results = score(scheme, validate({"units": units}, scheme.model, "d"))
    assert {r.name: r.unit.grades["等"] for r in results.units} == {"U1": "优", "U2": "差"}


NET = """
方案 "中项净分"
分组 乡镇 "乡镇"
常量 组织工作分值: 数值 0 至 1000 "组织工作中项的基础分(每次评分录入)"
输入 组织工作扣分: 数值 0 至 1000 "细则扣分"
评分 乡镇:
    指标 组织工作:
        起评 组织工作分值
        扣 组织工作扣分
        扣完为止
"""


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (5000, "5000 is more than 组织工作's rules can score (0 to 1000)"),
        (-1, "-1 is less than 组织工作's rules can score (0 to 1000)"),
    ],
)
def test_a_value_given_for_an_item_without_a_maximum_lies_in_what_its_rules_can_score(
    given: int, said: str
) -> None:
    # 004 三: a 中项 scores from its 基础分 down to 0 (扣完为止); an office entering 5000 for a
    # 200-point 中项 made its 大块 5,800 with a warning only. The bound is what the rules can
    # score whatever the run's 基础分 (0 to 1000); 150 is accepted
    from kaoping.compiler.load import compile_sources

    s = compile_sources("net", {"net.rules": NET})

    def data(value: int) -> dict[str, Any]:
        unit = {"unit": "乡镇一", "group": "乡镇", "facts": {}}
        unit["given"] = {"组织工作": {"value": value, "by": "市考评办"}}
        return {"constants": {"组织工作分值": 200}, "units": [unit]}

    results = score(s, validate(data(150), s.model, "t"))
    assert [r.total for r in results.units] == [150]
    with pytest.raises(DataError) as err:
        validate(data(given), s.model, "t")
    # (its 扣分 is then asked for too, as for any given value that is refused)
    problem = next(p for p in err.value.problems if p.field == "given.组织工作.value")
    assert problem.unit == "乡镇一" and said in problem.message
