"""`last year X` inside X's own rule reads last year's results, not X: a running count across
years ("连续三年确定为优秀等次的,记三等功") is `设 连续优秀年数 = 若 等次 = 优秀 则 (上年 连续优秀年数
缺省 0) + 1 否则 0`, not a cycle (E502 before), on both backends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers_columnar import same_results
from helpers_scoring import unit
from kaoping.compiler.load import compile_sources
from kaoping.errors import CompileError
from kaoping.io.history_file import read_history
from kaoping.io.validate import validate
from kaoping.scoring import score

RULES = """方案 "连续优秀"
分组 科室 "科室"
枚举 等次: 优秀, 称职
输入 得分: 数值 0 至 100 "得分"
评分 科室:
    总分 = 得分
    设 累计高分年数 = (上年 累计高分年数 缺省 0) + 满足数(得分 ≥ 90)
    标记 曾经满分 若 满足数(得分 = 100, (上年 曾经满分) 缺省 否) ≥ 1
评定 等次:
    优秀 若 总分 ≥ 90
    称职 其余
结果运用:
    设 连续优秀年数 = 若 等次 = 优秀 则 (上年 连续优秀年数 缺省 0) + 1 否则 0
    标记 记三等功 若 连续优秀年数 ≥ 3
"""


def _run(history: list[dict[str, Any]] | None, backend: str) -> dict[str, Any]:
    scheme = compile_sources("own", {"q.rules": RULES})
    data = {
        "units": [
            {"unit": "甲", "group": "科室", "facts": {"得分": "95"}},
            {"unit": "乙", "group": "科室", "facts": {"得分": "80"}},
            {"unit": "丙", "group": "科室", "facts": {"得分": "90"}},
        ]
    }
    hist = None if history is None else {"units": history}
    results = score(scheme, validate(data, scheme.model, "d"), hist, backend=backend)
    return {r.unit.name: r for r in results.units}


@pytest.mark.parametrize("backend", ["unit", "columnar"])
def test_a_count_of_consecutive_years_reads_its_own_last_year(backend: str) -> None:
    last = [
        {
            "unit": "甲",
            "group": "科室",
            "total": "96",
            "grade": "优秀",
            "scores": {"累计高分年数": "2", "连续优秀年数": "2", "曾经满分": True},
        },
        {
            "unit": "乙",
            "group": "科室",
            "total": "92",
            "grade": "优秀",
            "scores": {"累计高分年数": "1", "连续优秀年数": "1", "曾经满分": False},
        },
    ]
    got = _run(last, backend)
    # 甲: 优秀 again, 2 + 1 = 3 → 记三等功; 乙: 称职 this year → 0; 丙: no history → 0 + 1 = 1
    assert {n: str(r.unit.values["连续优秀年数"]) for n, r in got.items()} == {
        "甲": "3",
        "乙": "0",
        "丙": "1",
    }
    # 累计高分年数: 甲 2 + 1, 乙 1 + 0, 丙 0 + 1
    assert {n: str(r.unit.values["累计高分年数"]) for n, r in got.items()} == {
        "甲": "3",
        "乙": "1",
        "丙": "1",
    }
    assert {n: bool(r.unit.values["曾经满分"]) for n, r in got.items()} == {
        "甲": True,
        "乙": False,
        "丙": False,
    }
    assert [n for n, r in got.items() if "记三等功" in r.unit.flags] == ["甲"]


@pytest.mark.parametrize("backend", ["unit", "columnar"])
def test_without_history_the_count_starts(backend: str) -> None:
    got = _run(None, backend)
    assert {n: str(r.unit.values["连续优秀年数"]) for n, r in got.items()} == {
        "甲": "1",
        "乙": "0",
        "丙": "1",
    }


def test_a_value_that_is_not_a_number_cannot_read_itself_as_one() -> None:
    rules = RULES.replace(
        "    标记 曾经满分 若 满足数(得分 = 100, (上年 曾经满分) 缺省 否) ≥ 1\n",
        "    设 曾经满分 = 得分 = 100 或 ((上年 曾经满分) = 1) 缺省 否\n",
    )
    with pytest.raises(CompileError) as err:
        compile_sources("own", {"q.rules": rules})
    assert "E203" in str(err.value)
    assert (
        "`上年 曾经满分`, read by 曾经满分 itself or by a value 曾经满分 reads, reads a number"
        in str(err.value)
    )
    assert "E502" not in str(err.value)


def test_a_real_cycle_is_still_one() -> None:
    rules = RULES.replace("(上年 累计高分年数 缺省 0)", "累计高分年数")
    with pytest.raises(CompileError) as err:
        compile_sources("own", {"q.rules": rules})
    assert "E502" in str(err.value)


CARRY = """
方案 "加分结转"
分组 单位 "单位"
输入 本年加分: 数值 0 至 10 "本年获得的加分"
输入 已用: 数值 0 至 10 "本年已使用的加分"
评分 单位:
    设 累计 = (上年 余额 缺省 0) + 本年加分
    设 余额 = 累计 - 最小(已用, 累计)
    指标 加分 满分 10 = 最小(累计, 10)
"""


def test_a_value_reading_last_year_of_a_value_that_reads_it_is_no_cycle(tmp_path: Path) -> None:
    # 加分结转: 累计 = last year's 余额 + this year's; 余额 = 累计 − what was used. 余额 reads 累计
    # this year, 累计 reads 余额 of last year: no cycle (E502 before). Year 1: 甲 累计 0 + 6 = 6,
    # 余额 6 − 2 = 4; year 2: 累计 4 + 7 = 11, 加分 least(11, 10) = 10. 乙: 3 − least(5, 3) = 0,
    # then 0 + 1 = 1
    compiled = compile_sources("carry", {"c.rules": CARRY})
    first = {
        "units": [unit("甲", "单位", 本年加分=6, 已用=2), unit("乙", "单位", 本年加分=3, 已用=5)]
    }
    history = tmp_path / "last.json"
    history.write_text(same_results(compiled, first) or "", encoding="utf-8")
    second = {
        "units": [unit("甲", "单位", 本年加分=7, 已用=1), unit("乙", "单位", 本年加分=1, 已用=0)]
    }
    out = same_results(compiled, second, read_history(str(history), compiled)[0])
    assert out is not None
    assert {u["unit"]: u["total"] for u in json.loads(out)["units"]} == {"甲": "10", "乙": "1"}
