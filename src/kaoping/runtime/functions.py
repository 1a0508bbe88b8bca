"""Calling a plugin's rule function from generated code. The checker knows only a function's
arity and takes its result for a number that is never absent; this is where that is made true:
whatever the function does wrong (raises, exits, returns a float or nothing) becomes a
`RuleFunctionFailed` naming the function and its plugin, which scoring turns into an error that
also names the rules line and the unit."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from kaoping.exact import NumberError, Q, parse
from kaoping.plugins.isolation import describe_failure, is_users_interrupt, safe_repr

if TYPE_CHECKING:
    from kaoping.compiler.load import RuleFunction


class RuleFunctionFailed(Exception):
    """A rule function raised, or returned something that is not an exact number."""


def rule_number(value: object) -> Q:
    """The one conversion from what a rule function returned to a kaoping number (an exact
    rational, gmpy2's mpq).

    Exact numbers are accepted: int, Fraction (any `numbers.Rational`, gmpy2's mpq among them),
    finite Decimal, each converted exactly. A float is refused (binary floating point is
    inexact), and so are None (the checker takes a function's result to be always present),
    bool and anything else."""
    if type(value) is Q:  # the common case, first: arithmetic on the arguments
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise RuleFunctionFailed(f"returned {value}, not a finite number")
        try:  # read from its text, so that 1E+999999999 is refused rather than expanded
            return parse(str(value), "result", exponent=True)
        except NumberError as err:
            raise RuleFunctionFailed(f"returned {value}, which {err}") from None
    if isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, numbers.Integral):
        return Q(int(value))
    elif isinstance(value, numbers.Rational):
        return Q(int(value.numerator), int(value.denominator))
    elif isinstance(value, float):
        raise RuleFunctionFailed(
            f"returned {value!r}, a float: binary floating point is inexact, "
            "return an int, a Fraction or a Decimal"
        )
    raise RuleFunctionFailed(
        f"returned {safe_repr(value)} ({type(value).__name__}), not a number: "
        "return an int, a Fraction or a Decimal"
    )


def guard_function(fn: RuleFunction) -> Callable[..., Q]:
    """`fn.func`, called so that any failure names the function and its plugin."""
    func = fn.func
    who = f"rule function {fn.name!r}" + (f" of {fn.plugin}" if fn.plugin else "")

    def call(*args: object) -> Q:
        if fn.refused:
            raise RuleFunctionFailed(f"{who} {fn.refused}")
        # `score` watches for the user's Ctrl-C; outside it, a KeyboardInterrupt counts as theirs
        try:
            result = func(*args)
        except BaseException as err:
            if is_users_interrupt(err):
                raise
            raise RuleFunctionFailed(f"{who} {describe_failure(err)}") from err
        try:
            return rule_number(result)
        except RuleFunctionFailed as err:
            raise RuleFunctionFailed(f"{who} {err}") from None

    call.__name__ = call.__qualname__ = f"rule_function_{fn.name}"
    return call
