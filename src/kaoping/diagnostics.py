"""Diagnostics: a code, a position and arguments; the text comes from a catalogue in English
and Chinese, so `--lang` changes words, never meaning."""

from __future__ import annotations

import functools
import locale
import os
from collections.abc import Iterable, Mapping
from typing import Literal

import attrs

from kaoping.grammar.expected import respell
from kaoping.span import Span

Severity = Literal["error", "warning"]

# code: (English message, Chinese message, English hint, Chinese hint)
CATALOGUE: dict[str, tuple[str, str, str, str]] = {
    "E101": ("syntax error: {detail}", "语法错误:{detail_zh}", "{hint_en}", "{hint_zh}"),
    "E102": (
        "tabs and full-width spaces are not allowed for indentation",
        "缩进不能使用制表符或全角空格",
        "indent with spaces",
        "请用空格缩进",
    ),
    "E103": (
        "an invisible or control character ({char}) is not allowed in a rules file",
        "规则文件中不能有不可见字符或控制字符({char})",
        "delete it: it cannot be seen, and a direction control makes the line show other than "
        "it reads (a file full of NULs was saved as UTF-16: save it as UTF-8)",
        "请删除它:它看不见,方向控制字符会使这一行显示得与实际内容不同"
        "(满是 NUL 的文件是存成了 UTF-16:请另存为 UTF-8)",
    ),
    "E104": (
        "nested too deeply: at most {limit} levels of nesting",
        "嵌套过深:最多 {limit} 层",
        "split the expression with `let`, or flatten the sections",
        "请用 `设` 拆分表达式,或减少部分的嵌套层数",
    ),
    "E105": (
        "kaoping cannot compile the Python it generates for this rule ({detail})",
        "kaoping 无法编译为此规则生成的 Python 代码({detail})",
        "a limit of kaoping, not a mistake in the rules: split the rule with `let`",
        "这是 kaoping 的限制而非规则的错误:请用 `设` 拆分此规则",
    ),
    "E106": (
        "the number {number} ({digits} digits) is too long: {detail}",
        "数字 {number}({digits} 位)过长:{detail_zh}",
        "a number in the rules has at most 18 digits before the decimal point and 30 after",
        "规则中的数字小数点前最多 18 位、小数点后最多 30 位",
    ),
    "E107": (
        "the file has {chars} characters, more than the {limit} a rules file may have",
        "文件有 {chars} 个字符,超过规则文件的上限 {limit} 个",
        "a scheme's rules are tens of thousands of characters: is this the right file? "
        "Split a very large scheme into several files in one folder",
        "一个方案的规则通常只有几万个字符:请确认文件是否正确;过大的方案可拆成同一文件夹下的多个文件",
    ),
    "K101": (
        "this file mixes keyword sets: {kw!r} is {this}, the file started in {first}",
        "本文件混用了两套关键字:{kw!r} 属于{this_zh},而文件先使用了{first_zh}",
        "use either the English or the Chinese keywords in one file",
        "同一文件只用英文关键字或只用中文关键字",
    ),
    "E201": ("unknown name {name!r}", "未定义的名称 {name!r}", "{hint_en}", "{hint_zh}"),
    "E202": (
        "{name!r} is defined twice (first at {first})",
        "{name!r} 重复定义(首次定义于 {first})",
        "rename one of them",
        "请给其中一个改名",
    ),
    "E203": ("type error: {detail}", "类型错误:{detail_zh}", "{hint_en}", "{hint_zh}"),
    "E204": (
        "{value!r} is not a value of enum {enum!r} (values: {values})",
        "{value!r} 不是枚举 {enum!r} 的取值(取值:{values})",
        "check the spelling against the enum declaration{suggest_en}",
        "请对照枚举声明检查拼写{suggest_zh}",
    ),
    "E205": ("{detail}", "{detail}", "", ""),
    "E206": (
        "{name!r} may be absent here; say what happens then",
        "{name!r} 在此可能缺失,需写明缺失时如何处理",
        "{hint_en}",
        "{hint_zh}",
    ),
    "E207": (
        "{name!r} may not apply to a unit (`not applicable if`), and {where} does not say what then",
        "{name!r} 可能不涉及(`不涉及 若`),而{where_zh}未写明不涉及时如何计分",
        "write `rescale` (or `take mean`, `take highest`, as the document says) in its section, "
        "or `then group mean` after the item's condition",
        "请按文件在其所在部分写 `不涉及项目折算`(或 `取平均`、`取最高`),或在该指标的条件后写 `则 组内平均`",
    ),
    "E301": (
        "table {table!r} has no row for {missing}",
        "对照表 {table!r} 缺少 {missing} 的取值",
        "add a row for every value of enum {enum!r}",
        "为枚举 {enum!r} 的每个取值写一行",
    ),
    "E401": (
        "the children of {name!r} add up to {total}, more than its maximum {max}",
        "{name!r} 下各项满分合计 {total},超过其满分 {max}",
        "{hint_en}",
        "{hint_zh}",
    ),
    "W408": (
        "the children of {name!r} add up to {total}, less than its maximum {max}",
        "{name!r} 下各项满分合计 {total},少于其满分 {max}",
        "a part of the section may be missing; check the maxima against the document",
        "可能漏了某一项;请对照文件核对各项满分",
    ),
    "W402": (
        "{name!r} can reach {upper}, above its maximum {max}, and has no cap",
        "{name!r} 最高可得 {upper},超过满分 {max},且未设封顶",
        "{hint_en}",
        "{hint_zh}",
    ),
    "W403": (
        "this {what} can never bind: the value always lies in {range}",
        "此{what_zh}永远不会起作用:取值总在 {range} 之内",
        "remove it, or check the numbers",
        "删除它,或核对数字",
    ),
    "E411": (
        "unit {unit!r} has two sheets under {section!r} (the first at {first})",
        "单位 {unit!r} 在 {section!r} 下有两张个性指标表(第一张在 {first})",
        "a unit has one sheet per section: name it in one `for` block only",
        "每个单位在一个部分下只有一张表:只在一个 `适用` 块中列出它",
    ),
    "E405": (
        "weights add up to {total}, not 100%",
        "权重合计为 {total},不等于 100%",
        "make the weights add up to 100%",
        "请使权重合计为 100%",
    ),
    "E406": (
        "{what} {detail}",
        "{what_zh}{detail_zh}",
        "make the intervals meet exactly: [a, b), [b, c), …",
        "使区间首尾相接:[a, b)、[b, c)…",
    ),
    "W409": (
        "the rules of {name!r} reach at most {upper}, below its maximum {max}",
        "{name!r} 的规则最高只能得 {upper},达不到其满分 {max}",
        "a rule may be missing, or the maximum may be wrong; check them against the document",
        "可能漏了某条规则,或满分写错;请对照文件核对",
    ),
    "W407": (
        "input {name!r} is declared but never used",
        "输入 {name!r} 已声明但未使用",
        "remove it or use it in a rule",
        "删除它或在规则中使用",
    ),
    "W410": (
        "this requirement checks nothing: no rule reads its inputs or constants ({inputs})",
        "此校验不检查任何数据:没有规则读取其输入或常量({inputs})",
        "remove it, or check the input names",
        "删除它,或核对输入名称",
    ),
    "W414": (
        "this bar comes after every line that gives {grades}: it bars no unit",
        "此取消行位于所有评定 {grades} 的行之后:不取消任何单位",
        "a bar takes effect from where it stands: move it above the lines that give {grades}",
        "取消行自其所在位置起生效:请移到评定 {grades} 的行之前",
    ),
    "W416": (
        "{grade!r} is never given here: every unit with `{cond}` already has {earlier!r} from "
        "line {line} (`{earlier_cond}`)",
        "此行永远评不出 {grade!r}:凡 `{cond}` 的单位已由第 {line} 行(`{earlier_cond}`)评为 {earlier!r}",
        "the lines apply in the order written: put the higher threshold first",
        "各行按书写顺序评定:请把门槛高的一行写在前面",
    ),
    "W417": (
        "`{grade} top 0` gives {grade!r} to no unit",
        "`{grade} 前 0 名` 不评任何单位为 {grade!r}",
        "write the number of units the document gives {grade!r}, or remove the line",
        "请写明文件规定的 {grade!r} 名额,或删去此行",
    ),
    "W418": (
        "`default` never applies to {expr}: {divisor} is never 0 here",
        "`缺省` 对 {expr} 永远不起作用:{divisor} 在此不会为 0",
        "a data requirement, or the condition this stands under, rules 0 out: remove `default …`",
        "数据校验或此处所在的条件已排除 0:请删去 `缺省 …`",
    ),
    "W415": (
        "{name!r} is scored in an `across` block but no rule reads it: its points count nowhere",
        "{name!r} 在 `组内`/`跨组` 块中计分,但没有规则读取它:其得分不计入任何地方",
        "the values of an `across` block are not in the default total: write `total = …` with it",
        "`组内`/`跨组` 块中的值不计入默认总分:请写 `总分 = …` 并包含它",
    ),
    "E412": (
        "rounding to {places} places is out of range",
        "舍入到 {places} 位超出范围",
        "round to 0 to {most} places",
        "舍入位数应为 0 至 {most} 位",
    ),
    "E413": (
        "`distribute` cannot derive bands from shares alone: where share × n is not whole, the "
        "document leaves the split to the raters",
        "`分档` 不能只凭比例分档:比例 × 单位数不是整数时,文件把如何划分留给了测评人",
        "write `rounded MODE` if the document says how to round, or give the raters' ordering "
        "as data with `require GRADE ordered by PLACE distributed …`",
        "文件写明取整方法的,写 `四舍五入` 等;否则把测评人的排序作为数据,"
        "写 `校验 等次 按排序 名次 分布 …`",
    ),
    "E501": (
        "{name!r} is {this} but reads {other!r}, {that} defined at {where}",
        "{name!r} 是{this_zh},却引用了{that_zh} {other!r}(定义于 {where})",
        "move {name!r} into the `{block}` block",
        "把 {name!r} 移入 `{block_zh}` 块",
    ),
    "E503": (
        "`across` names group {name!r}, which another `scoring` block scores ({where}): units "
        "of different score sheets cannot be pooled",
        "`跨组` 所列的分组 {name!r} 由另一个评分块评分({where_zh}):不同评分表的单位不能合在一起计算",
        "score the groups in one `scoring` block (`scoring A, B, C:`), or name only this "
        "block's groups",
        "请把这些分组写在同一个评分块中(`评分 甲, 乙, 丙:`),或只列本评分块的分组",
    ),
    "E502": (
        "{name!r} depends on itself: {cycle}",
        "{name!r} 循环依赖自身:{cycle}",
        "break the cycle",
        "请消除循环引用",
    ),
    "E604": (
        "the scheme declares no `group`: there is nothing to score",
        "方案没有声明任何 `分组`:没有可评分的单位",
        "declare the groups the document assesses, each with a `scoring` block",
        "请声明文件所考核的分组,并为每个分组写 `评分` 块",
    ),
    "E601": (
        "grading {name!r} must end with an `otherwise` line",
        "评定 {name!r} 须以 `其余` 行结束",
        "add `GRADE otherwise` as the last assigning line",
        "在最后加一行 `等次 其余`",
    ),
    "E602": ("{detail}", "{detail}", "", ""),
    "E603": ("group {name!r} {detail}", "分组 {name!r} {detail_zh}", "{hint_en}", "{hint_zh}"),
}


# code: (English, Chinese) one-line summary; what a code is about, whatever its arguments. The
# headings of docs/diagnostics.md and the SARIF rules' short descriptions are these.
TITLES: dict[str, tuple[str, str]] = {
    "E101": ("Syntax error", "语法错误"),
    "E102": ("Tab or full-width space in the indentation", "缩进中有制表符或全角空格"),
    "E103": ("A control or invisible character in the file", "文件中有控制字符或不可见字符"),
    "E104": ("Nested more than 100 levels deep", "嵌套超过 100 层"),
    "E105": ("Python refused the code generated for a rule", "为规则生成的代码无法编译"),
    "E106": ("A number with too many digits", "数字位数过多"),
    "E107": ("A rules file too large to parse", "规则文件过大,无法解析"),
    "K101": ("The file mixes the English and Chinese keyword sets", "文件混用了中英文两套关键字"),
    "E201": ("Unknown name", "未定义的名称"),
    "E202": ("A name is defined twice", "名称重复定义"),
    "E203": ("Type error", "类型错误"),
    "E204": ("Not a value of the enum", "不是枚举的取值"),
    "E205": ("Wrong number of arguments", "函数参数个数不对"),
    "E206": (
        "A value may be absent and the rules do not say what then",
        "值可能缺失而规则未写明如何处理",
    ),
    "E207": (
        "An item may not apply and its place does not say what then",
        "指标可能不涉及而未写明如何计分",
    ),
    "E301": ("A table has no row for a value of its enum", "对照表缺少枚举的某个取值"),
    "E401": ("The children's maxima add up to more than the maximum", "下级满分合计超过满分"),
    "W402": ("A value can exceed its maximum and has no cap", "可能超过满分且未设封顶"),
    "W403": ("A cap or floor can never bind", "封顶或保底永远不起作用"),
    "E405": ("Weights do not add up to 100%", "权重合计不等于 100%"),
    "E406": (
        "Intervals leave a gap, overlap or miss part of the range",
        "区间有缺口、重叠或未覆盖取值范围",
    ),
    "W407": ("An input is declared but never used", "输入已声明但未使用"),
    "W408": ("The children's maxima add up to less than the maximum", "下级满分合计少于满分"),
    "W409": ("An item's rules can never reach its maximum", "指标的规则达不到其满分"),
    "W410": ("A requirement checks nothing", "校验不检查任何数据"),
    "W414": (
        "A bar comes after every line that gives its grades",
        "取消行位于评定该等次的所有行之后",
    ),
    "W415": ("A value scored across the group that no rule reads", "组内计分的值没有规则读取"),
    "W416": ("A grading line can never give its grade", "评定行永远评不出其等次"),
    "W417": ("A quota of no unit", "名额为 0"),
    "W418": (
        "A default that a requirement or a condition makes unnecessary",
        "数据校验或条件已使缺省值不起作用",
    ),
    "E411": ("A unit has two sheets under one section", "单位在同一部分下有两张个性指标表"),
    "E412": ("Rounding to more places than kaoping allows", "舍入位数超出范围"),
    "E413": (
        "A forced distribution has shares but no rounding",
        "强制分档只有比例而没有取整方法",
    ),
    "E501": ("A per-unit value reads a group value", "逐单位的值引用了组内计算的值"),
    "E502": ("A value depends on itself", "循环依赖"),
    "E503": (
        "`across` names a group another scoring block scores",
        "跨组所列的分组由另一评分块评分",
    ),
    "E601": ("A grading does not end with an `otherwise` line", "评定未以 `其余` 行结束"),
    "E602": ("A grading has no enum of its grades", "评定没有列出等次的枚举"),
    "E603": (
        "A group is undeclared, scored twice or not scored",
        "分组未声明、重复评分或没有评分块",
    ),
    "E604": ("The scheme declares no group", "方案没有声明分组"),
}


@attrs.frozen(eq=False)
class Diagnostic:
    code: str
    span: Span
    args: Mapping[str, object] = attrs.field(factory=dict)
    # the keyword set of the file the diagnostic is in (`en`/`zh`), when known: the keywords
    # its message and hint quote are spelt in it, whatever the language of the words around
    keywords: str | None = None
    names: frozenset[str] = frozenset()  # the file's names that are keywords of the other set

    @property
    def severity(self) -> Severity:
        return "warning" if self.code.startswith("W") else "error"

    def message(self, lang: str = "en") -> str:
        en, zh, _, _ = CATALOGUE[self.code]
        return self._respelt(_fill(zh if lang == "zh" else en, self.args))

    def hint(self, lang: str = "en") -> str:
        _, _, hen, hzh = CATALOGUE[self.code]
        return self._respelt(_fill(hzh if lang == "zh" else hen, self.args))

    def _respelt(self, text: str) -> str:
        if self.keywords is None:
            return text
        return respell(text, self.keywords, self.names)

    def headline(self, lang: str = "en") -> str:
        return f"{self.span}: {self.code} {self.message(lang)}"


class _Args(dict[str, object]):
    def __missing__(self, key: str) -> str:
        # a Chinese variant of an argument falls back to the English one
        if key.endswith("_zh") and key[:-3] in self:
            return str(self[key[:-3]])
        return ""


def _fill(template: str, args: Mapping[str, object]) -> str:
    return template.format_map(_Args(args))


def default_lang() -> str:
    """Chinese when the locale says so, English otherwise."""
    for var in ("KAOPING_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    loc = locale.getlocale()[0] or ""
    return "zh" if loc.lower().startswith("zh") else "en"


def render(diag: Diagnostic, source: str | None, lang: str = "en") -> str:
    """`path:line:col: severity code message`, the source line, a caret, a hint."""
    label = {"error": "错误", "warning": "警告"}[diag.severity] if lang == "zh" else diag.severity
    out = [f"{diag.span}: {label} {diag.code} {diag.message(lang)}"]
    if source is not None and diag.span.line > 0:
        lines = _lines(source)
        if diag.span.line <= len(lines):
            text = visible(lines[diag.span.line - 1].rstrip("\r"))
            out.append(f"    {text}")
            width = 1
            if diag.span.end_line == diag.span.line and diag.span.end_col > diag.span.col:
                width = diag.span.end_col - diag.span.col
            out.append(
                "    "
                + _pad(text, diag.span.col - 1)
                + "^" * max(1, _display_width(text[diag.span.col - 1 : diag.span.col - 1 + width]))
            )
    hint = diag.hint(lang)
    if hint:
        out.append(("  提示:" if lang == "zh" else "  hint: ") + hint)
    return "\n".join(out)


@functools.lru_cache(maxsize=4)
def _lines(source: str) -> tuple[str, ...]:
    """The source's lines, as the parser counts them (not `splitlines`); split once for all
    its diagnostics: 100,000 warnings on one large file each splitting it took minutes."""
    return tuple(source.split("\n"))


def visible(text: str) -> str:
    """The line with each control character shown as a symbol (NUL as ␀), one character for
    one so the caret still lines up: a rules line must not reach a terminal as control codes."""
    return "".join(
        c
        if c == "\t" or not (c < " " or "\x7f" <= c <= "\x9f")
        else chr(0x2400 + ord(c))
        if c < " "
        else "\u2421"
        if c == "\x7f"
        else "\ufffd"
        for c in text
    )


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, upto: int) -> str:
    """Spaces that line the caret up under a character, counting wide characters twice."""
    return " " * _display_width(text[:upto])


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    unique = {(d.code, d.span, d.message()): d for d in diags}
    return sorted(unique.values(), key=lambda d: (d.span.path, d.span.line, d.span.col, d.code))
