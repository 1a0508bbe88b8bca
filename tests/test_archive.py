"""The results archive: `score --archive PATH --year YYYY`, `--history archive:PATH#YEAR`,
`kaoping history`, schema migrations, and archives that are not what they claim to be."""

from __future__ import annotations

import contextlib
import getpass
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kaoping.archive.schema import APPLICATION_ID, MIGRATIONS, VERSION, migrate
from kaoping.cli import main
from kaoping.plugins.manager import default_registry


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def rows(archive: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(archive)) as db:
        return db.execute(sql).fetchall()


def test_last_years_results_from_the_archive_equal_the_results_file(tmp_path: Path) -> None:
    """heshan-2013 reads last year's grade and ranks (`上年`): scoring 2026 with the 2025 run
    from the archive gives what scoring it with the 2025 results file gives."""
    archive = tmp_path / "结果库.db"
    last = tmp_path / "2025.json"
    first = run(
        "score", "heshan-2013", "--sample", "--format", "json", "-o", str(last),
        "--archive", str(archive), "--year", "2025", "--by", "考评办 王五",
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    assert f"archived as run 1 of 2025 in {archive}" in first.stderr
    from_file = run("score", "heshan-2013", "--sample", "--format", "json", "--history", str(last))
    from_archive = run(
        "score", "heshan-2013", "--sample", "--format", "json",
        "--history", f"archive:{archive}#2025",
    )  # fmt: skip
    assert from_file.exit_code == 0 and from_archive.exit_code == 0, from_archive.output
    assert from_archive.stdout == from_file.stdout
    # and the history matters: without it, the ranks' changes are absent
    alone = run("score", "heshan-2013", "--sample", "--format", "json")
    assert alone.stdout != from_file.stdout
    # the run as recorded: scheme, version, hash, year, who, the results JSON written
    [(scheme, version, digest, year, by, results)] = rows(
        archive,
        "SELECT scheme_id, scheme_version, scheme_hash, year, run_by, results_json FROM runs",
    )
    written = json.loads(last.read_text("utf-8"))
    assert (scheme, year, by) == ("heshan-2013", 2025, "考评办 王五")
    assert isinstance(version, str) and version.startswith("kaoping ")
    assert digest == written["scheme_hash"]
    assert json.loads(str(results)) == written


def test_the_data_is_kept_as_read(tmp_path: Path) -> None:
    """The data as kaoping read it, canonical JSON: numbers as exact text, keys sorted; the
    same whether it came from JSON or from a workbook."""
    data = tmp_path / "data.json"
    sample = json.loads(default_registry().sample("example-zh").read_text("utf-8"))  # type: ignore[union-attr]
    data.write_text(json.dumps(sample, ensure_ascii=False), "utf-8")
    archive = tmp_path / "a.db"
    result = run("score", "example-zh", str(data), "--archive", str(archive), "--year", "2025")
    assert result.exit_code == 0, result.output
    [(kept,)] = rows(archive, "SELECT data_json FROM runs")
    doc = json.loads(str(kept))
    units = {u["unit"]: u for u in doc["units"]}
    assert [u["unit"] for u in doc["units"]] == sorted(units)
    first = sample["units"][0]
    assert units[first["unit"]]["group"] == first["group"]
    facts = units[first["unit"]]["facts"]
    assert facts["满意度"] == "8.5"  # the sample's "8.5", exact
    assert facts["开展改革调研"] is True
    assert facts["负责事项"][1] == {"类别": "B", "达标": False, "专业测评": "良"}
    assert str(kept) == json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # the OS user, when --by is not given
    [(by,)] = rows(archive, "SELECT run_by FROM runs")
    assert by == getpass.getuser()


def test_a_units_years_and_the_runs(tmp_path: Path) -> None:
    archive = tmp_path / "a.db"
    for year, by in (("2025", "甲"), ("2026", "乙"), ("2026", "丙")):
        result = run(
            "score", "example-zh", "--sample", "--archive", str(archive), "--year", year,
            "--by", by,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    # example-zh's sample: 县发改委 scores 42.50, second, 先进 (its golden cases say why)
    result = run("history", "县发改委", "--archive", str(archive), "--format", "json")
    assert result.exit_code == 0, result.output
    years = json.loads(result.stdout)
    got = [
        (y["year"], y["scheme_id"], y["total"], y["rank"], y["grade"], y["run_by"]) for y in years
    ]
    assert got == [
        (2025, "example-zh", "42.50", 2, "先进", "甲"),
        (2026, "example-zh", "42.50", 2, "先进", "丙"),  # the latest run of 2026
    ]
    assert [y["runs"] for y in years] == [1, 2]
    table = run("history", "县发改委", "--archive", str(archive))
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "year", "scheme", "group", "total", "rank", "grade", "run", "at", "by", "run"
    ]  # fmt: skip
    assert lines[2].split()[:6] == ["2026", "example-zh", "县直单位", "42.50", "2", "先进"]
    assert "3 (latest of 2)" in lines[2]
    runs = run("history", "--archive", str(archive), "--format", "json")
    listed = json.loads(runs.stdout)
    assert [(r["id"], r["year"], r["run_by"], r["units"]) for r in listed] == [
        (1, 2025, "甲", 4),
        (2, 2026, "乙", 4),
        (3, 2026, "丙", 4),
    ]
    assert run("history", "--archive", str(archive), "--scheme", "anfu-2017").stdout == (
        "no runs in the archive of scheme 'anfu-2017'\n"
    )
    missing = run("history", "无此单位", "--archive", str(archive))
    assert missing.exit_code == 2 and "no unit '无此单位' in the archive" in missing.stderr


def _version_1_archive(path: Path, results_json: str) -> None:
    """An archive as kaoping made it at schema version 1, with one run."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("BEGIN")
        migrate(db, str(path), target=1)
        db.execute(
            "INSERT INTO runs (scheme_id, scheme_version, scheme_hash, year, run_at, run_by, "
            "data_json, results_json) VALUES ('example-zh', 'kaoping 0.1.0', 'sha256:x', 2024, "
            "'2025-01-05T09:00:00+00:00', '李四', '{}', ?)",
            (results_json,),
        )
        db.execute("COMMIT")


def test_an_archive_of_schema_version_1_is_migrated(tmp_path: Path) -> None:
    assert VERSION == len(MIGRATIONS) == 2
    results = run("score", "example-zh", "--sample", "--format", "json")
    archive = tmp_path / "old.db"
    _version_1_archive(archive, results.stdout)
    assert rows(archive, "PRAGMA user_version") == [(1,)]
    # reading a unit's years needs version 2's table: the archive is migrated, its run indexed
    result = run("history", "县金融办", "--archive", str(archive), "--format", "json")
    assert result.exit_code == 0, result.output
    [year] = json.loads(result.stdout)
    assert (year["year"], year["total"], year["rank"], year["run_by"]) == (2024, "47.50", 1, "李四")
    assert rows(archive, "PRAGMA user_version") == [(VERSION,)]
    assert rows(archive, "PRAGMA application_id") == [(APPLICATION_ID,)]
    # and recorded into, as any archive
    more = run("score", "example-zh", "--sample", "--archive", str(archive), "--year", "2025")
    assert more.exit_code == 0, more.output
    assert rows(archive, "SELECT year FROM runs ORDER BY id") == [(2024,), (2025,)]


def test_writing_migrates_an_old_archive_in_the_same_transaction(tmp_path: Path) -> None:
    results = run("score", "example-zh", "--sample", "--format", "json")
    archive = tmp_path / "old.db"
    _version_1_archive(archive, results.stdout)
    result = run("score", "example-zh", "--sample", "--archive", str(archive), "--year", "2025")
    assert result.exit_code == 0, result.output
    assert rows(archive, "PRAGMA user_version") == [(VERSION,)]
    assert rows(archive, "SELECT count(*) FROM unit_results") == [(8,)]  # 4 units, 2 runs


def test_a_broken_run_in_an_old_archive_is_a_data_error(tmp_path: Path) -> None:
    archive = tmp_path / "old.db"
    _version_1_archive(archive, "{not json")
    before = archive.read_bytes()
    result = run("history", "--archive", str(archive))
    assert result.exit_code == 2
    assert "run 1: its results are not valid JSON" in result.stderr
    assert archive.read_bytes() == before  # the migration rolled back


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"unit,group\nA,B\n", "not a kaoping archive: the file is not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 50, "not a kaoping archive"),
    ],
)
def test_a_file_that_is_not_an_archive(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "archive.db"
    path.write_bytes(content)
    for args in (
        ["score", "example-zh", "--sample", "--archive", str(path), "--year", "2025"],
        ["score", "example-zh", "--sample", "--history", f"archive:{path}#2025"],
        ["history", "--archive", str(path)],
        ["history", "某单位", "--archive", str(path)],
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr
        assert "Traceback" not in result.output
        assert path.read_bytes() == content


def test_another_programs_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE t (x)")
        db.commit()
    before = path.read_bytes()
    result = run("score", "example-zh", "--sample", "--archive", str(path), "--year", "2025")
    assert result.exit_code == 2
    assert "an SQLite database of another program" in result.stderr
    assert path.read_bytes() == before


def test_an_archive_of_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {VERSION + 1}")
    for args in (
        ["score", "example-zh", "--sample", "--archive", str(path), "--year", "2025"],
        ["history", "--archive", str(path)],
    ):
        result = run(*args)
        assert result.exit_code == 2
        assert f"schema version {VERSION + 1}, made by a newer kaoping" in result.stderr


def test_usage_errors(tmp_path: Path) -> None:
    archive = str(tmp_path / "a.db")
    cases = [
        (["--archive", archive], "--archive needs --year"),
        (["--year", "2025"], "--year and --by go with --archive"),
        (["--archive", archive, "--year", "25"], "25 is not in the range"),
        (["--history", f"archive:{archive}#2025x"], "'2025x' is not a year"),
        (["--history", f"archive:{archive}"], "expected archive:PATH#YEAR"),
        (["--history", "archive:#2025"], "no archive path before the #"),
    ]
    for extra, message in cases:
        result = run("score", "example-zh", "--sample", *extra)
        assert result.exit_code == 3, (extra, result.output)
        assert message in result.output
    assert not Path(archive).exists()


def test_history_of_a_year_or_scheme_the_archive_lacks(tmp_path: Path) -> None:
    archive = tmp_path / "a.db"
    made = run("score", "example-en", "--sample", "--archive", str(archive), "--year", "2025")
    assert made.exit_code == 0, made.output
    result = run("score", "example-zh", "--sample", "--history", f"archive:{archive}#2025")
    assert result.exit_code == 2
    assert "no run of scheme 'example-zh' for 2025" in result.stderr
    assert "its runs of 2025 are of 'example-en'" in result.stderr
    result = run("score", "example-en", "--sample", "--history", f"archive:{archive}#2024")
    assert result.exit_code == 2 and "it holds no run of 2024" in result.stderr
    result = run("score", "example-en", "--sample", "--history", f"archive:{tmp_path}/no.db#2024")
    assert result.exit_code == 2 and "cannot read the archive: no such file" in result.stderr
    assert not (tmp_path / "no.db").exists()


def test_runs_of_other_rules_of_the_scheme_are_read_with_a_warning(tmp_path: Path) -> None:
    """As a history file: last year's run made by rules that differ (the same scheme id)."""
    copy = tmp_path / "example-zh"
    shutil.copytree(default_registry().rules("example-zh")[0].parent, copy)
    rules = copy / "scheme.rules"
    rules.write_text(rules.read_text("utf-8").replace("先进 前 2 名", "先进 前 1 名"), "utf-8")
    archive = tmp_path / "a.db"
    data = str(default_registry().sample("example-zh"))
    made = run("score", str(copy), data, "--archive", str(archive), "--year", "2025")
    assert made.exit_code == 0, made.output
    result = run("score", "example-zh", "--sample", "--history", f"archive:{archive}#2025")
    assert result.exit_code == 0, result.output
    assert "[history-rules-changed]" in result.stderr
    assert f"archive:{archive}#2025 (run 1) was produced by rules that differ" in result.stderr


def test_paths_with_odd_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "考评 #1 ?a=b%20"
    folder.mkdir()
    archive = folder / "结果 #库?.db"
    made = run("score", "example-zh", "--sample", "--archive", str(archive), "--year", "2025")
    assert made.exit_code == 0, made.output
    read = run("score", "example-zh", "--sample", "--history", f"archive:{archive}#2025")
    assert read.exit_code == 0, read.output
    assert sorted(p.name for p in folder.iterdir()) == ["结果 #库?.db"]
    # `:memory:` is a file name like any other, never a database that vanishes
    monkeypatch.chdir(tmp_path)
    memory = run(
        "score", "example-zh", "--sample", "--archive", ":memory:", "--year", "2025"
    )  # fmt: skip
    assert memory.exit_code == 0
    assert Path(":memory:").exists()
    Path(":memory:").unlink()


def test_never_written_over_an_input_and_never_a_folder(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    shutil.copy(default_registry().sample("example-zh"), data)  # type: ignore[arg-type]
    before = data.read_bytes()
    result = run("score", "example-zh", str(data), "--archive", str(data), "--year", "2025")
    assert result.exit_code == 2 and "an input of this run" in result.stderr
    assert data.read_bytes() == before
    result = run("score", "example-zh", str(data), "--archive", str(tmp_path), "--year", "2025")
    assert result.exit_code == 2 and "it is a folder" in result.stderr
    archive = tmp_path / "a.db"
    run("score", "example-zh", str(data), "--archive", str(archive), "--year", "2025")
    stored = archive.read_bytes()
    result = run("score", "example-zh", str(data), "--history", f"archive:{archive}#2025",
                 "-o", str(archive))  # fmt: skip
    assert result.exit_code == 2 and "an input of this run" in result.stderr
    assert archive.read_bytes() == stored


_WRITER = """
import sys
from kaoping.archive.store import Run, record
for i in range(int(sys.argv[3])):
    results = '{"units": [{"unit": "U%s-%d", "group": "G", "total": "1", "rank": 1}]}' % (
        sys.argv[2], i)
    record(sys.argv[1], Run("s", None, "sha256:x", 2025, "t", sys.argv[2], "{}", results))
"""


def test_two_processes_recording_at_once_both_land(tmp_path: Path) -> None:
    archive = tmp_path / "shared.db"
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(archive), who, "15"])
        for who in ("a", "b")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    assert rows(archive, "SELECT run_by, count(*) FROM runs GROUP BY run_by") == [
        ("a", 15),
        ("b", 15),
    ]
    assert rows(archive, "SELECT count(*) FROM unit_results") == [(30,)]


def test_diff_reads_last_years_results_from_the_archive(tmp_path: Path) -> None:
    archive = tmp_path / "a.db"
    run("score", "heshan-2013", "--sample", "--archive", str(archive), "--year", "2025")
    copy = tmp_path / "heshan-copy"
    shutil.copytree(default_registry().rules("heshan-2013")[0].parent, copy)
    result = run(
        "diff", "heshan-2013", str(copy), "--sample", "--format", "json",
        "--history", f"archive:{archive}#2025",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["units"] == [] and doc["rules"] == []


def test_explain_reads_last_years_results_from_the_archive(tmp_path: Path) -> None:
    archive = tmp_path / "a.db"
    last = tmp_path / "2025.json"
    made = run(
        "score", "heshan-2013", "--sample", "--format", "json", "-o", str(last),
        "--archive", str(archive), "--year", "2025",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    unit = json.loads(last.read_text("utf-8"))["units"][0]["unit"]
    outputs = [
        run(
            "explain",
            "heshan-2013",
            "--sample",
            "--unit",
            unit,
            "--format",
            "json",
            "--history",
            history,
        )
        for history in (str(last), f"archive:{archive}#2025")
    ]
    assert outputs[0].exit_code == 0, outputs[0].output
    assert outputs[1].exit_code == 0, outputs[1].output
    assert outputs[0].stdout == outputs[1].stdout


def test_a_fifo_is_never_opened_as_an_archive(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    for args in (
        ["score", "example-zh", "--sample", "--archive", str(fifo), "--year", "2025"],
        ["history", "--archive", str(fifo)],
        ["score", "example-zh", "--sample", "--history", f"archive:{fifo}#2025"],
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "it is not a regular file" in result.stderr


def test_an_archive_whose_tables_were_tampered_with(tmp_path: Path) -> None:
    """Marked as kaoping's at the current version, but its runs table dropped, and a unit row
    holding a blob: data errors naming what is wrong, never a traceback, never a blob shown as
    a total."""
    archive = tmp_path / "a.db"
    made = run("score", "example-zh", "--sample", "--archive", str(archive), "--year", "2025")
    assert made.exit_code == 0, made.output
    with contextlib.closing(sqlite3.connect(archive)) as db:
        db.execute("UPDATE unit_results SET total = x'00ff' WHERE unit = '县发改委'")
        db.commit()
    shown = run("history", "县发改委", "--archive", str(archive), "--format", "json")
    assert shown.exit_code == 2, shown.output
    assert "unit “县发改委”, total: binary data (2 bytes) is not what kaoping" in shown.stderr
    with contextlib.closing(sqlite3.connect(archive)) as db:
        db.execute("DROP TABLE unit_results")
        db.execute("DROP TABLE runs")
        db.commit()
    for args in (
        ["history", "--archive", str(archive)],
        ["score", "example-zh", "--sample", "--history", f"archive:{archive}#2025"],
        ["score", "example-zh", "--sample", "--archive", str(archive), "--year", "2026"],
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "no such table" in result.stderr


def test_the_data_kept_is_the_same_from_a_workbook_as_from_json(tmp_path: Path) -> None:
    from kaoping import load_scheme
    from test_xlsx import fill

    sample = default_registry().sample("example-zh")
    assert sample is not None
    book = tmp_path / "数据.xlsx"
    assert run("template", "example-zh", "-o", str(book), "--sample").exit_code == 0
    fill(book, sample, load_scheme("example-zh", default_registry()).model)
    archive = tmp_path / "a.db"
    for data in (str(sample), str(book)):
        made = run("score", "example-zh", data, "--archive", str(archive), "--year", "2025")
        assert made.exit_code == 0, made.output
    [(from_json,), (from_book,)] = rows(archive, "SELECT data_json FROM runs ORDER BY id")
    assert from_json == from_book


def test_report_reads_last_years_results_from_the_archive(tmp_path: Path) -> None:
    archive = tmp_path / "a.db"
    last = tmp_path / "2025.json"
    made = run(
        "score", "heshan-2013", "--sample", "--format", "json", "-o", str(last),
        "--archive", str(archive), "--year", "2025",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    pages = []
    for history in (str(last), f"archive:{archive}#2025"):
        page = tmp_path / f"report-{len(pages)}.html"
        args = ["report", "heshan-2013", "--sample", "-o", str(page), "--history", history]
        result = CliRunner().invoke(main, args, env={"SOURCE_DATE_EPOCH": "0"})
        assert result.exit_code == 0, result.output
        pages.append(page.read_text("utf-8"))
    assert pages[0] == pages[1]
