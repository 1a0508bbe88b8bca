"""Tree → IR: the English and Chinese example schemes mean the same thing, so they lower to
equal IR (spans kept, but out of equality) and score the same units the same way."""

from __future__ import annotations

from importlib import resources

import attrs

from conftest import compile_text
from helpers_scoring import D
from kaoping.compiler import ir
from kaoping.compiler.lower import build_module, lower_file
from kaoping.grammar.parse import parse
from kaoping.io.data import load_file
from kaoping.scoring import score

EN = "kaoping.schemes.example_en"
ZH = "kaoping.schemes.example_zh"


def rules(package: str) -> str:
    return resources.files(package).joinpath("scheme.rules").read_text("utf-8")


def lower(text: str, path: str) -> ir.Module:
    parsed = parse(text, path)
    assert parsed.tree is not None, parsed.diagnostics
    return build_module([lower_file(parsed.tree, path)])


def test_english_and_chinese_examples_lower_to_equal_ir():
    en = lower(rules(EN), "example_en/scheme.rules")
    zh = lower(rules(ZH), "example_zh/scheme.rules")
    for field in attrs.fields(ir.Module):
        assert getattr(en, field.name) == getattr(zh, field.name), field.name
    assert en == zh
    # and the IR is not trivially empty
    assert en.title == "示例:县直单位改革工作考核(节选)"
    assert en.rounding == ir.Rounding(2, "half-up")
    assert [i.name for i in en.inputs][:3] == ["开展改革调研", "明确责任分工", "信息报送次数"]


def test_builtin_functions_lower_to_one_name():
    en = lower("group G\nscoring G:\n    item X = shortfall(1, 4)\n", "a.rules")
    zh = lower("分组 G\n评分 G:\n    指标 X = 不足(1, 4)\n", "b.rules")
    [item_en] = en.scorings[0].body
    [item_zh] = zh.scorings[0].body
    assert item_en == item_zh
    assert str(item_en.formula) == "shortfall(1, 4)"


def test_spans_are_kept_but_not_compared():
    en = lower(rules(EN), "example_en/scheme.rules")
    zh = lower(rules(ZH), "example_zh/scheme.rules")
    sec_en, sec_zh = en.scorings[0].body[0], zh.scorings[0].body[0]
    assert sec_en == sec_zh
    assert sec_en.span.path == "example_en/scheme.rules"
    assert sec_zh.span.path == "example_zh/scheme.rules"
    assert (sec_en.span.line, sec_en.span.col) == (45, 5)  # a long input line is broken
    assert (sec_zh.span.line, sec_zh.span.col) == (43, 5)
    # moving a declaration changes every span after it, not the IR
    shifted = lower("\n\n# two lines down\n" + rules(EN), "x.rules")
    assert shifted == en
    assert shifted.scorings[0].body[0].span.line == 48


def test_a_different_number_is_a_different_ir():
    text = rules(EN)
    changed = text.replace(
        "deduct 1 per shortfall(信息报送次数, 4)", "deduct 1 per shortfall(信息报送次数, 5)"
    )
    assert changed != text
    assert lower(changed, "x.rules") != lower(text, "x.rules")


def test_str_prints_nodes_in_english_keywords():
    zh = lower(rules(ZH), "scheme.rules")
    body = zh.scorings[0].body
    output = next(n for n in body if isinstance(n, ir.Output))
    assert str(output.expr) == "least((excess(total, 40) * 0.1), 3)"
    flag = next(n for n in body if isinstance(n, ir.Flag))
    assert str(flag.cond) == "total < 30"
    section = body[0]
    assert isinstance(section, ir.Section)
    deduct = section.children[2].clauses[1]
    assert isinstance(deduct, ir.Add) and deduct.sign == -1
    assert str(deduct.amount) == "sum 负责事项 of 未达标扣分[类别] where not 达标"
    rank = next(n for n in body if isinstance(n, ir.Across)).body[0].expr
    assert str(rank) == "rank by total"
    recs = {r.name: r for r in zh.records}
    assert str(recs["影响力成果"].fields[1].type) == "number 0 to 20"
    assert str(zh.inputs[7].type) == "list of 改革事项"


def test_str_of_expressions():
    text = (
        "group G\n"
        "enum E: A, B\n"
        "scoring G:\n"
        "    let w = weighted {p: 60%, q: 40%} redistribute equally\n"
        "    let m = k in {A, B}\n"
        "    let d = x default 0\n"
        "    let i = if a and not b then -2 else 1.50\n"
    )
    lets = {n.name: n.expr for n in lower(text, "t.rules").scorings[0].body}
    assert str(lets["w"]) == "weighted {p: 0.6, q: 0.4} redistribute equally"
    assert str(lets["m"]) == "k in {A, B}"
    assert str(lets["d"]) == "x default 0"
    assert str(lets["i"]) == "if (a and not b) then -2 else 1.5"


def test_percentages_are_exact_decimals():
    text = "group G\nscoring G:\n    let x = 0.15 + 15%\n"
    [let] = lower(text, "t.rules").scorings[0].body
    assert let.expr.left.value == D("0.15")
    assert let.expr.right.value == D("0.15")


def sample_results(package: str) -> dict[str, tuple]:
    compiled = compile_text(rules(package), "scheme.rules", scheme_id=package)
    path = resources.files(package).joinpath("sample.json")
    results = score(compiled, load_file(path, compiled.model))
    return {
        r.name: (
            r.total,
            r.rank,
            r.unit.grades.get("等次"),
            dict(sorted((k, v) for k, v in r.unit.values.items())),
        )
        for r in results.units
    }


def test_both_examples_score_the_sample_the_same():
    en, zh = sample_results(EN), sample_results(ZH)
    assert en == zh
    assert set(en) == {"县发改委", "县住建局", "县教体局", "县金融办"}


def test_example_sample_scores_worked_out_by_hand():
    results = sample_results(EN)
    total, rank, grade, values = results["县住建局"]
    # 主体责任 1 (调研 only); 信息报送 4 (4 reports, quality ok); 分类推进 3 - (A 3 + B 2) → 0;
    # 协同推进 6×1 capped at 6; 满意度 9; 特色影响力 0 (no 成果); 激励加分 0 (only 2 事项)
    assert values["改革组织领导.主体责任"] == 1
    assert values["改革组织领导.信息报送"] == 4
    assert values["改革组织领导.分类推进"] == 0
    assert values["改革组织领导"] == 5
    assert values["协同推进"] == 6
    assert values["激励加分"] == 0
    assert total == D("20.00")
    assert (rank, grade) == (3, "警示单位")


def test_a_rounding_line_carries_the_article_that_states_it():
    # "总分保留两位小数(四舍五入)" is an article like any other: the rounding line cites it, and
    # `kaoping doc` places it there
    from helpers_scoring import compile_rules
    from kaoping.weave import citations

    zh = lower('分组 G\n舍入 2 位 四舍五入 条款 "第四条 (一)"\n', "a.rules")
    en = lower('group G\nrounding 2 places half-up article "第四条 (一)"\n', "b.rules")
    assert zh.rounding == en.rounding
    assert zh.rounding is not None and zh.rounding.article == "第四条 (一)"
    s = compile_rules('分组 G\n舍入 2 位 四舍五入 条款 "第四条 (一)"\n评分 G:\n    指标 a = 1\n')
    assert [(c.line, c.article) for c in citations(s)] == [(2, "第四条 (一)")]
