"""`对照表 权重 按 所在分组`: a table with a row per group (类别权重: 城市发展区 环境质量50%, 生态涵养区
40%), looked up as `权重[所在分组]`, the same on both backends. Before, `按 所在分组` was E201
("declare it with `枚举`") and the lookup E203."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers_columnar import cli_csv_both_backends
from kaoping.cli import main
from kaoping.compiler.load import compile_sources
from kaoping.errors import CompileError
from kaoping.io.validate import validate
from kaoping.scoring import score

RULES = """方案 "类别权重"
分组 城市发展区
分组 生态涵养区
输入 环境质量得分: 数值 0 至 100 "环境质量得分"
输入 生态保护得分: 数值 0 至 100 "生态保护得分"
对照表 环境质量权重 按 所在分组:
    城市发展区: 50%
    生态涵养区: 40%
评分 城市发展区, 生态涵养区:
    指标 环境质量 满分 100 = 环境质量得分
    指标 生态保护 满分 100 = 生态保护得分
    总分 = 环境质量 × 环境质量权重[所在分组] + 生态保护 × (1 - 环境质量权重[所在分组])
"""


@pytest.mark.parametrize("backend", ["unit", "columnar"])
def test_each_group_takes_its_row(backend: str) -> None:
    scheme = compile_sources("w", {"w.rules": RULES})
    facts = {"环境质量得分": "90", "生态保护得分": "70"}
    data = {
        "units": [
            {"unit": "东城区", "group": "城市发展区", "facts": facts},
            {"unit": "青山县", "group": "生态涵养区", "facts": facts},
        ]
    }
    results = score(scheme, validate(data, scheme.model, "d"), None, backend=backend)
    # 90 × 50% + 70 × 50% = 80; 90 × 40% + 70 × 60% = 36 + 42 = 78
    assert {r.name: str(r.total) for r in results.units} == {"东城区": "80", "青山县": "78"}


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("    生态涵养区: 40%\n", "", "E301 table '环境质量权重' has no row for 生态涵养区"),
        (
            "    生态涵养区: 40%\n",
            "    生态涵养区: 40%\n    生态区: 40%\n",
            "E204 '生态区' is not a value",
        ),
        ("环境质量权重[所在分组] +", "环境质量权重[环境质量] +", "looked up by unit group"),
    ],
)
def test_a_group_table_is_checked(old: str, new: str, said: str) -> None:
    with pytest.raises(CompileError) as err:
        compile_sources("w", {"w.rules": RULES.replace(old, new, 1)})
    assert said in str(err.value)


def test_the_english_keywords_translate(tmp_path: Path) -> None:
    path = tmp_path / "w.rules"
    path.write_text(RULES, encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", "--to", "en", str(path)])
    assert result.exit_code == 0, result.output
    text = path.read_text("utf-8")
    assert "table 环境质量权重 by unit group:" in text
    assert "环境质量权重[unit group]" in text
    assert CliRunner().invoke(main, ["check", str(path)]).exit_code == 0


def test_whole_columns_read_the_same_rows(tmp_path: Path) -> None:
    """1,200 units of two groups by whole columns: the same results as per unit."""
    rules = tmp_path / "w.rules"
    rules.write_text(RULES, encoding="utf-8")
    data = tmp_path / "d.csv"
    rows = [
        f"u{i},{'城市发展区' if i % 3 else '生态涵养区'},{(i * 7) % 101},{(i * 13) % 101}"
        for i in range(1_200)
    ]
    data.write_text("unit,group,环境质量得分,生态保护得分\n" + "\n".join(rows) + "\n", "utf-8")
    written = cli_csv_both_backends(rules, data, tmp_path)
    # u1 (城市发展区): 7 × 50% + 13 × 50% = 10; u3 (生态涵养区): 21 × 40% + 39 × 60% = 8.4 + 23.4 = 31.8
    assert "城市发展区,u1,10," in written and "生态涵养区,u3,31.8," in written
