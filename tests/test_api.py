"""The Python API gives a notebook what the seed printed in its REPL."""

from __future__ import annotations

from pathlib import Path

from puptect_tui import api

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = str(DATA / "logins.jsonl")
BLOCKLIST = str(DATA / "blocklist.txt")


def test_read_events_yields_every_scored_login_in_order():
    events = list(api.read_events(SEED))

    assert [event.line for event in events] == list(range(1, 46))
    assert all(event.agent is not None and event.place is not None for event in events)


def test_read_alerts_keeps_medium_and_above_with_the_blocklist():
    alerts = api.read_alerts(SEED, blocklists=[BLOCKLIST])

    listed = {event.userid for event in alerts if event.reputation.listed}
    assert {"john", "bob", "mary", "james", "lauren"} <= listed
    assert all(event.verdict.severity.label != "low" for event in alerts)
    assert "abigail" not in {event.userid for event in alerts}


def test_min_severity_narrows_the_alerts():
    everything = api.read_alerts(SEED, min_severity="info")
    critical = api.read_alerts(SEED, min_severity="critical")

    assert len(everything) == 45
    assert 0 < len(critical) < len(everything)
    assert {event.userid for event in critical} >= {"henry"}


def test_alerts_frame_has_the_seed_columns_and_the_verdict():
    frame = api.alerts_frame(api.read_alerts(SEED, blocklists=[BLOCKLIST]))

    for column in ("userid", "status_code", "ip", "useragent", "listed", "score"):
        assert column in frame.columns
    henry = frame[frame.userid == "henry"]
    assert henry.score.max() >= 85
    assert henry.rules.map(lambda rules: "auth.ip_hopping" in rules).any()
    assert str(frame.timestamp.dt.tz) == "UTC"
