"""Where login lines come from: a file, a growing file, or standard input.

:func:`open_source` reads lines the way ``tail -F`` follows a log, and
:class:`Pacer` releases events at the pace they were recorded, so a replayed
export plays out like the morning it happened.

Reading is the ingest hot path: lines are split out of large binary chunks
rather than read one by one, and a runaway line is skipped to its end without
ever being held whole.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from pathlib import Path
from typing import BinaryIO

from puptect_tui.events import MAX_LINE_BYTES, Line
from puptect_tui.wire import SourceError

log = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
"""How much one read takes; memory per source stays near a line limit plus this."""

OVERSIZED_EXCERPT = 256
"""How much of an oversized line is kept, so the analyst can see what it was."""

PACE_SLICE = 0.25
"""The longest single sleep of the pacer, so a stop request is heard promptly."""

_LONGEST_PENDING = MAX_LINE_BYTES + 1
"""A partial line may hold one byte more than the limit: a \\r before its \\n."""

_TAIL_BYTES = 64
"""Bytes remembered before our position, to notice a file rewritten in place."""

Clock = Callable[[], float]


def check_source(source: str | Path) -> None:
    """Raise :class:`SourceError` unless ``source`` can be opened for reading.

    For a command line that must exit with status 2 before it sets anything
    else up; standard input (``"-"``) is always there.
    """
    if str(source) != "-":
        _open(Path(source)).close()


def open_source(
    source: str | Path,
    *,
    follow: bool = False,
    stop: threading.Event | None = None,
    poll_interval: float = 0.25,
    clock: Clock = time.time,
) -> Iterator[Line]:
    """Open ``source`` now and return an iterator over its lines.

    ``source`` is a path, or ``"-"`` for standard input. Opening happens before
    this returns, so a missing file, a directory or a permission problem raises
    :class:`SourceError` here and never halfway through a stream.

    Lines come numbered from 1 in stream order; blank lines are counted but not
    yielded. With ``follow`` the iterator keeps waiting for appended lines,
    survives truncation and rotation, and ends within ``poll_interval`` of
    ``stop`` being set. Standard input is read to its end either way.
    """
    splitter = LineSplitter()
    if str(source) == "-":
        stream = sys.stdin.buffer
        read = getattr(stream, "read1", stream.read)
        return _read_stream(read, splitter, stop, clock)

    path = Path(source)
    file = _open(path)
    if not follow:
        return _read_file(file, splitter, stop, clock)
    return _follow_file(path, file, splitter, stop, poll_interval, clock)


read_lines = open_source
"""The same function under the name that says what it yields."""


class LineSplitter:
    """Cuts chunks of bytes into numbered lines, whatever the chunk boundaries.

    A line longer than :data:`~puptect_tui.events.MAX_LINE_BYTES` is yielded
    once as an oversized :class:`Line` holding only its start; the rest of it
    is skipped up to its newline as it arrives, never collected.
    """

    def __init__(self) -> None:
        self.number = 0
        """The number of the last line counted, blank ones included."""
        self._pending = b""
        self._skipping = False

    def feed(self, chunk: bytes, read_at: float) -> Iterable[Line]:
        """The lines that ``chunk`` completes, in order."""
        if self._skipping:
            end = chunk.find(b"\n")
            if end < 0:
                return ()
            self._skipping = False
            chunk = chunk[end + 1 :]

        pieces = chunk.split(b"\n")
        pending = self._pending
        if pending:
            if len(pieces) == 1 and len(pending) + len(chunk) > _LONGEST_PENDING:
                start = pending[:OVERSIZED_EXCERPT] + chunk[:OVERSIZED_EXCERPT]
                return [self._oversized(start, read_at)]
            pieces[0] = pending + pieces[0]
        self._pending = pieces.pop()
        count = len(pieces)
        first = self.number + 1
        self.number += count

        lines: Iterable[Line]
        if not pieces:
            lines = ()
        elif b"\r" in chunk or pieces[0].endswith(b"\r") or _too_long(chunk, pieces):
            lines = _careful_lines(pieces, first, read_at)
        elif min(pieces)[:1] <= b" ":  # the smallest starts blank: some line may be
            lines = [
                Line(number, raw, read_at)
                for number, raw in enumerate(pieces, first)
                if raw and not raw.isspace()
            ]
        else:
            lines = map(
                Line, range(first, first + count), pieces, repeat(read_at, count)
            )

        if len(self._pending) > _LONGEST_PENDING:  # only chunks over the limit
            lines = [*lines, self._oversized(self._pending, read_at)]
        return lines

    def _oversized(self, start: bytes, read_at: float) -> Line:
        """Count a line that is too long, keep its start, and skip the rest."""
        self.number += 1
        self._pending = b""
        self._skipping = True
        return Line(self.number, start[:OVERSIZED_EXCERPT], read_at, oversized=True)

    def finish(self, read_at: float) -> list[Line]:
        """The last line when its source ended without a newline."""
        data, self._pending = self._pending, b""
        if self._skipping or not data:
            self._skipping = False
            return []
        self.number += 1
        return _careful_lines([data], self.number, read_at)

    def restart(self) -> None:
        """Drop a partial line: its file was truncated under it."""
        self._pending = b""
        self._skipping = False


def _too_long(chunk: bytes, pieces: list[bytes]) -> bool:
    """Whether a line is over the limit; only the first can be, in a small chunk."""
    if len(chunk) <= MAX_LINE_BYTES:
        return len(pieces[0]) > MAX_LINE_BYTES
    return max(map(len, pieces)) > MAX_LINE_BYTES


def _careful_lines(pieces: list[bytes], first: int, read_at: float) -> list[Line]:
    """The slow path: carriage returns and oversized lines, one by one."""
    lines = []
    for number, raw in enumerate(pieces, first):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if len(raw) > MAX_LINE_BYTES:
            excerpt = raw[:OVERSIZED_EXCERPT]
            lines.append(Line(number, excerpt, read_at, oversized=True))
        elif raw and not raw.isspace():
            lines.append(Line(number, raw, read_at))
    return lines


def _open(path: Path) -> BinaryIO:
    try:
        file = open(path, "rb", buffering=0)  # noqa: SIM115 - the reader closes it
    except OSError as error:
        raise SourceError(f"cannot read {path}: {_reason(error)}") from None
    return file


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _read_stream(
    read: Callable[[int], bytes],
    splitter: LineSplitter,
    stop: threading.Event | None,
    clock: Clock,
) -> Iterator[Line]:
    """Read to the end of a stream; a pipe has nothing to follow after that."""
    while stop is None or not stop.is_set():
        chunk = read(CHUNK_BYTES)
        if not chunk:
            yield from splitter.finish(clock())
            return
        yield from splitter.feed(chunk, clock())


def _read_file(
    file: BinaryIO,
    splitter: LineSplitter,
    stop: threading.Event | None,
    clock: Clock,
) -> Iterator[Line]:
    with file:
        yield from _read_stream(file.read, splitter, stop, clock)


def _follow_file(
    path: Path,
    file: BinaryIO,
    splitter: LineSplitter,
    stop: threading.Event | None,
    poll_interval: float,
    clock: Clock,
) -> Iterator[Line]:
    """Read ``path`` like ``tail -F``: appends, truncation and rotation.

    After a rotation the old file is read to its end before the new one is
    opened; lines written to the old file after that moment are not seen.
    """
    watch = _Watch(path, file)
    if not watch.regular:  # a pipe or a device: nothing to poll, read to the end
        yield from _read_file(file, splitter, stop, clock)
        return

    successor: BinaryIO | None = None
    unreadable = False
    try:
        while stop is None or not stop.is_set():
            chunk = watch.read()
            if chunk is None:
                log.info("%s was truncated; reading it again from its start", path)
                watch.restart()
                splitter.restart()
                continue
            if chunk:
                yield from splitter.feed(chunk, clock())
                continue

            if successor is not None:
                yield from splitter.finish(clock())
                watch.file.close()
                watch = _Watch(path, successor)
                successor = None
                log.info("%s was rotated; reading the new file from its start", path)
                continue

            if _pause(stop, poll_interval):
                return
            if watch.replaced():
                successor = _reopen(path, complain=not unreadable)
                unreadable = successor is None
    finally:
        watch.file.close()
        if successor is not None:
            successor.close()


def _pause(stop: threading.Event | None, seconds: float) -> bool:
    """Wait one poll interval; True when asked to stop meanwhile."""
    if stop is None:
        time.sleep(seconds)
        return False
    return stop.wait(seconds)


def _reopen(path: Path, complain: bool) -> BinaryIO | None:
    """The file now at ``path``, or None while it cannot be opened.

    Said once per stretch of failures, not at every poll.
    """
    try:
        return open(path, "rb", buffering=0)
    except OSError as error:
        if complain:
            log.warning("cannot read the new %s yet: %s", path, _reason(error))
        return None


class _Watch:
    """One open file of a followed path, and how to tell that the path moved on.

    Every read also fetches the last bytes already read, in the same call: if
    they changed, the file was truncated or rewritten in place under us, even
    when it is now longer than before.
    """

    def __init__(self, path: Path, file: BinaryIO) -> None:
        self.path = path
        self.file = file
        self.descriptor = file.fileno()
        status = os.fstat(self.descriptor)
        self.identity = (status.st_dev, status.st_ino)
        self.regular = stat.S_ISREG(status.st_mode)
        self.position = 0
        self.tail = b""

    def read(self) -> bytes | None:
        """The next chunk (empty at the end); None when read bytes changed."""
        tail = self.tail
        start = self.position - len(tail)
        data = os.pread(self.descriptor, CHUNK_BYTES + len(tail), start)
        if not tail:
            chunk = data
        elif data.startswith(tail):
            chunk = data[len(tail) :]
        else:
            return None

        self.position += len(chunk)
        if len(chunk) >= _TAIL_BYTES:
            self.tail = chunk[-_TAIL_BYTES:]
        elif chunk:
            self.tail = (tail + chunk)[-_TAIL_BYTES:]
        return chunk

    def restart(self) -> None:
        self.position = 0
        self.tail = b""

    def replaced(self) -> bool:
        """Whether the path now names another file.

        A missing path is no change: the file may be between a rename and the
        creation of its successor, and the writer may still append to it.
        """
        try:
            status = os.stat(self.path)
        except OSError:
            return False
        return (status.st_dev, status.st_ino) != self.identity


class Pacer:
    """Releases events at their recorded pace, scaled by ``speed``.

    The schedule is anchored at one (wall clock, event time) pair, so sleeping
    a little too long on one event never delays the rest: every target is
    ``anchor wall + (event time - anchor event) / speed``. An event we are
    already late for, or whose time goes backwards, is released at once, so
    lines that arrive live are never held back. Speed 0 means no pacing.

    ``max_gap`` caps one recorded gap (in recorded seconds), so an overnight
    hole in an export does not freeze the replay. When the reader falls behind
    (a slow consumer), the events it owes are released together until it has
    caught up with the schedule.
    """

    def __init__(
        self,
        speed: float = 1.0,
        *,
        clock: Clock = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        stop: threading.Event | None = None,
        max_gap: float | None = None,
    ) -> None:
        _check_speed(speed)
        self._speed = speed
        self._clock = clock
        self._sleep = sleep
        self._stop = stop
        self.max_gap = max_gap
        self._latest: float | None = None
        """The latest event time released so far: where the replay stands."""
        self._anchor: tuple[float, float, float] | None = None
        """(wall time, event time, speed), replaced whole so threads agree."""
        self._lock = threading.Lock()

    @property
    def speed(self) -> float:
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        """Change pace from here on; the gaps already waited out stay waited."""
        _check_speed(value)
        with self._lock:
            anchor = self._anchor
            if anchor is None or value == 0:
                self._anchor = None  # re-anchored at the next event
            else:
                now = self._clock()
                wall, recorded, speed = anchor
                position = recorded + (now - wall) * speed
                self._anchor = (now, position, value)
            self._speed = value

    def wait_for(self, event_time: float) -> None:
        """Return when the event recorded at ``event_time`` is due."""
        if self._speed == 0:
            latest = self._latest
            if latest is None or event_time > latest:
                self._latest = event_time
            return

        with self._lock:
            if not self._place(event_time):
                return
        self._wait_until_due(event_time)

    def _place(self, event_time: float) -> bool:
        """Anchor or shift the schedule for this event; False when it is due now."""
        latest = self._latest
        if latest is None:  # the first event: the schedule starts here
            self._latest = event_time
            self._anchor = (self._clock(), event_time, self._speed)
            return False
        if event_time > latest:
            self._latest = event_time
        if self._speed == 0:  # set to 0 since wait_for looked
            return False
        if self._anchor is None:  # pacing resumes from where the replay stands
            self._anchor = (self._clock(), latest, self._speed)

        gap = event_time - latest
        if self.max_gap is not None and gap > self.max_gap:
            wall, recorded, speed = self._anchor
            self._anchor = (wall, recorded + gap - self.max_gap, speed)
        return True

    def _wait_until_due(self, event_time: float) -> None:
        """Sleep in short slices, re-reading the anchor a speed change replaces."""
        stop = self._stop
        while stop is None or not stop.is_set():
            anchor = self._anchor
            if anchor is None:  # speed set to 0 meanwhile
                return
            wall, recorded, speed = anchor
            remaining = wall + (event_time - recorded) / speed - self._clock()
            if remaining <= 1e-9:
                return
            self._sleep(min(remaining, PACE_SLICE))


def _check_speed(speed: float) -> None:
    if not speed >= 0:
        raise ValueError(f"speed must be 0 or more, got {speed!r}")
