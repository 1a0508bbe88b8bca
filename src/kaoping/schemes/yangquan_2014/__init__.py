"""Scheme yangquan-2014: 阳泉市转型综改2014年行动计划第三方考核工作方案."""

from kaoping.plugins.folder import SchemeFolder
from kaoping.plugins.hookspecs import SchemeInfo

plugin = SchemeFolder(
    __name__,
    SchemeInfo(
        id="yangquan-2014",
        title="阳泉市转型综改2014年行动计划第三方考核工作方案",
        jurisdiction="山西省阳泉市",
        year=2014,
        source="001_e1d34c69056b5ae1.txt",
    ),
)
