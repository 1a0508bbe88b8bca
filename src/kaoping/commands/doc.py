"""`kaoping doc SCHEME -o scheme.html`: the literate view of a scheme, its source document's
text part by part beside the rules that cite each part, in one offline HTML file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kaoping.commands import FilePath

ALIASES = "document-aliases.yaml"


@click.command("doc")
@click.argument("scheme")
@click.option("-o", "--output", type=FilePath(), help="The HTML file to write (else stdout).")
@click.option(
    "--document",
    type=click.Path(dir_okay=False),
    help="The source document (UTF-8 text); by default the one the scheme's plugin ships, or "
    "document.txt beside a rules folder or file.",
)
def doc_cmd(scheme: str, output: str | None, document: str | None) -> None:
    """Weave SCHEME's source document with its rules: each article beside the rules citing it,
    the articles no rule cites, and the rules citing an article the document lacks."""
    from kaoping.cli import _emit, _fail, _registry, _scheme
    from kaoping.document import read_document
    from kaoping.errors import DataError, DataProblem, KaopingError
    from kaoping.weave import render, weave

    compiled = _scheme(scheme)
    reg = _registry()
    path = Path(document) if document is not None else None
    title = compiled.scheme_id
    if scheme in reg.schemes:
        title = reg.schemes[scheme].title
        if path is None:
            try:
                path = reg.document(scheme)
            except KaopingError as err:
                _fail(err)
    elif path is None:
        beside = Path(scheme) if Path(scheme).is_dir() else Path(scheme).parent
        path = beside / "document.txt" if (beside / "document.txt").is_file() else None
    if path is None:
        raise click.UsageError(
            f"scheme {compiled.scheme_id!r} ships no source document; give --document PATH"
        )
    try:
        text = _read_text(path)
        aliases = _aliases(path.parent / ALIASES)
    except DataError as err:
        _fail(err)
        raise AssertionError from err  # pragma: no cover - _fail exits
    except OSError as err:
        _fail(DataError([DataProblem(str(path), None, None, f"cannot read: {err}")]))
        raise AssertionError from err  # pragma: no cover - _fail exits
    woven = weave(compiled, title, path.name, read_document(text, aliases))
    inputs: list[str | Path] = [*compiled.sources, path]
    _emit([render(woven)], output, inputs)


def _read_text(path: Path) -> str:
    from kaoping.errors import DataError, DataProblem

    if not path.is_file():
        # a FIFO or a device exists but is no document (reading it could block or never end)
        why = "not a regular file" if path.exists() else "no such file"
        raise DataError([DataProblem(str(path), None, None, why)])
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(
            [DataProblem(str(path), None, None, "not UTF-8 text; save the document as UTF-8")]
        ) from None


def _aliases(path: Path) -> dict[str, str]:
    """The words the rules use for parts the document names otherwise (`县区总表: 县(区)…总表`),
    from `document-aliases.yaml` beside the document, if there is one."""
    import re

    from kaoping.case_yaml import CaseFileError, load_yaml
    from kaoping.errors import DataError, DataProblem

    if not path.is_file():
        return {}
    try:  # as strictly as golden cases: no key twice, no alias bomb, no nesting past the stack
        loaded: Any = load_yaml(path)
    except CaseFileError as err:
        found = re.match(rf"({re.escape(str(path))}(?::\d+:\d+)?): (.*)", str(err), re.DOTALL)
        where, why = found.groups() if found else (str(path), str(err))
        raise DataError([DataProblem(where, None, None, why)]) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
    ):
        raise DataError(
            [DataProblem(str(path), None, None, "expected a mapping of words to document text")]
        )
    return dict(loaded)
