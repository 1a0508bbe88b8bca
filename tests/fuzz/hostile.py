"""The values a careless office or an attacker puts where kaoping expects a number, a name or a
line of rules: the pools every generator draws from. A pool entry is small to write down but
may stand for a large value (`"9" * 5000`), so a failing example stays short to print."""

from __future__ import annotations

from hypothesis import strategies as st

from fuzz.jsontext import Raw

HUGE_DIGITS = "9" * 5000
OVER_INT_LIMIT = "1" + "0" * 4300  # past Python's 4,300-digit int/str conversion limit

# JSON number tokens, written verbatim (Python's json module also reads NaN and Infinity)
JSON_NUMBERS = [
    "0",
    "1",
    "2",
    "4",
    "10",
    "100",
    "0.5",
    "8.5",
    "99.99",
    "-1",
    "-0",
    "-0.0",
    "0.0",
    "1.0",
    "4.0",
    "1e30",
    "1E+2",
    "1e-30",
    "1e999999",
    "1e1000000",
    "-1e1000000",
    "1e-1000000",
    "1e-999999",
    HUGE_DIGITS,
    "-" + HUGE_DIGITS,
    OVER_INT_LIMIT,
    "0." + "0" * 5000 + "1",
    "123456789012345678901234567890.123456789012345678901234567890",
    "99999999999999999999999999",
    "0.005",
    "-0.004",
    "NaN",
    "Infinity",
    "-Infinity",
]

# text that looks like (or almost like) a number
NUMBER_STRINGS = [
    "8.5",
    "0",
    "-0",
    "-0.00",
    " 1 ",
    "+5",
    ".5",
    "5.",
    "1e5",
    "1E+2",
    "1_000",
    "1,000",
    "0x10",
    "NaN",
    "sNaN",
    "-sNaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "²",
    "①",
    "١٢",
    "１２",
    "十",
    "",
    " ",
    HUGE_DIGITS,
    OVER_INT_LIMIT,
    "1e1000000",
    "0." + "0" * 5000 + "1",
]

# names (of units, inputs, groups) that should be rejected, normalised or kept apart
ODD_NAMES = [
    "U1 ",
    " U1",
    "U\u200b1",
    "\u200b",
    " ",
    "",
    "U\n1",
    "U\r1",
    "U\t1",
    "\x1b[31mU1\x1b[0m",
    "\x1b[2J",
    "U\x00",
    "\ud800",
    "e\u0301",
    "\u00e9",
    "\u202eU1",
    "\ufeffU1",
    "Ｕ１",
    "县直单位",
    "单位" * 2000,
    "units",
]

# strings written into JSON verbatim: escapes a decoder must survive
RAW_STRINGS = [
    '"\\ud800"',
    '"\\udc00\\ud800"',
    '"\\u0000"',
    '"\\ud83d\\ude00"',
]

OTHER_JSON = ["true", "false", "null", "[]", "{}", '{"a": 1}', "[1, 2]", '[{"x": 1}]']

CONTROL_CHARS = [
    "\x00",
    "\x01",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\r",
    "\v",
    "\f",
]
INVISIBLE_CHARS = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u00ad", "\u3000"]
WIDE_CHARS = ["：", "，", "（", "）", "＝", "＋", "－", "×", "÷", "１", "Ａ", "％", "“", "”", "　"]


def json_number() -> st.SearchStrategy[Raw]:
    return st.sampled_from(JSON_NUMBERS).map(Raw)


def json_value() -> st.SearchStrategy[object]:
    """Any hostile JSON value: a number token, a number-like or odd string, a literal, deep
    nesting."""
    return st.one_of(
        json_number(),
        st.sampled_from(NUMBER_STRINGS),
        st.sampled_from(ODD_NAMES),
        st.sampled_from(RAW_STRINGS + OTHER_JSON).map(Raw),
        st.sampled_from([10, 1000, 100_000]).map(lambda n: Raw("[" * n + "]" * n)),
        st.sampled_from([200 * 1024]).map(lambda n: "9" * n),
    )


def odd_name() -> st.SearchStrategy[str]:
    return st.sampled_from(ODD_NAMES)
