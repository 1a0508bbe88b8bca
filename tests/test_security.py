"""What another local user can plant and what a careless command line can ask for, and what
must never follow: code running from a planted parser cache, an output file half-written, mixed
with another run's, written through a planted link, or written over an input of the run."""

from __future__ import annotations

import errno
import json
import marshal
import os
import pickle
import stat
import subprocess
import sys
import threading
from pathlib import Path
from xml.etree import ElementTree as ET

import lark
import pytest
from click.testing import CliRunner
from lark import Token, Tree

from helpers_hostile import RULES, data_doc
from kaoping.cli import main
from kaoping.errors import OutputError
from kaoping.grammar import tables
from kaoping.grammar.parse import _Lark, runtime_options
from kaoping.io import output
from kaoping.io.output import write_output
from kaoping.plugins.manager import default_registry


@pytest.fixture
def scheme_and_data(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "t.rules"
    rules.write_text(RULES, "utf-8")
    data = tmp_path / "data.json"
    data.write_text(json.dumps(data_doc(3, 4), ensure_ascii=False), "utf-8")
    return rules, data


def kaoping(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    """The real command in a fresh process (what concurrency and special files need)."""
    return subprocess.run(
        [sys.executable, "-m", "kaoping.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ------------------------------------------------------------------ the parser's tables

# How kaoping built its parser before the tables were shipped: Lark's `cache=True` pickles the
# tables into the shared temp folder, under a name anyone can compute, and unpickles them on the
# next run. The repr below is the position callback's, which went into the file's name.
OLD_WAY = """
import sys, tempfile
from lark import Lark
from kaoping.grammar import tables
from kaoping.grammar.parse import _RulesIndenter, _takes_space

class TakesSpace:
    def __call__(self, node):
        return _takes_space(node)
    def __repr__(self):
        return "kaoping.grammar.parse._TakesSpace()"

Lark(tables.grammar_text(), parser="lalr", postlex=_RulesIndenter(),
     propagate_positions=TakesSpace(), maybe_placeholders=False, cache=True)
"""

# a process that fails if anything is unpickled, or anything in the temp folder is opened
AUDITED = """
import os, sys, tempfile
temp = os.path.realpath(tempfile.gettempdir())
def audit(event, args):
    if event == "pickle.find_class":
        os._exit(97)
    if event == "open" and isinstance(args[0], str) and \\
            os.path.realpath(args[0]).startswith(temp + os.sep):
        os._exit(98)
sys.addaudithook(audit)
from kaoping.cli import main
main()
"""


def hostile_pickle(marker: Path) -> bytes:
    """A file that runs code when unpickled: it creates `marker`."""

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    return b"0" * 64 + b"\n" + pickle.dumps(Payload())


def test_a_hostile_pickle_where_the_old_parser_cache_lived_is_never_loaded(
    tmp_path: Path,
) -> None:
    temp = tmp_path / "shared-temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    made = subprocess.run([sys.executable, "-c", OLD_WAY], env=env, capture_output=True)
    assert made.returncode == 0, made.stderr
    planted = [p for p in temp.iterdir() if p.name.startswith(".lark_cache")]
    assert len(planted) == 1  # the name the old way reads: the attacker's target
    marker = tmp_path / "code-ran"
    planted[0].write_bytes(hostile_pickle(marker))
    planted[0].chmod(0o666)
    # the attack is real: the old way runs the planted code
    subprocess.run([sys.executable, "-c", OLD_WAY], env=env, capture_output=True)
    assert marker.exists()
    marker.unlink()

    rules = tmp_path / "t.rules"
    rules.write_text(RULES, "utf-8")
    data = tmp_path / "data.json"
    data.write_text(json.dumps(data_doc(3)), "utf-8")
    for args in (["check", "example-zh"], ["score", str(rules), str(data)]):
        done = kaoping(*args, env=env)
        assert done.returncode == 0, done.stderr
        assert not marker.exists()
    assert sorted(p.name for p in temp.iterdir()) == [planted[0].name]  # nothing new written


def test_parsing_unpickles_nothing_and_opens_nothing_in_the_temp_folder(tmp_path: Path) -> None:
    temp = tmp_path / "shared-temp"
    temp.mkdir()
    rules = tmp_path / "t.rules"
    rules.write_text(RULES, "utf-8")
    env = {**os.environ, "TMPDIR": str(temp)}
    for args in (["check", str(rules), "example-zh"], ["compile", "anfu-2017"]):
        done = subprocess.run(
            [sys.executable, "-c", AUDITED, *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (done.returncode, done.stderr)
    assert list(temp.iterdir()) == []


def _shape(tree: object) -> list[object]:
    """A tree as comparable data: rule names, token types and texts, and every position."""
    out: list[object] = []

    def walk(node: object) -> None:
        if isinstance(node, Token):
            out.append(("token", node.type, str(node), node.line, node.column, node.end_pos))
        elif isinstance(node, Tree):
            meta = node.meta
            where = (
                (meta.line, meta.column, meta.end_line, meta.end_column) if not meta.empty else ()
            )
            out.append(("tree", node.data, where, len(node.children)))
            for child in node.children:
                walk(child)

    walk(tree)
    return out


def test_the_shipped_tables_are_the_grammars() -> None:
    shipped = tables.read_tables()
    assert shipped is not None, f"{tables.TABLES_FILE} is missing or not parser tables"
    assert shipped["grammar_sha256"] == tables.grammar_digest(tables.grammar_text()), (
        "kaoping.lark changed: rebuild the tables with `python scripts/build_parser_tables.py`"
    )
    loaded, from_tables = tables.load(_Lark, **runtime_options())
    # an installed Lark other than the one the tables were built with builds the parser instead
    assert from_tables == (shipped["lark"] == lark.__version__)
    built = tables.build(_Lark, **runtime_options())
    sources = sorted(Path(__file__).parents[1].glob("src/kaoping/schemes/*/*.rules"))
    sources += sorted(Path(__file__).parent.glob("goldens/*.rules"))
    assert len(sources) > 10
    for path in sources:
        text = path.read_text("utf-8")
        assert _shape(loaded.parse(text)) == _shape(built.parse(text)), path


def test_tables_that_are_not_this_formats_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file cut short, of another format or of other data: the parser is built instead."""
    good = (Path(tables.__file__).with_name(tables.TABLES_FILE)).read_bytes()
    shipped = marshal.loads(good)
    for bad in (
        good[: len(good) // 2],
        b"",
        marshal.dumps([1, 2, 3]),
        marshal.dumps({**shipped, "format": tables.FORMAT + 1}),
        marshal.dumps({**shipped, "grammar_sha256": "0" * 64}),
    ):

        class Files:
            def joinpath(self, name: str) -> Files:
                return self

            def read_bytes(self, data: bytes = bad) -> bytes:
                return data

            def read_text(self, encoding: str) -> str:
                return (Path(tables.__file__).with_name("kaoping.lark")).read_text(encoding)

        monkeypatch.setattr(tables.resources, "files", lambda package: Files())
        parser, from_tables = tables.load(_Lark, **runtime_options())
        assert not from_tables
        assert parser.parse('scheme "s"\n').data == "start"


def test_the_shipped_tables_hold_only_data() -> None:
    """What marshal reads is plain data: reading it creates no code object and runs nothing."""
    shipped = tables.read_tables()
    seen: list[type] = []

    def walk(value: object) -> None:
        seen.append(type(value))
        if isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(shipped)
    assert set(seen) <= {dict, list, tuple, str, int, float, bool, type(None)}


# ------------------------------------------------------------------ writing -o and --junitxml


def test_concurrent_writers_leave_one_complete_file(tmp_path: Path) -> None:
    rules = tmp_path / "t.rules"
    rules.write_text(RULES, "utf-8")
    out = tmp_path / "results.json"
    runs = []
    for k in range(4):  # four different data files: each run's result is recognisable
        data = tmp_path / f"data{k}.json"
        data.write_text(json.dumps(data_doc(*([k] * 300)), ensure_ascii=False), "utf-8")
        fmt_out = ["--format", "json", "-o", str(out)]
        runs.append(
            subprocess.Popen(
                [sys.executable, "-m", "kaoping.cli", "score", str(rules), str(data), *fmt_out],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    doc = json.loads(out.read_text("utf-8"))  # complete: it parses
    facts = {u["facts"]["信息报送次数"] for u in doc["units"]}
    assert len(doc["units"]) == 300 and len(facts) == 1  # and it is one run's, not a mixture
    assert leftovers(tmp_path) == []


def test_a_writer_that_starts_first_and_ends_last_is_not_mixed_with_another(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.txt"
    second_done = threading.Event()

    def slow():
        yield "first writer, part one\n"
        second_done.wait(timeout=30)  # the second writer starts and ends in between
        yield "first writer, part two\n"

    first = threading.Thread(target=write_output, args=(target, slow()))
    first.start()
    write_output(target, ["second writer\n"])
    assert target.read_text("utf-8") == "second writer\n"
    second_done.set()
    first.join(timeout=30)
    assert target.read_text("utf-8") == "first writer, part one\nfirst writer, part two\n"
    assert leftovers(tmp_path) == []


def test_a_symlink_planted_at_the_old_temporary_name_is_not_followed(
    scheme_and_data: tuple[Path, Path], tmp_path: Path
) -> None:
    rules, data = scheme_and_data
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", "utf-8")
    out = tmp_path / "results.json"
    (tmp_path / "results.json.tmp").symlink_to(victim)
    result = CliRunner().invoke(main, ["score", str(rules), str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert victim.read_text("utf-8") == "precious\n"
    assert (tmp_path / "results.json.tmp").is_symlink()
    assert "单位1" in out.read_text("utf-8")


def test_the_output_file_keeps_its_permissions(
    scheme_and_data: tuple[Path, Path], tmp_path: Path
) -> None:
    rules, data = scheme_and_data
    out = tmp_path / "results.txt"
    out.write_text("old\n", "utf-8")
    out.chmod(0o640)
    result = CliRunner().invoke(main, ["score", str(rules), str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert "单位1" in out.read_text("utf-8")


def test_a_new_output_file_gets_the_umask_default(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_output(tmp_path / "new.txt", ["x\n"])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


@pytest.mark.parametrize("via", ["same path", "symlink", "hard link"])
def test_output_equal_to_the_data_file_is_refused(
    scheme_and_data: tuple[Path, Path], tmp_path: Path, via: str
) -> None:
    rules, data = scheme_and_data
    before = data.read_bytes()
    target = data
    if via == "symlink":
        target = tmp_path / "link.json"
        target.symlink_to(data)
    elif via == "hard link":
        target = tmp_path / "hard.json"
        os.link(data, target)
    result = CliRunner().invoke(main, ["score", str(rules), str(data), "-o", str(target)])
    assert result.exit_code == 2
    assert "refusing to write" in result.output and "input of this run" in result.output
    assert data.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_output_equal_to_the_rules_file_or_history_is_refused(
    scheme_and_data: tuple[Path, Path], tmp_path: Path
) -> None:
    rules, data = scheme_and_data
    before = rules.read_bytes()
    result = CliRunner().invoke(main, ["score", str(rules), str(data), "-o", str(rules)])
    assert result.exit_code == 2 and "refusing to write" in result.output
    assert rules.read_bytes() == before
    history = tmp_path / "last-year.json"
    history.write_text('{"scheme": "t", "units": []}', "utf-8")
    result = CliRunner().invoke(
        main, ["score", str(rules), str(data), "--history", str(history), "-o", str(history)]
    )
    assert result.exit_code == 2 and "refusing to write" in result.output
    assert history.read_text("utf-8") == '{"scheme": "t", "units": []}'


def test_junit_report_over_a_cases_file_is_refused(tmp_path: Path) -> None:
    cases = default_registry().cases("example-zh")[0]
    before = cases.read_bytes()
    result = CliRunner().invoke(main, ["test", "example-zh", "--junitxml", str(cases)])
    assert result.exit_code == 2 and "refusing to write" in result.output
    assert cases.read_bytes() == before


def test_junit_report_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "report.xml"
    result = CliRunner().invoke(main, ["test", "example-zh", "--junitxml", str(out)])
    assert result.exit_code == 0, result.output
    suite = ET.parse(out).getroot()
    assert suite.tag == "testsuite" and int(suite.get("tests", "0")) > 0
    assert leftovers(tmp_path) == []


def test_a_symlinked_output_is_written_through_and_the_link_kept(
    scheme_and_data: tuple[Path, Path], tmp_path: Path
) -> None:
    rules, data = scheme_and_data
    real = tmp_path / "real" / "results.txt"
    real.parent.mkdir()
    real.write_text("old\n", "utf-8")
    link = tmp_path / "latest.txt"
    link.symlink_to(real)
    result = CliRunner().invoke(main, ["score", str(rules), str(data), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "单位1" in real.read_text("utf-8")
    assert leftovers(tmp_path) == [] and leftovers(real.parent) == []


def test_a_fifo_is_written_directly_not_replaced(
    scheme_and_data: tuple[Path, Path], tmp_path: Path
) -> None:
    rules, data = scheme_and_data
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = kaoping("score", str(rules), str(data), "-o", str(fifo))
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert "单位1" in received[0].decode("utf-8")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still the FIFO, not a file put in its place
    assert leftovers(tmp_path) == []


def test_dev_stdout_is_written_directly(scheme_and_data: tuple[Path, Path]) -> None:
    rules, data = scheme_and_data
    done = kaoping("score", str(rules), str(data), "-o", "/dev/stdout")
    assert done.returncode == 0, done.stderr
    assert "单位1" in done.stdout


def test_a_folder_or_an_unwritable_folder_is_a_message(
    scheme_and_data: tuple[Path, Path], tmp_path: Path
) -> None:
    rules, data = scheme_and_data
    with pytest.raises(OutputError, match="it is a folder"):
        write_output(tmp_path, ["x"])
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root writes anywhere: a missing folder instead
            locked = tmp_path / "missing"
        result = CliRunner().invoke(
            main, ["score", str(rules), str(data), "-o", str(locked / "out.txt")]
        )
    finally:
        (tmp_path / "locked").chmod(0o700)
    assert result.exit_code == 2 and "cannot write" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_no_temporary_is_left_when_the_write_fails(tmp_path: Path, failure: type) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n", "utf-8")

    def chunks():
        yield "part one\n"
        raise failure()

    with pytest.raises(failure):
        write_output(target, chunks())
    assert target.read_text("utf-8") == "old\n"
    assert leftovers(tmp_path) == []


def test_a_large_output_is_written_whole_while_it_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks (text, bytes, views of a buffer) are written by a thread and synced every few
    bytes: the file holds them all, in order."""
    monkeypatch.setattr(output, "_SYNC_EVERY", 10)
    synced: list[int] = []
    real = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (synced.append(fd), real(fd))[1])
    parts = [f"line {i}\n" for i in range(500)]
    chunks = [
        p if i % 3 == 0 else p.encode() if i % 3 == 1 else memoryview(p.encode())
        for i, p in enumerate(parts)
    ]
    target = tmp_path / "out.txt"
    write_output(target, iter(chunks))
    assert target.read_text("utf-8") == "".join(parts)
    assert len(synced) >= 100 and leftovers(tmp_path) == []


def test_a_disk_that_fills_while_writing_is_a_message_and_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "_SYNC_EVERY", 10)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fdatasync", full)
    made = []

    def chunks():
        for i in range(1000):
            made.append(i)
            yield f"line {i}\n"

    target = tmp_path / "out.txt"
    target.write_text("old\n", "utf-8")
    with pytest.raises(OutputError, match="No space left on device"):
        write_output(target, chunks())
    assert target.read_text("utf-8") == "old\n" and leftovers(tmp_path) == []
    assert len(made) < 1000  # the run stops making output once it cannot be written


def test_text_that_cannot_be_encoded_is_a_message_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(OutputError, match="not valid Unicode"):
        write_output(target, ["unit ", "\ud800", "\n"])
    assert not target.exists() and leftovers(tmp_path) == []


def test_a_workbook_output_over_an_input_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "t.rules"
    rules.write_text(RULES, "utf-8")
    link = tmp_path / "t.xlsx"  # named as a workbook, but it is the rules file
    link.symlink_to(rules)
    result = CliRunner().invoke(main, ["template", str(rules), "-o", str(link)])
    assert result.exit_code == 2 and "refusing to write" in result.output
    assert rules.read_text("utf-8") == RULES


def test_a_workbook_is_written_whole_with_its_permissions_kept(
    scheme_and_data: tuple[Path, Path], tmp_path: Path
) -> None:
    rules, data = scheme_and_data
    out = tmp_path / "results.xlsx"
    out.write_bytes(b"old")
    out.chmod(0o640)
    result = CliRunner().invoke(main, ["score", str(rules), str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"  # a zip: the workbook, whole
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []
