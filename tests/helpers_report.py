"""What the report tests compare: the numbers each chart of a report page carries, read from
the page (by the standard library's HTML parser, or from a browser's DOM in the same shape),
and what `kaoping score --format json` says they should be."""

from __future__ import annotations

import json
from collections import Counter
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from kaoping.cli import main

HOSTILE_RULES = """\
scheme "<script>alert('title')</script>"
group G "g"
enum 等次: 好, 差
record 事:
    名称: text
    分: number 0 to 5
input 得分: number 0 to 10 "</title><script>alert(7)</script>" article "</style><script>alert(2)</script>"
input 事项: list of 事 "x" article "a"
scoring G:
    item 基础 max 10 article "<svg onload=alert(3)>" = 得分
    item 加分 max 5 article "'><img src=x onerror=alert(4)>":
        add sum 事项 of 分
        cap 5
    across group:
        let 名次 = rank by total

grading 等次:
    好 if total ≥ 10
    差 otherwise
"""

HOSTILE_UNITS = ["<script>alert(1)</script>", "\"'><svg/onload=alert(6)>"]
HOSTILE_DATA = {
    "units": [
        {
            "unit": HOSTILE_UNITS[0],
            "group": "G",
            "facts": {"得分": "7.5", "事项": [{"名称": "<img src=x onerror=alert(5)>", "分": 2}]},
        },
        {"unit": HOSTILE_UNITS[1], "group": "G", "facts": {"得分": 3, "事项": []}},
    ]
}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def report(tmp_path: Path, *args: str, name: str = "report.html") -> str:
    out = tmp_path / name
    res = run("report", *args, "-o", str(out))
    assert res.exit_code == 0, res.output
    return out.read_text("utf-8")


def hostile(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "t.rules"
    rules.write_text(HOSTILE_RULES, "utf-8")
    data = tmp_path / "d.json"
    data.write_text(json.dumps(HOSTILE_DATA, ensure_ascii=False), "utf-8")
    return rules, data


def results_json(*args: str) -> dict[str, Any]:
    """`kaoping score ARGS --format json`, parsed."""
    res = CliRunner().invoke(main, ["score", *args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def exact(text: str) -> Fraction:
    """A number as the JSON results write it ("87.50", "550/3"), exactly."""
    return Fraction(text)


class ChartReader(HTMLParser):
    """Each group's charts: `contribution[group][unit]` = {"parts": {part: value}, "total":
    value}; `distribution[group][grading]` = {grade: count}; values as the page writes them."""

    def __init__(self) -> None:
        super().__init__()
        self.contribution: dict[str, dict[str, dict[str, Any]]] = {}
        self.distribution: dict[str, dict[str, dict[str, str]]] = {}
        self.tags: Counter[str] = Counter()
        self.attributes: set[str] = set()
        self.group: str | None = None
        self.grading: str | None = None
        self.unit: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags[tag] += 1
        self.attributes.update(a)
        if tag == "section" and "data-group" in a:
            self.group = a["data-group"]
            self.contribution[self.group] = {}
            self.distribution[self.group] = {}
        elif tag == "svg" and "distribution" in a.get("class", ""):
            assert self.group is not None
            self.grading = a["data-grading"]
            self.distribution[self.group][self.grading] = {}
        elif tag == "g" and a.get("class") == "bar":
            assert self.group is not None
            self.unit = a["data-unit"]
            self.contribution[self.group][self.unit] = {"parts": {}, "total": None}
        elif tag == "rect" and a.get("class") == "seg":
            assert self.group is not None and self.unit is not None
            self.contribution[self.group][self.unit]["parts"][a["data-part"]] = a["data-value"]
        elif tag == "text" and a.get("class") == "bar-total" and "data-value" in a:
            assert self.group is not None and self.unit is not None
            self.contribution[self.group][self.unit]["total"] = a["data-value"]
        elif tag == "rect" and a.get("class") == "count":
            assert self.group is not None and self.grading is not None
            self.distribution[self.group][self.grading][a["data-grade"]] = a["data-value"]


def read_charts(page: str) -> ChartReader:
    reader = ChartReader()
    reader.feed(page)
    reader.close()
    return reader


def check_charts(
    contribution: dict[str, dict[str, dict[str, Any]]],
    distribution: dict[str, dict[str, dict[str, str]]],
    results: dict[str, Any],
    no_grade: str,
    adds_up: bool = True,
) -> None:
    """Every number the charts carry is the one the results give: each part of a unit's bar is
    the unit's value of that part, the bar's total is its total and its parts add up to it (for
    a scheme without rounding whose total is their sum), each grade's count is the number of
    the group's units the results give that grade."""
    units = results["units"]
    groups = list(dict.fromkeys(u["group"] for u in units))
    assert list(contribution) == groups
    assert list(distribution) == groups
    for group in groups:
        members = [u for u in units if u["group"] == group]
        bars = contribution[group]
        assert list(bars) == [u["unit"] for u in members]  # in ranking order
        for u in members:
            bar = bars[u["unit"]]
            assert bar["total"] == u["total"]
            assert bar["parts"], u["unit"]
            for part, value in bar["parts"].items():
                assert value == u["scores"][part], (u["unit"], part)
            if adds_up:
                assert sum(exact(v) for v in bar["parts"].values()) == exact(u["total"])
        gradings = list(dict.fromkeys(g for u in members for g in u["grades"]))
        assert list(distribution[group]) == gradings
        for grading, counts in distribution[group].items():
            got = Counter(u["grades"].get(grading, no_grade) for u in members)
            assert {g: int(n) for g, n in counts.items() if int(n)} == dict(got), grading
            assert sum(int(n) for n in counts.values()) == len(members)
