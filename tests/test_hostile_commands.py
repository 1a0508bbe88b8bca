"""Hostile inputs to the newer commands (`template`, `history`, the archive behind
`--history archive:PATH#YEAR`): each gives a result or a message naming the file and what is
wrong, with the documented exit code — never a traceback, never a value of the wrong kind shown
as if it were a result, never an altered archive."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kaoping.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "kaoping" / "schemes" / "example_en"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding one 2017 run of the example scheme's sample (县发改委: 42.50, 2nd)."""
    path = tmp_path_factory.mktemp("archive") / "results.db"
    made = run("score", "example-en", "--sample", "--archive", str(path), "--year", "2017")
    assert made.exit_code == 0, made.output
    return path


def altered(archive: Path, tmp_path: Path, sql: str) -> Path:
    copy = tmp_path / "altered.db"
    shutil.copy(archive, copy)
    with contextlib.closing(sqlite3.connect(copy)) as db:
        db.executescript(sql)
        db.commit()
    return copy


@pytest.mark.parametrize("command", ["template", "score", "report"])
def test_sample_of_a_rules_path_without_one_is_a_usage_error(command: str, tmp_path: Path) -> None:
    """A rules path with no sample data beside it: `template RULES --sample` was a traceback
    (UnknownScheme)."""
    rules = tmp_path / "rules" / "scheme.rules"
    rules.parent.mkdir()
    shutil.copy(EXAMPLE / "scheme.rules", rules)
    out = tmp_path / ("t.xlsx" if command == "template" else "r.html")
    result = run(command, str(rules), "--sample", *(["-o", str(out)] if command != "score" else []))
    no_traceback(result)
    assert result.exit_code == 3, result.output
    assert "scheme 'scheme' ships no sample data" in result.output
    assert not out.exists()


def test_sample_of_an_installed_scheme_still_prefills_the_template(tmp_path: Path) -> None:
    result = run("template", "example-en", "--sample", "-o", str(tmp_path / "t.xlsx"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "t.xlsx").stat().st_size > 0


def test_archive_with_a_negative_schema_version_is_refused_untouched(
    archive: Path, tmp_path: Path
) -> None:
    """user_version -1 made the migration run only its last step ("table unit_results already
    exists"); it is a damaged archive, refused by name, and left as it was."""
    damaged = altered(archive, tmp_path, "PRAGMA user_version = -1")
    before = damaged.read_bytes()
    for args in (
        ("history", "--archive", str(damaged)),
        ("score", "example-en", "--sample", "--archive", str(damaged), "--year", "2018"),
        ("score", "example-en", "--sample", "--history", f"archive:{damaged}#2017"),
    ):
        result = run(*args)
        no_traceback(result)
        assert result.exit_code == 2, result.output
        assert f"{damaged}: not a kaoping archive: its schema version is -1" in result.stderr
    assert damaged.read_bytes() == before


@pytest.mark.parametrize(
    ("sql", "field", "shown"),
    [
        ("UPDATE unit_results SET total = x'ff00'", "total", "binary data (2 bytes)"),
        ("UPDATE unit_results SET total = 'NaN'", "total", "the text “NaN”"),
        ("UPDATE unit_results SET total = '1e999999999'", "total", "the text “1e999999999”"),
        ("UPDATE unit_results SET total = char(27) || '[2J'", "total", "the text “\\x1b[2J”"),
        ("UPDATE unit_results SET rank = 2.5", "rank", "the number 2.5"),
        ("UPDATE runs SET year = 'abc'", "year", "the text “abc”"),
    ],
)
def test_a_units_years_from_an_altered_archive_are_refused_by_field(
    archive: Path, tmp_path: Path, sql: str, field: str, shown: str
) -> None:
    """`history UNIT` showed a blob as the total `b'\\xff\\x00'` (a Python repr), and `NaN` or a
    year `abc` as if kaoping had written them."""
    damaged = altered(archive, tmp_path, sql)
    for fmt in ("table", "json"):
        result = run("history", "县发改委", "--archive", str(damaged), "--format", fmt)
        no_traceback(result)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert (
            f"{damaged}: run 1, unit “县发改委”, {field}: {shown} is not what kaoping writes there"
            in result.stderr
        )
        assert "b'" not in result.stderr


def test_runs_from_an_altered_archive_are_refused_by_field(archive: Path, tmp_path: Path) -> None:
    damaged = altered(archive, tmp_path, "UPDATE runs SET run_by = x'00', year = 2017")
    result = run("history", "--archive", str(damaged))
    assert result.exit_code == 2, result.output
    assert f"{damaged}: run 1, run_by: binary data (1 bytes) is not what kaoping" in result.stderr


def test_a_fraction_total_as_kaoping_writes_it_is_shown(archive: Path, tmp_path: Path) -> None:
    """An exact total with a never-ending decimal expansion is archived as `550/3`: valid."""
    kept = altered(archive, tmp_path, "UPDATE unit_results SET total = '550/3'")
    result = run("history", "县发改委", "--archive", str(kept))
    assert result.exit_code == 0, result.output
    assert "550/3" in result.stdout
    untouched = run("history", "县发改委", "--archive", str(archive), "--format", "json")
    assert '"total": "42.50"' in untouched.stdout
