"""`kaoping lsp`: the language server over stdio, for editors (docs/editors.md)."""

from __future__ import annotations

import sys

import click


@click.command("lsp")
@click.option(
    "--docs-url",
    default=None,
    metavar="URL",
    help="where docs/diagnostics.md is published: each diagnostic links to its code's entry "
    "(default: the docs of the source tree kaoping runs from, when there are any)",
)
def lsp_cmd(docs_url: str | None) -> None:
    """Run the language server on stdin/stdout (started by an editor, not by hand):
    diagnostics as you type, hover, completion, definitions, references, the outline,
    formatting.
    Needs the `lsp` extra: pip install 'kaoping[lsp]'."""
    try:
        from kaoping.lsp.server import build_server, log_to_stderr
    except ImportError as err:
        if err.name is None or not err.name.startswith(("pygls", "lsprotocol", "cattrs")):
            raise
        from kaoping.cli import USAGE_EXIT

        click.echo("error: `kaoping lsp` needs pygls: pip install 'kaoping[lsp]'", err=True)
        sys.exit(USAGE_EXIT)
    from kaoping.check_formats.sarif import default_docs_url
    from kaoping.lsp.frames import BoundedStdin
    from kaoping.plugins.manager import default_registry

    log_to_stderr()
    registry = default_registry()
    server = build_server(registry.functions(), docs_url or default_docs_url())
    server.start_io(BoundedStdin(sys.stdin.buffer))  # type: ignore[arg-type]
