"""Translating a file's keywords to the other keyword set (`kaoping fmt --to zh|en`).

A keyword is translated in the context of the tree node it belongs to: most have one spelling in
each set (the grammar's table, `expected.KEYWORD_PAIRS`), but some depend on where they stand
(`count` is `次数` as a type, `计数` as an aggregate; `in` is `属于` in a condition and `于` in a
quota), two phrases put their words in another order (`weighted by X` / `按 X 加权`,
`highest per X` / `每 X 取最高`), and a few words exist in one set only (`名` after `前 N`, `项`
after `剔除 N`, `rounded` before a rounding mode). Names, strings and comments are never
touched, but the built-in functions take their name in the target set (`最小` / `least`: the
same function under either name)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import attrs
from lark import Token, Tree

from kaoping.formatter.lexing import Word, spans
from kaoping.grammar.expected import _FUNCTION_PAIRS, KEYWORD_PAIRS, is_chinese

# keywords whose spelling depends on the node they belong to; looked up before the defaults
_BY_NODE: dict[str, tuple[tuple[str, str], ...]] = {
    "count_type": (("count", "次数"),),
    "agg_count": (("count", "计数"),),
    "member": (("in", "属于"),),
    "quota_in": (("in", "于"),),
    "quota_where": (("where", "其中"),),
    "rounding_spec@rounding_decl": (("rounding", "舍入"),),
    "rounding_spec@round_clause": (("round", "舍入"),),
    "round_mode": (
        ("half-up", "四舍五入"),
        ("half-even", "银行家舍入"),
        ("down", "去尾"),
        ("up", "进一"),
    ),
    "group_decl": (("group", "分组"),),
    "across_block": (("across group", "组内"),),
    "across_groups": (("across", "跨组"),),
    "impute": (("group mean", "组内平均"),),
    "ordered_by": (("ordered by", "按排序"),),
    "drop": (("drop", "剔除"), ("by", "按")),
    "drop_dir": (("lowest", "最低"), ("highest", "最高")),
    "rounded": (("rounded", ""),),
}

_EXTRA_PAIRS = (("round", "舍入"),)


def _defaults() -> tuple[dict[str, str], dict[str, str]]:
    to_zh: dict[str, str] = {}
    to_en: dict[str, str] = {}
    for en, zh in (*KEYWORD_PAIRS, *_EXTRA_PAIRS):
        to_zh.setdefault(en, zh)
        to_en.setdefault(zh, en)
    return to_zh, to_en


_TO_ZH, _TO_EN = _defaults()

# the two phrases whose words stand in another order in each set: (English, Chinese) templates,
# `_` the words in between
_REORDERED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "mean_weight": (("weighted", "by", "_"), ("按", "_", "加权")),
    "per_highest": (("highest", "per", "_"), ("每", "_", "取最高")),
}


def language_of(word: str) -> str:
    return "zh" if is_chinese(word) else "en"


def translate(words: list[Word], tree: Tree[Token], to: str | None) -> list[Word]:
    """The words with every keyword in the `to` set (None: as written), and the particles of
    the Chinese set (`名`, `项`) and of the English one (`rounded`) where their keyword set
    asks for them."""
    if to is not None:
        words = _phrases(words, to)
        words = _reordered(words, tree, to)
        words = _functions(words, to)
    return _particles(words, tree, to)


def _phrases(words: list[Word], to: str) -> list[Word]:
    out: list[Word] = []
    i = 0
    while i < len(words):
        word = words[i]
        if not word.is_keyword or word.owner in _REORDERED:
            out.append(word)
            i += 1
            continue
        run_end = i
        while (
            run_end + 1 < len(words)
            and words[run_end + 1].is_keyword
            and words[run_end + 1].owner == word.owner
            and words[run_end + 1].owner_at == word.owner_at
        ):
            run_end += 1
        out.extend(_translate_run(words[i : run_end + 1], to))
        i = run_end + 1
    return out


def _functions(words: list[Word], to: str) -> list[Word]:
    """A built-in function called by its name in the other set takes its name in this one."""
    if not words:
        return words
    names = {en if to == "zh" else zh: zh if to == "zh" else en for en, zh in _FUNCTION_PAIRS}
    return [
        attrs.evolve(w, text=names[w.text])
        if w.type == "NAME" and w.text in names and nxt.type == "LPAR"
        else w
        for w, nxt in zip(words, [*words[1:], words[-1]], strict=True)
    ]


def _translate_run(run: list[Word], to: str) -> Iterable[Word]:
    """Adjacent keywords of one node, matched greedily against the longest known phrase."""
    j = 0
    while j < len(run):
        for length in range(len(run) - j, 0, -1):
            phrase = " ".join(w.text for w in run[j : j + length])
            found = _lookup(run[j].owner, phrase, to)
            if found is not None:
                first = run[j]
                for text in found.split():
                    yield Word(
                        text, "KEYWORD", first.start, first.line, first.owner, first.owner_at
                    )
                j += length
                break
        else:
            yield run[j]
            j += 1


def _lookup(owner: str, phrase: str, to: str) -> str | None:
    if all(language_of(w) == to for w in phrase.split()):
        return phrase
    for en, zh in _BY_NODE.get(owner, ()):
        if to == "zh" and phrase == en:
            return zh
        if to == "en" and phrase == zh:
            return en
    return (_TO_ZH if to == "zh" else _TO_EN).get(phrase)


def _reordered(words: list[Word], tree: Tree[Token], to: str) -> list[Word]:
    """The phrases of `_REORDERED` in the target set's order. Each has as many keywords in
    either set, so every node keeps the same range of word indexes (found by bisecting the
    words' offsets, which are in order): the innermost is done first, and an outer one then
    moves it with its other words."""
    nodes: list[tuple[int, int, str]] = []
    mean_start: dict[int, int] = {}  # the end of a group or peer mean → its start
    for start, end, node in spans(tree):
        if node.data in _REORDERED:
            nodes.append((start, end, str(node.data)))
        elif node.data in _MEANS:
            mean_start[end] = start
    nodes.sort(key=lambda s: s[1] - s[0])  # the innermost first
    offsets = [w.start for w in words]
    words = list(words)
    brackets: list[tuple[int, int]] = []  # (index of a mean's first word, index after it)
    for start, end, name in nodes:
        lo, hi = bisect.bisect_left(offsets, start), bisect.bisect_left(offsets, end)
        if lo >= hi:
            continue
        node_words = words[lo:hi]
        en, zh = _REORDERED[name]
        written = en if node_words[0].text == en[0] else zh
        target = en if to == "en" else zh
        if written == target:
            continue
        before = written.index("_")
        after = len(written) - before - 1
        middle = node_words[before : len(node_words) - after]
        first = node_words[0]
        rebuilt: list[Word] = []
        for part in target:
            if part == "_":
                rebuilt.extend(middle)
            else:  # offsets stay in order: a keyword moved last takes the offset before it
                at = rebuilt[-1].start if rebuilt else first.start
                rebuilt.append(Word(part, "KEYWORD", at, first.line, name))
        words[lo:hi] = rebuilt
        if name == "mean_weight" and to == "en" and not _closed(middle):
            # `按 合计 X 的 e 加权`: 加权 ends the weight; after `weighted by` an aggregate (or an
            # `if`) would go on into what follows (`where …`, `+ 1`): the weight goes in brackets
            brackets.append((lo + 2, hi))
        if target[-1] == "_" and hi < len(words) and words[hi].type == "LSQB":
            # `组内平均 x 按 y 加权 [k]` looks up the mean; `… weighted by y [k]` would look up
            # y: the mean goes in brackets
            mean = mean_start.get(end)
            if mean is not None:
                brackets.append((bisect.bisect_left(offsets, mean), hi))
    # brackets inserted from the last position back, so earlier positions stay true
    inserts = [(hi, 0) for _lo, hi in brackets] + [(lo, 1) for lo, _hi in brackets]
    for index, opening in sorted(inserts, reverse=True):
        anchor = words[index] if opening else words[index - 1]
        words.insert(
            index,
            Word("(" if opening else ")", "LPAR" if opening else "RPAR", anchor.start, anchor.line),
        )
    return words


_MEANS = frozenset(("group_mean", "peer_mean"))


def _closed(words: list[Word]) -> bool:
    """Words that nothing after them can continue: one word, or a name (`a.b`) with calls and
    lookups after it, or one bracketed expression."""
    if len(words) == 1:
        return True
    i = 0
    if words[0].type == "NAME":
        i = 1
        while i + 1 < len(words) and words[i].type == "DOT":
            i += 2
    while i < len(words) and words[i].type in ("LPAR", "LSQB"):
        depth = 0
        while i < len(words):
            depth += (words[i].type in _OPEN) - (words[i].type in _CLOSE)
            i += 1
            if depth == 0:
                break
    return i == len(words) and i > 0


_OPEN = frozenset(("LPAR", "LSQB", "LBRACE"))
_CLOSE = frozenset(("RPAR", "RSQB", "RBRACE"))


# a particle of one keyword set, after the whole number of a node: (node, keyword it follows in
# that set, particle)
_PARTICLES = (("quota_count", "前", "名"), ("quota_min", "至少", "名"), ("drop", "剔除", "项"))


def _particles(words: list[Word], tree: Tree[Token], to: str | None) -> list[Word]:
    """`前 N 名` and `剔除 N 项` with their particle, `top N` and `drop N` without; `rounded` added
    before an English rounding mode where it may stand (`--to en`), dropped from a Chinese one."""
    node_spans = {
        name: [(s, e) for s, e, node in spans(tree) if node.data == name]
        for name in ("quota_count", "quota_min", "drop", "rounded")
    }
    out: list[Word] = []
    i = 0
    while i < len(words):
        word = words[i]
        out.append(word)
        i += 1
        if word.type != "INT" or len(out) < 2:
            continue
        for node, keyword, particle in _PARTICLES:
            if not any(s <= word.start < e for s, e in node_spans[node]):
                continue
            has = i < len(words) and words[i].text == particle and words[i].is_keyword
            wanted = out[-2].text == keyword
            if has and not wanted:
                i += 1  # dropped
            elif wanted and not has:
                out.append(Word(particle, "KEYWORD", word.start, word.line, node))
    if to is None:
        return out
    result: list[Word] = []
    rounded_starts = {s for s, _e in node_spans["rounded"]}
    for word in out:
        if word.text == "rounded" and word.is_keyword and to == "zh":
            continue
        starts_mode = word.start in rounded_starts and word.text != "rounded"
        if to == "en" and starts_mode and not (result and result[-1].text == "rounded"):
            result.append(attrs.evolve(word, text="rounded", type="KEYWORD", owner="rounded"))
        result.append(word)
    return result
