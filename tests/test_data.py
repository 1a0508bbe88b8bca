"""Bad data is a DataError naming the unit and the input (exit code 2 on the command line); JSON
numbers are exact decimals; CSV data scores like the equivalent JSON; `--output` is atomic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers_scoring import D, compile_rules, run, unit
from kaoping.cli import main
from kaoping.errors import DataError
from kaoping.exact import exact_text
from kaoping.io.data import load_file
from kaoping.io.numbers import NumberText
from kaoping.io.validate import validate
from kaoping.scoring import score

RULES = """\
scheme "data checks"
rounding 2 places half-up
group 县直单位 "县直单位"
group 乡镇 "乡镇"
enum 测评等次: 优, 良, 合格
record 改革事项:
    名称: text
    达标: yesno
    得分: number 0 to 10
input 信息报送次数: count "全年报送改革工作信息的次数" article "000 附件2 台帐管理 2."
input 信息质量达标: yesno "信息质量是否达标"
input 满意度: number 0 to 10 "社会满意度测评得分"
input 县领导测评: 测评等次 "县领导测评等次"
input 酌情加分: number 0.1 to 0.2 optional "酌情加分(未给予的为空)"
input 负责事项: list of 改革事项 "单位负责的改革事项" for 县直单位
input 乡镇特色: count "乡镇特色工作次数" for 乡镇
table 测评分 by 测评等次:
    优: 3
    良: 2
    合格: 1
scoring 县直单位, 乡镇:
    item 信息报送 max 4:
        start max
        deduct 1 per shortfall(信息报送次数, 4)
        zero if not 信息质量达标
    item 满意度测评 max 10 = 满意度
    item 县领导 max 3 = 测评分[县领导测评]
    item 加分 max 0.2 = 酌情加分 default 0
    flag 警示单位 if total < 10
"""

LIST_RULES = RULES.replace(
    "scoring 县直单位, 乡镇:",
    "scoring 乡镇:\n"
    "    item 特色 max 5:\n"
    "        add 1 per 乡镇特色\n"
    "        cap 5\n"
    "    item 乡镇满意度 max 10 = 满意度\n"
    "scoring 县直单位:\n"
    "    item 事项得分 max 100:\n"
    "        add sum 负责事项 of 得分 where 达标\n"
    "        cap 100",
)


@pytest.fixture(scope="module")
def scheme():
    return compile_rules(LIST_RULES, "data_checks")


def good_county(name: str = "县发改委", **over: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "信息报送次数": 3,
        "信息质量达标": True,
        "满意度": "8.5",
        "县领导测评": "良",
        "酌情加分": None,
        "负责事项": [{"名称": "阶梯水价", "达标": True, "得分": 6}],
    }
    facts.update(over)
    return unit(name, "县直单位", **facts)


def good_town(name: str = "平都镇", **over: Any) -> dict[str, Any]:
    # only what the 乡镇 sheet reads: a town gives no input that no rule of its group reads
    facts: dict[str, Any] = {"满意度": 9, "乡镇特色": 2}
    facts.update(over)
    return unit(name, "乡镇", **facts)


def problems_of(scheme, units: list[dict[str, Any]]) -> list[tuple[str | None, str | None]]:
    with pytest.raises(DataError) as err:
        run(scheme, units)
    return [(p.unit, p.field) for p in err.value.problems]


def test_good_data_scores(scheme) -> None:
    # 县发改委: 信息报送 4 − 1 = 3; 满意度 8.5; 良 → 2; 加分 0; 事项 6 → total 19.5
    # 平都镇 (scored by its own block): 特色 2 × 1 = 2, 满意度 9 → 11
    res = run(scheme, [good_county(), good_town()])
    assert res.by_name("县发改委").total == D("19.5")
    assert res.by_name("平都镇").total == 11


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"信息报送次数": "three"}, "信息报送次数"),  # a string for a count
        ({"信息报送次数": "3次"}, "信息报送次数"),
        ({"信息报送次数": "2.5"}, "信息报送次数"),  # a float-like string for a count
        ({"信息报送次数": "3.0"}, "信息报送次数"),
        ({"信息报送次数": "1e2"}, "信息报送次数"),
        ({"信息报送次数": NumberText("3.0")}, "信息报送次数"),  # JSON 3.0: not a count
        ({"信息报送次数": NumberText("2.5")}, "信息报送次数"),  # a fractional number
        ({"信息报送次数": -1}, "信息报送次数"),  # a negative count
        ({"信息报送次数": True}, "信息报送次数"),  # a yes/no for a count
        ({"信息质量达标": 1}, "信息质量达标"),  # a number for a yes/no
        ({"信息质量达标": "true"}, "信息质量达标"),  # text for a yes/no
        ({"满意度": "10.5"}, "满意度"),  # outside 0 to 10
        ({"满意度": -1}, "满意度"),
        ({"满意度": "八分"}, "满意度"),
        ({"县领导测评": "优秀"}, "县领导测评"),  # not a value of the enum
        ({"酌情加分": "0.3"}, "酌情加分"),  # outside 0.1 to 0.2
        ({"信息报送次数": None}, "信息报送次数"),  # null for a non-optional input
        ({"负责事项": "阶梯水价"}, "负责事项"),  # not a list
    ],
)
def test_bad_value_names_unit_and_input(scheme, facts: dict[str, Any], field: str) -> None:
    found = problems_of(scheme, [good_county("县住建局", **facts), good_town()])
    assert found == [("县住建局", field)]


def test_error_message_names_unit_and_input(scheme) -> None:
    with pytest.raises(DataError) as err:
        run(scheme, [good_county("县住建局", 信息报送次数=-1)])
    text = str(err.value)
    assert "县住建局" in text and "信息报送次数" in text


def test_missing_required_input(scheme) -> None:
    u = good_county("县住建局")
    del u["facts"]["满意度"]
    assert problems_of(scheme, [u]) == [("县住建局", "满意度")]


def test_missing_optional_input_key_is_still_an_error(scheme) -> None:
    # the data must give the key of an optional input, with null
    u = good_county("县住建局")
    del u["facts"]["酌情加分"]
    assert problems_of(scheme, [u]) == [("县住建局", "酌情加分")]


def test_unknown_group(scheme) -> None:
    u = good_county("县住建局")
    u["group"] = "街道"
    with pytest.raises(DataError) as err:
        run(scheme, [u])
    assert [(p.unit, p.field) for p in err.value.problems] == [("县住建局", "group")]
    assert "街道" in str(err.value)


def test_duplicate_unit(scheme) -> None:
    found = problems_of(scheme, [good_county("县住建局"), good_county("县住建局")])
    assert [u for u, _ in found] == ["县住建局"]
    assert found[0][1] is None


def test_unknown_fact_key(scheme) -> None:
    assert problems_of(scheme, [good_county("县住建局", 信息报送篇数=3)]) == [
        ("县住建局", "信息报送篇数")
    ]


def test_input_of_another_group_is_rejected(scheme) -> None:
    # 乡镇特色 is declared `for 乡镇`: a 县直单位 may not give it
    assert problems_of(scheme, [good_county("县住建局", 乡镇特色=1)]) == [("县住建局", "乡镇特色")]


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"名称": "阶梯水价", "达标": True}, "负责事项[1].得分"),  # missing field
        ({"名称": "阶梯水价", "达标": True, "得分": 11}, "负责事项[1].得分"),  # outside 0 to 10
        ({"名称": "阶梯水价", "达标": "是", "得分": 1}, "负责事项[1].达标"),
        ({"名称": "阶梯水价", "达标": True, "得分": None}, "负责事项[1].得分"),
        ({"名称": "阶梯水价", "达标": True, "得分": 1, "类别": "A"}, "负责事项[1].类别"),
    ],
)
def test_bad_record_in_a_list(scheme, record: dict[str, Any], field: str) -> None:
    assert problems_of(scheme, [good_county("县住建局", 负责事项=[record])]) == [
        ("县住建局", field)
    ]


def test_all_problems_of_a_file_are_reported_together(scheme) -> None:
    a = good_county("县住建局", 信息报送次数=-1, 满意度=11)
    b = good_town("平都镇", 信息质量达标="否")
    c = good_county("县教体局", 负责事项=[{"名称": "x", "达标": True}])
    d = good_county("县住建局")  # duplicate
    e = good_town("城关镇")
    e["group"] = "街道"
    found = problems_of(scheme, [a, b, c, d, e])
    assert sorted(found, key=str) == sorted(
        [
            ("县住建局", "信息报送次数"),
            ("县住建局", "满意度"),
            ("平都镇", "信息质量达标"),
            ("县教体局", "负责事项[1].得分"),
            ("县住建局", None),
            ("城关镇", "group"),
        ],
        key=str,
    )


def test_json_numbers_are_exact_decimals(scheme, tmp_path: Path) -> None:
    # 0.1 + 0.2 read from JSON as binary floats would be 0.30000000000000004
    rules = """\
scheme "exact"
group G "g"
input a: number "a"
input b: number "b"
input c: number "c"
scoring G:
    item s = a + b + c
"""
    exact = compile_rules(rules, "exact_json")
    path = tmp_path / "d.json"
    path.write_text(
        '{"units": [{"unit": "U", "group": "G", "facts": {"a": 0.1, "b": 0.2, "c": 0.15}}]}'
    )
    r = score(exact, load_file(path, exact.model)).by_name("U")
    assert r.unit.values["s"] == D("0.45")
    assert exact_text(r.unit.values["s"]) == "0.45"


CSV_RULES = """\
方案 "csv"
舍入 2 位 四舍五入
分组 乡镇 "乡镇"
枚举 测评等次: 优, 良, 合格
输入 信息报送次数: 次数 "全年报送改革工作信息的次数"
输入 信息质量达标: 是否 "信息质量是否达标"
输入 满意度: 数值 0 至 10 "社会满意度测评得分"
输入 县领导测评: 测评等次 "县领导测评等次"
输入 酌情加分: 数值 0.1 至 0.2 可缺 "酌情加分"
对照表 测评分 按 测评等次:
    优: 3
    良: 2
    合格: 1
评分 乡镇:
    指标 信息报送 满分 4:
        起评 满分
        扣 1 每 不足(信息报送次数, 4)
        不得分 若 非 信息质量达标
    指标 满意度测评 满分 10 = 满意度
    指标 县领导 满分 3 = 测评分[县领导测评]
    指标 加分 满分 0.2 = 酌情加分 缺省 0
    组内:
        设 名次 = 排名 按 总分
"""


def test_csv_gives_the_same_results_as_json(tmp_path: Path) -> None:
    s = compile_rules(CSV_RULES, "csv_scheme")
    csv_path = tmp_path / "d.csv"
    csv_path.write_text(
        "unit,group,信息报送次数,信息质量达标,满意度,县领导测评,酌情加分\n"
        "平都镇,乡镇,3,true,8.5,良,\n"
        "城关镇,乡镇,4,是,9.25,优,0.15\n"
        "洲湖镇,乡镇,5,否,7,合格,0.2\n",
        "utf-8",
    )
    json_path = tmp_path / "d.json"
    json_path.write_text(
        json.dumps(
            {
                "units": [
                    unit(
                        "平都镇",
                        "乡镇",
                        信息报送次数=3,
                        信息质量达标=True,
                        满意度="8.5",
                        县领导测评="良",
                        酌情加分=None,
                    ),
                    unit(
                        "城关镇",
                        "乡镇",
                        信息报送次数=4,
                        信息质量达标=True,
                        满意度="9.25",
                        县领导测评="优",
                        酌情加分="0.15",
                    ),
                    unit(
                        "洲湖镇",
                        "乡镇",
                        信息报送次数=5,
                        信息质量达标=False,
                        满意度=7,
                        县领导测评="合格",
                        酌情加分="0.2",
                    ),
                ]
            },
            ensure_ascii=False,
        ),
        "utf-8",
    )
    from_csv = score(s, load_file(csv_path, s.model))
    from_json = score(s, load_file(json_path, s.model))
    # by hand: 平都镇 3 + 8.5 + 2 + 0 = 13.5; 城关镇 4 + 9.25 + 3 + 0.15 = 16.4;
    # 洲湖镇 0 (quality) + 7 + 1 + 0.2 = 8.2
    expected = {"平都镇": ("13.5", 2), "城关镇": ("16.4", 1), "洲湖镇": ("8.2", 3)}
    for res in (from_csv, from_json):
        got = {r.name: (r.total, r.rank) for r in res.units}
        assert got == {k: (D(t), rank) for k, (t, rank) in expected.items()}
    for name in expected:
        assert from_csv.by_name(name).unit.values == from_json.by_name(name).unit.values


def test_csv_bad_cells_are_data_errors(tmp_path: Path) -> None:
    s = compile_rules(CSV_RULES, "csv_scheme")
    csv_path = tmp_path / "d.csv"
    csv_path.write_text(
        "unit,group,信息报送次数,信息质量达标,满意度,县领导测评,酌情加分\n"
        "平都镇,乡镇,2.5,true,8.5,良,\n"
        "城关镇,乡镇,4,也许,9.25,优,0.15\n"
        "洲湖镇,乡镇,5,否,,合格,0.2\n",
        "utf-8",
    )
    with pytest.raises(DataError) as err:
        load_file(csv_path, s.model)
    found = {(p.unit, p.field) for p in err.value.problems}
    assert found == {("平都镇", "信息报送次数"), ("城关镇", "信息质量达标"), ("洲湖镇", "满意度")}


def test_csv_number_for_a_yes_no_is_rejected(tmp_path: Path) -> None:
    # 1 / 0 in a yes/no column is a number, as in JSON: not silently read as yes / no
    s = compile_rules(CSV_RULES, "csv_scheme")
    csv_path = tmp_path / "d.csv"
    csv_path.write_text(
        "unit,group,信息报送次数,信息质量达标,满意度,县领导测评,酌情加分\n"
        "平都镇,乡镇,3,1,8.5,良,\n"
        "城关镇,乡镇,4,0,9.25,优,0.15\n",
        "utf-8",
    )
    with pytest.raises(DataError) as err:
        load_file(csv_path, s.model)
    assert {(p.unit, p.field) for p in err.value.problems} == {
        ("平都镇", "信息质量达标"),
        ("城关镇", "信息质量达标"),
    }


def test_csv_row_with_extra_cells_is_rejected(tmp_path: Path) -> None:
    # a shifted row (one cell too many) must not be scored with the extra cell dropped
    s = compile_rules(CSV_RULES, "csv_scheme")
    csv_path = tmp_path / "d.csv"
    csv_path.write_text(
        "unit,group,信息报送次数,信息质量达标,满意度,县领导测评,酌情加分\n"
        "平都镇,乡镇,3,true,8.5,良,,0.1\n"
        "城关镇,乡镇,4,true,9.25,优,0.15\n",
        "utf-8",
    )
    with pytest.raises(DataError) as err:
        load_file(csv_path, s.model)
    assert [p.unit for p in err.value.problems] == ["平都镇"]


def test_csv_duplicate_column_is_rejected(tmp_path: Path) -> None:
    s = compile_rules(CSV_RULES, "csv_scheme")
    csv_path = tmp_path / "d.csv"
    csv_path.write_text(
        "unit,group,信息报送次数,信息质量达标,满意度,县领导测评,酌情加分,满意度\n"
        "平都镇,乡镇,3,true,8.5,良,,9\n",
        "utf-8",
    )
    with pytest.raises(DataError) as err:
        load_file(csv_path, s.model)
    assert [p.field for p in err.value.problems] == ["满意度"]


def test_json_fact_given_twice_is_rejected(scheme, tmp_path: Path) -> None:
    # {"满意度": 9, "满意度": 3}: JSON parsers keep the last silently; the data is ambiguous
    path = tmp_path / "d.json"
    path.write_text(
        '{"units": [{"unit": "县住建局", "group": "县直单位", "facts": {'
        '"信息报送次数": 3, "信息质量达标": true, "满意度": 9, "满意度": 3, '
        '"县领导测评": "良", "酌情加分": null, '
        '"负责事项": [{"名称": "x", "达标": true, "得分": 1, "得分": 2}]}}]}',
        "utf-8",
    )
    with pytest.raises(DataError) as err:
        load_file(path, scheme.model)
    assert sorted((p.unit, p.field) for p in err.value.problems) == [
        ("县住建局", "满意度"),
        ("县住建局", "负责事项[1].得分"),
    ]


def test_validate_rejects_a_non_object_top_level(scheme) -> None:
    with pytest.raises(DataError):
        validate([good_county()], scheme.model, "x.json")


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def files(tmp_path: Path):
    rules = tmp_path / "scheme.rules"
    rules.write_text(LIST_RULES, "utf-8")

    def data(units: list[dict[str, Any]], name: str = "data.json") -> Path:
        p = tmp_path / name
        p.write_text(json.dumps({"units": units}, ensure_ascii=False), "utf-8")
        return p

    return rules, data


def test_cli_bad_data_exit_code_2_names_unit_and_input(files) -> None:
    rules, data = files
    bad = data([good_county("县住建局", 信息报送次数=-1), good_town("平都镇", 满意度="99")])
    result = CliRunner().invoke(main, ["score", str(rules), str(bad)])
    assert result.exit_code == 2, result.output
    out = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "县住建局" in out and "信息报送次数" in out
    assert "平都镇" in out and "满意度" in out


def test_cli_good_data_exit_code_0(files) -> None:
    rules, data = files
    good = data([good_county(), good_town()])
    result = CliRunner().invoke(main, ["score", str(rules), str(good), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    totals = {u["unit"]: u["total"] for u in doc["units"]}
    assert totals == {"县发改委": "19.50", "平都镇": "11.00"}


def test_output_file_written_whole(files, tmp_path: Path) -> None:
    rules, data = files
    good = data([good_county(), good_town()])
    out = tmp_path / "results.json"
    result = CliRunner().invoke(
        main, ["score", str(rules), str(good), "--format", "json", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text("utf-8"))
    assert {u["unit"] for u in doc["units"]} == {"县发改委", "平都镇"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["scheme.rules", "data.json", "results.json"]
    )


def test_output_file_not_written_when_data_is_bad(files, tmp_path: Path) -> None:
    rules, data = files
    bad = data([good_county("县住建局", 县领导测评="优秀")])
    out = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["score", str(rules), str(bad), "--output", str(out)])
    assert result.exit_code == 2
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json", "scheme.rules"]


def test_output_file_keeps_old_content_when_data_is_bad(files, tmp_path: Path) -> None:
    rules, data = files
    bad = data([good_county("县住建局", 信息质量达标=None)])
    out = tmp_path / "results.json"
    out.write_text("previous results\n", "utf-8")
    result = CliRunner().invoke(main, ["score", str(rules), str(bad), "--output", str(out)])
    assert result.exit_code == 2
    assert out.read_text("utf-8") == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "data.json",
        "results.json",
        "scheme.rules",
    ]


@pytest.mark.parametrize("reader", ["csv module", "pyarrow"])
def test_a_list_input_in_csv_data_is_one_message_saying_where_it_can_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reader: str
) -> None:
    # a CSV row has no room for a list of records: one message an input, not one a unit
    from kaoping.io import data_arrow

    if reader == "pyarrow":
        monkeypatch.setattr(data_arrow, "ARROW_CSV_FROM", 0)
    rows = "".join(f"镇{i},乡镇,1\n" for i in range(40))
    csv_path = tmp_path / "d.csv"
    csv_path.write_text("unit,group,信息报送次数\n" + rows, "utf-8")
    s = compile_rules(CSV_LIST_RULES, "csv_lists")
    with pytest.raises(DataError) as err:
        load_file(csv_path, s.model)
    [problem] = err.value.problems
    assert (problem.unit, problem.field) == (None, "扣分事项")
    assert "a list of 扣分记录 records (for the units of 乡镇)" in problem.message
    assert "which a CSV file cannot hold" in problem.message and "JSON" in problem.message


CSV_LIST_RULES = """\
方案 "列表"
分组 乡镇
记录 扣分记录:
    分值: 数值 0 至 10
输入 信息报送次数: 次数 "次数"
输入 扣分事项: 列表 扣分记录 "每起一条"
评分 乡镇:
    指标 信息报送 满分 10 = 信息报送次数
    指标 扣分:
        扣 合计 扣分事项 的 分值
"""
