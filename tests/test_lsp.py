"""`kaoping lsp` driven as an editor drives it: the real server started over stdio, a real LSP
client (pytest-lsp's) sending initialize → didOpen → … → shutdown, on copies of the shipped
Chinese and English example schemes and of the three-file 安福 scheme in a temporary folder."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

SCHEMES = Path(__file__).resolve().parents[1] / "src" / "kaoping" / "schemes"
# `kaoping lsp` as the console script runs it, with this interpreter
SERVER = [sys.executable, "-c", "from kaoping.cli import main; main()", "lsp"]


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def position(text: str, needle: str, nth: int = 0, offset: int = 0) -> types.Position:
    """Where the nth `needle` starts (plus `offset` characters), in UTF-16 units as LSP counts."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += offset
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return types.Position(line=line, character=utf16(text[start:at]))


def line_of(text: str, needle: str, nth: int = 0) -> int:
    return position(text, needle, nth).line


async def until(check: Callable[[], bool], what: str) -> None:
    for _ in range(500):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the server never sent {what}")


Session = Callable[[LanguageClient], Awaitable[None]]


def run(*sessions: Session) -> None:
    """Start the server, initialize as VS Code does, run the sessions one after the other (one
    server for several schemes, as in an editor), shut down."""

    async def main() -> None:
        client = make_test_lsp_client()
        await client.start_io(*SERVER)
        try:
            await client.initialize_session(
                types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
            )
            for session in sessions:
                await asyncio.wait_for(session(client), 60)
        finally:
            # shut the server down even when an assertion failed, so that no test hangs
            await asyncio.wait_for(client.shutdown_session(), 30)
            await client.stop()

    asyncio.run(main())


def open_file(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(
                uri=uri,
                language_id="kaoping",
                version=1,
                text=path.read_text("utf-8") if text is None else text,
            )
        )
    )
    return uri


def change(client: LanguageClient, uri: str, text: str, version: int = 2) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def hover_text(result: types.Hover | None) -> str:
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent)
    return result.contents.value


def names(symbols: Any) -> list[str]:
    return [s.name for s in symbols or []]


def child(symbols: Any, name: str) -> types.DocumentSymbol:
    found = next(s for s in symbols or [] if s.name == name)
    assert isinstance(found, types.DocumentSymbol)
    return found


def scheme_copy(tmp_path: Path, scheme: str) -> Path:
    folder = tmp_path / scheme
    shutil.copytree(SCHEMES / scheme, folder, ignore=shutil.ignore_patterns("*.py", "cases"))
    return folder


def chinese_scheme(tmp_path: Path) -> Session:
    path = scheme_copy(tmp_path, "example_zh") / "scheme.rules"
    text = path.read_text("utf-8")

    async def session(client: LanguageClient) -> None:
        uri = open_file(client, path)
        await until(lambda: uri in client.diagnostics, "diagnostics on open")
        assert list(client.diagnostics[uri]) == []  # the shipped scheme is clean

        # hover on an item: its maximum, the range the checker proved, the article cited
        found = await client.text_document_hover_async(
            types.HoverParams(
                text_document=doc(uri), position=position(text, "指标 信息报送", offset=4)
            )
        )
        shown = hover_text(found)
        assert "**指标** `信息报送`" in shown
        assert "满分 4" in shown
        # start 4, minus 1 per missing report (0 to 4 of them), zeroed if the quality fails
        assert "可得范围 [0, 4]" in shown
        assert "条款 «附件2 台帐管理 2.»" in shown

        # hover on an input used in a rule: its type, description and article
        shown = hover_text(
            await client.text_document_hover_async(
                types.HoverParams(
                    text_document=doc(uri), position=position(text, "信息报送次数", nth=1, offset=1)
                )
            )
        )
        assert "**输入** `信息报送次数`" in shown
        assert "类型: 次数" in shown
        assert "全年报送改革工作信息的次数" in shown
        assert "附件2 台帐管理 2." in shown

        # hover on a keyword: one line of what it does, both spellings
        shown = hover_text(
            await client.text_document_hover_async(
                types.HoverParams(text_document=doc(uri), position=position(text, "封顶 6"))
            )
        )
        assert "`cap` · `封顶`" in shown
        assert "upper bound" in shown

        # completion: the Chinese keywords, not the English ones, and the scheme's names
        done = await client.text_document_completion_async(
            types.CompletionParams(text_document=doc(uri), position=position(text, "封顶 6"))
        )
        assert isinstance(done, types.CompletionList)
        labels = {i.label: i for i in done.items}
        assert {"封顶", "扣完为止", "不得分 若", "最小"} <= set(labels)
        assert not {"cap", "until zero", "least"} & set(labels)
        assert labels["信息报送次数"].kind == types.CompletionItemKind.Variable
        assert labels["事项类别"].kind == types.CompletionItemKind.Enum
        assert labels["A"].kind == types.CompletionItemKind.EnumMember
        assert labels["信息报送"].kind == types.CompletionItemKind.Field
        assert labels["名次"].kind == types.CompletionItemKind.Variable

        # go to definition: from the rule that reads the input to its declaration
        use = position(text, "信息报送次数", nth=1, offset=2)
        found_def = await client.text_document_definition_async(
            types.DefinitionParams(text_document=doc(uri), position=use)
        )
        assert isinstance(found_def, list)
        [target] = found_def
        assert isinstance(target, types.Location)
        assert target.uri == uri
        assert target.range.start == position(text, "信息报送次数")
        assert target.range.end == position(text, "信息报送次数", offset=6)

        # find references: the declaration and the one rule that reads it
        refs = await client.text_document_references_async(
            types.ReferenceParams(
                text_document=doc(uri),
                position=use,
                context=types.ReferenceContext(include_declaration=True),
            )
        )
        assert refs is not None
        assert sorted(r.range.start.line for r in refs) == [
            line_of(text, "输入 信息报送次数"),
            line_of(text, "不足(信息报送次数"),
        ]
        refs = await client.text_document_references_async(
            types.ReferenceParams(
                text_document=doc(uri),
                position=use,
                context=types.ReferenceContext(include_declaration=False),
            )
        )
        assert refs is not None
        assert [r.range.start.line for r in refs] == [line_of(text, "不足(信息报送次数")]

        # the outline: declarations, then the scoring block's indicator tree
        outline = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=doc(uri))
        )
        top = names(outline)
        assert top[:2] == ["县直单位", "事项类别"]
        assert "信息报送次数" in top and "未达标扣分" in top
        scoring = child(outline, "评分 县直单位")
        assert names(scoring.children)[:3] == ["改革组织领导", "协同推进", "满意度测评"]
        section = child(scoring.children, "改革组织领导")
        assert section.kind == types.SymbolKind.Class
        assert names(section.children) == ["主体责任", "信息报送", "分类推进"]
        assert child(section.children, "信息报送").detail == "满分 4"  # in the file's keywords
        assert names(child(scoring.children, "组内").children) == ["名次"]
        assert names(child(outline, "事项类别").children) == ["A", "B", "C"]

    return session


def english_scheme(tmp_path: Path) -> Session:
    path = scheme_copy(tmp_path, "example_en") / "scheme.rules"
    text = path.read_text("utf-8")

    async def session(client: LanguageClient) -> None:
        uri = open_file(client, path)
        await until(lambda: uri in client.diagnostics, "diagnostics on open")
        assert list(client.diagnostics[uri]) == []

        shown = hover_text(
            await client.text_document_hover_async(
                types.HoverParams(
                    text_document=doc(uri), position=position(text, "item 协同推进", offset=6)
                )
            )
        )
        assert "**item** `协同推进`" in shown
        # 6 per central adoption and 3 per provincial one, capped at 6, zeroed on a failure
        assert "reaches [0, 6]" in shown
        assert "max 6" in shown
        assert "article «附件2 协同推进 2.»" in shown

        shown = hover_text(
            await client.text_document_hover_async(
                types.HoverParams(text_document=doc(uri), position=position(text, "满意度:"))
            )
        )
        assert "**input** `满意度`" in shown
        assert "type: number 0 to 10" in shown

        done = await client.text_document_completion_async(
            types.CompletionParams(text_document=doc(uri), position=position(text, "cap 6"))
        )
        assert isinstance(done, types.CompletionList)
        labels = {i.label for i in done.items}
        assert {"cap", "until zero", "zero if", "least", "信息报送次数", "改革组织领导"} <= labels
        assert not {"封顶", "扣完为止", "最小"} & labels

        found_def = await client.text_document_definition_async(
            types.DefinitionParams(
                text_document=doc(uri), position=position(text, "未达标扣分[", offset=1)
            )
        )
        assert isinstance(found_def, list)
        assert [loc.range.start for loc in found_def] == [
            position(text, "table 未达标扣分", offset=6)
        ]

        outline = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=doc(uri))
        )
        scoring = child(outline, "scoring 县直单位")
        assert "绩效考评加分" in names(scoring.children)
        assert names(child(scoring.children, "across group").children) == ["名次"]

    return session


def broken_file_fixed(tmp_path: Path) -> Session:
    """A broken file gets a located diagnostic; the edit that fixes it clears it."""
    path = scheme_copy(tmp_path, "example_zh") / "scheme.rules"
    good = path.read_text("utf-8")
    # an astral character (two UTF-16 units) before the mistake on the same line
    broken = good.replace("封顶 6", '封顶 6 条款 "𠀀" 封顶', 1)

    async def session(client: LanguageClient) -> None:
        uri = open_file(client, path, broken)
        await until(lambda: bool(client.diagnostics.get(uri)), "the syntax error")
        [diag] = client.diagnostics[uri]
        assert diag.code == "E101"
        assert diag.severity == types.DiagnosticSeverity.Error
        assert diag.source == "kaoping"
        assert diag.message.startswith("语法错误")  # a Chinese-keyword file reads Chinese
        assert diag.range.start == position(broken, '"𠀀" 封顶', offset=4)
        assert diag.code_description is not None
        assert diag.code_description.href.endswith("diagnostics.md#e101")

        change(client, uri, good)
        await until(lambda: list(client.diagnostics.get(uri, [0])) == [], "the cleared diagnostics")

        # broken again, then closed unsaved: the file on disk (clean) is what remains
        change(client, uri, broken, version=3)
        await until(lambda: bool(client.diagnostics.get(uri)), "the error again")
        client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc(uri)))
        await until(lambda: list(client.diagnostics.get(uri, [0])) == [], "the closed file cleared")

    return session


def other_files_of_the_scheme(tmp_path: Path) -> Session:
    """A change in one file that breaks another file of the scheme is reported in that file."""
    folder = scheme_copy(tmp_path, "anfu_2017")
    path = folder / "scheme.rules"
    other = (folder / "xianzhi.rules").as_uri()
    good = path.read_text("utf-8")
    broken = good.replace("分组 县直单位 ", "分组 县直机关 ", 1)

    async def session(client: LanguageClient) -> None:
        uri = open_file(client, path, broken)
        await until(lambda: bool(client.diagnostics.get(other)), "the other file's diagnostics")
        codes = {d.code for d in client.diagnostics[other]}
        assert "E603" in codes  # `评分 县直单位:` scores a group no longer declared
        xianzhi = (folder / "xianzhi.rules").read_text("utf-8")
        starts = {d.range.start.line for d in client.diagnostics[other] if d.code == "E603"}
        assert line_of(xianzhi, "\n评分 县直单位") + 1 in starts

        # the references of a name span the scheme's files
        refs = await client.text_document_references_async(
            types.ReferenceParams(
                text_document=doc(uri),
                position=position(broken, "分组 乡镇", offset=3),
                context=types.ReferenceContext(include_declaration=True),
            )
        )
        assert refs is not None
        assert {Path(r.uri).name for r in refs} >= {"scheme.rules", "xiangzhen.rules"}

        change(client, uri, good)
        await until(
            lambda: list(client.diagnostics.get(other, [0])) == [], "the other file cleared"
        )

    return session


def formatting(tmp_path: Path) -> Session:
    """Formatting lays a file out as `kaoping fmt` does: the shipped file is in that layout
    (`kaoping fmt --check` passes on it), so a copy with its spacing disturbed comes back as the
    shipped text, the shipped text needs no edit, and a file that does not parse gets none."""
    path = scheme_copy(tmp_path / "fmt", "example_zh") / "scheme.rules"
    canonical = path.read_text("utf-8")
    disturbed = (
        canonical.replace("指标 协同推进 满分 6", "指标   协同推进  满分  6", 1)
        .replace("封顶 6", "封顶      6", 1)
        .replace("枚举 事项类别: A, B, C", "枚举 事项类别 :A,B,    C", 1)
    )
    assert disturbed != canonical

    async def session(client: LanguageClient) -> None:
        uri = open_file(client, path, disturbed)
        options = types.FormattingOptions(tab_size=4, insert_spaces=True)
        edits = await client.text_document_formatting_async(
            types.DocumentFormattingParams(text_document=doc(uri), options=options)
        )
        assert edits is not None and len(edits) == 1
        [edit] = edits
        assert edit.range.start == types.Position(line=0, character=0)
        # the whole text: up to the empty line after its last line break
        assert edit.range.end == types.Position(line=disturbed.count("\n"), character=0)
        assert edit.new_text == canonical

        change(client, uri, canonical)
        edits = await client.text_document_formatting_async(
            types.DocumentFormattingParams(text_document=doc(uri), options=options)
        )
        assert edits is not None and list(edits) == []

        change(client, uri, canonical + "指标 不完整 满分\n", version=3)
        edits = await client.text_document_formatting_async(
            types.DocumentFormattingParams(text_document=doc(uri), options=options)
        )
        assert edits is None

    return session


def test_chinese_and_english_schemes_end_to_end(tmp_path: Path) -> None:
    """initialize → didOpen → diagnostics → hover → completion → definition → references →
    outline → formatting → shutdown, on a Chinese-keyword and an English-keyword scheme open
    together."""
    run(chinese_scheme(tmp_path), english_scheme(tmp_path), formatting(tmp_path))


def test_diagnostics_as_you_type(tmp_path: Path) -> None:
    run(broken_file_fixed(tmp_path), other_files_of_the_scheme(tmp_path))


def test_without_the_extra_the_command_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from kaoping.cli import main

    monkeypatch.delitem(sys.modules, "kaoping.lsp.server", raising=False)
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)  # as if pygls were missing
    result = CliRunner().invoke(main, ["lsp"])
    assert result.exit_code == 3
    assert result.output == "error: `kaoping lsp` needs pygls: pip install 'kaoping[lsp]'\n"


@pytest.mark.parametrize(
    ("line", "character", "expected"),
    [
        ('x "𠀀𠀀" y', 9, (1, 8)),  # after two astral characters: 4 units for 2 characters
        ("中文 y", 3, (1, 4)),  # BMP Chinese: one unit a character
    ],
)
def test_positions_count_utf16_units(line: str, character: int, expected: tuple[int, int]) -> None:
    from pygls.workspace.position_codec import PositionCodec

    from kaoping.lsp.positions import from_position, to_position

    codec = PositionCodec()
    lines = [line]
    pos = to_position(lines, *expected, codec)
    assert pos == types.Position(line=0, character=character)
    assert from_position(lines, pos, codec) == expected


def test_keyword_help_is_the_docs_tables() -> None:
    from kaoping.lsp.keyword_help import docs_markdown, rows_from_docs, shipped

    markdown = docs_markdown()
    assert markdown is not None
    assert tuple(rows_from_docs(markdown)) == shipped(), (
        "src/kaoping/lsp/keyword_help.json is not docs/language.md's tables: "
        "run python scripts/build_keyword_help.py"
    )
