"""An input path that names a device: `/dev/zero` or `/dev/urandom` given as rules, data or
last year's results never ends, so reading it took all the memory there was. A character or
block device is refused by name before it is read; a pipe (`<(command)`, a FIFO, `/dev/stdin`
fed by a pipe) is still read, as it ends when its writer does."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def found_problem(path: Path) -> str | None:
    """Why a file found in a folder (not named by the user) cannot be read as a rules file: a
    FIFO, a socket or a device there would be read until its writer ends, which may be never
    (a FIFO in a scheme's folder hung `check`, `test` and the language server). Named on the
    command line, a pipe is still read (`<(command)`)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"not a regular file ({kind}) in the folder: remove it, or name the rules files"


def device_problem(path: Path) -> str | None:
    """Why `path` cannot be read as a file, if it is a device; None for anything else."""
    try:
        mode = os.stat(path).st_mode
    except OSError:  # no such file, no permission: the read that follows says which
        return None
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "not a regular file (a device): give the file itself"
    return None
