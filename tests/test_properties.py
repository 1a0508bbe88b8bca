"""Properties that hold for any data within the declared input types:

- a capped value never exceeds its cap, a floored value never falls below its floor;
- the order units are listed in never changes a result (totals, ranks, grades, flags).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers_scoring import D, compile_rules, run, unit
from kaoping.exact import Q, exact_text

BOUNDS = """
scheme "bounds"
rounding 2 places half-up
group Dept "县直单位"
group Town "乡镇"
enum 事项类别: A, B, C
enum 档次: 中央, 省, 市
record 改革事项:
    类别: 事项类别
    达标: yesno
record 成果:
    工作: text
    档次: 档次
input 中央采用篇数: count "被中央采用的篇数"
input 省采用篇数: count "被省采用的篇数"
input 市采用篇数: count "被市采用的篇数"
input 少报次数: count "少报次数"
input 信息报送次数: count "报送次数"
input 通报批评次数: count "通报批评次数"
input 单项表彰次数: count "单项表彰次数"
input 批示表扬次数: count "批示表扬次数"
input 影响全县考评: yesno "影响全县考评"
input 扣分: number 0 to 50 "相应扣分"
input 酌情加分: number 0.1 to 0.2 optional "酌情加分"
input 负责事项: list of 改革事项 "负责事项"
input 影响力成果: list of 成果 "影响力成果"
table 未达标扣分 by 事项类别:
    A: 3
    B: 2
    C: 1
table 影响力得分 by 档次:
    中央: 20
    省: 15
    市: 10
scoring Dept, Town:
    item 信息采用 max 6:
        add 6 per 中央采用篇数
        add 3 per 省采用篇数
        add 1.5 per 市采用篇数
        cap 6
        zero if 影响全县考评
    item 台帐 max 3:
        start max
        deduct 0.5 per 少报次数
        until zero
    item 信息报送 max 4:
        start max
        deduct 1 per shortfall(信息报送次数, 4)
        deduct 扣分
        floor 1
    item 分类推进 max 5:
        start max
        deduct sum 负责事项 of 未达标扣分[类别] where not 达标
        until zero
    item 纪律 max 2:
        start max
        deduct 0.75 per 通报批评次数
        add 0.25 per 单项表彰次数
        cap 2
        floor -5
    section 加分项 max 3:
        item 单项表彰 max 0.4:
            add 0.2 per 单项表彰次数
            cap 0.4
        item 批示表扬 max 0.6:
            add 0.3 per 批示表扬次数
            add 0.05 per 市采用篇数
            cap 0.6
        item 酌情 max 0.2 = 酌情加分 default 0
        item 综合表彰 max 1.8:
            add 1 per 批示表扬次数
            uncapped
        cap 3
    item 影响力 max 20:
        add sum 影响力成果 of 影响力得分[档次] highest per 工作
        uncapped
    item 减分 max 0:
        deduct 2 per 通报批评次数
        deduct 扣分
        floor -10
"""

# (path, cap, floor): every bounded value of the scheme
BOUNDED = [
    ("信息采用", D(6), D(0)),
    ("台帐", D(3), D(0)),
    ("信息报送", None, D(1)),
    ("分类推进", D(5), D(0)),
    ("纪律", D(2), D(-5)),
    ("加分项.单项表彰", D("0.4"), D(0)),
    ("加分项.批示表扬", D("0.6"), D(0)),
    ("加分项", D(3), D(0)),
    ("减分", D(0), D(-10)),
]

counts = st.one_of(
    st.integers(0, 12), st.integers(0, 10**12), st.sampled_from([0, 1, 2, 3, 4, 10**15])
)
# numbers with 3 places, as the exact rationals kaoping reads them to
numbers_0_50 = st.integers(0, 50_000).map(lambda n: Q(n, 1000))
bonus = st.one_of(st.none(), st.integers(100, 200).map(lambda n: Q(n, 1000)))
items = st.lists(
    st.fixed_dictionaries({"类别": st.sampled_from("ABC"), "达标": st.booleans()}), max_size=30
)
works = st.lists(
    st.fixed_dictionaries(
        {
            "工作": st.sampled_from(["阶梯水价", "省直管县", "林权"]),
            "档次": st.sampled_from(["中央", "省", "市"]),
        }
    ),
    max_size=10,
)


@st.composite
def bounds_unit(draw: Any, name: str) -> dict[str, Any]:
    return unit(
        name,
        draw(st.sampled_from(["Dept", "Town"])),
        中央采用篇数=draw(counts),
        省采用篇数=draw(counts),
        市采用篇数=draw(counts),
        少报次数=draw(counts),
        信息报送次数=draw(counts),
        通报批评次数=draw(counts),
        单项表彰次数=draw(counts),
        批示表扬次数=draw(counts),
        影响全县考评=draw(st.booleans()),
        扣分=exact_text(draw(numbers_0_50)),
        酌情加分=None if (b := draw(bonus)) is None else exact_text(b),
        负责事项=draw(items),
        影响力成果=draw(works),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(), min_size=1, max_size=4).flatmap(
        lambda xs: st.tuples(*[bounds_unit(f"单位{i}") for i in range(len(xs))])
    )
)
def test_caps_and_floors_always_bind(units: tuple[dict[str, Any], ...]) -> None:
    scheme = compile_rules(BOUNDS, "bounds")
    results = run(scheme, list(units))
    assert len(results.units) == len(units)
    for r in results.units:
        for path, cap, floor in BOUNDED:
            v = r.unit.values[path]
            assert isinstance(v, Q)
            if cap is not None:
                assert v <= cap, (r.name, path, v)
            assert v >= floor, (r.name, path, v)
        # the uncapped 影响力 item is never negative and at most 3 works × 20
        assert D(0) <= r.unit.values["影响力"] <= 60


# --------------------------------------------------------------------------- order independence

ORDER = """
方案 "次序"
舍入 2 位 四舍五入
分组 县直单位 "县直单位"
分组 乡镇 "乡镇"
枚举 等次: 先进, 优秀, 合格单位, 警示单位
枚举 档: 优, 良, 合格
输入 得分: 数值 0 至 10 "考评得分"
输入 次数: 次数 "加分次数"
输入 一票否决: 是否 "一票否决"
评分 县直单位, 乡镇:
    指标 考评 满分 10 = 得分
    指标 加分 满分 2:
        加 0.5 每 次数
        封顶 2
    标记 警示单位 若 总分 < 4
    组内:
        设 名次 = 排名 按 总分, 加分
        设 相对分 = 总分 ÷ 组内最高 总分 缺省 0
        设 分档 = 分档 总分 为 优 20%, 良 60%, 合格 20% 四舍五入
评定 等次:
    取消 先进 若 一票否决
    先进 前 2 名 于 县直单位
    优秀 前 25% 四舍五入 于 乡镇
    警示单位 若 总分 < 4
    合格单位 其余
"""

# few distinct values, so that ties are common
order_unit = st.fixed_dictionaries(
    {
        "group": st.sampled_from(["县直单位", "乡镇"]),
        "得分": st.sampled_from(["0", "3.5", "5", "7.25", "10"]),
        "次数": st.integers(0, 5),
        "一票否决": st.booleans(),
    }
)


def _snapshot(results: Any) -> dict[str, Any]:
    return {
        r.name: (
            r.group,
            r.total,
            r.rank,
            dict(r.unit.grades),
            sorted(r.unit.flags),
            r.unit.values["相对分"],
            r.unit.values["分档"],
        )
        for r in results.units
    }


@settings(max_examples=150, deadline=None)
@given(
    st.lists(order_unit, min_size=1, max_size=12).flatmap(
        lambda us: st.tuples(st.just(us), st.permutations(list(range(len(us)))))
    )
)
def test_unit_order_never_changes_results(case: tuple[list[dict[str, Any]], list[int]]) -> None:
    specs, perm = case
    scheme = compile_rules(ORDER, "order")
    units = [
        unit(f"单位{i:02d}", s["group"], 得分=s["得分"], 次数=s["次数"], 一票否决=s["一票否决"])
        for i, s in enumerate(specs)
    ]
    first = _snapshot(run(scheme, units))
    shuffled = _snapshot(run(scheme, [units[i] for i in perm]))
    reversed_ = _snapshot(run(scheme, list(reversed(units))))
    assert first == shuffled == reversed_
    # and the ranks are the ones the language promises: 1 + the number of strictly better units
    for name, (group, total, rank, grades, *_rest) in first.items():
        extra = next(u for u in units if u["unit"] == name)["facts"]["次数"]
        key = (total, min(D("0.5") * extra, D(2)))
        better = 0
        for other, (g2, t2, *_r) in first.items():
            if g2 != group or other == name:
                continue
            e2 = next(u for u in units if u["unit"] == other)["facts"]["次数"]
            if (t2, min(D("0.5") * e2, D(2))) > key:
                better += 1
        assert rank == better + 1
        # a vetoed unit never gets 先进
        vetoed = next(u for u in units if u["unit"] == name)["facts"]["一票否决"]
        if vetoed:
            assert grades["等次"] != "先进"
