"""`kaoping doc`: each shipped scheme's source document woven with its rules. Every article the
rules cite is located in the document (checked against the text by hand for a few), the parts
no rule cites are listed, rules and document text are escaped, and the page is never written
over an input."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping import load_scheme
from kaoping.cli import main
from kaoping.document import locate, read_document
from kaoping.plugins.manager import default_registry
from kaoping.weave import citations, weave

SCHEMES = ["anfu-2017", "yangquan-2014", "panshan-2018", "heshan-2013", "shuangxiang-2012"]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["doc", *args])


def _woven(scheme_id: str) -> Any:
    reg = default_registry()
    path = reg.document(scheme_id)
    assert path is not None, f"{scheme_id} ships no document"
    aliases_file = path.parent / "document-aliases.yaml"
    import yaml

    aliases = yaml.safe_load(aliases_file.read_text("utf-8")) if aliases_file.exists() else None
    doc = read_document(path.read_text("utf-8"), aliases)
    return weave(load_scheme(scheme_id), scheme_id, path.name, doc)


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_every_cited_article_is_located_inside_the_document(scheme_id: str) -> None:
    w = _woven(scheme_id)
    assert w.citations, "the scheme's rules cite articles"
    for article, loc in w.located.items():
        assert loc.found, f"{scheme_id}: {article!r} is not located in the document"
        for first, last in loc.parts:
            assert 1 <= first <= last <= w.doc.size, (article, first, last)
    assert w.missing == []


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_the_page_lists_each_article_and_the_uncited_parts(scheme_id: str, tmp_path: Path) -> None:
    out = tmp_path / "scheme.html"
    result = run(scheme_id, "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    _well_formed(page)
    # offline: no script, nothing fetched, every link a place in the page
    assert "<script" not in page and "<link" not in page and " src=" not in page
    assert all(href.startswith("#") for href in re.findall(r' href="([^"]*)"', page))
    w = _woven(scheme_id)
    for article in w.located:
        assert _escaped(f"«{article}»") in page
    uncited = page.split('id="uncited"')[1].split("</ul>")[0]
    assert uncited.count("<li>") == len(w.uncited)


# Located by hand, reading each document: (scheme, article, the start of the text of each
# part it cites)
BY_HAND = [
    ("anfu-2017", "000 第五条 (一) 2.", ["2.对考评超过100分的县直单位"]),
    ("anfu-2017", "000 附件2 改革组织领导 台帐管理 2.", ["2.按要求向县委改革办和所属专项小组"]),
    ("heshan-2013", "003 五(六)1.-3.", ["1. 对评定为“绩效评估优秀单位”"]),
    ("heshan-2013", "003 四(一)2.(1)", ["(1)党风廉政建设、安全生产、计划生育"]),
    ("panshan-2018", "002 六(一)2.1)", ["1)受到黨中央、國務院和省委、省政府"]),
    ("shuangxiang-2012", "004 四(一) 三(一)10.", ["(一)计算初步得分", "10、党建综合工作"]),
    ("yangquan-2014", "001 附件 县区总表 日常工作", ["日常工作"]),
]


@pytest.mark.parametrize("scheme_id, article, starts", BY_HAND)
def test_articles_are_located_where_the_document_has_them(
    scheme_id: str, article: str, starts: list[str]
) -> None:
    w = _woven(scheme_id)
    loc = locate(w.doc, article)
    assert len(loc.parts) == len(starts)
    for (first, _), text in zip(loc.parts, starts, strict=True):
        assert w.doc.lines[first - 1].strip().startswith(text), (article, first)


def test_a_run_of_parts_ends_with_the_last_one() -> None:
    w = _woven("heshan-2013")
    (part,) = locate(w.doc, "003 五(六)1.-3.").parts
    assert w.doc.lines[part[1]].strip().startswith("4. ")  # the line after: 4., not cited
    # 一(二)至(九): every part from (二) to (九) is cited, (十) is not
    uncited = {w.doc.lines[h.first - 1].strip() for h in w.uncited}
    assert "(五)社会发展部门(13个)" not in uncited
    assert "(十)单独实施绩效评估的单位(1个)" in uncited and "六、工作要求" in uncited


def test_a_label_missing_under_its_part_is_a_note_not_another_part() -> None:
    w = _woven("shuangxiang-2012")
    # 四(二)'s 1. 3. 7. are written inline in its one paragraph: no heading 1. under it
    loc = locate(w.doc, "004 四(二)1. 3.")
    assert len(loc.parts) == 1 and loc.notes == ("1.", "3.")
    assert w.doc.lines[loc.parts[0][0] - 1].strip().startswith("(二)进行加减分")


HOSTILE_RULES = """\
scheme "<script>alert('scheme')</script>"
group 单位
input 报送: count "<img src=x onerror=alert(1)>" article "<script>alert(1)</script>"
scoring 单位:
    item 信息 max 4 article "第一条 </td><b>bold</b>":
        start max
        deduct 1 per shortfall(报送, 4)
        until zero
"""


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "scheme.rules").write_text(HOSTILE_RULES, "utf-8")
    (folder / "document.txt").write_text(
        "第一条 <script>document.write(1)</script> & 报送\n第二条 其他\n", "utf-8"
    )
    return folder


def test_rules_and_document_text_are_escaped(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    result = run(str(hostile), "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    _well_formed(page)
    assert "<script" not in page and "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the article, shown
    assert "&lt;script&gt;document.write(1)&lt;/script&gt; &amp; 报送" in page  # the document
    # 第一条 is cited (its note: the words after it the text lacks); the article that is
    # nowhere in the document is listed with its rule
    missing = page.split('id="missing"')[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in missing and "scheme.rules:3" in missing
    uncited = page.split('id="uncited"')[1].split("</ul>")[0]
    assert "第二条" in uncited and "第一条" not in uncited


def test_the_page_is_never_written_over_an_input(hostile: Path) -> None:
    for target in (hostile / "scheme.rules", hostile / "document.txt"):
        before = target.read_bytes()
        result = run(str(hostile), "-o", str(target))
        assert result.exit_code == 2, result.output
        assert target.read_bytes() == before


def test_a_scheme_without_a_document_is_a_usage_error(hostile: Path, tmp_path: Path) -> None:
    (hostile / "document.txt").unlink()
    result = run(str(hostile))
    assert result.exit_code == 3 and "--document" in result.output
    other = tmp_path / "other.txt"
    other.write_bytes("第一条 报送".encode("gb18030") + b"\xff")
    result = run(str(hostile), "--document", str(other))
    assert result.exit_code == 2 and "not UTF-8" in result.output


def test_every_rule_citing_an_article_is_collected() -> None:
    scheme = load_scheme("example-en")
    found = {(Path(c.file).name, c.article) for c in citations(scheme)}
    assert ("scheme.rules", "附件2 台帐管理 2.") in found
    assert ("scheme.rules", "第七条(一)") in found  # the grading's and the flag's


def _escaped(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


class _Checker(HTMLParser):
    """Every tag the page opens is closed, in order (void elements aside)."""

    VOID = frozenset({"meta", "br"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def _well_formed(page: str) -> None:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []


def _plugin_with_document(tmp_path: Path, document: Any) -> Any:
    from helpers_plugins import info, write_scheme
    from kaoping.plugins.hookspecs import hookimpl

    base = write_scheme(tmp_path, "withdoc")
    hooks = {
        "kaoping_schemes": lambda self: [info("withdoc")],
        "kaoping_scheme_rules": lambda self, scheme_id: [base.rules],
        "kaoping_scheme_document": lambda self, scheme_id: document,
    }
    return type("Plugin", (), {k: hookimpl(v) for k, v in hooks.items()})()


def test_a_plugin_ships_its_document_through_the_hook(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from kaoping.plugins import manager
    from kaoping.plugins.manager import Registry

    text = tmp_path / "withdoc.txt"
    text.write_text("第一条 次数\n", "utf-8")
    reg = Registry(load_entry_points=False, plugins=[("p", _plugin_with_document(tmp_path, text))])
    monkeypatch.setattr(manager, "_DEFAULT", reg)
    result = run("withdoc")
    assert result.exit_code == 0, result.output
    assert "第一条 次数" in result.stdout


BAD_DOCUMENTS = {
    "a string": (lambda tmp: "document.txt", "returned 'document.txt', not a pathlib.Path"),
    "missing": (lambda tmp: tmp / "none.txt", "none.txt does not exist"),
    "not UTF-8": (lambda tmp: _gbk(tmp), "is not UTF-8 text"),
}


def _gbk(tmp: Path) -> Path:
    path = tmp / "gbk.txt"
    path.write_bytes("第一条 考评".encode("gbk"))
    return path


@pytest.mark.parametrize("make, expected", BAD_DOCUMENTS.values(), ids=BAD_DOCUMENTS.keys())
def test_a_bad_document_hook_result_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, make: Any, expected: str
) -> None:
    from kaoping.plugins import manager
    from kaoping.plugins.manager import Registry

    plugin = _plugin_with_document(tmp_path, make(tmp_path))
    monkeypatch.setattr(
        manager, "_DEFAULT", Registry(load_entry_points=False, plugins=[("p", plugin)])
    )
    result = run("withdoc")
    assert result.exit_code == 2, result.output
    assert "kaoping_scheme_document('withdoc')" in result.stderr and expected in result.stderr


_PIECES = [
    "附件2",
    "第一条",
    "一、",
    "(一)",
    "（二）",
    "1.",
    "2、",
    "1)",
    "(1)",
    "至",
    "-",
    ";",
    " ",
    "\n",
    "末段",
    "考评",
    "、",
    "(",
    ")",
    "001 ",
    "３．",
    "十",
]


@settings(max_examples=150, derandomize=True, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
    st.lists(st.sampled_from(_PIECES), max_size=12).map("".join),
)
def test_any_article_in_any_document_is_located_inside_it_or_not_at_all(
    text: str, article: str
) -> None:
    doc = read_document(text)
    loc = locate(doc, article)
    for first, last in loc.parts:
        assert 1 <= first <= last <= doc.size
    for h in doc.headings:
        assert 1 <= h.first <= h.last <= doc.size
