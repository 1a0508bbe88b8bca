"""Every diagnostic code in the catalogue, each from a minimal rules text that has exactly that
problem, at the right position, rendered with the source line and a caret."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import compile_text, diagnostics
from helpers_scoring import D
from kaoping.cli import main
from kaoping.diagnostics import CATALOGUE, render, visible
from kaoping.errors import CompileError
from kaoping.io.validate import validate
from kaoping.scoring import score

# code → (rules text, line, col, words the English message must contain)
CASES: dict[str, tuple[str, int, int, tuple[str, ...]]] = {
    "E101": (
        'group G "g"\ninput 信息: number 0 to 10 "x"\nscoring G:\n    item 甲 max 10 = 信息 ) 1\n',
        4,
        24,  # characters: `甲` and `信息` count one column each
        ("syntax error", "')'"),
    ),
    "E102": (
        'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n\titem a max 10 = x\n',
        4,
        1,
        ("tabs",),
    ),
    # a NUL byte in a comment (it would end up in a comment of the generated Python)
    "E103": (
        'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a max 10 = x  # a\x00b\n',
        4,
        27,  # `# a` starts at column 24
        ("control character (U+0000 NUL)",),
    ),
    # 101 nested calls: the 99th is the 101st level (scoring 1, item 2, the calls 3, 4, …)
    "E104": (
        'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a max 10 = '
        + "least(" * 101
        + "x"
        + ")" * 101
        + "\n",
        4,
        len("    item a max 10 = ") + 1 + len("least(") * 98,
        ("nested too deeply: at most 100 levels",),
    ),
    # 19 digits before the point (a number in the rules is bounded as a number in the data is)
    "E106": (
        'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a max 10 = x × 1234567890123456789\n',
        4,
        25,
        ("the number 1234567890123456789 (19 digits) is too long",),
    ),
    # a million characters and one: a comment fills the file past the limit
    "E107": (
        'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a max 10 = x\n#'
        + "x" * (1_000_001 - 75)
        + "\n",
        1,
        1,
        ("the file has 1,000,001 characters, more than the 1,000,000",),
    ),
    "K101": (
        'group G "g"\ninput x: number 0 to 10 "x"\n评分 G:\n    item a max 10 = x\n',
        3,
        1,
        ("'评分' is Chinese", "started in English"),
    ),
    # an unknown name
    "E201": (
        'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a max 10 = least(x, 未知)\n',
        4,
        30,
        ("unknown name '未知'",),
    ),
    # a duplicate name
    "E202": (
        'group G "g"\ninput x: number 0 to 10 "x"\ninput x: number 0 to 5 "again"\n'
        "scoring G:\n    item a max 10 = x\n",
        3,
        1,
        ("'x' is defined twice", "first at t.rules:2:1"),
    ),
    # adding a yes/no to a count
    "E203": (
        'group G "g"\ninput n: count "n"\ninput b: yesno "b"\n'
        "scoring G:\n    item a max 10:\n        add n + b\n        cap 10\n",
        6,
        17,
        ("b is yesno, a number is needed here",),
    ),
    # comparing an enum with a value it lacks
    "E204": (
        'group G "g"\nenum 等级: 优, 良\ninput e: 等级 "e"\n'
        "scoring G:\n    item a max 1 = if e = 差 then 0 else 1\n",
        5,
        27,
        ("'差' is not a value of enum '等级'", "优, 良"),
    ),
    "E205": (
        'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a max 10 = least(x, excess())\n',
        4,
        30,
        ("excess(x, n) takes two arguments",),
    ),
    # an optional input used without saying what happens when it is absent
    "E206": (
        'group G "g"\ninput x: number 0 to 10 optional "x"\nscoring G:\n    item a max 10 = x\n',
        4,
        21,
        ("'x' may be absent here",),
    ),
    # an item that may not apply, in a section that does not say what then
    "E207": (
        'group G "g"\ninput x: number 0 to 5 "x"\ninput 不涉及: yesno "n"\nscoring G:\n'
        "    section s max 10:\n        item a max 5 = x\n        item b max 5:\n"
        "            start x\n            not applicable if 不涉及\n",
        7,
        9,
        ("'s.b' may not apply to a unit", "its section 's' does not say what then"),
    ),
    # a table missing an enum value
    "E301": (
        'group G "g"\nenum 类: A, B, C\ninput k: 类 "k"\ntable 扣分 by 类:\n    A: 3\n    C: 1\n'
        "scoring G:\n    item a max 3 = 扣分[k]\n",
        4,
        1,
        ("table '扣分' has no row for B",),
    ),
    # children's maxima exceeding the parent's
    "E401": (
        'group G "g"\ninput x: number 0 to 5 "x"\nscoring G:\n    section s max 8:\n'
        "        item a max 5 = x\n        item b max 5 = x\n        cap 8\n",
        4,
        5,
        ("children of 's' add up to 10, more than its maximum 8",),
    ),
    "W402": (
        'group G "g"\ninput n: count "n"\nscoring G:\n    item a max 4:\n        add 1 per n\n',
        4,
        5,
        ("'a' can reach +∞, above its maximum 4",),
    ),
    # a cap that can never bind
    "W403": (
        'group G "g"\ninput x: number 0 to 5 "x"\nscoring G:\n    item a max 5:\n'
        "        add x\n        cap 6\n",
        6,
        9,
        ("cap can never bind", "[0, 5]"),
    ),
    # one unit with two sheets under one section (by name and through its set)
    "E411": (
        'group G "g"\nunits 经济部门: 县发改委, 县财政局\ninput x: number 0 to 10 "x"\n'
        "scoring G:\n    section 个性指标 max 10:\n        for 县发改委:\n"
        "            item a max 10 = x\n        for 经济部门:\n            item b max 10 = x\n",
        8,
        9,
        ("unit '县发改委' has two sheets under '个性指标'", "first at t.rules:6:9"),
    ),
    # weights not summing to 1
    "E405": (
        'group G "g"\ninput p: number 0 to 100 "p"\ninput q: number 0 to 100 "q"\n'
        "scoring G:\n    let w = weighted {p: 60%, q: 30%}\n    item a max 100 = w\n",
        5,
        13,
        ("weights add up to 90%, not 100%",),
    ),
    # bands with a gap
    "E406": (
        'group G "g"\nenum 档: 好, 差\ninput x: number 0 to 100 "x"\n'
        "scoring G:\n    let d = band x {[60, 100]: 好, [0, 59.99]: 差}\n    flag 差档 if d = 差\n",
        5,
        21,
        ("leave a gap between 59.99 and 60",),
    ),
    # rounding to more places than any scheme needs (and more than exact display shows)
    "E412": (
        'rounding 40 places half-up\ngroup G "g"\ninput x: number 0 to 10 "x"\n'
        "scoring G:\n    item a max 10 = x\n",
        1,
        1,
        ("rounding to 40 places is out of range",),
    ),
    # 000 附件2 分类推进 2.: 20%/60%/20% of the items and no rounding; bands cannot be derived
    "E413": (
        'group G "g"\nenum 档: 优, 良, 合格\ninput x: number 0 to 100 "x"\n'
        "scoring G:\n    item a max 100 = x\n    across group:\n"
        "        let d = distribute x into 优 20%, 良 60%, 合格 20%\n"
        "        flag 优档 if d = 优\n",
        7,
        17,
        ("cannot derive bands from shares alone", "leaves the split to the raters"),
    ),
    # unused input
    "W407": (
        'group G "g"\ninput x: number 0 to 10 "x"\ninput 未用: yesno "u"\n'
        "scoring G:\n    item a max 10 = x\n",
        3,
        1,
        ("input '未用' is declared but never used",),
    ),
    # children whose maxima fall short of the section's: a part may have been left out
    "W408": (
        'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    section 部署谋划 max 10:\n'
        "        item a max 5 = least(x, 5)\n        item b max 3 = least(x, 3)\n",
        4,
        5,
        ("the children of '部署谋划' add up to 8, less than its maximum 10",),
    ),
    # an item whose rules fall short of its maximum
    "W409": (
        'group G "g"\ninput b: yesno "b"\nscoring G:\n    item a max 2:\n        add 1 if b\n',
        4,
        5,
        ("the rules of 'a' reach at most 1, below its maximum 2",),
    ),
    # a requirement no rule's inputs make apply anywhere
    "W410": (
        'group G "g"\ninput x: number 0 to 10 "x"\nrequire 1 <= 2\nscoring G:\n    item a max 10 = x\n',
        3,
        1,
        ("this requirement checks nothing",),
    ),
    # "前二名为先进……被通报的不得评为先进" written in the document's order: the bar bars no one
    "W414": (
        'group G "g"\nenum 等次: 先进, 其他\ninput x: number 0 to 10 "x"\nscoring G:\n'
        "    item a max 10 = x\ngrading 等次:\n    先进 top 2\n    其他 otherwise\n"
        "    bar 先进 if x < 5\n",
        9,
        5,
        ("this bar comes after every line that gives 先进: it bars no unit",),
    ),
    # "各单位权重分=本单位基础分÷最高基础分×90": scored across the group, and no total reads it
    "W415": (
        'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a max 10 = x\n'
        "    across group:\n        item b max 90 = x ÷ best x × 90 default 90\n",
        6,
        9,
        ("'b' is scored in an `across` block but no rule reads it",),
    ),
    # grades copied lowest threshold first: no unit is ever 良好
    "W416": (
        'group G "g"\nenum 等: 良好, 合格, 差\ninput x: number 0 to 100 "x"\nscoring G:\n'
        "    item a max 100 = x\ngrading 等:\n    合格 if total >= 60\n"
        "    良好 if total >= 80\n    差 otherwise\n",
        8,
        5,
        ("'良好' is never given here", "already has '合格' from line 7"),
    ),
    "W417": (
        'group G "g"\nenum 等: 优秀, 合格\ninput x: number 0 to 100 "x"\nscoring G:\n'
        "    item a max 100 = x\ngrading 等:\n    优秀 top 0\n    合格 otherwise\n",
        7,
        5,
        ("`优秀 top 0` gives '优秀' to no unit",),
    ),
    # a `default` for a zero divisor that a requirement rules out
    "W418": (
        'group G "g"\ninput t: number 0 to 100 "t"\ninput x: number 0 to 100 "x"\nscoring G:\n'
        "    require t > 0\n    item a = x / t default 0\n",
        6,
        14,
        ("`default` never applies to (x / t): t is never 0 here",),
    ),
    # an empty scheme (or one with only comments): nothing would be scored
    "E604": (
        "# 只有注释的文件\n",
        1,
        1,
        ("the scheme declares no `group`",),
    ),
    # a per-unit value reading an `across group` value
    "E501": (
        'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a max 10 = x\n'
        "    let 差距 = a - 峰值\n    across group:\n        let 峰值 = best a\n",
        5,
        5,
        ("'差距' is a per-unit value but reads '峰值'", "defined at t.rules:7:9"),
    ),
    # `across G1, G2:` naming a group that another scoring block scores
    "E503": (
        'group G "g"\ngroup H "h"\ninput x: number 0 to 10 "x"\nscoring H:\n    item a max 10 = x\n'
        "scoring G:\n    item a max 10 = x\n    across G, H:\n        let 名次 = rank by a\n",
        8,
        5,
        ("`across` names group 'H', which another `scoring` block scores (t.rules:4)",),
    ),
    # a cycle
    "E502": (
        'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    let p = q + x\n    let q = p\n'
        "    flag f if p > 5\n",
        4,
        5,
        ("'p' depends on itself: p → q → p",),
    ),
    "E601": (
        'group G "g"\nenum 等次: 好, 差\ninput x: number 0 to 10 "x"\nscoring G:\n'
        "    item a max 10 = x\ngrading 等次:\n    好 if total >= 5\n",
        6,
        1,
        ("grading '等次' must end with an `otherwise` line",),
    ),
    "E602": (
        'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a max 10 = x\n'
        "grading 等次:\n    好 otherwise\n",
        5,
        1,
        ("needs an enum '等次'",),
    ),
    "E603": (
        'group G "g"\ngroup H "h"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a max 10 = x\n',
        2,
        1,
        ("group 'H' has no `scoring` block",),
    ),
}


def test_every_catalogue_code_has_a_case():
    # E105 reports a limit of the emitter that no rules text reaches once the checks before it
    # pass; tests/test_limits.py lifts the emitter's guard to provoke it
    assert set(CASES) == set(CATALOGUE) - {"E105"}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code(code):
    text, line, col, words = CASES[code]
    diags = diagnostics(text)
    assert [d.code for d in diags] == [code], [d.headline() for d in diags]
    [d] = diags
    assert (d.span.path, d.span.line, d.span.col) == ("t.rules", line, col)
    message = d.message()
    for word in words:
        assert word in message
    shown = render(d, text).splitlines()
    severity = "warning" if code.startswith("W") else "error"
    assert shown[0] == f"t.rules:{line}:{col}: {severity} {code} {message}"
    source_line = text.split("\n")[line - 1]
    assert shown[1] == "    " + visible(source_line)  # a control character as a symbol
    assert shown[2].strip().startswith("^")
    assert set(shown[2].strip()) == {"^"}


def test_duplicate_value_names_in_a_scoring_block():
    text = 'group G "g"\nscoring G:\n    item a max 1 = 1\n    let a = 2\n'
    [d] = diagnostics(text)
    assert (d.code, d.span.line, d.span.col) == ("E202", 4, 5)
    assert "first at t.rules:3:5" in d.message()


def test_band_overlap():
    text = (
        'group G "g"\nenum 档: 好, 差\ninput x: number 0 to 100 "x"\n'
        "scoring G:\n    let d = band x {[60, 100]: 好, [0, 60]: 差}\n    flag 差档 if d = 差\n"
    )
    [d] = diagnostics(text)
    assert (d.code, d.span.line, d.span.col) == ("E406", 5, 21)
    assert "overlap at 60" in d.message()
    assert "重叠" in d.message("zh")


BANDS = (
    'group G "g"\nenum 档: 好, 差\ninput x: number 0 to 100 "x"\n'
    "scoring G:\n    item 分 max 100 = x\n    let d = band x {[60, 100]: 好, [0, 60): 差}\n"
    "    flag 差档 if d = 差\n"
)


def test_half_open_bands_compile_and_59_995_falls_in_exactly_one():
    assert diagnostics(BANDS) == []
    compiled = compile_text(BANDS)
    data = validate(
        {
            "units": [
                {"unit": "甲", "group": "G", "facts": {"x": "59.995"}},
                {"unit": "乙", "group": "G", "facts": {"x": "60"}},
                {"unit": "丙", "group": "G", "facts": {"x": "0"}},
            ]
        },
        compiled.model,
        "data",
    )
    results = score(compiled, data)
    bands = {r.name: r.unit.values["d"] for r in results.units}
    assert bands == {"甲": "差", "乙": "好", "丙": "差"}
    # no `rounding` declared: the total is the exact value too, and stays below 60
    assert results.by_name("甲").total == D("59.995")


def test_a_declared_rounding_rounds_the_total_but_not_what_the_band_reads():
    compiled = compile_text("rounding 2 places half-up\n" + BANDS)
    data = validate(
        {"units": [{"unit": "甲", "group": "G", "facts": {"x": "59.995"}}]}, compiled.model, "data"
    )
    [r] = score(compiled, data).units
    assert r.unit.values["d"] == "差"  # the band reads 59.995
    assert r.total == D("60.00")  # the total is rounded 59.995 → 60.00


def test_every_error_of_a_file_is_reported_in_position_order():
    text = (
        'group G "g"\nenum 类: A, B\ninput x: number 0 to 10 "x"\ninput k: 类 "k"\n'
        "scoring G:\n"
        "    let w = weighted {x: 50%}\n"  # E405
        "    flag f if k = C\n"  # E204
        "    item a max 10 = least(x, 未知)\n"  # E201
    )
    diags = diagnostics(text)
    assert [(d.code, d.span.line) for d in diags] == [("E405", 6), ("E204", 7), ("E201", 8)]
    with pytest.raises(CompileError) as err:
        compile_text(text)
    assert [d.code for d in err.value.diagnostics] == ["E405", "E204", "E201"]


def test_chinese_rendering():
    text, line, col, _ = CASES["E206"]
    [d] = diagnostics(text)
    shown = render(d, text, lang="zh")
    assert shown.startswith(f"t.rules:{line}:{col}: 错误 E206 'x' 在此可能缺失")
    # the hint's keywords are the file's (English here), so following it mixes no sets
    assert "提示:" in shown and "`x default 0`" in shown
    text, line, col, _ = CASES["W407"]
    [d] = diagnostics(text)
    assert render(d, text, lang="zh").startswith(f"t.rules:{line}:{col}: 警告 W407 输入 '未用'")


def run_check(tmp_path, text, *args):
    path = tmp_path / "t.rules"
    path.write_text(text, "utf-8")
    return CliRunner().invoke(main, ["check", str(path), *args])


def test_cli_check_clean_file_exits_0(tmp_path):
    result = run_check(
        tmp_path, 'group G "g"\ninput x: number 0 to 10 "x"\nscoring G:\n    item a max 10 = x\n'
    )
    assert result.exit_code == 0, result.output
    assert "ok (0 error(s), 0 warning(s), 1 file(s))" in result.output


def test_cli_check_warnings_still_exit_0(tmp_path):
    result = run_check(tmp_path, CASES["W407"][0])
    assert result.exit_code == 0, result.output
    assert "W407" in result.output
    assert "ok (0 error(s), 1 warning(s)" in result.output


def test_cli_check_errors_exit_1_and_render_in_chinese(tmp_path):
    result = run_check(tmp_path, CASES["E206"][0], "--lang", "zh")
    assert result.exit_code == 1
    assert "错误 E206" in result.output
    assert "    item a max 10 = x" in result.output
    assert "未通过(1 个错误,0 个警告,1 个文件)" in result.output


# ------------------------------------------------------------------ W414: a bar that bars nothing
BARRED = """
group G
enum 等次: 先进, 良好, 达标
input 得分: number 0 to 100 "得分"
input 通报: yesno "被通报"
scoring G:
    item 基础 max 100 = 得分
grading 等次:
{lines}
"""


def _w414(*lines: str) -> list[tuple[int, str]]:
    text = BARRED.format(lines="\n".join("    " + line for line in lines))
    return [(d.span.line, d.message()) for d in diagnostics(text) if d.code == "W414"]


def test_a_bar_after_every_line_giving_its_grade_bars_nothing() -> None:
    # "各序列取前两名为先进……被通报的不得评为先进": the bar must come before the quota
    assert _w414("先进 top 2", "达标 otherwise", "bar 先进 if 通报") == [
        (11, "this bar comes after every line that gives 先进: it bars no unit")
    ]
    assert _w414("bar 先进 if 通报", "先进 top 2", "达标 otherwise") == []
    # promote ignores bars, so a bar above only a promotion bars nothing either
    assert _w414("达标 otherwise", "bar 先进 if 通报", "promote 先进 if 得分 > 99") == [
        (10, "this bar comes after every line that gives 先进: it bars no unit")
    ]


def test_a_bar_of_several_grades_names_those_no_later_line_gives() -> None:
    lines = ("先进 top 1", "bar 先进, 良好 if 通报", "良好 if total ≥ 90", "达标 otherwise")
    assert _w414(*lines) == [
        (10, "this bar comes after every line that gives 先进: it bars no unit")
    ]


def test_a_grading_name_of_one_block_only_says_where_it_is_defined() -> None:
    # "发生重大事故或瞒报的,实行一票否决": the flag is written in 镇街's block only, and the
    # grading reads it for 部门's units too
    text = (
        'group 镇街\ngroup 部门\nenum 等次: 合格, 不合格\ninput 否决: yesno "否决"\n'
        'input 得分: number 0 to 100 "得分"\nscoring 镇街:\n    item 基础 max 100 = 得分\n'
        "    flag 一票否决 if 否决\nscoring 部门:\n    item 基础 max 100 = 得分\n"
        "grading 等次:\n    合格 if total ≥ 60\n    不合格 otherwise\n    demote 不合格 if 一票否决\n"
    )
    [d] = [d for d in diagnostics(text) if d.severity == "error"]
    assert (d.code, d.span.line) == ("E201", 14)
    assert d.hint() == (
        "'一票否决' is a value of the scoring block of 镇街, not of 部门, whose units this rule "
        "also reads it for: define it in that block too"
    )


def test_a_typo_gives_one_message_not_a_range_warning_on_what_reads_it() -> None:
    # the item with the unknown name has no range; the section summing it and the item reading
    # the section warned W402 too, far from the typo
    text = (
        '分组 G\n输入 次数: 次数 "次数"\n评分 G:\n    部分 年终 满分 10:\n'
        "        指标 甲 满分 10:\n            起评 满分\n            扣 1 每 次试\n            扣完为止\n"
        "    指标 日常 满分 10 = 年终\n"
    )
    assert [d.code for d in diagnostics(text)] == ["W407", "E201"]  # (次数 unread: the typo)
    assert [d.code for d in diagnostics(text.replace("次试", "次数"))] == []


W416_RULES = (
    '分组 G\n枚举 等次: 优秀, 良好, 合格, 不合格\n输入 x: 数值 0 至 100 "x"\n'
    "评分 G:\n    指标 a 满分 100 = x\n评定 等次:\n{lines}    不合格 其余\n"
)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # lowest threshold first: no unit is ever 良好 or 优秀, and nothing said it (W416 now)
        ("    合格 若 总分 ≥ 60\n    良好 若 总分 ≥ 80\n    优秀 若 总分 > 90\n", ["W416", "W416"]),
        ("    合格 若 总分 > 60\n    良好 若 总分 ≥ 60\n", []),  # 60 itself is 良好
        ("    合格 若 总分 ≥ 60\n    良好 若 总分 > 60\n", ["W416"]),
        ("    不合格 若 总分 < 60\n    合格 若 总分 < 50\n", ["W416"]),
        ("    优秀 若 总分 ≥ 90\n    良好 若 总分 ≥ 80\n    合格 若 总分 ≥ 60\n", []),
        # a bar on 合格 above it lets some units through to 良好
        ("    取消 合格 若 x > 95\n    合格 若 总分 ≥ 60\n    良好 若 总分 ≥ 80\n", []),
    ],
)
def test_a_grade_line_an_earlier_threshold_covers_is_warned(
    lines: str, expected: list[str]
) -> None:
    assert [d.code for d in diagnostics(W416_RULES.format(lines=lines))] == expected


def test_a_grade_line_an_earlier_threshold_covers_gives_wrong_grades_without_w416() -> None:
    # what the warning is about: 85 is 合格, not 良好
    s = compile_text(W416_RULES.format(lines="    合格 若 总分 ≥ 60\n    良好 若 总分 ≥ 80\n"))
    data = {"units": [{"unit": "U", "group": "G", "facts": {"x": 85}}]}
    (r,) = score(s, validate(data, s.model, "d")).units
    assert r.unit.grades["等次"] == "合格"


@pytest.mark.parametrize(
    ("cap", "hint"),
    [
        ("        cap 8\n", "leave out its `max` and keep its `cap`"),
        ("", "check the maxima against the document"),
    ],
)
def test_e401_on_a_capped_pool_says_to_drop_the_max(cap: str, hint: str) -> None:
    # 加分合计不超过8分 over items of 5 and 5: a pool, whose items may add up to more than its cap
    text = (
        'group G "g"\ninput x: number 0 to 5 "x"\nscoring G:\n    section s max 8:\n'
        "        item a max 5 = x\n        item b max 5 = x\n" + cap
    )
    [d] = diagnostics(text)
    assert d.code == "E401" and hint in render(d, text)
