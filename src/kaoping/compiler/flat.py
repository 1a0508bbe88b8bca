"""How the emitter writes what can run long: a run of one operator (`a + b - c + …`), the sum
of a section's parts, the rows of a band.

Short ones are written in Python's own syntax and flat: `(a + b - c)`, which Python reads the
same way as the rules do, rather than one bracket per operator. Long ones are written as data
for a loop in the runtime (`_rt.chain`, `_rt.band`): Python's compiler recurses once per
operator or conditional and gives up after a few thousand, and its tokenizer after 200 nested
brackets."""

from __future__ import annotations

from collections.abc import Sequence

# runs and bands longer than this are written as data for a runtime loop
FLAT_RUN = 64


def run(first: str, links: Sequence[tuple[str, str]], plain: bool) -> str:
    """`first op₁ x₁ op₂ x₂ …` from (operator, operand) links. `plain`: no operand may be
    absent and no divisor zero, so bare operators do; otherwise `_rt.chain`, which folds the
    run with `lift`'s and `div`'s rules."""
    if plain and len(links) < FLAT_RUN:
        return "(" + first + "".join(f" {op} {x}" for op, x in links) + ")"
    return "_rt.chain(" + first + "".join(f", {op!r}, {x}" for op, x in links) + ")"


def plus(terms: Sequence[str]) -> str:
    """The sum of a section's or a total's parts, `a + b + c` (none: zero)."""
    if not terms:
        return "_rt.ZERO"
    if len(terms) < FLAT_RUN:
        return " + ".join(terms)
    return run(terms[0], [("+", t) for t in terms[1:]], plain=False)


def band(x: str, operand: str, tests: Sequence[tuple[str, str]], rows: Sequence[str]) -> str:
    """The label of the first row whose test holds, the last row's otherwise: `tests` are
    (test on `x`, label) per row, `rows` the same rows as data tuples for `_rt.band`."""
    if len(tests) >= FLAT_RUN:
        return f"_rt.band({operand}, ({', '.join(rows)},))"
    # `A if … else B if … else C`: Python nests it to the right without brackets
    branches = "".join(f"{label!r} if {test} else " for test, label in tests[:-1])
    return f"(lambda {x}: {branches}{tests[-1][1]!r})({operand})"
