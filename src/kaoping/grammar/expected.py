"""What a syntax error should say: the words the parser would have accepted, grouped as a policy
writer knows them and spelt in the file's own keyword set, where a misplaced keyword belongs, and
which keyword a misspelt word was probably meant to be."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable

import attrs
from lark import Token, UnexpectedToken

# Every keyword (or phrase) in its English and Chinese spelling, as docs/language.md's keyword
# table lists them; a word written in either set is matched against both.
KEYWORD_PAIRS: tuple[tuple[str, str], ...] = (
    ("scheme", "方案"),
    ("rounding", "舍入"),
    ("round", "舍入"),
    ("places", "位"),
    ("half-up", "四舍五入"),
    ("half-even", "银行家舍入"),
    ("down", "去尾"),
    ("up", "进一"),
    ("group", "分组"),
    ("units", "单位"),
    ("enum", "枚举"),
    ("record", "记录"),
    ("input", "输入"),
    ("constant", "常量"),
    ("for", "适用"),
    ("article", "条款"),
    ("optional", "可缺"),
    ("number", "数值"),
    ("to", "至"),
    ("count", "次数"),
    ("integer", "整数"),
    ("yesno", "是否"),
    ("text", "文本"),
    ("list of", "列表"),
    ("table", "对照表"),
    ("by", "按"),
    ("scoring", "评分"),
    ("section", "部分"),
    ("item", "指标"),
    ("max", "满分"),
    ("start", "起评"),
    ("add", "加"),
    ("deduct", "扣"),
    ("per", "每"),
    ("if", "若"),
    ("cap", "封顶"),
    ("floor", "保底"),
    ("until zero", "扣完为止"),
    ("zero if", "不得分 若"),
    ("uncapped", "上不封顶"),
    ("take highest", "取最高"),
    ("take mean", "取平均"),
    ("excluding", "除"),
    ("not applicable if", "不涉及 若"),
    ("rescale", "不涉及项目折算"),
    ("let", "设"),
    ("total", "总分"),
    ("output", "输出"),
    ("flag", "标记"),
    ("across group", "组内"),
    ("true", "是"),
    ("false", "否"),
    ("and", "且"),
    ("or", "或"),
    ("not", "非"),
    ("in", "属于"),
    ("then", "则"),
    ("else", "否则"),
    ("default", "缺省"),
    ("sum", "合计"),
    ("count", "计数"),
    ("mean", "平均"),
    ("highest", "最高"),
    ("lowest", "最低"),
    ("of", "的"),
    ("where", "其中"),
    ("drop", "剔除"),
    ("weighted", "加权"),
    ("redistribute equally", "缺项均分"),
    ("band", "分段"),
    ("best", "组内最高"),
    ("group lowest", "组内最低"),
    ("group mean", "组内平均"),
    ("group count", "组内单位数"),
    ("peer mean", "其他单位平均"),
    ("rank by", "排名 按"),
    ("ascending", "升序"),
    ("distribute", "分档"),
    ("into", "为"),
    ("require", "校验"),
    ("distributed", "分布"),
    ("same", "相同"),
    ("grading", "评定"),
    ("bar", "取消"),
    ("top", "前"),
    ("minimum", "至少"),
    ("otherwise", "其余"),
    ("promote", "晋升"),
    ("demote", "降为"),
    ("step down", "降一档"),
    ("step up", "升一档"),
    ("consequences", "结果运用"),
    ("last year", "上年"),
    ("unit group", "所在分组"),
)

_ZH_OF: dict[str, str] = {}
_EN_OF: dict[str, str] = {}
for _en, _zh in KEYWORD_PAIRS:  # a keyword of its own first, then a phrase's first word
    _ZH_OF.setdefault(_en, _zh)
    _EN_OF.setdefault(_zh, _en)
for _en, _zh in KEYWORD_PAIRS:
    _ZH_OF.setdefault(_en.split()[0], _zh.split()[0])
    _EN_OF.setdefault(_zh.split()[0], _en.split()[0])


def is_chinese(word: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in word)


def keyword_set(source: str) -> str:
    """`zh` when the file's first keyword at the start of a line is Chinese, else `en` (a word
    that is no keyword, perhaps the misspelt one being reported, does not decide)."""
    first = ""
    for line in source.split("\n"):
        word = re.match(r"\s*([^\W\d][\w-]*)", line)
        if word:
            if word.group(1) in _ZH_OF or word.group(1) in _EN_OF:
                return "zh" if is_chinese(word.group(1)) else "en"
            first = first or word.group(1)
    return "zh" if is_chinese(first) else "en"


def spell(word: str, kw_set: str) -> str:
    """A keyword (or phrase) in the file's keyword set."""
    if kw_set == "zh":
        return word if is_chinese(word) else _ZH_OF.get(word, word)
    return _EN_OF.get(word, word) if is_chinese(word) else word


def in_both(word: str) -> tuple[str, str]:
    """(English, Chinese) spelling of a keyword written in either set."""
    return (spell(word, "en"), spell(word, "zh"))


# Where a keyword may stand, by its English spelling: what to tell a writer who put it elsewhere.
_CLAUSES = {"start", "add", "deduct", "cap", "floor", "until", "zero", "uncapped", "take"}
_CLAUSES |= {"rescale", "扣完为止", "不得分", "不涉及项目折算"}
_STATEMENTS = {"item", "section", "let", "total", "output", "flag", "across"}
_DECLARATIONS = {"scheme", "rounding", "group", "enum", "record", "input", "table", "scoring"}
_DECLARATIONS |= {"grading", "consequences", "constant", "units"}
_GRADE_LINES = {"bar", "promote", "demote", "step"}


@attrs.frozen
class Words:
    """A sentence in English and Chinese."""

    en: str
    zh: str


# the built-in functions' two spellings (names, not keywords: either works in any file)
_FUNCTION_PAIRS = (
    ("least", "最小"),
    ("greatest", "最大"),
    ("shortfall", "不足"),
    ("excess", "超出"),
    ("present", "有值"),
    ("satisfied", "满足数"),
    ("roundup", "向上舍入"),
    ("rounddown", "向下舍入"),
)


@functools.cache
def _other_set_words(kw_set: str) -> re.Pattern[str]:
    """The keywords (and phrases) of the set other than `kw_set`, longest first, as whole
    words."""
    pairs = (*KEYWORD_PAIRS, *_FUNCTION_PAIRS)
    words = {en if kw_set == "zh" else zh for en, zh in pairs}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def names_like_keywords(source: str, kw_set: str) -> frozenset[str]:
    """Words of a file that are keywords of the other set only, so are names there (`次数` may
    name an input in an English-keyword file): `respell` leaves them alone."""
    return frozenset(_other_set_words(kw_set).findall(source))


def respell(text: str, kw_set: str, keep: frozenset[str] = frozenset()) -> str:
    """The keywords quoted in `backticks` in a message or hint, spelt in the file's keyword set
    (`封顶 10` for an English-keyword file reads `cap 10`), so that a hint in either language
    can be followed without mixing the sets; the words in `keep` are the file's names."""
    if "`" not in text:
        return text
    other: dict[str, str] = {}
    for en, zh in (*KEYWORD_PAIRS, *_FUNCTION_PAIRS):  # the first pair of a word wins
        other.setdefault(en if kw_set == "zh" else zh, zh if kw_set == "zh" else en)

    def quoted(segment: re.Match[str]) -> str:
        def word(w: re.Match[str]) -> str:
            return w.group() if w.group() in keep else other[w.group()]

        return _other_set_words(kw_set).sub(word, segment.group())

    return re.sub(r"`[^`\n]*`", quoted, text)


def belongs(keyword: str, kw_set: str, among_clauses: bool = False) -> Words | None:
    """Where a keyword belongs, for one written where it cannot stand (`among_clauses`: where
    an item's clauses were expected)."""
    en = spell(keyword, "en")
    shown = f"`{keyword}`"
    if en in ("item", "section") and among_clauses:
        section = f"`{spell('section', kw_set)}`"
        return Words(
            f"an item holds clauses, not {shown}: to put it beside the item, indent it as much "
            f"as the item; to group items, make the outer one a {section}",
            f"指标之下只能写计分子句,不能写 {shown}:若与该指标并列,请与其缩进对齐;"
            f"若要归组,请把外层改为 {section}",
        )
    if en in _CLAUSES:
        return Words(
            f"{shown} is a clause of an item: it belongs inside an item or a section, "
            "indented under it",
            f"{shown} 是指标的计分子句:应写在指标或部分之内,并缩进在其下",
        )
    if en in _STATEMENTS:
        block = f"`{spell('scoring', kw_set)}`"
        return Words(
            f"{shown} belongs inside a {block} block, indented under it",
            f"{shown} 应写在 {block} 块之内,并缩进在其下",
        )
    if en in _GRADE_LINES:
        block = f"`{spell('grading', kw_set)}`"
        return Words(f"{shown} belongs inside a {block} block", f"{shown} 应写在 {block} 块之内")
    if en in _DECLARATIONS:
        return Words(
            f"{shown} starts a declaration: write it at the start of a line, outside any block",
            f"{shown} 开始一条声明:应顶格书写,不在任何块之内",
        )
    return None


# What the parser expects, grouped: (keywords that must all be expected, English, Chinese)
_GROUPS: tuple[tuple[frozenset[str], str, str], ...] = (
    (frozenset({"scheme", "input", "scoring"}), "a declaration", "一条声明"),
    (
        frozenset({"item", "section", "start", "add"}),
        "an item, a section or an item clause",
        "指标、部分或计分子句",
    ),
    (frozenset({"start", "add", "deduct"}), "an item clause", "指标的计分子句"),
    (frozenset({"item", "let", "total"}), "a statement of a scoring block", "评分块中的语句"),
    (frozenset({"bar", "promote"}), "a grading line", "评定行"),
    (frozenset({"number", "count", "yesno"}), "a type", "一种类型"),
)

_VALUE_WORDS: dict[str, tuple[str, str]] = {
    "NAME": ("a name", "名称"),
    "NUMBER": ("a number", "数字"),
    "INT": ("a whole number", "整数"),
    "PERCENT": ("a percentage", "百分数"),
    "FRACTION": ("a fraction (1/3)", "分数(1/3)"),
    "STRING": ('a quoted text ("…")', "带引号的文字(“…”)"),
    "_NL": ("the end of the line", "行尾"),
    "_COLON": ("':'", "':'"),
    "_COMMA": ("','", "','"),
    "CMP": ("a comparison (<, ≤, =, …)", "比较符号(<、≤、= 等)"),
    "ADD_OP": ("'+' or '-'", "'+' 或 '-'"),
    "MUL_OP": ("'×' or '÷'", "'×' 或 '÷'"),
    "_INDENT": ("an indented block", "缩进的块"),
    "INF": ("inf", "inf"),
}

_MOST_SHOWN = 14


@functools.cache
def _terminal_words() -> dict[str, str]:
    from kaoping.grammar.parse import _parser  # the parser module imports this one

    return {t.name: str(t.pattern.value) for t in _parser().terminals if t.pattern.type == "str"}


def _is_keyword_text(text: str) -> bool:
    return any(c.isalpha() for c in text)


def expected_words(expected: Iterable[str], kw_set: str) -> Words | None:
    """`a declaration: scheme, rounding, …` from the parser's expected terminals."""
    words = _terminal_words()
    keywords: list[str] = []
    others_en: list[str] = []
    others_zh: list[str] = []
    english: set[str] = set()
    # the grammar's order (terminals are numbered as they appear), not the alphabet
    order = {name: i for i, name in enumerate(words)}
    # where the file's own spellings are expected, the other set's are their twins: translated,
    # a phrase's first word would name another keyword (`not` of `not applicable if` is `非`)
    own = any(
        _is_keyword_text(t) and is_chinese(t) == (kw_set == "zh")
        for t in (words.get(n) for n in expected)
        if t is not None
    )
    for name in sorted(expected, key=lambda n: (order.get(n, len(order)), n)):
        text = words.get(name)
        if text is not None and _is_keyword_text(text):
            # the parser's expected set may hold one spelling only: show the file's
            english.add(spell(text, "en"))
            if own and is_chinese(text) != (kw_set == "zh"):
                continue
            shown = spell(spell(text, "zh"), kw_set)  # `until` → `until zero`
            if is_chinese(shown) == (kw_set == "zh") and shown not in keywords:
                keywords.append(shown)
        elif name in _VALUE_WORDS:
            others_en.append(_VALUE_WORDS[name][0])
            others_zh.append(_VALUE_WORDS[name][1])
        elif text is not None:
            others_en.append(repr(text))
            others_zh.append(repr(text))
    label: tuple[str, str] | None = None
    for anchors, en, zh in _GROUPS:
        if anchors <= english:
            label = (en, zh)
            break
    if label is None and {"NAME", "NUMBER"} <= set(expected):
        return Words("a value: a number, a name or an expression", "一个值:数字、名称或表达式")
    if label is None and len(keywords) + len(others_en) > _MOST_SHOWN:
        return None  # a long list of operators and keywords helps nobody
    quoted = [f"`{w}`" for w in keywords[:_MOST_SHOWN]]
    more = len(keywords) > _MOST_SHOWN
    listing_en = ", ".join(quoted) + (", …" if more else "")
    listing_zh = "、".join(quoted) + ("等" if more else "")
    if label is not None:
        return Words(f"{label[0]}: {listing_en}", f"{label[1]}:{listing_zh}")
    parts_en = [*others_en, *quoted]
    parts_zh = [*others_zh, *quoted]
    if not parts_en:
        return None
    return Words(_or_list(parts_en, "or"), _or_list(parts_zh, "或"))


def _or_list(parts: list[str], word: str) -> str:
    if len(parts) == 1:
        return parts[0]
    if word == "或":
        return "、".join(parts[:-1]) + f"或{parts[-1]}"
    return ", ".join(parts[:-1]) + f" {word} " + parts[-1]


def nearest_keywords(word: str, kw_set: str, among: Iterable[str] = ()) -> list[str]:
    """Keywords a misspelt word was probably meant to be, spelt in the file's set; the words
    expected at that place first, then any keyword of either set."""
    for pool in (list(among), [w for pair in KEYWORD_PAIRS for w in pair]):
        candidates = {w: w for w in pool if _is_keyword_text(w)}
        close = [w for w in candidates if homophone_typo(word, w)]  # the likelier, first
        close += [
            w
            for w in difflib.get_close_matches(word, list(candidates), n=4, cutoff=0.6)
            if w not in close
        ]
        found: list[str] = []
        for match in close:
            shown = spell(match, kw_set)
            if shown not in found and shown != word:
                found.append(shown)
        if found:
            return found[:3]
    return []


def homophone_typo(word: str, keyword: str) -> bool:
    """A Chinese keyword typed with the wrong character of the same sound (起平 for 起评, 封定 for
    封顶, 扣完位置 for 扣完为止): as long, and the same character in at least half the places."""
    if not is_chinese(word) or len(word) != len(keyword) or len(word) < 2:
        return False
    same = sum(a == b for a, b in zip(word, keyword, strict=True))
    return 0 < same < len(word) and 2 * same >= len(word)


def no_such_keyword(word: str, matches: list[str]) -> Words:
    listing_en = _or_list([f"`{m}`" for m in matches], "or")
    listing_zh = _or_list([f"`{m}`" for m in matches], "或")
    return Words(
        f"there is no keyword `{word}`; did you mean {listing_en}?",
        f"没有 `{word}` 这个关键字;是否应为 {listing_zh}?",
    )


def innermost_block(err: UnexpectedToken) -> list[Token]:
    """The tokens of the innermost unfinished block header the error is in (`table t by 等:`)."""
    try:
        stack = err.interactive_parser.parser_state.value_stack
    except AttributeError:
        return []
    tokens = [t for t in stack if isinstance(t, Token)]
    for i in range(len(tokens) - 1, 0, -1):
        if tokens[i].type == "_INDENT" and tokens[i - 1].type == "_NL":
            start = i - 1
            while start > 0 and tokens[start - 1].type not in ("_NL", "_INDENT", "_DEDENT"):
                start -= 1
            return tokens[start : i - 1]
    return []


_NUMBER_TOKENS = ("NUMBER", "INT", "PERCENT", "FRACTION")


def explain(err: UnexpectedToken, source: str) -> tuple[str, str, str, str]:
    """(detail, detail in Chinese, hint, hint in Chinese) for a token the parser did not expect."""
    kw_set = keyword_set(source)
    tok = err.token
    text = str(tok.value)
    shown = "end of line" if tok.type == "_NL" else repr(text)
    shown_zh = "行尾" if tok.type == "_NL" else repr(text)
    names: Iterable[str] = err.expected
    if _after_quota_share(err):  # (the parser's set there is the one of every percentage)
        words = _terminal_words()
        names = [n for n in names if n == "ROUNDED" or spell(words.get(n, ""), "en") in _MODES]
    expected = expected_words(names, kw_set)
    detail = f"unexpected {shown}" + (f"; expected {expected.en}" if expected else "")
    detail_zh = f"此处不应出现{shown_zh}" + (f";应为{expected.zh}" if expected else "")
    hint = _hint(err, kw_set)
    return detail, detail_zh, hint.en if hint else "", hint.zh if hint else ""


_MODES = {"half-up", "half-even", "down", "up", "rounded", "四舍五入", "银行家舍入", "去尾", "进一"}


_SHARES = ("PERCENT", "FRACTION")


def _after_quota_share(err: UnexpectedToken, kinds: tuple[str, ...] = _SHARES) -> bool:
    """Whether the parser stopped right after a quota's percentage (`优秀 前 15%`), where a
    rounding must follow (after a `require … distributed` share it may not); or, `kinds`
    INT, right after its count (`优秀 前 1 / 3`)."""
    try:
        stack = err.interactive_parser.parser_state.value_stack
    except AttributeError:
        return False
    if not stack or not isinstance(stack[-1], Token) or stack[-1].type not in kinds:
        return False
    for t in reversed(stack[:-1]):
        if not isinstance(t, Token) or t.type in ("_NL", "_INDENT", "_DEDENT"):
            return False
        if spell(str(t.value), "en") == "top":
            return True
    return False


def _hint(err: UnexpectedToken, kw_set: str) -> Words | None:
    tok = err.token
    text = str(tok.value)
    words = _terminal_words()
    expected_keywords = [words[n] for n in err.expected if n in words]
    if _after_quota_share(err) and text not in _MODES:
        # `优秀 前 15%`: a share of the group is a number of units only once rounded
        down, half_up, up = (f"`{spell(m, kw_set)}`" for m in ("down", "half-up", "up"))
        return Words(
            f"a share of the group becomes a number of units only by a rounding: write the "
            f"document's after the percentage ({down} where it drops the fraction, "
            f"不足1个的部分舍去; {half_up}; {up})",
            f"按比例确定的名额须写明取整方式:在百分数后写文件规定的方式(舍去不足1个的部分写 {down};"
            f"或 {half_up}、{up})",
        )
    if text in ("/", "÷") and _after_quota_share(err, ("INT",)):  # `前 1 / 3`
        return Words(
            "a share of the group is a percentage (`15%`) or a fraction written without spaces "
            "(`1/3`), then its rounding",
            "按比例确定的名额写作百分数(`15%`)或不带空格的分数(`1/3`),其后写取整方式",
        )
    if tok.type in words and _is_keyword_text(text):  # a keyword out of place
        clauses = {"start", "add"} <= {spell(w, "en") for w in expected_keywords}
        return belongs(text, kw_set, among_clauses=clauses)
    header = [str(t.value) for t in innermost_block(err)]
    number_for_name = tok.type in _NUMBER_TOKENS and "NAME" in err.expected
    if number_for_name and header and spell(header[0], "en") == "table":
        return _table_row_hint(header, kw_set)
    before = (err.token_history or [None])[-1]
    if tok.type == "NAME" and _unit_after_number(before, tok):
        gap = "" if before.end_pos == tok.start_pos else " "
        return Words(
            f"a number is written without its unit: `{before}`, not `{before}{gap}{text}`",
            f"数字不带单位:写 `{before}`,不写 `{before}{gap}{text}`",
        )
    if tok.type == "NAME":
        close = nearest_keywords(text, kw_set, expected_keywords)
        if close:
            return no_such_keyword(text, close)
    if isinstance(before, Token) and before.type == "NAME":
        # two names in a row: the first is often a keyword misspelt, read as a name
        close = nearest_keywords(str(before.value), kw_set)
        if close:
            return no_such_keyword(str(before.value), close)
    if tok.type == "NAME":
        return Words(
            "check the spelling of keywords and that names are separated by spaces",
            "请检查关键字拼写,以及名称之间是否有空格",
        )
    return None


# what a document writes after its numbers (扣0.5分, 每3次, 前2名, 1万元, 2个百分点): copied into a
# rule, the unit is read as a name glued to the number
_UNITS = (
    "分",
    "次",
    "项",
    "条",
    "名",
    "位",
    "个",
    "件",
    "篇",
    "人",
    "元",
    "万元",
    "亿元",
    "起",
    "批",
)


def _unit_after_number(before: object, tok: Token) -> bool:
    """`0.5分` (the unit glued to the number), or `90 分` (the unit alone after it)."""
    if not (isinstance(before, Token) and before.type in _NUMBER_TOKENS):
        return False
    if before.end_pos == tok.start_pos:
        return str(tok.value).startswith(_UNITS)
    return str(tok.value) in _UNITS


def _table_row_hint(header: list[str], kw_set: str) -> Words:
    enum = header[3] if len(header) > 3 else "…"
    item, by = spell("item", kw_set), spell("by", kw_set)
    return Words(
        f"a table's rows are keyed by the values of its enum `{enum}` (`VALUE: 3`), "
        f"not by numbers; for rows keyed by a number write a keyed item "
        f"(`{item} NAME {by} INPUT:` and rows `1: 3`)",
        f"对照表的每一行以枚举 `{enum}` 的取值开头(`取值: 数字`),不能以数字开头;"
        f"按数字取值请写按键指标(`{item} 名称 {by} 输入:`,各行如 `1: 3`)",
    )
