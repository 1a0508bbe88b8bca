"""SARIF 2.1.0 for code scanning: one run of the tool `kaoping`, a rule for every diagnostic code
(its one-line title, its level, a `helpUri` to its entry in docs/diagnostics.md), and a result
for every diagnostic with its physical location.

Columns: kaoping counts characters (code points); SARIF consumers (GitHub code scanning, editors)
count UTF-16 code units, which differ for characters outside the Basic Multilingual Plane (rare
CJK characters such as 𠮷 are two units). The run declares `columnKind: utf16CodeUnits` and every
column is converted with the source line it points into."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import click

from kaoping.check_formats.text import Line
from kaoping.checking import CheckRun
from kaoping.diagnostics import CATALOGUE, TITLES, Diagnostic

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SOURCE_ROOT = "SRCROOT"


def default_docs_url() -> str | None:
    """docs/diagnostics.md of the source tree kaoping runs from, as a file URI; None for an
    installed copy without the docs (then `--docs-url` says where they are published)."""
    doc = Path(__file__).resolve().parents[3] / "docs" / "diagnostics.md"
    return doc.as_uri() if doc.is_file() else None


def docs_url_option(_ctx: object, _param: object, value: str | None) -> str | None:
    """`--docs-url`: an absolute URL, as SARIF's `helpUri` must be (a relative one would make
    an invalid log that code scanning rejects or links nowhere): a usage error otherwise."""
    if value is not None:
        parts = urlsplit(value)
        if not parts.scheme or not (parts.netloc or parts.scheme == "file") or parts.fragment:
            raise click.BadParameter(
                f"{value!r} is not an absolute URL without a #fragment "
                "(for example https://example.org/kaoping/diagnostics.html); each code's "
                "anchor (#e201) is appended to it"
            )
    return value


def anchor(code: str) -> str:
    """The anchor of a code's entry in docs/diagnostics.md (its heading is the code alone)."""
    return code.lower()


def utf16_column(line_text: str, column: int) -> int:
    """A 1-based character column as a 1-based UTF-16 column of the same line; columns past the
    end of the line (an end just after the last character) count one unit each."""
    before = line_text[: column - 1]
    past_end = max(0, column - 1 - len(before))
    return 1 + len(before.encode("utf-16-le")) // 2 + past_end


def _artifact_location(path: str) -> dict[str, Any]:
    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": quote(p.as_posix()), "uriBaseId": SOURCE_ROOT}


def _region(d: Diagnostic, source: str | None) -> dict[str, Any] | None:
    span = d.span
    if span.line < 1 or span.col < 1:
        return None
    lines = (source or "").split("\n")  # as the parser counts lines

    def text(line: int) -> str:
        return lines[line - 1].rstrip("\r") if 1 <= line <= len(lines) else ""

    region: dict[str, Any] = {
        "startLine": span.line,
        "startColumn": utf16_column(text(span.line), span.col),
    }
    ends_after = span.end_line > span.line or (
        span.end_line == span.line and span.end_col >= span.col
    )
    if ends_after:
        region["endLine"] = span.end_line
        region["endColumn"] = utf16_column(text(span.end_line), span.end_col)
    return region


def _message(d: Diagnostic, lang: str) -> str:
    hint = d.hint(lang)
    if not hint:
        return d.message(lang)
    return d.message(lang) + ("\n提示:" if lang == "zh" else "\nhint: ") + hint


def _rules(lang: str, docs_url: str | None) -> list[dict[str, Any]]:
    rules = []
    for code in CATALOGUE:
        en, zh = TITLES[code]
        rule: dict[str, Any] = {
            "id": code,
            "shortDescription": {"text": zh if lang == "zh" else en},
            "defaultConfiguration": {"level": "warning" if code.startswith("W") else "error"},
        }
        if docs_url:
            rule["helpUri"] = f"{docs_url}#{anchor(code)}"
        rules.append(rule)
    return rules


def run_sarif(run: CheckRun, lang: str, docs_url: str | None = None) -> dict[str, Any]:
    rule_index = {code: i for i, code in enumerate(CATALOGUE)}
    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}
    for t in run.targets:
        for path in t.sources:
            if path not in artifact_index:
                artifact_index[path] = len(artifacts)
                artifacts.append(
                    {"location": _artifact_location(path), "roles": ["analysisTarget"]}
                )
    results = []
    for t in run.targets:
        for d in t.diagnostics:
            location: dict[str, Any] = dict(_artifact_location(d.span.path))
            if d.span.path in artifact_index:
                location["index"] = artifact_index[d.span.path]
            physical: dict[str, Any] = {"artifactLocation": location}
            region = _region(d, t.sources.get(d.span.path))
            if region is not None:
                physical["region"] = region
            results.append(
                {
                    "ruleId": d.code,
                    "ruleIndex": rule_index[d.code],
                    "level": d.severity,
                    "message": {"text": _message(d, lang)},
                    "locations": [{"physicalLocation": physical}],
                }
            )
    notifications = [
        {"level": "error", "message": {"text": f"{t.name}: {t.problem}"}}
        for t in run.targets
        if t.problem is not None
    ]
    sarif_run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "kaoping",
                "version": version("kaoping"),
                "rules": _rules(lang, docs_url),
            }
        },
        "invocations": [
            {
                "executionSuccessful": not notifications,
                "exitCode": run.exit_code,
                "toolExecutionNotifications": notifications,
            }
        ],
        "language": "zh-CN" if lang == "zh" else "en-US",
        "columnKind": "utf16CodeUnits",
        "artifacts": artifacts,
        "results": results,
    }
    if any(loc["location"].get("uriBaseId") for loc in artifacts):
        sarif_run["originalUriBaseIds"] = {SOURCE_ROOT: {"uri": Path.cwd().as_uri() + "/"}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [sarif_run]}


def sarif_lines(run: CheckRun, lang: str, docs_url: str | None = None) -> list[Line]:
    return [Line(json.dumps(run_sarif(run, lang, docs_url), ensure_ascii=False, indent=2))]
