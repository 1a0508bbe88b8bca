"""`kaoping new-scheme ID`: the starting point of a new jurisdiction, as an installable package.

A jurisdiction is a plugin package like any other (see docs/adding-a-jurisdiction.md). The
scaffold writes one that already works end to end: a small but real `scheme.rules` in Chinese
keywords (a checklist item, a deduction 扣完为止, a capped bonus 封顶, a rank 组内, a grading
with a quota and 其余), golden cases whose arithmetic agrees with the rules, sample data, an
entry point, and a README saying which file is which. The writer replaces the placeholder
document with theirs, item by item, keeping `kaoping test ID` green as they go.

The package is written into a temporary folder beside its destination and renamed into place
at the end, so a failure leaves nothing half-written; an existing folder is never overwritten."""

from __future__ import annotations

import datetime
import re
import secrets
import shutil
from pathlib import Path
from string import Template

from kaoping.errors import KaopingError, OutputError

__all__ = ["SCHEME_ID", "InvalidSchemeId", "ScaffoldExists", "package_name", "scaffold"]

# what a scheme id may be: what `new-scheme` accepts and what every plugin's SchemeInfo must use
SCHEME_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


class InvalidSchemeId(KaopingError):
    """A scheme id for `new-scheme` is not lowercase letters, digits and single hyphens: a usage
    error (exit 3)."""

    exit_code = 3


class ScaffoldExists(KaopingError):
    """The folder `new-scheme` would create exists already; it is never overwritten."""

    exit_code = 2


def package_name(scheme_id: str) -> str:
    """The import name of the plugin package for `scheme_id`: `kaoping_scheme_<id>` (`-` → `_`)."""
    return "kaoping_scheme_" + scheme_id.replace("-", "_")


def _check_id(scheme_id: str) -> None:
    if not SCHEME_ID.fullmatch(scheme_id):
        raise InvalidSchemeId(
            f"invalid scheme id {scheme_id!r}: use lowercase ASCII letters, digits and single "
            "hyphens, starting with a letter (for example 'anfu-2017')"
        )


def _year_of(scheme_id: str) -> int:
    """The document's year, when the id ends with it as the convention has it (`jian-2018`):
    what `SchemeInfo.year` and `kaoping list` show; otherwise this year, for the writer to fix."""
    found = re.search(r"-((?:19|20)\d\d)$", scheme_id)
    return int(found.group(1)) if found else datetime.date.today().year


def scaffold(scheme_id: str, directory: Path) -> Path:
    """Create `directory/kaoping-scheme-<scheme_id>/`, a complete plugin package; return its path.

    Raises InvalidSchemeId for a malformed id and ScaffoldExists when the folder is already there.
    `directory` is created if it does not exist."""
    _check_id(scheme_id)
    directory = Path(directory)
    root = directory / f"kaoping-scheme-{scheme_id}"
    try:
        if root.exists() or root.is_symlink():
            raise ScaffoldExists(f"{root} exists already; remove it or choose another --dir")
    except OSError as err:  # a name too long
        raise OutputError(f"cannot create {root}: {err.strerror}") from None
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"cannot create {root}: {directory} is not a folder")
    pkg = package_name(scheme_id)
    values = {
        "scheme_id": scheme_id,
        "package": pkg,
        "dist": f"kaoping-scheme-{scheme_id}",
        "year": str(_year_of(scheme_id)),
    }
    files = {
        "pyproject.toml": _PYPROJECT,
        "README.md": _README,
        f"src/{pkg}/__init__.py": _INIT,
        f"src/{pkg}/scheme.rules": _RULES,
        f"src/{pkg}/cases/basic.yaml": _CASES,
        f"src/{pkg}/sample.json": _SAMPLE,
    }
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # not tempfile.mkdtemp: its 0o700 mode would stay on the renamed folder
        staging = directory / f".{root.name}.{secrets.token_hex(4)}.tmp"
        staging.mkdir()
    except OSError as err:  # a file in the way, no permission, a name too long, a full disk
        raise OutputError(f"cannot create {root}: {err.strerror}") from None
    try:
        for rel, template in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(Template(template).substitute(values), "utf-8")
        if root.exists():  # created by someone else meanwhile
            raise ScaffoldExists(f"{root} exists already; remove it or choose another --dir")
        staging.rename(root)
    except BaseException as err:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(err, OSError):
            raise OutputError(f"cannot create {root}: {err.strerror}") from None
        raise
    return root


# The templates below use string.Template: `${name}` is substituted, `$$` is a literal `$`.

_PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "${dist}"
version = "0.1.0"
description = "kaoping scheme ${scheme_id}: (the document this scheme encodes)"
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["kaoping>=0.1"]

# How kaoping finds the scheme: the entry point's name is the scheme id, its value the plugin.
[project.entry-points.kaoping]
${scheme_id} = "${package}:plugin"

[tool.setuptools.packages.find]
where = ["src"]

# The rules, golden cases and sample data are package data: without this line an installed
# (non-editable) package would have no rules to compile.
[tool.setuptools.package-data]
${package} = ["*.rules", "cases/*.yaml", "sample.json", "document.txt", "document-aliases.yaml"]
"""

_INIT = '''\
"""The kaoping plugin for scheme `${scheme_id}`.

The rules, golden cases and sample data live beside this file; SchemeFolder hands them to
kaoping. The entry point in pyproject.toml (`${scheme_id} = "${package}:plugin"`) is how
kaoping finds `plugin`."""

from kaoping.plugins.folder import SchemeFolder
from kaoping.plugins.hookspecs import SchemeInfo

plugin = SchemeFolder(
    __name__,
    SchemeInfo(
        id="${scheme_id}",
        title="(填写:方案全称,如 某县${year}年度某某工作考核评价办法)",
        jurisdiction="(填写:地区/单位)",
        year=${year},
        source="(填写:原文出处,如 文号或文件名)",
    ),
)
'''

_RULES = """\
# ${scheme_id}:新方案的起点。把原文放在左边、本文件放在右边,逐条改写:
# 同样的部分名称、同样的分值、同样的“扣完为止”“封顶”,每条规则带上条款。
# 语言说明见 kaoping 的 docs/language.md;改完后运行 kaoping check ${scheme_id} 与 kaoping test ${scheme_id}。
方案 "(填写方案全称)"
舍入 2 位 四舍五入

分组 县直单位 "县直单位"

枚举 等次: 优秀, 良好, 一般

输入 制定工作方案: 是否 "是否制定年度工作方案" 条款 "第三条(一)1."
输入 召开专题会议: 是否 "是否召开专题会议研究部署" 条款 "第三条(一)1."
输入 信息报送次数: 次数 "全年报送工作信息的次数" 条款 "第三条(一)2."
输入 逾期事项数: 次数 "未按时完成的重点任务数" 条款 "第三条(二)"
输入 采用篇数: 次数 "工作信息被上级采用的篇数" 条款 "第三条(三)"

评分 县直单位:
    部分 组织领导 满分 30:
        # 制定方案得5分,召开专题会议得5分
        指标 工作部署 满分 10 条款 "第三条(一)1.":
            加 5 若 制定工作方案
            加 5 若 召开专题会议
        # 全年报送不少于12次,每少一次扣2分,扣完为止
        指标 信息报送 满分 20 条款 "第三条(一)2.":
            起评 满分
            扣 2 每 不足(信息报送次数, 12)
            扣完为止
    # 每有一项重点任务未按时完成扣10分,扣完为止
    指标 重点任务 满分 50 条款 "第三条(二)":
        起评 满分
        扣 10 每 逾期事项数
        扣完为止
    # 每篇被采用得5分,此项20分封顶
    指标 信息采用 满分 20 条款 "第三条(三)":
        加 5 每 采用篇数
        封顶 20
    组内:
        设 名次 = 排名 按 总分

# 总分第一名为优秀(并列者同为优秀);其余80分以上为良好,其他为一般
评定 等次 条款 "第四条":
    优秀 前 1 名
    良好 若 总分 ≥ 80
    一般 其余
"""

_CASES = """\
# Golden cases for ${scheme_id} (format: kaoping's docs/cases-format.md). Each case names the
# article it checks and shows its arithmetic, so a reviewer can check it against the document.
defaults:
  县直单位:             # a unit that loses no points: 10 + 20 + 50 + 20 = 100
    制定工作方案: true
    召开专题会议: true
    信息报送次数: 12
    逾期事项数: 0
    采用篇数: 4
cases:
  - name: 信息报送少三次扣6分
    article: "第三条(一)2."
    arithmetic: |
      起评 20 分;全年报送 9 次,少 12 − 9 = 3 次,每少一次扣 2 分:20 − 3 × 2 = 14
      组织领导 = 10 + 14 = 24;总分 = 24 + 50 + 20 = 94;唯一单位,第 1 名,优秀
    units:
      - unit: 县发改委
        group: 县直单位
        facts: {信息报送次数: 9}
    expect:
      县发改委:
        scores: {组织领导.信息报送: "14", 组织领导: "24"}
        total: "94"
        rank: 1
        grade: 优秀

  - name: 重点任务逾期六项扣完为止
    article: "第三条(二)"
    arithmetic: |
      县住建局:50 − 6 × 10 = −10,扣完为止,得 0;总分 = 30 + 0 + 20 = 50,第 2 名,不足 80 分,一般
      县财政局:不失分,总分 100,第 1 名,优秀
    units:
      - {unit: 县住建局, group: 县直单位, facts: {逾期事项数: 6}}
      - {unit: 县财政局, group: 县直单位}
    expect:
      县住建局: {scores: {重点任务: "0"}, total: "50", rank: 2, grade: 一般}
      县财政局: {total: "100", rank: 1, grade: 优秀}

  - name: 信息采用七篇封顶20分
    article: "第三条(三)"
    arithmetic: |
      信息采用:7 × 5 = 35,封顶 20;未召开专题会议,工作部署 = 5
      总分 = (5 + 20) + 50 + 20 = 95
    units:
      - unit: 县教体局
        group: 县直单位
        facts: {采用篇数: 7, 召开专题会议: false}
    expect:
      县教体局:
        scores: {信息采用: "20", 组织领导.工作部署: "5"}
        total: "95"

  - name: 优秀限一名其余按分数评定
    article: "第四条"
    arithmetic: |
      甲:100,第 1 名,优秀(名额 1 个)
      乙:采用 2 篇,信息采用 = 10,总分 90,第 2 名;优秀名额已满,≥ 80,良好
      丙:逾期 3 项,重点任务 = 50 − 30 = 20,总分 70,第 3 名,一般
    units:
      - {unit: 甲单位, group: 县直单位}
      - {unit: 乙单位, group: 县直单位, facts: {采用篇数: 2}}
      - {unit: 丙单位, group: 县直单位, facts: {逾期事项数: 3}}
    expect:
      甲单位: {total: "100", rank: 1, grade: 优秀}
      乙单位: {total: "90", rank: 2, grade: 良好}
      丙单位: {total: "70", rank: 3, grade: 一般}

  - name: 并列第一同为优秀
    article: "第四条"
    arithmetic: |
      两个单位都不失分,总分同为 100,并列第 1 名;名额边界上的并列者都进入优秀
    units:
      - {unit: 甲单位, group: 县直单位}
      - {unit: 乙单位, group: 县直单位}
    expect:
      甲单位: {total: "100", rank: 1, grade: 优秀}
      乙单位: {total: "100", rank: 1, grade: 优秀}

  - name: 报送次数为负数被拒绝
    article: "第三条(一)2."
    arithmetic: "data error, no arithmetic"
    units:
      - {unit: 县发改委, group: 县直单位, facts: {信息报送次数: -1}}
    expect_error: "信息报送次数"
"""

_SAMPLE = """\
{"units": [
  {"unit": "县发改委", "group": "县直单位", "facts": {
    "制定工作方案": true, "召开专题会议": true, "信息报送次数": 12, "逾期事项数": 0, "采用篇数": 5}},
  {"unit": "县住建局", "group": "县直单位", "facts": {
    "制定工作方案": true, "召开专题会议": false, "信息报送次数": 10, "逾期事项数": 1, "采用篇数": 2}},
  {"unit": "县教体局", "group": "县直单位", "facts": {
    "制定工作方案": false, "召开专题会议": false, "信息报送次数": 3, "逾期事项数": 6, "采用篇数": 0}},
  {"unit": "县财政局", "group": "县直单位", "facts": {
    "制定工作方案": true, "召开专题会议": true, "信息报送次数": 11, "逾期事项数": 0, "采用篇数": 3}}
]}
"""

_README = """\
# ${dist}

The kaoping plugin for the assessment scheme `${scheme_id}` (考评方案). Created by
`kaoping new-scheme ${scheme_id}`; replace the placeholder scheme with the real document, item
by item, keeping `kaoping test ${scheme_id}` passing.

## The files

| file | what it is |
|---|---|
| `pyproject.toml` | the package; the entry point `[project.entry-points.kaoping] ${scheme_id} = "${package}:plugin"` is how kaoping finds the scheme, and `package-data` ships the rules, cases and sample with it |
| `src/${package}/__init__.py` | `plugin = SchemeFolder(__name__, SchemeInfo(...))`: the scheme's id, title, jurisdiction, year and source document (shown by `kaoping list`) |
| `src/${package}/scheme.rules` | the rules, in Chinese keywords: the same sections, maxima and articles as the document. Add more `*.rules` files beside it if the document has several parts; all of them are compiled together |
| `src/${package}/cases/basic.yaml` | golden cases: units, their facts, the expected scores, total, rank and grade, each with its article and arithmetic. Any `cases/*.yaml` file is run |
| `src/${package}/sample.json` | sample unit data, for `kaoping score ${scheme_id} --sample` and `kaoping explain` |
| `src/${package}/document.txt` (yours to add) | the source document as UTF-8 text, for `kaoping doc ${scheme_id} -o scheme.html`: the document beside the rules citing each article |

The language is described in kaoping's `docs/language.md`, the case and data formats in
`docs/cases-format.md`, and the whole workflow in `docs/adding-a-jurisdiction.md`.

## Working on the scheme

```sh
pip install -e .                         # once; the entry point is registered at install time
kaoping list                             # ${scheme_id} is listed
kaoping check ${scheme_id}               # errors and warnings, with the rules line and a caret
kaoping test ${scheme_id}                # the golden cases; ends with "N passed, 0 failed"
kaoping test ${scheme_id} --coverage     # and the rule lines and branches no case exercised
kaoping inputs ${scheme_id}              # the facts each unit must supply
kaoping score ${scheme_id} --sample      # score the sample data (add --format json)
kaoping explain ${scheme_id} --sample --unit 县发改委   # where every point came from
```

If you rename the scheme id, change it in both places, the entry point's name in
`pyproject.toml` and the `id=` in `__init__.py` (they must agree), then re-install
(`pip install -e .`) so that the new entry point is seen.

## Publishing

```sh
python -m build                          # or: pip wheel --no-deps .
twine upload dist/*
```

Whoever installs the wheel next to kaoping gets the scheme: no change to kaoping is needed.
"""
