"""A record's text field is a key: `highest per 事项` counts one notice per matter (004 四(二)5.
"不重复扣分"). Two texts that look the same on screen must be the same key, as two unit names that
look the same are the same unit: a stray space from a spreadsheet cell, or the NFD spelling of
an accented letter, made one matter two and deducted it twice. An empty text names nothing, so
two unnamed matters were merged into one and a deduction was lost: it is a data error."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from helpers_scoring import D, compile_rules, run, unit, value
from kaoping.cli import main
from kaoping.errors import DataError

RULES = """
scheme "record text keys"
group 单位 "units"
enum 级别: 省, 市
record 通报:
    级别: 级别
    事项: text
table 扣分 by 级别:
    省: 30
    市: 20
input 通报批评: list of 通报 "notices, one per level and matter"
scoring 单位:
    item 通报批评扣分:
        deduct sum 通报批评 of 扣分[级别] highest per 事项
    total = 通报批评扣分
"""


@pytest.mark.parametrize(
    "second",
    [" 环保督查", "环保督查 ", "\t环保督查\u3000", "环保督查"],
)
def test_a_matter_written_with_surrounding_spaces_is_the_same_matter(second: str) -> None:
    s = compile_rules(RULES, "keys")
    notices = [{"级别": "省", "事项": "环保督查"}, {"级别": "市", "事项": second}]
    r = run(s, [unit("U", "单位", 通报批评=notices)]).by_name("U")
    assert value(r, "通报批评扣分") == D(-30)  # was -50: deducted twice


def test_a_matter_in_nfd_is_the_same_matter_as_in_nfc() -> None:
    s = compile_rules(RULES, "keys")
    notices = [{"级别": "省", "事项": "Caf\u00e9"}, {"级别": "市", "事项": "Cafe\u0301"}]
    r = run(s, [unit("U", "单位", 通报批评=notices)]).by_name("U")
    assert value(r, "通报批评扣分") == D(-30)


@pytest.mark.parametrize("empty", ["", "  ", "\u3000"])
def test_an_empty_matter_is_a_data_error_naming_the_unit_and_field(empty: str) -> None:
    s = compile_rules(RULES, "keys")
    notices = [{"级别": "省", "事项": empty}, {"级别": "市", "事项": empty}]
    with pytest.raises(DataError) as err:
        run(s, [unit("U", "单位", 通报批评=notices)])
    said = str(err.value)
    assert "U" in said and "通报批评" in said and "事项" in said and "empty" in said


def _score(rules: Path, data: Path, out: Path, backend: str) -> tuple[int, bytes | None]:
    args = [
        "score",
        str(rules),
        str(data),
        "-o",
        str(out),
        "--backend",
        backend,
        "--format",
        "json",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, out.read_bytes() if out.exists() else None


@pytest.mark.parametrize("second", ["环保督查 ", ""])
def test_both_readers_of_a_parquet_file_agree(tmp_path: Path, second: str) -> None:
    """The whole-column reader leaves text that is not in its compared form to the per-unit
    reader, so both give -30 for the spaced matter and both refuse the empty one."""
    rules = tmp_path / "s.rules"
    rules.write_text(RULES.lstrip(), encoding="utf-8")
    notices = [
        [{"级别": "省", "事项": "环保督查"}, {"级别": "市", "事项": second}],
        [{"级别": "市", "事项": "会议纪律"}],
    ]
    table = pa.table({"unit": ["U", "V"], "group": ["单位", "单位"], "通报批评": notices})
    data = tmp_path / "d.parquet"
    pq.write_table(table, data)
    unit_path = _score(rules, data, tmp_path / "unit.json", "unit")
    whole = _score(rules, data, tmp_path / "whole.json", "columnar")
    assert whole == unit_path
    code, written = unit_path
    if second:
        assert code == 0 and written is not None
        totals = {u["unit"]: u["total"] for u in json.loads(written)["units"]}
        assert totals == {"U": "-30", "V": "-20"}
    else:
        assert code == 2
