"""Time windows and bounded maps: the state that keeps memory flat.

Every structure here costs O(1) amortised per event and holds a fixed most, so a
run over millions of logins and thousands of users keeps the same footprint.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class Tally:
    """Counts of keys seen in the last ``span`` seconds of event time.

    Old entries leave from the front as time moves on; beyond ``limit`` entries
    the oldest leave too, so a flood is summarised by its latest part.

    Times and keys sit in two plain lists read from ``head`` on, not in a
    deque of pairs: there is a Tally for every user, address and crowd, an
    empty deque takes 760 bytes against a list's 56, and a pair costs a tuple
    per entry. The lists are cut when most of them lies behind ``head``.
    """

    __slots__ = ("counts", "head", "keys", "limit", "span", "times")

    def __init__(self, span: float, limit: int = 512) -> None:
        self.span = span
        self.limit = limit
        self.times: list[float] = []
        self.keys: list[Hashable] = []
        self.head = 0
        """Index of the oldest entry still counted."""
        self.counts: dict[Hashable, int] = {}

    def add(self, time: float, key: Hashable) -> None:
        times = self.times
        times.append(time)
        self.keys.append(key)
        counts = self.counts
        counts[key] = counts.get(key, 0) + 1
        if len(times) - self.head > self.limit:
            self._forget(self.head + 1)
        if times[self.head] < time - self.span:
            self.expire(time)

    def expire(self, now: float) -> None:
        """Forget entries older than the window as of ``now``."""
        times = self.times
        horizon = now - self.span
        head = self.head
        end = len(times)
        while head < end and times[head] < horizon:
            head += 1
        if head != self.head:
            self._forget(head)

    def _forget(self, until: int) -> None:
        """Uncount the entries before index ``until``, then cut the lists."""
        counts = self.counts
        keys = self.keys
        for index in range(self.head, until):
            key = keys[index]
            left = counts[key] - 1
            if left:
                counts[key] = left
            else:
                del counts[key]

        times = self.times
        if until == len(times):
            times.clear()
            keys.clear()
            until = 0
        elif until >= 64 and until * 2 >= len(times):
            del times[:until]
            del keys[:until]
            until = 0
        self.head = until

    @property
    def total(self) -> int:
        return len(self.times) - self.head

    @property
    def distinct(self) -> int:
        return len(self.counts)

    @property
    def since(self) -> float:
        """Event time of the oldest entry still in the window."""
        return self.times[self.head] if self.counts else 0.0

    @property
    def spread(self) -> float:
        """Seconds between the oldest and the newest entry in the window."""
        times = self.times
        return times[-1] - times[self.head] if self.counts else 0.0

    def count(self, key: Hashable) -> int:
        return self.counts.get(key, 0)

    def top(self) -> tuple[Hashable, int]:
        """The most frequent key and its count (linear in the distinct keys)."""
        return max(self.counts.items(), key=lambda item: item[1])


class Recent(Generic[Key, Value]):
    """A dict that forgets its least recently used entries beyond ``limit``.

    ``get_or_make`` marks an entry as used; dict order then runs from the
    longest idle to the latest, so eviction is a pop from the front.
    """

    __slots__ = ("items", "limit", "make")

    def __init__(self, limit: int, make: Callable[[], Value]) -> None:
        self.limit = limit
        self.make = make
        self.items: dict[Key, Value] = {}

    def get_or_make(self, key: Key) -> Value:
        items = self.items
        value = items.pop(key, None)
        if value is None:
            value = self.make()
            if len(items) >= self.limit:
                del items[next(iter(items))]
        items[key] = value
        return value

    def make_if_missing(self, key: Key) -> Value:
        """Like ``get_or_make`` without marking use: the oldest made goes first.

        Half the cost, for maps where an entry's age matters more than its use.
        """
        items = self.items
        value = items.get(key)
        if value is None:
            if len(items) >= self.limit:
                del items[next(iter(items))]
            value = items[key] = self.make()
        return value

    def get(self, key: Key) -> Value | None:
        """Look without marking the entry as used."""
        return self.items.get(key)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Key]:
        return iter(self.items)


class Seen(Generic[Key]):
    """The distinct values one user has shown, the most recent ``limit`` of them."""

    __slots__ = ("limit", "values")

    def __init__(self, limit: int = 16) -> None:
        self.limit = limit
        self.values: dict[Key, int] = {}

    def add(self, value: Key) -> bool:
        """Count ``value``; true when it was not among the kept values."""
        values = self.values
        if value in values:
            values[value] += 1
            return False
        if len(values) >= self.limit:
            self._make_room()
        values[value] = 1
        return True

    def _make_room(self) -> None:
        """Drop the oldest value, unless used again: that one waits a turn.

        A value passed over has its count halved, so a habit from long ago
        gives way in the end; a few turns at most keep this O(1).
        """
        values = self.values
        for _ in range(4):
            oldest = next(iter(values))
            count = values.pop(oldest)
            if count <= 1:
                return
            values[oldest] = count // 2
        del values[next(iter(values))]

    def __contains__(self, value: object) -> bool:
        return value in self.values

    def __len__(self) -> int:
        return len(self.values)


class Buckets:
    """A count of events in the last ``span`` seconds, in a ring of time slices.

    Cheaper than a :class:`Tally` when only the number matters: one index and
    one increment per event; the count is exact to within one slice.
    """

    __slots__ = ("counts", "size", "slices", "width")

    def __init__(self, span: float, slices: int = 12) -> None:
        self.width = span / slices
        self.size = slices
        self.counts = [0] * slices
        self.slices = [-1] * slices

    def add(self, time: float) -> None:
        index = int(time // self.width)
        slot = index % self.size
        counts = self.counts
        slices = self.slices
        if slices[slot] != index:
            slices[slot] = index
            counts[slot] = 1
        else:
            counts[slot] += 1

    def total(self, now: float) -> int:
        newest = int(now // self.width)
        oldest = newest - len(self.counts)
        return sum(
            count
            for index, count in zip(self.slices, self.counts, strict=True)
            if oldest < index <= newest
        )
