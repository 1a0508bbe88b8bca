"""Hostile inputs to the newer commands (`template`, `history` and the archive behind
`--history archive:PATH#YEAR`, `.xlsx` workbooks, `doc`): each gives a result or a message naming
the file and what is wrong, with the documented exit code — never a traceback, a zip bomb
expanded, a value of the wrong kind shown as if it were a result, or an altered archive."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

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


def zip_bomb(tmp_path: Path) -> Path:
    """The example scheme's template with 32 MiB of blanks inside its units sheet's XML: the
    file is a few dozen kilobytes, its sheet over a thousand times that."""
    import zipfile

    template = tmp_path / "template.xlsx"
    assert run("template", "example-en", "--sample", "-o", str(template)).exit_code == 0
    with zipfile.ZipFile(template) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = next(n for n, data in parts.items() if b"<sheetData" in data and b"<row" in data)
    data = parts[sheet]
    at = data.index(b"<sheetData")
    parts[sheet] = data[:at] + b" " * (32 * 2**20) + data[at:]
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    assert bomb.stat().st_size < 2**20
    return bomb


@pytest.mark.parametrize("command", ["score", "template"])
def test_a_zip_bomb_workbook_is_refused_before_it_is_expanded(command: str, tmp_path: Path) -> None:
    """A 1.5 MB workbook whose sheet expanded to 1.5 GB took 23 s and 3 GB of memory to be
    found wanting; a larger one would exhaust the machine. It is refused by its part's ratio."""
    bomb = zip_bomb(tmp_path)
    out = tmp_path / "out.xlsx"
    args = ["--units", str(bomb), "-o", str(out)] if command == "template" else [str(bomb)]
    result = run(command, "example-en", *args)
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert f"{bomb}: cannot read as an Excel workbook (.xlsx): its part 'xl/worksheets/" in (
        result.stderr
    )
    assert "more than 100 times: a damaged or hostile file (a zip bomb)" in result.stderr
    assert not out.exists()


def test_a_large_part_that_compresses_ordinarily_is_not_taken_for_a_zip_bomb(
    tmp_path: Path,
) -> None:
    """Over the 16 MiB the check starts at, but compressed about twice (hex digits): read on."""
    import hashlib
    import zipfile

    from kaoping.io.xlsx_read import refuse_zip_bomb

    text = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(280_000))
    path = tmp_path / "large.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", text)
    assert zipfile.ZipFile(path).infolist()[0].file_size > 16 * 2**20
    refuse_zip_bomb(path)  # no DataError


_HEADING_OF_LEVEL = ("附件1", "第一条", "一、", "(一)", "1.", "1)", "(1)")


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 6)), max_size=40))
def test_each_heading_ends_before_the_next_of_its_level_or_above(levels: list[int | None]) -> None:
    """`kaoping doc` took time quadratic in the headings (300,000 `一、` lines: minutes); the
    linear pass still ends each heading where the document's outline says."""
    from kaoping.document import read_document

    text = "\n".join("正文" if lv is None else _HEADING_OF_LEVEL[lv] for lv in levels)
    doc = read_document(text)
    at = [(n, lv) for n, lv in enumerate(levels, 1) if lv is not None]
    assert [(h.first, h.level) for h in doc.headings] == at
    for h in doc.headings:
        ends = [n for n, lv in at if n > h.first and lv <= h.level]
        assert h.last == (ends[0] - 1 if ends else len(levels))


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_document_that_is_no_regular_file_is_named_so(special: str, tmp_path: Path) -> None:
    """`doc --document /dev/zero` said "no such file" of a file that exists."""
    import os

    path = special
    if special == "fifo":
        path = str(tmp_path / "doc.txt")
        os.mkfifo(path)
    result = run("doc", "example-en", "--document", path, "-o", str(tmp_path / "d.html"))
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert f"error: {path}: not a regular file" in result.stderr
    assert not (tmp_path / "d.html").exists()


def test_bidi_controls_in_text_are_shown_in_report_and_doc_pages(tmp_path: Path) -> None:
    """U+202E (RIGHT-TO-LEFT OVERRIDE) and U+2066 (LEFT-TO-RIGHT ISOLATE) in a record's text
    and in the source document: the report and doc pages show them escaped, never raw (which
    reverses the words after them on screen). In a rules file they are refused (E103), so no
    title or description carries them to a page."""
    data = json.loads((EXAMPLE / "sample.json").read_text("utf-8"))
    data["units"][0]["facts"]["成果"][0]["工作"] = "阶梯\u202e水价\u2066"
    data_path = tmp_path / "d.json"
    data_path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    document = tmp_path / "document.txt"
    document.write_text("附件2\n部署谋划\n1. 调研\u202e反向\n", "utf-8")
    for args, out, shown in (
        (
            ["report", "example-en", str(data_path)],
            tmp_path / "r.html",
            ["阶梯\\u202e水价\\u2066"],
        ),
        (
            ["doc", str(EXAMPLE / "scheme.rules"), "--document", str(document)],
            tmp_path / "d.html",
            ["调研\\u202e反向"],
        ),
    ):
        result = run(*args, "-o", str(out))
        assert result.exit_code == 0, result.output
        page = out.read_text("utf-8")
        assert "\u202e" not in page and "\u2066" not in page
        for text in shown:
            assert text in page
    rules = (EXAMPLE / "scheme.rules").read_text("utf-8")
    path = tmp_path / "scheme.rules"
    path.write_text(rules.replace("示例:县直单位改革工作考核(节选)", "考核\u202e表彰名单"), "utf-8")
    refused = run("report", str(path), str(EXAMPLE / "sample.json"), "-o", str(tmp_path / "x.html"))
    assert refused.exit_code == 1
    assert "scheme.rules:3:11: error E103 an invisible or control character (U+202E" in (
        refused.output
    )
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize(
    ("rules_text", "with_cases", "option"),
    [
        (None, False, "--junitxml"),  # a scheme with no golden cases beside it
        ("scoring 县直单位:\n    oops\n", True, "--junitxml"),  # a scheme that does not compile
        (None, False, "--coverage-file"),
    ],
)
@pytest.mark.parametrize("ref", ["folder", "file"])
def test_a_test_report_over_the_tested_rules_file_is_refused_and_the_file_kept(
    rules_text: str | None, with_cases: bool, option: str, ref: str, tmp_path: Path
) -> None:
    """`kaoping test FOLDER --junitxml FOLDER/scheme.rules` replaced the rules file with the XML
    report when the scheme had no cases or failed to compile: only files it had read were kept
    from being written over."""
    folder = tmp_path / "scheme"
    folder.mkdir()
    rules = folder / "scheme.rules"
    rules.write_text(rules_text or (EXAMPLE / "scheme.rules").read_text("utf-8"), "utf-8")
    if with_cases:
        shutil.copytree(EXAMPLE / "cases", folder / "cases")
    before = rules.read_bytes()
    given = str(folder if ref == "folder" else rules)
    extra = ["--coverage-format", "lcov"] if option == "--coverage-file" else []
    result = run("test", given, option, str(rules), *extra)
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert f"refusing to write {rules}: it is {rules}, an input of this run" in result.output
    assert rules.read_bytes() == before


_WRITER = """
import sys, time
from kaoping.io.output import write_output

def chunks():
    yield "first half of the results\\n"
    print("writing", flush=True)
    time.sleep(60)
    yield "second half\\n"

write_output(sys.argv[1], chunks())
"""


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("existing", [False, True])
def test_a_run_stopped_by_a_signal_mid_write_leaves_no_temporary_file(
    signame: str, existing: bool, tmp_path: Path
) -> None:
    """`kill` (SIGTERM) or a closed terminal (SIGHUP) while `score -o` was writing ended the
    process at once and left the half-written `.NAME.XXXX.tmp` beside the output; Ctrl-C
    already removed it. The process still ends by the signal, and an old output stays."""
    import signal
    import subprocess
    import sys

    target = tmp_path / "results.json"
    if existing:
        target.write_text("last run\n", "utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "writing\n"
    assert len(list(tmp_path.glob(".results.json.*.tmp"))) == 1  # the write is under way
    proc.send_signal(getattr(signal, signame))
    assert proc.wait(timeout=30) == -getattr(signal, signame)
    assert sorted(p.name for p in tmp_path.iterdir()) == (["results.json"] if existing else [])
    if existing:
        assert target.read_text("utf-8") == "last run\n"


@pytest.mark.parametrize("where", ["long id", "dir under a file", "dir is a device"])
def test_new_scheme_that_cannot_create_its_folder_says_so_and_leaves_nothing(
    where: str, tmp_path: Path
) -> None:
    """An id of 300 letters (valid by its pattern) ended in an OSError traceback ("File name
    too long"), and so did --dir under a file; --dir /dev/full said "File exists"."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x", "utf-8")
    scheme_id, directory, why = {
        "long id": ("a" * 300, tmp_path, "File name too long"),
        "dir under a file": ("ok-id", blocker / "sub", "Not a directory"),
        "dir is a device": ("ok-id", Path("/dev/full"), "/dev/full is not a folder"),
    }[where]
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("new-scheme", "--dir", str(directory), scheme_id)
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: cannot create {directory / f'kaoping-scheme-{scheme_id}'}: {why}\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def _limited(args: list[str], cwd: Path) -> tuple[int, str]:
    """`kaoping ARGS` in a process of at most 2 GB of memory: what read /dev/zero to its end
    stopped there with a MemoryError instead of taking the machine's memory."""
    import resource
    import subprocess
    import sys

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    proc = subprocess.run(
        [sys.executable, "-m", "kaoping.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )
    return proc.returncode, proc.stderr


@pytest.mark.parametrize(
    ("role", "code"),
    [("rules", 1), ("data", 2), ("data.csv", 2), ("history", 2), ("units", 2)],
)
def test_a_device_given_as_an_input_is_refused_by_name_not_read_forever(
    role: str, code: int, tmp_path: Path
) -> None:
    """/dev/zero as rules, data (also through a `.csv` symlink, which the whole-column reader
    read first), last year's results or template --units was read until memory ran out (a
    MemoryError traceback, or the machine's memory). A device is refused before it is read."""
    rules = tmp_path / "scheme.rules"
    shutil.copy(EXAMPLE / "scheme.rules", rules)
    data = tmp_path / "data.json"
    shutil.copy(EXAMPLE / "sample.json", data)
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    args = {
        "rules": ["score", "/dev/zero", str(data)],
        "data": ["score", str(rules), "/dev/zero"],
        "data.csv": ["score", str(rules), "zero.csv", "--format", "json"],
        "history": ["score", str(rules), str(data), "--history", "/dev/zero"],
        "units": ["template", str(rules), "--units", "/dev/zero", "-o", "t.xlsx"],
    }[role]
    exit_code, err = _limited(args, tmp_path)
    assert exit_code == code, err[-2000:]
    shown = "zero.csv" if role == "data.csv" else "/dev/zero"
    assert err == f"error: {shown}: not a regular file (a device): give the file itself\n"
    assert not (tmp_path / "t.xlsx").exists()


def test_a_pipe_is_still_read_as_a_data_file(tmp_path: Path) -> None:
    """`kaoping score RULES <(command)`: a pipe ends when its writer does, and is read."""
    import os

    rules = tmp_path / "scheme.rules"
    shutil.copy(EXAMPLE / "scheme.rules", rules)
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as w:
        w.write((EXAMPLE / "sample.json").read_bytes())
    try:
        result = run("score", str(rules), f"/dev/fd/{read_end}", "--format", "json")
    finally:
        os.close(read_end)
    assert result.exit_code == 0, result.output
    assert '"unit": "县发改委"' in result.stdout


def test_one_cell_far_right_does_not_widen_every_row_of_a_workbook(tmp_path: Path) -> None:
    """A blank in cell XFD3 (column 16,384) of a filled template, 42 KB: every row was read
    16,384 cells wide (3,000 units: 16 s and 470 MB instead of 2 s; 30,000 units would take
    the machine's memory). Each row is now as long as its own last cell; the results agree."""
    import openpyxl

    from kaoping.io.xlsx_read import _Reader

    template = tmp_path / "template.xlsx"
    assert run("template", "example-en", "-o", str(template)).exit_code == 0
    wb = openpyxl.load_workbook(template)
    ws = wb["县直单位"]
    header = [c.value for c in ws[1]]
    ws["A2"] = "县发改委"
    ws["B2"] = "是"
    narrow = tmp_path / "narrow.xlsx"
    wb.save(narrow)
    ws["XFD3"] = " "
    wide = tmp_path / "wide.xlsx"
    wb.save(wide)

    read = openpyxl.load_workbook(wide, read_only=True, data_only=True)
    rows = dict(_Reader(wide, None, print).rows(read["县直单位"]))  # type: ignore[arg-type]
    assert len(rows[1]) == len(header) and rows[2] == ["县发改委", "是"]
    assert len(rows[3]) == 16384  # the row that has the far cell, and no other
    read.close()
    narrow_run = run("score", "example-en", str(narrow), "--format", "json")
    wide_run = run("score", "example-en", str(wide), "--format", "json")
    assert wide_run.exit_code == narrow_run.exit_code
    assert wide_run.output == narrow_run.output.replace(str(narrow), str(wide))


FORMULA_RULES = """scheme "=1+1 考评"

group 甲组 "甲组"

constant 系数: number 0 to 10 "=2+2 系数" article "=3+3 第一条"

input 分数: number 0 to 100 "=HYPERLINK(1)" article "@SUM(1)"

scoring 甲组:
    item 得分 max 100 article "+4+4":
        add 分数 × 系数 / 10
"""


def test_no_text_from_the_rules_or_data_becomes_a_formula_in_a_workbook(tmp_path: Path) -> None:
    """A title, description, article or unit name starting with `=` is read back as that text by
    every workbook kaoping writes (`template`, `score -o`), never as a formula Excel runs."""
    from openpyxl import load_workbook

    rules = tmp_path / "s.rules"
    rules.write_text(FORMULA_RULES, encoding="utf-8")
    units = tmp_path / "units.csv"
    units.write_text("单位,组\n=1+1,甲组\n", encoding="utf-8")
    template = tmp_path / "t.xlsx"
    made = run("template", str(rules), "-o", str(template), "--units", str(units))
    assert made.exit_code == 0, made.output
    data = tmp_path / "d.json"
    data.write_text(
        '{"units": [{"unit": "=1+1", "group": "甲组", "facts": {"分数": 50}}],'
        ' "constants": {"系数": 10}}',
        encoding="utf-8",
    )
    results = tmp_path / "r.xlsx"
    scored = run("score", str(rules), str(data), "-o", str(results))
    assert scored.exit_code == 0, scored.output
    for book in (template, results):
        texts = []
        for ws in load_workbook(book):
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (book.name, ws.title, cell.coordinate)
                    if isinstance(cell.value, str) and cell.value[:1] in "=+@":
                        texts.append(cell.value)
        assert texts, book.name
    first = load_workbook(template)
    assert first["说明"]["A1"].value == "=1+1 考评 — 数据填报模板"
    assert [c.value for c in first["常量"][2]][2:] == ["=2+2 系数", "=3+3 第一条"]


@pytest.mark.parametrize("backend", ["unit", "columnar"])
def test_a_csv_of_results_keeps_a_formula_like_name_and_says_so(
    tmp_path: Path, backend: str
) -> None:
    """`score -o x.csv` writes a unit named `=1+1` as the data gave it (a CSV file is data,
    joined on the names) and warns that a spreadsheet opening it directly may run it."""
    rules = tmp_path / "s.rules"
    rules.write_text(
        '分组 甲组 "甲组"\n输入 分数: 数值 0 至 100 "分数"\n评分 甲组:\n    指标 得分 满分 100 = 分数\n',
        encoding="utf-8",
    )
    data = tmp_path / "d.csv"
    data.write_text("unit,group,分数\n=1+1,甲组,5\n-2+3,甲组,6\nB,甲组,7\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    result = CliRunner().invoke(
        main, ["score", str(rules), str(data), "-o", str(out), "--backend", backend]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines()[1:] == [
        "甲组,B,7,,,,7",
        "甲组,-2+3,6,,,,6",
        "甲组,=1+1,5,,,,5",
    ]
    assert (
        f"warning: {out}: unit name(s) '-2+3', '=1+1' start with =, +, - or @, which a "
        "spreadsheet opening this CSV file directly may run as a formula" in result.stderr
    )
    plain = tmp_path / "plain.csv"
    plain.write_text("unit,group,分数\nA,甲组,5\n", encoding="utf-8")
    quiet = CliRunner().invoke(
        main, ["score", str(rules), str(plain), "-o", str(out), "--backend", backend]
    )
    assert quiet.exit_code == 0 and quiet.stderr == "", quiet.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("score", "example-en", "--sample", "-o", ""),
        ("score", "example-en", "--sample", "--archive", "", "--year", "2017"),
        ("report", "example-en", "--sample", "-o", ""),
        ("template", "example-en", "-o", ""),
        ("diff", "example-en", "example-zh", "--sample", "-o", ""),
        ("test", "example-en", "--junitxml", ""),
        ("test", "example-en", "--coverage-file", ""),
        ("history", "--archive", ""),
    ],
)
def test_an_empty_output_path_is_a_usage_error(args: tuple[str, ...]) -> None:
    """`-o "$OUT"` with OUT unset: it wrote the results to stdout and no file, exit 0."""
    result = run(*args)
    assert result.exit_code == 3, result.output
    assert "an empty path: name the file" in result.output


def test_an_output_named_with_up_to_255_bytes_is_written(tmp_path: Path) -> None:
    """A legal file name of 254 bytes (83 Chinese characters): its temporary's name, the
    target's with a dot, a random part and `.tmp`, was over 255 bytes, and the write failed
    with 'File name too long'."""
    name = "考评结果" * 20 + "一二三.json"
    assert len(name.encode()) == 254
    out = tmp_path / name
    result = run("score", "example-en", "--sample", "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert '"scheme": "example-en"' in out.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_an_archive_name_too_long_for_its_journal_is_refused_by_name(tmp_path: Path) -> None:
    """A 249-byte archive name is a legal file name, but SQLite's NAME-journal beside it is
    not: refused before the run with why, not 'unable to open database file'."""
    db = tmp_path / ("档" * 82 + ".db")
    result = run("score", "example-en", "--sample", "--archive", str(db), "--year", "2017")
    assert result.exit_code == 2
    assert "cannot use the archive: its name is over 247 bytes: SQLite writes NAME-journal" in (
        result.stderr
    )
    assert list(tmp_path.iterdir()) == []


def test_a_fifo_named_rules_inside_a_folder_is_refused_not_read(tmp_path: Path) -> None:
    """A FIFO named *.rules in a scheme's folder: `check`, `test` and `score` of the folder
    waited on it forever (no writer), and so did the language server for a file opened there."""
    from kaoping.lsp.schemes import rules_files

    folder = tmp_path / "scheme"
    folder.mkdir()
    shutil.copy(EXAMPLE / "scheme.rules", folder / "scheme.rules")
    (folder / "cases").mkdir()
    shutil.copy(EXAMPLE / "cases" / "basic.yaml", folder / "cases" / "basic.yaml")
    fifo = folder / "b.rules"
    os.mkfifo(fifo)
    message = f"{fifo}: not a regular file (a FIFO) in the folder: remove it, or name the rules"
    for args, code in (
        (("check", str(folder)), 1),
        (("test", str(folder)), 1),
        (("score", str(folder), str(EXAMPLE / "sample.json")), 1),
    ):
        result = run(*args)
        assert result.exit_code == code, result.output
        assert message in result.output
    assert rules_files(folder) == [folder / "scheme.rules"]


def test_sheet_titles_are_ones_excel_opens(tmp_path: Path) -> None:
    """Units named `abc` and `ABC` (one title to Excel, which compares without case), `'x'`
    (an apostrophe may not start or end a title) and `History` (Excel's own): each explanation
    sheet gets a title Excel accepts, and says whose it is on its first line."""
    from openpyxl import load_workbook

    rules = tmp_path / "s.rules"
    rules.write_text(
        '分组 甲组 "甲组"\n输入 分数: 数值 0 至 100 "分数"\n评分 甲组:\n    指标 得分 满分 100 = 分数\n',
        encoding="utf-8",
    )
    data = tmp_path / "d.csv"
    data.write_text(
        "unit,group,分数\nabc,甲组,5\nABC,甲组,6\n'x',甲组,7\nHistory,甲组,8\n", "utf-8"
    )
    out = tmp_path / "r.xlsx"
    result = run("score", str(rules), str(data), "-o", str(out))
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    titles = {wb[t]["A1"].value.split(" (")[0]: t for t in wb.sheetnames[2:]}
    assert titles == {"History": "History_", "'x'": "_x_", "ABC": "ABC", "abc": "abc~2"}
    folded = [t.casefold() for t in wb.sheetnames]
    assert len(set(folded)) == len(folded)


def test_a_text_longer_than_a_cell_is_cut_saying_so(tmp_path: Path) -> None:
    """A record's text of 40,000 characters in an explanation line: openpyxl kept the first
    32,767 characters (Excel's limit) without a word; the cell now says it was cut and where
    the whole text is."""
    from openpyxl import load_workbook

    data = json.loads((EXAMPLE / "sample.json").read_text("utf-8"))
    data["units"][0]["facts"]["成果"][0]["工作"] = "长" * 40_000
    path = tmp_path / "d.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    out = tmp_path / "r.xlsx"
    result = run("score", "example-en", str(path), "-o", str(out))
    assert result.exit_code == 0, result.output
    long = [
        c.value
        for ws in load_workbook(out)
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and len(c.value) > 30_000
    ]
    assert len(long) == 1 and len(long[0]) == 32_767
    assert long[0].endswith("长…（截断：共 40,027 字符，全文见 --format json）")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: " + "[" * 50_000 + "]" * 50_000 + "\n", "document-aliases.yaml: nested too deeply"),
        (
            "a: x\na: y\n",
            "document-aliases.yaml:2:1: not valid YAML: the key 'a' is given twice in one mapping",
        ),
    ],
)
def test_document_aliases_are_read_strictly(tmp_path: Path, text: str, message: str) -> None:
    """`document-aliases.yaml` nested past Python's stack ended `doc` in a RecursionError
    traceback; a word given twice silently kept the second."""
    document = tmp_path / "document.txt"
    document.write_text("附件2\n部署谋划\n", "utf-8")
    (tmp_path / "document-aliases.yaml").write_text(text, "utf-8")
    result = run(
        "doc",
        str(EXAMPLE / "scheme.rules"),
        "--document",
        str(document),
        "-o",
        str(tmp_path / "d.html"),
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "d.html").exists()


@pytest.mark.parametrize("backend", ["unit", "columnar"])
@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ('{"a": 1, "a": 2}', "input 'constants.a': given twice"),
        (
            '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "d.parquet: schema metadata kaoping.constants: nested too deeply to be unit data",
        ),
    ],
)
def test_parquet_constants_are_read_as_strictly_as_json_data(
    tmp_path: Path, backend: str, metadata: str, message: str
) -> None:
    """A Parquet file's `kaoping.constants` giving a constant twice kept the last one (a = 2,
    total 10, said nothing); nested past the stack, it ended in a RecursionError traceback."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rules = tmp_path / "s.rules"
    rules.write_text(
        'group 甲组 "甲组"\nconstant a: number 0 to 10 "a"\ninput 分数: number 0 to 100 "分数"\n'
        "scoring 甲组:\n    item 得分 max 100 = 分数 × a\n",
        "utf-8",
    )
    table = pa.table({"unit": ["A"], "group": ["甲组"], "分数": ["5"]})
    data = tmp_path / "d.parquet"
    pq.write_table(table.replace_schema_metadata({"kaoping.constants": metadata}), data)
    result = run("score", str(rules), str(data), "--backend", backend)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_an_older_archive_altered_to_a_rank_past_sqlites_integers_is_a_data_error(
    archive: Path, tmp_path: Path
) -> None:
    """A schema-1 archive (before the table of unit rows) whose results JSON was altered to
    a rank of 10^30: migrating it ended in OverflowError ('Python int too large to convert to
    SQLite INTEGER'); now a data error naming the run, unit and field, the archive unchanged."""
    old = tmp_path / "old.db"
    shutil.copy(archive, old)
    with contextlib.closing(sqlite3.connect(old)) as db:
        run_id, text = db.execute("SELECT id, results_json FROM runs").fetchone()
        doc = json.loads(text)
        doc["units"][0]["rank"] = 10**30
        db.execute("UPDATE runs SET results_json = ? WHERE id = ?", (json.dumps(doc), run_id))
        db.execute("DROP TABLE unit_results")
        db.execute("PRAGMA user_version = 1")
        db.commit()
    before = old.read_bytes()
    result = run("history", "--archive", str(old))
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    unit = doc["units"][0]["unit"]
    assert (
        f"run {run_id}: unit {unit!r}, field 'rank': a rank is a whole number from 1, got "
        f"{10**30}" in result.stderr
    )
    assert old.read_bytes() == before
