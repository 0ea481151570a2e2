"""Events made by hand for the UI's tests, with the fields a row shows."""

from __future__ import annotations

from types import SimpleNamespace

from puptect_tui.detect.verdict import Reason, Verdict
from puptect_tui.enrich.reputation import Reputation
from puptect_tui.events import Event, parse_address

START = 1625486569.0
"""2021-07-05T12:02:49Z, the first login of the seed."""


def make_event(
    line: int = 1,
    userid: str = "john",
    ip: str = "109.184.11.34",
    status_code: int | None = 200,
    useragent: str = "Mozilla/5.0 (X11; Linux x86_64)",
    reasons: tuple[tuple[str, str, int], ...] = (),
    country: str | None = "GB",
    seconds: float | None = None,
    reputation: Reputation | None = None,
) -> Event:
    """One scored login; ``reasons`` are (rule, detail, points)."""
    address = parse_address(ip)
    success = None
    if status_code is not None:
        success = 200 <= status_code < 300 or (
            None if status_code not in (401, 403) else False
        )
    return Event(
        line=line,
        time=START + (line * 10 if seconds is None else seconds),
        userid=userid,
        ip=str(address),
        address=address,
        useragent=useragent,
        status_code=status_code,
        success=success,
        reputation=reputation or Reputation(skipped="dnsbl off"),
        place=SimpleNamespace(country=country, asn=None, network_name=None, block=""),
        verdict=Verdict.from_reasons([Reason(*reason) for reason in reasons]),
    )
