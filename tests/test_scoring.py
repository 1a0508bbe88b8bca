"""`kaoping score` and `kaoping explain` on the example scheme's sample data, and decimal exactness.

The sample (src/kaoping/schemes/example_zh/sample.json) worked by hand with
example_zh/scheme.rules (000 附件2, excerpt):

县发改委: 主体责任 1 + 1 = 2; 信息报送 4 − (4 − 3) × 1 = 3; 分类推进 3 − 2 (one B unmet) = 1;
          改革组织领导 2 + 3 + 1 = 6; 协同推进 省 1 × 3 = 3; 满意度 8.5;
          特色影响力 阶梯水价 max(15, 10) + 省直管县 5 = 20; 激励加分 4 items > 2, drop 合格 and
          one 良 → 优 3 + 良 2 = 5; total 6 + 3 + 8.5 + 20 + 5 = 42.5;
          绩效考评加分 = least((42.5 − 40) × 0.1, 3) = 0.25
县住建局: 主体责任 1; 信息报送 4; 分类推进 3 − 3 − 2 = −2 → 扣完为止 0; 改革组织领导 5;
          协同推进 中央 1 × 6 = 6; 满意度 9; 特色 0; 激励 (2 items, not > 2) 0; total 20 (< 30: 警示单位)
县教体局: 主体责任 0; 信息报送 4 − 3 = 1, quality not met → 0; 分类推进 3 (A met); 改革组织领导 3;
          协同推进 0 (影响全县考评); 满意度 6; 特色 0; 激励 0; total 9 (警示单位)
县金融办: 主体责任 2; 信息报送 4; 分类推进 3; 改革组织领导 9; 协同推进 省 3 × 3 = 9 → 封顶 6;
          满意度 9.5; 特色 20; 激励 3 items, drop 2 → 优 3; total 9 + 6 + 9.5 + 20 + 3 = 47.5;
          绩效考评加分 = 0.75
Ranks: 47.5 (1), 42.5 (2), 20 (3), 9 (4). 等次: 先进 top 2 → 县金融办, 县发改委;
警示单位 if total < 30 → 县住建局, 县教体局.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from helpers_scoring import D, compile_rules, one
from kaoping.cli import main

EXPECTED = {
    # unit: (total, rank, grade, flags, 绩效考评加分)
    "县金融办": ("47.5", 1, "先进", [], "0.75"),
    "县发改委": ("42.5", 2, "先进", [], "0.25"),
    "县住建局": ("20", 3, "警示单位", ["警示单位"], "0"),
    "县教体局": ("9", 4, "警示单位", ["警示单位"], "0"),
}

SCORES = {
    "县发改委": {
        "改革组织领导.主体责任": "2",
        "改革组织领导.信息报送": "3",
        "改革组织领导.分类推进": "1",
        "改革组织领导": "6",
        "协同推进": "3",
        "满意度测评": "8.5",
        "特色影响力": "20",
        "激励加分": "5",
    },
    "县住建局": {
        "改革组织领导.主体责任": "1",
        "改革组织领导.信息报送": "4",
        "改革组织领导.分类推进": "0",
        "改革组织领导": "5",
        "协同推进": "6",
        "满意度测评": "9",
        "特色影响力": "0",
        "激励加分": "0",
    },
    "县教体局": {
        "改革组织领导.主体责任": "0",
        "改革组织领导.信息报送": "0",
        "改革组织领导.分类推进": "3",
        "改革组织领导": "3",
        "协同推进": "0",
        "满意度测评": "6",
        "特色影响力": "0",
        "激励加分": "0",
    },
    "县金融办": {
        "改革组织领导.主体责任": "2",
        "改革组织领导.信息报送": "4",
        "改革组织领导.分类推进": "3",
        "改革组织领导": "9",
        "协同推进": "6",
        "满意度测评": "9.5",
        "特色影响力": "20",
        "激励加分": "3",
    },
}


def invoke(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("scheme", ["example-zh", "example-en"])
def test_score_sample_table(scheme: str) -> None:
    out = invoke("score", scheme, "--sample")
    lines = [line.split() for line in out.splitlines() if line.strip()]
    assert lines[0] == ["==", "县直单位"]
    assert lines[1] == ["rank", "unit", "total", "grade", "flags"]
    rows = lines[2:]
    # ordered by rank; totals shown with the declared 2 places
    assert [r[1] for r in rows] == ["县金融办", "县发改委", "县住建局", "县教体局"]
    for row in rows:
        total, rank, grade, flags, _ = EXPECTED[row[1]]
        assert row[0] == str(rank)
        assert D(row[2]) == D(total)
        assert re.fullmatch(r"\d+\.\d\d", row[2])
        assert row[3] == grade
        assert row[4:] == flags


@pytest.mark.parametrize("scheme", ["example-zh", "example-en"])
def test_score_sample_json(scheme: str) -> None:
    doc = json.loads(invoke("score", scheme, "--sample", "--format", "json"))
    assert doc["scheme"] == scheme
    assert [u["unit"] for u in doc["units"]] == ["县金融办", "县发改委", "县住建局", "县教体局"]
    for u in doc["units"]:
        assert {"unit", "group", "total", "rank", "grade", "scores", "flags", "outputs"} <= set(u)
        total, rank, grade, flags, bonus = EXPECTED[u["unit"]]
        assert u["group"] == "县直单位"
        # decimals are strings, the total with its declared 2 places
        assert isinstance(u["total"], str) and D(u["total"]) == D(total)
        assert re.fullmatch(r"\d+\.\d\d", u["total"])
        assert u["rank"] == rank
        assert u["grade"] == grade
        assert u["flags"] == flags
        assert set(u["outputs"]) == {"绩效考评加分"}
        assert isinstance(u["outputs"]["绩效考评加分"], str)
        assert D(u["outputs"]["绩效考评加分"]) == D(bonus)
        for path, expected in SCORES[u["unit"]].items():
            assert isinstance(u["scores"][path], str)
            assert D(u["scores"][path]) == D(expected), (u["unit"], path)


def _explain(unit: str, fmt: str = "text") -> str:
    return invoke("explain", "example-zh", "--sample", "--unit", unit, "--format", fmt)


def test_explain_text_names_rules_inputs_and_articles() -> None:
    out = _explain("县发改委")
    head = out.splitlines()[0]
    assert "县发改委" in head and "42.50" in head and "rank 2 of 4" in head and "先进" in head
    # 信息报送: start 4 at scheme.rules:48, deduct 1 at scheme.rules:49, its input and article
    assert re.search(r"信息报送 = 3 \(max 4\).*scheme\.rules:47.*附件2 台帐管理 2\.", out)
    assert re.search(r"start 4\s+scheme\.rules:48\s+起评 满分", out)
    assert re.search(r"− 1\s+scheme\.rules:49\s+扣 1 每 不足\(信息报送次数, 4\)", out)
    assert "信息报送次数 = 3" in out
    # the 分类推进 deduction (one B unmet, 2 points), with the records it read
    assert re.search(r"− 2\s+scheme\.rules:53", out)
    assert "负责事项[2]: 类别 = B, 达标 = no, 专业测评 = 良" in out
    # 激励加分 rule line and article
    assert re.search(r"激励加分 = 5 \(max 10\).*scheme\.rules:64.*附件2 改革激励加分", out)
    # grading lines, applied or skipped
    assert re.search(r"applied\s+scheme\.rules:73\s+先进 前 2 名", out)
    assert re.search(r"skipped\s+scheme\.rules:75", out)


def test_explain_text_shows_the_cap_and_floor_that_bound() -> None:
    # 县金融办: 3 × 3 = 9 capped to 6 at scheme.rules:58
    out = _explain("县金融办")
    assert re.search(r"cap → 6 \(was 9\)\s+scheme\.rules:58\s+封顶 6", out)
    # 县住建局: 3 − 3 − 2 = −2 floored to 0 at scheme.rules:54
    out = _explain("县住建局")
    assert re.search(r"floor → 0 \(was -2\)\s+scheme\.rules:54\s+扣完为止", out)
    # 县教体局: 信息报送 1 zeroed by the quality gate at scheme.rules:50
    out = _explain("县教体局")
    assert re.search(r"zeroed → 0 \(was 1\)\s+scheme\.rules:50", out)


def test_explain_json() -> None:
    data = json.loads(_explain("县发改委", "json"))
    assert data["unit"] == "县发改委"
    assert data["total"] == "42.50"
    assert data["rank"] == 2
    assert data["grades"] == {"等次": "先进"}
    values = {v["path"]: v for v in data["values"]}
    info = values["改革组织领导.信息报送"]
    assert info["value"] == "3"
    assert info["rule"] == "scheme.rules:47"
    assert info["article"] == "附件2 台帐管理 2."
    assert info["inputs"] == {"信息报送次数": "3", "信息质量达标": True}
    assert [(s["kind"], s["rule"], s["amount"]) for s in info["steps"]] == [
        ("start", "scheme.rules:48", "4"),
        ("deduct", "scheme.rules:49", "1"),
        # 不得分 若 非 信息质量达标: the quality was met, so the clause did not apply
        ("skip", "scheme.rules:50", None),
    ]
    bonus = values["绩效考评加分"]
    assert D(bonus["value"]) == D("0.25")
    assert bonus["article"] == "第五条(一)2"
    assert [g["rule"] for g in data["grading"]] == [
        "scheme.rules:73",
        "scheme.rules:74",
        "scheme.rules:75",
    ]
    assert [g["applied"] for g in data["grading"]] == [True, False, False]


def test_explain_json_records_the_cap() -> None:
    data = json.loads(_explain("县金融办", "json"))
    values = {v["path"]: v for v in data["values"]}
    caps = [s for s in values["协同推进"]["steps"] if s["kind"] == "cap"]
    assert caps == [
        {"kind": "cap", "rule": "scheme.rules:58", "text": "封顶 6", "amount": "6", "before": "9"}
    ]


def test_explain_unknown_unit_exits_2() -> None:
    result = CliRunner().invoke(main, ["explain", "example-zh", "--sample", "--unit", "县民政局"])
    assert result.exit_code == 2
    assert "县民政局" in result.output + (result.stderr if result.stderr_bytes else "")


EXACT = """
scheme "exact"
group G "g"
input a: number "a"
input n: count "n"
scoring G:
    item three max 1:
        add 0.15
        add 0.15
        add 0.15
    item per max 10:
        add 0.15 per n
    item tenths max 1:
        add a
        add a
        add a
"""


def test_decimal_arithmetic_is_exact() -> None:
    s = compile_rules(EXACT, "exact_scoring")
    # 0.15 + 0.15 + 0.15 = 0.45; 0.15 × 3 = 0.45; 0.1 + 0.1 + 0.1 = 0.3 (floats: 0.30000000000000004)
    r = one(s, "G", a="0.1", n=3)
    assert r.unit.values["three"] == D("0.45")
    assert r.unit.values["per"] == D("0.45")
    assert r.unit.values["tenths"] == D("0.3")
    assert r.total == D("1.2")


def test_decimal_exact_in_json_output(tmp_path) -> None:
    rules = tmp_path / "exact.rules"
    rules.write_text(EXACT, "utf-8")
    data = tmp_path / "d.json"
    data.write_text('{"units": [{"unit": "U", "group": "G", "facts": {"a": 0.1, "n": 3}}]}')
    doc = json.loads(invoke("score", str(rules), str(data), "--format", "json"))
    (u,) = doc["units"]
    assert u["scores"]["three"] == "0.45"
    assert u["scores"]["per"] == "0.45"
    assert u["scores"]["tenths"] == "0.3"
    assert u["total"] == "1.2"  # no `rounding` declared: the exact total, no padding to places
