"""The columnar backend against the per-unit one on the constructs the shipped schemes' random
data reaches rarely or not at all: a rules text using each (means and drops over records, bands,
keyed items, group means of several kinds, `last year` of each kind of value), and units whose
data gives values (`given`)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers_columnar import CI, datasets, rosters, same_results, sample, scheme
from kaoping.compiler import ir
from kaoping.compiler.emit_columnar import Unsupported
from kaoping.compiler.load import compile_sources
from kaoping.scoring_columnar import columnar_scheme

# ------------------------------------------------------------------------------ constructs

CONSTRUCTS = """
scheme "constructs"
group 甲 "甲组"
group 乙 "乙组"
enum 等次: 优, 良, 差
enum 档次: 高档, 低档
record 事项:
    等级: 等次
    分: number 0 to 10
    牵头: yesno
input 得分: number 0 to 100 "得分"
input 参加: yesno "是否参加"
input 事项表: list of 事项 "事项"
scoring 甲, 乙:
    item 基础 max 100 = 得分
    let 均分 = mean 事项表 of 分 × 分 where 牵头
    let 去高 = sum 事项表 of 分 drop 1 highest by 等级
    let 去低数 = count 事项表 drop 2 lowest by 分
    let 去低均分 = mean 事项表 of 分 drop 1 lowest by 等级
    let 档 = band 基础 {[60, inf): 高档, (-inf, 60): 低档}
    let 甲组 = unit group = 甲
    let 选档 = if 参加 then 档 else band 得分 {[30, inf): 高档, (-inf, 30): 低档}
    let 选否 = if 甲组 then 参加 else not 参加
    let 上年档 = last year 档
    let 上年参加 = last year 选否
    let 上年基础 = last year 基础 default 0
    item 事项分 max 9 by 去低数:
        0: 0
        1 to 3: 5, 7, 8
        otherwise: 去低数 + 5
    item 得分档 max 5 by 基础:
        [90, 100]: 5
        [60, 90): 均分 default 3
        [0, 60): 0
    across group:
        let 名次 = rank by 基础
        let 上年总分 = (last year total default 0) + (last year 去高 default 0)
        let 参加平均 = group mean 基础 where 参加
        let 加权平均 = group mean 均分 weighted by 得分
        let 加权参加平均 = group mean 基础 weighted by 去低数 where 参加
        let 其他平均 = peer mean 均分
        let 其他参加平均 = peer mean 基础 where 参加
        let 强制档 = distribute 基础 into 高档 30%, 低档 70% rounded half-up
    total = 基础 + (均分 default 0) + 去高 + 上年基础 ÷ 10
"""


@st.composite
def construct_units(draw: Any) -> dict[str, Any]:
    units = []
    for i in range(draw(st.integers(1, 6))):
        records = [
            {
                "等级": draw(st.sampled_from(["优", "良", "差"])),
                "分": str(draw(st.integers(0, 20)) / 2),
                "牵头": draw(st.booleans()),
            }
            for _ in range(draw(st.integers(0, 5)))
        ]
        facts = {"得分": str(draw(st.integers(0, 1000)) / 10), "参加": draw(st.booleans())}
        facts["事项表"] = records
        units.append(
            {"unit": f"u{i}", "group": draw(st.sampled_from(["甲", "乙"])), "facts": facts}
        )
    return {"units": units}


def test_constructs_score_the_same() -> None:
    """Means and drops over records, a band, `unit group`, `if` choosing labels and yes/no,
    group means where a condition holds, weighted, and of the other units, keyed items,
    `last year` of a label, a yes/no, a number and the total (some units and values missing
    from last year's results): the same on both backends."""
    compiled = compile_sources("constructs", {"constructs.rules": CONSTRUCTS.lstrip()})
    assert not isinstance(columnar_scheme(compiled), Unsupported)
    warned = []

    @settings(CI, max_examples=10)
    @given(construct_units(), construct_units(), st.integers(0, 2**32))
    def check(last: dict[str, Any], now: dict[str, Any], seed: int) -> None:
        rnd = random.Random(seed)
        found = same_results(compiled, last)
        assert found is not None
        history = json.loads(found)
        for u in history["units"]:
            for path in list(u["scores"]):
                if rnd.random() < 0.2:
                    del u["scores"][path]
        found = same_results(compiled, now, history)
        assert found is not None
        warned.append("history-missing" in found)

    check()
    assert any(warned)


# ------------------------------------------------------------------------------ given values


@st.composite
def with_given(draw: Any, folder: str) -> dict[str, Any]:
    """Random data in which some units give some of their values (items and sections within
    their bounds, ranks, other numbers, flags, the total)."""
    compiled = scheme(folder)
    raw = draw(rosters(folder) if folder == "anfu_2017" else datasets(folder))
    for u in raw["units"]:
        if not draw(st.booleans()):
            continue
        block = compiled.model.blocks[compiled.model.block_of_group[u["group"]]]
        paths = [p for p, vd in block.values.items() if vd.kind != "output"]
        given: dict[str, Any] = {}
        for path in draw(st.lists(st.sampled_from(sorted(paths)), max_size=3, unique=True)):
            vd = block.values[path]
            if vd.kind == "flag":
                value: Any = draw(st.booleans())
            elif isinstance(vd.node, ir.Let) and isinstance(vd.node.expr, ir.Rank):
                value = str(draw(st.integers(1, 30)))  # a place: a whole number from 1
            elif vd.ty is not None and vd.ty.kind == "number":
                low, high = _given_bounds(vd)
                value = str(draw(st.integers(int(low * 10), int(high * 10))) / 10)
            else:
                continue
            given[path] = {"value": value, "by": "复核"}
        if given:
            u["given"] = given
    return raw


def _given_bounds(vd: Any) -> tuple[Any, Any]:
    from kaoping.io.given import _bounds

    low, high = _bounds(vd)
    low = low if low is not None else 0
    return low, high if high is not None else low + 50


@pytest.mark.parametrize("folder", ["example_zh", "heshan_2013", "shuangxiang_2012", "anfu_2017"])
def test_given_values_score_the_same(folder: str) -> None:
    """Units that give values (the rule skipped, what only it read not computed, everything
    after reading the given value): the same results on both backends."""
    scored = []

    @settings(CI, max_examples=10)
    @given(with_given(folder))
    def check(raw: dict[str, Any]) -> None:
        if any("given" in u for u in raw["units"]):
            scored.append(same_results(scheme(folder), raw))

    check()
    assert any(found is not None for found in scored)


def test_a_given_section_without_its_items_inputs_scores_the_same() -> None:
    """The example's 县发改委 gives 改革组织领导 and leaves out the inputs only its items read."""
    raw = sample("example_zh")
    u = next(x for x in raw["units"] if x["unit"] == "县发改委")
    u["given"] = {"改革组织领导": {"value": "7.5", "by": "县改革办"}}
    for name in ["开展改革调研", "明确责任分工", "信息报送次数", "信息质量达标"]:
        del u["facts"][name]
    found = same_results(scheme("example_zh"), raw)
    assert found is not None and '"7.5"' in found


# ------------------------------------------------------------------------------ rescaled sections

RESCALED = """
scheme "乡镇综合考评(节选)"
group 乡镇 "乡镇(街道)"
input 安全事故次数: count "全年安全生产事故次数"
input 不涉及安全生产: yesno "本单位不涉及安全生产考核"
input 信访得分: number 0 to 8 optional "信访工作得分(不涉及的为空)"
input 治安得分: number 0 to 9 optional "社会治安综合治理得分(不涉及的为空)"
scoring 乡镇:
    section 社会管理 max 20.5:
        rescale
        item 安全生产 max 3:
            start max
            deduct 1 per 安全事故次数
            until zero
            not applicable if 不涉及安全生产
        item 信访 max 8:
            start 信访得分
            not applicable if not present(信访得分)
        item 治安 max 9.5:
            start 治安得分
            not applicable if not present(治安得分)
        round 2 places half-up
"""


@st.composite
def rescaled_units(draw: Any) -> dict[str, Any]:
    def optional(top: int) -> str | None:
        return draw(st.none() | st.integers(0, top * 10).map(lambda x: str(x / 10)))

    units = []
    for i in range(draw(st.integers(1, 6))):
        facts = {
            "安全事故次数": draw(st.integers(0, 4)),
            "不涉及安全生产": draw(st.booleans()),
            "信访得分": optional(8),
            "治安得分": optional(9),
        }
        units.append({"unit": f"u{i}", "group": "乡镇", "facts": facts})
    return {"units": units}


def test_rescaled_sections_score_the_same() -> None:
    """A section scored on the items that apply and scaled back to its maximum (the sum of
    maxima differing from unit to unit: 3, 8, 9.5 and their sums), and a unit none of whose
    items applies (a data error naming it): the same on both backends."""
    compiled = compile_sources("rescaled", {"rescaled.rules": RESCALED.lstrip()})
    assert not isinstance(columnar_scheme(compiled), Unsupported)
    outcomes = []

    @settings(CI, max_examples=20)
    @given(rescaled_units())
    def check(raw: dict[str, Any]) -> None:
        outcomes.append(same_results(compiled, raw) is not None)

    check()
    assert any(outcomes) and not all(outcomes)
