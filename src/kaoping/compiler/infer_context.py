"""What expression typing works with: the built-in rule functions, a plugin function's
signature, the context an expression is typed in (`Ctx`) and the marker of a bare name that
is not declared (`UNRESOLVED`)."""

from __future__ import annotations

import attrs

from kaoping.compiler import types as T
from kaoping.compiler.model import BlockModel, SheetDef
from kaoping.exact import Q

_CANON = {
    "最小": "least",
    "最大": "greatest",
    "不足": "shortfall",
    "超出": "excess",
    "有值": "present",
    "满足数": "satisfied",
    "向上舍入": "roundup",
    "向下舍入": "rounddown",
}
# the built-in rule functions' English names (in the order hints list them), the Chinese ones
BUILTIN_NAMES = tuple(dict.fromkeys(_CANON.values()))
BUILTINS_ZH = tuple(_CANON)
BUILTINS = frozenset(BUILTIN_NAMES) | frozenset(BUILTINS_ZH)
# `unit group` is typed as an enum whose values are the declared groups; no user enum can have
# this name, since it is not an identifier
GROUPS = "<groups>"


def canonical_function(name: str) -> str:
    return _CANON.get(name, name)


@attrs.frozen
class FunctionSig:
    """A plugin-contributed rule function: numbers in, a number out."""

    name: str
    arity: int


@attrs.define
class Ctx:
    """Where an expression is typed: its block, stage, owner, record fields in scope, and what
    it reads (collected as it is typed)."""

    block: BlockModel
    stage: str  # unit | cross | group | final | grade
    owner: str
    fields: dict[str, T.Ty] | None = None
    deps: set[str] = attrs.Factory(set)
    inputs: set[str] = attrs.Factory(set)
    gradings: frozenset[str] = frozenset()
    no_deps: bool = False
    only: tuple[str, ...] = ()  # the groups the statement is for, when narrower than the block's
    # ranges known to hold here ("input:NAME" / "value:PATH" → range): inside a keyed item's
    # row, its key lies in the row's interval
    narrow: dict[str, T.Ty] = attrs.Factory(dict)
    no_reads: bool = False  # a scheme-level requirement: its reads make no input needed
    # the item or section whose rules are typed ("" elsewhere) and its maximum, for `max`
    item: str = ""
    item_max: Q | None = None
    sheet: SheetDef | None = None  # the sheet the statement is on (个性指标), if any
    # values known present here (an item's clauses past `not applicable if not present(X)`)
    present: frozenset[str] = frozenset()

    @property
    def groups(self) -> tuple[str, ...]:
        return self.only or self.block.groups


class _Unresolved:
    """A bare name that is not a declared name: maybe an enum value, decided by context."""


UNRESOLVED = _Unresolved()
