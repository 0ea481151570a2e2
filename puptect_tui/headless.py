"""The ``--headless`` front end: alerts as text lines or JSON objects.

Every written line carries its final blocklist verdict, so an event whose DNS
answers are still out waits in a queue; events leave in source order. A dead DNS
server costs one timeout, not one per event, because the checker judges it down.
"""

from __future__ import annotations

import gc
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final, TextIO

import msgspec

from puptect_tui.enrich.reputation import Reputation
from puptect_tui.events import EnrichmentJson, Event, Rejected, escape_control
from puptect_tui.monitor import Monitor, Summary
from puptect_tui.pipeline import UNCHECKED
from puptect_tui.progress import shown_on_terminal
from puptect_tui.settings import Settings
from puptect_tui.stats import format_describe

MAX_WAITING: Final = 5000
"""Events held for DNS answers before reading pauses to let them catch up."""

KEPT_ENCODINGS: Final = 65536
"""Agents and places whose JSON is kept; about the enrichers' own caches."""

WRITE_BYTES: Final = 1 << 16
"""JSON lines are gathered up to this many bytes and written at once."""

_json: Final = msgspec.json.Encoder()


class HeadlessWriter:
    """Writes alerts (or every event) as their verdicts become final."""

    def __init__(self, settings: Settings, out: TextIO):
        self.settings = settings
        self.out = out
        self.monitor = Monitor(_without_risk_view(settings), listener=self)
        self.waiting: deque[Event] = deque()
        self.answered = threading.Condition()
        self.written = 0
        self._since_stats = 0
        self._last_answer = time.monotonic()
        self.interrupted = False
        self._encoded = _Encoded()
        self._all_events = settings.all_events
        self._min_severity = settings.min_severity
        self._jsonl = settings.format == "jsonl"
        self._lines = bytearray()
        """JSON lines encoded but not yet written, up to :data:`WRITE_BYTES`."""
        self._binary = getattr(out, "buffer", None)
        """The byte stream under ``out``, if any: JSON lines skip the text layer."""
        # A live run flushes every line, so a pipe sees alerts as they happen.
        self.live = settings.follow or settings.speed > 0
        self._writing = threading.Lock()
        """Held while lines leave the queue, so two threads never interleave."""

    # Listener: the monitor calls these from its threads.

    def on_event(self, event: Event) -> None:
        """Unused: headless reads the monitor's stream directly."""

    def on_rejected(self, rejected: Rejected) -> None:
        """Unused: rejected lines are reported in the summary."""

    def on_updated(self, event: Event) -> None:
        """A DNS answer landed: wake the reader, and in a live run write now.

        Following a quiet file, the reader may wait minutes for its next line;
        the answered events must not wait with it. The DNS thread writes only
        if no one else is writing, so it never blocks on the reader.
        """
        with self.answered:
            self._last_answer = time.monotonic()
            self.answered.notify_all()
        if self.live and self._writing.acquire(blocking=False):
            try:
                self._write_ready(block=False)
                self.flush()
            finally:
                self._writing.release()

    def run(self) -> Summary:
        """Read the whole source (or until stopped) and write as verdicts land.

        Ctrl+C stops the reading, not the writing: what was read is written.
        """
        stream = self.monitor.stream()
        try:
            if self.monitor.pipeline.dnsbl is None:
                self._write_as_read(stream)
            else:
                self._write_when_answered(stream)
        except KeyboardInterrupt:
            self.interrupted = True
            self.monitor.stop()
        finally:
            stream.close()
        with self._writing:
            while self.waiting:
                self._write_ready(block=True)
        self.monitor.close()
        self.flush()
        return self.monitor.summary()

    def _write_as_read(self, stream: Iterator[Event | Rejected]) -> None:
        """Without DNS lookups every verdict is final when it is made, and no
        other thread writes: each event goes out as it comes, unqueued."""
        for item in stream:
            if type(item) is Event:
                self._emit(item)

    def _write_when_answered(self, stream: Iterator[Event | Rejected]) -> None:
        """Queue events whose DNS answers are out; write in source order."""
        for item in stream:
            with self._writing:
                if type(item) is Event and not self.waiting and not _pending(item):
                    self._emit(item)  # nothing to wait for or before it
                else:
                    if type(item) is Event:
                        self.waiting.append(item)
                    self._write_ready(block=len(self.waiting) > MAX_WAITING)

    def _write_lines(self) -> None:
        """Write the JSON lines gathered so far; a live run flushes them too."""
        lines = self._lines
        if self._binary is None:
            self.out.write(lines.decode())
        else:
            self.out.flush()  # anything written as text goes first
            self._binary.write(lines)
        lines.clear()
        if self.live:
            self.flush()

    def flush(self) -> None:
        if self._lines:
            self._write_lines()
        self.out.flush()
        if self._binary is not None:
            self._binary.flush()

    def _write_ready(self, block: bool) -> None:
        waiting = self.waiting
        while waiting:
            head = waiting[0]
            reputation = head.reputation
            if reputation is not None and reputation.pending:
                if not block or not self._wait_for(head):
                    return
                continue
            self._emit(waiting.popleft())
            block = block and len(waiting) > MAX_WAITING

    def _wait_for(self, head: Event) -> bool:
        """Wait for the head's answers; give up only if the DNS thread went quiet.

        The checker answers every lookup within its timeout, so silence far
        beyond that means it is broken; the event is then written unchecked
        rather than held forever.
        """
        patience = self.settings.dnsbl_timeout * 4 + 5
        with self.answered:
            self.answered.wait(timeout=0.25)
            quiet = time.monotonic() - self._last_answer
        reputation = head.reputation
        if reputation is not None and reputation.pending and quiet > patience:
            reputation.pending = False
            reputation.errors["dnsbl"] = "no answer from the lookup thread"
        return True

    def _emit(self, event: Event) -> None:
        """Write one event in the chosen format.

        A method that asks, not a bound method chosen once: compiled, the
        calls are then direct ones.
        """
        if self._jsonl:
            self._emit_jsonl(event)
        else:
            self._emit_text(event)

    def _emit_jsonl(self, event: Event) -> None:
        """One JSON line; this format prints no statistics, so none are kept."""
        if self._all_events or event.verdict.severity >= self._min_severity:
            lines = self._lines
            _json.encode_into(event.alert(self._encoded), lines, -1)
            lines += b"\n"
            if self.live or len(lines) >= WRITE_BYTES:
                self._write_lines()
            self.written += 1

    def _emit_text(self, event: Event) -> None:
        """One readable line, and the describe table every ``stats_every``."""
        self.monitor.stats.add(event)
        alert = self.monitor.is_alert(event)
        if self._all_events or alert:
            self.out.write(format_event(event, alert) + "\n")
            if self.live:
                self.out.flush()
            self.written += 1
        self._since_stats += 1
        if self._since_stats >= self.settings.stats_every:
            self._since_stats = 0
            self.out.write("\n" + format_describe(self.monitor.stats.describe()))
            self.out.write("\n\n")


def _pending(event: Event) -> bool:
    reputation = event.reputation
    return reputation is not None and reputation.pending


def _without_risk_view(settings: Settings) -> Settings:
    """The settings with no recent logins kept per user.

    Only the UI's user risk view shows them. Kept, they held 20 events per
    user alive after writing, and each was freed cold, evicted logins later.
    """
    detect = {**settings.detect, "recent_logins": 0}
    return settings.merged({"detect": detect})


class _Encoded(EnrichmentJson):
    """JSON already encoded for the enrichment many events share.

    Agents and places are frozen and cached by their enrichers, so one object
    stands for thousands of events; entries are keyed by identity and hold
    their object, so an id cannot be reused while its entry lives. Reputations
    change as DNS answers land: only the shared unchecked one is kept.
    """

    def __init__(self) -> None:
        self._known: dict[int, tuple[object, msgspec.Raw]] = {}

    def of(self, part: Any) -> Any:
        known = self._known.get(id(part))
        if known is not None and known[0] is part:
            return known[1]
        if type(part) is Reputation and part is not UNCHECKED:
            return part.as_json()

        encoded = msgspec.Raw(_json.encode(part.as_json()))
        if len(self._known) >= KEPT_ENCODINGS:
            self._known.clear()
        self._known[id(part)] = (part, encoded)
        return encoded


def format_event(event: Event, alert: bool = True) -> str:
    """One readable line: when, where in the file, how bad, who, from where, why."""
    verdict = event.verdict
    place = event.place
    country = f" ({place.country})" if place is not None and place.country else ""
    status = "-" if event.status_code is None else str(event.status_code)
    mark = "!" if alert else " "
    reasons = [f"{reason.rule}: {reason.detail}" for reason in verdict.reasons]
    reasons += _listing_texts(event.reputation)
    because = "; ".join(reasons)
    return escape_control(
        f"{mark} {event.timestamp} line {event.line:<6} "
        f"{verdict.severity.label.upper():<8} {verdict.score:>3}  "
        f"{_clip(event.userid, 64)} {event.ip}{country} {status} "
        f"{_clip(event.useragent, 60)!r}" + (f"  -- {because}" if because else "")
    )


def _listing_texts(reputation: Reputation | None) -> list[str]:
    """What each listing zone says about the address, in its own words."""
    if reputation is None:
        return []
    return [
        f"{zone} says {_clip(listing.txt, 80)!r}"
        for zone, listing in reputation.listings.items()
        if listing.txt
    ]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def format_summary(summary: Summary, health: object | None = None) -> str:
    """The closing lines: totals, then the first rejected lines and why."""
    lines = [
        f"events: {summary.events}  alerts: {summary.alerts}  "
        f"rejected lines: {summary.rejected}  ({summary.seconds:.1f} s)"
    ]
    if health is not None:
        lines.append(str(getattr(health, "summary", health)))
    for kind, count in summary.reasons.most_common():
        lines.append(f"  rejected {count} x {kind}")
    for rejected in summary.rejections[:10]:
        lines.append(f"  line {rejected.line}: {rejected.reason}")
    if summary.rejected > 10:
        lines.append(f"  ... and {summary.rejected - 10} more rejected lines")
    return escape_control("\n".join(lines)).replace("\\x0a", "\n")


def run_headless(
    settings: Settings, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run to the end of the source (or a signal) and print the summary.

    Ctrl+C and SIGTERM stop reading; what was read is written and summarised,
    so a stopped run still says what it saw.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    writer = HeadlessWriter(settings, out)
    stopped_by: list[int] = []
    with (
        _garbage_collected_rarely(),
        _stopping_on_sigterm(writer.monitor, stopped_by),
        shown_on_terminal(writer.monitor.counts, out, err),
    ):
        try:
            summary = writer.run()
        except BrokenPipeError:
            _silence_stdout()
            return 0
    closing = format_summary(summary, writer.monitor.dnsbl_health)
    stream = out if settings.format == "text" else err
    try:
        stream.write(closing + "\n")
        stream.flush()
    except BrokenPipeError:
        _silence_stdout()
    if writer.interrupted:
        return 128 + signal.SIGINT
    if stopped_by:
        return 128 + int(stopped_by[0])
    return 0


@contextmanager
def _garbage_collected_rarely() -> Iterator[None]:
    """Spare the hot loop most of Python's cycle collection, for this run only.

    Events, windows and caches are long-lived and freed by reference counting;
    the default thresholds made the collector walk them every few hundred
    events. What was loaded at start-up is frozen out of its sight.

    At the end, what the run built joins the oldest generation unwalked:
    restored thresholds otherwise made the next small allocations walk all
    of it in a young collection (0.44 s after a million events, in which the
    run's own collections had found no garbage at all).
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.freeze()
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@contextmanager
def _stopping_on_sigterm(monitor: Monitor, received: list[int]) -> Iterator[None]:
    """SIGTERM ends the run like Ctrl+C does: stop reading, then summarise.

    The previous handler comes back afterwards, so a caller that runs the
    headless mode in-process keeps its own.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame) -> None:
        received.append(signum)
        monitor.stop()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so exit does not complain."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
