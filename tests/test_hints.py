"""Diagnostics that lead to the fix, as a new user meets them through `kaoping check`: a syntax
error says what was expected there (in the file's keyword set) and where a misplaced keyword
belongs; an unknown name or a misspelt keyword suggests the nearest; a value named like an input
is "defined twice"; a hint never suggests what the checker then rejects; Chinese messages for a
Chinese-keyword file use Chinese keywords only."""

from __future__ import annotations

import ast
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaoping.cli import main
from kaoping.compiler.load import frontend
from kaoping.diagnostics import render
from kaoping.grammar.expected import KEYWORD_PAIRS, keyword_set

ENGLISH_KEYWORDS = {w for en, _ in KEYWORD_PAIRS for w in en.split()}


def check(tmp_path: Path, text: str, lang: str) -> tuple[int, str]:
    path = tmp_path / "t.rules"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--lang", lang, str(path)])
    return result.exit_code, result.output


def codes(output: str) -> list[str]:
    return re.findall(r"^\S+:\d+:\d+: \S+ ([EWK]\d{3}) ", output, flags=re.M)


def english_keywords_quoted(output: str) -> set[str]:
    """English keywords inside `backticks` or 'quotes' of the diagnostics (not the source
    lines, which are indented four spaces)."""
    said = "\n".join(line for line in output.split("\n") if not line.startswith("    "))
    found: set[str] = set()
    for seg in re.findall(r"`([^`]*)`|'([^']*)'", said):
        found |= set(re.findall(r"[a-z][a-z-]*", "".join(seg))) & ENGLISH_KEYWORDS
    return found


# ---------------------------------------------------------------- syntax errors
CAP_EN = 'group G "g"\ninput reports: count "r"\ncap 4\nscoring G:\n    item a max 10 = reports\n'
CAP_ZH = '分组 G "g"\n输入 报送: 次数 "r"\n封顶 4\n评分 G:\n    指标 a 满分 10 = 报送\n'


def test_misplaced_cap_says_what_was_expected_and_where_cap_belongs(tmp_path: Path) -> None:
    status, out = check(tmp_path, CAP_EN, "en")
    assert status == 1 and codes(out) == ["E101"]
    assert "unexpected 'cap'; expected a declaration: `scheme`" in out
    assert "`scoring`" in out and "`input`" in out
    assert "`cap` is a clause of an item: it belongs inside an item or a section" in out
    assert "check the spelling" not in out

    status, out = check(tmp_path, CAP_EN, "zh")
    assert "此处不应出现'cap';应为一条声明:`scheme`" in out
    assert "`cap` 是指标的计分子句:应写在指标或部分之内" in out


def test_chinese_file_is_told_the_chinese_keywords(tmp_path: Path) -> None:
    for lang in ("en", "zh"):
        status, out = check(tmp_path, CAP_ZH, lang)
        assert status == 1 and codes(out) == ["E101"]
        assert "`评分`" in out and "`输入`" in out and "`封顶`" in out
    assert "expected a declaration: `方案`" in check(tmp_path, CAP_ZH, "en")[1]
    _, out = check(tmp_path, CAP_ZH, "zh")
    assert "应为一条声明:`方案`" in out
    assert english_keywords_quoted(out) == set()


def test_a_clause_in_a_scoring_block_lists_what_may_stand_there(tmp_path: Path) -> None:
    text = '分组 G "g"\n输入 报送: 次数 "r"\n评分 G:\n    指标 a 满分 10 = 报送\n    扣 1\n'
    _, out = check(tmp_path, text, "zh")
    assert "应为评分块中的语句:" in out and "`指标`" in out and "`部分`" in out
    assert "`扣` 是指标的计分子句" in out
    assert english_keywords_quoted(out) == set()


def test_an_item_among_an_items_clauses_says_how_to_place_it(tmp_path: Path) -> None:
    text = (
        'group G "g"\ninput x: count "r"\nscoring G:\n    item a max 10:\n        add 1 per x\n'
        "        cap 10\n        item b max 3 = x\n"
    )
    _, out = check(tmp_path, text, "en")
    assert "unexpected 'item'; expected an item clause: " in out and "`deduct`" in out
    assert "indent it as much as the item" in out and "make the outer one a `section`" in out
    zh = (
        '分组 G "g"\n输入 x: 次数 "r"\n评分 G:\n    指标 a 满分 10:\n        加 1 每 x\n'
        "        封顶 10\n        指标 b 满分 3 = x\n"
    )
    _, out = check(tmp_path, zh, "zh")
    assert "应为指标的计分子句:" in out and "`扣`" in out and "请把外层改为 `部分`" in out
    assert english_keywords_quoted(out) == set()


def test_a_clause_without_its_value_asks_for_a_value(tmp_path: Path) -> None:
    text = 'group G "g"\ninput x: count "r"\nscoring G:\n    item a max 10:\n        add\n'
    _, out = check(tmp_path, text, "en")
    assert "unexpected end of line; expected a value: a number, a name or an expression" in out
    _, out = check(tmp_path, text, "zh")
    assert "此处不应出现行尾;应为一个值:数字、名称或表达式" in out


def test_a_number_as_a_table_key_explains_table_rows(tmp_path: Path) -> None:
    text = (
        'group G "g"\nenum 等级: A, B\ninput g: 等级 "g"\ntable t by 等级:\n    1: 3\n    B: 4\n'
        "scoring G:\n    item a max 10 = t[g]\n"
    )
    status, out = check(tmp_path, text, "en")
    assert status == 1 and codes(out) == ["E101"]
    assert "unexpected '1'; expected a name or the end of the line" in out
    assert "a table's rows are keyed by the values of its enum `等级`" in out
    assert "`item NAME by INPUT:`" in out
    assert "separated by spaces" not in out

    zh = text.replace("group", "分组").replace("enum", "枚举").replace("input", "输入")
    zh = zh.replace("table t by", "对照表 t 按").replace("scoring", "评分").replace("item", "指标")
    zh = zh.replace("max", "满分")
    status, out = check(tmp_path, zh, "zh")
    assert status == 1 and codes(out) == ["E101"]
    assert "对照表的每一行以枚举 `等级` 的取值开头" in out and "`指标 名称 按 输入:`" in out
    assert english_keywords_quoted(out) == set()


def test_a_misspelt_keyword_suggests_the_keyword_in_the_files_set(tmp_path: Path) -> None:
    en = 'group G "g"\ninput r: count "r"\nscore G:\n    item a max 10 = r\n'
    _, out = check(tmp_path, en, "en")
    assert "there is no keyword `score`; did you mean `scoring`?" in out
    # across keyword sets: an English word in a Chinese-keyword file is told the Chinese keyword
    zh = '分组 G "g"\n输入 r: 次数 "r"\nscore G:\n    指标 a 满分 10 = r\n'
    _, out = check(tmp_path, zh, "zh")
    assert "没有 `score` 这个关键字;是否应为 `评分`?" in out
    assert english_keywords_quoted(out.replace("`score`", "")) == set()


def test_a_word_that_is_no_construct_says_so(tmp_path: Path) -> None:
    text = (
        '分组 G "g"\n输入 发案率: 数值 0 至 10 "x"\n评分 G:\n'
        "    指标 治安 满分 6 = 6 × 组内最小 发案率 ÷ 发案率 缺省 6\n"
    )
    _, out = check(tmp_path, text, "zh")
    assert "没有 `组内最小` 这个关键字;是否应为 " in out
    assert "`组内最低`" in out
    _, out = check(tmp_path, text, "en")
    assert "there is no keyword `组内最小`; did you mean " in out and "`组内最低`" in out


# ---------------------------------------------------------------- unknown names
def test_a_misspelt_input_suggests_the_declared_one(tmp_path: Path) -> None:
    text = (
        'group G "g"\ninput reports: count "r"\nscoring G:\n'
        "    item a max 10:\n        add 1 per reprots\n        cap 10\n"
    )
    status, out = check(tmp_path, text, "en")
    assert status == 1 and "E201" in codes(out)
    assert "unknown name 'reprots'" in out and "hint: did you mean 'reports'?" in out
    _, out = check(tmp_path, text, "zh")
    assert "提示:是否应为 'reports'?" in out


def test_a_misspelt_value_or_enum_value_in_a_chinese_file(tmp_path: Path) -> None:
    text = (
        '分组 G "g"\n枚举 等次: 优秀, 合格\n输入 信息报送次数: 次数 "r"\n输入 等: 等次 "e"\n'
        "评分 G:\n    指标 a 满分 10 = 最小(信息报送次, 10)\n"
        "    指标 b 满分 1 = 若 等 = 优秀的 则 1 否则 0\n"
    )
    _, out = check(tmp_path, text, "zh")
    assert "未定义的名称 '信息报送次'" in out and "是否应为 '信息报送次数'" in out
    assert (
        "'优秀的' 不是枚举 '等次' 的取值" in out
        and "请对照枚举声明检查拼写;是否应为 '优秀'?" in out
    )
    assert english_keywords_quoted(out) == set()


def test_an_unknown_name_near_a_keyword_names_the_keyword_in_the_files_set(
    tmp_path: Path,
) -> None:
    text = 'group G "g"\ninput x: count "r"\nscoring G:\n    item a max 10 = x\n    let y = deduc\n'
    _, out = check(tmp_path, text, "en")
    assert "unknown name 'deduc'" in out
    assert "it is no keyword either; did you mean `deduct`?" in out
    zh = '分组 G "g"\n输入 x: 次数 "r"\n评分 G:\n    指标 a 满分 10 = x\n    设 y = deduc\n'
    _, out = check(tmp_path, zh, "zh")
    assert "它也不是关键字;是否应为 `扣`?" in out


def test_an_unknown_function_suggests_the_nearest_built_in(tmp_path: Path) -> None:
    text = 'group G "g"\ninput x: count "r"\nscoring G:\n    item a max 10 = leest(x, 10)\n'
    _, out = check(tmp_path, text, "en")
    assert "unknown name 'leest'" in out and "did you mean 'least'" in out


# ---------------------------------------------------------------- defined twice
@pytest.mark.parametrize(
    "scoring",
    [
        "    item reports max 10 = reports\n",
        "    section s max 10:\n        item reports max 10 = reports\n",
        "    section s max 10:\n        section t max 10:\n            item reports max 10 = reports\n",
    ],
    ids=["top", "in a section", "two sections deep"],
)
def test_an_item_named_like_an_input_is_defined_twice(tmp_path: Path, scoring: str) -> None:
    text = 'group G "g"\ninput reports: number 0 to 10 "r"\nscoring G:\n' + scoring
    status, out = check(tmp_path, text, "en")
    assert status == 1 and codes(out) == ["E202"]  # not E502 "depends on itself", nor W407
    assert "'reports' is defined twice (first at " in out and "t.rules:2:1)" in out
    _, out = check(tmp_path, text, "zh")
    assert codes(out) == ["E202"] and "'reports' 重复定义" in out


# ---------------------------------------------------------------- hints the checker accepts
@pytest.mark.parametrize(
    ("lang", "text", "written", "fix"),
    [
        (
            "en",
            'group G "g"\ninput ok: yesno optional "ok"\nscoring G:\n'
            "    item a max 1:\n        add 1 if ok\n",
            "if ok",
            "ok default false",
        ),
        (
            "zh",
            '分组 G "g"\n输入 合格: 是否 可缺 "ok"\n评分 G:\n    指标 a 满分 1:\n        加 1 若 合格\n',
            "若 合格",
            "合格 缺省 否",
        ),
        (
            "en",
            'group G "g"\ninput n: number 0 to 10 optional "n"\nscoring G:\n'
            "    item a max 10 = n\n",
            "= n",
            "n default 0",
        ),
    ],
    ids=["yes/no", "是否", "number"],
)
def test_the_absent_value_hint_is_accepted_when_followed(
    tmp_path: Path, lang: str, text: str, written: str, fix: str
) -> None:
    status, out = check(tmp_path, text, lang)
    assert status == 1 and codes(out) == ["E206"]
    assert f"`{fix}`" in out
    keyword = written.split()[0]
    status, out = check(tmp_path, text.replace(written, f"{keyword} {fix}"), lang)
    assert status == 0 and codes(out) == [], out
    if lang == "zh":
        assert english_keywords_quoted(check(tmp_path, text, lang)[1]) == set()


def test_an_absent_enum_value_is_not_told_a_default_the_checker_rejects(tmp_path: Path) -> None:
    text = (
        'group G "g"\nenum 等级: A, B\ninput g: 等级 optional "g"\ntable t by 等级:\n'
        "    A: 3\n    B: 4\nscoring G:\n    item a max 4 = t[g]\n"
    )
    _, out = check(tmp_path, text, "en")
    assert codes(out) == ["E206"]
    assert "default" not in out.split("hint:")[-1]
    assert "`present(g)`" in out


def test_yes_and_no_as_names_point_to_true_and_false(tmp_path: Path) -> None:
    text = (
        'group G "g"\ninput ok: yesno optional "ok"\nscoring G:\n'
        "    item a max 1:\n        add 1 if ok default no\n"
    )
    _, out = check(tmp_path, text, "en")
    assert codes(out) == ["E201"]  # the unknown `no`, and no type error cascading from it
    assert "yes/no values are written `false`" in out
    zh = (
        text.replace("group", "分组")
        .replace("input", "输入")
        .replace("yesno optional", "是否 可缺")
    )
    zh = zh.replace("scoring", "评分").replace("item a max", "指标 a 满分")
    zh = zh.replace("add 1 if ok default", "加 1 若 ok 缺省")
    _, out = check(tmp_path, zh, "zh")
    assert codes(out) == ["E201"] and "是否值写作 `否`" in out


# ---------------------------------------------------------------- Chinese words for Chinese files
def test_a_name_that_is_a_keyword_of_the_other_set_is_quoted_as_written(tmp_path: Path) -> None:
    """`次数` names an input in an English-keyword file: its hint is `次数 default 0`, not
    `count default 0` (which would read the keyword)."""
    text = (
        'group G "g"\ninput 次数: number 0 to 9 optional "r"\nscoring G:\n    item a max 9 = 次数\n'
    )
    for lang in ("en", "zh"):
        _, out = check(tmp_path, text, lang)
        assert codes(out) == ["E206"] and "`次数 default 0`" in out and "`present(次数)`" in out
    status, out = check(tmp_path, text.replace("= 次数", "= 次数 default 0"), "en")
    assert status == 0 and codes(out) == [], out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_quoted_keywords_are_the_files_whatever_the_language(tmp_path: Path, lang: str) -> None:
    """A hint's keywords can be followed as written: an English-keyword file is told `cap` in
    Chinese, a Chinese-keyword file `封顶` in English (else following it would mix the sets)."""
    en = 'group G "g"\ninput x: count "r"\nscoring G:\n    item a max 10 = x\n'
    _, out = check(tmp_path, en, lang)
    assert "W402" in out and "`least(…, 10)`" in out and "`cap max`" in out and "`封顶" not in out
    zh = '分组 G "g"\n输入 x: 次数 "r"\n评分 G:\n    指标 a 满分 10 = x\n'
    _, out = check(tmp_path, zh, lang)
    assert "W402" in out and "`最小(…, 10)`" in out and "`封顶 满分`" in out and "`cap" not in out
    block = zh.replace("满分 10 = x", "满分 10:\n        起评 x")
    _, out = check(tmp_path, block, lang)
    assert "W402" in out and "`封顶 10`" in out and "`上不封顶`" in out and "`cap" not in out
    followed = zh.replace("满分 10 = x", "满分 10:\n        起评 x\n        封顶 10")
    status, out = check(tmp_path, followed, lang)
    assert status == 0 and codes(out) == [], out


def test_chinese_messages_for_broken_chinese_schemes_quote_no_english_keyword() -> None:
    """Every diagnostic of a shipped Chinese-keyword rules file with one word dropped, doubled or
    moved, rendered in Chinese: what it quotes is in Chinese keywords (a fixed seed)."""
    rng = random.Random(10)
    root = Path(__file__).resolve().parent.parent / "src" / "kaoping" / "schemes"
    files = sorted(p for p in root.rglob("*.rules") if keyword_set(p.read_text("utf-8")) == "zh")
    assert len(files) >= 5
    rendered = 0
    for _ in range(120):
        path = rng.choice(files)
        lines = path.read_text("utf-8").split("\n")
        i = rng.randrange(len(lines))
        words = lines[i].split(" ")
        j, k = rng.randrange(len(words)), rng.randrange(len(words))
        change = rng.choice(["drop", "double", "move"])
        if change == "drop":
            del words[j]
        elif change == "double":
            words.insert(j, words[j])
        else:
            words[j], words[k] = words[k], words[j]
        lines[i] = " ".join(words)
        source = "\n".join(lines)
        _, diags = frontend({path.name: source})
        for diag in diags:
            out = render(diag, source, "zh")
            assert english_keywords_quoted(out) == set(), out
            rendered += 1
    assert rendered > 50  # the changes broke files, so the check saw real diagnostics


def _chinese_texts(path: Path) -> list[tuple[int, str]]:
    """The Chinese string literals (and f-strings, their fields blanked) of a module, not its
    docstrings: the texts of messages and hints in Chinese."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in docstrings:
            continue
        if isinstance(node, ast.JoinedStr):
            parts = (v.value if isinstance(v, ast.Constant) else "" for v in node.values)
            text = "".join(str(p) for p in parts)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = re.sub(r"\{[^}]*\}", "", node.value)  # a catalogue template's fields
        else:
            continue
        prose = re.sub(r"`[^`]*`", "", text)
        chinese = len(re.findall(r"[\u4e00-\u9fff]", prose))
        if chinese > len(re.findall(r"[A-Za-z]", prose)):
            found.append((getattr(node, "lineno", 0), text))
    return found


def test_no_chinese_message_or_hint_quotes_an_english_keyword() -> None:
    root = Path(__file__).resolve().parent.parent / "src" / "kaoping"
    paths = [*sorted((root / "compiler").glob("*.py")), *sorted((root / "grammar").glob("*.py"))]
    paths.append(root / "diagnostics.py")
    texts = [(p, line, t) for p in paths for line, t in _chinese_texts(p)]
    assert len(texts) > 100  # the catalogue and the compiler's Chinese details and hints
    for path, line, text in texts:
        for quoted in re.findall(r"`([^`]*)`", text):
            english = set(re.findall(r"[a-z][a-z-]*", quoted)) & ENGLISH_KEYWORDS
            assert not english, f"{path.name}:{line}: `{quoted}` in {text!r}"


def test_a_misspelt_group_suggests_the_declared_group(tmp_path: Path) -> None:
    in_input = '分组 县直单位 "x"\n输入 x: 次数 "r" 适用 县直单住\n评分 县直单位:\n    指标 a 满分 10 = x\n'
    _, out = check(tmp_path, in_input, "zh")
    assert "未定义的名称 '县直单住'" in out and "是否应为 '县直单位'?或请先用 `分组` 声明" in out
    _, out = check(tmp_path, in_input, "en")
    assert "did you mean '县直单位'? Or declare it with `分组`" in out  # the file's keyword
    in_scoring = (
        'group 县直单位 "x"\ninput x: count "r"\nscoring 县直单住:\n    item a max 10 = x\n'
    )
    _, out = check(tmp_path, in_scoring, "en")
    assert "group '县直单住' is not declared" in out and "hint: did you mean '县直单位'?" in out


@pytest.mark.parametrize(
    ("line", "number", "unit"),
    [
        ("扣 0.5分 每 少报次数", "0.5", "分"),
        ("封顶 4分", "4", "分"),
        ("扣 1 每 不足(x, 12条)", "12", "条"),
    ],
)
def test_a_number_copied_with_its_unit_says_to_drop_the_unit(
    tmp_path: Path, line: str, number: str, unit: str
) -> None:
    # "每少一次扣0.5分" copied from the document: the unit is read as a name glued to the number
    text = f'分组 甲\n输入 x: 次数 "x"\n评分 甲:\n    指标 a 满分 5:\n        起评 满分\n        {line}\n'
    code, output = check(tmp_path, text, "en")
    assert code == 1 and codes(output) == ["E101"]
    assert f"hint: a number is written without its unit: `{number}`, not `{number}{unit}`" in output
    code, output = check(tmp_path, text, "zh")
    assert f"数字不带单位:写 `{number}`,不写 `{number}{unit}`" in output


def test_w402_on_a_one_line_item_does_not_ask_for_a_cap_it_cannot_hold() -> None:
    # `指标 X 满分 N = …` has no place for `封顶`: the hint offers 最小(…, N) or the block form
    text = '分组 G\n输入 次数: 次数 "次数"\n评分 G:\n    指标 加分 满分 2 = 次数 × 0.5\n'
    _model, diags = frontend({"r.rules": text})
    (d,) = [d for d in diags if d.code == "W402"]
    hint = render(d, text, "zh")
    assert "单行指标不能写封顶" in hint and "最小(…, 2)" in hint
    assert "add `cap" not in render(d, text, "en")


def test_w402_on_a_keyed_item_asks_for_a_bounded_row() -> None:
    text = (
        '分组 G\n输入 次数: 次数 "次数"\n评分 G:\n    指标 加分 满分 2 按 次数:\n'
        "        0: 0\n        其余: 次数\n"
    )
    _model, diags = frontend({"r.rules": text})
    (d,) = [d for d in diags if d.code == "W402"]
    assert "最小(…, 2)" in render(d, text, "zh")


def test_a_unit_after_a_space_is_still_a_unit(tmp_path: Path) -> None:
    # "90分以上" copied as `总分 < 90 分`: the hint named `分布`, a keyword nobody meant
    text = "分组 甲\n枚举 等: 优, 差\n评分 甲:\n    指标 a 满分 5 = 5\n评定 等:\n    优 若 总分 ≥ 90 分\n    差 其余\n"
    code, output = check(tmp_path, text, "en")
    assert code == 1 and codes(output) == ["E101"]
    assert "hint: a number is written without its unit: `90`, not `90 分`" in output
    assert "分布" not in output


def test_per_glued_to_a_unit_asks_for_the_name_of_the_count(tmp_path: Path) -> None:
    # "每次扣2分" copied as `扣 2 每次 …`: splitting it into `每 次` (the old hint) is no rule
    text = '分组 甲\n输入 n: 次数 "n"\n评分 甲:\n    指标 a 满分 5:\n        起评 满分\n        扣 2 每次 n\n'
    code, output = check(tmp_path, text, "en")
    assert code == 1 and codes(output) == ["E101"]
    assert "`每` is followed by the name of a count" in output and "每 次" not in output


def test_a_keyword_broken_by_a_space_is_named_whole(tmp_path: Path) -> None:
    # `扣完 为止`: the old message asked for yet another space (`扣 完`)
    text = '分组 甲\n输入 n: 次数 "n"\n评分 甲:\n    指标 a 满分 5:\n        起评 满分\n        扣 1 每 n\n        扣完 为止\n'
    code, output = check(tmp_path, text, "zh")
    assert code == 1 and codes(output) == ["E101"]
    assert "`扣完为止` 是一个关键字" in output and "`扣完为止` 中间不加空格" in output


@pytest.mark.parametrize(
    ("text", "modes"),
    [
        ("分组 G\n舍入 1 位\n", "`四舍五入`、`银行家舍入`、`去尾`或`进一`"),
        ("group G\nrounding 1 places\n", "`half-up`, `half-even`, `down` or `up`"),
    ],
)
def test_a_rounding_without_its_mode_lists_every_mode(
    tmp_path: Path, text: str, modes: str
) -> None:
    # 去尾 and 进一 were left out of the list, as if a scheme could not round down
    code, output = check(tmp_path, text, "zh" if "舍入" in text else "en")
    assert code == 1 and modes in output


def test_an_absent_yes_no_is_not_offered_a_weighted_sum(tmp_path: Path) -> None:
    text = '分组 G\n输入 c: 是否 可缺 "c"\n评分 G:\n    指标 a 满分 1:\n        加 1 若 c\n'
    _code, output = check(tmp_path, text, "en")
    assert codes(output) == ["E206"] and "`c 缺省 否`" in output
    assert "加权" not in output and "weighted" not in output


def test_a_value_that_may_be_absent_is_quoted_as_the_file_writes_it(tmp_path: Path) -> None:
    # "逆向指标得分=同类部门最低值÷本部门数值×该项分值": 时长 may be 0, so the quotient may be absent;
    # the message quoted the checker's print of it, `((group lowest 时长 / 时长) * 15)`, English
    # keywords and ASCII operators in a Chinese message, and the hint offered that to copy
    text = (
        '方案 "逆向"\n分组 部门\n输入 时长: 数值 0 至 inf "平均办理时长"\n评分 部门:\n'
        "    组内:\n        指标 办理时长 满分 15 = 组内最低 时长 ÷ 时长 × 15\n"
    )
    code, out = check(tmp_path, text, "zh")
    assert code == 1
    assert "E206 '组内最低 时长 ÷ 时长 × 15' 在此可能缺失" in out
    assert "可写 `组内最低 时长 ÷ 时长 × 15 缺省 0`" in out
    assert "group lowest" not in out and " * " not in out
    code, out = check(tmp_path, text, "en")
    assert "E206 '组内最低 时长 ÷ 时长 × 15' may be absent here" in out
    fixed = text.replace("× 15\n", "× 15 缺省 0\n")  # the hint's `default`, copied, compiles
    assert check(tmp_path, fixed, "zh")[0] == 0
