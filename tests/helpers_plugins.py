"""In-process plugins for the plugin tests: a one-item scheme written to a file, a fake entry
point, and scoring one unit through a Registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kaoping import load_scheme
from kaoping.exact import Q
from kaoping.io.validate import validate
from kaoping.plugins.hookspecs import SchemeInfo, hookimpl
from kaoping.plugins.manager import Registry
from kaoping.scoring import score

RULES = """\
方案 "{title}"

分组 单位 "单位"

输入 次数: 次数 "报送次数" 条款 "第一条"

评分 单位:
    指标 报送 满分 10 条款 "第一条":
        加 {rule} 每 次数
        封顶 10
"""


def info(scheme_id: str) -> SchemeInfo:
    return SchemeInfo(
        id=scheme_id, title=f"测试 {scheme_id}", jurisdiction="某县", year=2024, source="t"
    )


class FilePlugin:
    """A scheme whose rules are a file in tmp_path: what SchemeFolder does, without a package."""

    def __init__(self, scheme_id: str, rules: Path):
        self.info = info(scheme_id)
        self.rules = rules
        self.cases: list[Path] = []

    @hookimpl
    def kaoping_schemes(self) -> list[SchemeInfo]:
        return [self.info]

    @hookimpl
    def kaoping_scheme_rules(self, scheme_id: str) -> list[Path] | None:
        return [self.rules] if scheme_id == self.info.id else None

    @hookimpl
    def kaoping_scheme_cases(self, scheme_id: str) -> list[Path] | None:
        return self.cases if scheme_id == self.info.id else None


def write_scheme(folder: Path, scheme_id: str, rule: str = "2") -> FilePlugin:
    """A FilePlugin for a one-item scheme: `rule` points per 次数, capped at 10."""
    path = folder / f"{scheme_id}.rules"
    path.write_text(RULES.format(title=scheme_id, rule=rule), "utf-8")
    return FilePlugin(scheme_id, path)


def with_case(plugin: FilePlugin) -> FilePlugin:
    """`plugin` (a scheme of rule "2") with one golden case: 3 次数 × 2 = 6 points."""
    path = plugin.rules.with_name(f"{plugin.info.id}-cases.yaml")
    path.write_text(
        "cases:\n  - name: 三次\n    article: 第一条\n    arithmetic: 3 × 2 = 6\n"
        "    units: [{unit: 甲, group: 单位, facts: {次数: 3}}]\n    expect: {甲: {total: '6'}}\n",
        "utf-8",
    )
    plugin.cases = [path]
    return plugin


def score_one(reg: Registry, scheme_id: str, times: int) -> Q:
    compiled = load_scheme(scheme_id, reg)
    data = validate(
        {"units": [{"unit": "甲", "group": "单位", "facts": {"次数": times}}]},
        compiled.model,
        "test",
    )
    [result] = score(compiled, data).units
    return result.total


class FakeEntryPoint:
    """Quacks like importlib.metadata.EntryPoint: name, value, group, load()."""

    group = "kaoping"

    def __init__(self, name: str, value: str, loader: Any):
        self.name = name
        self.value = value
        self._loader = loader

    def load(self) -> Any:
        return self._loader()
