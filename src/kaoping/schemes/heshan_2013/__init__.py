"""Scheme heshan-2013: 2013年赫山区绩效评估实施方案."""

from kaoping.plugins.folder import SchemeFolder
from kaoping.plugins.hookspecs import SchemeInfo

plugin = SchemeFolder(
    __name__,
    SchemeInfo(
        id="heshan-2013",
        title="2013年赫山区绩效评估实施方案",
        jurisdiction="湖南省益阳市赫山区",
        year=2013,
        source="003_98b0853a6d9307c1.txt",
    ),
)
