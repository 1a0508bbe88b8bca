"""GitHub workflow annotations: one `::error` or `::warning` command per diagnostic, which GitHub
Actions shows on the line of the pull request's diff, then the status lines of the text format.

Escaping follows GitHub's runner (actions/toolkit `command.ts`): in the message, `%`, CR and LF;
in a property (`file=`, `title=`), also `:` and `,`, which would end the property. Columns are
given only when the span is on one line, as the annotation API requires."""

from __future__ import annotations

from pathlib import Path

from kaoping.check_formats.text import Line, summary_line, target_line
from kaoping.checking import CheckRun
from kaoping.diagnostics import Diagnostic


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, properties: dict[str, object], message: str) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items())
    return f"::{kind} {props}::{escape_data(message)}"


def annotation(d: Diagnostic, lang: str) -> str:
    span = d.span
    props: dict[str, object] = {"file": span.path}
    if span.line > 0:
        props["line"] = span.line
        one_line = span.end_line in (0, span.line)
        if span.end_line > span.line:
            props["endLine"] = span.end_line
        if one_line and span.col > 0:
            props["col"] = span.col
            if span.end_line == span.line and span.end_col > span.col:
                props["endColumn"] = span.end_col
    props["title"] = d.code
    message = d.message(lang)
    hint = d.hint(lang)
    if hint:
        message += ("\n提示:" if lang == "zh" else "\nhint: ") + hint
    return command(d.severity, props, message)


def github_lines(run: CheckRun, lang: str) -> list[Line]:
    out: list[Line] = []
    for t in run.targets:
        if t.problem is not None:
            props: dict[str, object] = {"title": "kaoping"}
            if Path(t.name).is_file():
                props = {"file": t.name, **props}
            out.append(Line(command("error", props, t.problem)))
        out.extend(Line(annotation(d, lang)) for d in t.diagnostics)
    out.extend(Line(target_line(t, lang)) for t in run.targets)
    if len(run.targets) != 1:
        out.append(Line(summary_line(run, lang)))
    return out
