"""The example scheme in English keywords (see docs/language.md)."""

from kaoping.plugins.folder import SchemeFolder
from kaoping.plugins.hookspecs import SchemeInfo

plugin = SchemeFolder(
    __name__,
    SchemeInfo(
        id="example-en",
        title="示例:县直单位改革工作考核(节选,英文关键字)",
        jurisdiction="安福县 (excerpt)",
        year=2017,
        source="000_9b91ef59aa383971.txt 附件2",
    ),
)
