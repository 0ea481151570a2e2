"""Events made by hand for the UI's tests, with the fields a row shows."""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from pathlib import Path

from puptect_tui.detect.verdict import Reason, Severity, Verdict
from puptect_tui.enrich.geo import Place
from puptect_tui.enrich.reputation import Reputation
from puptect_tui.events import Event, parse_address
from puptect_tui.messages import Mailbox
from puptect_tui.monitor import Counts, Summary
from puptect_tui.settings import Settings

START = 1625486569.0
"""2021-07-05T12:02:49Z, the first login of the seed."""

ALERT = (("auth.brute_force", "9 failures in 2 min", 40),)
"""Reasons that make an event an alert (medium) in the table and the store."""


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
        place=Place(country, None, None, ""),
        verdict=Verdict.from_reasons([Reason(*reason) for reason in reasons]),
    )


DATA = Path(__file__).parent / "data"
SMALL_STREAM = DATA / "ui_small.jsonl"
"""36 of the seed's logins, one broken line, and hostile agents and users."""
SEED_BLOCKLIST = Path(__file__).parent.parent / "data" / "blocklist.txt"


def ui_settings(**changes) -> Settings:
    """The small stream at full speed, no DNS, the seed's listed addresses local."""
    settings = Settings(
        source=os.path.relpath(SMALL_STREAM),
        speed=0,
        dnsbl=False,
        blocklists=[str(SEED_BLOCKLIST)],
    )
    return settings.merged(changes)


class HeldMonitor:
    """A monitor that reads nothing: the test puts events in the mailbox itself."""

    def __init__(self, settings: Settings, listener: Mailbox):
        self.settings = settings
        self.mailbox = listener
        self.speed = settings.speed
        self.counts = Counts()
        self.dnsbl_health = None
        self.stopped = threading.Event()

    def run(self) -> Summary:
        self.stopped.wait()
        return Summary(self.counts.events, self.counts.alerts, 0)

    def stop(self) -> None:
        self.stopped.set()

    def deliver(self, *events: Event) -> None:
        for event in events:
            self.counts.events += 1
            self.counts.alerts += event.verdict.severity >= Severity.MEDIUM
            self.mailbox.on_event(event)


async def monitor_built(app) -> None:
    """Wait, without sleeping, until the worker thread has built the monitor."""
    built = await asyncio.to_thread(app.monitor_ready.wait, 20)
    assert built, app.refusal or "the worker built no monitor"


async def replayed(pilot, patience: float = 20.0) -> None:
    """Wait for the real monitor to read the whole stream and the app to show it.

    The worker ends before the app has handled its last messages, and on a
    loaded machine that takes more than one pause: keep pausing, within limits.
    """
    await pilot.app.workers.wait_for_complete()
    deadline = asyncio.get_running_loop().time() + patience
    await pilot.pause()
    while not pilot.app.finished and asyncio.get_running_loop().time() < deadline:
        await pilot.pause(0.02)
    await pilot.pause()
    assert pilot.app.finished, pilot.app.failure


def app_test(test):
    """Run an ``async`` test on its own event loop, with no async test plugin."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


def screen_text(app) -> str:
    """The characters on screen, line by line, as the terminal would show them."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips[: app.size.height])
