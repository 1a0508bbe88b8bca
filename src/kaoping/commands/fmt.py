"""`kaoping fmt`: rewrite rules files in the canonical layout (docs/formatting.md), or with
`--check` / `--diff` only say which would change, as CI and pre-commit want."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import click


@click.command("fmt")
@click.argument("paths", nargs=-1, metavar="PATHS…")
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change.")
@click.option(
    "--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of the changes."
)
@click.option(
    "--to",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Also translate every keyword to this set (names, strings and comments stay).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="Language of diagnostics (default: from the locale).",
)
def fmt_cmd(
    paths: tuple[str, ...], check: bool, show_diff: bool, to: str | None, lang: str | None
) -> None:
    """Format rules files (PATHS: .rules files, or folders searched for them). Rewrites each
    file in place and names the files it changed; with --check or --diff writes nothing. Exit 0
    when nothing changes (or everything was rewritten), 1 when --check/--diff found a file to
    change or a file cannot be formatted (it does not parse, is not UTF-8 or cannot be read),
    2 when a file cannot be written, 3 on a usage error."""
    from kaoping.cli import _print_diagnostics
    from kaoping.diagnostics import default_lang
    from kaoping.errors import CompileError, KaopingError, OutputError
    from kaoping.formatter import format_text
    from kaoping.io.output import write_output
    from kaoping.io.text import for_terminal

    if not paths:
        raise click.UsageError("give the .rules files or folders to format")
    for p in paths:
        if not os.path.lexists(p):
            raise click.BadParameter(f"{p!r} is neither a file nor a folder", param_hint="PATHS")
    files = rules_files(paths)
    changed: list[str] = []
    failed = write_failed = False
    for path in files:
        try:
            raw, text = read_rules(path)
        except UnreadableFile as err:
            click.echo(for_terminal(str(err)), err=True)
            failed = True
            continue
        try:
            formatted = format_text(text, str(path), to)
        except CompileError as err:
            _print_diagnostics(err, lang or default_lang())
            failed = True
            continue
        if formatted == text:
            continue
        changed.append(str(path))
        if show_diff:
            sys.stdout.write(unified_diff(text, formatted, str(path)))
        elif check:
            click.echo(f"would reformat {for_terminal(str(path))}")
        else:
            try:
                if not writable(path):
                    raise OutputError(f"not written: {path} is read-only")
                write_output(path, [formatted], was=raw)
            except KaopingError as err:
                click.echo(f"error: {for_terminal(str(err))}", err=True)
                write_failed = True
                continue
            click.echo(f"reformatted {for_terminal(str(path))}")
    if write_failed:
        sys.exit(2)
    if failed or ((check or show_diff) and changed):
        sys.exit(1)


class UnreadableFile(Exception):
    """A rules file that cannot be read, or is not UTF-8: the message names where."""


def rules_files(paths: tuple[str, ...]) -> list[Path]:
    """The files named, and the .rules files under the folders named, each once. Inside a folder
    a symlink is not followed (it may lead out of the folder, or round in a loop); a symlink
    named on the command line is, and the file it points to is rewritten."""
    found: list[Path] = []
    for p in paths:
        if os.path.isdir(p) and not os.path.islink(p):
            for folder, dirs, names in os.walk(p, followlinks=False):
                dirs.sort()
                for name in sorted(names):
                    full = Path(folder, name)
                    if name.endswith(".rules") and full.is_file() and not full.is_symlink():
                        found.append(full)
        else:
            found.append(Path(p))
    unique: dict[str, Path] = {}
    for f in found:
        unique.setdefault(os.path.normpath(f), f)
    return list(unique.values())


def writable(path: Path) -> bool:
    """A file fmt may rewrite: one its user may write and that is not marked read-only (no
    write bit for anyone: root may write it, but the mark says it is not to change)."""
    try:
        st = os.stat(path)
    except OSError:  # gone since it was read: the write says so
        return True
    return os.access(path, os.W_OK) and bool(st.st_mode & 0o222)


def read_rules(path: Path) -> tuple[bytes, str]:
    """The file's bytes and text; a file that is no regular file (a FIFO, a device: reading it
    could block or never end), cannot be read or is not UTF-8 is an UnreadableFile."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise UnreadableFile(f"{path}: error: not a regular file")
        data = path.read_bytes()
    except OSError as err:
        raise UnreadableFile(f"{path}: error: cannot read: {err.strerror}") from None
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = data.count(b"\n", 0, err.start) + 1
        col = len(data[line_start : err.start].decode("utf-8", "replace")) + 1
        raise UnreadableFile(
            f"{path}:{line}:{col}: error: not UTF-8 text (byte {data[err.start]:#04x}); "
            "save the file as UTF-8"
        ) from None


def unified_diff(before: str, after: str, path: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        f"{path} (as written)",
        f"{path} (formatted)",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
