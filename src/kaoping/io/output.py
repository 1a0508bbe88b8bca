"""Writing an output file (`score -o`, `test --junitxml`): whole or not at all, never over an
input of the run, never through a name another user could have planted.

An ordinary file is written to a fresh temporary file in the same folder (created exclusively,
so no planted file or symlink is followed), flushed to disk and then renamed over the target:
readers see the old file or the new one, and two runs writing the same target leave one of them
complete. The target keeps its permission bits. A symlink is followed: the file it points to is
replaced, the link itself stays. A FIFO, a terminal or `/dev/stdout` cannot be replaced and is
written directly. A SIGTERM or SIGHUP while the temporary file exists removes it before the
signal ends the process, as Ctrl-C does."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from kaoping.errors import OutputError

# os.umask can only be read by setting it; the lock keeps two threads from seeing each other's 0
_UMASK_LOCK = threading.Lock()


def check_target(target: str | Path, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse a target that is a folder or one of the run's inputs (also through a symlink or a
    hard link): checked before the work, so a long run does not end in a refusal."""
    path = os.fspath(target)
    for given in inputs:
        with contextlib.suppress(OSError):  # an input that vanished cannot be overwritten
            if os.path.samefile(path, given):
                raise OutputError(
                    f"refusing to write {path}: it is {os.fspath(given)}, an input of this run; "
                    "choose another output file"
                )
    if os.path.isdir(path):
        raise OutputError(f"cannot write {path}: it is a folder")


def write_output(
    target: str | Path,
    chunks: Iterable[str | bytes | memoryview],
    inputs: Iterable[str | Path] = (),
    was: bytes | None = None,
) -> None:
    """Write `chunks` (text as UTF-8, or bytes as they are) to `target`; an OutputError (exit 2)
    when it cannot be, with no temporary file left behind whatever goes wrong, Ctrl-C included.
    `was`: what the target held when it was read (`fmt` rewriting it in place); when it holds
    anything else just before the new file replaces it (an editor saved it meanwhile), it is
    left as it is and the write refused, so that no one's change is lost."""
    path = os.fspath(target)
    check_target(path, inputs)
    try:
        st: os.stat_result | None = os.stat(path)  # through a symlink: the file it points to
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror}") from None
    if _names_a_descriptor(path) or (st is not None and not stat.S_ISREG(st.st_mode)):
        _write_directly(path, chunks)
    else:
        with _signals_unwind():
            _replace(path, os.path.realpath(path), chunks, st, was)


class _Signalled(BaseException):
    """A terminating signal, raised where the main thread is so that cleanup runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_signalled(signum: int, _frame: object) -> None:
    raise _Signalled(signum)


_UNWOUND = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def _signals_unwind() -> Iterator[None]:
    """SIGTERM (`kill`, a service or CI job stopped) and SIGHUP (the terminal closed) end a
    process at once by default, leaving a half-written temporary file beside the target. While
    writing they raise instead; once the temporary is removed the signal is delivered again
    with its default action, so the process still ends by it (exit 143 for SIGTERM). A handler
    the embedding program installed is left alone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    taken = {}
    for signum in _UNWOUND:
        if signal.getsignal(signum) is signal.SIG_DFL:
            taken[signum] = signal.signal(signum, _raise_signalled)
    try:
        yield
    except _Signalled as sig:
        for signum in taken:
            signal.signal(signum, signal.SIG_DFL)
        taken.clear()
        os.kill(os.getpid(), sig.signum)
        raise  # only if the signal did not end the process (it is blocked)
    finally:
        for signum, previous in taken.items():
            signal.signal(signum, previous)


def _names_a_descriptor(path: str) -> bool:
    """`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`: an open file of this process, whatever it
    is (a pipe, a terminal, the file the shell redirected to); never to be replaced."""
    p = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on a chain of symlinks
        if p.startswith(("/proc/", "/dev/fd/")):
            return True
        if not os.path.islink(p):
            return False
        p = os.path.normpath(os.path.join(os.path.dirname(p), os.readlink(p)))
    return False


def _write_directly(path: str, chunks: Iterable[str | bytes | memoryview]) -> None:
    try:
        with open(path, "wb") as out:
            for chunk in chunks:
                out.write(_bytes(chunk))
    except UnicodeEncodeError as err:
        raise OutputError(f"cannot write {path}: {_not_unicode(err)}") from None
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror}") from None


def _replace(
    path: str,
    real: str,
    chunks: Iterable[str | bytes | memoryview],
    st: os.stat_result | None,
    was: bytes | None = None,
) -> None:
    folder, name = os.path.split(real)
    folder = folder or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{_cut(name)}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise OutputError(
            f"cannot write {path}: cannot create a file in {folder}: {err.strerror}"
        ) from None
    try:
        with os.fdopen(fd, "wb") as out:
            _write_behind(out, chunks)
            out.flush()
            if st is not None:
                os.fchmod(out.fileno(), stat.S_IMODE(st.st_mode) & 0o777)
                if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                    with contextlib.suppress(OSError):  # only root may give a file away
                        os.fchown(out.fileno(), st.st_uid, st.st_gid)
            else:
                os.fchmod(out.fileno(), 0o666 & ~_umask())
            os.fsync(out.fileno())
        if was is not None and _content(real) != was:
            raise OutputError(
                f"not written: {path} changed while it was being formatted; run again"
            )
        os.replace(tmp, real)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, OutputError):
            raise
        if isinstance(err, UnicodeEncodeError):
            raise OutputError(f"cannot write {path}: {_not_unicode(err)}") from None
        if isinstance(err, OSError):
            raise OutputError(f"cannot write {path}: {err.strerror}") from None
        raise
    _sync_folder(folder)


# bytes of the target's name a temporary's name keeps: with the dot before, the random part and
# ".tmp" after, it stays within the 255 bytes a file name may have (a target named with 250 bytes,
# 83 Chinese characters, is a legal name whose temporary was not)
_NAME_KEPT = 200


def _cut(name: str) -> str:
    data = os.fsencode(name)
    return name if len(data) <= _NAME_KEPT else data[:_NAME_KEPT].decode("utf-8", "ignore")


_SYNC_EVERY = 256 << 20  # bytes written between two syncs while the rest is still being made
_AHEAD = 2  # chunks made and waiting to be written


def _write_behind(out: BinaryIO, chunks: Iterable[str | bytes | memoryview]) -> None:
    """Each chunk written while the next is made: a thread writes them, and syncs the file
    every _SYNC_EVERY bytes, so the disk works during the run rather than all at the end (a
    results file of gigabytes would otherwise wait seconds for its final fsync). A failure
    on either side is raised here, after the thread has stopped."""
    waiting: queue.Queue[bytes | memoryview | None] = queue.Queue(maxsize=_AHEAD)
    failed: list[BaseException] = []

    def write() -> None:
        unsynced = 0
        while (chunk := waiting.get()) is not None:
            if failed:
                continue  # take what is put, so that the maker is never kept waiting
            try:
                out.write(chunk)
                unsynced += len(chunk)
                if unsynced >= _SYNC_EVERY:
                    out.flush()
                    os.fdatasync(out.fileno())
                    unsynced = 0
            except BaseException as err:  # handed to the maker's thread, raised there
                failed.append(err)

    writer = threading.Thread(target=write, name="kaoping-writer", daemon=True)
    writer.start()
    try:
        for chunk in chunks:
            if failed:
                break
            waiting.put(_bytes(chunk))
    finally:
        waiting.put(None)
        writer.join()
    if failed:
        raise failed[0]


def _content(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def _bytes(chunk: str | bytes | memoryview) -> bytes | memoryview:
    return chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def _umask() -> int:
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _sync_folder(folder: str) -> None:
    """The rename itself reaches the disk (where the file system lets a folder be synced)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _not_unicode(err: UnicodeEncodeError) -> str:
    bad = err.object[err.start : err.end]
    return f"the output contains {bad!r}, which is not valid Unicode text"
