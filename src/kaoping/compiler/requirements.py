"""Data requirements (`require 已退养水库数 ≤ 水库总数`): which units each applies to, and what it
proves for the checker's ranges.

A requirement is checked on the data before anything is scored, so wherever it applies its
comparisons hold: `a ≤ b` makes `b − a ≥ 0` and `a ÷ b` at most 1 (for a ≥ 0), and `a ≤ 10`
bounds a. Only comparisons between numeric inputs and numbers, joined by `and`, are used."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.model import BlockModel, DataCheck, Model
from kaoping.compiler.walk import preorder
from kaoping.exact import Q, ceil, floor

if TYPE_CHECKING:
    from kaoping.compiler.check import Checker
    from kaoping.compiler.infer_context import Ctx


def input_names(expr: object, model: Model) -> tuple[str, ...]:
    """The inputs an expression names (a list input through an aggregate over it), in the order
    written (each once)."""
    found: dict[str, None] = {}
    for node in walk(expr):
        if isinstance(node, ir.Ref) and len(node.path) == 1 and node.path[0] in model.inputs:
            found.setdefault(node.path[0], None)
        elif isinstance(node, ir.Aggregate) and node.source in model.inputs:
            found.setdefault(node.source, None)
    return tuple(found)


def constant_names(expr: object, model: Model) -> tuple[str, ...]:
    """The constants an expression names, in the order written (each once)."""
    found: dict[str, None] = {}
    for node in walk(expr):
        if isinstance(node, ir.Ref) and len(node.path) == 1 and node.path[0] in model.constants:
            found.setdefault(node.path[0], None)
    return tuple(found)


def reads_no_unit(expr: object, model: Model) -> bool:
    """Whether a condition reads nothing of a unit's own (no input, not `unit group`): it reads
    constants alone, so it holds or fails for the whole run at once."""
    return not input_names(expr, model) and not any(isinstance(n, ir.GroupRef) for n in walk(expr))


def reads_values(expr: object) -> bool:
    """Whether an expression reads something other than inputs: the total, or a cohort value."""
    return any(
        isinstance(
            n,
            ir.TotalRef
            | ir.Best
            | ir.GroupLowest
            | ir.GroupMean
            | ir.GroupCount
            | ir.Rank
            | ir.Distribute
            | ir.LastYear,
        )
        for n in walk(expr)
    )


def walk(x: object) -> Iterator[object]:
    """Every node of an expression (or of a tuple of them), each before the nodes inside it,
    in the order written, on a stack of its own (a condition can run long)."""
    return preorder(x)


def given_for(model: Model, names: Iterable[str], groups: Iterable[str]) -> tuple[str, ...]:
    """The groups (of `groups`) for which every input of `names` with a `for` line is given."""
    out = list(groups)
    for name in names:
        decl = model.inputs.get(name)
        if decl is not None and decl.groups:
            out = [g for g in out if g in decl.groups]
    return tuple(out)


def learn(block: BlockModel, model: Model, conds: Iterable[ir.Expr]) -> None:
    """Add to the block what the conditions prove: ranges of inputs and constants (a number one
    or one the data enters), of the count of a list (`(count L) ≥ 1`: L is never empty, so its
    mean exists), orderings of pairs, and bounds on sums (`a + b = 1000`)."""
    pairs: list[tuple[ir.Expr, str, ir.Expr]] = []
    for cond in conds:
        pairs.extend(_comparisons(cond))  # `same X`: X is no comparison, so it adds nothing
    bounds: dict[str, T.Ty] = {}

    def term(x: ir.Expr) -> tuple[str | None, Q | None]:
        key = learnable(x, model)
        if key is None:
            return None, x.value if isinstance(x, ir.Num) else fixed_value(x, model)
        if key not in bounds:
            bounds[key] = declared(key, model)
        return key, None

    facts: list[tuple[str | Q, str | Q, bool]] = []  # small ≤ big (strict: <)
    nonzero: set[str] = set()  # `x > 0`, `x < 0`, `x ≠ 0`: x is never zero
    for left, op, right in pairs:
        _learn_sum(block, model, left, op, right)
        lk, lv = term(left)
        rk, rv = term(right)
        a = lk if lk is not None else lv
        b = rk if rk is not None else rv
        if a is None or b is None or (lk is None and rk is None):
            continue
        if op in ("<", "<="):
            facts.append((a, b, op == "<"))
        elif op in (">", ">="):
            facts.append((b, a, op == ">"))
        elif op == "=":
            facts.extend([(a, b, False), (b, a, False)])
        key = lk if rk is None else rk if lk is None else None  # a term against a number
        if key is not None and op in ("<", ">", "!=") and (lv == 0 or rv == 0):
            nonzero.add(key)
    for _ in range(3):  # chains of two or three comparisons settle in as many rounds
        for small, big, strict in facts:
            lo = small if isinstance(small, Q) else bounds[small].low
            hi = big if isinstance(big, Q) else bounds[big].high
            if isinstance(small, str) and hi is not None:
                if strict and bounds[small].integer:  # a whole number below 3.5 or 4 is ≤ 3
                    hi = Q(ceil(hi) - 1)
                bounds[small] = T.intersect(bounds[small], T.number(None, hi))
            if isinstance(big, str) and lo is not None:
                if strict and bounds[big].integer:  # a count above 0 is at least 1
                    lo = Q(floor(lo) + 1)
                bounds[big] = T.intersect(bounds[big], T.number(lo, None))
    for key in nonzero:
        bounds[key] = T.never_zero(bounds[key])
    for key, ty in bounds.items():
        block.known[key] = T.intersect(block.known[key], ty) if key in block.known else ty
    for small, big, strict in facts:
        if isinstance(small, str) and isinstance(big, str):
            block.ordered.add((big, small, strict))


def learnable(x: ir.Expr, model: Model) -> str | None:
    """The key under which a requirement's term is known: `input:NAME` for a numeric input or a
    constant the data enters (they share one namespace), `count:LIST` for the count of every
    record of a list; None for anything else."""
    if isinstance(x, ir.Ref) and len(x.path) == 1:
        name = x.path[0]
        decl = model.inputs.get(name)
        typ = decl.type if decl is not None else None
        const = model.constants.get(name)
        if const is not None and const.value is None:
            typ = const.type
        if isinstance(typ, ir.NumberType | ir.CountType):
            return f"input:{name}"
    if (
        isinstance(x, ir.Aggregate)
        and x.kind == "count"
        and not x.drops
        and x.per_field is None
        and x.source in model.inputs
    ):
        return count_key(x)
    return None


def count_key(x: ir.Aggregate) -> str:
    """`count:LIST`, or `count:LIST where C` for the records where C holds (每个部分的评分人数
    不少于3人: `(count 评分 where 部分 = 办学条件) ≥ 3` bounds the mean of those records): an
    aggregate with the same condition, written the same, counts the same records."""
    return f"count:{x.source}" + (f" where {x.where}" if x.where is not None else "")


def fixed_value(x: ir.Expr, model: Model) -> Q | None:
    """The value of a constant the rules fix, else None."""
    if isinstance(x, ir.Ref) and len(x.path) == 1:
        const = model.constants.get(x.path[0])
        if const is not None:
            return const.value
    return None


def declared(key: str, model: Model) -> T.Ty:
    """The range a learnable key has before any requirement: its declared type."""
    kind, name = key.split(":", 1)
    if kind == "count":  # of a list, or of its records where a condition holds
        return T.number(Q(0), None, integer=True)
    decl = model.inputs.get(name)
    typ = decl.type if decl is not None else model.constants[name].type
    if isinstance(typ, ir.CountType):
        return T.number(Q(0), None, integer=True)
    assert isinstance(typ, ir.NumberType)
    return T.number(typ.low, typ.high, integer=typ.integer)


def _learn_sum(block: BlockModel, model: Model, left: ir.Expr, op: str, right: ir.Expr) -> None:
    """`a + b + … = N` (or ≤, <; or N ≥ …): the sum of those inputs or constants is at most N,
    which bounds a section summing items that each stay within one of them."""
    if op in (">", ">="):
        left, right = right, left
    elif op not in ("=", "<", "<="):
        return
    for total, limit in ((left, right), (right, left)) if op == "=" else ((left, right),):
        if not isinstance(limit, ir.Num) or not (isinstance(total, ir.BinOp) and total.op == "+"):
            continue
        terms = list(_summands(total))
        keys = [learnable(t, model) for t in terms]
        if all(k is not None and k.startswith("input:") for k in keys) and len(set(keys)) == len(
            keys
        ):
            block.sums.append((frozenset(k for k in keys if k is not None), limit.value))


def _summands(x: ir.Expr) -> Iterator[ir.Expr]:
    """The terms of a sum, in the order written (a loop: a sum may have thousands)."""
    todo = [x]
    while todo:
        term = todo.pop()
        if isinstance(term, ir.BinOp) and term.op == "+":
            todo += [term.right, term.left]
        else:
            yield term


def _comparisons(cond: ir.Expr) -> Iterator[tuple[ir.Expr, str, ir.Expr]]:
    """The comparisons `cond` joins with `and`, in the order written (a loop, not recursion:
    a requirement may join hundreds); `≠` proves only that a term is not that number."""
    todo = [cond]
    while todo:
        x = todo.pop()
        if isinstance(x, ir.Logic) and x.op == "and":
            todo += [x.right, x.left]
        elif isinstance(x, ir.Compare):
            yield x.left, x.op, x.right


def difference_low(block: BlockModel, larger: str | None, smaller: str | None) -> Q | None:
    """The least `larger − smaller` can be, when a requirement orders the two."""
    if larger is None or smaller is None:
        return None
    if (larger, smaller, True) in block.ordered or (larger, smaller, False) in block.ordered:
        return Q(0)  # `>` too: a closed range says > 0 as ≥ 0
    return None


def needed_by(model: Model, reads: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    """The groups whose units give each input: its `for` groups, or else the groups whose rules
    read it."""
    return {
        name: frozenset(decl.groups) if decl.groups else frozenset(reads.get(name, ()))
        for name, decl in model.inputs.items()
    }


def check_scheme_requirements(checker: Checker) -> None:
    """Each scheme-level requirement applies to the groups whose rules read one of its inputs
    (and that are given every input it reads that has a `for` line); its inputs are then needed
    by those groups too. Typed once per block it applies to. One on constants alone is checked
    once per run (typed in every block, whose units all carry the constants)."""
    from kaoping.compiler.infer_context import Ctx

    model = checker.model
    for req in model.module.requirements:
        names = input_names(req.cond, model)
        constants = constant_names(req.cond, model)
        if not req.same and reads_no_unit(req.cond, model):
            for block in model.blocks:
                check_condition(checker, req, Ctx(block, "unit", "require", no_reads=True))
            model.run_requirements.append(DataCheck(req, (), (), constants, per_run=True))
            continue
        readers: set[str] = set()
        for name in names:
            readers |= checker.reads.get(name, set())
        applies = set(given_for(model, names, sorted(readers)))
        typed = False
        for block in model.blocks:
            groups = tuple(g for g in block.groups if g in applies)
            if not groups:
                continue
            ctx = Ctx(block, "unit", "require", only=groups, no_reads=True)
            check_condition(checker, req, ctx)
            typed = True
            block.data_checks.append(
                DataCheck(req, () if groups == block.groups else groups, names, constants)
            )
            if req.same:  # the others: `sheets.scope_data_checks` (a sheet's inputs alone?)
                block.outside_inputs.update(names)  # checked whatever values a unit is given
        for name in (*names, *constants):
            if name not in model.inputs or not model.inputs[name].groups:
                checker.reads.setdefault(name, set()).update(applies)
        if not typed:
            checker.err("W410", req.span, inputs=", ".join(names) or "none")
    _settle_constant_readers(checker)


def _settle_constant_readers(checker: Checker) -> None:
    """The groups that need each constant entered in the data: those whose rules read it. A
    scheme-level requirement on constants alone ties them together: when one of them is needed,
    all are (so the requirement is checked), until nothing changes. One whose constants no rule
    reads checks nothing (`W410`)."""
    model = checker.model
    reads = checker.reads
    changed = True
    while changed:
        changed = False
        for check in model.run_requirements:
            needing = set().union(*(reads.get(c, set()) for c in check.constants))
            for name in check.constants:
                if not needing <= reads.get(name, set()):
                    reads.setdefault(name, set()).update(needing)
                    changed = True
    for check in model.run_requirements:
        entered = [c for c in check.constants if model.constants[c].type is not None]
        if not any(reads.get(c) for c in entered):
            checker.err("W410", check.requirement.span, inputs=", ".join(entered))
    model.constant_readers = {name: frozenset(reads.get(name, ())) for name in model.constants}


def check_condition(checker: Checker, req: ir.Requirement, ctx: Ctx) -> None:
    """A requirement is a yes/no condition on the unit's inputs alone (or, for `same`, a value
    of them that units compare)."""
    t = checker.infer(req.cond, ctx)
    if not req.same:
        checker.need_bool(t, req.cond)
    elif t.optional:
        checker.absent(req.cond.span, str(req.cond), t)
    elif t.kind not in ("number", "bool", "enum", "error"):
        checker.type_error(
            req.cond.span,
            f"`require same` compares a number, a yes/no or an enum value, not {t}",
            detail_zh=f"`校验 相同` 比较数值、是否或枚举值,不能比较{t.zh}",
        )
    cohort = next((n for n in walk(req.cond) if isinstance(n, _COHORT)), None)
    if cohort is not None:
        checker.type_error(
            cohort.span,
            "a requirement checks each unit's data before anything is scored: it cannot read "
            "other units of the group",
            "to check how many units are given each grade, write `require X distributed A "
            "20%, B 80%`; to mark a group that breaks a share, a `flag` in `across group:`",
            "校验各档人数比例请写 `校验 X 分布 A 20%, B 80%`;要标出超出比例的分组,可在 `组内:` 中写 `标记`",
            "数据校验在计分之前逐个单位检查数据:不能读取同组其他单位",
        )
    elif ctx.deps or reads_values(req.cond):
        checker.type_error(
            req.cond.span,
            "a requirement checks the data: it may read inputs only, not scored values",
            detail_zh="数据校验只检查数据:只能读取输入,不能读取得分",
        )


_COHORT = ir.Best | ir.GroupLowest | ir.GroupMean | ir.GroupCount | ir.Rank | ir.Distribute


def narrowed(t: T.Ty, key: str, ctx: Ctx) -> T.Ty:
    """`t` within the range known to hold for `key` where the expression stands."""
    if t.kind != "number":
        return t
    for known in (ctx.block.known.get(key), ctx.narrow.get(key)):
        if known is not None:
            t = T.intersect(t, known)
    return t


def ref_key(model: Model, expr: ir.Expr, block: int) -> str | None:
    """`input:NAME` or `value:PATH` for a name that reads an input or a value, else None."""
    if not isinstance(expr, ir.Ref):
        return None
    res = model.refs.get((id(expr), block))
    if res is None or res.kind not in ("input", "value"):
        return None
    return f"{res.kind}:{res.target}"
