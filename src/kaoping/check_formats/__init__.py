"""The output formats of `kaoping check`: text for people, JSON for scripts, SARIF 2.1.0 for code
scanning, GitHub workflow annotations for pull requests. Each renders one `CheckRun` as lines,
each for stdout or stderr, in the order they are to be printed."""

from __future__ import annotations

from kaoping.check_formats.github import github_lines
from kaoping.check_formats.json_report import json_lines
from kaoping.check_formats.sarif import sarif_lines
from kaoping.check_formats.text import Line, text_lines
from kaoping.checking import CheckRun

FORMATS = ("text", "json", "sarif", "github")


def render_run(run: CheckRun, fmt: str, lang: str, docs_url: str | None = None) -> list[Line]:
    """The lines `kaoping check --format FMT` prints, in order."""
    if fmt == "json":
        return json_lines(run, lang)
    if fmt == "sarif":
        return sarif_lines(run, lang, docs_url)
    if fmt == "github":
        return github_lines(run, lang)
    return text_lines(run, lang)


__all__ = ["FORMATS", "Line", "render_run"]
