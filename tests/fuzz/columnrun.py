"""Scoring one large table both ways and comparing everything (docs/fuzzing.md, "Whole
columns"): `kaoping score --backend unit` (the reference) against `--backend columnar` (the
whole-column path, or its hand-over to the per-unit reader), for JSON to stdout and to a file,
CSV and Parquet results. Exit codes, stdout, stderr (but for `--verbose`'s backend line) and
the files written must be the same bytes; no command may end in a traceback. A CSV file is
also read by the per-unit path's pyarrow reader (what it uses from 8 MiB), which must agree
with the csv module's reading."""

from __future__ import annotations

import gc
import shutil
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from fuzz.columngen import SCHEMES, Case

OUTPUTS = ["stdout", "json", "csv", "parquet"]


@dataclass
class Outcome:
    code: int
    stdout: bytes
    stderr: str
    written: bytes | None
    crash: str | None = None


@dataclass
class Verdict:
    case: Case
    problems: list[str] = field(default_factory=list)
    whole: int = 0  # commands the whole-column path answered itself

    def __bool__(self) -> bool:
        return not self.problems


@contextmanager
def _arrow_csv_from(size: int) -> Iterator[None]:
    from kaoping.io import data_arrow

    old = data_arrow.ARROW_CSV_FROM
    data_arrow.ARROW_CSV_FROM = size
    try:
        yield
    finally:
        data_arrow.ARROW_CSV_FROM = old


def score(folder: Path, scheme: str, data: Path, output: str, backend: str) -> Outcome:
    """One `kaoping score` in-process: what it printed, its exit code and the file it wrote."""
    from kaoping.cli import main

    args = ["score", str(SCHEMES[scheme]), str(data), "--backend", backend, "--verbose"]
    out = None
    if output in ("stdout", "json"):
        args += ["--format", "json"]
    if output != "stdout":
        out = folder / f"results-{backend}.{output}"
        args += ["-o", str(out)]
    result = CliRunner().invoke(main, args)
    crash = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = "".join(traceback.format_exception(result.exception))
    written = None
    if out is not None and out.exists():
        written = out.read_bytes()
        out.unlink()
    return Outcome(result.exit_code, result.stdout_bytes, result.stderr, written, crash)


def _said(outcome: Outcome) -> str:
    """stderr without `--verbose`'s backend line (the one place the two runs may differ)."""
    return "".join(
        line for line in outcome.stderr.splitlines(True) if not line.startswith("backend: ")
    )


def _differences(want: Outcome, got: Outcome) -> list[str]:
    out = []
    if want.code != got.code:
        out.append(f"exit {want.code} per unit, {got.code} by columns")
    if _said(want) != _said(got):
        out.append(
            f"stderr differs:\n  per unit: {_said(want)[:600]!r}\n  columns:  {_said(got)[:600]!r}"
        )
    if want.stdout != got.stdout:
        out.append(f"stdout differs{_first_difference(want.stdout, got.stdout)}")
    if want.written != got.written:
        if want.written is None or got.written is None:
            out.append(f"file written by {'columns' if want.written is None else 'per unit'} only")
        else:
            out.append(f"the files differ{_first_difference(want.written, got.written)}")
    return out


def _first_difference(a: bytes, b: bytes) -> str:
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    start = max(0, at - 120)
    return (
        f" at byte {at}:\n  per unit: {a[start : at + 120]!r}\n  columns:  {b[start : at + 120]!r}"
    )


def check(case: Case, outputs: list[str] | None = None, arrow_csv: bool = True) -> Verdict:
    """Score the case's file both ways for each output; the problems found (none: agreement)."""
    verdict = Verdict(case)
    folder = Path(tempfile.mkdtemp(prefix="kaoping-columns-"))
    try:
        data = folder / f"units.{case.kind}"
        data.write_bytes(case.data)
        for output in outputs or OUTPUTS:
            want = score(folder, case.scheme, data, output, "unit")
            got = score(folder, case.scheme, data, output, "columnar")
            verdict.whole += "by whole columns" in got.stderr
            for who, outcome in (("per unit", want), ("columns", got)):
                if outcome.crash:
                    verdict.problems.append(f"[{output}] traceback ({who}):\n{outcome.crash}")
            if want.code not in (0, 2):
                verdict.problems.append(
                    f"[{output}] per unit exits {want.code}: {want.stderr[:300]}"
                )
            verdict.problems += [f"[{output}] {d}" for d in _differences(want, got)]
        if arrow_csv and case.kind == "csv":
            want = score(folder, case.scheme, data, "csv", "unit")
            with _arrow_csv_from(0):
                got = score(folder, case.scheme, data, "csv", "unit")
            if got.crash:
                verdict.problems.append(f"[arrow csv] traceback:\n{got.crash}")
            verdict.problems += [
                f"[arrow csv] {d}".replace("by columns", "by pyarrow's CSV reader")
                for d in _differences(want, got)
            ]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        gc.collect()  # `score` pauses the collector: its cycles are collected here, case by case
    return verdict


def save(verdict: Verdict, where: Path) -> Path:
    """The failing file and how to see the disagreement, under `where/seed-N/`."""
    case = verdict.case
    folder = where / f"seed-{case.seed}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"units.{case.kind}").write_bytes(case.data)
    rules = SCHEMES[case.scheme]
    run = [
        f"# {case.describe()}",
        f"kaoping score {rules} units.{case.kind} --backend unit -o unit.csv",
        f"kaoping score {rules} units.{case.kind} --backend columnar --verbose -o columns.csv",
        "cmp unit.csv columns.csv",
    ]
    (folder / "run.sh").write_text("\n".join(run) + "\n", encoding="utf-8")
    (folder / "report.txt").write_text(report(verdict), encoding="utf-8")
    return folder


def report(verdict: Verdict) -> str:
    return verdict.case.describe() + "\n" + "\n".join(verdict.problems) + "\n"


def summary(counts: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())
