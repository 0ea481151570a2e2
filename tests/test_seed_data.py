"""data/logins.jsonl is the seed's stream: its describe() totals must hold."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from puptect_tui.enrich.blocklist import Blocklist
from puptect_tui.events import Event, EventParser, Line

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def logins() -> list[dict]:
    lines = (DATA / "logins.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def describe(logins: list[dict], column: str) -> tuple[int, int, object, int]:
    """count, unique, top and freq of one column, as pandas' describe() shows."""
    counts = Counter(login[column] for login in logins)
    top, freq = counts.most_common(1)[0]
    return len(logins), len(counts), top, freq


def test_totals_match_the_seeds_final_describe(logins):
    assert describe(logins, "userid") == (45, 20, "henry", 13)
    assert describe(logins, "event_type") == (45, 1, "login", 45)
    assert describe(logins, "status_code") == (45, 2, 200, 29)
    assert describe(logins, "ip") == (45, 25, "175.45.176.5", 10)

    count, unique, top, freq = describe(logins, "useragent")
    assert (count, unique, freq) == (45, 14, 10)
    assert top.startswith("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_5)")


def test_blocklist_flags_as_many_events_as_the_seed(logins):
    """The seed's describe() counted 23 blacklisted events of 45."""
    parser = EventParser()
    blocklist = Blocklist.load(DATA / "blocklist.txt")

    events = [
        parser.parse(Line(number, json.dumps(login).encode(), 0.0))
        for number, login in enumerate(logins, start=1)
    ]

    assert sum(event.address in blocklist for event in events) == 23


def test_every_line_parses_with_its_time():
    parser = EventParser()
    raw = (DATA / "logins.jsonl").read_bytes().splitlines()

    events = [
        parser.parse(Line(number, data, 0.0)) for number, data in enumerate(raw, 1)
    ]

    assert all(isinstance(event, Event) for event in events)
    assert events[0].timestamp == "2021-07-05T12:02:49.140Z"
    assert [event.time for event in events] == sorted(event.time for event in events)


def test_the_seeds_story_is_in_the_stream(logins):
    """The patterns the seed's author saw, and DESIGN.md builds rules for."""
    henry = [login for login in logins if login["userid"] == "henry"]
    henry_failures = [login for login in henry if login["status_code"] == 401]
    assert len(henry_failures) == 12
    assert len({login["ip"] for login in henry_failures}) == 11
    assert {login["useragent"] for login in henry} == {"MoZillA", "ChromeBrowser Agent"}
    assert henry[-1]["status_code"] == 200

    shared_agent = {
        login["userid"]
        for login in logins
        if login["ip"] == "109.184.11.34"
        and login["useragent"].startswith("mozilla/5.0 (linux; android 6.0.1; redmi")
    }
    assert shared_agent == {"john", "mary", "jules", "roger"}

    agents = {login["useragent"] for login in logins}
    assert any("MSIE 6.0" in agent for agent in agents)
    assert any("MSIE 5.0" in agent for agent in agents)
