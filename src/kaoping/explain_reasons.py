"""Why a grading line applied to a unit or passed it over, in the language of the rules that
wrote the line: a scheme written with the Chinese keywords is explained in Chinese, one written
with the English keywords in English. The runtime records each reason as English text from a
fixed set of forms (kaoping.runtime.grading); this is each form in Chinese."""

from __future__ import annotations

import re

# (the runtime's English form, the Chinese form); the more particular form first
_ZH = (
    (
        re.compile(r"condition holds \((?P<before>.*) → (?P<grade>.*)\)"),
        "条件成立({before} → {grade})",
    ),
    (re.compile(r"condition holds"), "条件成立"),
    (re.compile(r"condition does not hold"), "条件不成立"),
    (re.compile(r"the quota is not for group (?P<group>.*)"), "名额不适用于 {group}"),
    (re.compile(r"already graded (?P<grade>.*)"), "已评为 {grade}"),
    (re.compile(r"given by (?P<by>.*)"), "由 {by} 给定"),
    (re.compile(r"given (?P<grade>.*)"), "已给定 {grade}"),
    (re.compile(r"barred from (?P<grade>.*)"), "不得评为 {grade}"),
    (re.compile(r"not counted in the quota"), "不计入名额基数"),
    (
        re.compile(r"place (?P<place>\d+) of (?P<of>\d+) eligible, quota (?P<quota>\d+)"),
        "在 {of} 个可评单位中排第 {place},名额 {quota} 个",
    ),
    (re.compile(r"no earlier line graded it"), "前面各行均未评定"),
)


def reason_in(reason: str, lang: str) -> str:
    """`reason` in `lang` ("zh" or "en"); a form this table lacks is kept as it is."""
    if lang != "zh":
        return reason
    for form, chinese in _ZH:
        found = form.fullmatch(reason)
        if found is not None:
            parts = found.groupdict()
            if parts.get("before") == "None":  # the unit had no grade before the override
                parts["before"] = "未评定"
            return chinese.format(**parts)
    return reason
