"""Numbers: exact rationals everywhere (no rounding a scheme did not declare), strict and bounded
reading of data, history and cases, exact JSON and readable display."""

from __future__ import annotations

import json
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from helpers_scoring import D, compile_rules, one, run, unit, value
from kaoping.cli import main
from kaoping.exact import NumberError, Q, exact_text, parse, round_count, round_to, show

# ------------------------------------------------------------------ arithmetic


ARITH = """
scheme "算术"
group G "g"
input a: number "a"
input x1: number "x1"
input x2: number "x2"
input x3: number "x3"
input x4: number "x4"
input x5: number "x5"
input x6: number "x6"
input x7: number "x7"
scoring G:
    let third = a ÷ 3 × 3
    let mean7 = (x1 + x2 + x3 + x4 + x5 + x6 + x7) ÷ 7
    flag 达标 if mean7 >= 60
    flag 达标7 if mean7 × 7 >= 420
    let big = x1 + x2
    item t max 100 = least(a, 100)
"""

SEVEN = {f"x{i}": "60" for i in range(1, 8)}


def test_ten_divided_by_three_times_three_is_ten() -> None:
    r = one(compile_rules(ARITH, "arith"), "G", a="10", **SEVEN)
    assert value(r, "third") == 10


def test_a_mean_of_seven_items_compares_exactly_with_its_threshold() -> None:
    s = compile_rules(ARITH, "arith")
    # (6 × 60 + 59.99…9 (28 nines)) ÷ 7 = 60 − 10^-28 ÷ 7: just below 60, not 达标;
    # × 7 it is the sum again exactly, so 达标7 (mean × 7 ≥ 420) does not hold either
    below = dict(SEVEN, x7="59." + "9" * 28)
    r = one(s, "G", a="1", **below)
    assert value(r, "mean7") == 60 - Q(1, 7 * 10**28)
    assert value(r, "达标") is False and value(r, "达标7") is False
    # 60 seven times: 60 exactly, 达标
    r = one(s, "G", a="1", **SEVEN)
    assert value(r, "mean7") == 60 and value(r, "达标") is True and value(r, "达标7") is True


def test_a_forty_digit_sum_is_exact() -> None:
    s = compile_rules(ARITH, "arith")
    # two numbers of 30 significant digits whose sum needs 40 digits to write exactly
    x1 = "999999999999999999.999999999999"  # 18 + 12 digits
    x2 = "0.000000000000000000000000000001"  # 1e-30
    r = one(s, "G", a="1", **dict(SEVEN, x1=x1, x2=x2))
    assert exact_text(value(r, "big")) == "999999999999999999.999999999999000000000000000001"


def test_point_fifteen_three_times_is_point_forty_five() -> None:
    s = compile_rules(
        """
        scheme "和"
        group G "g"
        input a: number "a"
        scoring G:
            let s = a + a + a
        """,
        "sum3",
    )
    assert exact_text(value(one(s, "G", a="0.15"), "s")) == "0.45"


NO_ROUNDING = """
scheme "不舍入"
group G "g"
enum 等次: 合格, 警示
input 得分: number 0 to 100 "得分"
scoring G:
    item 分 max 100 = 得分
    across group:
        let 名次 = rank by total
grading 等次:
    警示 if total < 60
    合格 otherwise
"""


def test_without_rounding_59_995_ranks_below_60_and_is_graded_below_it() -> None:
    s = compile_rules(NO_ROUNDING, "no_rounding")
    results = run(s, [unit("甲", "G", 得分="59.995"), unit("乙", "G", 得分="60")])
    a, b = results.by_name("甲"), results.by_name("乙")
    assert a is not None and b is not None
    assert a.total == D("59.995") and b.total == 60
    assert (a.rank, b.rank) == (2, 1)
    assert a.unit.grades["等次"] == "警示" and b.unit.grades["等次"] == "合格"


def test_without_rounding_a_non_terminating_total_is_kept_exactly() -> None:
    s = compile_rules(
        NO_ROUNDING.replace("item 分 max 100 = 得分", "item 分 max 100 = 得分 ÷ 3"), "thirds"
    )
    results = run(s, [unit("甲", "G", 得分="100"), unit("乙", "G", 得分="99.99999")])
    a = results.by_name("甲")
    assert a is not None and a.total == Q(100, 3)
    assert a.rank == 1  # 100/3 > 99.99999/3: no rounding merged them


# ------------------------------------------------------------------ rounding

_DECIMAL_MODES = {
    "half-up": ROUND_HALF_UP,
    "half-even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
}
MODES = st.sampled_from(sorted(_DECIMAL_MODES))


@given(
    digits=st.integers(-(10**24), 10**24),
    scale=st.integers(0, 14),
    places=st.integers(0, 10),
    mode=MODES,
)
def test_round_to_equals_decimal_quantize_on_terminating_values(
    digits: int, scale: int, places: int, mode: Any
) -> None:
    with localcontext(prec=100):  # room for every digit: the reference itself never rounds
        exact = Decimal(digits).scaleb(-scale)
        want = exact.quantize(Decimal(1).scaleb(-places), rounding=_DECIMAL_MODES[mode])
    got = round_to(Q(digits, 10**scale), places, mode)
    assert Fraction(int(got.numerator), int(got.denominator)) == Fraction(want)


@given(num=st.integers(-(10**12), 10**12), den=st.integers(1, 10**6), mode=MODES)
def test_round_count_rounds_any_rational_like_decimal(num: int, den: int, mode: Any) -> None:
    # ties are exact rationals here (5/2), where a 34-digit decimal would have rounded first
    q = Fraction(num, den)
    whole, rest = divmod(abs(q.numerator), q.denominator)
    twice = 2 * rest
    if mode == "down" or rest == 0:
        up = False
    elif mode == "up":
        up = True
    elif mode == "half-up":
        up = twice >= q.denominator
    else:
        up = twice > q.denominator or (twice == q.denominator and whole % 2 == 1)
    want = (whole + up) * (1 if q >= 0 else -1)
    assert round_count(Q(num, den), mode) == want


def test_rounding_negative_values_and_ties() -> None:
    assert round_to(D("-2.5"), 0, "half-up") == -3  # ties away from zero
    assert round_to(D("-2.5"), 0, "half-even") == -2
    assert round_to(D("-2.7"), 0, "down") == -2  # toward zero
    assert round_to(D("-2.1"), 0, "up") == -3  # away from zero
    assert round_to(Q(2, 3), 2, "half-up") == D("0.67")


# ------------------------------------------------------------------ display and JSON


def test_display_rules() -> None:
    assert show(D("87.50")) == "87.5"
    assert show(D("87.5"), 2) == "87.50"
    assert show(Q(550, 3)) == "≈183.3333"
    assert show(Q(-1, 30000)) == "≈0.0000"  # a tiny negative never shows as -0
    assert exact_text(Q(550, 3)) == "550/3"
    assert exact_text(D("-0.00"), 2) == "0.00"
    assert exact_text(D("-1.5")) == "-1.5"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    rules = tmp_path / "n.rules"
    rules.write_text(
        'scheme "n"\nrounding 2 places half-up\ngroup G "g"\nenum 等: 好, 差\n'
        'input a: number -10 to 1000 "a"\ninput k: count "k"\n'
        "scoring G:\n    item x max 1000 = a\n    item y max 1000 = a ÷ 3 + k × 0\n"
        "    output 上年a = last year a default 0\n"
        "    output 上年总分 = last year total default 0\n"
        "    output 三分之一 = a ÷ 3\n"
        "    across group:\n        let 名次 = rank by total\n"
        "grading 等:\n    好 if total >= 0\n    差 otherwise\n",
        "utf-8",
    )
    return {"rules": rules, "dir": tmp_path}


def _data(path: Path, facts: dict[str, Any] | str, name: str = "d.json") -> Path:
    target = path / name
    if isinstance(facts, str):
        target.write_text(facts, "utf-8")
    else:
        units = [{"unit": "U", "group": "G", "facts": facts}]
        target.write_text(json.dumps({"units": units}, ensure_ascii=False), "utf-8")
    return target


def _score(*args: str) -> Any:
    return CliRunner().invoke(main, ["score", *args])


def test_negative_zero_never_prints(files: dict[str, Path]) -> None:
    data = _data(
        files["dir"], '{"units": [{"unit": "U", "group": "G", "facts": {"a": -0.00, "k": 0}}]}'
    )
    table = _score(str(files["rules"]), str(data))
    assert table.exit_code == 0, table.output
    assert "-0" not in table.output and " 0.00" in table.output
    doc = json.loads(_score(str(files["rules"]), str(data), "--format", "json").output)
    (u,) = doc["units"]
    assert u["total"] == "0.00" and u["facts"]["a"] == "0" and u["scores"]["x"] == "0"


def test_a_non_terminating_value_is_exact_in_json_and_marked_in_display(
    files: dict[str, Path],
) -> None:
    data = _data(files["dir"], {"a": "550", "k": 0})
    doc = json.loads(_score(str(files["rules"]), str(data), "--format", "json").output)
    (u,) = doc["units"]
    assert u["outputs"]["三分之一"] == "550/3"
    assert u["total"] == "733.33"  # 550 + 183.333… rounded to the declared 2 places
    explained = CliRunner().invoke(main, ["explain", str(files["rules"]), str(data), "--unit", "U"])
    assert "三分之一 = ≈183.3333" in explained.output
    assert "183.33333333" not in explained.output


def test_facts_round_trip_through_results_json_into_history(files: dict[str, Path]) -> None:
    first = _data(files["dir"], {"a": "123.456789012345678901234567", "k": 7})
    out = files["dir"] / "last.json"
    assert (
        _score(str(files["rules"]), str(first), "--format", "json", "-o", str(out)).exit_code == 0
    )
    last = json.loads(out.read_text("utf-8"))
    assert last["units"][0]["facts"]["a"] == "123.456789012345678901234567"
    second = _data(files["dir"], {"a": "1", "k": 0}, "now.json")
    result = _score(str(files["rules"]), str(second), "--format", "json", "--history", str(out))
    assert result.exit_code == 0, result.output
    (u,) = json.loads(result.output)["units"]
    assert u["outputs"]["上年a"] == "123.456789012345678901234567"
    assert u["outputs"]["上年总分"] == last["units"][0]["total"]


def _history(path: Path, entry: dict[str, Any]) -> Path:
    target = path / "h.json"
    # a results file names its scheme (the rules file n.rules is scheme "n")
    doc = {"scheme": "n", "units": [dict({"unit": "U"}, **entry)]}
    target.write_text(json.dumps(doc, ensure_ascii=False))
    return target


def test_history_accepts_an_exact_fraction(files: dict[str, Path]) -> None:
    data = _data(files["dir"], {"a": "1", "k": 0})
    hist = _history(files["dir"], {"total": "550/3", "facts": {"a": "10/4"}})
    result = _score(str(files["rules"]), str(data), "--format", "json", "--history", str(hist))
    assert result.exit_code == 0, result.output
    (u,) = json.loads(result.stdout)["units"]
    assert u["outputs"]["上年总分"] == "550/3" and u["outputs"]["上年a"] == "2.5"


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"total": "NaN"}, "total"),
        ({"total": "Infinity"}, "total"),
        ({"total": True}, "total"),
        ({"total": "1/0"}, "total"),
        ({"facts": {"a": "NaN"}}, "a"),
        ({"facts": {"a": True}}, "a"),
        ({"facts": {"k": "2.5"}}, "k"),
        ({"grades": {"等": 1}}, "grades.等"),
        ({"grades": {"等": "优"}}, "grades.等"),
        ({"grade": "优"}, "grade"),
        ({"rank": "0"}, "rank"),
        ({"scores": {"x": "1e999999"}}, "scores.x"),
    ],
)
def test_a_history_value_of_the_wrong_type_is_a_data_error(
    files: dict[str, Path], entry: dict[str, Any], field: str
) -> None:
    data = _data(files["dir"], {"a": "1", "k": 0})
    hist = _history(files["dir"], entry)
    result = _score(str(files["rules"]), str(data), "--history", str(hist))
    assert result.exit_code == 2, result.output
    noun = "input" if "facts" in entry else "field"  # a fact is an input; a total is not
    assert f"{hist}: unit 'U', {noun} '{field}'" in result.output
    _no_bare_exception(result.output)


def test_json_nan_and_infinity_literals_in_history_are_data_errors(files: dict[str, Path]) -> None:
    data = _data(files["dir"], {"a": "1", "k": 0})
    hist = files["dir"] / "h.json"
    for literal in ("NaN", "Infinity", "-Infinity"):
        hist.write_text('{"scheme": "n", "units": [{"unit": "U", "total": ' + literal + "}]}")
        result = _score(str(files["rules"]), str(data), "--history", str(hist))
        assert result.exit_code == 2, result.output
        assert f"{hist}: unit 'U', field 'total'" in result.output, result.output


# ------------------------------------------------------------------ strict reading of data

REJECTED_JSON = [
    "NaN",
    "Infinity",
    "-Infinity",
    "true",
    '"NaN"',
    '"sNaN"',
    '"Infinity"',
    '"-inf"',
    '"²"',
    '"①"',
    '"١٢"',  # Arabic-Indic digits
    '"１２"',  # full-width digits
    '"1_000"',
    '"0x10"',
    '"1e3"',  # a string is written without an exponent
    '"1/3"',  # a fraction is no data value
    '"12."',
    '""',
    "1e999999",
    "1e-999999",
    "1" * 5000,  # over Python's 4,300-digit int() limit
    "1" * 19,  # 19 digits before the point
    "0." + "0" * 30 + "1",  # a digit beyond 30 places
    "1.00000000000000000000000000000001",  # 33 significant digits
]


@pytest.mark.parametrize("text", REJECTED_JSON)
def test_a_number_outside_the_rules_is_a_data_error(files: dict[str, Path], text: str) -> None:
    data = _data(
        files["dir"],
        '{"units": [{"unit": "U", "group": "G", "facts": {"a": ' + text + ', "k": 0}}]}',
    )
    result = _score(str(files["rules"]), str(data))
    assert result.exit_code == 2, result.output
    assert "unit 'U', input 'a'" in result.output
    _no_bare_exception(result.output)


@pytest.mark.parametrize("cell", ["NaN", "²", "①", "1e5", "1" * 5000, "-Infinity", "1/3"])
def test_a_bad_csv_number_is_a_data_error(files: dict[str, Path], cell: str) -> None:
    data = files["dir"] / "d.csv"
    data.write_text(f"unit,group,a,k\nU,G,{cell},0\n", "utf-8")
    result = _score(str(files["rules"]), str(data))
    assert result.exit_code == 2, result.output
    assert "unit 'U', input 'a'" in result.output
    _no_bare_exception(result.output)


@pytest.mark.parametrize("cell", ["²", "３", "1.0", "1e2", "1" * 5000])
def test_a_bad_csv_count_is_a_data_error(files: dict[str, Path], cell: str) -> None:
    data = files["dir"] / "d.csv"
    data.write_text(f"unit,group,a,k\nU,G,1,{cell}\n", "utf-8")
    result = _score(str(files["rules"]), str(data))
    assert result.exit_code == 2, result.output
    assert "unit 'U', input 'k'" in result.output
    _no_bare_exception(result.output)


def test_numbers_at_the_bounds_are_read_exactly() -> None:
    assert parse("999999999999999999") == 10**18 - 1
    assert parse("-0." + "0" * 29 + "1") == -Q(1, 10**30)
    assert parse("123456789012345678.901234567890") == Q(123456789012345678901234567890, 10**12)
    assert parse("1.5e3", exponent=True) == 1500
    assert parse("550/3", "result") == Q(550, 3)
    with pytest.raises(NumberError):
        parse("550/3")  # data: no fractions
    with pytest.raises(NumberError):
        parse("1" * 101, "result")


def test_json_numbers_are_never_floats(files: dict[str, Path]) -> None:
    # 0.1 + 0.2 as floats is 0.30000000000000004
    data = _data(
        files["dir"], '{"units": [{"unit": "U", "group": "G", "facts": {"a": 0.1, "k": 0}}]}'
    )
    doc = json.loads(_score(str(files["rules"]), str(data), "--format", "json").output)
    assert doc["units"][0]["scores"]["x"] == "0.1"


def _no_bare_exception(output: str) -> None:
    for marker in ("Traceback", "<class", "InvalidOperation", "ValueError", "Exceeds the limit"):
        assert marker not in output, output


# ------------------------------------------------------------------ rules


def test_rounding_forty_places_is_a_located_check_error(tmp_path: Path) -> None:
    path = tmp_path / "r.rules"
    path.write_text(
        'scheme "r"\nrounding 40 places half-up\ngroup G "g"\ninput x: number "x"\n'
        "scoring G:\n    item a max 10:\n        start x\n        round 11 places down\n"
        "    item b max 10 = x\n",
        "utf-8",
    )
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2:1: error E412 rounding to 40 places is out of range" in result.output
    assert "round to 0 to 10 places" in result.output
    assert f"{path}:8:9: error E412 rounding to 11 places is out of range" in result.output


def test_weights_that_miss_one_by_a_tiny_amount_are_reported() -> None:
    # 50% + 50.000000000000000000000000000001% is 1 + 1e-32: a 28-digit sum would call it 1
    from kaoping.errors import CompileError

    with pytest.raises(CompileError) as err:
        compile_rules(
            """
            scheme "w"
            group G "g"
            input p: number 0 to 100 "p"
            input q: number 0 to 100 "q"
            scoring G:
                let w = weighted {p: 50%, q: 50.000000000000000000000000000001%}
            """,
            "weights",
        )
    assert "E405" in str(err.value)
    assert "100.000000000000000000000000000001%, not 100%" in str(err.value)


# ------------------------------------------------------------------ golden cases

CASES_YAML = """
cases:
  - name: exact fraction expected
    article: "t"
    arithmetic: "550 ÷ 3 = 550/3"
    units: [{unit: U, group: G, facts: {a: 550, k: 0}}]
    expect:
      U: {outputs: {三分之一: "550/3"}, rank: 1}
  - name: a close decimal is not the fraction
    article: "t"
    arithmetic: "550/3 is not 183.3333333333333333333333333333333"
    units: [{unit: U, group: G, facts: {a: 550, k: 0}}]
    expect:
      U: {outputs: {三分之一: 183.3333333333333333333333333333333}}
  - name: YAML NaN is no number
    article: "t"
    arithmetic: "none"
    units: [{unit: U, group: G, facts: {a: .nan, k: 0}}]
    expect_error: "unit 'U', input 'a'"
  - name: YAML 1_000 is no number
    article: "t"
    arithmetic: "none"
    units: [{unit: U, group: G, facts: {a: 1_000, k: 0}}]
    expect_error: "unit 'U', input 'a'"
"""


def test_case_expectations_compare_exactly(files: dict[str, Path]) -> None:
    from kaoping.cases import read_cases, run_case
    from kaoping.compiler.load import compile_paths

    path = files["dir"] / "c.yaml"
    path.write_text(CASES_YAML, "utf-8")
    scheme = compile_paths("n", [files["rules"]])
    outcome = {c.name: run_case(scheme, c) for c in read_cases(path)}
    assert outcome["exact fraction expected"].passed, outcome["exact fraction expected"].message
    close = outcome["a close decimal is not the fraction"]
    assert not close.passed and "550/3 (≈183.3333)" in close.message
    assert outcome["YAML NaN is no number"].passed
    assert outcome["YAML 1_000 is no number"].passed


ROUNDUP = """
分组 G
输入 x: 数值 -10 至 10 "x"
评分 G:
    指标 上 满分 10 条款 "不足1个百分点的按1个百分点计算" = 向上舍入(x, 0)
    指标 下 满分 10 条款 "不足0.1分的不计" = rounddown(x, 1)
"""


@pytest.mark.parametrize(
    ("x", "up", "down"),
    [
        ("0.5", "1", "0.5"),
        ("-0.5", "-1", "-0.5"),
        ("2", "2", "2"),
        ("2.01", "3", "2"),
        ("-3.99", "-4", "-3.9"),
        ("9.99", "10", "9.9"),
    ],
)
def test_roundup_and_rounddown_round_away_from_and_toward_zero(x: str, up: str, down: str) -> None:
    # as Excel's ROUNDUP / ROUNDDOWN: 2.01 → 3 (不足1个的按1个计), −3.99 to one place → −3.9
    r = one(compile_rules(ROUNDUP, "roundup"), "G", x=x)
    assert (value(r, "上"), value(r, "下")) == (D(up), D(down))


def test_roundup_scores_alike_on_both_backends_and_keeps_its_range() -> None:
    from helpers_columnar import same_results
    from kaoping.compiler.load import frontend

    s = compile_rules(ROUNDUP, "roundup")
    xs = ["0.5", "-0.5", "2", "2.01", "-3.99", "9.99", "-10", "10"]
    assert same_results(s, {"units": [unit(f"u{i}", "G", x=x) for i, x in enumerate(xs)]})
    # x in [−10, 10] stays in [−10, 10] rounded: no W402 against the maximum 10
    _model, diags = frontend({"r.rules": ROUNDUP})
    assert diags == []


@pytest.mark.parametrize(
    ("call", "code"),
    [
        ("向上舍入(x, 11)", "E412"),
        ("向上舍入(x, x)", "E203"),
        ("向上舍入(x, 0.5)", "E203"),
        ("向上舍入(x)", "E205"),
    ],
)
def test_roundup_takes_a_whole_number_of_places_written_in_the_rules(call: str, code: str) -> None:
    from kaoping.compiler.load import frontend

    text = f'分组 G\n输入 x: 数值 0 至 10 "x"\n评分 G:\n    设 a = {call}\n'
    _model, diags = frontend({"r.rules": text})
    assert [d.code for d in diags if d.severity == "error"] == [code]


def test_roundup_is_the_same_rule_in_either_keyword_set() -> None:
    from kaoping.formatter import format_text

    en = format_text(ROUNDUP, to="en")
    assert "roundup(x, 0)" in en and "rounddown(x, 1)" in en
    zh = compile_rules(ROUNDUP, "zh").model
    assert compile_rules(en, "en").model.blocks[0].values.keys() == zh.blocks[0].values.keys()
