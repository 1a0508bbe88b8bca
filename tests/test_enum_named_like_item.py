"""A document's part names are both an enum's values (the part an assessor scored) and the items
that score them: `平均 专家评分 的 分数 其中 部分 = 办学条件` beside `指标 办学条件`. The name beside an
enum value (`=`, `≠`, a table's key) is that value; it was read as the item, so the rules were
E203 ("enum 评估部分 cannot be compared with number") and E502 (办学条件 → 办学条件平均分 → 办学条件).

Likewise `(count L where C) ≥ k` in a requirement bounds the records where C holds, so a mean over
them after dropping fewer than k is never absent (each part's 评分人数不少于3人)."""

from __future__ import annotations

import pytest

from kaoping.compiler.load import compile_sources
from kaoping.errors import CompileError, DataError
from kaoping.io.validate import validate
from kaoping.scoring import score

RULES = """方案 "督导"
分组 学校
枚举 评估部分: 办学条件, 教育教学
记录 专家评分记录:
    评估人: 文本
    部分:   评估部分
    分数:   数值 0 至 100
对照表 部分分值 按 评估部分:
    办学条件: 40
    教育教学: 60
输入 专家评分: 列表 专家评分记录 "专家评分"
校验 (计数 专家评分 其中 部分 = 办学条件) ≥ 3
校验 (计数 专家评分 其中 部分 = 教育教学) ≥ 3
评分 学校:
    设 办学条件平均分 = 平均 专家评分 的 分数 其中 部分 = 办学条件 剔除 1 项 最高 按 分数 剔除 1 项 最低 按 分数
    设 教育教学平均分 = 平均 专家评分 的 分数 其中 部分 = 教育教学
    设 教育教学专家数 = 计数 专家评分 其中 教育教学 = 部分
    指标 办学条件 满分 40 = 办学条件平均分 × 部分分值[办学条件] ÷ 100
    指标 教育教学 满分 60 = 教育教学平均分 × 部分分值[教育教学] ÷ 100
    设 办学条件较高 = 办学条件 > 30
"""


def _data(*scores: tuple[str, int]) -> dict[str, object]:
    records = [{"评估人": f"专家{i}", "部分": p, "分数": s} for i, (p, s) in enumerate(scores)]
    return {"units": [{"unit": "一中", "group": "学校", "facts": {"专家评分": records}}]}


@pytest.mark.parametrize("backend", ["unit", "columnar"])
def test_the_name_beside_an_enum_value_is_that_value(backend: str) -> None:
    scheme = compile_sources("d", {"d.rules": RULES})
    data = _data(
        ("办学条件", 100),
        ("办学条件", 80),
        ("办学条件", 90),
        ("办学条件", 60),
        ("教育教学", 90),
        ("教育教学", 80),
        ("教育教学", 70),
    )
    (result,) = score(scheme, validate(data, scheme.model, "d"), None, backend=backend).units
    values = result.unit.values
    # 办学条件: drop 100 and 60, (80 + 90) ÷ 2 = 85, × 40 ÷ 100 = 34; 教育教学 (90 + 80 + 70) ÷ 3 = 80,
    # × 60 ÷ 100 = 48; 办学条件 > 30 reads the item (a number), not the enum value
    assert (str(values["办学条件"]), str(values["教育教学"])) == ("34", "48")
    assert values["办学条件较高"] is True
    assert str(values["教育教学专家数"]) == "3"
    assert str(result.total) == "82"


def test_a_name_that_is_no_value_of_the_other_side_is_still_checked() -> None:
    rules = RULES.replace("其中 教育教学 = 部分", "其中 教学 = 部分")
    with pytest.raises(CompileError) as err:
        compile_sources("d", {"d.rules": rules})
    assert "E204" in str(err.value) and "'教学'" in str(err.value)


def test_a_counted_condition_makes_its_mean_present() -> None:
    # with the requirements, neither mean needs a default; without them, both do (E206)
    compile_sources("d", {"d.rules": RULES})
    bare = RULES.replace("校验 (计数 专家评分 其中 部分 = 办学条件) ≥ 3\n", "")
    with pytest.raises(CompileError) as err:
        compile_sources("d", {"d.rules": bare})
    assert "E206" in str(err.value) and "办学条件平均分" in str(err.value)
    # ≥ 2 leaves none after dropping two: the mean may be absent
    two = RULES.replace("部分 = 办学条件) ≥ 3", "部分 = 办学条件) ≥ 2")
    with pytest.raises(CompileError) as err:
        compile_sources("d", {"d.rules": two})
    assert "E206" in str(err.value)
    # another condition bounds nothing here
    other = RULES.replace(
        "校验 (计数 专家评分 其中 部分 = 办学条件) ≥ 3", "校验 (计数 专家评分 其中 分数 > 0) ≥ 3"
    )
    with pytest.raises(CompileError):
        compile_sources("d", {"d.rules": other})


def test_data_short_of_the_counted_records_is_refused() -> None:
    scheme = compile_sources("d", {"d.rules": RULES})
    data = _data(
        ("办学条件", 90), ("办学条件", 80), ("教育教学", 90), ("教育教学", 80), ("教育教学", 70)
    )
    with pytest.raises(DataError) as err:
        score(scheme, validate(data, scheme.model, "d"), None)
    assert "计数 专家评分 其中" in str(err.value) and "= 2" in str(err.value)


def test_a_counted_condition_alone_makes_its_mean_present() -> None:
    """The same without an item named like the enum value: only the requirement proves it."""
    rules = (
        RULES.replace("指标 办学条件 满分 40", "指标 条件分 满分 40")
        .replace("指标 教育教学 满分 60", "指标 教学分 满分 60")
        .replace("办学条件 > 30", "条件分 > 30")
    )
    compile_sources("d", {"d.rules": rules})
    bare = rules.replace("校验 (计数 专家评分 其中 部分 = 办学条件) ≥ 3\n", "")
    with pytest.raises(CompileError) as err:
        compile_sources("d", {"d.rules": bare})
    assert "E206" in str(err.value) and "办学条件平均分" in str(err.value)
