"""What text from a data file may be, and how it is shown on a terminal.

A unit's name is how it is matched across a file, last year's results and `--unit`: two names
that look the same must be the same name, and a name must not be able to hide or forge anything
on screen. So names are normalised (NFC, surrounding whitespace removed) and names carrying a
control, format (zero-width), surrogate or line-separator character are refused. Any other text
kaoping prints to a terminal (facts, record fields, names from rules) has such characters
shown as escapes instead, so that no value can move the cursor, colour the screen or start a
new table row."""

from __future__ import annotations

import unicodedata

# control (ESC, newline…), format (zero-width space, BOM, bidi overrides), lone surrogates,
# line and paragraph separators
_REFUSED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def clean_name(raw: str) -> tuple[str, str | None]:
    """The name as matched (NFC, stripped), and why it is refused (None when it is fine)."""
    name = raw.strip()
    if not name.isprintable():  # the common case never looks at single characters
        for c in name:
            if unicodedata.category(c) in _REFUSED:
                return name, (
                    f"the unit name {raw!r} contains {describe(c)}, which cannot be seen or is "
                    "a control character; remove it from the name"
                )
    if not name:
        return name, f"the unit name {raw!r} is empty"
    if not unicodedata.is_normalized("NFC", name):
        name = unicodedata.normalize("NFC", name)
    return name, None


def nfc(text: str) -> str:
    """`text` in Unicode's composed form (NFC), the form names are compared in, in rules files
    and data alike: `Café` typed with a combining accent is the same text as with `é`."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def key_text(raw: str) -> str:
    """A record's text field as compared (NFC, surrounding whitespace removed): the text is a
    key (`highest per 事项`), and two texts that look the same must be the same key, as two unit
    names are the same unit."""
    return nfc(raw.strip())


def describe(c: str) -> str:
    """`U+200B ZERO WIDTH SPACE`: a character named so that it can be found and removed."""
    name = unicodedata.name(c, "")
    if not name:
        name = {"Cc": "a control character", "Cs": "a lone surrogate"}.get(
            unicodedata.category(c), "an unnamed character"
        )
    return f"U+{ord(c):04X} ({name})"


def is_unicode(text: str) -> bool:
    """False for text with a lone surrogate (JSON's "\\ud800"): it cannot be written as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def for_terminal(text: str) -> str:
    """`text` with every control, format, surrogate and line-separator character escaped
    (`\\x1b`, `\\n`, `\\u200b`): printed, it is one line that shows what it contains."""
    if text.isprintable():
        return text
    return "".join(repr(c)[1:-1] if unicodedata.category(c) in _REFUSED else c for c in text)


# embeddings, overrides and isolates: in a page they reorder the text after them (a scheme title
# or a rules string can make the following words read backwards, as "Trojan Source" does)
_BIDI = str.maketrans({c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def bidi_shown(text: str) -> str:
    """`text` with every bidirectional embedding, override and isolate shown as its escape
    (`\\u202e`), for HTML pages, where they would reorder what follows them."""
    return text.translate(_BIDI)
