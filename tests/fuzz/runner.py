"""Running one case: lay its files out in a fresh folder, run its commands one by one in the
worker, judge each answer, and check what only the folder can show: no input changed, nothing
left behind, an output file written whole (or an old one kept) — and that `check` agrees with
compiling. A failure is raised as an exception whose type is the defect's signature, so
hypothesis keeps distinct defects apart and shrinks each to a minimal input."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path
from xml.etree import ElementTree

from fuzz import config
from fuzz.case import Case, Command, describe, preview
from fuzz.judge import Failure, judge
from fuzz.worker_pool import Answer, Worker, run_real


class FuzzFailure(AssertionError):
    """An input broke the property; the subclass's name is the defect's signature."""


_TYPES: dict[str, type[FuzzFailure]] = {}


def failure_type(signature: str) -> type[FuzzFailure]:
    if signature not in _TYPES:
        _TYPES[signature] = type(f"FuzzFailure[{signature}]", (FuzzFailure,), {})
    return _TYPES[signature]


class Runner:
    def __init__(self) -> None:
        self.worker = Worker()
        self.commands = 0
        self.cases = 0
        # signatures to pass over (scripts/fuzz.py: once a defect is recorded, look for others)
        self.known: set[str] = set()
        atexit.register(self.worker.stop)

    def check(self, case: Case) -> None:
        """Run the case; raise a FuzzFailure naming the first defect and showing the input."""
        failures = [f for f in self.run(case) if f.signature not in self.known]
        if failures:
            first = failures[0]
            raise failure_type(first.signature)(report(case, failures)) from None

    def run(self, case: Case) -> list[Failure]:
        self.cases += 1
        root = tempfile.mkdtemp(prefix="kaoping-fuzz-", dir=config.TMP)
        try:
            _lay_out(case, root)
            return self._run_in(case, root)
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def _run_in(self, case: Case, root: str) -> list[Failure]:
        failures: list[Failure] = []
        answers: list[Answer] = []
        for cmd in case.commands:
            before = _snapshot(root)
            answer = self._answer(list(cmd.argv), root)
            if answer.hung:  # once more in a fresh process: a loaded machine is not a hang
                answer = self._answer(list(cmd.argv), root)
            answers.append(answer)
            failures.extend(judge(case, cmd, answer))
            after = _snapshot(root)
            failures.extend(_files(case, cmd, answer, answers, before, after))
            if (
                config.REAL_EVERY
                and self.commands % config.REAL_EVERY == 0
                and cmd.output is None
                and not answer.hung
            ):
                failures.extend(_real(case, cmd, answer, root))
        if case.check_agrees:
            failures.extend(_agreement(case, answers))
        if failures and config.SAVE:
            save(case, failures, Path(config.SAVE))
        return failures

    def _answer(self, argv: list[str], root: str) -> Answer:
        self.commands += 1
        return self.worker.run(argv, root, config.TIMEOUT)


def _lay_out(case: Case, root: str) -> None:
    for d in case.dirs:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for rel, data in case.files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    for rel, target in case.symlinks.items():
        os.symlink(target, os.path.join(root, rel))


def _snapshot(root: str) -> dict[str, tuple[str, bytes]]:
    """Every path under the folder: ('dir' | 'link' | 'file' | 'other', content)."""
    out: dict[str, tuple[str, bytes]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            if os.path.islink(full):
                out[rel] = ("link", os.readlink(full).encode("utf-8", "surrogateescape"))
            elif os.path.isdir(full):
                out[rel] = ("dir", b"")
            elif os.path.isfile(full):
                with open(full, "rb") as f:
                    out[rel] = ("file", f.read())
            else:
                out[rel] = ("other", b"")
    return out


def _files(
    case: Case,
    cmd: Command,
    answer: Answer,
    answers: list[Answer],
    before: dict[str, tuple[str, bytes]],
    after: dict[str, tuple[str, bytes]],
) -> list[Failure]:
    role = f"{cmd.role} ({case.kind})"
    out: list[Failure] = []
    target = os.path.normpath(cmd.output) if cmd.output else None
    written = {target} if target else set()
    if target in case.symlinks:
        # an output through a symlink writes the file it points to (SECURITY.md), even when
        # that file does not exist yet
        pointed = case.symlinks[target]
        written.add(os.path.normpath(os.path.join(os.path.dirname(target), pointed)))
    for rel in case.inputs:
        if before.get(rel) != after.get(rel):
            out.append(
                Failure(
                    "lost file",
                    f"a file it was not asked to write changed: {role}: {case.note}",
                    f"{rel} changed (exit {answer.exit_code})",
                    cmd,
                )
            )
    left = sorted(set(after) - set(before) - written)
    if left:
        pattern = re.sub(r"[^/]*?(\.\w+)$", r"*\1", left[0])
        out.append(
            Failure(
                "left behind",
                f"file left behind: {role}: {pattern}",
                ", ".join(left),
                cmd,
            )
        )
    if target is None or answer.hung or answer.died is not None or answer.exception:
        return out
    if answer.exit_code != 0:
        if target in before and before.get(target) != after.get(target):
            out.append(
                Failure(
                    "lost file",
                    f"a failed write changed the existing output: {role}",
                    f"{cmd.output} changed though the command failed (exit {answer.exit_code})",
                    cmd,
                )
            )
        return out
    written = _read_through(after, target)
    if written is None:
        out.append(Failure("output", f"exit 0 but no output file: {role}", f"{cmd.output}", cmd))
    elif cmd.role == "test":
        try:
            ElementTree.fromstring(written)
        except ElementTree.ParseError as err:
            out.append(Failure("output", f"junit file is not XML: {role}", str(err), cmd))
    elif cmd.same_as is not None and cmd.same_as < len(answers):
        expected = answers[cmd.same_as].stdout
        if written.decode("utf-8", "replace").rstrip("\n") != expected.rstrip("\n"):
            out.append(
                Failure(
                    "output",
                    f"the written file differs from the printed result: {role}",
                    preview(written.decode("utf-8", "replace"), 600),
                    cmd,
                )
            )
    return out


def _read_through(snap: dict[str, tuple[str, bytes]], rel: str) -> bytes | None:
    for _ in range(8):
        kind, data = snap.get(rel, ("", b""))
        if kind == "file":
            return data
        if kind != "link":
            return None
        target = data.decode("utf-8", "surrogateescape")
        rel = os.path.normpath(os.path.join(os.path.dirname(rel), target))
    return None


def _agreement(case: Case, answers: list[Answer]) -> list[Failure]:
    """`check` passes exactly when compiling finds no rules error."""
    checks = [a.exit_code for c, a in zip(case.commands, answers, strict=True) if c.role == "check"]
    if not checks or checks[0] not in (0, 1):
        return []
    ok = checks[0] == 0
    out = []
    for cmd, answer in zip(case.commands, answers, strict=True):
        if cmd.role not in ("compile", "score", "explain") or answer.exception or answer.hung:
            continue
        rules_error = answer.exit_code == 1
        if ok == rules_error or (ok and cmd.role == "compile" and answer.exit_code != 0):
            verdict = "passes" if ok else "fails"
            out.append(
                Failure(
                    "check disagrees",
                    f"check {verdict} but {cmd.role} exits {answer.exit_code} ({case.kind})",
                    answer.stderr[-2000:],
                    cmd,
                )
            )
    return out


def _real(case: Case, cmd: Command, answer: Answer, root: str) -> list[Failure]:
    """Every so often, the same command through the real executable: same exit code."""
    try:
        for arg in cmd.argv:
            arg.encode("utf-8")
    except UnicodeEncodeError:
        return []  # a lone surrogate cannot be passed to a real process's command line
    real = run_real(list(cmd.argv), root, config.TIMEOUT)
    if real.hung or real.exit_code == answer.exit_code:
        return []
    return [
        Failure(
            "real differs",
            f"the real command exits {real.exit_code}, in-process {answer.exit_code}: {cmd.role}",
            real.stderr[-3000:],
            cmd,
        )
    ]


def report(case: Case, failures: list[Failure]) -> str:
    lines = []
    for f in failures:
        lines.append(f"{f.kind}: {f.signature}")
        lines.append(f"  command: {f.command.shell()}")
        lines.append("  " + f.detail.rstrip().replace("\n", "\n  "))
    lines.append("input:")
    lines.append(describe(case))
    return "\n".join(lines)


def save(case: Case, failures: list[Failure], folder: Path) -> Path:
    """The input as files and a script, one folder per defect (the last, smallest, wins)."""
    slug = re.sub(r"[^\w.-]+", "_", failures[0].signature)[:120].strip("_")
    where = folder / slug
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    _lay_out(case, str(where))
    script = ["#!/bin/sh", "# " + failures[0].signature, 'cd "$(dirname "$0")"']
    script += [c.shell() for c in case.commands]
    (where / "run.sh").write_text("\n".join(script) + "\n", "utf-8")
    (where / "report.txt").write_text(report(case, failures) + "\n", "utf-8", "surrogateescape")
    return where
