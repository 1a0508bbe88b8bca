"""`kaoping test --coverage`: the rule lines and branches a scheme's golden cases never
exercised, on a small scheme whose figures are worked out by hand below, written as text, LCOV
and Cobertura XML (validated against the vendored coverage-04 DTD)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kaoping.cli import main

VENDOR = Path(__file__).parent / "vendor" / "cobertura" / "coverage-04.dtd"

# Every construct with a branch, one a line; the line numbers are the file's own (1-based).
RULES = """\
scheme "coverage"
group 单位
enum 等次: 好, 中, 差
input 报送: count "reports"
input 达标: yesno "met the standard"
input 违规: yesno "broke a rule"
input 得分: number 0 to 100 "score"
scoring 单位:
    item 报送分 max 4:
        start max
        deduct 1 per shortfall(报送, 4)
        until zero
    item 加分 max 5:
        add 3 if 达标
        add 3 per 报送
        cap 5
        zero if 违规
    item 档分 max 5 by 报送:
        0: 0
        1 to 3: 2
        otherwise: 5
    item 基础 max 100 = if 达标 then 得分 else 0
    let 档次 = band 得分 {[80, inf): 好, [60, 80): 中, (-inf, 60): 差}
    across group:
        let 分档 = distribute total into 好 50%, 差 50% rounded half-up

grading 等次:
    好 top 1
    差 if total < 10
    中 otherwise
"""

CASES = """\
cases:
  - name: 甲 all met, 乙 nothing
    article: "the scheme above"
    arithmetic: |
      甲: 报送分 4 (no shortfall, deducts 0); 加分 3 + 3 × 4 = 15, cap 5; 档分 4 is `otherwise`: 5;
      基础 90 (达标); total 4 + 5 + 5 + 90 = 104, top 1: 好.
      乙: 报送分 4 − 4 × 1 = 0 (the floor 0 is not passed); 加分 0; 档分 row 0: 0;
      基础 0 (not 达标); total 0 < 10: 差.
    units:
      - {unit: 甲, group: 单位, facts: {报送: 4, 达标: true, 违规: false, 得分: 90}}
      - {unit: 乙, group: 单位, facts: {报送: 0, 达标: false, 违规: false, 得分: 50}}
    expect:
      甲: {total: 104, grade: 好, outputs: {档次: 好, 分档: 好}}
      乙: {total: 0, grade: 差, outputs: {档次: 差, 分档: 差}}
"""

# Worked out by hand from the case above:
# lines: every statement, clause, row and grading line: 9-23 (15), 25, 28, 29, 30 = 19; the row
# `1 to 3: 2` (line 20) never runs: 18 of 19.
# branches: add-if 2, cap 2, floor 2, zero-if 2, keyed rows 3, if 2, band rows 3,
# distribution bands 2, grading lines 3 × 2 = 24. Never taken:
UNCOVERED = {
    (12, "until zero", "reached"),  # 乙 reaches exactly 0: the floor never lifts it
    (17, "zero if 违规", "applied"),  # no unit broke a rule
    (20, "1 to 3: 2", "chosen"),  # 报送 was 4 and 0
    (23, "[60, 80): 中", "chosen"),  # 得分 was 90 and 50
    (30, "中 otherwise", "applied to a unit"),  # 好 and 差 took both units
}


@pytest.fixture
def scheme(tmp_path: Path) -> Path:
    folder = tmp_path / "cov"
    (folder / "cases").mkdir(parents=True)
    (folder / "scheme.rules").write_text(RULES, "utf-8")
    (folder / "cases" / "basic.yaml").write_text(CASES, "utf-8")
    return folder


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["test", *args])


def test_the_summary_gives_the_figures_and_every_branch_never_taken(scheme: Path) -> None:
    result = run(str(scheme), "--coverage")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "coverage cov (1 scored case(s)): lines 18/19 (94.7%), branches 19/24 (79.2%)" in out
    found = set(re.findall(r"scheme\.rules:(\d+)  (.*?)  — never: (.+)", out))
    assert found == {(str(line), text, label) for line, text, label in UNCOVERED}
    assert re.search(r"scheme\.rules:20  1 to 3: 2  — never run", out)


def test_a_second_case_covers_what_the_first_left(scheme: Path) -> None:
    more = """
  - name: 丙 broke a rule
    article: "the scheme above"
    arithmetic: |
      报送 2: 报送分 4 − 2 = 2; 加分 3 + 6 = 9, cap 5, zeroed (违规): 0; 档分 row 1 to 3: 2;
      基础 70; total 2 + 0 + 2 + 70 = 74, the only unit: 好 (top 1); 档次 [60, 80): 中.
    units:
      - {unit: 丙, group: 单位, facts: {报送: 2, 达标: true, 违规: true, 得分: 70}}
    expect:
      丙: {total: 74, grade: 好, outputs: {档次: 中}}
"""
    path = scheme / "cases" / "basic.yaml"
    path.write_text(path.read_text("utf-8") + more, "utf-8")
    result = run(str(scheme), "--coverage")
    assert result.exit_code == 0, result.output
    # now covered: line 20, zero-if applied, row 1 to 3, band 中; left: the floor, `中 otherwise`
    assert "lines 19/19 (100.0%), branches 22/24 (91.7%)" in result.stdout
    found = set(re.findall(r"scheme\.rules:(\d+)  (.*?)  — never: (.+)", result.stdout))
    assert found == {("12", "until zero", "reached"), ("30", "中 otherwise", "applied to a unit")}


def _lcov_records(text: str) -> list[dict[str, list[str]]]:
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line == "end_of_record":
            records.append(current)
            current = {}
            continue
        key, _, value = line.partition(":")
        current.setdefault(key, []).append(value)
    assert current == {}, "the file ends with end_of_record"
    return records


def test_lcov_has_a_record_per_rules_file_with_lines_and_branches(
    scheme: Path, tmp_path: Path
) -> None:
    out = tmp_path / "coverage.info"
    result = run(str(scheme), "--coverage-file", str(out))
    assert result.exit_code == 0, result.output
    (record,) = _lcov_records(out.read_text("utf-8"))
    assert record["SF"][0].endswith("cov/scheme.rules")
    hits = {int(n): int(h) for n, h in (x.split(",") for x in record["DA"])}
    assert len(hits) == 19 and hits[20] == 0
    assert hits[16] == 2 and hits[23] == 2  # once per unit, the band on its let's line too
    assert record["LF"] == ["19"] and record["LH"] == ["18"]
    branches = [tuple(int(p) for p in x.split(",")) for x in record["BRDA"]]
    assert len(branches) == 24 and record["BRF"] == ["24"] and record["BRH"] == ["19"]
    # the cap: one branch point, bound for 甲 once and not binding for 乙 once
    assert sorted(b[2:] for b in branches if b[0] == 16) == [(0, 1), (1, 1)]
    # the keyed rows: one block (the item's) with three branches, one never taken
    rows = [b for b in branches if b[0] in (19, 20, 21)]
    assert len({b[1] for b in rows}) == 1 and sorted(b[3] for b in rows) == [0, 1, 1]


def test_cobertura_is_valid_against_the_dtd(scheme: Path, tmp_path: Path) -> None:
    etree = pytest.importorskip("lxml.etree")  # in the `test` extra
    out = tmp_path / "coverage.xml"
    result = run(str(scheme), "--coverage-file", str(out))
    assert result.exit_code == 0, result.output
    doc = etree.parse(str(out))
    dtd = etree.DTD(str(VENDOR))
    assert dtd.validate(doc), dtd.error_log.filter_from_errors()
    root = doc.getroot()
    assert (root.get("lines-covered"), root.get("lines-valid")) == ("18", "19")
    assert (root.get("branches-covered"), root.get("branches-valid")) == ("19", "24")
    assert root.get("branch-rate") == "0.7916"  # 19/24, truncated to four places
    (cls,) = root.iter("class")
    assert cls.get("filename", "").endswith("cov/scheme.rules")
    line = next(x for x in root.iter("line") if x.get("number") == "16")
    assert (line.get("branch"), line.get("condition-coverage")) == ("true", "100% (2/2)")
    line = next(x for x in root.iter("line") if x.get("number") == "23")
    assert line.get("condition-coverage") == "66% (2/3)"


def test_the_format_follows_the_option_or_else_the_suffix(scheme: Path, tmp_path: Path) -> None:
    out = tmp_path / "coverage.txt"
    result = run(str(scheme), "--coverage-file", str(out))
    assert result.exit_code == 3 and "--coverage-format" in result.output
    assert not out.exists()
    result = run(str(scheme), "--coverage-file", str(out), "--coverage-format", "cobertura")
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").startswith("<?xml")
    result = run(str(scheme), "--coverage-format", "lcov")
    assert result.exit_code == 3


def test_the_coverage_file_is_never_written_over_an_input(scheme: Path) -> None:
    rules = scheme / "scheme.rules"
    result = run(str(scheme), "--coverage-file", str(rules), "--coverage-format", "lcov")
    assert result.exit_code == 2
    assert rules.read_text("utf-8") == RULES


def test_rules_text_is_escaped_in_the_cobertura_file(scheme: Path, tmp_path: Path) -> None:
    etree = pytest.importorskip("lxml.etree")
    hostile = RULES.replace('scheme "coverage"', 'scheme "</source><x>&"')
    (scheme / "scheme.rules").write_text(hostile, "utf-8")
    out = tmp_path / "c.xml"
    result = run(str(scheme), "--coverage-file", str(out))
    assert result.exit_code == 0, result.output
    assert etree.DTD(str(VENDOR)).validate(etree.parse(str(out)))


def test_a_scheme_of_several_files_has_a_record_per_file(tmp_path: Path) -> None:
    from kaoping.plugins.manager import default_registry

    plain = run("anfu-2017")
    out = tmp_path / "anfu.info"
    result = run("anfu-2017", "--coverage-file", str(out))
    assert result.exit_code == plain.exit_code == 0, result.output
    # measuring runs the traced twin of the scoring code: the same cases pass
    assert plain.stdout.splitlines()[-1] in result.stdout.splitlines()
    records = _lcov_records(out.read_text("utf-8"))
    rules = {p.name for p in default_registry().rules("anfu-2017")}
    assert {Path(r["SF"][0]).name for r in records} == rules
    summary = next(x for x in result.stdout.splitlines() if x.startswith("coverage anfu-2017"))
    figures = re.search(r"lines (\d+)/(\d+) .*branches (\d+)/(\d+)", summary)
    assert figures is not None
    lh, lf, brh, brf = (int(x) for x in figures.groups())
    assert sum(int(r["LH"][0]) for r in records) == lh
    assert sum(int(r["LF"][0]) for r in records) == lf
    assert sum(int(r["BRH"][0]) for r in records) == brh
    assert sum(int(r["BRF"][0]) for r in records) == brf


NOT_APPLICABLE = """\
scheme "not applicable"
group 单位
input 事故: count "accidents"
input 不涉及: yesno "not concerned"
scoring 单位:
    section 管理 max 3:
        rescale
        item 安全 max 3:
            start max
            deduct 1 per 事故
            until zero
            not applicable if 不涉及
"""


def test_a_not_applicable_condition_is_a_branch(tmp_path: Path) -> None:
    folder = tmp_path / "na"
    (folder / "cases").mkdir(parents=True)
    (folder / "scheme.rules").write_text(NOT_APPLICABLE, "utf-8")
    (folder / "cases" / "basic.yaml").write_text(
        """\
cases:
  - name: concerned, one accident
    article: "the scheme above"
    arithmetic: "安全 3 − 1 × 1 = 2; 管理 rescaled 2 × 3/3 = 2"
    units:
      - {unit: 甲, group: 单位, facts: {事故: 1, 不涉及: false}}
    expect:
      甲: {total: 2}
""",
        "utf-8",
    )
    result = run(str(folder), "--coverage")
    assert result.exit_code == 0, result.output
    # lines 6-12 (7): all run. Branches: the floor 2 (not reached only), not applicable 2
    # (did not hold only): 2 of 4
    assert "lines 7/7 (100.0%), branches 2/4 (50.0%)" in result.stdout
    found = set(re.findall(r"scheme\.rules:(\d+)  (.*?)  — never: (.+)", result.stdout))
    assert found == {("11", "until zero", "reached"), ("12", "not applicable if 不涉及", "held")}
