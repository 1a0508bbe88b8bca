"""`kaoping report` rendered in headless Chromium (Debian's `chromium`, driven by Playwright;
Playwright's own browsers are never downloaded): the page renders with no console error and
no request but for the file itself, a screenshot is taken, every chart's numbers read from the
DOM equal `kaoping score --format json`'s, a hostile unit name is shown as text, and the page
prints (A4 PDF, a page at least per group).

Skipped, with the reason printed, only where no Chromium or no Playwright can be found: `.ci/run`
installs Debian's chromium where it is missing."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from helpers_report import HOSTILE_UNITS, check_charts, hostile, report, results_json

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 900, "height": 1200}

# every chart's numbers, in the shape helpers_report.check_charts compares
READ_CHARTS = """() => {
  const contribution = {}, distribution = {};
  for (const section of document.querySelectorAll("section[data-group]")) {
    const group = section.dataset.group;
    contribution[group] = {};
    distribution[group] = {};
    for (const bar of section.querySelectorAll("svg.contribution g.bar")) {
      const parts = {};
      for (const seg of bar.querySelectorAll("rect.seg")) parts[seg.dataset.part] = seg.dataset.value;
      const total = bar.querySelector("text.bar-total").dataset.value;
      contribution[group][bar.dataset.unit] = {parts, total};
    }
    for (const chart of section.querySelectorAll("svg.distribution")) {
      const counts = {};
      for (const rect of chart.querySelectorAll("rect.count")) counts[rect.dataset.grade] = rect.dataset.value;
      distribution[group][chart.dataset.grading] = counts;
    }
  }
  return {contribution, distribution};
}"""


def _chromium() -> str | None:
    for path in (os.environ.get("KAOPING_CHROMIUM"), "/usr/bin/chromium"):
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Chromium for the module, with a fresh profile."""
    executable = _chromium()
    if executable is None:
        reason = "no Chromium (install Debian's: apt-get install chromium; .ci/run does)"
        print(f"SKIPPED browser tests: {reason}")
        pytest.skip(reason)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "Playwright for Python is not installed (pip install -e '.[test]')"
        print(f"SKIPPED browser tests: {reason}")
        pytest.skip(reason)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            offline=True,
        )
        try:
            yield context
        finally:
            context.close()


class Visit:
    """A page opened on a file, every console error, page error, dialog and request recorded;
    each request but the file itself is refused."""

    def __init__(self, context: Any, path: Path):
        self.url = path.resolve().as_uri()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda err: self.errors.append(f"page error: {err}"))
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)
        self.page.route("**/*", self._route)
        self.page.goto(self.url, wait_until="load")

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"console {message.type}: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request: Any) -> None:
        if request.url != self.url:
            self.requests.append(request.url)

    def _route(self, route: Any) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def close(self) -> None:
        self.page.close()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_requests_are_seen(browser: Any, tmp_path: Path) -> None:
    """What the other tests rely on: a page that would fetch something is caught."""
    page = tmp_path / "fetching.html"
    page.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/x.png">', "utf-8")
    visit = Visit(browser, page)
    visit.close()
    assert visit.requests == ["http://127.0.0.1:9/x.png"]


@pytest.mark.parametrize("scheme", ["heshan-2013", "shuangxiang-2012"])
def test_report_renders_offline_and_its_charts_match_the_results(
    browser: Any, tmp_path: Path, scheme: str
) -> None:
    path = tmp_path / "report.html"
    report(tmp_path, scheme, "--sample", "--lang", "zh", name=path.name)
    visit = Visit(browser, path)
    try:
        assert visit.errors == []
        assert visit.requests == []
        shot = tmp_path / f"{scheme}.png"
        visit.page.screenshot(path=str(shot))
        assert _png_size(shot) == (VIEWPORT["width"], VIEWPORT["height"])
        assert shot.stat().st_size > 20_000  # text and charts, not a blank page
        charts = visit.page.evaluate(READ_CHARTS)
        check_charts(
            charts["contribution"],
            charts["distribution"],
            results_json(scheme, "--sample"),
            "(未评定)",
        )
        # every chart is laid out (has a size): the numbers are drawn, not only carried
        sizes = visit.page.eval_on_selector_all(
            "svg.chart", "charts => charts.map(c => c.getBoundingClientRect().width)"
        )
        assert sizes and min(sizes) > 300
        visit.page.emulate_media(media="print")
        assert visit.page.evaluate(
            "getComputedStyle(document.querySelector('section.group')).breakBefore"
        ) in ("page", "always")
        assert visit.errors == [] and visit.requests == []
    finally:
        visit.close()


TWO_GROUPS = """\
scheme "两组"
group 甲 "甲组"
group 乙 "乙组"
input 得分: number 0 to 10 "得分" article "一"
scoring 甲, 乙:
    item 基础 max 10 article "一" = 得分
    across group:
        let 名次 = rank by total
"""


def test_prints_on_a4_a_page_per_group(browser: Any, tmp_path: Path) -> None:
    """The title and contents on the first page, then each group on pages of its own: two
    groups of one unit each print on three A4 pages. (A second unit in 甲 runs its page over
    onto another since each rank also lists the total it read.)"""
    rules = tmp_path / "t.rules"
    rules.write_text(TWO_GROUPS, "utf-8")
    data = tmp_path / "d.json"
    units = [("甲一", "甲", 3), ("乙一", "乙", "7.5")]
    data.write_text(
        json.dumps(
            {"units": [{"unit": u, "group": g, "facts": {"得分": x}} for u, g, x in units]},
            ensure_ascii=False,
        ),
        "utf-8",
    )
    path = tmp_path / "two.html"
    report(tmp_path, str(rules), str(data), name=path.name)
    visit = Visit(browser, path)
    try:
        visit.page.emulate_media(media="print")
        pdf = tmp_path / "two.pdf"
        visit.page.pdf(path=str(pdf), prefer_css_page_size=True)
        assert visit.errors == [] and visit.requests == []
    finally:
        visit.close()
    printed = pdf.read_bytes()
    assert printed.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", printed)) == 3
    # A4 (210 × 297 mm: 595.3 × 841.9 points), as @page says
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]", printed)
    assert len(boxes) == 3
    for width, height in boxes:
        assert abs(Fraction(width.decode()) - Fraction("595.3")) < 1
        assert abs(Fraction(height.decode()) - Fraction("841.9")) < 1


def test_hostile_names_are_shown_as_text(browser: Any, tmp_path: Path) -> None:
    rules, data = hostile(tmp_path)
    path = tmp_path / "hostile.html"
    report(tmp_path, str(rules), str(data), name=path.name)
    visit = Visit(browser, path)
    try:
        assert visit.dialogs == []
        assert visit.errors == [] and visit.requests == []
        assert visit.page.evaluate("document.scripts.length") == 0
        shown = visit.page.eval_on_selector_all(
            "table.ranking td.unit", "cells => cells.map(c => c.textContent)"
        )
        assert shown == HOSTILE_UNITS
        assert visit.page.title().startswith("<script>alert('title')</script>")
    finally:
        visit.close()
