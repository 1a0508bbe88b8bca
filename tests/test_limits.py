"""What `check` accepts compiles and scores; what it cannot is a located diagnostic.

Each reported input of issue 8 (a NUL byte in a comment or a string, a flat sum of 200 and
2,000 terms, 200 and 300 nested brackets, calls and conditions, 3,000 items in one block) either
scores with the value worked out by hand, or gives its diagnostic (E103, E104) at the place it
names, through the command line (exit code) and through the API. Long runs and long blocks are
emitted flat; nesting beyond 100 levels is refused before anything walks it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaoping.cli import main
from kaoping.compiler import flat
from kaoping.compiler.limits import MAX_DEPTH
from kaoping.compiler.load import compile_sources, frontend
from kaoping.exact import Q
from kaoping.io.validate import validate
from kaoping.scoring import score

HEAD = """scheme "limits"
group G
input a: number 0 to 10 "a"
input b: number 0 to 10 "b"
input p: yesno "p"
enum 档: 低, 高
scoring G:
"""
# the first line of the scoring block's body
BODY_LINE = HEAD.count("\n") + 1
FACTS = {"a": "1.5", "b": "0.25", "p": False}


# a flag (no points) after the body that reads every input, as a unit's data gives them all
READ_ALL = "    flag 读全部 if p or a > b\n"


def rules(body: str) -> str:
    return HEAD + body + READ_ALL


def api_total(text: str, **facts: object) -> Q:
    """Compile (which checks first, and raises on any error) and score one unit through the
    API; the unit's total."""
    scheme = compile_sources("limits", {"t.rules": text})
    data = {"units": [{"unit": "U", "group": "G", "facts": {**FACTS, **facts}}]}
    return score(scheme, validate(data, scheme.model, "data")).units[0].total


def cli(tmp_path: Path, text: str, *command: str) -> tuple[int, str]:
    path = tmp_path / "t.rules"
    path.write_text(text, "utf-8")
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"units": [{"unit": "U", "group": "G", "facts": FACTS}]}), "utf-8")
    args = [a.replace("RULES", str(path)).replace("DATA", str(data)) for a in command]
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def cli_total(tmp_path: Path, text: str) -> Q:
    """`check` exits 0, then `score --format json` gives the unit's total."""
    code, out = cli(tmp_path, text, "check", "RULES")
    assert code == 0, out
    code, out = cli(tmp_path, text, "score", "RULES", "DATA", "--format", "json")
    assert code == 0, out
    [unit] = json.loads(out[out.index("{") :])["units"]
    return Q(unit["total"])


def located(tmp_path: Path, text: str, code: str) -> tuple[int, int]:
    """The diagnostic's line and column, the same through the API and the command line (which
    exits 1 and names `file:line:col`)."""
    _, diags = frontend({"t.rules": text})
    assert [d.code for d in diags if d.severity == "error"] == [code], [d.headline() for d in diags]
    [d] = [d for d in diags if d.severity == "error"]
    exit_code, out = cli(tmp_path, text, "check", "RULES")
    assert exit_code == 1
    assert f"t.rules:{d.span.line}:{d.span.col}: error {code}" in out
    return d.span.line, d.span.col


# --------------------------------------------------------------------------- control characters


def test_a_nul_in_a_comment_is_e103_at_its_column(tmp_path: Path) -> None:
    text = rules("    item s = a  # note \x00 here\n")
    line, col = located(tmp_path, text, "E103")
    assert (line, col) == (BODY_LINE, len("    item s = a  # note ") + 1)


def test_a_nul_in_a_string_is_e103_at_its_column(tmp_path: Path) -> None:
    text = rules('    item s article "附件\x00" = a\n')
    line, col = located(tmp_path, text, "E103")
    assert (line, col) == (BODY_LINE, len('    item s article "附件') + 1)


def test_an_escape_sequence_never_reaches_the_terminal(tmp_path: Path) -> None:
    text = rules('    item s article "\x1b[2J" = a\n')
    located(tmp_path, text, "E103")
    _, out = cli(tmp_path, text, "check", "RULES")
    assert "\x1b" not in out and "␛[2J" in out  # the line is shown with a symbol for ESC


def test_a_lone_carriage_return_is_e103_and_a_windows_line_end_is_not() -> None:
    _, diags = frontend({"t.rules": rules("    item s = a\r    item t = b\n")})
    assert [(d.code, d.span.col) for d in diags] == [("E103", len("    item s = a") + 1)]
    _, diags = frontend({"t.rules": rules("    item s = a\r\n    item t = b\r\n")})
    assert [d for d in diags if d.severity == "error"] == []


def test_a_tab_in_a_comment_or_a_string_is_still_text() -> None:
    text = rules('    item s article "a\tb" = a  # x\ty\n    item t = b\n')
    assert api_total(text) == Q("1.75")  # a + b = 1.5 + 0.25


# --------------------------------------------------------------------------- long runs


def test_a_flat_sum_of_200_terms_scores(tmp_path: Path) -> None:
    text = rules("    item s = " + " + ".join(["a"] * 200) + "\n")
    # 200 × 1.5 = 300
    assert api_total(text) == Q("300")
    assert cli_total(tmp_path, text) == Q("300")


def test_a_flat_sum_of_2000_terms_scores(tmp_path: Path) -> None:
    text = rules("    item s = " + " + ".join(["a"] * 2000) + "\n")
    # 2,000 × 1.5 = 3,000
    assert api_total(text) == Q("3000")
    assert cli_total(tmp_path, text) == Q("3000")


def test_a_long_run_keeps_left_to_right_order() -> None:
    # 3000 - 1 - 1 - … (1,999 ones) from the left is 3,000 - 1,999 = 1,001; grouped from the
    # right it would be 3000 - (1 - (1 - …)) = 3,000 - 1 = 2,999
    minus = "    item s = 3000" + " - 1" * 1999 + "\n"
    # a - b + a - b … (1,000 pairs) = 1,000 × (1.5 - 0.25) = 1,250; × 2 ÷ 2, 300 times, keeps it
    products = (
        "    let m = " + " + ".join(["a - b"] * 1000) + "\n    item t = m" + " × 2 ÷ 2" * 300 + "\n"
    )
    assert api_total(rules(minus)) == Q("1001")
    assert api_total(rules(products)) == Q("1250")


def test_a_long_run_with_an_absent_operand_is_absent_then_defaulted() -> None:
    text = (
        HEAD.replace('input b: number 0 to 10 "b"', 'input b: number 0 to 10 optional "b"')
        + "    item s = ("
        + " + ".join(["a"] * 150)
        + " + b) default 7\n"
        + "    flag 读 if p\n"
    )
    assert api_total(text, b="0.25") == Q("225.25")  # 150 × 1.5 + 0.25
    assert api_total(text, b=None) == Q("7")  # b absent: the whole sum is, so 7


@pytest.mark.parametrize("formula", ["(b / 2) default 7", "(2 / b) default 7"])
def test_a_quotient_with_an_absent_operand_is_absent(formula: str) -> None:
    # either side of ÷ absent: the quotient is absent, so the default 7 (it used to stop
    # scoring with a TypeError though `check` had passed)
    text = (
        HEAD.replace('input b: number 0 to 10 "b"', 'input b: number 0 to 10 optional "b"')
        + f"    item s = {formula}\n"
        + "    flag 读 if p or a > 1\n"
    )
    assert api_total(text, b=None) == Q(7)
    assert api_total(text, b="0.25") == (Q("0.125") if formula.startswith("(b") else Q(8))


def test_a_long_run_of_or_and_and(tmp_path: Path) -> None:
    ors = " or ".join(["p"] * 2000)
    ands = " and ".join(["a > 1"] * 2000)
    text = rules(f"    item s = if {ors} then 1 else 2\n    item t = if {ands} then 3 else 4\n")
    # p is no, so every `or` is no: 2; a = 1.5 > 1 every time: 3
    assert api_total(text) == Q("5")
    assert cli_total(tmp_path, text) == Q("5")


def test_a_requirement_on_a_sum_of_2000_terms() -> None:
    # 2,000 × a ≤ 20,000 holds for every a in 0 to 10; the unit scores a = 1.5
    text = rules("    require " + " + ".join(["a"] * 2000) + " ≤ 20000\n    item s = a\n")
    assert api_total(text) == Q("1.5")


def test_not_applicable_if_any_of_1000_tests() -> None:
    # 社会管理 rescaled: (s + t) × 20 ÷ (10 + 10) while s applies, t × 20 ÷ 10 when it does not
    tests = " or ".join(["not present(b)"] * 1000)
    text = (
        HEAD.replace('input b: number 0 to 10 "b"', 'input b: number 0 to 10 optional "b"')
        + "    section 社会管理 max 20:\n"
        + "        rescale\n"
        + "        item s max 10:\n"
        + "            start b\n"
        + f"            not applicable if {tests}\n"
        + "        item t max 10 = a\n"
        + "    flag 读 if p\n"
    )
    assert api_total(text, b="0.25") == Q("1.75")  # (0.25 + 1.5) × 20 ÷ 20
    assert api_total(text, b=None) == Q(3)  # 1.5 × 20 ÷ 10


def test_a_band_of_100_rows_finds_the_row_at_each_edge() -> None:
    tenths = [f"{k // 10}.{k % 10}" for k in range(101)]  # 0.0, 0.1, … 10.0
    rows = ", ".join(
        f"[{tenths[k]}, {tenths[k + 1]}{']' if k == 99 else ')'}: {'低' if k < 50 else '高'}"
        for k in range(100)
    )
    text = rules(f"    let d = band a {{{rows}}}\n    item s = if d = 高 then 1 else 0\n")
    assert api_total(text, a="4.95") == Q("0")  # row [4.9, 5): 低
    assert api_total(text, a="5") == Q("1")  # row [5, 5.1): 高
    assert api_total(text, a="10") == Q("1")  # the last row, closed at 10


# --------------------------------------------------------------------------- nesting


@pytest.mark.parametrize("depth", [200, 300, 10_000])
def test_brackets_around_one_value_are_no_nesting(tmp_path: Path, depth: int) -> None:
    text = rules("    item s = " + "(" * depth + "a" + ")" * depth + "\n")
    assert api_total(text) == Q("1.50")
    assert cli_total(tmp_path, text) == Q("1.50")


# Each shape nests one level per repetition: repetition k is at level 2 + k (the scoring block
# is level 1, the item 2), and what it holds at level 3 + k. The first thing past level 100, in
# reading order, is where E104 points: (the repetition it is in, its offset in the repetition).
NESTINGS = {
    # `(1 + (1 + …))`: the `1` of the 98th repetition (the 98th bracket holds level 100)
    "brackets": ("(1 + ", "a", ")", (98, len("("))),
    # `greatest(greatest(…))`: the 99th call itself
    "calls": ("greatest(", "a", ")", (99, 0)),
    # `if p then 1 else if p …`: the `p` of the 98th condition
    "ifs": ("if p then 1 else ", "a", "", (98, len("if "))),
}


@pytest.mark.parametrize("depth", [200, 300])
@pytest.mark.parametrize("shape", sorted(NESTINGS))
def test_nesting_beyond_the_limit_is_e104_where_it_starts(
    tmp_path: Path, shape: str, depth: int
) -> None:
    opener, middle, closer, (repetition, offset) = NESTINGS[shape]
    prefix = "    item s = "
    text = rules(prefix + opener * depth + middle + closer * depth + "\n")
    line, col = located(tmp_path, text, "E104")
    assert MAX_DEPTH == 100
    assert (line, col) == (BODY_LINE, len(prefix) + 1 + len(opener) * (repetition - 1) + offset)


@pytest.mark.parametrize("shape", sorted(NESTINGS))
def test_nesting_up_to_the_limit_scores(shape: str) -> None:
    opener, middle, closer, _ = NESTINGS[shape]
    depth = MAX_DEPTH - 3  # repetitions at levels 3 … 99, what the last one holds at 100
    text = rules("    item s = " + opener * depth + middle + closer * depth + "\n")
    # brackets: 97 × 1 + 1.5; calls: greatest(…(a)) = a; ifs: p is no, so the last else, a
    expected = {"brackets": Q("98.50"), "calls": Q("1.50"), "ifs": Q("1.50")}
    assert api_total(text) == expected[shape]


def test_three_hundred_nested_sections_are_e104(tmp_path: Path) -> None:
    body = "".join("    " * (k + 1) + f"section S{k}:\n" for k in range(300))
    text = rules(body + "    " * 301 + "item s = a\n")
    line, col = located(tmp_path, text, "E104")
    # the scoring block is level 1, section S0 level 2: S99 is level 101
    assert (line, col) == (BODY_LINE + 99, 4 * 100 + 1)


# --------------------------------------------------------------------------- large blocks


def test_three_thousand_items_in_one_block_score(tmp_path: Path) -> None:
    text = rules("".join(f"    item i{k} = 1\n" for k in range(3000)))
    # 3,000 items of 1 each
    assert api_total(text) == Q("3000")
    assert cli_total(tmp_path, text) == Q("3000")


def test_three_thousand_items_in_one_section_score() -> None:
    items = "".join(f"        item i{k} max 1 = 1\n" for k in range(3000))
    text = rules("    section 全部 max 3000:\n" + items)
    assert api_total(text) == Q("3000")


@pytest.mark.parametrize("written", ["one row per key", "one row listing every key"])
def test_a_keyed_item_of_three_thousand_rows_scores(written: str) -> None:
    if written == "one row per key":
        rows = "".join(f"        {k}: {k % 7}\n" for k in range(1, 3001))
    else:
        rows = "        1 to 3000: " + ", ".join(str(k % 7) for k in range(1, 3001)) + "\n"
    text = (
        HEAD.replace('input a: number 0 to 10 "a"', 'input a: count "a"')
        + "    item s by a:\n"
        + rows
        + "        otherwise: 9\n"
        + READ_ALL
    )
    assert api_total(text, a=2999) == Q(3)  # 2,999 = 7 × 428 + 3
    assert api_total(text, a=3001) == Q(9)  # no row for 3,001: otherwise


def test_a_chain_of_three_thousand_lets_scores_in_either_order() -> None:
    # L0 = a, Lk = L(k-1) + 1: L2999 = 1.5 + 2,999 = 3,000.5
    forward = "    let L0 = a\n" + "".join(f"    let L{k} = L{k - 1} + 1\n" for k in range(1, 3000))
    backward = (
        "".join(f"    let L{k} = L{k - 1} + 1\n" for k in range(2999, 0, -1)) + "    let L0 = a\n"
    )
    for lets in (forward, backward):
        assert api_total(rules(lets + "    item s = L2999\n")) == Q("3000.50")


def test_a_cycle_of_three_thousand_lets_is_e502() -> None:
    lets = "".join(f"    let L{k} = L{(k + 1) % 3000} + 1\n" for k in range(3000))
    _, diags = frontend({"t.rules": rules(lets + "    item s = L0\n")})
    [d] = [d for d in diags if d.severity == "error"]
    assert d.code == "E502"
    assert d.message().startswith("'L0' depends on itself: L0 → L1 → L2 → ")


def test_the_ir_of_a_long_run_prints(tmp_path: Path) -> None:
    text = rules("    item s = " + " + ".join(["a"] * 2000) + "\n")
    code, out = cli(tmp_path, text, "compile", "RULES", "--emit-ir")
    assert code == 0
    assert out.count("BinOp(op='+'") == 1999


def test_explain_agrees_with_score_on_a_long_run(tmp_path: Path) -> None:
    text = rules("    item s = " + " - ".join(["a"] * 500) + "\n    item t = 1\n")
    # 1.5 - 499 × 1.5 = -747; + 1
    assert cli_total(tmp_path, text) == Q("-746")
    code, out = cli(tmp_path, text, "explain", "RULES", "DATA", "--unit", "U")
    assert code == 0
    assert "total -746 " in out


# --------------------------------------------------------------------------- the last guard


def test_code_python_refuses_is_e105_at_the_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # with the emitter's guard lifted, a run of 5,000 terms is one Python expression nested
    # 5,000 deep, which Python's compiler refuses: `check` says so at the rule, never `score`
    monkeypatch.setattr(flat, "FLAT_RUN", 10**9)
    text = rules("    item t = 1\n    item s = " + " + ".join(["a"] * 5000) + "\n")
    _, diags = frontend({"t.rules": text})
    errors = [d for d in diags if d.severity == "error"]
    assert [(d.code, d.span.line) for d in errors] == [("E105", BODY_LINE + 1)]
