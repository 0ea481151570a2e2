"""The stream from source to scored events, shared by the UI and headless mode.

A :class:`Monitor` reads lines, rejects the bad ones with their numbers, paces
the good ones at the recorded speed and runs them through the pipeline. It keeps
the counts a header shows and the summary a run ends with.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Final, Protocol

from puptect_tui.detect.detector import Detector
from puptect_tui.detect.verdict import Verdict
from puptect_tui.enrich.dnsbl import DnsblHealth
from puptect_tui.events import Event, EventParser, Rejected, parse_field_map
from puptect_tui.pipeline import Pipeline
from puptect_tui.settings import Settings, SettingsError
from puptect_tui.sources import Pacer, open_source
from puptect_tui.stats import StreamStats

log = logging.getLogger(__name__)

KEPT_REJECTIONS: Final = 1000
"""Rejected lines remembered with their reasons; the rest are only counted."""

LOGGED_REJECTIONS: Final = 20
"""Rejected lines written to the log; more would drown the log in a bad file."""


class Listener(Protocol):
    """What a front end hears from a monitor, from the monitor's threads."""

    def on_event(self, event: Event) -> None: ...
    def on_updated(self, event: Event) -> None: ...
    def on_rejected(self, rejected: Rejected) -> None: ...


@dataclass
class Counts:
    events: int = 0
    alerts: int = 0
    rejected: int = 0


@dataclass
class Summary:
    """What a run saw, for the closing lines of headless mode and the UI."""

    events: int
    alerts: int
    rejected: int
    rejections: list[Rejected] = field(default_factory=list)
    """The first rejected lines, with line numbers and reasons."""
    reasons: Counter[str] = field(default_factory=Counter)
    """How many lines were rejected for each kind of reason."""
    seconds: float = 0.0


class Monitor:
    """Reads, paces, parses, enriches and scores one source."""

    def __init__(self, settings: Settings, listener: Listener | None = None):
        self.settings = settings.check()
        try:
            self.parser = EventParser(parse_field_map(settings.field_map))
        except ValueError as error:
            raise SettingsError(str(error)) from None
        self.pipeline = Pipeline(settings)
        self.listener = listener
        self.stats = StreamStats()
        self.counts = Counts()
        self.rejections: list[Rejected] = []
        self.reject_reasons: Counter[str] = Counter()
        self.stopping = threading.Event()
        self.pacer = Pacer(settings.speed, stop=self.stopping)
        self._alert_lock = threading.Lock()
        self._started = time.monotonic()

    @property
    def detector(self) -> Detector:
        return self.pipeline.detector

    @property
    def dnsbl_health(self) -> DnsblHealth | None:
        return self.pipeline.dnsbl_health

    @property
    def speed(self) -> float:
        return self.pacer.speed

    @speed.setter
    def speed(self, value: float) -> None:
        self.pacer.speed = max(0.0, value)

    def stop(self) -> None:
        """Ask the reading loop to end; it does so within a poll interval."""
        self.stopping.set()

    def is_alert(self, event: Event) -> bool:
        return event.verdict.severity >= self.settings.min_severity

    def stream(self) -> Generator[Event | Rejected, None, None]:
        """Scored events and rejected lines in source order, paced for replay.

        DNS answers may still be out when the stream ends; call :meth:`close`
        once they are no longer wanted.
        """
        source = self.settings.source
        if source is None:
            raise SettingsError("no source to read: give a file, or - for stdin")
        lines = open_source(source, follow=self.settings.follow, stop=self.stopping)
        self.pipeline.start()
        yield from self._scored(lines)

    def close(self) -> None:
        """Stop the DNS thread; lookups still out are marked failed."""
        self.stopping.set()
        self.pipeline.close()

    def _scored(self, lines) -> Iterator[Event | Rejected]:
        """Parse, pace and process each line; what every event goes through.

        Each step is called on its object, not kept as a bound method: the
        compiled build then calls parser and pipeline directly in C, where a
        bound method would go through Python's calling protocol.
        """
        parser, pipeline, pacer = self.parser, self.pipeline, self.pacer
        stopping = self.stopping
        late = self._late
        counts = self.counts
        for line in lines:
            if stopping.is_set():
                return
            item = parser.parse(line)
            if isinstance(item, Rejected):
                self._reject(item)
                yield item
                continue
            pacer.wait_for(item.time)
            verdict = pipeline.process(item, late)
            counts.events += 1
            if verdict.severity >= self.settings.min_severity:
                with self._alert_lock:
                    counts.alerts += 1
            yield item

    def run(self) -> Summary:
        """Feed every event to the listener; what the UI's worker thread calls."""
        listener = self.listener
        for item in self.stream():
            if isinstance(item, Rejected):
                if listener is not None:
                    listener.on_rejected(item)
                continue
            self.stats.add(item)
            if listener is not None:
                listener.on_event(item)
        return self.summary()

    def settle(self, events: list[Event], patience: float) -> None:
        """Wait until none of ``events`` awaits a DNS answer, or ``patience`` ends."""
        deadline = time.monotonic() + patience
        for event in events:
            while _pending(event) and time.monotonic() < deadline:
                self.stopping.wait(0.02)

    def summary(self) -> Summary:
        return Summary(
            events=self.counts.events,
            alerts=self.counts.alerts,
            rejected=self.counts.rejected,
            rejections=list(self.rejections),
            reasons=Counter(self.reject_reasons),
            seconds=time.monotonic() - self._started,
        )

    def _reject(self, rejected: Rejected) -> None:
        self.counts.rejected += 1
        self.reject_reasons[_reason_kind(rejected.reason)] += 1
        if len(self.rejections) < KEPT_REJECTIONS:
            self.rejections.append(rejected)
        if self.counts.rejected <= LOGGED_REJECTIONS:
            log.warning("line %d rejected: %s", rejected.line, rejected.reason)

    def _late(self, event: Event, before: Verdict) -> None:
        """A DNS answer rescored ``event``: keep the alert count true, pass it on."""
        was_alert = before.severity >= self.settings.min_severity
        now_alert = self.is_alert(event)
        if now_alert != was_alert:
            with self._alert_lock:
                self.counts.alerts += 1 if now_alert else -1
        if self.listener is not None:
            self.listener.on_updated(event)


def _pending(event: Event) -> bool:
    return event.reputation is not None and event.reputation.pending


def _reason_kind(reason: str) -> str:
    """Group reasons by their words before the first detail, for the summary."""
    return reason.split(":", 1)[0].split(" '", 1)[0]
