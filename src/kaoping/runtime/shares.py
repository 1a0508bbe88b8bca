"""How many units (or records) each band of a forced distribution may hold.

A document that gives shares (20%, 60%, 20%) and a rounding rule fixes one split: band i ends at
round(cumulative share × n). A document that gives the shares alone leaves the split to the
raters, so every split whose band counts are the floor or the ceiling of share × n, adding up to
n, is allowed: kaoping adds no rounding the document does not state.

The allowed splits are never listed one by one (forty bands could make billions of them): a
split is the floors plus one unit for `spare` of the bands whose share × n is not whole, so the
questions asked of them are answered band by band."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from kaoping.exact import Mode, ceil, floor
from kaoping.runtime.numbers import ZERO, Q, round_count


def band_counts(n: int, shares: Sequence[Q], mode: Mode) -> list[int]:
    """The one split a declared rounding gives: rounded cumulative shares, so the counts add up
    to n."""
    bounds, cum = [], ZERO
    for s in shares:
        cum += s
        bounds.append(min(n, round_count(cum * n, mode)))
    bounds[-1] = n
    counts, prev = [], 0
    for b in bounds:
        counts.append(max(0, b - prev))
        prev = max(prev, b)
    return counts


@attrs.frozen
class Splits:
    """The splits of n the document allows: band i holds `low[i]` or `low[i] + 1` (when
    `open[i]`), and exactly `spare` open bands hold the extra unit."""

    n: int
    low: tuple[int, ...]
    open: tuple[bool, ...]
    spare: int

    @classmethod
    def of(cls, n: int, shares: Sequence[Q], mode: Mode | None) -> Splits:
        """The declared rounding's one split, or (no rounding) floors and ceilings."""
        if mode is not None:
            counts = tuple(band_counts(n, shares, mode))
            return cls(n, counts, (False,) * len(counts), 0)
        low = tuple(floor(s * n) for s in shares)
        opened = tuple(ceil(s * n) != f for s, f in zip(shares, low, strict=True))
        # the shares add up to 1 (the checker sees to it), so 0 ≤ spare ≤ the open bands
        return cls(n, low, opened, n - sum(low))

    @property
    def one(self) -> bool:
        return self.spare == 0 or self.spare == sum(self.open)

    def high(self, band: int) -> int:
        return self.low[band] + (1 if self.open[band] else 0)

    def holds(self, counts: Sequence[int]) -> bool:
        """Whether `counts` is one of the allowed splits."""
        extra = 0
        for band, c in enumerate(counts):
            if c == self.low[band] + 1 and self.open[band]:
                extra += 1
            elif c != self.low[band]:
                return False
        return extra == self.spare

    def can_grow_into(self, counts: Sequence[int]) -> bool:
        """Whether counts from part of the roster can still grow into an allowed split."""
        if any(c > self.high(band) for band, c in enumerate(counts)):
            return False
        return sum(1 for band, c in enumerate(counts) if c > self.low[band]) <= self.spare

    def describe(self, labels: Sequence[str]) -> str:
        """`优 1, 良 3, 合格 1`, or with a choice left to the raters `优 1 or 2, 良 4 or 5,
        合格 1 or 2, adding up to 7`."""
        parts = []
        for band, label in enumerate(labels):
            if self.open[band] and not self.one:
                parts.append(f"{label} {self.low[band]} or {self.high(band)}")
            else:
                fixed = self.high(band) if self.open[band] and self.spare else self.low[band]
                parts.append(f"{label} {fixed}")
        text = ", ".join(parts)
        return text if self.one else f"{text}, adding up to {self.n}"

    def bands_at(self, position: int, placed: Iterable[tuple[int, int]] = ()) -> list[int]:
        """The bands (0-based) the unit at `position` (1 = first) can be in, under the allowed
        splits that put each (place, band) of `placed` in its band; [] when none does."""
        reach = self._reachable(placed)
        if reach is None:
            return []
        forward, backward = reach
        found = []
        for band in range(len(self.low)):
            # band holds `position` when the end of the bands before it is < position ≤ its end
            before = _meet(forward[band], (0, position - 1 - self._cum(band)))
            after = _meet(backward[band + 1], (position - self._cum(band + 1), self.spare))
            steps = (0, 1) if self.open[band] else (0,)
            if before and after and any(_meet(before, _shift(after, -d)) for d in steps):
                found.append(band)
        return found

    def fits(self, placed: Iterable[tuple[int, int]]) -> bool:
        """Whether one allowed split puts each (place, band) of `placed` in its band."""
        return self._reachable(placed) is not None

    # A split is a path: x[j] extra units among the first j bands, rising by 0 or 1 at an
    # open band, from x[0] = 0 to x[k] = spare; the first j bands end at cum(j) + x[j]. The
    # places put bounds on x[j]; the x[j] on some path from start to end form an interval.
    def _cum(self, j: int) -> int:
        return sum(self.low[:j])

    def _reachable(
        self, placed: Iterable[tuple[int, int]]
    ) -> tuple[list[tuple[int, int] | None], list[tuple[int, int] | None]] | None:
        k = len(self.low)
        bounds: list[tuple[int, int]] = [(0, self.spare)] * (k + 1)
        for position, band in placed:
            # the bands before `band` end before the place, `band` itself ends at or after it
            bounds[band] = _meet(bounds[band], (0, position - 1 - self._cum(band))) or (1, 0)
            bounds[band + 1] = _meet(
                bounds[band + 1], (position - self._cum(band + 1), self.spare)
            ) or (1, 0)
        forward: list[tuple[int, int] | None] = [_meet((0, 0), bounds[0])]
        for j in range(1, k + 1):
            prev = forward[-1]
            grown = None if prev is None else (prev[0], prev[1] + (1 if self.open[j - 1] else 0))
            forward.append(_meet(grown, bounds[j]))
        backward: list[tuple[int, int] | None] = [None] * (k + 1)
        backward[k] = _meet((self.spare, self.spare), bounds[k])
        for j in range(k - 1, -1, -1):
            nxt = backward[j + 1]
            shrunk = None if nxt is None else (nxt[0] - (1 if self.open[j] else 0), nxt[1])
            backward[j] = _meet(shrunk, bounds[j])
        if forward[k] is None or _meet(forward[k], backward[k]) is None:
            return None
        return forward, backward


def _meet(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    """The intersection of two closed integer intervals, None when empty."""
    if a is None or b is None:
        return None
    low, high = max(a[0], b[0]), min(a[1], b[1])
    return (low, high) if low <= high else None


def _shift(a: tuple[int, int] | None, by: int) -> tuple[int, int] | None:
    return None if a is None else (a[0] + by, a[1] + by)


def counted(labels: Sequence[str], counts: Sequence[int]) -> str:
    return ", ".join(f"{label} {c}" for label, c in zip(labels, counts, strict=True))
