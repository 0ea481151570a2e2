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


def test_top_is_the_most_common_and_the_first_seen_of_a_tie_at_any_length():
    """Counting in batches must give what counting one by one gives."""
    import random

    from puptect_tui.stats import BATCH

    rng = random.Random(5)
    users = [f"user{rng.randrange(40)}" for _ in range(BATCH * 3 + 17)]
    stats = StreamStats()

    for count, user in enumerate(users, 1):
        stats.add(event(user, "198.51.100.1"))
        if count in (1, BATCH - 1, BATCH, BATCH * 2 + 3, len(users)):
            seen = users[:count]
            most = max(seen.count(name) for name in seen)
            first_of_most = next(name for name in seen if seen.count(name) == most)
            row = {row.column: row for row in stats.describe()}["userid"]
            assert (row.top, row.freq, row.count) == (first_of_most, most, count)
            assert row.unique == len(set(seen))


def test_listed_word_is_what_the_event_showed_when_counted():
    stats = StreamStats()
    waiting = event("ana", "198.51.100.7")
    waiting.reputation = Reputation(pending=True)
    stats.add(waiting)

    waiting.reputation.pending = False
    waiting.reputation.local = ("list",)
    listed = {row.column: row for row in stats.describe()}["listed"]

    assert (listed.top, listed.freq) == ("pending", 1)


def test_capped_column_past_a_batch_keeps_counting_the_values_it_tracks():
    from puptect_tui.stats import BATCH

    stats = StreamStats(max_distinct=3)
    for number in range(BATCH + 10):
        stats.add(event(f"user{number % 5}", "198.51.100.9"))

    users = {row.column: row for row in stats.describe()}["userid"]

    assert users.count == BATCH + 10
    assert users.unique_text == "3+"
    assert stats.top("userid", 1) == [("user0", (BATCH + 10 + 4) // 5)]


def test_rates_keep_a_minute_of_seconds_and_late_events_join_their_second():
    stats = StreamStats()
    for at in (100, 130, 159):
        stats.add(event("ana", "198.51.100.1", at=at))
    stats.add(event("ana", "198.51.100.1", 401, at=120))  # late, still shown
    stats.add(event("ana", "198.51.100.1", at=99))  # before the series began

    rates = stats.event_rate

    assert len(rates) == 60
    assert (rates[0], rates[20], rates[30], rates[59], sum(rates)) == (1, 1, 1, 1, 4)
    assert stats.failure_rate[20] == 1

    stats.add(event("ana", "198.51.100.1", at=200))  # 41 s on: the minute slides
    assert len(stats.event_rate) == 60
    assert sum(stats.event_rate) == 2  # 159 and 200 remain

    stats.add(event("ana", "198.51.100.1", at=400))  # a long pause starts afresh
    assert stats.event_rate == [1]
