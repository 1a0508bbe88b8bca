"""Forced distributions as the document says: shares without a rounding allow any split of floors
and ceilings, a declared rounding is enforced exactly, the raters' ordering may be given instead of
the grades, and data that holds part of a roster is a warning (an error with `--complete`).

000 附件2 县领导测评: 县领导……按20%、60%、20%比例将各县直单位分别评为优(15分)、良(12分)、合格(9分)三档.
000 附件2 分类推进 2.: 各改革专项按20%、60%、20%比例将该专项所有改革事项评出优、良、合格三档,分别按10分、
9分、8分乘以得分系数(牵头1.0、责任0.9);有多个改革事项的,按单位所有改革事项平均分计算.
Every expected value is worked out by hand in the comment beside it."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers_scoring import D
from kaoping.cases import read_cases, run_case
from kaoping.cli import main
from kaoping.compiler.load import CompiledScheme, compile_sources
from kaoping.errors import DataError
from kaoping.exact import Q
from kaoping.explain import explain_text
from kaoping.io.results import to_json
from kaoping.io.validate import validate
from kaoping.runtime.shares import Splits
from kaoping.scoring import Results, score

SHARES = (D("0.2"), D("0.6"), D("0.2"))

LEADERS = """
分组 县直单位
枚举 档次: 优, 良, 合格
输入 县领导测评等次: 档次 "县领导评定的档次"
输入 县领导测评排序: 次数 可缺 "县领导对县直单位的排序"
对照表 档次分 按 档次:
    优: 15
    良: 12
    合格: 9
评分 县直单位:
    指标 县领导测评 满分 15 = 档次分[县领导测评等次]
    组内:
        校验 县领导测评等次 按排序 县领导测评排序 分布 优 20%, 良 60%, 合格 20%
"""
ROUNDED = LEADERS.replace("合格 20%\n", "合格 20% 四舍五入\n")


def compiled(rules: str) -> CompiledScheme:
    return compile_sources("shares", {"shares.rules": rules})


def run(
    rules: str, units: list[dict[str, Any]], roster: dict[str, int] | None = None, **kw: Any
) -> Results:
    scheme = compiled(rules)
    data = validate({"units": units}, scheme.model, "data")
    return score(scheme, data, trace=True, roster=roster, **kw)


def rated(*grades: str) -> list[dict[str, Any]]:
    return [
        {"unit": f"局{i}", "group": "县直单位", "facts": {"县领导测评等次": g}}
        for i, g in enumerate(grades, 1)
    ]


def placed(*places: int | None, grades: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """局1 … 局n at the given places; `grades` gives some of them a grade too (by unit number)."""
    grades = grades or {}
    return [
        {
            "unit": f"局{i}",
            "group": "县直单位",
            "facts": {"县领导测评排序": p, "县领导测评等次": grades.get(i)},
        }
        for i, p in enumerate(places, 1)
    ]


def grade_of(results: Results) -> dict[str, str]:
    return {r.name: r.unit.facts["县领导测评等次"] for r in results.units}


# ------------------------------------------------------------------ the allowed splits
def splits_of(n: int, mode: str | None) -> set[tuple[int, ...]]:
    """Every split of n into three bands that the shares 20/60/20 allow."""
    found = set()
    for a in range(n + 1):
        for b in range(n + 1 - a):
            if Splits.of(n, SHARES, mode).holds((a, b, n - a - b)):
                found.add((a, b, n - a - b))
    return found


def test_splits_without_a_rounding_are_every_floor_or_ceiling_adding_up() -> None:
    # 7 × 20/60/20 = 1.4, 4.2, 1.4: floors 1, 4, 1 leave 1 unit, which one band takes
    assert splits_of(7, None) == {(2, 4, 1), (1, 5, 1), (1, 4, 2)}
    # 5 × 20/60/20 = 1, 3, 1: whole, so one split
    assert splits_of(5, None) == {(1, 3, 1)}
    # 3: 0.6, 1.8, 0.6 → floors 0, 1, 0 leave 2 units for two of the three bands
    assert splits_of(3, None) == {(1, 2, 0), (1, 1, 1), (0, 2, 1)}
    # 1: 0.2, 0.6, 0.2 → the one unit in any band
    assert splits_of(1, None) == {(1, 0, 0), (0, 1, 0), (0, 0, 1)}


def test_a_declared_rounding_gives_one_split() -> None:
    # half-up on cumulative shares: 7 → 1.4 → 1, 5.6 → 6: 1, 5, 1; 8 → 1.6 → 2, 6.4 → 6: 2, 4, 2
    assert splits_of(7, "half-up") == {(1, 5, 1)}
    assert splits_of(8, "half-up") == {(2, 4, 2)}
    # down: 7 → 1.4 → 1, 5.6 → 5: 1, 4, 2
    assert splits_of(7, "down") == {(1, 4, 2)}


def test_forty_bands_are_answered_without_listing_the_splits() -> None:
    # forty bands of 2.5% over 100 units: 2.5 each, floors 2 leave 20 units for 20 of the 40
    # bands, C(40, 20) ≈ 1.4 × 10¹¹ splits; the questions are answered band by band
    splits = Splits.of(100, [D("0.025")] * 40, None)
    assert splits.holds([3] * 20 + [2] * 20) and not splits.holds([3] * 21 + [2] * 19)
    # place 1 is in the first band whatever the split; place 3 in the first or the second
    assert splits.bands_at(1) == [0] and splits.bands_at(3) == [0, 1]
    assert splits.bands_at(100) == [39]


def _every_split(n: int, shares: list[Q]) -> list[tuple[int, ...]]:
    """The definition, listed: each band the floor or the ceiling of share × n, adding up to n."""
    options = [sorted({math.floor(x * n), math.ceil(x * n)}) for x in shares]
    return [c for c in itertools.product(*options) if sum(c) == n]


def _band(split: tuple[int, ...], position: int) -> int:
    return next(b for b in range(len(split)) if position <= sum(split[: b + 1]))


@st.composite
def _cases(draw: Any) -> tuple[int, list[Q], list[tuple[int, int]], int, list[int]]:
    """Shares in whole percents, n, some places with a band, a place to ask about, and the
    counts of part of a roster."""
    k = draw(st.integers(2, 5))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=k - 1, max_size=k - 1, unique=True)))
    shares = [D(b - a) / 100 for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    n = draw(st.integers(1, 12))
    positions = draw(st.lists(st.integers(1, n), max_size=3, unique=True))
    placed = [(p, draw(st.integers(0, k - 1))) for p in positions]
    part = draw(st.lists(st.integers(0, 3), min_size=k, max_size=k))
    return n, shares, placed, draw(st.integers(1, n)), part


@settings(max_examples=300, deadline=None)
@given(_cases())
def test_the_band_by_band_answers_equal_listing_every_split(case: Any) -> None:
    n, shares, placed, position, part = case
    splits = Splits.of(n, shares, None)
    every = _every_split(n, shares)
    candidates = itertools.product(*(range(math.ceil(x * n) + 2) for x in shares))
    assert {c for c in candidates if splits.holds(c)} == set(every)
    fitting = [c for c in every if all(_band(c, p) == b for p, b in placed)]
    assert splits.fits(placed) == bool(fitting)
    assert splits.bands_at(position, placed) == sorted({_band(c, position) for c in fitting})
    grows = any(all(x <= c for x, c in zip(part, s, strict=True)) for s in every)
    assert splits.can_grow_into(part) == grows


# ------------------------------------------------------------------ ratings given directly
@pytest.mark.parametrize(
    "split", [("优",) * 2 + ("良",) * 4 + ("合格",), ("优",) + ("良",) * 5 + ("合格",)]
)
def test_without_a_rounding_any_allowed_split_of_seven_is_accepted(split: tuple[str, ...]) -> None:
    res = run(LEADERS, rated(*split))
    assert res.warnings == ()
    # 优 15, 良 12, 合格 9 by the table
    assert res.by_name("局1").unit.values["县领导测评"] == D(15)  # type: ignore[union-attr]
    assert res.by_name("局7").unit.values["县领导测评"] == D(9)  # type: ignore[union-attr]


def test_without_a_rounding_a_split_outside_the_floors_and_ceilings_is_an_error() -> None:
    # 3 优 is more than ceil(1.4) = 2
    with pytest.raises(DataError) as err:
        run(LEADERS, rated("优", "优", "优", "良", "良", "良", "合格"))
    text = str(err.value)
    assert "group '县直单位': 7 units must be rated 优 1 or 2, 良 4 or 5, 合格 1 or 2" in text
    assert "adding up to 7" in text and "rated 优 3, 良 3, 合格 1" in text


def test_a_declared_rounding_is_enforced_exactly() -> None:
    # half-up: 7 units must be 1, 5, 1; 2/4/1 is allowed without a rounding but not with it
    with pytest.raises(DataError) as err:
        run(ROUNDED, rated("优", "优", "良", "良", "良", "良", "合格"))
    assert "7 units must be rated 优 1, 良 5, 合格 1, but are rated 优 2, 良 4, 合格 1" in str(
        err.value
    )
    assert run(ROUNDED, rated("优", "良", "良", "良", "良", "良", "合格")).warnings == ()


def test_a_split_that_does_not_hold_names_what_is_rated() -> None:
    # two ratings of one enum in one group: the error says which of them is off (县领导测评等次)
    two = ROUNDED.replace(
        '输入 县领导测评排序: 次数 可缺 "县领导对县直单位的排序"\n',
        '输入 县领导测评排序: 次数 可缺 "县领导对县直单位的排序"\n输入 部门测评等次: 档次 "部门测评"\n',
    ).replace(
        "        校验 县领导测评等次 按排序",
        "        校验 部门测评等次 分布 优 20%, 良 60%, 合格 20% 四舍五入\n        校验 县领导测评等次 按排序",
    )
    units = rated("优", "优", "良", "良", "良", "良", "合格")
    for u, g in zip(units, ["优", "良", "良", "良", "良", "良", "合格"], strict=True):
        u["facts"]["部门测评等次"] = g
    with pytest.raises(DataError) as err:
        run(two, units)
    assert [p.field for p in err.value.problems] == ["县领导测评等次"]
    assert "input '县领导测评等次': group '县直单位': 7 units must be rated" in str(err.value)


# ------------------------------------------------------------------ orderings as data
def test_places_become_grades_when_every_allowed_split_agrees() -> None:
    # 5 units: 20/60/20 of 5 is 1/3/1, so place 1 优, places 2–4 良, place 5 合格
    res = run(LEADERS, placed(3, 1, 5, 2, 4))
    assert grade_of(res) == {"局1": "良", "局2": "优", "局3": "合格", "局4": "良", "局5": "良"}
    values = {r.name: r.unit.values["县领导测评"] for r in res.units}
    assert values == {"局1": 12, "局2": 15, "局3": 9, "局4": 12, "局5": 12}


def test_places_with_a_declared_rounding() -> None:
    # 7 units, half-up: 1 优 (place 1), 5 良 (places 2–6), 1 合格 (place 7)
    res = run(ROUNDED, placed(1, 2, 3, 4, 5, 6, 7))
    assert list(grade_of(res).values()) == ["优"] + ["良"] * 5 + ["合格"]


def test_places_the_document_leaves_to_the_raters_need_their_grade() -> None:
    # 7 units, no rounding: splits 2/4/1, 1/5/1, 1/4/2. Place 2 is 优 or 良, place 6 良 or 合格.
    with pytest.raises(DataError) as err:
        run(LEADERS, placed(1, 2, 3, 4, 5, 6, 7))
    found = {(p.unit, p.field) for p in err.value.problems}
    assert found == {("局2", "县领导测评等次"), ("局6", "县领导测评等次")}
    assert "allow 优 or 良" in str(err.value) and "give its 县领导测评等次" in str(err.value)


def test_a_grade_given_at_an_open_place_settles_the_split() -> None:
    # 局2 (place 2) rated 优 leaves only the split 2/4/1, so place 6 is 良 and place 7 合格
    res = run(LEADERS, placed(1, 2, 3, 4, 5, 6, 7, grades={2: "优"}))
    assert list(grade_of(res).values()) == ["优", "优", "良", "良", "良", "良", "合格"]


def test_a_grade_given_with_a_place_must_fit_it() -> None:
    # 5 units: place 1 can only be 优
    with pytest.raises(DataError) as err:
        run(LEADERS, placed(1, 2, 3, 4, 5, grades={1: "合格"}))
    [problem] = err.value.problems
    assert (problem.unit, problem.field) == ("局1", "县领导测评等次")
    assert "position 1 is 优" in problem.message


def test_grades_given_with_places_must_fit_one_split() -> None:
    # 7 units: place 2 优 needs 2/4/1, place 6 合格 needs 1/4/2: no one split has both
    with pytest.raises(DataError) as err:
        run(LEADERS, placed(1, 2, 3, 4, 5, 6, 7, grades={2: "优", 6: "合格"}))
    assert "do not fit one split of 7 units" in str(err.value)


def test_a_tie_in_an_ordering_names_both_units() -> None:
    with pytest.raises(DataError) as err:
        run(LEADERS, placed(1, 2, 2, 4, 5))
    assert {p.unit for p in err.value.problems if p.unit} == {"局2", "局3"}
    assert "no ties" in str(err.value) and "nobody at position(s) 3" in str(err.value)


def test_a_place_beyond_the_group_and_a_gap_are_errors() -> None:
    # 3 units at places 1, 2, 4: place 4 is beyond 3, and nobody is third
    with pytest.raises(DataError) as err:
        run(LEADERS, placed(1, 2, 4))
    text = str(err.value)
    assert "局3 is at position 4" in text and "runs from 1 to 3" in text
    assert "nobody at position(s) 3" in text


def test_a_unit_without_a_place_when_the_others_have_one() -> None:
    units = placed(1, 2, 3, 4, None, grades={5: "合格"})
    with pytest.raises(DataError) as err:
        run(LEADERS, units)
    [problem] = err.value.problems
    assert (problem.unit, problem.field) == ("局5", "县领导测评排序")


def test_neither_grade_nor_place_is_a_data_error_naming_the_unit() -> None:
    units = placed(1, 2, 3, 4, 5)
    units[2]["facts"] = {}
    with pytest.raises(DataError) as err:
        run(LEADERS, units)
    [problem] = err.value.problems
    assert (problem.unit, problem.field) == ("局3", "县领导测评等次")
    assert "give the grade 县领导测评等次 or the place 县领导测评排序" in problem.message


def test_grades_given_directly_need_no_place_key() -> None:
    # the place input may be left out when the grade is given
    res = run(LEADERS, rated("优", "良", "良", "良", "合格"))
    assert grade_of(res)["局1"] == "优"


def test_explain_and_the_results_show_a_grade_derived_from_a_place() -> None:
    res = run(LEADERS, placed(3, 1, 5, 2, 4))
    text = explain_text(res, res.by_name("局1"))  # type: ignore[arg-type]
    assert "县领导测评等次 = 良 (from 县领导测评排序 = 3 of 5)" in text
    zh = explain_text(res, res.by_name("局1"), lang="zh")  # type: ignore[arg-type]
    assert "县领导测评等次 = 良 (由 县领导测评排序 第 3 名(共 5)得出)" in zh
    facts = {u["unit"]: u["facts"] for u in json.loads(to_json(res))["units"]}
    assert facts["局1"] == {"县领导测评排序": "3", "县领导测评等次": "良"}


# ------------------------------------------------------------------ part of a roster
def test_a_requirement_on_part_of_a_roster_is_a_warning() -> None:
    # one unit re-scored after an appeal, of 31: half-up gives 31 → 6.2 → 6, 24.8 → 25: 6/19/6;
    # one 优 can still be part of that split
    res = run(ROUNDED, rated("优"), roster={"县直单位": 31})
    assert res.by_name("局1").unit.values["县领导测评"] == D(15)  # type: ignore[union-attr]
    codes = [(w.code, w.unit) for w in res.warnings]
    assert codes == [("partial-roster", None), ("partial-roster", None)]
    messages = " ".join(w.message for w in res.warnings)
    assert "holds 1 of the 31 units of group '县直单位'" in messages
    assert "the data holds 1 of 31 units" in messages and "优 6, 良 19, 合格 6" in messages
    doc = json.loads(to_json(res))
    assert [w["code"] for w in doc["warnings"]] == ["partial-roster", "partial-roster"]


def test_complete_makes_part_of_a_roster_an_error() -> None:
    with pytest.raises(DataError) as err:
        run(ROUNDED, rated("优"), roster={"县直单位": 31}, complete=True)
    assert "holds 1 of the 31 units of group '县直单位'" in str(err.value)


def test_counts_no_missing_unit_can_fix_are_an_error_on_part_of_a_roster() -> None:
    # roster 5 allows one 优 (1/3/1); three of the five in the data are already 优
    with pytest.raises(DataError) as err:
        run(LEADERS, rated("优", "优", "优"), roster={"县直单位": 5})
    assert "5 units in all must be rated 优 1, 良 3, 合格 1" in str(err.value)


def test_places_on_part_of_a_roster_run_to_the_roster() -> None:
    # 10 units in all: 20/60/20 of 10 is 2/6/2, so place 3 is 良 and place 9 合格
    res = run(LEADERS, placed(3, 9), roster={"县直单位": 10})
    assert grade_of(res) == {"局1": "良", "局2": "合格"}
    with pytest.raises(DataError):  # a place beyond the roster
        run(LEADERS, placed(11), roster={"县直单位": 10})


def test_a_roster_smaller_than_the_data_or_for_no_group_is_a_data_error() -> None:
    with pytest.raises(DataError) as err:
        run(LEADERS, rated("优", "良", "良", "良", "合格"), roster={"县直单位": 4})
    assert "has 4 units in all, but the data holds 5" in str(err.value)
    scheme = compiled(LEADERS)
    with pytest.raises(DataError) as err:
        validate({"units": rated("优"), "roster": {"乡镇": 3}}, scheme.model, "data")
    assert [p.field for p in err.value.problems] == ["roster.乡镇"]


# ------------------------------------------------------------------ records ordered per 专项
ITEMS = """
分组 县直单位
枚举 档次: 优, 良, 合格
枚举 角色: 牵头, 责任
记录 改革事项:
    事项: 文本
    专项: 文本
    角色: 角色
    专业测评等次: 档次
    专业测评排序: 次数 可缺
输入 负责事项: 列表 改革事项 "单位负责的改革事项"
对照表 专业测评分 按 档次:
    优: 10
    良: 9
    合格: 8
对照表 得分系数 按 角色:
    牵头: 1
    责任: 0.9
评分 县直单位:
    指标 专业测评 满分 10 = (平均 负责事项 的 专业测评分[专业测评等次] × 得分系数[角色]) 缺省 0
    组内:
        校验 负责事项 的 专业测评等次 按排序 专业测评排序 每 事项 按 专项 分布 优 20%, 良 60%, 合格 20%
"""


def item(name: str, part: str, role: str, place: int | None, grade: str | None = None) -> dict:
    return {"事项": name, "专项": part, "角色": role, "专业测评排序": place, "专业测评等次": grade}


def test_records_ordered_within_their_part_get_grades() -> None:
    # 专项 经济 has 5 items (1/3/1 of 5): A1 优, A2–A4 良, A5 合格; A3 is led by 局1 and shared by 局2
    units = [
        {
            "unit": "局1",
            "group": "县直单位",
            "facts": {"负责事项": [item("A1", "经济", "牵头", 1), item("A3", "经济", "牵头", 3)]},
        },
        {
            "unit": "局2",
            "group": "县直单位",
            "facts": {
                "负责事项": [
                    item("A2", "经济", "牵头", 2),
                    item("A3", "经济", "责任", 3),
                    item("A4", "经济", "牵头", 4),
                    item("A5", "经济", "牵头", 5),
                ]
            },
        },
    ]
    res = run(ITEMS, units)
    # 局1: (优 10 × 1 + 良 9 × 1) ÷ 2 = 9.5
    # 局2: (良 9 × 1 + 良 9 × 0.9 + 良 9 × 1 + 合格 8 × 1) ÷ 4 = (9 + 8.1 + 9 + 8) ÷ 4 = 8.525
    assert res.by_name("局1").unit.values["专业测评"] == D("9.5")  # type: ignore[union-attr]
    assert res.by_name("局2").unit.values["专业测评"] == D("8.525")  # type: ignore[union-attr]


def test_copies_of_a_record_must_agree_on_its_place() -> None:
    units = [
        {
            "unit": "局1",
            "group": "县直单位",
            "facts": {"负责事项": [item("A1", "经济", "牵头", 1)]},
        },
        {
            "unit": "局2",
            "group": "县直单位",
            "facts": {"负责事项": [item("A1", "经济", "责任", 2)]},
        },
    ]
    with pytest.raises(DataError) as err:
        run(ITEMS, units)
    [problem] = err.value.problems
    assert problem.unit == "局2" and "at position 1 rated none by 局1" in problem.message


def test_record_ratings_are_counted_as_records_not_units() -> None:
    # one unit leading 5 items of one 专项, two of them 优: 5 items allow only 1/3/1
    items = [item(f"A{i}", "经济", "牵头", None, g) for i, g in enumerate("优优良良合", 1)]
    items[4]["专业测评等次"] = "合格"
    units = [{"unit": "局1", "group": "县直单位", "facts": {"负责事项": items}}]
    with pytest.raises(DataError) as err:
        run(ITEMS, units)
    text = str(err.value)
    assert "负责事项 in group '县直单位', 专项 '经济': 5 records (one per 事项)" in text
    assert "units" not in text
    assert [p.field for p in err.value.problems] == ["负责事项"]


def test_records_on_part_of_a_roster_are_a_warning_and_need_their_grade() -> None:
    rated_items = [item("A1", "经济", "牵头", None, "优"), item("A2", "经济", "牵头", None, "优")]
    units = [{"unit": "局1", "group": "县直单位", "facts": {"负责事项": rated_items}}]
    res = run(ITEMS, units, roster={"县直单位": 20})
    assert any("were not checked" in w.message for w in res.warnings)
    units[0]["facts"]["负责事项"] = [item("A1", "经济", "牵头", 1)]
    with pytest.raises(DataError) as err:
        run(ITEMS, units, roster={"县直单位": 20})
    assert "give 专业测评等次 too" in str(err.value)


# ------------------------------------------------------------------ the command line
def _write(tmp_path: Path, rules: str, data: dict[str, Any]) -> tuple[str, str]:
    r = tmp_path / "leaders.rules"
    r.write_text(rules, "utf-8")
    d = tmp_path / "data.json"
    d.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return str(r), str(d)


def test_cli_part_of_a_roster_warns_on_stderr_and_in_the_json(tmp_path: Path) -> None:
    rules, data = _write(tmp_path, ROUNDED, {"roster": {"县直单位": 31}, "units": rated("优")})
    result = CliRunner().invoke(main, ["score", rules, data, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "warning: [partial-roster]" in result.stderr
    assert "1 of the 31 units of group '县直单位'" in result.stderr
    doc = json.loads(result.stdout)
    assert {w["code"] for w in doc["warnings"]} == {"partial-roster"}
    assert doc["units"][0]["total"] == "15"  # 优 15, no rounding declared


def test_cli_complete_refuses_part_of_a_roster(tmp_path: Path) -> None:
    rules, data = _write(tmp_path, ROUNDED, {"roster": {"县直单位": 31}, "units": rated("优")})
    result = CliRunner().invoke(main, ["score", rules, data, "--complete"])
    assert result.exit_code == 2
    assert "1 of the 31 units of group '县直单位'" in result.stderr
    assert result.stdout == ""


def test_cli_complete_accepts_the_whole_roster(tmp_path: Path) -> None:
    units = rated("优", "良", "良", "良", "合格")
    rules, data = _write(tmp_path, ROUNDED, {"roster": {"县直单位": 5}, "units": units})
    result = CliRunner().invoke(main, ["score", rules, data, "--complete", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["warnings"] == []
    assert result.stderr == ""


def test_a_part_without_a_key_checks_each_record_of_the_part() -> None:
    # `by 专项` without `per 事项`: each record is its own item. Five 经济 items rated 1/3/1 fit;
    # (the part must not be taken for the key, which made the five look like disagreeing copies)
    rules = ITEMS.replace(" 每 事项 按 专项 ", " 按 专项 ")
    items = [
        item(f"A{i}", "经济", "牵头", None, g)
        for i, g in enumerate(("优", "良", "良", "良", "合格"), 1)
    ]
    res = run(rules, [{"unit": "局1", "group": "县直单位", "facts": {"负责事项": items}}])
    # (10 + 9 + 9 + 9 + 8) ÷ 5 = 9
    assert res.by_name("局1").unit.values["专业测评"] == D(9)  # type: ignore[union-attr]


def test_cli_inputs_says_which_grades_may_be_given_as_places(tmp_path: Path) -> None:
    rules = tmp_path / "items.rules"
    rules.write_text(ITEMS, "utf-8")
    result = CliRunner().invoke(main, ["inputs", str(rules)])
    assert result.exit_code == 0, result.output
    assert "- 专业测评等次: 档次 (or its place: 专业测评排序)" in result.stdout
    leaders = tmp_path / "leaders.rules"
    leaders.write_text(LEADERS, "utf-8")
    result = CliRunner().invoke(main, ["inputs", str(leaders)])
    assert "or its place in the raters' ordering: 县领导测评排序" in result.stdout


def test_a_golden_case_may_declare_a_roster(tmp_path: Path) -> None:
    # 000 附件2 县领导测评 after an appeal: one unit of 31 re-scored, rated 优 (15 points)
    case_file = tmp_path / "appeal.yaml"
    case_file.write_text(
        """
cases:
  - name: 申诉复核一个单位
    article: "000 附件2 县领导测评"
    arithmetic: "优 15 分;31 个单位中只复核 1 个,比例只能部分校验(警告)"
    roster: {县直单位: 31}
    units:
      - {unit: 局1, group: 县直单位, facts: {县领导测评等次: 优}}
    expect:
      局1: {total: "15"}
  - name: 名册小于数据
    article: "000 附件2 县领导测评"
    arithmetic: "data error, no arithmetic"
    roster: {县直单位: 0}
    units:
      - {unit: 局1, group: 县直单位, facts: {县领导测评等次: 优}}
    expect_error: "roster.县直单位"
""",
        "utf-8",
    )
    results = [run_case(compiled(ROUNDED), case) for case in read_cases(case_file)]
    assert [(r.passed, r.message) for r in results] == [(True, ""), (True, "")]
