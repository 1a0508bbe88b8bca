"""One test (or a few) per construct 1–19 of DOMAIN.md "Constructs the rules language must
express" (per unit). Each rules text is modelled on the seed article it cites; each expected value
is worked out by hand in the comment beside it."""

from __future__ import annotations

import pytest

from helpers_scoring import D, compile_rules, one, run, unit, value
from kaoping.errors import CompileError, DataError
from kaoping.exact import exact_text

# --------------------------------------------------------------------------- 1. indicator tree

TREE = """
方案 "指标体系"
分组 县直单位 "县直单位"
输入 开展改革调研: 是否 "是否开展改革专题调研"
输入 明确责任分工: 是否 "是否明确责任分工"
输入 信息报送次数: 次数 "全年报送改革工作信息的次数"
输入 其他部署得分: 数值 0 至 8 "部署谋划其余指标得分"
输入 其他台帐得分: 数值 0 至 11 "台帐管理其余指标得分"
输入 推进落实得分: 数值 0 至 30 "改革推进落实得分"
评分 县直单位:
    部分 改革组织领导 满分 25 条款 "000 附件2 改革组织领导":
        部分 部署谋划 满分 10:
            指标 主体责任 满分 2 条款 "000 附件2 部署谋划 1.":
                加 1 若 开展改革调研
                加 1 若 明确责任分工
            指标 其他部署 满分 8 = 其他部署得分
        部分 台帐管理 满分 15:
            指标 信息报送 满分 4 条款 "000 附件2 台帐管理 2.":
                起评 满分
                扣 1 每 不足(信息报送次数, 4)
                扣完为止
            指标 其他台帐 满分 11 = 其他台帐得分
    指标 改革推进落实 满分 30 = 推进落实得分
"""


def test_indicator_tree_sums_children_into_sections_and_total() -> None:
    # 000 附件2: 改革组织领导 25 = 部署谋划 10 + 台帐管理 15.
    # 主体责任: 调研 yes (+1), 分工 no → 1.  部署谋划 = 1 + 7.5 = 8.5
    # 信息报送: 4 − (4 − 1) × 1 = 1.  台帐管理 = 1 + 10 = 11
    # 改革组织领导 = 8.5 + 11 = 19.5; total = 19.5 + 28 = 47.5
    s = compile_rules(TREE, "tree")
    r = one(
        s,
        "县直单位",
        开展改革调研=True,
        明确责任分工=False,
        信息报送次数=1,
        其他部署得分="7.5",
        其他台帐得分=10,
        推进落实得分=28,
    )
    assert value(r, "改革组织领导.部署谋划.主体责任") == 1
    assert value(r, "改革组织领导.部署谋划") == D("8.5")
    assert value(r, "改革组织领导.台帐管理.信息报送") == 1
    assert value(r, "改革组织领导.台帐管理") == 11
    assert value(r, "改革组织领导") == D("19.5")
    assert r.total == D("47.5")


def test_children_maxima_may_not_exceed_the_parent_maximum() -> None:
    # 000 附件2: the parts of a 25-point block add up to 25; a 26-point tree is a rules error.
    bad = TREE.replace("部分 台帐管理 满分 15", "部分 台帐管理 满分 16").replace(
        "指标 其他台帐 满分 11", "指标 其他台帐 满分 12"
    )
    with pytest.raises(CompileError) as err:
        compile_rules(bad, "tree_bad")
    assert "E401" in str(err.value) or any(d.code == "E401" for d in err.value.diagnostics)


# --------------------------------------------------------------------------- 2. checklist

CHECKLIST = """
scheme "checklist"
group Dept "县直单位"
input 调研: yesno "开展改革调研"
input 分工: yesno "明确责任分工"
input 台帐: yesno "建立改革台帐"
input 督查: yesno "开展改革督查"
input 总结: yesno "报送年度总结"
scoring Dept:
    item 部署谋划 max 5 article "000 附件2 部署谋划 1.":
        add 1 if 调研
        add 1 if 分工
        add 1 if 台帐
        add 1 if 督查
        add 1 if 总结
"""


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        # "开展改革调研得1分;…明确责任分工得1分": one point per condition met
        ((True, True, True, True, True), 5),  # 5 × 1
        ((True, False, True, False, False), 2),  # 调研 + 台帐
        ((False, False, False, False, False), 0),  # nothing done
    ],
)
def test_checklist_points_per_condition(flags: tuple[bool, ...], expected: int) -> None:
    s = compile_rules(CHECKLIST, "checklist")
    names = ("调研", "分工", "台帐", "督查", "总结")
    r = one(s, "Dept", **dict(zip(names, flags, strict=True)))
    assert value(r, "部署谋划") == expected


# --------------------------------------------------------------------------- 3. start full, deduct, floor

DEDUCT = """
方案 "扣完为止"
分组 县直单位 "县直单位"
输入 少报次数: 次数 "未按时报送台帐的次数"
输入 信息报送次数: 次数 "全年报送改革工作信息的次数"
评分 县直单位:
    指标 台帐报送 满分 3 条款 "000 附件2 台帐管理 3.":
        起评 满分
        扣 0.5 每 少报次数
        扣完为止
    指标 信息报送 满分 4 条款 "000 附件2 台帐管理 2.":
        起评 满分
        扣 1 每 不足(信息报送次数, 4)
"""


@pytest.mark.parametrize(
    ("missed", "expected"),
    [
        (0, "3"),  # nothing missed: full 3
        (3, "1.5"),  # 3 − 3 × 0.5 = 1.5
        (6, "0"),  # 3 − 6 × 0.5 = 0 exactly
        (10, "0"),  # 3 − 5 = −2, 扣完为止 → 0, never negative
    ],
)
def test_start_full_deduct_per_miss_until_zero(missed: int, expected: str) -> None:
    # 000 附件2 台帐管理 3.: 每少一次扣0.5分,扣完为止
    s = compile_rules(DEDUCT, "deduct")
    r = one(s, "县直单位", 少报次数=missed, 信息报送次数=4)
    assert value(r, "台帐报送") == D(expected)


@pytest.mark.parametrize(("reports", "expected"), [(0, 0), (2, 2), (4, 4), (9, 4)])
def test_shortfall_against_a_minimum_count(reports: int, expected: int) -> None:
    # 000 附件2 台帐管理 2.: 全年不少于4次,每少一次扣1分: 4 − max(0, 4 − n);
    # 9 reports are not a bonus (shortfall is 0) → 4
    s = compile_rules(DEDUCT, "deduct")
    r = one(s, "县直单位", 少报次数=0, 信息报送次数=reports)
    assert value(r, "信息报送") == expected


# --------------------------------------------------------------------------- 4. per occurrence, cap

PER_LEVEL = """
scheme "per level"
group Dept "县直单位"
input 中央采用篇数: count "被中央采用的篇数"
input 省采用篇数: count "被省采用的篇数"
input 市采用篇数: count "被市采用的篇数"
scoring Dept:
    item 信息采用 max 6 article "000 附件2 协同推进 2.":
        add 6 per 中央采用篇数
        add 3 per 省采用篇数
        add 1.5 per 市采用篇数
        cap 6
"""


@pytest.mark.parametrize(
    ("central", "province", "city", "expected"),
    [
        (0, 1, 1, "4.5"),  # 3 + 1.5 = 4.5, under the cap
        (0, 0, 3, "4.5"),  # 3 × 1.5
        (0, 2, 1, "6"),  # 6 + 1.5 = 7.5 → 此项得分6分封顶 → 6
        (3, 0, 0, "6"),  # 18 → 6
        (0, 0, 0, "0"),
    ],
)
def test_per_occurrence_points_by_level_capped(
    central: int, province: int, city: int, expected: str
) -> None:
    # 000 附件2 协同推进 2.: 每篇分别得6分、3分、1.5分 … 此项得分6分封顶
    s = compile_rules(PER_LEVEL, "per_level")
    r = one(s, "Dept", 中央采用篇数=central, 省采用篇数=province, 市采用篇数=city)
    assert value(r, "信息采用") == D(expected)


# --------------------------------------------------------------------------- 5. zeroing condition

ZERO = """
方案 "不得分"
分组 县直单位 "县直单位"
输入 信息报送次数: 次数 "全年报送改革工作信息的次数"
输入 信息质量达标: 是否 "改革工作信息质量是否达标"
输入 省采用篇数: 次数 "被省采用的篇数"
输入 影响全县考评: 是否 "因汇报沟通不到位影响全县考评"
评分 县直单位:
    指标 信息报送 满分 4 条款 "000 附件2 台帐管理 2.":
        起评 满分
        扣 1 每 不足(信息报送次数, 4)
        不得分 若 非 信息质量达标
    指标 协同推进 满分 6 条款 "000 附件2 协同推进 2.":
        加 3 每 省采用篇数
        封顶 6
        不得分 若 影响全县考评
"""


def test_zeroing_conditions() -> None:
    s = compile_rules(ZERO, "zero")
    # quality met: 4 − 1 = 3; not influenced: 2 × 3 = 6 (cap 6 not exceeded)
    ok = one(s, "县直单位", 信息报送次数=3, 信息质量达标=True, 省采用篇数=2, 影响全县考评=False)
    assert value(ok, "信息报送") == 3
    assert value(ok, "协同推进") == 6
    # "信息质量不达标的不计分": 3 would be earned, zeroed; "影响全县考评的,此项不得分": 9 → 6 → 0
    bad = one(s, "县直单位", 信息报送次数=3, 信息质量达标=False, 省采用篇数=3, 影响全县考评=True)
    assert value(bad, "信息报送") == 0
    assert value(bad, "协同推进") == 0
    assert bad.total == 0


# --------------------------------------------------------------------------- 6. lookup by enum

LOOKUP = """
scheme "lookup"
group Dept "市直部门"
enum 级别: 正职, 副职, 科级
enum 事故等级: 较大, 重大, 特大
record 事故:
    等级: 事故等级
input 汇报人级别: 级别 "汇报人级别" article "001 附件 日常工作 8."
input 安全事故: list of 事故 "发生的安全事故" article "002 六(一)3.7)"
table 汇报分 by 级别:
    正职: 3
    副职: 2
    科级: 1
table 事故减分 by 事故等级:
    较大: 1
    重大: 2
    特大: 3
scoring Dept:
    item 汇报 max 3 article "001 附件 日常工作 8." = 汇报分[汇报人级别]
    item 安全事故减分 article "002 六(一)3.7)":
        deduct sum 安全事故 of 事故减分[等级]
"""


@pytest.mark.parametrize(("rank", "expected"), [("正职", 3), ("副职", 2), ("科级", 1)])
def test_lookup_by_enum_reporter_rank(rank: str, expected: int) -> None:
    # 001 附件: 单位正职汇报3分、副职汇报2分、科级汇报1分
    s = compile_rules(LOOKUP, "lookup")
    r = one(s, "Dept", 汇报人级别=rank, 安全事故=[])
    assert value(r, "汇报") == expected


def test_lookup_by_enum_accident_severity() -> None:
    # 002 六(一)3.7): 较大/重大/特大 事故 1/2/3; 较大 + 特大 + 特大 = 1 + 3 + 3 = 7 deducted
    s = compile_rules(LOOKUP, "lookup")
    r = one(
        s,
        "Dept",
        汇报人级别="科级",
        安全事故=[{"等级": "较大"}, {"等级": "特大"}, {"等级": "特大"}],
    )
    assert value(r, "安全事故减分") == -7
    assert r.total == 1 - 7  # 科级 1 point, minus 7


# --------------------------------------------------------------------------- 7. highest only

HIGHEST = """
scheme "highest"
group Dept "市直部门"
enum 职级: 厅局级, 处级
record 参与人员:
    级别: 职级
input 一类: number 0 to 15 "体制机制创新得分"
input 二类: number 0 to 15 "专项改革试点得分"
input 三类: number 0 to 15 "重大课题研究得分"
input 参与人员名单: list of 参与人员 "参加考核的省直对口部门人员"
input 书面评价: yesno "提供盖章书面评价"
table 参与人员加分 by 职级:
    厅局级: 5
    处级: 4
scoring Dept:
    section 改革创新 max 15 article "001 附件 改革创新":
        take highest
        item 一类创新 max 15 = 一类
        item 二类试点 max 15 = 二类
        item 三类课题 max 15 = 三类
    item 对口部门参与 max 5 article "001 附件 省直对口部门参与考核工作加分":
        start (highest 参与人员名单 of 参与人员加分[级别]) default (if 书面评价 then 3 else 0)
"""


def test_take_highest_section_does_not_accumulate() -> None:
    # 001 附件: 每个类别15分,三个类别不累计: max(10, 12.5, 7) = 12.5, not 29.5
    s = compile_rules(HIGHEST, "highest")
    r = one(s, "Dept", 一类=10, 二类="12.5", 三类=7, 参与人员名单=[], 书面评价=False)
    assert value(r, "改革创新") == D("12.5")


@pytest.mark.parametrize(
    ("people", "written", "expected"),
    [
        # 按人员最高级别取值,只加分一次: 处级 4, 厅局级 5, 处级 4 → 5 (not 13)
        (["处级", "厅局级", "处级"], False, 5),
        (["处级", "处级"], True, 4),  # highest is 处级; the written fallback is not added
        ([], True, 3),  # nobody took part: sealed written evaluation 3
        ([], False, 0),
    ],
)
def test_highest_of_list_counts_once(people: list[str], written: bool, expected: int) -> None:
    s = compile_rules(HIGHEST, "highest")
    r = one(
        s,
        "Dept",
        一类=0,
        二类=0,
        三类=0,
        参与人员名单=[{"级别": p} for p in people],
        书面评价=written,
    )
    assert value(r, "对口部门参与") == expected


# --------------------------------------------------------------------------- 8. highest per work

INFLUENCE = """
方案 "特色影响力"
分组 县直单位 "县直单位"
枚举 档次: 中央表彰, 省领导批示, 市推介
记录 成果:
    改革工作: 文本
    档次: 档次
输入 影响力成果: 列表 成果 "改革特色影响力成果" 条款 "000 附件2 改革特色影响力"
对照表 影响力得分 按 档次:
    中央表彰: 20
    省领导批示: 15
    市推介: 10
评分 县直单位:
    指标 全方位多层次打造 满分 20 条款 "000 附件2 改革特色影响力":
        加 合计 影响力成果 的 影响力得分[档次] 每 改革工作 取最高
        上不封顶
"""


def test_highest_per_work_summed_across_works_uncapped() -> None:
    # 000 附件2 改革特色影响力: 同一改革工作…按得分最高的计算;多项得分可以累加且上不封顶.
    # 阶梯水价: 市推介 10, 中央表彰 20 → 20; 省直管县: 省领导批示 15 twice → 15 (once);
    # 林权: 市推介 10.  20 + 15 + 10 = 45, above the item's 20 and not capped.
    s = compile_rules(INFLUENCE, "influence")
    records = [
        {"改革工作": "阶梯水价", "档次": "市推介"},
        {"改革工作": "省直管县", "档次": "省领导批示"},
        {"改革工作": "阶梯水价", "档次": "中央表彰"},
        {"改革工作": "省直管县", "档次": "省领导批示"},
        {"改革工作": "林权", "档次": "市推介"},
    ]
    r = one(s, "县直单位", 影响力成果=records)
    assert value(r, "全方位多层次打造") == 45
    # the same records in another order give the same points
    r2 = one(s, "县直单位", 影响力成果=list(reversed(records)))
    assert value(r2, "全方位多层次打造") == 45


# --------------------------------------------------------------------------- 9. A/B/C class deductions

CLASSES = """
scheme "classes"
group Dept "县直单位"
enum 事项类别: A, B, C
record 改革事项:
    类别: 事项类别
    达标: yesno
input 负责事项: list of 改革事项 "单位负责的改革事项" article "000 附件2 分类推进 1."
table 未达标扣分 by 事项类别:
    A: 3
    B: 2
    C: 1
scoring Dept:
    item 年度完成情况 max 5 article "000 附件2 分类推进 1.":
        start max
        deduct sum 负责事项 of 未达标扣分[类别] where not 达标
        until zero
"""


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        # A unmet −3, B met, C unmet −1: 5 − 3 − 1 = 1
        ([("A", False), ("B", True), ("C", False)], 1),
        # B unmet −2, C unmet −1, C unmet −1: 5 − 4 = 1
        ([("B", False), ("C", False), ("C", False)], 1),
        # two A unmet: 5 − 6 = −1, 扣完为止 → 0
        ([("A", False), ("A", False)], 0),
        ([("A", True), ("B", True)], 5),
        ([], 5),
    ],
)
def test_class_deductions_floored(items: list[tuple[str, bool]], expected: int) -> None:
    # 000 附件2 分类推进 1.: A、B、C类分别扣3分、2分、1分,扣完为止
    s = compile_rules(CLASSES, "classes")
    r = one(s, "Dept", 负责事项=[{"类别": c, "达标": ok} for c, ok in items])
    assert value(r, "年度完成情况") == expected


# --------------------------------------------------------------------------- 10. ratings × role, mean

RATINGS = """
方案 "专业测评"
分组 县直单位 "县直单位"
枚举 测评等次: 优, 良, 合格
枚举 角色: 牵头, 责任
记录 改革事项:
    专业测评: 测评等次
    角色: 角色
输入 负责事项: 列表 改革事项 "单位负责的改革事项" 条款 "000 附件2 分类推进 2."
对照表 专业测评分 按 测评等次:
    优: 10
    良: 9
    合格: 8
对照表 得分系数 按 角色:
    牵头: 1.0
    责任: 0.9
评分 县直单位:
    指标 专业测评 满分 10 条款 "000 附件2 分类推进 2." = (平均 负责事项 的 专业测评分[专业测评] × 得分系数[角色]) 缺省 0
"""


def test_ratings_to_points_times_role_coefficient_averaged() -> None:
    # 000 附件2 分类推进 2.: 优 牵头 10 × 1.0 = 10; 良 责任 9 × 0.9 = 8.1; 合格 牵头 8 × 1.0 = 8
    # mean = (10 + 8.1 + 8) ÷ 3 = 26.1 ÷ 3 = 8.7
    s = compile_rules(RATINGS, "ratings")
    items = [
        {"专业测评": "优", "角色": "牵头"},
        {"专业测评": "良", "角色": "责任"},
        {"专业测评": "合格", "角色": "牵头"},
    ]
    r = one(s, "县直单位", 负责事项=items)
    assert value(r, "专业测评") == D("8.7")


def test_ratings_mean_of_no_items_uses_the_default() -> None:
    # no items: the mean is absent, `缺省 0` gives 0
    s = compile_rules(RATINGS, "ratings")
    r = one(s, "县直单位", 负责事项=[])
    assert value(r, "专业测评") == 0


# --------------------------------------------------------------------------- 11. drop worst, eligibility, cap

INCENTIVE = """
scheme "incentive"
group Dept "县直单位"
enum 测评等次: 优, 良, 合格
enum 角色: 牵头, 责任
record 改革事项:
    专业测评: 测评等次
    角色: 角色
input 负责事项: list of 改革事项 "单位负责的改革事项" article "000 附件2 改革激励加分"
table 激励分 by 测评等次:
    优: 3
    良: 2
    合格: 1
table 测评分 by 测评等次:
    优: 10
    良: 9
    合格: 8
scoring Dept:
    let 牵头事项数 = count 负责事项 where 角色 = 牵头
    item 改革激励加分 max 10 article "000 附件2 改革激励加分":
        add sum 负责事项 of 激励分[专业测评] where 角色 = 牵头 drop 2 lowest by 测评分[专业测评]
        cap 10
        zero if 牵头事项数 <= 2
"""


def _items(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"专业测评": g, "角色": role} for g, role in pairs]


def test_drop_worst_two_then_points_per_item() -> None:
    # 000 附件2 改革激励加分: led items 优, 合格, 良, 合格, 良 (5 > 2, eligible);
    # drop the two 合格 → 优 3 + 良 2 + 良 2 = 7; the 责任 优 item does not count.
    s = compile_rules(INCENTIVE, "incentive")
    items = _items(
        ("优", "牵头"),
        ("合格", "牵头"),
        ("良", "牵头"),
        ("合格", "牵头"),
        ("良", "牵头"),
        ("优", "责任"),
    )
    r = one(s, "Dept", 负责事项=items)
    assert value(r, "改革激励加分") == 7


def test_drop_worst_needs_more_than_two_led_items() -> None:
    # two led items (and many co-responsible ones): not eligible → 0
    s = compile_rules(INCENTIVE, "incentive")
    items = _items(("优", "牵头"), ("优", "牵头"), ("优", "责任"), ("优", "责任"), ("优", "责任"))
    r = one(s, "Dept", 负责事项=items)
    assert value(r, "改革激励加分") == 0
    # three led items: drop the worst two (良, 合格) → 优 3
    r3 = one(s, "Dept", 负责事项=_items(("合格", "牵头"), ("优", "牵头"), ("良", "牵头")))
    assert value(r3, "改革激励加分") == 3


def test_drop_worst_capped_at_ten() -> None:
    # 7 led 优: drop 2 → 5 × 3 = 15 → 10分封顶 → 10
    s = compile_rules(INCENTIVE, "incentive")
    r = one(s, "Dept", 负责事项=_items(*[("优", "牵头")] * 7))
    assert value(r, "改革激励加分") == 10


# --------------------------------------------------------------------------- 12. nested weighted sums

NESTED = """
方案 "专项考评"
分组 县政府部门 "县政府部门"
输入 过程考核得分: 数值 0 至 100 "过程成绩"
输入 年度得分: 数值 0 至 100 "年度成绩"
输入 共性得分: 数值 0 至 100 "共性指标成绩"
输入 领导评价: 数值 0 至 100 "县政府领导评价"
输入 办公室评价: 数值 0 至 100 "领导小组办公室评价"
输入 互评: 数值 0 至 100 "互评得分"
输入 加减分: 数值 -20 至 5 "加减分"
评分 县政府部门 条款 "002 六(一)1.":
    设 个性 = 过程考核得分 × 20% + 年度得分 × 80%
    设 指标考核得分 = 个性 × 80% + 共性得分 × 20%
    设 综合评价得分 = 加权 {领导评价: 60%, 办公室评价: 10%, 互评: 30%}
    总分 = 指标考核得分 × 70% + 综合评价得分 × 30% + 加减分
"""


def test_nested_weighted_formula() -> None:
    # 002 六(一)1.: 个性 = 90 × 20% + 80 × 80% = 18 + 64 = 82
    # 指标考核 = 82 × 80% + 95 × 20% = 65.6 + 19 = 84.6
    # 综合评价 = 90 × 60% + 80 × 10% + 70 × 30% = 54 + 8 + 21 = 83
    # 专项 = 84.6 × 70% + 83 × 30% + 1.5 = 59.22 + 24.9 + 1.5 = 85.62
    s = compile_rules(NESTED, "nested")
    r = one(
        s,
        "县政府部门",
        过程考核得分=90,
        年度得分=80,
        共性得分=95,
        领导评价=90,
        办公室评价=80,
        互评=70,
        加减分="1.5",
    )
    assert value(r, "个性") == 82
    assert value(r, "指标考核得分") == D("84.6")
    assert value(r, "综合评价得分") == 83
    assert r.total == D("85.62")


# --------------------------------------------------------------------------- 13. weight redistribution

REDISTRIBUTE = """
scheme "redistribute"
group Dept "县政府部门"
input 省专项: number 0 to 100 optional "省专项指标得分(不承担的为空)"
input 市专项: number 0 to 100 optional "市专项指标得分(不承担的为空)"
input 自身工作: number 0 to 100 "部门自身工作得分"
scoring Dept:
    let 年度 = weighted {省专项: 60%, 市专项: 30%, 自身工作: 10%} redistribute equally article "002 四(一)1.1)"
    item 年度成绩 max 100 = 年度
"""


@pytest.mark.parametrize(
    ("prov", "city", "own", "expected"),
    [
        # all present: 80 × 0.6 + 90 × 0.3 + 100 × 0.1 = 48 + 27 + 10 = 85
        (80, 90, 100, "85"),
        # 市 absent: its 30% is shared equally (15% each): 80 × 0.75 + 60 × 0.25 = 60 + 15 = 75
        (80, None, 60, "75"),
        # 省 absent: 60% shared (30% each): 90 × 0.6 + 60 × 0.4 = 54 + 24 = 78
        (None, 90, 60, "78"),
        # both absent: 自身工作 carries 100%
        (None, None, 70, "70"),
    ],
)
def test_weight_of_an_absent_part_is_shared_equally(
    prov: int | None, city: int | None, own: int, expected: str
) -> None:
    # 002 四(一)1.1): 不承担某项任务的,该任务权重平均到其他指标权重中
    s = compile_rules(REDISTRIBUTE, "redistribute")
    r = one(s, "Dept", 省专项=prov, 市专项=city, 自身工作=own)
    assert value(r, "年度成绩") == D(expected)


def test_optional_part_without_redistribution_is_rejected() -> None:
    text = REDISTRIBUTE.replace(" redistribute equally", "")
    with pytest.raises(CompileError):
        compile_rules(text, "no_redistribute")


# --------------------------------------------------------------------------- 14. mean excluding

MEAN_EXCL = """
方案 "共性指标"
分组 县政府部门 "县政府部门"
输入 信息工作成绩: 数值 0 至 100 "信息工作成绩"
输入 政务公开成绩: 数值 0 至 100 "政务公开成绩"
输入 信访工作成绩: 数值 0 至 100 "信访工作成绩"
输入 安全生产工作成绩: 数值 0 至 100 "安全生产工作成绩"
评分 县政府部门:
    部分 共性指标 满分 100 条款 "002 三(一)2.":
        取平均 除 安全生产工作
        指标 信息工作 满分 100 = 信息工作成绩
        指标 政务公开 满分 100 = 政务公开成绩
        指标 信访工作 满分 100 = 信访工作成绩
        指标 安全生产工作 满分 100 = 安全生产工作成绩
"""


def test_mean_excluding_an_item() -> None:
    # 002 三(一)2.: 取成绩平均值(除安全生产工作): (90 + 80 + 85.5) ÷ 3 = 255.5 ÷ 3 = 85.1666…
    # 安全生产 0 does not pull the mean down (with it: 255.5 ÷ 4 = 63.875)
    s = compile_rules(MEAN_EXCL, "mean_excl")
    r = one(
        s, "县政府部门", 信息工作成绩=90, 政务公开成绩=80, 信访工作成绩="85.5", 安全生产工作成绩=0
    )
    got = value(r, "共性指标")
    assert got == D("511/6")  # 255.5 ÷ 3 exactly
    assert got * 3 == D("255.5")
    assert r.total == got  # no `rounding` declared: the total is exact
    # the excluded item is still scored on its own
    assert value(r, "共性指标.安全生产工作") == 0


def test_mean_excluding_exact_thirds() -> None:
    # (90 + 81 + 84) ÷ 3 = 85 exactly, whatever 安全生产 is
    s = compile_rules(MEAN_EXCL, "mean_excl")
    for safety in (0, 100):
        r = one(
            s,
            "县政府部门",
            信息工作成绩=90,
            政务公开成绩=81,
            信访工作成绩=84,
            安全生产工作成绩=safety,
        )
        assert value(r, "共性指标") == 85


# --------------------------------------------------------------------------- 15. bonus pool

POOL = """
方案 "加减分"
分组 县政府部门 "县政府部门"
输入 基础得分: 数值 0 至 100 "指标得分"
输入 中央省单项表彰次数: 次数 "中央省单项表彰次数"
输入 市单项表彰次数: 次数 "市单项表彰次数"
输入 中央省领导批示表扬次数: 次数 "中央省领导批示表扬次数"
输入 市领导批示表扬次数: 次数 "市领导批示表扬次数"
输入 综合性表彰次数: 次数 "综合性表彰次数"
输入 通报批评次数: 次数 "中央省通报批评次数"
评分 县政府部门:
    指标 基础 满分 100 = 基础得分
    部分 加分项 满分 3 条款 "002 六(一)2.":
        指标 单项表彰 满分 0.4 条款 "002 六(一)2.1)":
            加 0.2 每 中央省单项表彰次数
            加 0.15 每 市单项表彰次数
            封顶 0.4
        指标 领导批示表扬 满分 0.6 条款 "002 六(一)2.1)":
            加 0.3 每 中央省领导批示表扬次数
            加 0.25 每 市领导批示表扬次数
            封顶 0.6
        指标 综合性表彰 满分 2 条款 "002 六(一)2.1)":
            加 1 每 综合性表彰次数
            上不封顶
        封顶 3
    部分 减分项 条款 "002 六(一)3.":
        指标 通报批评 条款 "002 六(一)3.1)":
            扣 2 每 通报批评次数
"""


def test_bonus_pool_sub_caps_and_total_cap() -> None:
    # 002 六(一)2.: 单项表彰 0.2 × 3 + 0.15 × 1 = 0.75 → 累计不超过0.4 → 0.4
    # 领导批示 0.3 × 1 + 0.25 × 2 = 0.8 → 0.6;  综合性表彰 1 × 3 = 3
    # pool 0.4 + 0.6 + 3 = 4 → 加分总分不超过3分 → 3
    # 六(一)3.: deductions per event, uncapped, after the bonus cap: 2 × 2 = −4
    # total = 80 + 3 − 4 = 79
    s = compile_rules(POOL, "pool")
    r = one(
        s,
        "县政府部门",
        基础得分=80,
        中央省单项表彰次数=3,
        市单项表彰次数=1,
        中央省领导批示表扬次数=1,
        市领导批示表扬次数=2,
        综合性表彰次数=3,
        通报批评次数=2,
    )
    assert value(r, "加分项.单项表彰") == D("0.4")
    assert value(r, "加分项.领导批示表扬") == D("0.6")
    assert value(r, "加分项.综合性表彰") == 3
    assert value(r, "加分项") == 3
    assert value(r, "减分项") == -4
    assert r.total == 79


def test_bonus_pool_under_the_caps() -> None:
    # 0.15 × 2 = 0.3; 0.25 × 1 = 0.25; 综合 1: pool = 1.55 (no cap binds);
    # 通报批评 10 times: −20, uncapped → 80 + 1.55 − 20 = 61.55
    s = compile_rules(POOL, "pool")
    r = one(
        s,
        "县政府部门",
        基础得分=80,
        中央省单项表彰次数=0,
        市单项表彰次数=2,
        中央省领导批示表扬次数=0,
        市领导批示表扬次数=1,
        综合性表彰次数=1,
        通报批评次数=10,
    )
    assert value(r, "加分项") == D("1.55")
    assert value(r, "减分项") == -20
    assert r.total == D("61.55")


# --------------------------------------------------------------------------- 16. discretionary range

DISCRETION = """
scheme "discretion"
group Dept "县政府部门"
input 积极参与加分: number 0.1 to 0.2 optional "积极参与、主动作为的加分(0.1—0.2分;未给予的为空)" article "002 六(一)2.4)"
scoring Dept:
    item 积极参与主动作为 max 0.2 article "002 六(一)2.4)" = 积极参与加分 default 0
"""


@pytest.mark.parametrize(
    ("given", "expected"), [("0.1", "0.1"), ("0.15", "0.15"), ("0.2", "0.2"), (None, "0")]
)
def test_discretionary_value_inside_its_range(given: str | None, expected: str) -> None:
    # 002 六(一)2.4): 加0.1—0.2分; not awarded (null) → 0
    s = compile_rules(DISCRETION, "discretion")
    r = one(s, "Dept", 积极参与加分=given)
    assert value(r, "积极参与主动作为") == D(expected)


@pytest.mark.parametrize("given", ["0.25", "0.05", "-0.1", 1])
def test_discretionary_value_outside_its_range_is_a_data_error(given: object) -> None:
    s = compile_rules(DISCRETION, "discretion")
    with pytest.raises(DataError) as err:
        run(s, [unit("县商务局", "Dept", 积极参与加分=given)])
    text = str(err.value)
    assert "县商务局" in text
    assert "积极参与加分" in text
    assert [p.unit for p in err.value.problems] == ["县商务局"]
    assert [p.field for p in err.value.problems] == ["积极参与加分"]


# --------------------------------------------------------------------------- 17. overflow conversion

OVERFLOW = """
scheme "overflow"
group Dept "县直单位"
input 基础得分: number 0 to 100 "附件2 四项得分"
input 影响力得分: number 0 to 200 "改革特色影响力得分"
scoring Dept:
    item 基础 max 100 = 基础得分
    item 特色影响力 max 20:
        add 影响力得分
        uncapped
    output 绩效考评加分 = least(excess(total, 100) × 0.1, 3) article "000 第五条(一)2"
"""


@pytest.mark.parametrize(
    ("base", "bonus", "expected"),
    [
        ("92.5", 20, "1.25"),  # total 112.5: 12.5 above 100 × 0.1 = 1.25
        (95, 5, "0"),  # exactly 100: nothing above
        (80, 10, "0"),  # below 100: nothing (never negative)
        (100, 30, "3"),  # 130: 30 × 0.1 = 3, the maximum
        (100, 60, "3"),  # 160: 6 → 最多加3分 → 3
    ],
)
def test_overflow_above_100_converted_and_capped(base: object, bonus: int, expected: str) -> None:
    # 000 第五条(一)2: 每超1分绩效考评加0.1分,最多加3分
    s = compile_rules(OVERFLOW, "overflow")
    r = one(s, "Dept", 基础得分=base, 影响力得分=bonus)
    assert value(r, "绩效考评加分") == D(expected)
    # the converted points are reported outside the total
    assert r.total == D(str(base)) + bonus


# --------------------------------------------------------------------------- 18. outside the weighting

UNWEIGHTED = """
方案 "奖励加分"
分组 市直单位 "市直单位"
输入 业务工作得分: 数值 0 至 100 "业务工作考评得分"
输入 领导小组奖励分: 数值 0 至 30 "各领导小组给予的奖励分"
评分 市直单位:
    指标 业务工作 满分 100 = 业务工作得分
    指标 奖励加分 满分 10 条款 "004 三(三)":
        加 领导小组奖励分
        封顶 10
    总分 = 业务工作 × 40% + 奖励加分
"""


@pytest.mark.parametrize(
    ("base", "reward", "expected"),
    [
        (80, 5, "37"),  # 80 × 40% = 32, + 5 not weighted = 37 (not 32 + 2)
        (90, 25, "46"),  # 36 + min(25, 10) = 46
        ("87.5", 0, "35"),  # 35 + 0
    ],
)
def test_reward_points_added_outside_the_weighting(
    base: object, reward: int, expected: str
) -> None:
    # 004 三(三): 奖励加分不计权数直接计入
    s = compile_rules(UNWEIGHTED, "unweighted")
    r = one(s, "市直单位", 业务工作得分=base, 领导小组奖励分=reward)
    assert r.total == D(expected)


# --------------------------------------------------------------------------- 19. thresholds

THRESHOLD = """
scheme "threshold"
rounding 2 places {mode}
group Dept "县直单位"
enum 等次: 先进, 合格单位, 警示单位
input 得分: number 0 to 100 "考评得分"
scoring Dept:
    item 考评 max 100 = 得分
    flag 警示单位 if total < 60 article "000 第七条(一)"
grading 等次:
    警示单位 if total < 60
    合格单位 otherwise
"""


@pytest.mark.parametrize(
    ("mode", "score_", "total", "flagged"),
    [
        # 59.995 with 2 places half-up → 60.00: not below the 60 line
        ("half-up", "59.995", "60.00", False),
        # the same unit under 2 places down → 59.99: below the line
        ("down", "59.995", "59.99", True),
        # half-even: 59.995 → 60.00 (the even neighbour); 59.985 → 59.98
        ("half-even", "59.995", "60.00", False),
        ("half-even", "59.985", "59.98", True),
        ("half-up", "59.994", "59.99", True),
        ("up", "59.991", "60.00", False),
    ],
)
def test_threshold_flag_decided_by_declared_rounding(
    mode: str, score_: str, total: str, flagged: bool
) -> None:
    # 000 第七条(一): 得分低于60分的 → 警示单位
    s = compile_rules(THRESHOLD.replace("{mode}", mode), f"threshold_{mode}")
    r = one(s, "Dept", 得分=score_)
    assert r.total == D(total)
    assert exact_text(r.total, 2) == total  # two places, as declared
    assert ("警示单位" in r.unit.flags) is flagged
    assert r.unit.grades["等次"] == ("警示单位" if flagged else "合格单位")


GRADES_1000 = """
方案 "绩效评估"
分组 乡镇 "乡镇"
枚举 等次: 达标, 基本达标, 不达标
输入 指标得分: 数值 0 至 1000 "千分制得分"
评分 乡镇:
    指标 考评 满分 1000 = 指标得分
评定 等次 条款 "003 四":
    达标 若 总分 ≥ 700
    基本达标 若 总分 ≥ 600
    不达标 其余
"""


@pytest.mark.parametrize(
    ("points", "grade"),
    [
        ("700", "达标"),
        ("912", "达标"),
        ("699.99", "基本达标"),
        ("600", "基本达标"),
        ("599.99", "不达标"),
        ("0", "不达标"),
    ],
)
def test_threshold_grades(points: str, grade: str) -> None:
    # 003 四: ≥700 达标; 600–700 基本达标; <600 不达标
    s = compile_rules(GRADES_1000, "grades_1000")
    r = one(s, "乡镇", 指标得分=points)
    assert r.unit.grades["等次"] == grade


def test_decimal_sum_is_exact() -> None:
    # 0.15 + 0.15 + 0.15 = 0.45 exactly (never 0.44999…)
    s = compile_rules(
        """
        scheme "exact"
        group Dept "县直单位"
        input a: yesno "a"
        scoring Dept:
            item x max 1:
                add 0.15 if a
                add 0.15 if a
                add 0.15 if a
        """,
        "exact",
    )
    r = one(s, "Dept", a=True)
    assert value(r, "x") == D("0.45")
    assert exact_text(value(r, "x")) == "0.45"
