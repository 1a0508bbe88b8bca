"""The language server's features as functions of a checked scheme (no protocol): every name of
every shipped scheme is found where it is written, the index agrees with the checker, and
hostile or half-typed text gets answers, never an exception."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pygls.workspace.position_codec import PositionCodec

from kaoping.lsp import completion, hover, navigation, symbols
from kaoping.lsp.index import flatten
from kaoping.lsp.positions import lines_of
from kaoping.lsp.schemes import Schemes, rules_files
from kaoping.span import text_of

SCHEMES = Path(__file__).resolve().parents[1] / "src" / "kaoping" / "schemes"
SHIPPED = sorted(p.name for p in SCHEMES.iterdir() if any(p.glob("*.rules")))


@pytest.mark.parametrize("scheme", SHIPPED)
def test_every_declared_name_is_found_where_it_is_written(scheme: str) -> None:
    first = sorted((SCHEMES / scheme).glob("*.rules"))[0]
    checked = Schemes().check(str(first), {})
    assert checked.model is not None
    decls = [d for fi in checked.index.files.values() for d in flatten(fi.decls)]
    for d in decls:
        assert text_of(checked.sources[d.span.path], d.span) == d.name, d
    # the index knows what the checker knows: every input, constant and value it checked
    by_kind: dict[str, set[str]] = {}
    for d in decls:
        by_kind.setdefault(d.kind, set()).add(d.name)
    model = checked.model
    assert by_kind.get("input", set()) == set(model.inputs)
    assert by_kind.get("constant", set()) == set(model.constants)
    # (the checker's own enums, such as the groups', have names no file can write: `<groups>`)
    assert by_kind.get("enum", set()) == {e for e in model.enums if not e.startswith("<")}
    values = {vd.name for b in model.blocks for vd in b.values.values() if vd.kind != "total"}
    declared_values = set().union(
        *(by_kind.get(k, set()) for k in ("section", "item", "let", "output", "flag"))
    )
    assert declared_values == values


HOSTILE = {
    "deep.rules": "分组 甲\n评分 甲:\n"
    + "".join("    " * (i + 1) + f"部分 部{i}:\n" for i in range(101))
    + "    " * 102
    + "指标 末 满分 1 = 1\n",
    "nul.rules": "分组 甲\x00\n评分 甲:\n    指标 一 满分 1 = 1\n",
    "open_string.rules": '方案 "没有结尾\n分组 甲\n',
    "astral.rules": '分组 𠀀甲 "𠀀"\n评分 𠀀甲:\n    指标 𠀁 满分 1 = 1\n',
    "surrogate.rules": "分组 甲\ud800\n",
    "half_typed.rules": "分组 甲\n评分 甲:\n    指标 一 满分 4:\n        扣 1 每 不足(",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_feature_answers_on_hostile_text(tmp_path: Path, name: str) -> None:
    path = str(tmp_path / name)
    text = HOSTILE[name]
    checked = Schemes().check(path, {path: text})
    assert checked.diagnostics or checked.model is not None
    lines = lines_of(text)
    symbols.outline(checked, path, lines, PositionCodec())
    for line_no, line in enumerate(lines, start=1):
        # each character that starts or ends a run of word characters, and the line's end
        edges = {m.start() + 1 for m in re.finditer(r"\w+", line)}
        edges |= {m.end() + 1 for m in re.finditer(r"\w+", line)} | {1}
        for col in sorted(edges):
            hover.hover(checked, path, line_no, col)
            navigation.definition(checked, path, line_no, col)
            navigation.references(checked, path, line_no, col, True)
        completion.complete(checked, path, line_no, len(line) + 1)


def test_a_file_being_typed_keeps_its_names(tmp_path: Path) -> None:
    """While a file does not parse, completion and definition use its last version that did."""
    path = str(tmp_path / "s.rules")
    good = (
        '分组 甲\n输入 报送次数: 次数 "全年报送次数"\n评分 甲:\n    指标 报送 满分 4 = 报送次数\n'
    )
    schemes = Schemes()
    schemes.check(path, {path: good})
    typing = good + "    指标 质量 满分 2:\n        扣 1 每 不足(报"
    checked = schemes.check(path, {path: typing})
    assert checked.model is None  # it does not parse
    last = typing.split("\n")[-1]
    labels = {i.label for i in completion.complete(checked, path, 6, len(last) + 1)}
    assert {"报送次数", "报送", "甲"} <= labels
    use = typing.split("\n")[3].index("= 报送次数") + 3  # on the name, from 1
    [where] = navigation.definition(checked, path, 4, use)
    assert (where.line, where.col) == (2, 4)


def test_completion_is_silent_in_strings_and_comments(tmp_path: Path) -> None:
    path = str(tmp_path / "s.rules")
    text = '分组 甲 "县直 单位"  # 注释 里\n'
    checked = Schemes().check(path, {path: text})
    assert completion.complete(checked, path, 1, 8) == []  # inside the string
    assert completion.complete(checked, path, 1, 17) == []  # inside the comment
    assert completion.complete(checked, path, 1, 4) != []


def test_a_scheme_is_the_rules_files_under_the_folder(tmp_path: Path) -> None:
    (tmp_path / "a.rules").write_text("分组 甲\n", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.rules").write_text("评分 甲:\n    指标 一 满分 1 = 1\n", "utf-8")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "c.rules").write_text("x", "utf-8")
    (tmp_path / "notes.txt").write_text("x", "utf-8")
    assert rules_files(tmp_path) == [tmp_path / "a.rules", tmp_path / "sub" / "b.rules"]
    # a folder with more entries than the walk allows: its own files only
    assert rules_files(tmp_path, most=3) == [tmp_path / "a.rules"]
    # an open buffer stands in for its file; a new buffer of the folder joins the scheme
    path = str(tmp_path / "a.rules")
    new = str(tmp_path / "new.rules")
    checked = Schemes().check(path, {path: "分组 乙\n", new: "分组 丙\n"})
    assert checked.sources[path] == "分组 乙\n" and new in checked.sources
    assert {d.code for d in checked.diagnostics} >= {"E603"}  # 甲 is scored, not declared


def test_an_unsaved_buffer_is_a_scheme_of_its_own() -> None:
    uri = "untitled:Untitled-1"
    checked = Schemes().check(uri, {uri: "分组 甲\n评分 甲:\n    指标 一 满分 1 = 1\n"})
    assert list(checked.sources) == [uri]
    assert checked.diagnostics == [] and checked.model is not None


SCOPED = (
    "group 甲\ngroup 乙\n"  # lines 1-2
    "scoring 甲:\n"  # 3
    "    item 得分 max 5 = 5\n"  # 4
    "    let 两倍 = 得分 * 2\n"  # 5
    "    total = 得分\n"  # 6
    "scoring 乙:\n"  # 7
    "    item 得分 max 3 = 3\n"  # 8
    "    total = 得分\n"  # 9
    "enum 等次: 好, 差\n"  # 10
    "grading 评定 by 等次:\n"  # 11
    "    好 if 得分 >= 3\n"  # 12
    "    差 otherwise\n"  # 13
)


def test_a_value_is_named_within_its_scoring_block_and_by_grading(tmp_path: Path) -> None:
    """Two scoring blocks each define 得分: inside a block the word means that block's item,
    its references are that block's words and the grading line's (which reads each block's),
    never the other block's; from the grading line it means both."""
    path = str(tmp_path / "s.rules")
    checked = Schemes().check(path, {path: SCOPED})
    assert checked.model is not None, checked.diagnostics
    col = SCOPED.split("\n")[4].index("得分") + 1
    [where] = navigation.definition(checked, path, 5, col)
    assert where.line == 4
    lines = {s.line for s in navigation.references(checked, path, 5, col, True)}
    assert lines == {4, 5, 6, 12}
    grading_col = SCOPED.split("\n")[11].index("得分") + 1
    assert {s.line for s in navigation.definition(checked, path, 12, grading_col)} == {4, 8}
    everywhere = {s.line for s in navigation.references(checked, path, 12, grading_col, True)}
    assert everywhere == {4, 5, 6, 8, 9, 12}
