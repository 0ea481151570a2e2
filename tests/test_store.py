"""The bounded store behind the filter keeps alerts longer than plain events."""

from __future__ import annotations

from ui_factory import ALERT, make_event

from puptect_tui.detect.verdict import Reason
from puptect_tui.enrich.reputation import Listing, Reputation
from puptect_tui.filtering import Filter
from puptect_tui.store import EventStore


def test_newest_comes_first_and_alerts_only_hides_quiet_events():
    store = EventStore()
    for line in range(1, 6):
        store.add(make_event(line=line, reasons=ALERT if line % 2 else ()))

    assert [e.line for e in store.newest(alerts_only=False)] == [5, 4, 3, 2, 1]
    assert [e.line for e in store.newest(alerts_only=True)] == [5, 3, 1]
    assert [e.line for e in store.newest(alerts_only=False, limit=2)] == [5, 4]


def test_old_alerts_outlive_a_flood_of_quiet_events():
    store = EventStore(event_capacity=10, alert_capacity=100)
    store.add(make_event(line=1, userid="henry", reasons=ALERT))
    for line in range(2, 1000):
        store.add(make_event(line=line))

    assert len(store) == 10
    found = store.newest(Filter.parse("user:henry"), alerts_only=True)
    assert [e.line for e in found] == [1]


def test_alerts_are_bounded_too():
    store = EventStore(event_capacity=10, alert_capacity=3)
    for line in range(1, 8):
        store.add(make_event(line=line, reasons=ALERT))

    assert [e.line for e in store.newest(alerts_only=True)] == [7, 6, 5]


def test_a_late_listing_turns_an_event_into_a_kept_alert():
    store = EventStore(event_capacity=2)
    quiet = make_event(line=1, userid="henry")
    store.add(quiet)

    quiet.reputation = Reputation(
        listings={"bl.example": Listing("bl.example", ("127.0.0.2",))}, checked=1
    )
    listed = Reason("reputation.listed", "listed by 1 of 1 zones", 40)
    quiet.verdict = quiet.verdict.replacing("reputation.listed", listed)
    store.update(quiet)
    store.add(make_event(line=2))
    store.add(make_event(line=3))

    assert [e.line for e in store.newest(alerts_only=True)] == [1]


def test_a_users_events_come_oldest_first_and_once():
    store = EventStore()
    for line in (1, 2, 3):
        store.add(make_event(line=line, userid="henry", reasons=ALERT))
    store.add(make_event(line=4, userid="sally"))

    assert [e.line for e in store.of_user("henry")] == [1, 2, 3]
    assert store.of_user("nobody") == []
