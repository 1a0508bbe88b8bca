"""Text for people: each diagnostic with its source line and a caret on stderr, a status line per
target on stdout after its diagnostics, and the total last when several targets were checked."""

from __future__ import annotations

import attrs

from kaoping.checking import CheckRun, Target
from kaoping.diagnostics import render


@attrs.frozen
class Line:
    """One piece of output: its text and whether it goes to stderr."""

    text: str
    err: bool = False


def target_line(t: Target, lang: str) -> str:
    files = len(t.sources)
    if lang == "zh":
        status = "通过" if t.ok else "未通过"
        if t.problem is not None:
            return f"{t.name}: {status}"
        return f"{t.name}: {status}({t.errors} 个错误,{t.warnings} 个警告,{files} 个文件)"
    status = "ok" if t.ok else "FAILED"
    if t.problem is not None:
        return f"{t.name}: {status}"
    return f"{t.name}: {status} ({t.errors} error(s), {t.warnings} warning(s), {files} file(s))"


def summary_line(run: CheckRun, lang: str) -> str:
    n = len(run.targets)
    if lang == "zh":
        status = "通过" if run.ok else "未通过"
        return (
            f"合计: {status}({run.errors} 个错误,{run.warnings} 个警告,{n} 项共 {run.files} 个文件)"
        )
    status = "ok" if run.ok else "FAILED"
    return (
        f"total: {status} ({run.errors} error(s), {run.warnings} warning(s), "
        f"{run.files} file(s) in {n} target(s))"
    )


def text_lines(run: CheckRun, lang: str) -> list[Line]:
    out: list[Line] = []
    for t in run.targets:
        if t.problem is not None:
            out.append(Line(("错误: " if lang == "zh" else "error: ") + t.problem, err=True))
        for d in t.diagnostics:
            out.append(Line(render(d, t.sources.get(d.span.path), lang), err=True))
        out.append(Line(target_line(t, lang)))
    if len(run.targets) != 1:  # one target: its own line is the summary
        out.append(Line(summary_line(run, lang)))
    return out
