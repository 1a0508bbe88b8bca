"""Helpers shared by the hostile-input tests: a one-item scheme and data for it."""

from __future__ import annotations

RULES = """分组 县直单位
输入 信息报送次数: 次数 "全年报送信息的次数"
评分 县直单位:
    指标 信息报送 满分 4:
        起评 满分
        扣 1 每 不足(信息报送次数, 4)
"""


def data_doc(*counts: int) -> dict[str, object]:
    return {
        "units": [
            {"unit": f"单位{i}", "group": "县直单位", "facts": {"信息报送次数": n}}
            for i, n in enumerate(counts, 1)
        ]
    }
