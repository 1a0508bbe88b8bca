"""Typing each value of a scoring block after the values it reads.

Typing a value can meet a value not typed yet (a `let` reading a later `let`, a section its
items). Recursing there would nest once per link of a chain of thousands of `let`s, each reading
the one before; instead the value is abandoned, what it reads is typed first, and it is typed
again, all on a stack of its own. The values being typed stay in `_visiting` meanwhile, which is
how a cycle is found (E502)."""

from __future__ import annotations

from kaoping.compiler import ir, walk
from kaoping.compiler import types as T
from kaoping.compiler.infer import ExprChecker
from kaoping.compiler.model import BlockModel, ValueDef


class _TypeFirst(Exception):
    """Typing a value met a value not typed yet (`path`): type that one first."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


class ValueOrder(ExprChecker):
    """`infer_value` for `check.Checker`, which supplies `compute_value` (one value's type)."""

    _visiting: list[str]  # values being typed, outermost first
    _entered: set[str]  # the same, as a set
    _order: list[str]  # the block's values in the order they were typed
    # values named like an input, table or constant (E202 given): a cycle through one follows
    # from that clash and is not reported again
    _shadowing: set[str]
    # a value whose own rule (or a value it reads) reads `last year` of it while it is typed
    # (连续优秀年数 = 上年 连续优秀年数 + 1): the kind that read assumed, checked once it is typed
    _own_last_year: dict[str, str]

    def compute_value(self, block: BlockModel, vd: ValueDef, order: list[str]) -> T.Ty:
        raise NotImplementedError

    def infer_value(self, block: BlockModel, path: str, order: list[str]) -> T.Ty:
        vd = block.values[path]
        if vd.ty is not None:
            return vd.ty
        key = f"{block.index}:{path}"
        if key in self._entered:
            cycle = [*self._visiting[self._visiting.index(key) :], key]
            span = vd.node.span if vd.node is not None else block.scoring.span
            if not self._shadowing & set(cycle):
                self.err(
                    "E502", span, name=path, cycle=" → ".join(c.split(":", 1)[1] for c in cycle)
                )
            return T.ANY_NUMBER
        if self._visiting:  # read while typing another value: that one is typed again after
            raise _TypeFirst(path)
        self._type_from(block, path)
        assert vd.ty is not None
        return vd.ty

    def last_year_of_own(self, block: BlockModel, path: str, ctx: object) -> T.Ty | None:
        """`last year X` reads last year's results, not X, so it is no cycle: read while X is
        being typed, or by a value X itself reads this year (累计 = 上年 余额 + …, 余额 = 累计 − …),
        a flag's last year is yes/no and any other value's a number (the kind is checked once
        X is typed); None where X can simply be typed first."""
        key = f"{block.index}:{path}"
        if key not in self._entered:
            reader = self._visiting[-1].split(":", 1)[1] if self._visiting else None
            if reader is None or not self._reaches(block, path, reader):
                return None
        kind = "bool" if block.values[path].kind == "flag" else "number"
        self._own_last_year[key] = kind
        return T.BOOL if kind == "bool" else T.ANY_NUMBER

    def _reaches(self, block: BlockModel, start: str, goal: str) -> bool:
        """Whether `start` reads `goal` this year, directly or through other values (a read
        under `last year` is not one)."""
        seen, todo = {start}, [start]
        while todo:
            path = todo.pop()
            if path == goal:
                return True
            for read in self._this_year(block, block.values[path]):
                if read not in seen:
                    seen.add(read)
                    todo.append(read)
        return False

    def _type_from(self, block: BlockModel, root: str) -> None:
        """Type `root` after every value it reads, and those after theirs: the recursion of
        typing one value in the middle of another, run on a stack of its own so that a chain
        of thousands of `let`s, each reading the one before, needs no deeper Python stack.

        A value that reads one not yet typed is abandoned (its diagnostics dropped), the values
        it reads are typed, and it is typed again from the start; values that are being typed
        stay in `_visiting` meanwhile, which is how a cycle is found (E502), as before."""
        todo = [root]
        while todo:
            path = todo[-1]
            vd = block.values[path]
            if vd.ty is not None:  # typed meanwhile, by way of another value
                todo.pop()
                continue
            key = f"{block.index}:{path}"
            if key not in self._entered:
                self._entered.add(key)
                self._visiting.append(key)
            mark = len(self.diags)
            try:
                ty = self.compute_value(block, vd, self._order)
            except _TypeFirst as need:
                del self.diags[mark:]
                todo.extend(reversed(self._reads_first(block, vd, need.path)))
                continue
            assert self._visiting[-1] == key
            assumed = self._own_last_year.pop(key, None)
            if assumed is not None and ty.kind != assumed:
                self.type_error(
                    vd.node.span if vd.node is not None else block.scoring.span,
                    f"`last year {path}`, read by {path} itself or by a value {path} reads, "
                    f"reads a number, but {path} is not one",
                    hint="only a number or a flag can be read under `last year` by a value it "
                    "reads this year",
                    detail_zh=f"`上年 {path}` 由 {path} 自身或 {path} 所读取的值读取,按数值读取,"
                    f"但 {path} 不是数值",
                    hint_zh="只有数值或标记可以被它本年所读取的值按 `上年` 读取",
                )
            self._visiting.pop()
            self._entered.discard(key)
            vd.ty = ty
            self._order.append(path)
            todo.pop()

    def _this_year(self, block: BlockModel, vd: ValueDef) -> list[str]:
        """The values `vd`'s rules read, but under `last year`."""
        nodes: list[object] = [node for _, node in vd.variants]
        if isinstance(vd.node, ir.Section):
            nodes.extend(vd.node.clauses)
        elif not nodes and vd.node is not None:
            nodes.append(vd.node)
        reads = list(vd.children)
        stack = list(nodes)
        while stack:
            x = stack.pop()
            if isinstance(x, tuple):
                stack.extend(x)
            elif not walk.is_node(x) or isinstance(x, ir.LastYear):
                continue
            elif isinstance(x, ir.TotalRef):
                reads.append("total")
            else:
                if isinstance(x, ir.Ref | ir.WeightPart):
                    ref = x if isinstance(x, ir.Ref) else ir.Ref((x.name,))
                    path = self.find_value(block, ref)
                    if path is not None:
                        reads.append(path)
                stack.extend(walk.children(x))
        return [r for r in reads if r in block.values]

    def _reads_first(self, block: BlockModel, vd: ValueDef, needed: str) -> list[str]:
        """The values `vd` reads that are not typed yet, `needed` (the one it stopped at) first,
        then the others in the order they are written: typing them all before `vd` is tried
        again means one retry, not one per value read."""
        found, seen = [needed], {needed}
        nodes: list[object] = [node for _, node in vd.variants]
        if isinstance(vd.node, ir.Section):  # its children are in `vd.children`
            nodes.extend(vd.node.clauses)
        elif not nodes and vd.node is not None:
            nodes.append(vd.node)
        reads = list(vd.children)
        for node in nodes:
            for x in walk.postorder(node):
                if isinstance(x, ir.TotalRef):
                    reads.append("total")
                elif isinstance(x, ir.Ref | ir.WeightPart):
                    ref = x if isinstance(x, ir.Ref) else ir.Ref((x.name,))
                    path = self.find_value(block, ref)
                    if path is not None:
                        reads.append(path)
        for path in reads:
            dep = block.values[path]
            key = f"{block.index}:{path}"
            if dep.ty is None and key not in self._entered and path not in seen:
                found.append(path)
                seen.add(path)
        return found
