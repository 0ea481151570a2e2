"""Logins as JSON Lines, and their ground truth as a second, aligned file.

The lines are written with f-strings around pre-encoded strings: the user
ids and agents come from small sets, so each is JSON-encoded once, and the
timestamps of one minute share their first 17 characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

import msgspec

from puptect_tui.simulate.attacks import CAMPAIGNS
from puptect_tui.simulate.timeline import Login

BATCH = 4096
"""Lines joined before each write: fewer, larger writes."""


class Encoder:
    """Turns logins into event lines and label lines."""

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._minute = -1
        self._prefix = ""
        """The timestamp up to the minute, shared by the logins of that minute."""

    def timestamp(self, moment: int) -> str:
        """ISO 8601 in UTC with milliseconds and a Z, as DESIGN.md shows."""
        minute, rest = divmod(moment, 60_000)
        if minute != self._minute:
            self._minute = minute
            start = datetime.fromtimestamp(minute * 60, UTC)
            self._prefix = start.strftime("%Y-%m-%dT%H:%M:")
        second, millis = divmod(rest, 1000)
        return f"{self._prefix}{second:02d}.{millis:03d}Z"

    def string(self, text: str) -> str:
        encoded = self._strings.get(text)
        if encoded is None:
            encoded = msgspec.json.encode(text).decode()
            if len(self._strings) < 100_000:
                self._strings[text] = encoded
        return encoded

    def event_line(self, login: Login) -> str:
        return (
            f'{{"timestamp": "{self.timestamp(login.time)}", '
            f'"userid": {self.string(login.userid)}, "event_type": "login", '
            f'"status_code": {login.status_code}, "ip": "{login.ip}", '
            f'"useragent": {self.string(login.useragent)}}}\n'
        )

    def label_line(self, number: int, login: Login) -> str:
        campaign = "null" if login.campaign is None else f'"{login.campaign}"'
        attack = "true" if login.kind in CAMPAIGNS else "false"
        return (
            f'{{"line": {number}, "kind": "{login.kind}", '
            f'"campaign": {campaign}, "attack": {attack}}}\n'
        )


def event(login: Login, encoder: Encoder) -> dict[str, Any]:
    """The event object of DESIGN.md section 3."""
    return {
        "timestamp": encoder.timestamp(login.time),
        "userid": login.userid,
        "event_type": "login",
        "status_code": login.status_code,
        "ip": login.ip,
        "useragent": login.useragent,
    }


def label(number: int, login: Login) -> dict[str, Any]:
    """The ground truth of one line."""
    return {
        "line": number,
        "kind": login.kind,
        "campaign": login.campaign,
        "attack": login.kind in CAMPAIGNS,
    }


def write(logins: Iterable[Login], out: TextIO, labels: TextIO | None = None) -> int:
    """Write every login, and its label when asked; returns the count."""
    encoder = Encoder()
    events: list[str] = []
    truths: list[str] = []
    count = 0

    for count, login in enumerate(logins, start=1):
        events.append(encoder.event_line(login))
        if labels is not None:
            truths.append(encoder.label_line(count, login))
        if len(events) >= BATCH:
            _flush(out, events, labels, truths)

    _flush(out, events, labels, truths)
    return count


def _flush(
    out: TextIO, events: list[str], labels: TextIO | None, truths: list[str]
) -> None:
    out.write("".join(events))
    events.clear()
    if labels is not None:
        labels.write("".join(truths))
        truths.clear()
