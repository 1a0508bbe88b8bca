"""`kaoping report`: one offline HTML page of a run's results. These tests read the page as
text (tests/test_report_browser.py renders it in Chromium): its charts carry the numbers the
results give, nothing from rules or data is obeyed as markup, nothing is fetched, the output is
written as every kaoping output is, and bad data is refused as `score` refuses it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from helpers_report import (
    HOSTILE_DATA,
    HOSTILE_UNITS,
    check_charts,
    hostile,
    read_charts,
    report,
    results_json,
    run,
)
from kaoping.plugins.manager import default_registry

# every element the page is made of; a tag from rules or data would be another
PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "p", "h1", "h2", "h3", "h4",
    "h5", "dl", "dt", "dd", "nav", "ol", "ul", "li", "a", "section", "table", "thead",
    "tbody", "tr", "th", "td", "span", "figure", "figcaption", "svg", "g", "rect", "line",
    "text", "article", "code", "b", "footer", "div",
}  # fmt: skip


EPOCH = "1700000000"  # SOURCE_DATE_EPOCH: 2023-11-14 22:13 UTC


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], str]:
    """The report of a shipped scheme's sample in a language, made once for this module's
    tests, dated SOURCE_DATE_EPOCH."""
    made: dict[tuple[str, str], str] = {}

    def get(scheme: str, lang: str) -> str:
        if (scheme, lang) not in made:
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
                folder = tmp_path_factory.mktemp("report")
                made[scheme, lang] = report(folder, scheme, "--sample", "--lang", lang)
        return made[scheme, lang]

    return get


@pytest.mark.parametrize("scheme", ["heshan-2013", "shuangxiang-2012"])
def test_charts_carry_the_results_numbers(sample_report: Any, scheme: str) -> None:
    page = sample_report(scheme, "zh")
    charts = read_charts(page)
    check_charts(
        charts.contribution, charts.distribution, results_json(scheme, "--sample"), "(未评定)"
    )


def test_a_total_that_is_no_sum_of_parts_is_drawn_as_its_parts_and_a_mark(
    sample_report: Any,
) -> None:
    """盘山's total is weighted (`total = 指标考核得分 × 0.7 + 综合评价 × 0.3 + 加减分`): each
    part is drawn as it is, the caption quotes the rule, and the total is marked."""
    page = sample_report("panshan-2018", "en")
    charts = read_charts(page)
    results = results_json("panshan-2018", "--sample")
    check_charts(charts.contribution, charts.distribution, results, "(no grade)", adds_up=False)
    assert "The total is computed by the rule total = " in page
    assert page.count('<line class="total-mark"') == len(results["units"])


def test_a_filled_workbook_reports_as_its_json_sample(tmp_path: Path) -> None:
    """DATA is read as `score` reads it: the example's template, filled from its sample, gives
    the charts of the JSON sample's results."""
    from test_xlsx import _example

    book, _ = _example(tmp_path)
    charts = read_charts(report(tmp_path, "example-zh", str(book)))
    check_charts(
        charts.contribution,
        charts.distribution,
        results_json("example-zh", "--sample"),
        "(no grade)",
    )


def test_ranking_shows_exact_totals_and_the_fraction_behind_an_approximation(
    sample_report: Any,
) -> None:
    """shuangxiang's totals never end as decimals: shown as ≈…, the exact fraction in a title
    and in data-value, as the JSON results write it."""
    page = sample_report("shuangxiang-2012", "zh")
    results = results_json("shuangxiang-2012", "--sample")
    cells = re.findall(
        r'<tr data-unit="([^"]*)"><td class="num">(\d*)</td><td class="unit"><a [^>]*>[^<]*</a></td>'
        r'<td class="num" data-value="([^"]*)"><span class="num" title="([^"]*)">≈([0-9.]+)</span>',
        page,
    )
    assert len(cells) == len(results["units"])
    by_unit = {u["unit"]: u for u in results["units"]}
    for unit, rank, value, title, shown in cells:
        total = by_unit[unit]["total"]
        assert "/" in total
        assert value == title == total
        assert str(by_unit[unit]["rank"]) == rank
        # ≈ the exact value to 4 places
        assert abs(Fraction(shown) - Fraction(total)) <= Fraction(1, 20000)


def test_bars_are_drawn_to_scale(sample_report: Any) -> None:
    """Each segment's width is its value on the chart's one scale (to the 0.01 px written)."""
    page = sample_report("heshan-2013", "zh")
    chart = page[page.index('class="chart contribution"') :]
    chart = chart[: chart.index("</svg>")]
    segments = re.findall(r'width="([0-9.]+)" height="14" fill="[^"]*" data-part="[^"]*" '
                          r'data-value="([^"]*)"', chart)  # fmt: skip
    assert len(segments) > 10
    scales = {
        Fraction(width) / abs(Fraction(value)) for width, value in segments if Fraction(value) != 0
    }
    assert max(scales) - min(scales) < Fraction(1, 20)  # 0.005 px of rounding over ≥ 0.1
    assert all(Fraction(w) == 0 for w, v in segments if Fraction(v) == 0)


def test_grade_counts_of_a_small_scheme(tmp_path: Path) -> None:
    """Worked by hand: totals 9.5 and 3, both below 10: two units 差, none 好."""
    rules, data = hostile(tmp_path)
    charts = read_charts(report(tmp_path, str(rules), str(data)))
    assert charts.distribution == {"G": {"等次": {"好": "0", "差": "2"}}}
    bars = charts.contribution["G"]
    assert bars[HOSTILE_UNITS[0]] == {"parts": {"基础": "7.5", "加分": "2"}, "total": "9.5"}
    assert bars[HOSTILE_UNITS[1]] == {"parts": {"基础": "3", "加分": "0"}, "total": "3"}


def test_text_from_rules_and_data_is_shown_never_obeyed(tmp_path: Path) -> None:
    rules, data = hostile(tmp_path)
    page = report(tmp_path, str(rules), str(data), "--lang", "en")
    charts = read_charts(page)
    assert set(charts.tags) <= PAGE_TAGS
    assert charts.tags["script"] == 0
    assert charts.tags["title"] > 1  # the page's and the tooltips': none opened by the data
    assert not [a for a in charts.attributes if a.startswith("on")]
    assert "<script" not in page.lower()
    for text in ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(5)&gt;"):
        assert text in page
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page
    assert "&lt;svg onload=alert(3)&gt;" in page  # an article


def test_nothing_is_fetched(sample_report: Any) -> None:
    page = sample_report("heshan-2013", "zh")
    assert set(re.findall(r"[a-z]+://[^\s\"'<>)]*", page)) == {"http://www.w3.org/2000/svg"}
    assert not re.search(r"\bsrc\s*=|@import|url\(|<link|<script|<iframe|<object", page, re.I)
    for href in re.findall(r'href="([^"]*)"', page):  # anchors in the page
        assert re.fullmatch(r"#(contents|warnings|group-\d+|u-\d+-\d+)", href), href
        assert f'id="{href[1:]}"' in page


def test_identifies_the_run(sample_report: Any) -> None:
    page = sample_report("heshan-2013", "en")
    results = results_json("heshan-2013", "--sample")
    assert results["scheme_hash"] in page
    assert "2023-11-14 22:13 UTC" in page
    assert "sample.json (heshan-2013 sample)" in page
    assert "<h1>2013年赫山区绩效评估实施方案</h1>" in page
    assert "Grade distribution" in page and "等次分布" not in page
    assert "@page { size: A4;" in page and "break-before: page" in page


def test_each_unit_has_its_breakdown_with_articles(sample_report: Any) -> None:
    page = sample_report("heshan-2013", "zh")
    sample = default_registry().sample("heshan-2013")
    assert sample is not None
    names = [u["unit"] for u in json.loads(sample.read_text("utf-8"))["units"]]
    breakdowns = re.findall(r'<article class="unit" id="[^"]*" data-unit="([^"]*)">', page)
    assert sorted(breakdowns) == sorted(names)
    # the article of 指标评估 (xiangzhen.rules: `指标 指标评估 满分 700 条款 "003 二(一) 三(二)"`)
    assert '<td class="article">003 二(一) 三(二)</td>' in page


def test_warnings_of_the_run_are_listed(tmp_path: Path) -> None:
    """A roster of 3 units of which the data holds 2: the warning `score` gives is listed."""
    rules, _ = hostile(tmp_path)
    data = tmp_path / "partial.json"
    data.write_text(json.dumps({**HOSTILE_DATA, "roster": {"G": 3}}, ensure_ascii=False), "utf-8")
    scored = results_json(str(rules), str(data))
    assert scored["warnings"], "the data should give a warning"
    page = report(tmp_path, str(rules), str(data))
    section = page[page.index('<section class="warnings"') :]
    for w in scored["warnings"]:
        assert f"[{w['code']}]" in section


def test_a_value_above_its_maximum_is_a_warning_of_the_run(tmp_path: Path) -> None:
    """`item 基础 max 5` adding 得分 with no cap: 甲's 7 is above 5 (the rules set no cap),
    as the score table warns; 乙's 2 is not."""
    rules = tmp_path / "t.rules"
    rules.write_text(
        'scheme "超出满分"\ngroup G "g"\ninput 得分: number 0 to 10 "得分"\n'
        "scoring G:\n    item 基础 max 5:\n        add 得分\n",
        "utf-8",
    )
    data = tmp_path / "d.json"
    units = [{"unit": u, "group": "G", "facts": {"得分": x}} for u, x in (("甲", 7), ("乙", 2))]
    data.write_text(json.dumps({"units": units}, ensure_ascii=False), "utf-8")
    page = report(tmp_path, str(rules), str(data), "--lang", "zh")
    section = page[page.index('<section class="warnings"') :]
    items = re.findall(r"<li>(.*?)</li>", section)
    assert items == [
        "<code>[above max]</code> 甲:基础 = 7 is above its maximum 5 (the rules set no cap)"
    ]
    assert '<a href="#warnings">运行警告</a> (1)' in page


def test_history_is_read_as_score_reads_it(tmp_path: Path) -> None:
    last = tmp_path / "last.json"
    res = run("score", "heshan-2013", "--sample", "--format", "json", "-o", str(last))
    assert res.exit_code == 0, res.output
    page = report(tmp_path, "heshan-2013", "--sample", "--history", str(last))
    charts = read_charts(page)
    with_history = results_json("heshan-2013", "--sample", "--history", str(last))
    check_charts(charts.contribution, charts.distribution, with_history, "(no grade)")


def test_bad_data_exits_2_naming_unit_and_field(tmp_path: Path) -> None:
    rules, _ = hostile(tmp_path)
    data = tmp_path / "bad.json"
    bad = {"units": [{"unit": "县财政局", "group": "G", "facts": {"得分": "many", "事项": []}}]}
    data.write_text(json.dumps(bad, ensure_ascii=False), "utf-8")
    out = tmp_path / "r.html"
    res = run("report", str(rules), str(data), "-o", str(out))
    assert res.exit_code == 2
    assert "县财政局" in res.stderr and "得分" in res.stderr
    assert res.stderr == run("score", str(rules), str(data)).stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "d.json", "t.rules"]


def test_never_written_over_an_input(tmp_path: Path) -> None:
    rules, data = hostile(tmp_path)
    before = data.read_bytes()
    res = run("report", str(rules), str(data), "-o", str(data))
    assert res.exit_code == 3  # not named *.html
    named_html = tmp_path / "d.html"  # data a page could be mistaken for
    named_html.write_bytes(before)
    link = tmp_path / "link.html"
    link.symlink_to(named_html)
    for target in (named_html, link):
        res = run("report", str(rules), str(named_html), "-o", str(target))
        assert res.exit_code == 2
        assert "an input of this run" in res.stderr
    assert data.read_bytes() == before == named_html.read_bytes()


def test_output_must_be_a_writable_html_file(tmp_path: Path) -> None:
    rules, data = hostile(tmp_path)
    folder = tmp_path / "out.html"
    folder.mkdir()
    assert run("report", str(rules), str(data), "-o", str(folder)).exit_code == 2
    missing = tmp_path / "no" / "such" / "r.html"
    res = run("report", str(rules), str(data), "-o", str(missing))
    assert res.exit_code == 2 and "cannot write" in res.stderr
    res = run("report", str(rules), str(data), "-o", str(tmp_path / "r.pdf"))
    assert res.exit_code == 3 and "*.html" in res.output
    assert run("report", str(rules), "-o", str(tmp_path / "r.html")).exit_code == 3  # no data
    assert run("report", "heshan-2013", str(data), "--sample", "-o", "x.html").exit_code == 3
    leftovers = {p.name for p in tmp_path.iterdir()} - {"t.rules", "d.json", "out.html"}
    assert leftovers == set()
    existing = tmp_path / "old.html"
    existing.write_text("old", "utf-8")
    existing.chmod(0o640)
    assert run("report", str(rules), str(data), "-o", str(existing)).exit_code == 0
    assert existing.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert existing.stat().st_mode & 0o777 == 0o640
