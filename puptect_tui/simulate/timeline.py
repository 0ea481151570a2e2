"""The logins that generators produce, put back in time order.

Generators write whole sessions and campaigns at once, far ahead of the
clock; the timeline sorts what it holds and releases only what lies before
a moment no later generator can write before.
"""

from __future__ import annotations

import bisect
from operator import attrgetter
from typing import NamedTuple

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR


class Login(NamedTuple):
    """One login as the simulator knows it: the event and its ground truth."""

    time: int
    """Milliseconds since the epoch, UTC."""
    order: int
    """Creation order, so equal times sort the same way on every run."""
    userid: str
    status_code: int
    ip: str
    useragent: str
    kind: str
    """``normal``, an attack kind, or ``lookalike:<kind>``."""
    campaign: str | None


class Timeline:
    """Collects logins in any order and hands them back sorted by time."""

    def __init__(self) -> None:
        self.pending: list[Login] = []
        self.created = 0

    def add(
        self,
        time: int,
        userid: str,
        status_code: int,
        ip: str,
        useragent: str,
        kind: str,
        campaign: str | None = None,
    ) -> None:
        self.created += 1
        login = Login(
            time, self.created, userid, status_code, ip, useragent, kind, campaign
        )
        self.pending.append(login)

    def release(self, before: int) -> list[Login]:
        """Every login earlier than ``before``, in time order; the rest wait."""
        self.pending.sort()
        cut = bisect.bisect_left(self.pending, before, key=_time)
        ready = self.pending[:cut]
        self.pending = self.pending[cut:]
        return ready


_time = attrgetter("time")
