"""Scheme anfu-2017: 安福县2017年度全面深化改革工作分类考核评价办法."""

from kaoping.plugins.folder import SchemeFolder
from kaoping.plugins.hookspecs import SchemeInfo

plugin = SchemeFolder(
    __name__,
    SchemeInfo(
        id="anfu-2017",
        title="安福县2017年度全面深化改革工作分类考核评价办法",
        jurisdiction="江西省吉安市安福县",
        year=2017,
        source="000_9b91ef59aa383971.txt",
    ),
)
