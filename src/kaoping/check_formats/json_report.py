"""JSON for scripts (shape documented in docs/ci.md): every diagnostic with its code, severity,
message, hint and position; every target and file with its status; a summary with the exit code.
Lines and columns count from 1; columns count characters (Unicode code points), as text does."""

from __future__ import annotations

import json
from importlib.metadata import version
from typing import Any

from kaoping.check_formats.text import Line
from kaoping.checking import CheckRun
from kaoping.diagnostics import Diagnostic

FORMAT_VERSION = 1


def _position(value: int) -> int | None:
    return value if value > 0 else None  # 0: a position the rules text does not have


def diagnostic_json(d: Diagnostic, target: str, lang: str) -> dict[str, Any]:
    return {
        "code": d.code,
        "severity": d.severity,
        "message": d.message(lang),
        "hint": d.hint(lang) or None,
        "file": d.span.path,
        "line": _position(d.span.line),
        "column": _position(d.span.col),
        "end_line": _position(d.span.end_line),
        "end_column": _position(d.span.end_col),
        "target": target,
    }


def run_json(run: CheckRun, lang: str) -> dict[str, Any]:
    return {
        "tool": "kaoping",
        "version": version("kaoping"),
        "format": FORMAT_VERSION,
        "lang": lang,
        "targets": [
            {
                "target": t.name,
                "status": "ok" if t.ok else "failed",
                "problem": t.problem,
                "files": len(t.sources),
                "errors": t.errors,
                "warnings": t.warnings,
            }
            for t in run.targets
        ],
        "files": [
            {
                "file": f.path,
                "target": t.name,
                "status": "failed" if f.errors else "ok",
                "errors": f.errors,
                "warnings": f.warnings,
            }
            for t in run.targets
            for f in t.files()
        ],
        "diagnostics": [
            diagnostic_json(d, t.name, lang) for t in run.targets for d in t.diagnostics
        ],
        "summary": {
            "status": "ok" if run.ok else "failed",
            "exit_code": run.exit_code,
            "targets": len(run.targets),
            "files": run.files,
            "errors": run.errors,
            "warnings": run.warnings,
        },
    }


def json_lines(run: CheckRun, lang: str) -> list[Line]:
    return [Line(json.dumps(run_json(run, lang), ensure_ascii=False, indent=2))]
