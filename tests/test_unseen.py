"""Schemes written from the documentation alone, as an outside policy writer would: a 市直单位
annual assessment (relative-to-best weights, quotas with bars, consequences across years), a 乡镇
综合考核 of three 序列 (a bonus ranked across groups, an item one group does not have, quotas by
count and share, demotion by flag counts), a 安全生产 专项考核 (raters' forced distribution,
incidents by severity, a rate scored against the lowest, vetoes), a 营商环境 评价 (前沿距离 over
the regions that report, lower-is-better indicators, weights per 一级指标, tie-breaks), a 河长制
考核 (quarters averaged over those held, 日常 60% + 年终 40%, 扣完为止, a quota with a floor and
last year's grade) and a 信访 考核 (a 万人比 against the pooled district rate, 不足1个百分点按1个
计, quotas rounded down, 降一档), a 招商引资 目标考核 (a completion rate over each unit's own target, 超额
bonus per whole 10%, a veto whose 先进 place passes on, a tie-break), a 党风廉政建设责任制 考核 (扣完为止
per item, 问责 by kind, 去掉一个最高分和一个最低分后取平均, 连续两年 一般 or worse) and a 公立医院 绩效考核
(relative to the best, 百分位 by place over 同类医院数, 不考核 items rescaled, 优秀 15% rounded down),
a 工作人员 年度考核 of individual staff (优秀 20% per 单位 rounded half-up, at least one, 不确定等次
people left out of the base; bars down to 不称职; 连续三年优秀 counted across years), a 生态环境保护
目标责任制 考核 (完成率 against a target capped at 100%, 18 + 12 × relative place, 不足1个百分点按1个计,
类别权重 by a table keyed by group, bonuses capped, last year's PM2.5 from history, 一票否决) and a
学校 督导评估 (each part's assessors averaged after dropping the highest and lowest when five or
more, 回收率 折算, 25% quota with a tie-break, a second grading of 示范学校, 进步 by last year's rank), a
乡村振兴 实绩考核 of 乡镇 (共性 relative to the best of the 类别, 个性指标 per 乡镇 on sheets with a
requirement on one sheet's inputs, 加减分 相抵 with a floor, 先进 passed on past a veto), a 市场监管
系统 年度绩效 (季度 20% each + 年终 20% with an absent quarter's weight shared, 扣分 by 问题等级 with 整改
halving, 优秀 30% of those ≥ 90, last year's 不合格 barring 优秀, 一票否决, 降一档, 连续两年) and a 政务服务
效能评价 (正向 over the best, 逆向 the lowest over one's own, 折算 to 80 without 即办件, 位次百分比 bands
compared as exact fractions, a forced 20/50/30 distribution of window grades checked without rounding).
Each folder holds the document, its rules, hand-worked golden
cases citing the articles, and sample data; they run through `kaoping check`, `kaoping test` and
`kaoping fmt --check` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaoping.cli import main

FOLDERS = sorted(p for p in (Path(__file__).parent / "unseen").iterdir() if p.is_dir())


def test_there_are_the_documents() -> None:
    assert [f.name for f in FOLDERS] == [
        "beiling-yiyuan",
        "donghu-dudao",
        "dongyang-zhaoshang",
        "fengcheng-zhengwu",
        "hexi-lianzheng",
        "jiangbei-shizhi",
        "jinchuan-shengtai",
        "linhai-anquan",
        "linjiang-shijian",
        "nanchuan-xinfang",
        "pinghu-niandu",
        "qingshan-xiangzhen",
        "qingxi-hezhang",
        "xikou-xiangcun",
        "yunxi-yingshang",
    ]
    for folder in FOLDERS:
        for name in ("document.txt", "scheme.rules", "sample.json"):
            assert (folder / name).is_file(), folder / name


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_the_rules_check_without_a_diagnostic(folder: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["diagnostics"] == []


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_the_hand_worked_cases_pass(folder: Path) -> None:
    result = CliRunner().invoke(main, ["test", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].endswith(" passed, 0 failed")


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_the_sample_scores(folder: Path) -> None:
    result = CliRunner().invoke(main, ["score", str(folder), "--sample", "--format", "json"])
    assert result.exit_code == 0, result.output
    units = json.loads(result.stdout)["units"]
    data = json.loads((folder / "sample.json").read_text("utf-8"))["units"]
    assert sorted(u["unit"] for u in units) == sorted(u["unit"] for u in data)


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_the_rules_are_in_the_canonical_layout(folder: Path) -> None:
    result = CliRunner().invoke(main, ["fmt", "--check", str(folder)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_every_case_cites_an_article_and_shows_its_arithmetic(folder: Path) -> None:
    import yaml

    for path in sorted((folder / "cases").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text("utf-8"))["cases"]:
            assert case.get("article") and case.get("arithmetic"), (path, case["name"])


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_every_article_the_rules_cite_is_in_the_document(folder: Path) -> None:
    from kaoping.compiler.load import compile_paths
    from kaoping.document import read_document
    from kaoping.weave import weave

    scheme = compile_paths(folder.name, sorted(folder.glob("*.rules")))
    doc = read_document((folder / "document.txt").read_text("utf-8"))
    woven = weave(scheme, folder.name, "document.txt", doc)
    assert woven.citations and [c.article for c in woven.missing] == []
