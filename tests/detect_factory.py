"""Logins made by hand for the detection tests, enriched by hand.

Each login carries the agent and place the enrichers would give it, written out
here, so the rules are tested on exactly what they see without the parsers and
databases behind them.
"""

from __future__ import annotations

from puptect_tui.detect.detector import Detector
from puptect_tui.detect.verdict import Verdict
from puptect_tui.enrich.agent import Agent
from puptect_tui.enrich.geo import Place
from puptect_tui.events import Event, parse_address

START = 1625486569.0
"""2021-07-05T12:02:49Z, the first login of the seed."""

LAPTOP = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)

KNOWN_AGENTS = {
    LAPTOP: ("Chrome", 120, "Mac OS X", 10, "Mac", "desktop"),
    PHONE: ("Mobile Safari", 17, "iOS", 17, "iPhone", "mobile"),
    WINDOWS: ("Chrome", 120, "Windows", 10, "Other", "desktop"),
}


def agent_for(raw: str) -> Agent:
    """The parsed agent for the agents above; unknown strings parse to nothing."""
    parts = KNOWN_AGENTS.get(raw)
    if parts is None:
        return Agent(raw, None, None, None, None, None, "unknown")
    return Agent(raw, *parts)


def login(
    userid: str = "alice",
    ip: str = "198.51.100.10",
    *,
    at: float = 0.0,
    failed: bool = False,
    agent: str = LAPTOP,
    country: str | None = "GB",
    asn: int | None = 64500,
) -> Event:
    """A login ``at`` seconds after the seed's start, enriched with stand-ins."""
    address = parse_address(ip)
    block = ip.rsplit(".", 1)[0] + ".0/24"
    event = Event(
        line=1,
        time=START + at,
        userid=userid,
        ip=ip,
        address=address,
        useragent=agent,
        status_code=401 if failed else 200,
        success=not failed,
    )
    event.agent = agent_for(agent)
    event.place = Place(country, asn, None, block)
    return event


def score(detector: Detector, event: Event) -> Verdict:
    """Score as the pipeline does: the verdict is kept on the event."""
    event.verdict = detector.score(event)
    return event.verdict


def habits(detector: Detector, userid: str = "alice", logins: int = 5) -> float:
    """Give a user a usual laptop at home in GB; returns the time after them."""
    for number in range(logins):
        score(detector, login(userid, at=number * 3600.0))
    return logins * 3600.0
