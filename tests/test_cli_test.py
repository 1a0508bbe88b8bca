"""`kaoping test` on a rules folder or file: the cases in `cases/*.yaml` beside the rules run as
they would for the installed scheme, so a scheme can be tested before it is packaged."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml
from click.testing import CliRunner, Result

from kaoping.cli import main
from kaoping.scaffold import package_name, scaffold

ID = "folder-2024"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A scheme folder as `new-scheme` writes it: scheme.rules, cases/basic.yaml, sample.json."""
    return scaffold(ID, tmp_path) / "src" / package_name(ID)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["test", *args])


def _summary(result: Result) -> tuple[int, int]:
    last = result.stdout.strip().splitlines()[-1].split()
    assert last[1:] == ["passed,", last[2], "failed"], result.stdout
    return int(last[0]), int(last[2])


def test_a_rules_folder_runs_the_cases_beside_it(folder: Path) -> None:
    result = run(str(folder))
    assert result.exit_code == 0, result.output
    cases = yaml.safe_load((folder / "cases" / "basic.yaml").read_text("utf-8"))["cases"]
    assert _summary(result) == (len(cases), 0)
    for case in cases:
        assert f"ok   {folder}: {case['name']}" in result.stdout


def test_a_rules_file_runs_the_cases_of_its_folder(folder: Path) -> None:
    result = run(str(folder / "scheme.rules"))
    assert result.exit_code == 0, result.output
    assert _summary(result)[0] >= 2


def test_a_failing_case_in_a_folder_fails_the_run(folder: Path) -> None:
    path = folder / "cases" / "basic.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    case = next(c for c in doc["cases"] if "expect" in c)
    unit = next(iter(case["expect"]))
    case["expect"][unit]["total"] = "99.5"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    result = run(str(folder))
    assert result.exit_code == 1
    assert f"FAIL {folder}: {case['name']}" in result.stdout
    assert "expected 99.5" in result.stdout
    assert _summary(result)[1] == 1


def test_installed_ids_and_folders_together(folder: Path) -> None:
    result = run("example-zh", str(folder))
    assert result.exit_code == 0, result.output
    assert "ok   example-zh: " in result.stdout and f"ok   {folder}: " in result.stdout


def test_a_folder_without_cases_is_a_failure_not_a_silent_pass(tmp_path: Path) -> None:
    (tmp_path / "s.rules").write_text(
        (Path(__file__).parents[1] / "src/kaoping/schemes/example_zh/scheme.rules").read_text(
            "utf-8"
        ),
        "utf-8",
    )
    result = run(str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path / 'cases'}: no golden cases (*.yaml) beside the rules" in result.stdout
    assert _summary(result) == (0, 1)


def test_a_malformed_case_file_is_named_without_a_traceback(folder: Path) -> None:
    bad = folder / "cases" / "broken.yaml"
    bad.write_text("cases: [\n  - name: x\n", "utf-8")
    result = run(str(folder))
    assert result.exit_code == 1
    assert f"{bad}:2:3: not valid YAML: expected the node content" in result.stdout
    assert isinstance(result.exception, SystemExit)  # a message, not a crash


def test_rules_errors_in_a_folder_fail_with_the_diagnostic(folder: Path) -> None:
    (folder / "scheme.rules").write_text('方案 "x"\n分组 单位\n评分 未知组:\n', "utf-8")
    result = run(str(folder))
    assert result.exit_code == 1
    assert f"FAIL {folder}: " in result.stdout and "scheme.rules:" in result.stdout


def test_a_path_that_is_not_there_is_an_unknown_scheme(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nothing"))
    assert result.exit_code == 3
    assert "no installed scheme" in result.stdout


def test_junit_report_names_the_folder(folder: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    result = run(str(folder), "--junitxml", str(report))
    assert result.exit_code == 0, result.output
    suite = ET.parse(report).getroot()
    names = {case.get("classname") for case in suite.iter("testcase")}
    assert names == {str(folder)}
    assert suite.get("failures") == "0"


def test_sample_of_a_rules_folder_is_the_sample_beside_its_rules(folder: Path) -> None:
    # `new-scheme` puts sample.json beside scheme.rules: --sample reads it before installing
    data = json.loads((folder / "sample.json").read_text("utf-8"))
    result = CliRunner().invoke(main, ["score", str(folder), "--sample", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert {u["unit"] for u in json.loads(result.stdout)["units"]} == {
        u["unit"] for u in data["units"]
    }


def test_sample_of_a_copied_installed_scheme_is_the_copys_own(tmp_path: Path) -> None:
    # a folder named like an installed scheme (a copy to edit, as `diff` suggests) is not it
    copy = tmp_path / "example-zh"
    copy.mkdir()
    (copy / "s.rules").write_text(
        '分组 甲组\n输入 x: 数值 0 至 9 "x"\n评分 甲组:\n    指标 a = x\n', "utf-8"
    )
    (copy / "sample.json").write_text(
        json.dumps({"units": [{"unit": "副本单位", "group": "甲组", "facts": {"x": 3}}]}), "utf-8"
    )
    result = CliRunner().invoke(main, ["score", str(copy), "--sample", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [u["unit"] for u in json.loads(result.stdout)["units"]] == ["副本单位"]
    (copy / "sample.json").unlink()
    result = CliRunner().invoke(main, ["score", str(copy), "--sample"])
    assert result.exit_code == 3 and "ships no sample data" in result.output


def test_template_sample_of_a_rules_folder_prefills_its_units(folder: Path, tmp_path: Path) -> None:
    # once a traceback (the folder's name taken for an installed scheme's id)
    from openpyxl import load_workbook

    out = tmp_path / "数据.xlsx"
    result = CliRunner().invoke(main, ["template", str(folder), "--sample", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((folder / "sample.json").read_text("utf-8"))
    book = load_workbook(out)
    names = {
        row[0]
        for ws in book.worksheets
        if ws.title in {u["group"] for u in data["units"]}
        for row in ws.iter_rows(min_row=2, values_only=True)
        if row[0] is not None
    }
    assert names == {u["unit"] for u in data["units"]}
