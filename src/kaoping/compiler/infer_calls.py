"""Typing of the constructs that take several operands or rows: rule functions, aggregates over
records, weighted parts, the cohort measures (best, rank, group mean, distribute), last year's
values and bands.
"""

from __future__ import annotations

import itertools

import attrs

from kaoping.compiler import ir
from kaoping.compiler import types as T
from kaoping.compiler.cohort_ranges import mean_parts
from kaoping.compiler.infer_context import Ctx, _Unresolved, canonical_function
from kaoping.compiler.infer_core import InferenceCore, not_given_hint, not_given_hint_zh
from kaoping.compiler.model import Res
from kaoping.compiler.requirements import count_key
from kaoping.compiler.suggest import function_suggestion
from kaoping.exact import MAX_ROUNDING_PLACES, Mode, Q, round_to, show


class CallInference(InferenceCore):
    """The typing of calls, aggregates, weights, cohort measures, last year and bands."""

    def call(self, e: ir.Call, ctx: Ctx) -> T.Ty:
        name = canonical_function(e.func)
        args = e.args
        if name in ("least", "greatest"):
            if not args:
                self.err("E205", e.span, detail=f"{e.func}() needs at least one argument")
                return T.ANY_NUMBER
            tys = [self.need_number(self.infer(a, ctx), a, ctx) for a in args]
            if name == "least":
                lows = [t.low for t in tys]
                highs = [t.high for t in tys]
                low = (
                    None if any(x is None for x in lows) else min(x for x in lows if x is not None)
                )
                known = [h for h in highs if h is not None]
                return T.number(low, min(known) if known else None)
            lows = [t.low for t in tys]
            highs = [t.high for t in tys]
            known_low = [x for x in lows if x is not None]
            high = None if any(x is None for x in highs) else max(x for x in highs if x is not None)
            return T.number(max(known_low) if known_low else None, high)
        if name in ("shortfall", "excess"):
            if len(args) != 2:
                self.err("E205", e.span, detail=f"{e.func}(x, n) takes two arguments")
                for a in args:  # still resolve them: their names are used, their errors real
                    self.infer(a, ctx)
                return T.number(Q(0), None)
            x = self.need_number(self.infer(args[0], ctx), args[0], ctx)
            n = self.need_number(self.infer(args[1], ctx), args[1], ctx)
            diff = T.sub(n, x) if name == "shortfall" else T.sub(x, n)
            return T.number(
                Q(0),
                None if diff.high is None else max(diff.high, Q(0)),
                x.integer and n.integer,
            )
        if name == "present":
            if len(args) != 1:
                self.err("E205", e.span, detail=f"{e.func}(x) takes one argument")
                for a in args:
                    self.infer(a, ctx)
                return T.BOOL
            t = self.infer(args[0], ctx)
            if not t.optional:
                self.type_error(
                    e.span, f"{args[0]} is never absent", detail_zh=f"{args[0]} 不会缺失"
                )
            return T.BOOL
        if name in ("roundup", "rounddown"):
            return self.rounded(e, name, ctx)
        if name == "satisfied":
            for a in args:
                self.need_bool(self.infer(a, ctx), a)
            return T.number(Q(0), Q(len(args)), integer=True)
        sig = self.functions.get(e.func)
        if sig is None:
            self.err(
                "E201",
                e.span,
                name=e.func,
                hint_en="built-ins: least, greatest, shortfall, excess, present, satisfied, "
                "roundup, rounddown" + function_suggestion(e.func, self.functions)[0],
                hint_zh="内置函数:最小、最大、不足、超出、有值、满足数、向上舍入、向下舍入"
                + function_suggestion(e.func, self.functions)[1],
            )
            return T.ANY_NUMBER
        if len(args) != sig.arity:
            self.err(
                "E205", e.span, detail=f"{e.func} takes {sig.arity} argument(s), not {len(args)}"
            )
        for a in args:
            self.need_number(self.infer(a, ctx), a, ctx)
        return T.ANY_NUMBER

    def rounded(self, e: ir.Call, name: str, ctx: Ctx) -> T.Ty:
        """`roundup(x, n)` / `rounddown(x, n)`: x to n decimal places, away from zero or toward
        it ("不足1个百分点的按1个百分点计算" is `roundup(x, 0)`); n a whole number 0 to 10."""
        if len(e.args) != 2:
            self.err("E205", e.span, detail=f"{e.func}(x, n) takes two arguments")
            for a in e.args:
                self.infer(a, ctx)
            return T.ANY_NUMBER
        x = self.need_number(self.infer(e.args[0], ctx), e.args[0], ctx)
        places = e.args[1]
        if not (isinstance(places, ir.Num) and places.value >= 0 and places.value.denominator == 1):
            self.infer(places, ctx)
            self.type_error(
                places.span,
                f"{e.func}(x, n) rounds to n decimal places: n is a whole number written in the "
                f"rules, not {places}",
                detail_zh=f"{e.func}(x, n) 舍入到 n 位小数:n 须是写在规则中的整数,不能是 {places}",
            )
            return T.ANY_NUMBER
        n = int(places.value)
        if n > MAX_ROUNDING_PLACES:
            self.err("E412", places.span, places=str(n), most=MAX_ROUNDING_PLACES)
            return T.ANY_NUMBER
        mode: Mode = "up" if name == "roundup" else "down"
        low = None if x.low is None else round_to(x.low, n, mode)
        high = None if x.high is None else round_to(x.high, n, mode)
        return T.number(low, high, integer=n == 0 or x.integer)

    def aggregate(self, e: ir.Aggregate, ctx: Ctx) -> T.Ty:
        decls = self.list_input(e.source, e.span, (e.per_field,))
        if decls is None:
            return T.ANY_NUMBER
        inp = self.model.inputs[e.source]
        if inp.groups and not set(ctx.groups) <= set(inp.groups):
            self.err(
                "E201",
                e.span,
                name=e.source,
                hint_en=not_given_hint(inp.groups, ctx.groups, e.source),
                hint_zh=not_given_hint_zh(inp.groups, ctx.groups, e.source),
            )
        ctx.inputs.add(e.source)
        if not ctx.no_reads:
            self.reads.setdefault(e.source, set()).update(ctx.groups)
        fields = {name: self.input_ty(f.type, f.optional) for name, f in decls.items()}
        inner = attrs.evolve(ctx, fields=fields, deps=ctx.deps, inputs=ctx.inputs)
        if e.where is not None:
            self.need_bool(self.infer(e.where, inner), e.where)
        for d in e.drops:
            kt = self.infer(d.key, inner)
            if kt.kind not in ("number", "enum") or kt.optional:
                self.type_error(
                    d.key.span,
                    "`drop … by` needs a number or an enum",
                    detail_zh="`剔除 … 按` 须按数值或枚举排序",
                )
        # the requirements may bound how many records every unit's list has
        records = ctx.block.known.get(count_key(e), T.number(Q(0), None, integer=True))
        if e.per_field is not None:
            records = T.number(Q(0), None, integer=True)
        if e.kind == "count":
            return records if not e.drops else T.number(Q(0), None, integer=True)
        assert e.value is not None
        vt = self.need_number(self.infer(e.value, inner), e.value, ctx)
        # the highest, lowest or mean of no record is absent: of one at least, it is present
        fewest = records.low if records.low is not None else Q(0)
        some = fewest - sum(d.count for d in e.drops) >= 1
        if e.kind == "sum":
            if vt.low is not None and vt.low >= 0:
                return T.number(Q(0), None, vt.integer)
            if vt.high is not None and vt.high <= 0:
                return T.number(None, Q(0), vt.integer)
            return T.ANY_NUMBER
        return T.number(vt.low, vt.high).maybe(not some)

    def weighted(self, e: ir.Weighted, ctx: Ctx) -> T.Ty:
        total = Q(0)
        lows: list[Q | None] = []
        highs: list[Q | None] = []
        for part in e.parts:
            ref = ir.Ref((part.name,), span=part.span)
            t = self._infer(ref, ctx)
            # the synthetic ref is kept so the emitter reads the same resolution
            self.model.refs[(id(part), ctx.block.index)] = self.model.refs.get(
                (id(ref), ctx.block.index), Res("input", part.name)
            )
            if isinstance(t, _Unresolved):
                self.unknown(ref, ctx)
                continue
            self.record(part, ctx, t)
            if t.optional and not e.redistribute:
                self.absent(part.span, part.name, t)
            if t.kind != "number":
                self.type_error(
                    part.span,
                    f"{part.name} is {t}, a number is needed here",
                    detail_zh=f"{part.name} 的类型是{t.zh},此处需要数值",
                )
            lows.append(t.low)
            highs.append(t.high)
            w = self.const_of(part.weight, ctx)
            if w is None:
                self.type_error(
                    part.weight.span, "a weight must be a constant", detail_zh="权重须是常数"
                )
            else:
                total += w
        if total != 1:
            self.err("E405", e.span, total=f"{T._fmt(total * 100)}%")
        low = (
            None
            if not lows or any(x is None for x in lows)
            else min(x for x in lows if x is not None)
        )
        high = (
            None
            if not highs or any(x is None for x in highs)
            else max(x for x in highs if x is not None)
        )
        return T.number(low, high)

    def cohort(
        self,
        e: ir.Best | ir.GroupLowest | ir.GroupMean | ir.GroupCount | ir.Rank | ir.Distribute,
        ctx: Ctx,
    ) -> T.Ty:
        # (a data requirement reading the group is told so by `check_condition`, in or out
        # of `across group:`: not that it belongs in the block it may already stand in)
        if ctx.stage not in ("group", "cross") and ctx.owner != "require":
            word = {
                ir.Best: "best",
                ir.GroupLowest: "group lowest",
                ir.GroupMean: "group mean",
                ir.GroupCount: "group count",
                ir.Rank: "rank by",
                ir.Distribute: "distribute",
            }[type(e)]
            if isinstance(e, ir.GroupMean) and e.others:
                word = "peer mean"
            self.type_error(
                e.span,
                f"`{word}` reads other units of the group: it belongs in an `across group:` block",
                "move this value into `across group:`",
                "请把此值移入 `组内:` 块",
                f"`{word}` 要读取同组其他单位:须写在 `组内:` 块中",
            )
        if isinstance(e, ir.Best | ir.GroupLowest):
            # over the units that have the value (未报送的不参与最佳值、最差值的确定); absent
            # when none has it, as a group mean is
            t = self.infer(e.operand, ctx)
            return self.need_number(t.required(), e.operand, ctx).maybe(t.optional)
        if isinstance(e, ir.GroupCount):
            # the unit itself is one of its group's units; a condition may leave none
            if e.where is None:
                return T.number(Q(1), None, integer=True)
            self.need_bool(self.infer(e.where, ctx), e.where)
            return T.number(Q(0), None, integer=True)
        if isinstance(e, ir.GroupMean):
            mean_parts(self, e, ctx)
            t = self.infer(e.operand, ctx)
            if t.kind != "number":
                self.type_error(
                    e.operand.span,
                    f"{e.operand} is {t}, a number is needed here",
                    detail_zh=f"{e.operand} 的类型是{t.zh},此处需要数值",
                )
                return T.ANY_NUMBER
            return T.number(t.low, t.high).maybe(True)
        if isinstance(e, ir.Rank):
            for k in e.keys:
                kt = self.infer(k, ctx)
                if kt.optional:
                    self.absent(k.span, str(k), kt)
                if kt.kind not in ("number", "enum"):
                    self.type_error(
                        k.span,
                        "`rank by` needs numbers (or enums, best value first)",
                        detail_zh="`排名 按` 须按数值(或枚举,首个取值最好)",
                    )
            return T.number(Q(1), None, integer=True)
        self.need_number(self.infer(e.operand, ctx), e.operand, ctx)
        if e.mode is None:
            self.err("E413", e.span)
        return self.check_shares(e.shares, e.span, None)

    def last_year(self, e: ir.LastYear, ctx: Ctx) -> T.Ty:
        inner = attrs.evolve(
            ctx, deps=set(), inputs=set(), no_deps=True, gradings=frozenset(self.model.gradings)
        )
        op = e.operand
        if not isinstance(op, ir.Ref | ir.TotalRef):
            self.type_error(
                e.span,
                "`last year` reads a total, a value, a grade or a fact by name",
                detail_zh="`上年` 读取总分、某项得分、等次或某项事实",
            )
            return T.ANY_NUMBER.maybe()
        t = self._infer(op, inner)
        if isinstance(t, _Unresolved):
            assert isinstance(op, ir.Ref)
            self.unknown(op, ctx)
            return T.ANY_NUMBER.maybe()
        self.record(op, inner, t)
        res = self.model.refs.get((id(op), ctx.block.index))
        if res is not None and (res.kind not in ("value", "grade", "input") or t.kind == "list"):
            self.type_error(
                e.span,
                "`last year` reads last year's results: a total, a value, a grade or a fact",
                detail_zh="`上年` 读取上年结果:总分、某项得分、等次或某项事实",
            )
        return t.maybe(True)

    def band(self, e: ir.Band, ctx: Ctx) -> T.Ty:
        t = self.need_number(self.infer(e.operand, ctx), e.operand, ctx)
        enum = self.enum_containing([r.value for r in e.rows], e.span)
        rows = sorted(e.rows, key=lambda r: (r.low is not None, r.low or 0))
        for a, b in itertools.pairwise(rows):
            if (
                a.high is None
                or b.low is None
                or a.high > b.low
                or (a.high == b.low and a.high_closed and b.low_closed)
            ):
                self.err(
                    "E406",
                    b.span,
                    what="bands",
                    what_zh="分段",
                    detail=f"overlap at {_bound(b.low)}",
                    detail_zh=f"在 {_bound(b.low)} 处重叠",
                )
            elif a.high < b.low or (not a.high_closed and not b.low_closed):
                self.err(
                    "E406",
                    b.span,
                    what="bands",
                    what_zh="分段",
                    detail=f"leave a gap between {_bound(a.high)} and {_bound(b.low)}",
                    detail_zh=f"在 {_bound(a.high)} 与 {_bound(b.low)} 之间有空档",
                )
        if rows:
            first, last = rows[0], rows[-1]
            at_open_low = t.low == first.low and not first.low_closed
            if first.low is not None and (
                t.low is None
                or t.low < first.low
                # (0, …] covers a value never 0 whose bound is 0 (位次百分比: above 0)
                or (at_open_low and not (t.nonzero and t.low == 0))
            ):
                self.err(
                    "E406",
                    first.span,
                    what="bands",
                    what_zh="分段",
                    detail=f"do not cover values {'' if first.low_closed else 'at or '}below "
                    f"{_bound(first.low)}: {e.operand} lies in {t.range_text}",
                    detail_zh=f"未覆盖 {_bound(first.low)} {'' if first.low_closed else '及'}以下的值"
                    f":{e.operand} 的取值范围是 {t.range_text}",
                )
            if last.high is not None and (
                t.high is None
                or t.high > last.high
                or (t.high == last.high and not last.high_closed)
            ):
                self.err(
                    "E406",
                    last.span,
                    what="bands",
                    what_zh="分段",
                    detail=f"do not cover values {'' if last.high_closed else 'at or '}above "
                    f"{_bound(last.high)}: "
                    f"{e.operand} lies in {t.range_text}",
                    detail_zh=f"未覆盖 {_bound(last.high)} {'' if last.high_closed else '及'}以上的值"
                    f":{e.operand} 的取值范围是 {t.range_text}",
                )
        return T.Ty("enum", enum=enum)


def _bound(x: Q | None) -> str:
    return "∞" if x is None else show(x)
