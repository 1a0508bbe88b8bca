"""Every let is in the results JSON, so that next year's `last year` finds it; a `last year` read
that finds nothing for a unit that has history is a warning naming the unit and the value.

003 三(七)1.: 五项主要指标增长率和上年度相比在全区排位每前移1位,每项加0.5分. The 排位 is a rank
other than the reported one (the reported rank is by total), which the results used to leave out:
the credit then silently took its default. Every expected value is worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from helpers_scoring import D
from kaoping.cli import main
from kaoping.compiler.load import compile_sources
from kaoping.io.results import to_json
from kaoping.io.validate import validate
from kaoping.scoring import Results, score

RULES = """
分组 乡镇
枚举 档次: 好, 差
输入 得分: 数值 0 至 100 "综合得分"
输入 增长率: 数值 -100 至 100 "城镇居民可支配收入增长率"
评分 乡镇:
    指标 基础 满分 100 = 得分
    设 达标 = 得分 ≥ 60
    设 档 = 分段 得分 {[60, 100]: 好, [0, 60): 差}
    设 增长率差额 = 若 增长率 > 0 则 增长率 否则 (若 增长率 < 0 则 -增长率 否则 0)
    组内:
        设 名次 = 排名 按 总分
        设 增长率排位 = 排名 按 增长率
        指标 排位进位加分 满分 3 条款 "003 三(七)1." = 最小(超出((上年 增长率排位) 缺省 增长率排位, 增长率排位) × 0.5, 3)
        设 上年档 = 上年 档
"""


def units(**rates: int) -> list[dict[str, Any]]:
    # 得分 fixed so that the reported rank (by total) differs from the 增长率 rank
    scores = {"甲": 90, "乙": 80, "丙": 50}
    return [
        {"unit": n, "group": "乡镇", "facts": {"得分": scores[n], "增长率": r}}
        for n, r in rates.items()
    ]


def run(data: list[dict[str, Any]], history: Any = None) -> Results:
    scheme = compile_sources("rank-credit", {"r.rules": RULES})
    return score(scheme, validate({"units": data}, scheme.model, "data"), history)


def test_every_let_is_in_the_results_json() -> None:
    doc = json.loads(to_json(run(units(甲=5, 乙=9, 丙=7))))
    scores = {u["unit"]: u["scores"] for u in doc["units"]}
    # 增长率 5, 9, 7 → 乙 1st, 丙 2nd, 甲 3rd; totals 90, 80, 50 → 甲 1st (the reported rank)
    assert scores["甲"]["增长率排位"] == "3" and scores["乙"]["增长率排位"] == "1"
    assert scores["甲"]["名次"] == "1"
    assert scores["甲"]["达标"] is True and scores["丙"]["达标"] is False  # 90 ≥ 60, 50 < 60
    assert scores["甲"]["档"] == "好" and scores["丙"]["档"] == "差"
    assert scores["甲"]["增长率差额"] == "5"
    assert scores["甲"]["上年档"] is None  # no history: absent, written as null


def test_year_one_results_give_year_two_its_rank_improvement_credit() -> None:
    year1 = json.loads(to_json(run(units(甲=5, 乙=9, 丙=7))))
    # year 2: 增长率 10, 8, 6 → 甲 1st (was 3rd), 乙 2nd (was 1st), 丙 3rd (was 2nd)
    year2 = run(units(甲=10, 乙=8, 丙=6), year1)
    credit = {r.name: r.unit.values["排位进位加分"] for r in year2.units}
    # 甲 moved 3 → 1: 2 places × 0.5 = 1; 乙 and 丙 moved down: 0
    assert credit == {"甲": D(1), "乙": D(0), "丙": D(0)}
    # last year's band (an enum let) comes back as the enum value
    assert {r.name: r.unit.values["上年档"] for r in year2.units} == {
        "甲": "好",
        "乙": "好",
        "丙": "差",
    }
    assert year2.warnings == ()


def test_a_last_year_value_missing_for_a_unit_with_history_is_a_warning() -> None:
    # hand-written history: 甲's entry has no 增长率排位 and no 档; 新 has no history at all
    history = {"units": [{"unit": "甲", "group": "乡镇", "total": "90", "rank": 1}]}
    new_unit = {"unit": "新", "group": "乡镇", "facts": {"得分": 70, "增长率": 1}}
    res = run([*units(甲=10), new_unit], history)
    # 甲 is 1st by 增长率 (10 > 1); with no 排位 last year the default (this year's 排位) applies: 0
    assert res.by_name("甲").unit.values["排位进位加分"] == D(0)  # type: ignore[union-attr]
    found = sorted((w.code, w.unit, w.message) for w in res.warnings)
    assert [(c, u) for c, u, _ in found] == [
        ("history-missing", "甲"),
        ("history-missing", "甲"),
        ("unit-not-in-history", "新"),  # the history names no 新: said, not silent
    ]
    assert any("'增长率排位'" in m for _, _, m in found) and any("'档'" in m for _, _, m in found)
    doc = json.loads(to_json(res))
    assert {(w["code"], w["unit"]) for w in doc["warnings"]} == {
        ("history-missing", "甲"),
        ("unit-not-in-history", "新"),
    }


def test_a_value_that_was_absent_last_year_is_no_warning() -> None:
    # last year's results say 上年档 was null (absent): reading it is no surprise
    year1 = json.loads(to_json(run(units(甲=5))))
    assert year1["units"][0]["scores"]["上年档"] is None
    rules_reading_it = RULES + "        设 前年档 = 上年 上年档\n"
    scheme = compile_sources("rank-credit", {"r.rules": rules_reading_it})
    res = score(scheme, validate({"units": units(甲=6)}, scheme.model, "data"), year1)
    assert res.warnings == ()


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_cli_year_one_json_then_year_two_with_history(tmp_path: Path) -> None:
    rules = tmp_path / "r.rules"
    rules.write_text(RULES, "utf-8")
    d1, d2, y1 = tmp_path / "d1.json", tmp_path / "d2.json", tmp_path / "y1.json"
    d1.write_text(json.dumps({"units": units(甲=5, 乙=9, 丙=7)}, ensure_ascii=False), "utf-8")
    d2.write_text(json.dumps({"units": units(甲=10, 乙=8, 丙=6)}, ensure_ascii=False), "utf-8")
    first = _cli("score", str(rules), str(d1), "--format", "json", "-o", str(y1))
    assert first.exit_code == 0, first.output
    second = _cli("score", str(rules), str(d2), "--format", "json", "--history", str(y1))
    assert second.exit_code == 0, second.output
    doc = json.loads(second.stdout)
    credit = {u["unit"]: u["scores"]["排位进位加分"] for u in doc["units"]}
    assert credit == {"甲": "1", "乙": "0", "丙": "0"}  # 甲 3rd → 1st: 2 × 0.5
    assert doc["warnings"] == [] and second.stderr == ""


def test_cli_warns_on_stderr_when_history_lacks_a_value(tmp_path: Path) -> None:
    rules = tmp_path / "r.rules"
    rules.write_text(RULES, "utf-8")
    data, hist = tmp_path / "d.json", tmp_path / "h.json"
    data.write_text(json.dumps({"units": units(甲=10)}, ensure_ascii=False), "utf-8")
    # hand-written: names its scheme (r.rules) but no rules hash; no 增长率排位
    last = {"scheme": "r", "units": [{"unit": "甲", "scores": {"档": "好"}}]}
    hist.write_text(json.dumps(last, ensure_ascii=False), "utf-8")
    result = _cli("score", str(rules), str(data), "--history", str(hist), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "warning: [history-missing] unit '甲':" in result.stderr
    assert "'增长率排位'" in result.stderr
    doc = json.loads(result.stdout)
    assert [(w["code"], w["unit"]) for w in doc["warnings"]] == [
        ("history-rules-changed", None),  # the file does not say which rules produced it
        ("history-missing", "甲"),
    ]
