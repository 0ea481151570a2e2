"""Statistics are kept per event and match what pandas' describe() reports."""

from __future__ import annotations

import ipaddress

import pandas

from puptect_tui.enrich.reputation import Reputation
from puptect_tui.events import Event
from puptect_tui.stats import StreamStats, format_describe


def event(user: str, ip: str, status: int = 200, agent: str = "A", at: float = 0.0):
    return Event(
        line=1,
        time=at,
        userid=user,
        ip=ip,
        address=ipaddress.ip_address(ip),
        useragent=agent,
        status_code=status,
        success=status == 200 if status in (200, 401) else None,
        reputation=Reputation(local=("list",) if ip.startswith("6") else ()),
    )


STREAM = [
    event("henry", "61.91.63.122", 401, "MoZillA", 0),
    event("henry", "24.78.152.43", 401, "ChromeBrowser Agent", 1),
    event("abigail", "175.45.176.5", 200, "Mozilla/5.0", 1),
    event("abigail", "175.45.176.5", 200, "Mozilla/5.0", 3),
    event("henry", "61.91.63.122", 401, "MoZillA", 3),
]


def test_describe_matches_pandas():
    stats = StreamStats()
    for item in STREAM:
        stats.add(item)

    frame = pandas.DataFrame(
        {
            "userid": [e.userid for e in STREAM],
            "ip": [e.ip for e in STREAM],
            "useragent": [e.useragent for e in STREAM],
        }
    ).describe(include="all")
    rows = {row.column: row for row in stats.describe()}

    for column in ("userid", "ip", "useragent"):
        assert rows[column].count == frame[column]["count"]
        assert rows[column].unique == frame[column]["unique"]
        assert rows[column].top == frame[column]["top"]
        assert rows[column].freq == frame[column]["freq"]
    assert (rows["listed"].top, rows["listed"].freq) == ("False", 3)


def test_rates_per_second_of_event_time_with_gaps_filled():
    stats = StreamStats()
    for item in STREAM:
        stats.add(item)

    assert stats.event_rate == [1, 2, 0, 2]
    assert stats.failure_rate == [1, 1, 0, 1]


def test_distinct_values_are_capped_but_counts_go_on():
    stats = StreamStats(max_distinct=3)
    for number in range(10):
        stats.add(event(f"user{number}", f"198.51.100.{number}"))

    users = {row.column: row for row in stats.describe()}["userid"]

    assert users.count == 10
    assert users.unique_text == "3+"


def test_top_values_most_common_first():
    stats = StreamStats()
    for item in STREAM:
        stats.add(item)

    assert stats.top("userid", 2) == [("henry", 3), ("abigail", 2)]


def test_text_table_has_the_seed_rows_and_escapes_nothing_away():
    stats = StreamStats()
    for item in STREAM:
        stats.add(item)

    table = format_describe(stats.describe())

    lines = table.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["count", "unique", "top", "freq"]
    assert "henry" in lines[3]
