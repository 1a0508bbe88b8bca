"""Hostile golden-case YAML handed to `kaoping test`: every malformed or hostile file is a
message naming file:line:column (exit 1), never a traceback, a hang, code run, or a key that
silently replaced another."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kaoping.case_yaml import MAX_EXPANDED, CaseFileError
from kaoping.cases import read_cases
from kaoping.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "kaoping" / "schemes" / "example_en"

CASE = "{name: a, article: x, arithmetic: y, units: [], expect: {}}"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def scheme(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE / "scheme.rules", tmp_path / "scheme.rules")
    (tmp_path / "cases").mkdir()
    return tmp_path


def write_case(scheme: Path, text: str) -> Path:
    path = scheme / "cases" / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cases: 5\n", "c.yaml:1:1: `cases` must be a list (- …), not the number 5"),
        (
            "cases: [{name: a, article: x, arithmetic: y, units: 5, expect: {}}]\n",
            "c.yaml:1:9: case 1 (a): `units` must be a list",
        ),
        (
            "cases: [{name: a, article: x, arithmetic: y, units: [5], expect: {}}]\n",
            "`units: 1` must be a mapping (key: value), not the number 5",
        ),
        (
            "cases: [{name: a, article: x, arithmetic: y, units: [], expect: [1]}]\n",
            "`expect` must be a mapping (key: value), not a list",
        ),
        (
            "defaults: {县直单位: 5}\ncases: [" + CASE + "]\n",
            "c.yaml:1:11: `defaults: 县直单位` must be a mapping",
        ),
        (
            "cases: [{name: a, article: x, arithmetic: y, units: [{unit: A, group: 县直单位, "
            "facts: 5}], expect: {}}]\n",
            "`units: 1: facts` must be a mapping",
        ),
        (
            "cases: [{name: a, article: x, arithmetic: y, units: [], history: 5, expect: {}}]\n",
            "`history` must be a list",
        ),
        (
            "cases: [{name: a, article: x, arithmetic: y, units: [], expect: {A: {flags: 5}}}]\n",
            "`expect: A: flags` must be a list",
        ),
        (
            "cases: [{name: a, article: x, arithmetic: y, units: [], expect: {A: {total: [1]}}}]\n",
            "`expect: A: total` must be a text or number, not a list",
        ),
    ],
)
def test_a_case_file_of_the_wrong_shape_is_a_message_naming_the_place(
    scheme: Path, text: str, message: str
) -> None:
    path = write_case(scheme, text)
    with pytest.raises(CaseFileError) as err:
        read_cases(path)
    assert message in str(err.value)
    result = run("test", str(scheme))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert message in result.output


def test_a_key_given_twice_is_refused_not_the_last_one_kept(scheme: Path) -> None:
    path = write_case(
        scheme,
        "cases:\n  - name: a\n    article: x\n    arithmetic: y\n    units: []\n"
        "    expect: {}\n    name: b\n",
    )
    with pytest.raises(CaseFileError) as err:
        read_cases(path)
    assert (
        "c.yaml:7:5: not valid YAML: the key 'name' is given twice in one mapping (first at "
        "line 2)" in str(err.value)
    )


def test_a_merge_key_is_overridden_without_being_a_duplicate(scheme: Path) -> None:
    # YAML's `<<: *base` then the key again: the case's own value wins, as YAML means
    path = write_case(
        scheme,
        "base: &base {name: a, article: x, arithmetic: y, units: [], expect: {}}\n"
        "cases:\n  - <<: *base\n    name: b\n",
    )
    with pytest.raises(CaseFileError, match="unknown key"):  # `base` is no key of a case file
        read_cases(path)
    path = write_case(
        scheme,
        "cases:\n  - &base {name: a, article: x, arithmetic: y, units: [], expect: {}}\n"
        "  - <<: *base\n    name: b\n",
    )
    assert [c.name for c in read_cases(path)] == ["a", "b"]


def test_billion_laughs_is_refused_before_it_is_walked(scheme: Path) -> None:
    # ten levels of nine aliases each: 9^10 (3.5 billion) records once expanded, which the
    # old reader handed to validation to walk
    chain = "".join(f"    成果{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 11))
    text = "defaults:\n  县直单位:\n    负责事项: &a0 [{类别: A, 达标: true, 专业测评: 优}]\n"
    path = write_case(scheme, text + chain + "cases: [" + CASE + "]\n")
    with pytest.raises(CaseFileError) as err:
        read_cases(path)
    assert f"expands to over {MAX_EXPANDED:,} values through its aliases" in str(err.value)


def test_an_alias_inside_itself_is_refused(scheme: Path) -> None:
    path = write_case(scheme, "cases: &c [{name: a, article: x, arithmetic: y, units: *c}]\n")
    with pytest.raises(CaseFileError, match=r"c\.yaml:1:8: an alias refers to a mapping or list"):
        read_cases(path)


def test_python_tags_never_run(scheme: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = write_case(
        scheme,
        f"cases: [{{name: !!python/object/apply:os.system ['touch {marker}'], article: x, "
        "arithmetic: y, units: [], expect: {}}]\n",
    )
    with pytest.raises(CaseFileError, match=r"c.yaml:1:16: not valid YAML: could not determine"):
        read_cases(path)
    assert not marker.exists()


def test_nesting_past_the_stack_is_a_message(scheme: Path) -> None:
    path = write_case(scheme, "cases: " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(CaseFileError, match="nested too deeply"):
        read_cases(path)


def test_flags_of_mixed_kinds_are_compared_not_a_traceback(scheme: Path) -> None:
    write_case(
        scheme,
        "cases: [{name: a, article: x, arithmetic: y, units: [], "
        "expect: {县发改委: {flags: [~, 1, 警示单位]}}}]\n",
    )
    result = run("test", str(scheme))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "no unit '县发改委' in the results" in result.output


def test_a_case_naming_what_the_scheme_lacks_fails_saying_which(scheme: Path) -> None:
    facts = (
        "{开展改革调研: true, 明确责任分工: true, 信息报送次数: 4, 信息质量达标: true, "
        "中央采用篇数: 0, 省采用篇数: 0, 影响全县考评: false, 负责事项: [], 成果: [], 满意度: 8}"
    )
    write_case(
        scheme,
        "cases: [{name: a, article: x, arithmetic: y, units: [{unit: A, group: 县直单位, "
        f"facts: {facts}}}], expect: {{A: {{grade: {{等级: 先进}}, scores: {{不存在: 1}}, "
        "outputs: {无: 1}}, B: {total: 1}}}]\n",
    )
    result = run("test", str(scheme))
    assert result.exit_code == 1
    assert (
        "A: no value '不存在'; A: no grading '等级' (the unit's: 等次); A: no output '无'; "
        "no unit 'B' in the results" in result.output
    )
