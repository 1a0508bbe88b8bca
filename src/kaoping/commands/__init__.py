"""Commands that live in modules of their own, one module a command, registered on `kaoping`.

`cli.py` holds the group and the first commands; a command that brings a subsystem of its own
(formatting, the language server, reports, the archive …) is a module here. Each module imports
its heavy dependencies inside the command, so that `kaoping --help` stays fast.
"""

from __future__ import annotations

import os

import click


class FilePath(click.Path):
    """A path to write or record into (`-o`, `--archive`, `--junitxml`): an empty one (a
    script's unset `"$OUT"`) is a usage error, not "no path" (which writes to stdout and
    leaves no file, with exit 0)."""

    def convert(
        self,
        value: str | os.PathLike[str],
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> str | bytes | os.PathLike[str]:
        if value == "":
            self.fail("an empty path: name the file", param, ctx)
        return super().convert(value, param, ctx)


FOLDERS = click.option(
    "--folders",
    is_flag=True,
    help="Take each file PATH as the scheme folder it is in (a golden case under cases/: the "
    "folder above), each folder once: what a pre-commit hook passes is the changed files.",
)


def register(group: click.Group) -> None:
    """Add every command of this package to `group`."""
    from kaoping.commands.diff import diff_cmd
    from kaoping.commands.doc import doc_cmd
    from kaoping.commands.fmt import fmt_cmd
    from kaoping.commands.history import history_cmd
    from kaoping.commands.lsp import lsp_cmd
    from kaoping.commands.report import report
    from kaoping.commands.score import score_cmd
    from kaoping.commands.test import test_cmd

    group.add_command(diff_cmd)
    group.add_command(doc_cmd)
    group.add_command(fmt_cmd)
    group.add_command(history_cmd)
    group.add_command(report)
    group.add_command(lsp_cmd)
    group.add_command(score_cmd)
    group.add_command(test_cmd)
