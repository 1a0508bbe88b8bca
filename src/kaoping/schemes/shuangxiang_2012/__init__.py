"""Scheme shuangxiang-2012: 全市双向承诺工作方案(2012年度)."""

from kaoping.plugins.folder import SchemeFolder
from kaoping.plugins.hookspecs import SchemeInfo

plugin = SchemeFolder(
    __name__,
    SchemeInfo(
        id="shuangxiang-2012",
        title="全市双向承诺工作方案(2012年度)",
        jurisdiction="a city's 双向承诺 assessment (city not named in the document)",
        year=2012,
        source="004_cfc0f71464a011de.txt",
    ),
)
