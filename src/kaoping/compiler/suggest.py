""" "Did you mean …?" for an unknown name: the nearest declared names in scope, else the nearest
keywords of either set (a keyword misspelt reads as a name)."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

from kaoping.compiler.infer_context import BUILTIN_NAMES, BUILTINS_ZH
from kaoping.grammar.expected import KEYWORD_PAIRS, homophone_typo, in_both


def nearest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Declared names close to `name`: by spelling (difflib), a homophone slip, or one
    containing the other (`报送` for `信息报送`), nearest first."""
    pool = sorted({c for c in candidates if c and c != name})
    close = difflib.get_close_matches(name, pool, n=n, cutoff=0.6)
    # 优等 for 优秀: as long, the same character in half the places (a pinyin slip)
    close += [c for c in pool if c not in close and homophone_typo(name, c)][: n - len(close)]
    if len(close) < n and len(name) >= 2:
        close += [c for c in pool if c not in close and (name in c or c in name)][: n - len(close)]
    return close


def suggestion_args(name: str, candidates: Iterable[str]) -> dict[str, str]:
    """`suggest_en`/`suggest_zh` arguments for a catalogue hint ending `{suggest_en}`."""
    close = nearest(name, candidates, n=2)
    if not close:
        return {}
    shown = [repr(c) for c in close]
    return {
        "suggest_en": "; did you mean " + " or ".join(shown) + "?",
        "suggest_zh": ";是否应为 " + " 或 ".join(shown) + "?",
    }


def function_suggestion(name: str, plugin_functions: Iterable[str]) -> tuple[str, str]:
    """`; did you mean 'least'?` (English, Chinese) for an unknown function, or empty."""
    close = nearest(name, [*BUILTIN_NAMES, *BUILTINS_ZH, *plugin_functions], n=2)
    if not close:
        return "", ""
    shown = [repr(c) for c in close]
    return "; did you mean " + " or ".join(shown) + "?", ";是否应为 " + " 或 ".join(shown) + "?"


def hint_args(name: str, candidates: Iterable[str]) -> dict[str, str]:
    """`hint_en`/`hint_zh` arguments naming the nearest declared names, or none."""
    close = nearest(name, candidates, n=2)
    if not close:
        return {}
    shown = [repr(c) for c in close]
    return {
        "hint_en": "did you mean " + " or ".join(shown) + "?",
        "hint_zh": "是否应为 " + " 或 ".join(shown) + "?",
    }


def width_twin(name: str, candidates: Iterable[str]) -> str | None:
    """The declared name `name` is typed as with full-width letters or digits (`Ａ类` for
    `A类`, `得分１` for `得分1`, as an input method in full-width mode types them): the same
    name to the eye, other characters to kaoping (which compares names as typed, in NFC)."""
    folded = unicodedata.normalize("NFKC", name)
    if folded == name:
        return None
    return next((c for c in candidates if unicodedata.normalize("NFKC", c) == folded), None)


def did_you_mean(name: str, candidates: Iterable[str]) -> tuple[str, str] | None:
    """(English, Chinese) `did you mean 'reports'?`, or None when nothing is near."""
    candidates = list(candidates)
    twin = width_twin(name, candidates)
    if twin is not None:
        return (
            f"did you mean {twin!r}? {name!r} differs from it only in the width or form of its "
            "characters (full-width ＡＢ１ are other characters than AB1)",
            f"是否应为 {twin!r}?{name!r} 与它只差字符的全角半角或写法(全角 ＡＢ１ 与 AB1 是不同的字符)",
        )
    close = nearest(name, candidates)
    if close:
        shown = [repr(c) for c in close]
        return (
            "did you mean " + " or ".join(shown) + "?",
            "是否应为 " + " 或 ".join(shown) + "?",
        )
    if name.lower() in _YES_NO:
        word = _YES_NO[name.lower()]
        return (
            f"yes/no values are written {_quoted(word)}",
            f"是否值写作 {_quoted(word)}",
        )
    keywords = [w for pair in KEYWORD_PAIRS for w in pair if " " not in w]
    kw = [k for k in keywords if homophone_typo(name, k)][:2]  # 满份 for 满分
    kw = kw or difflib.get_close_matches(name, keywords, n=2, cutoff=0.6)
    if kw:
        en = " or ".join(_quoted(k) for k in kw)
        zh = " 或 ".join(_quoted(k) for k in kw)
        return (f"it is no keyword either; did you mean {en}?", f"它也不是关键字;是否应为 {zh}?")
    return None


_YES_NO = {"yes": "true", "no": "false"}


def _quoted(keyword: str) -> str:
    """A keyword quoted in its English spelling: the diagnostic respells the keywords it
    quotes in its file's keyword set (`扣` in a Chinese-keyword file)."""
    return f"`{in_both(keyword)[0]}`"
