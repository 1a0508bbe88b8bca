"""Excel workbooks: `kaoping template`, reading a filled template in `score`/`explain`, and
`score -o 结果.xlsx`. The round trip (template → filled from the sample → score) must give the
results of scoring the JSON sample, for every shipped scheme."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from kaoping import load_scheme
from kaoping.cli import main
from kaoping.compiler import ir
from kaoping.compiler.model import Model
from kaoping.errors import DataError
from kaoping.exact import Q
from kaoping.io import xlsx_layout as lay
from kaoping.io.data import load_file
from kaoping.io.results import to_json
from kaoping.io.xlsx_read import number_cell
from kaoping.io.xlsx_template import write_template
from kaoping.io.xlsx_write import put
from kaoping.plugins.manager import default_registry
from kaoping.scoring import score

SCHEMES = sorted(default_registry().schemes)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _sample(scheme_id: str) -> Path:
    path = default_registry().sample(scheme_id)
    assert path is not None
    return path


def _cell(value: Any, t: ir.TypeRef | None, flip: list[bool]) -> Any:
    """A sample value as an office would type it: numbers as numbers (floats where they have
    decimals), yes/no alternately as 是/否 and as Excel's TRUE/FALSE."""
    if value is None:
        return None
    if isinstance(value, bool):
        flip[0] = not flip[0]
        return value if flip[0] else ("是" if value else "否")
    if isinstance(t, ir.NumberType | ir.CountType):
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)
    return str(value)


def fill(path: Path, sample: Path, model: Model) -> None:
    """Write the sample's facts, list records and constants into the template's cells."""
    data = json.loads(sample.read_text("utf-8"), parse_float=Decimal)
    wb = openpyxl.load_workbook(path)
    flip = [False]
    for unit in data["units"]:
        ws = wb[lay.sheet_title(unit["group"])]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == unit["unit"])
        decls = {d.name: d for d in lay.scalar_inputs(model, unit["group"])}
        headers = lay.input_headers(list(decls.values()))
        columns = {ws.cell(1, c).value: c for c in range(2, ws.max_column + 1)}
        for name, value in unit["facts"].items():
            if isinstance(value, list):
                decl = model.inputs[name]
                assert isinstance(decl.type, ir.ListType)
                fields = {f.name: f for f in model.records[decl.type.record].fields}
                sheet = wb[lay.sheet_title(name)]
                heads = {sheet.cell(1, c).value: c for c in range(2, sheet.max_column + 1)}
                fheads = lay.field_headers(model.records[decl.type.record])
                for record in value:
                    r = sheet.max_row + 1
                    sheet.cell(r, 1, unit["unit"])
                    for fname, fvalue in record.items():
                        cell = _cell(fvalue, fields[fname].type, flip)
                        sheet.cell(r, heads[fheads[fname]], cell)
                continue
            cell = _cell(value, decls[name].type, flip)
            ws.cell(row, columns[headers[name]], cell)
    if data.get("constants"):
        ws = wb[lay.CONSTANTS_SHEET]
        rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
        for name, value in data["constants"].items():
            decl = model.constants[name]
            ws.cell(rows[name], 2, _cell(value, decl.type, flip))
    wb.save(path)


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_round_trip_equals_the_json_sample(scheme_id: str, tmp_path: Path) -> None:
    book = tmp_path / "数据.xlsx"
    made = run("template", scheme_id, "-o", str(book), "--sample")
    assert made.exit_code == 0, made.output
    compiled = load_scheme(scheme_id, default_registry())
    fill(book, _sample(scheme_id), compiled.model)
    from_json = score(compiled, load_file(_sample(scheme_id), compiled.model))
    scored = run("score", scheme_id, str(book), "--format", "json")
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout) == json.loads(to_json(from_json))


def _example(tmp_path: Path) -> tuple[Path, Model]:
    """The example scheme's template, filled from its sample."""
    compiled = load_scheme("example-zh", default_registry())
    book = tmp_path / "数据.xlsx"
    assert run("template", "example-zh", "-o", str(book), "--sample").exit_code == 0
    fill(book, _sample("example-zh"), compiled.model)
    return book, compiled.model


def _column(ws: Any, header: str) -> int:
    return next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == header)


def _edit(book: Path, change: Any) -> None:
    wb = openpyxl.load_workbook(book)
    change(wb)
    wb.save(book)


def _error(book: Path, model: Model) -> str:
    with pytest.raises(DataError) as err:
        load_file(book, model)
    return str(err.value)


HEADER = "社会满意度测评得分(评估细则另行印发)"


def test_template_headers_comments_validation(tmp_path: Path) -> None:
    book, _ = _example(tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb["县直单位"]
    col = _column(ws, HEADER)
    note = ws.cell(1, col).comment
    assert note is not None and "满意度" in note.text and "附件2 满意度测评" in note.text
    rules = {str(dv.sqref).split(":")[0][:1]: dv for dv in ws.data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter(col)
    assert (rules[letter].type, rules[letter].formula1, rules[letter].formula2) == (
        "decimal",
        "0",
        "10",
    )
    yes_no = rules[openpyxl.utils.get_column_letter(_column(ws, "是否开展改革专题调研"))]
    assert yes_no.formula1 == '"是,否"'
    count = rules[openpyxl.utils.get_column_letter(_column(ws, "全年报送改革工作信息的次数"))]
    assert count.type == "whole"
    assert [ws.cell(r, 1).value for r in range(2, 6)] == [
        "县发改委",
        "县住建局",
        "县教体局",
        "县金融办",
    ]
    assert ws.freeze_panes == "B2"
    assert {"说明", "负责事项", "成果", "给定值"} <= set(wb.sheetnames)


def test_units_from_a_list(tmp_path: Path) -> None:
    names = tmp_path / "units.txt"
    names.write_text("甲局\n乙局\n", "utf-8")
    book = tmp_path / "t.xlsx"
    assert run("template", "example-zh", "-o", str(book), "--units", str(names)).exit_code == 0
    ws = openpyxl.load_workbook(book)["县直单位"]
    assert [ws.cell(r, 1).value for r in (2, 3)] == ["甲局", "乙局"]
    several = run("template", "heshan-2013", "-o", str(book), "--units", str(names))
    assert several.exit_code == 2 and "unit,group" in several.output


def test_numbers_as_the_cell_shows_them(tmp_path: Path) -> None:
    assert number_cell(0.1) == "0.1" and Q(number_cell(0.1)) == Q(1, 10)
    assert number_cell(3.0) == "3"
    book, model = _example(tmp_path)

    def change(wb: Any) -> None:
        ws = wb["县直单位"]
        col = _column(ws, HEADER)
        ws.cell(2, col, 0.1)
        ws.cell(3, col, 0.8).number_format = "0%"
        ws.cell(4, col, "8.25")  # a text cell: the strict number reader

    _edit(book, change)
    facts = {u.name: u.facts["满意度"] for u in load_file(book, model)}
    assert facts["县发改委"] == Q(1, 10)
    assert facts["县住建局"] == Q(4, 5)
    assert facts["县教体局"] == Q(33, 4)


def test_wrong_type_names_sheet_row_header_unit(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb["县直单位"].cell(3, _column(wb["县直单位"], HEADER), "八分"))
    message = _error(book, model)
    assert "sheet '县直单位' row 3" in message and HEADER in message
    assert "县住建局" in message and "expected a number" in message
    assert run("score", "example-zh", str(book)).exit_code == 2


def test_value_outside_the_range(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb["县直单位"].cell(2, _column(wb["县直单位"], HEADER), 11))
    message = _error(book, model)
    assert (
        "row 2" in message
        and "县发改委" in message
        and "outside the allowed range 0 to 10" in message
    )


def test_an_empty_required_cell_names_its_sheet_and_row(tmp_path: Path) -> None:
    """The unit checks find an empty cell of a required input (an `inf` a program wrote is saved
    empty too): the message places it on the unit's row, as the cell checks do."""
    book, model = _example(tmp_path)

    def empty(wb: Any) -> None:
        wb["县直单位"].cell(2, _column(wb["县直单位"], HEADER)).value = None

    _edit(book, empty)
    message = _error(book, model)
    assert "数据.xlsx: sheet '县直单位' row 2: unit '县发改委'" in message
    assert "is empty but the input is not optional" in message


def test_missing_required_column(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb["县直单位"].delete_cols(_column(wb["县直单位"], HEADER)))
    assert f"missing the column {HEADER!r}" in _error(book, model)


def test_unknown_group_sheet(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb.create_sheet("乡镇"))
    message = _error(book, model)
    assert "sheet '乡镇'" in message and "县直单位" in message


def test_duplicate_unit(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb["县直单位"].cell(3, 1, "县发改委"))
    message = _error(book, model)
    assert (
        "row 3" in message
        and "'县发改委'" in message
        and "already on sheet '县直单位' row 2" in message
    )


def test_formula_without_saved_value_warns(tmp_path: Path) -> None:
    book, _ = _example(tmp_path)
    _edit(book, lambda wb: wb["县直单位"].cell(2, _column(wb["县直单位"], HEADER), "=4+4.5"))
    result = run("score", "example-zh", str(book))
    assert "warning:" in result.stderr and "'县直单位' cell" in result.stderr
    assert "formula with no saved value" in result.stderr
    # read as empty: the required input is then missing, a data error naming it
    assert result.exit_code == 2
    assert "sheet '县直单位' row 2: unit '县发改委', input '满意度': is empty" in result.stderr


def test_empty_rows_skipped_merged_cells_tolerated(tmp_path: Path) -> None:
    book, model = _example(tmp_path)

    def change(wb: Any) -> None:
        ws = wb["县直单位"]
        ws.insert_rows(3, 2)  # two empty rows between units
        ws.cell(1, 1).font = openpyxl.styles.Font(bold=True, color="FF0000")
        wb["说明"].merge_cells("A1:C1")
        sheet = wb["成果"]
        sheet.cell(1, 5, None)

    _edit(book, change)
    assert [u.name for u in load_file(book, model)] == [
        "县发改委",
        "县住建局",
        "县教体局",
        "县金融办",
    ]


def test_results_workbook(tmp_path: Path) -> None:
    out = tmp_path / "结果.xlsx"
    result = run("score", "example-zh", "--sample", "-o", str(out))
    assert result.exit_code == 0, result.output
    compiled = load_scheme("example-zh", default_registry())
    results = score(compiled, load_file(_sample("example-zh"), compiled.model))
    wb = openpyxl.load_workbook(out)
    ws = wb["排名-县直单位"]
    assert ws.freeze_panes == "C2"
    heads = [c.value for c in ws[1]]
    assert heads[:4] == ["名次", "单位", "总分", "等次"]
    for row in range(2, 6):
        r = results.by_name(ws.cell(row, 2).value)
        assert r is not None and r.rank == ws.cell(row, 1).value
        total = ws.cell(row, 3)
        assert Q(number_cell(float(total.value))) == r.total  # exactly the total
        assert total.number_format == "0.00"  # the scheme's 2 places shown
    breakdown = wb["明细"]
    assert "改革组织领导" in [c.value for c in breakdown[1]]
    lines = [c.value for c in wb["县金融办"]["A"]]
    assert lines[0].startswith("县金融办") and any("附件2" in (line or "") for line in lines)


def test_non_terminating_value_is_text_with_the_exact_fraction(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    cell = put(ws, 1, 1, Q(550, 3))
    assert cell.value == "≈183.3333" and "550/3" in cell.comment.text
    cell = put(ws, 2, 1, Q(1, 8))
    assert cell.value == Decimal("0.125") and cell.number_format == "0.000"
    name = put(ws, 3, 1, "=1+1")
    assert name.data_type == "s"  # a unit's name is never a formula


def test_results_written_whole_or_not_at_all(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "结果.xlsx"
    result = run("score", "example-zh", "--sample", "-o", str(out))
    assert result.exit_code == 2 and "cannot write" in result.stderr
    assert not out.parent.exists()
    existing = tmp_path / "结果.xlsx"
    existing.write_bytes(b"last year")
    bad = tmp_path / "bad.json"
    bad.write_text('{"units": [{"unit": "甲", "group": "无"}]}', "utf-8")
    assert run("score", "example-zh", str(bad), "-o", str(existing)).exit_code == 2
    assert existing.read_bytes() == b"last year"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_template_into_a_missing_folder(tmp_path: Path) -> None:
    result = run("template", "example-zh", "-o", str(tmp_path / "no" / "t.xlsx"))
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_not_a_workbook(tmp_path: Path) -> None:
    fake = tmp_path / "数据.xlsx"
    fake.write_text("not a zip", "utf-8")
    compiled = load_scheme("example-zh", default_registry())
    assert "cannot read as an Excel workbook" in _error(fake, compiled.model)


def test_write_template_api(tmp_path: Path) -> None:
    compiled = load_scheme("yangquan-2014", default_registry())
    write_template(compiled.model, tmp_path / "t.xlsx", [("市发改委", "市直部门")][:0])
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert wb["常量"].cell(2, 1).value == "目标责任考核权重"


def test_damaged_sheet_is_a_data_error(tmp_path: Path) -> None:
    import zipfile

    book, model = _example(tmp_path)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(damaged, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet2"):
                data = data[: len(data) // 2]  # cut off mid-XML
            out.writestr(item, data)
    assert "cannot read as an Excel workbook" in _error(damaged, model)


def _rewrite(book: Path, part: str, old: bytes, new: bytes) -> None:
    """Edit one part of the workbook's zip: what Excel saves that openpyxl cannot write."""
    import zipfile

    copy = book.with_suffix(".tmp.xlsx")
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(copy, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                # openpyxl writes an empty element `<v />`, or `<v></v>` when lxml is installed
                if old not in data:
                    old = re.sub(rb"<(\w+) />", rb"<\1></\1>", old)
                assert old in data
                data = data.replace(old, new)
            out.writestr(item, data)
    copy.replace(book)


def test_formula_read_as_its_saved_value(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb["县直单位"].cell(2, _column(wb["县直单位"], HEADER), "=4+4.25"))
    sheet = openpyxl.load_workbook(book).sheetnames.index("县直单位") + 1
    # as Excel saves it: the formula and the value it calculated
    _rewrite(
        book, f"xl/worksheets/sheet{sheet}.xml", b"<f>4+4.25</f><v />", b"<f>4+4.25</f><v>8.25</v>"
    )
    warnings: list[str] = []
    from kaoping.io.xlsx_read import read_workbook

    units = read_workbook(book, model, warnings.append)
    assert units[0].facts["满意度"] == Q(33, 4) and warnings == []


def test_given_values_sheet(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(
        book,
        lambda wb: wb["给定值"].append(["县教体局", "改革组织领导", 7.5, "县改革办", "申诉复核"]),
    )
    unit = next(u for u in load_file(book, model) if u.name == "县教体局")
    given = unit.given["改革组织领导"]
    assert (given.value, given.by, given.note) == (Q(15, 2), "县改革办", "申诉复核")
    _edit(book, lambda wb: wb["给定值"].append(["县教体局", "改革组织领导", 7, "县改革办"]))
    message = _error(book, model)
    assert "sheet '给定值' row 3" in message and "given twice" in message


def test_units_from_last_years_workbook_and_a_csv(tmp_path: Path) -> None:
    last = tmp_path / "去年.xlsx"
    assert run("template", "heshan-2013", "-o", str(last), "--sample").exit_code == 0
    book = tmp_path / "今年.xlsx"
    assert run("template", "heshan-2013", "-o", str(book), "--units", str(last)).exit_code == 0
    before, after = openpyxl.load_workbook(last), openpyxl.load_workbook(book)
    groups = load_scheme("heshan-2013", default_registry()).model.block_of_group
    for group in groups:
        assert [c.value for c in before[group]["A"]] == [c.value for c in after[group]["A"]]
    assert len(after["街道"]["A"]) > 2  # the sample's units are there
    listing = tmp_path / "units.csv"
    listing.write_text("unit,group\n泉交河镇,工业发展型乡镇\n", "utf-8")
    assert run("template", "heshan-2013", "-o", str(book), "--units", str(listing)).exit_code == 0
    sheet = openpyxl.load_workbook(book)["工业发展型乡镇"]
    assert [c.value for c in sheet["A"]] == ["单位", "泉交河镇"]
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("泉交河镇,不存在\n", "utf-8")
    result = run("template", "heshan-2013", "-o", str(book), "--units", str(wrong))
    assert result.exit_code == 2 and "unknown group '不存在'" in result.stderr


def test_old_excel_format_is_named(tmp_path: Path) -> None:
    old = tmp_path / "数据.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = run("score", "example-zh", str(old))
    assert result.exit_code == 2 and "save it as an Excel workbook (.xlsx)" in result.stderr


# ------------------------------------------------------------------ one test per error kind
# (each problem a workbook can have names its sheet, row, column header or unit; exit 2)


def test_an_error_cell_is_named_by_its_coordinate(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    col = 0

    def change(wb: Any) -> None:
        nonlocal col
        col = _column(wb["县直单位"], HEADER)
        wb["县直单位"].cell(2, col).value = "#DIV/0!"

    _edit(book, change)
    message = _error(book, model)
    letter = openpyxl.utils.get_column_letter(col)
    assert f"sheet '县直单位' row 2, input '{letter}2': the cell shows #DIV/0!" in message


def test_cell_a1_must_name_the_unit_column(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb["县直单位"].cell(1, 1, "名称"))
    assert "sheet '县直单位' row 1: cell A1 must be '单位'" in _error(book, model)


def test_a_header_no_input_has(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb["县直单位"].cell(1, wb["县直单位"].max_column + 1, "备注"))
    message = _error(book, model)
    assert "sheet '县直单位' row 1, input '备注': no column of this sheet has this header" in (
        message
    )


def test_a_column_given_twice(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb["县直单位"].cell(1, wb["县直单位"].max_column + 1, HEADER))
    assert f"input '{HEADER}': this column appears more than once" in _error(book, model)


def test_a_value_in_a_column_with_no_header(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb["县直单位"].cell(3, wb["县直单位"].max_column + 2, 5))
    message = _error(book, model)
    assert "sheet '县直单位' row 3: unit '县住建局': a value in column" in message
    assert "with no header" in message


def test_a_row_with_values_and_no_unit(tmp_path: Path) -> None:
    book, model = _example(tmp_path)

    def change(wb: Any) -> None:
        wb["县直单位"].cell(8, _column(wb["县直单位"], HEADER), 5)
        wb["成果"].append([None, "阶梯水价", 3])

    _edit(book, change)
    message = _error(book, model)
    assert "sheet '县直单位' row 8: a row with values and no unit in column A" in message
    assert "sheet '成果' row" in message


def test_a_list_sheet_missing(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb.remove(wb["成果"]))
    assert "sheet '成果', input '成果': this sheet is missing" in _error(book, model)


def test_records_of_a_unit_no_units_sheet_has(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb["成果"].append(["县水利局", "河长制", 5]))
    assert "sheet '成果': unit '县水利局': no units sheet has this unit" in _error(book, model)


def test_a_given_value_of_a_unit_no_units_sheet_has(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb["给定值"].append(["县水利局", "改革组织领导", 7, "县改革办"]))
    assert "sheet '给定值': unit '县水利局': no units sheet has this unit" in _error(book, model)


def test_a_given_row_naming_no_value(tmp_path: Path) -> None:
    book, model = _example(tmp_path)
    _edit(book, lambda wb: wb["给定值"].append(["县教体局", None, 7, "县改革办"]))
    message = _error(book, model)
    assert "sheet '给定值' row 2: unit '县教体局': each row names a unit and a value" in message


SCOPED = """
方案 "两组与常量"
分组 县区
分组 部门
记录 项目:
    名称: 文本
    得分: 数值 0 至 10
常量 基础分: 数值 0 至 50 "本年度的基础分"
输入 项目表: 列表 项目 "承担的项目" 适用 县区
输入 满意度: 数值 0 至 10 "满意度测评得分"
评分 县区:
    指标 项目 满分 30:
        加 合计 项目表 的 得分
        封顶 30
    指标 满意 满分 10 = 满意度
    指标 基础 满分 50 = 基础分
评分 部门:
    指标 满意 满分 10 = 满意度
"""


def _scoped(tmp_path: Path) -> tuple[Path, Model]:
    """A two-group scheme with a list input for one group and a constant entered per run:
    its template with 甲县 (县区) and 发改委 (部门), the constant filled in."""
    rules = tmp_path / "scoped.rules"
    rules.write_text(SCOPED, "utf-8")
    units = tmp_path / "units.csv"
    units.write_text("甲县,县区\n发改委,部门\n", "utf-8")
    book = tmp_path / "数据.xlsx"
    made = run("template", str(rules), "-o", str(book), "--units", str(units))
    assert made.exit_code == 0, made.output
    model = load_scheme(str(rules), default_registry()).model

    def fill_in(wb: Any) -> None:
        wb["县区"].cell(2, _column(wb["县区"], "满意度测评得分"), 8)
        wb["部门"].cell(2, _column(wb["部门"], "满意度测评得分"), 9)
        ws = wb[lay.CONSTANTS_SHEET]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "基础分")
        ws.cell(row, 2, 40)

    _edit(book, fill_in)
    assert [u.name for u in load_file(book, model)] == ["甲县", "发改委"]
    return book, model


def test_records_for_a_unit_whose_group_does_not_take_the_list(tmp_path: Path) -> None:
    book, model = _scoped(tmp_path)
    _edit(book, lambda wb: wb["项目表"].append(["发改委", "项目一", 5]))
    message = _error(book, model)
    assert "sheet '项目表': unit '发改委', input '项目表': this input is not given for group" in (
        message
    )


def test_a_constant_with_no_name_and_a_constant_given_twice(tmp_path: Path) -> None:
    book, model = _scoped(tmp_path)

    def change(wb: Any) -> None:
        ws = wb[lay.CONSTANTS_SHEET]
        ws.append([None, 30])
        ws.append(["基础分", 30])

    _edit(book, change)
    message = _error(book, model)
    assert "a value with no constant's name in column A" in message
    assert "input '基础分': this constant is given twice" in message


def test_a_constant_outside_its_range(tmp_path: Path) -> None:
    book, model = _scoped(tmp_path)

    def change(wb: Any) -> None:
        ws = wb[lay.CONSTANTS_SHEET]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "基础分")
        ws.cell(row, 2, 60)

    _edit(book, change)
    message = _error(book, model)
    assert f"sheet '{lay.CONSTANTS_SHEET}' row" in message and "'基础分'" in message
    assert "outside the allowed range 0 to 50" in message
