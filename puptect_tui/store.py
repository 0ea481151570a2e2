"""The recent events the UI can reach, bounded so a long run keeps flat memory.

The alerts table holds a few hundred rows; everything older is found here by
the filter. Alerts are kept much longer than ordinary events, because an
analyst looks for the alert of an hour ago, not for the hundred thousand
logins that were fine.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator

from puptect_tui.detect.verdict import Severity
from puptect_tui.events import Event
from puptect_tui.filtering import Filter

EVENT_CAPACITY = 20_000
"""Events of any severity kept; the oldest leave first."""

ALERT_CAPACITY = 50_000
"""Alerts kept, counted apart from the events so a flood of logins keeps them."""


class EventStore:
    """Recent events and alerts, newest last, searchable by a filter."""

    def __init__(
        self,
        min_severity: Severity = Severity.MEDIUM,
        event_capacity: int = EVENT_CAPACITY,
        alert_capacity: int = ALERT_CAPACITY,
    ):
        self.min_severity = min_severity
        self.alert_capacity = alert_capacity
        self.events: deque[Event] = deque(maxlen=event_capacity)
        self.alerts: OrderedDict[int, Event] = OrderedDict()
        """Keyed by ``id(event)``: the dictionary holds the event, so ids stay put."""

    def __len__(self) -> int:
        return len(self.events)

    def is_alert(self, event: Event) -> bool:
        return event.verdict.severity >= self.min_severity

    def add(self, event: Event) -> None:
        self.events.append(event)
        if self.is_alert(event):
            self._keep_alert(event)

    def update(self, event: Event) -> None:
        """A late answer rescored ``event``: an alert now is kept as one."""
        if self.is_alert(event):
            self._keep_alert(event)

    def _keep_alert(self, event: Event) -> None:
        alerts = self.alerts
        alerts[id(event)] = event
        if len(alerts) > self.alert_capacity:
            alerts.popitem(last=False)

    def newest(
        self, where: Filter | None = None, alerts_only: bool = True, limit: int = 500
    ) -> list[Event]:
        """Up to ``limit`` events that pass ``where``, newest first."""
        pool: Iterable[Event] = (
            reversed(self.alerts.values()) if alerts_only else reversed(self.events)
        )
        found = []
        for event in pool:
            if where is not None and not where.matches(event):
                continue
            if alerts_only and not self.is_alert(event):
                continue
            found.append(event)
            if len(found) >= limit:
                break
        return found

    def of_user(self, userid: str, limit: int = 500) -> list[Event]:
        """The user's recent events and alerts, oldest first, each once."""
        seen: set[int] = set()
        found: list[Event] = []
        for event in self._newest_of_both():
            if event.userid != userid or id(event) in seen:
                continue
            seen.add(id(event))
            found.append(event)
            if len(found) >= limit:
                break
        found.sort(key=lambda event: (event.time, event.line))
        return found

    def _newest_of_both(self) -> Iterator[Event]:
        yield from reversed(self.events)
        yield from reversed(self.alerts.values())
