""" "去掉一个最高分和一个最低分后取平均" (民主评议, 评委打分): an aggregate with two `drop` clauses,
applied in the order written, on both backends; the checker counts both drops when it asks
whether the mean can be of no record; `explain` names the records each drop left out, also for
an aggregate in a `let`. Every value is worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from helpers_columnar import same_results
from helpers_scoring import D
from kaoping.compiler.load import CompileError, compile_sources
from kaoping.explain import explain_text
from kaoping.io.validate import validate
from kaoping.scoring import Results, score

TRIMMED = """
方案 "民主评议"
分组 部门
记录 评议打分:
    评分人: 文本
    分数:   数值 0 至 100
输入 评议: 列表 评议打分 "考核组成员的评分"
校验 (计数 评议) ≥ 3
评分 部门:
    设 去高去低 = 平均 评议 的 分数 剔除 1 项 最高 按 分数 剔除 1 项 最低 按 分数
    指标 民主评议 满分 30 = 去高去低 × 30%
    指标 去两个最低 满分 100 = 平均 评议 的 分数 剔除 1 项 最低 按 分数 剔除 1 项 最低 按 分数
"""


def _units(*scores: tuple[str, list[int]]) -> list[dict[str, Any]]:
    return [
        {
            "unit": name,
            "group": "部门",
            "facts": {"评议": [{"评分人": f"评委{i}", "分数": s} for i, s in enumerate(xs, 1)]},
        }
        for name, xs in scores
    ]


def _run(units: list[dict[str, Any]]) -> Results:
    scheme = compile_sources("trimmed", {"s.rules": TRIMMED})
    return score(scheme, validate({"units": units}, scheme.model, "data"), trace=True)


def test_the_highest_and_the_lowest_are_left_out_of_the_mean() -> None:
    # 88 90 86 92 85 89 91: without 92 and 85, (88 + 90 + 86 + 89 + 91) ÷ 5 = 444 ÷ 5 = 88.8,
    # × 30% = 26.64; without the two lowest (85, 86): (88 + 90 + 92 + 89 + 91) ÷ 5 = 90
    res = _run(_units(("甲局", [88, 90, 86, 92, 85, 89, 91])))
    values = res.units[0].unit.values
    assert values["去高去低"] == D("88.8")
    assert values["民主评议"] == D("26.64")
    assert values["去两个最低"] == D(90)


def test_three_scores_leave_the_middle_one() -> None:
    # 70 95 80: 95 and 70 go, 80 is the mean; equal scores (90 90 90) leave 90
    res = _run(_units(("甲局", [70, 95, 80]), ("乙局", [90, 90, 90])))
    assert res.by_name("甲局").unit.values["去高去低"] == D(80)  # type: ignore[union-attr]
    assert res.by_name("乙局").unit.values["去高去低"] == D(90)  # type: ignore[union-attr]


def test_both_backends_agree() -> None:
    scheme = compile_sources("trimmed", {"s.rules": TRIMMED})
    raw = {"units": _units(("甲局", [88, 90, 86, 92, 85, 89, 91]), ("乙局", [70, 95, 80]))}
    found = same_results(scheme, raw)
    assert found is not None and '"26.64"' in found


def test_explain_names_the_records_each_drop_left_out() -> None:
    res = _run(_units(("甲局", [88, 90, 86, 92, 85, 89, 91])))
    text = explain_text(res, res.units[0])
    let = text.split("去高去低 = 88.8")[1].split("民主评议 =")[0]
    assert "[4] dropped: among the 1 highest" in let
    assert "[5] dropped: among the 1 lowest" in let
    assert "[1] counted 88" in let


def test_the_checker_counts_both_drops() -> None:
    # with (计数 评议) ≥ 2 the list may keep no record after two drops: the mean may be absent
    rules = TRIMMED.replace("(计数 评议) ≥ 3", "(计数 评议) ≥ 2")
    with pytest.raises(CompileError) as err:
        compile_sources("trimmed", {"s.rules": rules})
    assert "E206" in str(err.value)


def test_explain_shows_the_records_of_an_aggregate_in_a_let() -> None:
    # a let has no clause step to carry what each record counted for: the let carries it
    rules = """
分组 部门
记录 评议打分:
    分数: 数值 0 至 100
输入 评议: 列表 评议打分 "考核组成员的评分"
评分 部门:
    设 去最低 = (平均 评议 的 分数 剔除 1 项 最低 按 分数) 缺省 0
    指标 民主评议 满分 100 = 去最低
"""
    scheme = compile_sources("let", {"s.rules": rules})
    facts = {"评议": [{"分数": 80}, {"分数": 60}, {"分数": 90}]}
    data = validate(
        {"units": [{"unit": "甲局", "group": "部门", "facts": facts}]}, scheme.model, "d"
    )
    res = score(scheme, data, trace=True)
    text = explain_text(res, res.units[0])
    # (80 + 90) ÷ 2 = 85, 60 dropped
    let = text.split("去最低 = 85")[1].split("民主评议 =")[0]
    assert "[1] counted 80" in let and "[2] dropped: among the 1 lowest" in let
    assert "[3] counted 90" in let


def test_explain_in_chinese_says_why_a_record_was_left_out_in_chinese() -> None:
    res = _run(_units(("甲局", [88, 90, 86, 92, 85, 89, 91])))
    text = explain_text(res, res.units[0], lang="zh")
    assert "[4] 剔除:最高的 1 项之一" in text and "[5] 剔除:最低的 1 项之一" in text
    assert "dropped" not in text
