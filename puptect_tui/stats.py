"""Statistics of the stream, kept as events arrive.

The seed printed pandas' ``describe()`` every 15 events, which recounts every
event each time. Here each event updates a few counters once, so a refresh costs
only the columns, however long the stream has run.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from puptect_tui.events import Event

COLUMNS = ("userid", "event_type", "status_code", "ip", "useragent", "listed")
"""The seed's columns, with ``listed`` for its ``blacklisted``."""

RATE_SECONDS = 60
"""How many seconds of event time the rate series keep."""


@dataclass(slots=True, frozen=True)
class ColumnSummary:
    """One column of the describe table: how many, how varied, the most common."""

    column: str
    count: int
    unique: int
    top: str
    freq: int
    unique_capped: bool = False
    """True once the column has more distinct values than are tracked."""

    @property
    def unique_text(self) -> str:
        return f"{self.unique}+" if self.unique_capped else str(self.unique)


class _Column:
    """Counts per value, with the leader tracked so ``top`` costs nothing.

    Ties go to the value seen first, as pandas' ``describe()`` breaks them.
    """

    __slots__ = ("capped", "count", "counts", "first_seen", "limit", "top", "top_count")

    def __init__(self, limit: int):
        self.counts: dict[str, int] = {}
        self.first_seen: dict[str, int] = {}
        self.limit = limit
        self.count = 0
        self.top = ""
        self.top_count = 0
        self.capped = False

    def add(self, value: str) -> None:
        self.count += 1
        counts = self.counts
        seen = counts.get(value)
        if seen is None:
            if len(counts) >= self.limit:
                self.capped = True
                return
            self.first_seen[value] = len(counts)
            seen = 0
        seen += 1
        counts[value] = seen
        if seen > self.top_count or (
            seen == self.top_count
            and self.first_seen[value] < self.first_seen[self.top]
        ):
            self.top, self.top_count = value, seen


class StreamStats:
    """Counts per column and events and failures per second of event time.

    Distinct values are tracked up to ``max_distinct`` per column so memory stays
    flat on an endless stream; past that, counts go on and ``unique`` is shown as
    a lower bound.
    """

    def __init__(self, max_distinct: int = 200_000):
        self.columns = {name: _Column(max_distinct) for name in COLUMNS}
        self.events = 0
        self.failures = 0
        self._seconds: deque[list[int]] = deque(maxlen=RATE_SECONDS)

    def add(self, event: Event) -> None:
        """Count one event; O(1)."""
        self.events += 1
        columns = self.columns
        columns["userid"].add(event.userid)
        columns["event_type"].add(event.event_type)
        columns["status_code"].add(
            "" if event.status_code is None else str(event.status_code)
        )
        columns["ip"].add(event.ip)
        columns["useragent"].add(event.useragent)
        columns["listed"].add(_listed_word(event))
        if event.success is False:
            self.failures += 1
        self._count_second(int(event.time), event.success is False)

    def _count_second(self, second: int, failed: bool) -> None:
        seconds = self._seconds
        last = seconds[-1][0] if seconds else None
        if last is None or second > last + RATE_SECONDS:
            seconds.clear()
        elif second < last:
            bucket = _bucket_for(seconds, second)
            if bucket is not None:
                bucket[1] += 1
                bucket[2] += failed
            return
        elif second > last:
            for quiet in range(last + 1, second):
                seconds.append([quiet, 0, 0])
        if not seconds or seconds[-1][0] != second:
            seconds.append([second, 0, 0])
        bucket = seconds[-1]
        bucket[1] += 1
        bucket[2] += failed

    def describe(self) -> list[ColumnSummary]:
        """The seed's count / unique / top / freq table, one row per column."""
        return [
            ColumnSummary(
                name,
                column.count,
                len(column.counts),
                column.top,
                column.top_count,
                column.capped,
            )
            for name, column in self.columns.items()
        ]

    def top(self, column: str, n: int = 5) -> list[tuple[str, int]]:
        """The ``n`` most common values of a column, most common first."""
        counts = self.columns[column].counts
        return heapq.nlargest(n, counts.items(), key=lambda item: item[1])

    @property
    def event_rate(self) -> list[int]:
        """Events per second over the last minute of event time."""
        return [bucket[1] for bucket in self._seconds]

    @property
    def failure_rate(self) -> list[int]:
        """Failed logins per second over the last minute of event time."""
        return [bucket[2] for bucket in self._seconds]


def _listed_word(event: Event) -> str:
    reputation = event.reputation
    if reputation is None or reputation.pending:
        return "unchecked" if reputation is None else "pending"
    return "True" if reputation.listed else "False"


def _bucket_for(seconds: deque[list[int]], second: int) -> list[int] | None:
    """A slightly late event joins its own second if that is still kept."""
    for bucket in reversed(seconds):
        if bucket[0] == second:
            return bucket
        if bucket[0] < second:
            return None
    return None


def format_describe(rows: list[ColumnSummary], width: int = 44) -> str:
    """The table as plain text, laid out like the seed's pandas output."""
    headers = ["", *(row.column for row in rows)]
    cells = {
        "count": [str(row.count) for row in rows],
        "unique": [row.unique_text for row in rows],
        "top": [_clip(row.top, width) for row in rows],
        "freq": [str(row.freq) for row in rows],
    }
    widths = [max(len(label) for label in cells)] + [
        max(len(headers[i + 1]), *(len(cells[label][i]) for label in cells))
        for i in range(len(rows))
    ]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    for label, values in cells.items():
        row = [label, *values]
        lines.append("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
