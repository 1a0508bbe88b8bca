"""A unit's explanation (`explain_tree.explain_data`) walked once into lines that say how each
number came about, in the words of one language, for any renderer: `kaoping explain` writes
them as text (kaoping.explain), `kaoping report` as HTML (kaoping.report.explained).

A line is a sequence of pieces: text as it is, or a value, which each renderer writes its way
(text: `yes`, `[2 records]`, `≈183.3333`; HTML: the same words, a number carrying its exact
fraction)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Literal

import attrs

STEP_WORDS = {
    "en": {
        "start": "start",
        "sum": "sum of the parts",
        "highest": "highest part",
        "mean": "mean of the parts",
        "add": "+",
        "deduct": "−",
        "floor": "floor",
        "cap": "cap",
        "zero": "zeroed",
        "round": "rounded",
        "skip": "skipped",
        "row": "row",
        "sheet": "sheet",
        "rescale": "rescaled",
        "not applicable": "not applicable",
        "impute": "the other units' mean",
    },
    "zh": {
        "start": "起评",
        "sum": "各项之和",
        "highest": "取最高",
        "mean": "取平均",
        "add": "+",
        "deduct": "−",
        "floor": "保底",
        "cap": "封顶",
        "zero": "不得分",
        "round": "舍入",
        "skip": "未适用",
        "row": "行",
        "sheet": "适用",
        "rescale": "折算",
        "not applicable": "不涉及",
        "impute": "其他单位平均分",
    },
}

# the explanation's own words, in the language of the unit's appeal
WORDS = {
    "en": {
        "total": "total",
        "rank": "rank {rank} of {size}",
        "flags": "flags",
        "max": "max",
        "given": "given",
        "given_by": "given by {by}{note} (rule not applied: {text})",
        "not_computed": "not computed",
        "not_computed_why": "not computed: only values the data gives read it",
        "absent": "absent",
        "yes": "yes",
        "no": "no",
        "was": "was",
        "row_for": "for key",
        "requirements": "requirements checked on the data (all hold):",
        "from_place": "from {order} = {place} of {of}",
        "above_max": "! above its maximum (the rules set no cap)",
        "group_value": "group value",
        "weights": "weights used",
        "excluded": "left out of the mean",
        "last_year": "last year",
        "inputs": "inputs",
        "reads": "values read",
        "records": "records",
        "grading": "grading:",
        "applied": "applied",
        "skipped": "skipped",
        "cond_false": "its condition does not hold",
        "counted": "counted",
        "hidden": "{n} grading line(s) for other groups hidden (--verbose shows them)",
        "scope": "across {groups} ({n} units)",
        "scope_rank": "across {groups}: rank {rank} of {n}",
    },
    "zh": {
        "total": "总分",
        "rank": "第 {rank} 名(共 {size} 个)",
        "flags": "标记",
        "max": "满分",
        "given": "给定",
        "given_by": "由 {by} 给定{note}(未按规则计算:{text})",
        "not_computed": "未计算",
        "not_computed_why": "未计算:只有数据给定的值用到它",
        "absent": "缺项",
        "yes": "是",
        "no": "否",
        "was": "原为",
        "row_for": "键值",
        "requirements": "已核对的数据校验(均满足):",
        "from_place": "由 {order} 第 {place} 名(共 {of})得出",
        "above_max": "! 超过满分(规则未设封顶)",
        "group_value": "组内值",
        "weights": "实际权重",
        "excluded": "不计入平均",
        "last_year": "上年",
        "inputs": "输入",
        "reads": "读取的值",
        "records": "条",
        "grading": "评定:",
        "applied": "适用",
        "skipped": "未适用",
        "cond_false": "条件不成立",
        "counted": "计入",
        "hidden": "另有 {n} 行评定规则不适用于本组,已隐去(--verbose 显示)",
        "scope": "跨组 {groups}(共 {n} 个单位)",
        "scope_rank": "跨组 {groups}:第 {rank} 名(共 {n} 个)",
    },
}


@attrs.frozen
class Val:
    """A value as the unit has it (text: `yes`, `[2 records]`, `null`; HTML: the same words)."""

    value: Any


@attrs.frozen
class Num:
    """A number the explanation wrote already (an amount, a weight): text prints it as it is."""

    value: Any


Piece = str | Val | Num


@attrs.frozen
class Line:
    """A line under a value. `plain`; `code` (a rules text); `step` (a rule's effect: `pieces`
    say what it did, then its `rule` and `text`); `sub` (a detail under the line before, set
    in by `indent` spaces in text)."""

    pieces: tuple[Piece, ...]
    style: Literal["plain", "code", "step", "sub"] = "plain"
    indent: str = ""
    skipped: bool = False
    rule: str = ""
    text: str = ""


@attrs.frozen
class ValueRow:
    """A value of the unit's tree: its name at its depth, what it came to, and how."""

    path: str
    kind: str
    name: str
    depth: int
    value: tuple[Piece, ...]
    max: Any
    above_max: bool
    rule: str
    article: str | None
    lines: tuple[Line, ...]


@attrs.frozen
class GradeLine:
    mark: str
    applied: bool
    rule: str
    text: str
    reason: str
    for_group: bool


@attrs.frozen
class Walked:
    """The whole explanation of a unit, in one language's words."""

    words: dict[str, str]
    data: dict[str, Any]
    rows: tuple[ValueRow, ...]
    requirements: tuple[tuple[str, str, tuple[Piece, ...]], ...]
    grading: tuple[GradeLine, ...]

    @property
    def rank(self) -> str | None:
        data = self.data
        if data["rank"] is None:
            return None
        return self.words["rank"].format(rank=data["rank"], size=data["group_size"])


def walk(data: dict[str, Any], lang: str) -> Walked:
    """`explain_data`'s tree (its numbers written for people) as lines in `lang`'s words."""
    words = WORDS[lang]
    rows = tuple(_row(v, data, lang) for v in data["values"])
    requirements = tuple(
        (req["rule"], req["text"], _pairs(req["inputs"].items())) for req in data["requirements"]
    )
    grading = tuple(
        GradeLine(
            words["applied"] if g["applied"] else words["skipped"],
            g["applied"],
            g["rule"],
            g["text"],
            g["reason"],
            g["for_group"],
        )
        for g in data["grading"]
    )
    return Walked(words, data, rows, requirements, grading)


def render_pieces(pieces: Iterable[Piece], text: Callable[[str], str], value: Any, num: Any) -> str:
    """The pieces written by a renderer: `text` for text, `value` for a Val, `num` for a Num."""
    return "".join(
        text(p) if isinstance(p, str) else value(p.value) if isinstance(p, Val) else num(p.value)
        for p in pieces
    )


def _row(v: dict[str, Any], data: dict[str, Any], lang: str) -> ValueRow:
    words = WORDS[lang]
    na = any(st["kind"] == "not applicable" for st in v["steps"])
    value: tuple[Piece, ...]
    if v["value"] is None:
        value = (STEP_WORDS[lang]["not applicable"] if na else words["absent"],)
    else:
        value = (Val(v["value"]),)
    if v["given"] is not None:
        value = (*value, " " + words["given"])
    elif not v["computed"]:
        value = (words["not_computed"],)
    return ValueRow(
        v["path"],
        v["kind"],
        words["total"] if v["kind"] == "total" else v["path"].rsplit(".", 1)[-1],
        v["path"].count(".") if v["kind"] in ("section", "item") else 0,
        value,
        v["max"],
        v["above_max"],
        v["rule"],
        v["article"],
        tuple(_lines(v, data, lang)),
    )


def _lines(v: dict[str, Any], data: dict[str, Any], lang: str) -> list[Line]:
    """The lines under a value: how it came about."""
    words = WORDS[lang]
    if v["given"] is not None:
        note = f": {v['given']['note']}" if v["given"]["note"] else ""
        return [Line((words["given_by"].format(by=v["given"]["by"], note=note, text=v["text"]),))]
    if not v["computed"]:
        return [Line((words["not_computed_why"],))]
    lines: list[Line] = []
    text = total_text(v, lang) if v["kind"] == "total" else v["text"]
    if text and (
        v["kind"] in ("let", "output", "flag", "total") or (v["kind"] == "item" and not v["steps"])
    ):
        lines.append(Line((text,), "code"))
    lines.extend(_records(v.get("records", []), words, "    "))
    if v["scope"] is not None:
        scope = v["scope"]
        groups = ("、" if lang == "zh" else ", ").join(scope["groups"])
        if scope["rank"] and v["value"] is not None:  # the place written as the value is
            before, after = words["scope_rank"].split("{rank}")
            place = (before.format(groups=groups), Val(v["value"]), after.format(n=scope["units"]))
            lines.append(Line(place))
        else:
            lines.append(Line((words["scope"].format(groups=groups, n=scope["units"]),)))
    for st in v["steps"]:
        lines.extend(_step(st, lang))
    if v["excluded"]:
        lines.append(Line((f"{words['excluded']}: {', '.join(v['excluded'])}",)))
    if v["last_year"]:
        lines.append(Line((f"{words['last_year']}: ", *_pairs(v["last_year"].items()))))
    if v["weights"]:
        used: list[Piece] = [f"{words['weights']}: "]
        for i, w in enumerate(v["weights"]):
            used += [", "] if i else []
            if w["weight"] is None:
                used.append(f"{w['part']} {words['absent']}")
            else:
                used += [f"{w['part']} ", Val(w["value"]), " × ", Num(w["weight"])]
        lines.append(Line(tuple(used)))
    for k, val in v["group"].items():
        label = group_label_zh(k) if lang == "zh" else k
        if isinstance(val, list):  # the units holding the best or the lowest, by name
            val = ("、" if lang == "zh" else ", ").join(str(x) for x in val)
        lines.append(Line((f"{words['group_value']}: {label} = ", Num(val))))
    if v.get("reads"):
        values: list[Piece] = [f"{words['reads']}: "]
        for i, (k, val) in enumerate(v["reads"].items()):
            values += [", "] if i else []
            values += [f"{words['total'] if k == 'total' else k} = ", Val(val)]
        lines.append(Line(tuple(values)))
    if v["inputs"]:
        read: list[Piece] = [f"{words['inputs']}: "]
        for i, (k, val) in enumerate(v["inputs"].items()):
            read += [", "] if i else []
            read += [f"{k} = ", Val(val)]
            if k in data["derived"]:
                read.append(f" ({words['from_place'].format(**data['derived'][k])})")
        lines.append(Line(tuple(read)))
        for k, val in v["inputs"].items():  # the records behind an aggregate, one a line
            if isinstance(val, list):
                for i, rec in enumerate(val, 1):
                    fields = _pairs(rec.items())
                    lines.append(Line((f"{k}[{i}]: ", *fields), "sub", "  "))
    return lines


def _step(st: dict[str, Any], lang: str) -> list[Line]:
    """A rule's effect on a value, and under it what it read or counted."""
    words, kind = WORDS[lang], st["kind"]
    word = STEP_WORDS[lang][kind]
    detail: tuple[Piece, ...]
    if kind == "row":
        detail = (f"{word} {words['row_for']} ", Num(st["before"]), " → ", Num(st["amount"]))
    elif kind in ("floor", "cap", "zero", "round"):
        detail = (f"{word} → ", Num(st["amount"]), f" ({words['was']} ", Num(st["before"]), ")")
    elif kind in ("skip", "not applicable"):
        detail = (word,)
    elif kind == "sheet":
        detail = (f"{word} ", Num(st["note"]))
    elif kind == "rescale":  # 不涉及项目折算: the factor, exactly, and why
        note = st["note"]
        detail = (f"{word} × ", Num(note["max"]), "/", Num(note["applicable"]))
        detail += (" → ", Num(st["amount"]))
        if note["not_applicable"]:
            missing = ", ".join(str(x) for x in note["not_applicable"])
            detail += (f": {STEP_WORDS[lang]['not applicable']} {missing}",)
    elif kind == "impute":
        units = ", ".join(str(x) for x in st["note"]["units"])
        detail = (f"{word} ", Num(st["amount"]), f" ({units})")
    else:
        detail = (f"{word} ", Num(st["amount"]))
    lines = [Line(detail, "step", skipped=kind == "skip", rule=st["rule"], text=st["text"])]
    if kind == "skip":
        read = _pairs(st["condition"].items())
        pieces = (words["cond_false"], *((": ", *read) if read else ()))
        lines.append(Line(pieces, "sub", "    ", skipped=True))
    lines.extend(_records(st.get("records", []), words, "    "))
    return lines


def _records(records: list[dict[str, Any]], words: dict[str, str], indent: str) -> list[Line]:
    """What each record of an aggregate counted for, or why it was left out, one a line."""
    lines = []
    for rec in records:
        status: tuple[Piece, ...] = (_record_status(rec["status"], words),)
        if rec["status"] == "counted":
            status = (words["counted"], *((" ", Num(rec["value"])) if rec["value"] else ()))
        lines.append(Line((f"[{rec['record']}] ", *status), "sub", indent))
    return lines


_STATUS_ZH = (
    (re.compile(r"^left out: its condition does not hold$"), "未计入:条件不成立"),
    (
        re.compile(r"^superseded: another record with the same (.+) is worth more$"),
        r"未计入:同一\1另有得分更高的记录",
    ),
    (re.compile(r"^dropped: among the (\d+) lowest$"), r"剔除:最低的 \1 项之一"),
    (re.compile(r"^dropped: among the (\d+) highest$"), r"剔除:最高的 \1 项之一"),
)


def _record_status(status: str, words: dict[str, str]) -> str:
    """Why a record was left out of an aggregate, in the explanation's language (the runtime
    notes it in English)."""
    if words is WORDS["zh"]:
        for pattern, zh in _STATUS_ZH:
            if pattern.match(status):
                return pattern.sub(zh, status)
    return status


def _pairs(items: Iterable[tuple[str, Any]]) -> tuple[Piece, ...]:
    """`name = value, name = value`."""
    out: list[Piece] = []
    for i, (k, x) in enumerate(items):
        out += [", "] if i else []
        out += [f"{k} = ", Val(x)]
    return tuple(out)


# a group value is labelled by its expression as the English keyword set prints it; these are
# the words such a label can hold, in the Chinese keyword set
_GROUP_WORDS_ZH = (
    ("group count", "组内单位数"),
    ("group lowest ", "组内最低 "),
    ("group mean ", "组内平均 "),
    ("peer mean ", "其他单位平均 "),
    ("best ", "组内最高 "),
    (" weighted by ", " 按 "),
    (" where ", " 其中 "),
    (": unit", ":单位"),
)


def group_label_zh(label: str) -> str:
    weighted = " weighted by " in label
    for english, chinese in _GROUP_WORDS_ZH:
        label = label.replace(english, chinese)
    return f"{label} 加权" if weighted else label


_MODES_ZH = {"half-up": "四舍五入", "half-even": "银行家舍入", "down": "去尾", "up": "进一"}


def total_text(v: dict[str, Any], lang: str) -> str:
    """How the total came about: its formula, or the sum of its parts; and its rounding."""
    rnd = v["rounding"]
    if lang == "zh":
        text = v["text"] if v["parts"] is None else "、".join(v["parts"]) + " 之和"
        if rnd is not None:
            text += f"(舍入 {rnd['places']} 位 {_MODES_ZH.get(rnd['mode'], rnd['mode'])})"
        return text
    text = v["text"] if v["parts"] is None else "the sum of " + ", ".join(v["parts"])
    if rnd is not None:
        text += f" (rounded to {rnd['places']} places {rnd['mode']})"
    return text
