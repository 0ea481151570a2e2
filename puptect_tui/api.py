"""A small Python API over the core, for notebooks and scripts.

    >>> from puptect_tui import api
    >>> alerts = api.read_alerts("data/logins.jsonl", blocklists=["data/blocklist.txt"])
    >>> api.alerts_frame(alerts)[["line", "userid", "severity", "score"]]

Reading here never waits for the recorded pace and asks no DNS server unless
``dnsbl=True`` is passed; every other setting can be given by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from puptect_tui.events import Event, Rejected
from puptect_tui.monitor import Monitor
from puptect_tui.settings import Settings
from puptect_tui.sources import check_source

if TYPE_CHECKING:
    import pandas

FRAME_COLUMNS = (
    "line",
    "timestamp",
    "userid",
    "event_type",
    "status_code",
    "ip",
    "useragent",
    "country",
    "listed",
    "severity",
    "score",
    "rules",
    "reasons",
)


def read_events(path: str, **settings: Any) -> Iterator[Event]:
    """Every scored event of a file, in order; rejected lines are skipped.

    With DNS lookups on, an event may be yielded before its late answer; its
    verdict is updated in place, and the answers are awaited before the end.
    """
    options = {"speed": 0.0, "dnsbl": False, **settings}
    resolved = Settings(source=str(path), **options).check()
    check_source(str(path))
    monitor = Monitor(resolved)
    seen: list[Event] = []
    try:
        for item in monitor.stream():
            if not isinstance(item, Rejected):
                if resolved.dnsbl:
                    seen.append(item)
                yield item
        monitor.settle(seen, patience=resolved.dnsbl_timeout * 4 + 5)
    finally:
        monitor.close()


def read_alerts(
    path: str, min_severity: str = "medium", **settings: Any
) -> list[Event]:
    """The events at or above ``min_severity``, as the headless mode prints them."""
    events = list(read_events(path, **settings))
    from puptect_tui.detect.verdict import Severity

    least = Severity.parse(min_severity)
    return [event for event in events if event.verdict.severity >= least]


def alerts_frame(events: Iterable[Event]) -> pandas.DataFrame:
    """One row per event with the seed's columns plus the verdict."""
    import pandas

    rows = [_row(event) for event in events]
    return pandas.DataFrame(rows, columns=list(FRAME_COLUMNS))


def _row(event: Event) -> dict[str, Any]:
    verdict = event.verdict
    reputation = event.reputation
    return {
        "line": event.line,
        "timestamp": pandas_time(event.time),
        "userid": event.userid,
        "event_type": event.event_type,
        "status_code": event.status_code,
        "ip": event.ip,
        "useragent": event.useragent,
        "country": event.place.country if event.place else None,
        "listed": reputation.listed if reputation else None,
        "severity": verdict.severity.label,
        "score": verdict.score,
        "rules": verdict.rules,
        "reasons": "; ".join(reason.detail for reason in verdict.reasons),
    }


def pandas_time(seconds: float):
    import pandas

    return pandas.Timestamp(seconds, unit="s", tz="UTC")
