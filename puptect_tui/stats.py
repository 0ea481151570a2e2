"""Statistics of the stream, kept as events arrive.

The seed printed pandas' ``describe()`` every 15 events, which recounts every
event each time. Here each event updates a few counters once, so a refresh costs
only the columns, however long the stream has run.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from puptect_tui.events import Event

COLUMNS = ("userid", "event_type", "status_code", "ip", "useragent", "listed")
"""The seed's columns, with ``listed`` for its ``blacklisted``."""

RATE_SECONDS = 60
"""How many seconds of event time the rate series keep."""

BATCH = 512
"""Events held before they are counted; a read counts them at once."""


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
    Values arrive in batches: counting a batch is one C loop (``Counter``),
    and only values in the batch can have overtaken the leader.
    """

    __slots__ = ("capped", "count", "counts", "first_seen", "limit", "top", "top_count")

    def __init__(self, limit: int):
        self.counts: Counter[str] = Counter()
        self.first_seen: dict[str, int] = {}
        self.limit = limit
        self.count = 0
        self.top = ""
        self.top_count = 0
        self.capped = False

    def add(self, value: str) -> None:
        self.add_all([value])

    def add_all(self, values: list[str]) -> None:
        """Count the values in order; past ``limit`` distinct, new ones only count."""
        self.count += len(values)
        counts = self.counts
        before = len(counts)
        if before + len(values) > self.limit:
            for value in values:
                self._count_one(value)
        else:
            counts.update(values)
            first_seen = self.first_seen
            for order, value in enumerate(islice(counts, before, None), before):
                first_seen[value] = order  # a Counter keeps first-seen order
        self._find_top(set(values))

    def _count_one(self, value: str) -> None:
        counts = self.counts
        if value in counts:
            counts[value] += 1
        elif len(counts) >= self.limit:
            self.capped = True
        else:
            self.first_seen[value] = len(counts)
            counts[value] = 1

    def _find_top(self, changed: set[str]) -> None:
        counts, first_seen = self.counts, self.first_seen
        top, top_count = self.top, self.top_count
        for value in changed:
            seen = counts.get(value)
            if seen is None:
                continue  # not tracked: the column is capped
            if seen > top_count or (
                seen == top_count and first_seen[value] < first_seen[top]
            ):
                top, top_count = value, seen
        self.top, self.top_count = top, top_count


class StreamStats:
    """Counts per column and events and failures per second of event time.

    Distinct values are tracked up to ``max_distinct`` per column so memory stays
    flat on an endless stream; past that, counts go on and ``unique`` is shown as
    a lower bound. Events are counted in batches of up to :data:`BATCH`, at the
    latest when a figure is read, so the per-event cost is one list append.
    """

    def __init__(self, max_distinct: int = 200_000):
        self.columns = {name: _Column(max_distinct) for name in COLUMNS}
        self.events = 0
        self._failures = 0
        self._seconds: deque[list[int]] = deque()
        """[second, events, failures] of the seconds that had events, in order."""
        self._run_start = 0
        """The first second of the current series (a long pause restarts it)."""
        self._waiting: list[Event] = []
        self._listed: list[str] = []
        """The ``listed`` word of each waiting event, as it stood when added."""

    def add(self, event: Event) -> None:
        """Count one event; O(1)."""
        self.events += 1
        reputation = event.reputation
        if reputation is None:
            self._listed.append("unchecked")
        elif reputation.pending:
            self._listed.append("pending")
        else:
            self._listed.append("True" if reputation.listed else "False")
        waiting = self._waiting
        waiting.append(event)
        if len(waiting) >= BATCH:
            self._count_waiting()

    @property
    def failures(self) -> int:
        self._count_waiting()
        return self._failures

    def _count_waiting(self) -> None:
        events = self._waiting
        if not events:
            return
        listed = self._listed
        self._waiting, self._listed = [], []

        columns = self.columns
        columns["userid"].add_all([event.userid for event in events])
        columns["event_type"].add_all([event.event_type for event in events])
        columns["status_code"].add_all(
            [_status_word(event.status_code) for event in events]
        )
        columns["ip"].add_all([event.ip for event in events])
        columns["useragent"].add_all([event.useragent for event in events])
        columns["listed"].add_all(listed)

        count_second = self._count_second
        for event in events:
            failed = event.success is False
            self._failures += failed
            count_second(int(event.time), failed)

    def _count_second(self, second: int, failed: bool) -> None:
        """Count into the second's bucket; quiet seconds get none.

        A sparse stream (a login every few seconds) would otherwise append up
        to a minute of empty buckets per login; the readers fill the gaps.
        """
        seconds = self._seconds
        if not seconds:
            self._run_start = second
            seconds.append([second, 1, int(failed)])
            return
        newest = seconds[-1]
        last = newest[0]
        if second == last:
            newest[1] += 1
            newest[2] += failed
        elif second > last:
            if second > last + RATE_SECONDS:  # a long pause starts a new series
                seconds.clear()
                self._run_start = second
            horizon = second - RATE_SECONDS
            while seconds and seconds[0][0] <= horizon:
                seconds.popleft()
            seconds.append([second, 1, int(failed)])
        else:
            self._count_late(second, failed)

    def _count_late(self, second: int, failed: bool) -> None:
        """A slightly late event joins its own second if that is still shown."""
        seconds = self._seconds
        if second < max(self._run_start, seconds[-1][0] - RATE_SECONDS + 1):
            return
        index = len(seconds)
        while index and seconds[index - 1][0] > second:
            index -= 1
        if index and seconds[index - 1][0] == second:
            seconds[index - 1][1] += 1
            seconds[index - 1][2] += failed
        else:
            seconds.insert(index, [second, 1, int(failed)])

    def _series(self, column: int) -> list[int]:
        """One count per second from the start of the shown minute to its end."""
        self._count_waiting()
        seconds = self._seconds
        if not seconds:
            return []
        last = seconds[-1][0]
        start = max(self._run_start, last - RATE_SECONDS + 1)
        values = [0] * (last - start + 1)
        for bucket in seconds:
            if bucket[0] >= start:
                values[bucket[0] - start] = bucket[column]
        return values

    def describe(self) -> list[ColumnSummary]:
        """The seed's count / unique / top / freq table, one row per column."""
        self._count_waiting()
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
        self._count_waiting()
        counts = self.columns[column].counts
        return heapq.nlargest(n, counts.items(), key=lambda item: item[1])

    @property
    def event_rate(self) -> list[int]:
        """Events per second over the last minute of event time."""
        return self._series(1)

    @property
    def failure_rate(self) -> list[int]:
        """Failed logins per second over the last minute of event time."""
        return self._series(2)


_STATUS_WORDS: dict[int | None, str] = {
    None: "",
    **{code: str(code) for code in range(100, 600)},
}


def _status_word(code: int | None) -> str:
    word = _STATUS_WORDS.get(code)
    return word if word is not None else str(code)


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
