"""`kaoping check --format text|json|sarif|github`: what CI reads. SARIF logs are validated against
the published SARIF 2.1.0 schema (vendored in tests/vendor/sarif), columns are checked where
characters outside the BMP make UTF-16 and code points differ, annotations are parsed back the
way GitHub's runner reads them, and the text summary is the last line a terminal shows."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import jsonschema
import pytest
from click.testing import CliRunner

from kaoping.check_formats.github import escape_data, escape_property
from kaoping.check_formats.sarif import utf16_column
from kaoping.cli import main
from kaoping.diagnostics import CATALOGUE, TITLES

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests/vendor/sarif/sarif-schema-2.1.0.json").read_text("utf-8"))
DOC = ROOT / "docs" / "diagnostics.md"

GOOD = 'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a max 10 = x\n'
# W407 on line 2 (x unused); E201 on line 4: `q` is at character column 21, but `𠮷` (U+20BB7)
# before it is two UTF-16 code units, so SARIF's column is 22
SUPPLEMENTARY = 'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item 𠮷 max 10 = q\n'
# W402 over lines 4-5 (the item's block); E405 on line 7, whose hint contains a `%`
MULTILINE = (
    'group G "g"\ninput n: count "n"\ninput p: number 0 to 100 "p"\nscoring G:\n'
    "    item a max 4:\n        add 1 per n\n"
    "    let w = weighted {p: 60%, n: 30%}\n    flag f if w > 1\n"
)


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["check", *args])


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def validate_sarif(log: dict[str, Any]) -> None:
    validator = jsonschema.Draft4Validator(
        SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def sarif(*args: str) -> tuple[int, dict[str, Any]]:
    result = run(*args, "--format", "sarif")
    log = json.loads(result.stdout)
    validate_sarif(log)
    return result.exit_code, log


# ------------------------------------------------------------------ SARIF


def test_the_vendored_schema_is_the_published_sarif_2_1_0_schema() -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    # and it rejects what it should: a log without runs, a result with a column of 0
    validator = jsonschema.Draft4Validator(SCHEMA)
    assert not validator.is_valid({"version": "2.1.0"})
    region_schema = {**SCHEMA, "$ref": "#/definitions/region"}
    assert not jsonschema.Draft4Validator(region_schema).is_valid({"startColumn": 0})


def test_sarif_of_a_clean_file_is_valid_and_has_no_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "good.rules", GOOD)
    code, log = sarif("good.rules")
    assert code == 0
    [run_] = log["runs"]
    assert log["version"] == "2.1.0"
    assert run_["results"] == []
    assert run_["invocations"] == [
        {"executionSuccessful": True, "exitCode": 0, "toolExecutionNotifications": []}
    ]
    assert [a["location"]["uri"] for a in run_["artifacts"]] == ["good.rules"]


def test_sarif_rules_cover_every_code_with_title_level_and_docs_anchor(tmp_path: Path) -> None:
    path = write(tmp_path, "good.rules", GOOD)
    _, log = sarif(str(path))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert log["runs"][0]["tool"]["driver"]["name"] == "kaoping"
    assert [r["id"] for r in rules] == list(CATALOGUE)
    headings = set(re.findall(r"^## ([EWK]\d{3})$", DOC.read_text("utf-8"), flags=re.M))
    for rule in rules:
        code = rule["id"]
        assert rule["shortDescription"]["text"] == TITLES[code][0]
        level = "warning" if code.startswith("W") else "error"
        assert rule["defaultConfiguration"] == {"level": level}
        # by default, this source tree's docs/diagnostics.md, at the code's own heading
        uri = urlparse(rule["helpUri"])
        assert uri.scheme == "file" and Path(unquote(uri.path)) == DOC
        assert uri.fragment == code.lower() and code in headings


def test_docs_url_sets_every_help_uri_and_lang_zh_the_titles(tmp_path: Path) -> None:
    path = write(tmp_path, "good.rules", GOOD)
    base = "https://docs.example.org/kaoping/diagnostics.html"
    _, log = sarif(str(path), "--docs-url", base, "--lang", "zh")
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["helpUri"] for r in rules] == [f"{base}#{code.lower()}" for code in CATALOGUE]
    assert [r["shortDescription"]["text"] for r in rules] == [TITLES[c][1] for c in CATALOGUE]


@pytest.mark.parametrize(
    "url",
    ["docs/diagnostics.md", "diagnostics.html", "//example.org/d.html", "https://x.org/d#top"],
)
def test_docs_url_not_an_absolute_url_is_a_usage_error(tmp_path: Path, url: str) -> None:
    """A relative helpUri makes a SARIF log code scanning cannot link from (the schema's
    `format: uri` is an absolute URI); a fragment would be followed by a second `#code`."""
    path = write(tmp_path, "good.rules", GOOD)
    result = run(str(path), "--format", "sarif", "--docs-url", url)
    assert result.exit_code == 3, result.output
    assert f"{url!r} is not an absolute URL without a #fragment" in result.output
    assert result.stdout == ""


def test_docs_url_may_be_a_file_uri(tmp_path: Path) -> None:
    path = write(tmp_path, "good.rules", GOOD)
    code, log = sarif(str(path), "--docs-url", DOC.as_uri())
    assert code == 0
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"].startswith("file:///")


def test_sarif_results_locations_and_utf16_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "规则/考评.rules", SUPPLEMENTARY)
    code, log = sarif("规则/考评.rules")
    assert code == 1
    [run_] = log["runs"]
    assert run_["columnKind"] == "utf16CodeUnits"
    rules = run_["tool"]["driver"]["rules"]
    w407, e201 = run_["results"]
    assert (w407["ruleId"], w407["level"]) == ("W407", "warning")
    assert (e201["ruleId"], e201["level"]) == ("E201", "error")
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert e201["message"]["text"] == (
        "unknown name 'q'\nhint: declare it as an input, a value or an enum value"
    )
    [location] = e201["locations"]
    physical = location["physicalLocation"]
    assert physical["region"] == {"startLine": 4, "startColumn": 22, "endLine": 4, "endColumn": 23}
    # W407 spans `input x: number 0 to 10 "x"`, all BMP: UTF-16 columns are character columns
    assert w407["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2,
        "startColumn": 1,
        "endLine": 2,
        "endColumn": 28,
    }
    # the relative path, percent-encoded, resolves against SRCROOT to the file itself
    artifact = physical["artifactLocation"]
    assert artifact["uri"] == "%E8%A7%84%E5%88%99/%E8%80%83%E8%AF%84.rules"
    assert run_["artifacts"][artifact["index"]]["location"]["uri"] == artifact["uri"]
    base = run_["originalUriBaseIds"][artifact["uriBaseId"]]["uri"]
    resolved = urlparse(urljoin(base, artifact["uri"]))
    assert resolved.scheme == "file"
    assert Path(unquote(resolved.path)) == (tmp_path / "规则" / "考评.rules").resolve()
    # and the region is where the text format points, counted in the unit SARIF declares
    line = SUPPLEMENTARY.split("\n")[3]
    assert line.encode("utf-16-le")[(22 - 1) * 2 : (23 - 1) * 2].decode("utf-16-le") == "q"


def test_utf16_column() -> None:
    assert utf16_column("    item 甲 = q", 12) == 12  # BMP characters are one unit each
    assert utf16_column("𠮷𠮷q", 3) == 5
    assert utf16_column("ab", 3) == 3  # just past the end
    assert utf16_column("𠮷", 4) == 5  # past the end: one unit per column


def test_sarif_of_an_installed_scheme_uses_file_uris_and_is_valid() -> None:
    code, log = sarif("example-zh")
    assert code == 0
    for artifact in log["runs"][0]["artifacts"]:
        uri = urlparse(artifact["location"]["uri"])
        assert uri.scheme == "file" and Path(unquote(uri.path)).is_file()
    assert "originalUriBaseIds" not in log["runs"][0]


def test_sarif_reports_an_unreadable_file_as_a_failed_execution(tmp_path: Path) -> None:
    bad = tmp_path / "gbk.rules"
    bad.write_bytes("分组 单位\n".encode("gbk"))
    good = write(tmp_path, "good.rules", GOOD)
    code, log = sarif(str(bad), str(good))
    assert code == 1
    [invocation] = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 1
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "not UTF-8" in note["message"]["text"]
    assert str(bad) in note["message"]["text"]


def test_sarif_of_every_installed_scheme_and_a_multiline_span_is_valid(tmp_path: Path) -> None:
    sarif()  # validated inside
    path = write(tmp_path, "m.rules", MULTILINE)
    _, log = sarif(str(path))
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in log["runs"][0]["results"]]
    w402 = regions[0]  # the item's block: lines 5 to 6
    assert (w402["startLine"], w402["startColumn"], w402["endLine"]) == (5, 5, 6)


# ------------------------------------------------------------------ JSON


def test_json_shape_per_diagnostic_file_target_and_summary(tmp_path: Path) -> None:
    folder = tmp_path / "scheme"
    write(folder, "a.rules", 'group G "g"\ninput x: number 0 to 10 "x"\n')
    write(folder, "b.rules", "scoring G:\n    item a max 10 = x\n    item b max 10 = q\n")
    good = write(tmp_path, "good.rules", GOOD)
    result = run(str(folder), str(good), "--format", "json")
    assert result.exit_code == 1
    assert result.stderr == ""  # machine-readable output alone, on stdout
    report = json.loads(result.stdout)
    assert list(report) == [
        "tool",
        "version",
        "format",
        "lang",
        "targets",
        "files",
        "diagnostics",
        "summary",
    ]
    assert (report["tool"], report["format"], report["lang"]) == ("kaoping", 1, "en")
    a, b = str(folder / "a.rules"), str(folder / "b.rules")
    assert report["diagnostics"] == [
        {
            "code": "E201",
            "severity": "error",
            "message": "unknown name 'q'",
            "hint": "declare it as an input, a value or an enum value",
            "file": b,
            "line": 3,
            "column": 21,
            "end_line": 3,
            "end_column": 22,
            "target": str(folder),
        }
    ]
    assert report["files"] == [
        {"file": a, "target": str(folder), "status": "ok", "errors": 0, "warnings": 0},
        {"file": b, "target": str(folder), "status": "failed", "errors": 1, "warnings": 0},
        {"file": str(good), "target": str(good), "status": "ok", "errors": 0, "warnings": 0},
    ]
    assert report["targets"] == [
        {
            "target": str(folder),
            "status": "failed",
            "problem": None,
            "files": 2,
            "errors": 1,
            "warnings": 0,
        },
        {
            "target": str(good),
            "status": "ok",
            "problem": None,
            "files": 1,
            "errors": 0,
            "warnings": 0,
        },
    ]
    assert report["summary"] == {
        "status": "failed",
        "exit_code": 1,
        "targets": 2,
        "files": 3,
        "errors": 1,
        "warnings": 0,
    }


def test_json_in_chinese_counts_characters_and_names_problems(tmp_path: Path) -> None:
    path = write(tmp_path, "t.rules", SUPPLEMENTARY)
    missing_rules = tmp_path / "empty"
    missing_rules.mkdir()
    result = run(str(path), str(missing_rules), "--format", "json", "--lang", "zh")
    report = json.loads(result.stdout)
    e201 = report["diagnostics"][1]
    assert e201["message"] == "未定义的名称 'q'" and e201["column"] == 21  # characters, not UTF-16
    assert report["diagnostics"][0]["severity"] == "warning"
    empty = report["targets"][1]
    assert empty["status"] == "failed" and "no .rules files" in empty["problem"]
    assert report["summary"]["exit_code"] == result.exit_code == 1


# ------------------------------------------------------------------ GitHub annotations


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as GitHub's runner reads it: `::KIND k=v,k=v::DATA`, then unescaped."""
    m = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert m, line

    def unescape(text: str) -> str:
        for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            text = text.replace(code, char)
        return text

    props = dict(p.split("=", 1) for p in m.group(2).split(","))
    return m.group(1), {k: unescape(v) for k, v in props.items()}, unescape(m.group(3))


def test_escaping_round_trips_through_the_runners_reading() -> None:
    nasty = "50%, a:b\r\nc"
    kind, props, data = parse_command(
        f"::error file={escape_property(nasty)},title=T::{escape_data(nasty)}"
    )
    assert (kind, props, data) == ("error", {"file": nasty, "title": "T"}, nasty)
    assert escape_data(nasty) == "50%25, a:b%0D%0Ac"
    assert escape_property(nasty) == "50%25%2C a%3Ab%0D%0Ac"


def test_github_annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a,b:c.rules", MULTILINE)
    result = run("a,b:c.rules", "--format", "github")
    assert result.exit_code == 1 and result.stderr == ""
    lines = result.stdout.strip().split("\n")
    assert lines[-1] == "a,b:c.rules: FAILED (1 error(s), 1 warning(s), 1 file(s))"
    w402, e405 = (parse_command(line) for line in lines[:-1])
    # a span over several lines: no columns (GitHub takes them only on one line)
    assert w402[0] == "warning"
    assert w402[1] == {"file": "a,b:c.rules", "line": "5", "endLine": "6", "title": "W402"}
    assert w402[2].startswith("'a' can reach +∞, above its maximum 4, and has no cap\nhint: ")
    assert e405[0] == "error"
    assert e405[1] == {
        "file": "a,b:c.rules",
        "line": "7",
        "col": "13",
        "endColumn": "38",
        "title": "E405",
    }
    assert e405[2] == "weights add up to 90%, not 100%\nhint: make the weights add up to 100%"
    assert "100%25" in lines[1]


def test_github_annotation_for_a_target_that_cannot_be_read(tmp_path: Path) -> None:
    bad = tmp_path / "gbk.rules"
    bad.write_bytes("分组 单位\n".encode("gbk"))
    result = run(str(bad), "--format", "github", "--lang", "zh")
    kind, props, data = parse_command(result.stdout.split("\n")[0])
    assert (kind, props["file"], props["title"]) == ("error", str(bad), "kaoping")
    assert "not UTF-8" in data
    assert result.stdout.strip().split("\n")[-1] == f"{bad}: 未通过"


# ------------------------------------------------------------------ text: the summary comes last


def test_text_summary_is_the_last_line_across_stdout_and_stderr(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.rules", SUPPLEMENTARY)
    good = write(tmp_path, "good.rules", GOOD)
    env = {**os.environ, "KAOPING_LANG": "en"}
    proc = subprocess.run(
        [sys.executable, "-m", "kaoping.cli", "check", str(bad), str(good)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # one stream, in the order written, as a CI log shows it
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    lines = proc.stdout.rstrip("\n").split("\n")
    assert lines[-1] == "total: FAILED (1 error(s), 1 warning(s), 2 file(s) in 2 target(s))"
    assert lines[-2] == f"{good}: ok (0 error(s), 0 warning(s), 1 file(s))"
    assert lines[-3] == f"{bad}: FAILED (1 error(s), 1 warning(s), 1 file(s))"
    diagnostics = [i for i, line in enumerate(lines) if line.startswith(f"{bad}:4:21: error E201")]
    assert diagnostics and diagnostics[0] < len(lines) - 3


def test_text_one_target_its_status_line_is_the_summary(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.rules", SUPPLEMENTARY)
    result = run(str(bad), "--lang", "zh")
    assert result.stdout == f"{bad}: 未通过(1 个错误,1 个警告,1 个文件)\n"
    assert "错误 E201" in result.stderr and "警告 W407" in result.stderr


def test_text_in_chinese_total_line(tmp_path: Path) -> None:
    good = write(tmp_path, "good.rules", GOOD)
    result = run(str(good), "example-zh", "--lang", "zh")
    assert result.exit_code == 0
    assert result.stdout.strip().split("\n")[-1] == "合计: 通过(0 个错误,0 个警告,2 项共 2 个文件)"


# ------------------------------------------------------------------ --folders


def test_folders_checks_the_whole_scheme_a_changed_file_belongs_to(tmp_path: Path) -> None:
    scheme = tmp_path / "scheme"
    declarations = write(scheme, "scheme.rules", 'group G "g"\ninput x: number 0 to 10 "x"\n')
    scoring = write(scheme, "scoring.rules", "scoring G:\n    item a max 10 = x\n")
    case = write(scheme, "cases/basic.yaml", "cases: []\n")
    alone = run(str(scoring))
    assert alone.exit_code == 1  # `x` and `G` are declared in the other file
    together = run("--folders", str(scoring), str(declarations), str(case))
    assert together.exit_code == 0, together.output
    assert together.stdout == f"{scheme}: ok (0 error(s), 0 warning(s), 2 file(s))\n"
    # renaming the input in one file breaks the other: checked as a whole, that is caught
    declarations.write_text('group G "g"\ninput y: number 0 to 10 "y"\n', "utf-8")
    broken = run("--folders", str(declarations), "--format", "json")
    assert broken.exit_code == 1
    [e201] = [d for d in json.loads(broken.stdout)["diagnostics"] if d["code"] == "E201"]
    assert e201["file"] == str(scoring)


def test_docs_ci_json_example_has_the_shape_check_writes(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "ci.md").read_text("utf-8")
    [example] = re.findall(r"^```json\n(.*?)^```$", text, flags=re.M | re.S)
    documented = json.loads(example)
    path = write(tmp_path, "t.rules", SUPPLEMENTARY)
    written = json.loads(run(str(path), "--format", "json").stdout)
    assert list(documented) == list(written)
    for key in ("targets", "files", "diagnostics"):
        assert list(documented[key][0]) == list(written[key][0]), key
    assert list(documented["summary"]) == list(written["summary"])
    rows = re.findall(r"^\| `(\w+)(?:\[\])?` \|", text, flags=re.M)
    assert set(rows) >= {"format", "targets", "files", "diagnostics", "summary"}
