"""The columnar backend divides by a value that differs from unit to unit (完成率 = 实际到位资金 ÷
各单位的年度目标, 开工率 = 新开工 ÷ 计划开工 with 计划 0 → 满分): each quotient exact, the same as the
per-unit backend's on any data (zero and absent divisors, negative ones, targets whose
quotients share no denominator), in values, grading conditions and consequences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from helpers_columnar import CI, same_results
from helpers_scoring import D
from kaoping.cli import main
from kaoping.compiler.load import compile_sources
from kaoping.io.validate import validate
from kaoping.scoring import score
from kaoping.scoring_columnar import columnar_scheme

RULES = """
方案 "完成率"
分组 乡镇
枚举 等次: 先进, 达标, 不达标
输入 实际: 数值 0 至 inf "实际到位资金"
输入 目标: 数值 0 至 inf "年度目标任务"
输入 计划: 次数 "计划开工项目数"
输入 开工: 次数 "新开工项目数"
输入 增幅: 数值 -50 至 50 "增幅"
输入 基数: 数值 -10 至 10 可缺 "基数(可为空、负数或0)"
评分 乡镇:
    设 完成率 = 实际 ÷ 目标 缺省 0
    指标 到位资金 满分 30:
        起评 完成率 × 30
        封顶 满分
        不得分 若 完成率 < 50%
    指标 超额 满分 3:
        加 1 每 向下舍入(超出(完成率, 1) ÷ 10%, 0)
        封顶 3
    指标 开工率 满分 20:
        起评 开工 ÷ 计划 × 20 缺省 满分
        封顶 满分
    设 比值 = 增幅 ÷ 基数 ÷ (计划 + 1) 缺省 -1
    组内:
        设 相对 = 组内最高 实际 ÷ 实际 缺省 0
        设 名次 = 排名 按 总分
评定 等次:
    先进 若 实际 ÷ (计划 + 1) ≥ 100
    达标 若 完成率 ≥ 80%
    不达标 其余
结果运用:
    输出 人均 = 实际 ÷ (开工 + 1)
"""


def _scheme() -> Any:
    return compile_sources("quotient", {"q.rules": RULES})


@st.composite
def units(draw: Any) -> dict[str, Any]:
    rows = []
    for i in range(draw(st.integers(1, 8))):
        plan = draw(st.integers(0, 4))
        base = draw(st.one_of(st.none(), st.decimals(-10, 10, places=2).map(str)))
        rows.append(
            {
                "unit": f"u{i}",
                "group": "乡镇",
                "facts": {
                    "实际": str(draw(st.decimals(0, 200000, places=1))),
                    "目标": str(draw(st.sampled_from(["0", "30000", "7", "13", "100000.3"]))),
                    "计划": plan,
                    "开工": draw(st.integers(0, plan + 1)),
                    "增幅": str(draw(st.decimals(-50, 50, places=2))),
                    "基数": base,
                },
            }
        )
    return {"units": rows}


def test_the_scheme_is_scored_on_columns() -> None:
    assert not isinstance(columnar_scheme(_scheme()), Exception)


def test_random_data_scores_the_same_on_both_backends() -> None:
    compiled = _scheme()

    @CI
    @given(units())
    def check(raw: dict[str, Any]) -> None:
        assert same_results(compiled, raw) is not None

    check()


def test_each_unit_divides_by_its_own_target() -> None:
    # 甲 50000 ÷ 40000 = 1.25: 30 (capped) + 超额 2.5 → 2; 乙 50000 ÷ 60000 = 5/6: 25;
    # 丙 target 7: 50000 ÷ 7 = 50000/7; 计划 0: 开工率 满分 20
    raw = {
        "units": [
            {
                "unit": u,
                "group": "乡镇",
                "facts": {"实际": 50000, "目标": t, "计划": 0, "开工": 0, "增幅": 1, "基数": None},
            }
            for u, t in (("甲", 40000), ("乙", 60000), ("丙", 7))
        ]
    }
    found = same_results(_scheme(), raw)
    assert found is not None
    scheme = _scheme()
    res = score(scheme, validate(raw, scheme.model, "d"), backend="columnar")
    values = {r.name: r.unit.values for r in res.units}
    assert values["甲"]["完成率"] == D("1.25") and values["甲"]["超额"] == D(2)
    assert values["乙"]["到位资金"] == D(25)
    assert values["丙"]["完成率"] == D(50000) / 7 and values["丙"]["开工率"] == D(20)


def test_the_installed_style_sample_scores_byte_for_byte(tmp_path: Path) -> None:
    folder = Path(__file__).parent / "unseen" / "dongyang-zhaoshang"
    outputs = []
    for backend in ("unit", "columnar"):
        result = CliRunner().invoke(
            main, ["score", str(folder), "--sample", "--backend", backend, "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]


def test_whole_columns_grade_and_write_the_same(tmp_path: Path) -> None:
    """The whole-column path (a CSV read straight into columns) grades on the quotients and
    writes the per-unit backend's bytes."""
    from helpers_columnar import per_unit_bytes, whole_bytes

    scheme = _scheme()
    rows = ["unit,group,实际,目标,计划,开工,增幅,基数"]
    for i in range(40):
        target = ("0", "30000", "7", "13", "100000.3")[i % 5]
        base = ("", "0", "-2.5", "3")[i % 4]
        rows.append(f"u{i},乡镇,{i * 2503 % 90000}.5,{target},{i % 3},{i % 4},{i % 7 - 3},{base}")
    data = tmp_path / "units.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    for kind in ("json", "csv"):
        assert whole_bytes(scheme, data, kind) == per_unit_bytes(scheme, data, kind)


# targets whose quotients (1000 + i) ÷ target share no denominator: five primes
PRIMES = (101, 103, 107, 109, 113)


def _unrelated_targets() -> dict[str, Any]:
    facts = {"计划": 1, "开工": 1, "增幅": 1, "基数": None}
    return {
        "units": [
            {"unit": f"u{i}", "group": "乡镇", "facts": {"实际": 1000 + i, "目标": t, **facts}}
            for i, t in enumerate(PRIMES)
        ]
    }


def test_quotients_sharing_no_useful_denominator_are_scored_per_unit(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """Thousands of unrelated targets (123457, 98731 …) would make the column's denominator
    huge: the run is scored per unit, with the same results, and `--verbose` says why."""
    from kaoping.runtime.columnar import quotient

    monkeypatch.setattr(quotient, "MAX_BITS", 16)
    scheme = _scheme()
    raw = _unrelated_targets()
    res = score(scheme, validate(raw, scheme.model, "d"), backend="columnar")
    assert res.backend == "unit" and "no denominator under 16 bits" in res.backend_reason
    # 1000 ÷ 101 stays exact
    assert res.by_name("u0").unit.values["完成率"] == D(1000) / 101  # type: ignore[union-attr]
    data = tmp_path / "d.json"
    import json

    data.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    rules = tmp_path / "q.rules"
    rules.write_text(RULES, encoding="utf-8")
    outs = []
    for backend in ("unit", "columnar"):
        got = CliRunner().invoke(
            main,
            ["score", str(rules), str(data), "--backend", backend, "--format", "json", "--verbose"],
        )
        assert got.exit_code == 0, got.output
        outs.append(got.stdout)
    assert outs[0] == outs[1]
    assert "the columnar backend was left" in got.stderr
    # a CSV scored to a CSV: the whole-column path leaves the run to the per-unit objects too
    csv = tmp_path / "d.csv"
    lines = ["unit,group,实际,目标,计划,开工,增幅,基数"]
    lines += [f"u{i},乡镇,{1000 + i},{t},1,1,1," for i, t in enumerate(PRIMES)]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written = []
    for backend in ("unit", "columnar"):
        out = tmp_path / f"{backend}.csv"
        got = CliRunner().invoke(
            main, ["score", str(rules), str(csv), "--backend", backend, "-o", str(out)]
        )
        assert got.exit_code == 0, got.output
        written.append(out.read_bytes())
    assert written[0] == written[1]


def test_the_dask_per_unit_phase_leaves_too_wide_quotients_to_the_units(monkeypatch: Any) -> None:
    from kaoping.distributed_phases import per_unit_phase
    from kaoping.runtime.columnar import quotient

    scheme = _scheme()
    raw = _unrelated_targets()
    data = validate(raw, scheme.model, "d")
    expected = per_unit_phase(scheme, data, columnar=False)
    assert per_unit_phase(scheme, data, columnar=True) == expected
    monkeypatch.setattr(quotient, "MAX_BITS", 16)
    assert per_unit_phase(scheme, data, columnar=True) == expected


TWO_BLOCKS = """
方案 "两块"
分组 甲
分组 乙
输入 实际: 数值 0 至 inf "实际"
输入 目标: 数值 0 至 inf "目标"
输入 警: 是否 "警"
评分 甲:
    标记 警示 若 警
    指标 工作 满分 100:
        起评 实际
        不涉及 若 警
    总分 = 实际
评分 乙:
    设 完成率 = 实际 ÷ 目标 缺省 0
    总分 = 完成率
"""


def test_a_block_scored_on_columns_before_too_wide_quotients_is_scored_once(
    monkeypatch: Any,
) -> None:
    """The Dask per-unit phase: block 甲 is scored on columns, then block 乙's quotients share
    no useful denominator and every unit is scored per unit instead; 甲's units carry their
    flag and their item that does not apply once, as a per-unit run gives them."""
    from kaoping.distributed_phases import per_unit_phase
    from kaoping.runtime.columnar import quotient

    scheme = compile_sources("two", {"two.rules": TWO_BLOCKS})
    units = [
        {"unit": f"a{i}", "group": "甲", "facts": {"实际": i, "警": True}} for i in range(3)
    ] + [
        {"unit": f"b{i}", "group": "乙", "facts": {"实际": 1000 + i, "目标": t}}
        for i, t in enumerate(PRIMES)
    ]
    data = validate({"units": units}, scheme.model, "d")
    expected = per_unit_phase(scheme, data, columnar=False)
    monkeypatch.setattr(quotient, "MAX_BITS", 16)
    got = per_unit_phase(scheme, data, columnar=True)
    assert got == expected
    assert '[["警示"], ["工作"]]' in [row["marks"] for row in got[0]]


def test_score_columns_says_when_quotients_need_the_per_unit_backend(monkeypatch: Any) -> None:
    """Columns handed to `score_columns` whose quotients share no useful denominator: the
    caller is told to score them per unit (Unsupported, as for a scheme without a columnar
    form), not handed an internal exception."""
    import numpy as np
    import pytest

    from kaoping.compiler.emit_columnar import Unsupported
    from kaoping.runtime.columnar import quotient
    from kaoping.runtime.columnar.numbers import scaled
    from kaoping.scoring_columnar import score_columns

    scheme = compile_sources("two", {"two.rules": TWO_BLOCKS})
    targets = np.array(PRIMES, dtype=np.int64)
    facts = {"实际": scaled(np.arange(1000, 1005, dtype=np.int64), 1), "目标": scaled(targets, 1)}
    assert len(score_columns(scheme, "乙", facts)["total"]) == 5
    monkeypatch.setattr(quotient, "MAX_BITS", 16)
    with pytest.raises(Unsupported, match="share no denominator under 16 bits"):
        score_columns(scheme, "乙", facts)


GROUP_QUOTIENT = """
方案 "组内"
分组 乡镇 "乡镇"
输入 实际: 数值 0 至 inf "实际"
输入 目标: 数值 0 至 inf "目标"
评分 乡镇:
    设 完成率 = 实际 ÷ 目标 缺省 0
    组内:
        设 相对 = 组内最高 完成率 ÷ 目标 缺省 0
        设 名次 = 排名 按 总分
"""


def test_the_dask_cohort_phase_leaves_too_wide_quotients_to_the_units(monkeypatch: Any) -> None:
    """A group value divided by each unit's own target, the targets unrelated: the cohort
    phase on columns gives way to the per-unit one, with the per-unit results."""
    import pandas as pd

    from kaoping.distributed import cohort_frame, per_unit_frame
    from kaoping.runtime.columnar import quotient

    scheme = compile_sources("group", {"g.rules": GROUP_QUOTIENT})
    frame = pd.DataFrame(
        {
            "unit": [f"u{i}" for i in range(len(PRIMES))],
            "group": ["乡镇"] * len(PRIMES),
            "实际": [str(1000 + i) for i in range(len(PRIMES))],
            "目标": [str(t) for t in PRIMES],
        }
    )
    rows = per_unit_frame(scheme, frame, backend="unit")
    expected = cohort_frame(scheme, rows, "unit")
    monkeypatch.setattr(quotient, "MAX_BITS", 16)
    got = cohort_frame(scheme, rows, "columnar")
    assert got.to_dict("records") == expected.to_dict("records")
