"""Scheme panshan-2018: 2018年县政府“重实干、强执行、抓落实”专项行动绩效考评工作实施方案."""

from kaoping.plugins.folder import SchemeFolder
from kaoping.plugins.hookspecs import SchemeInfo

plugin = SchemeFolder(
    __name__,
    SchemeInfo(
        id="panshan-2018",
        title="2018年县政府“重实干、强执行、抓落实”专项行动绩效考评工作实施方案",
        jurisdiction="辽宁省盘锦市盘山县",
        year=2018,
        source="002_626ebb2ee4126884.txt",
    ),
)
