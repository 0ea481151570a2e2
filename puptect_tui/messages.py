"""What the monitor's threads hand to the UI, and the messages that carry it.

Events arrive far faster than a screen can redraw, so they are not sent one
message each: the monitor's listener drops them in a :class:`Mailbox` and the
app collects the lot on its refresh tick. The end of the stream and a failure
travel as messages, after every event they follow.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

from puptect_tui.events import Event, Rejected

if TYPE_CHECKING:
    from puptect_tui.monitor import Summary

MAILBOX_LIMIT = 50_000
"""Events waiting for the UI before the reading thread is held back."""


@dataclass
class StreamFinished(Message):
    """The source is exhausted; every event has been put in the mailbox."""

    summary: Summary


@dataclass
class MonitorRefused(Message):
    """The settings could not build a monitor; the app ends with status 2."""

    reason: str


@dataclass
class StreamFailed(Message):
    """The monitor stopped on an error it could not step over."""

    reason: str


@dataclass
class Delivery:
    """What arrived since the last collection, in arrival order."""

    events: list[Event] = field(default_factory=list)
    updated: list[Event] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.events or self.updated or self.rejected)


class Mailbox:
    """The monitor's listener: worker threads put, the UI thread collects.

    ``deque`` appends and pops are atomic, so no lock is needed; a full
    mailbox makes the reading thread wait, so a UI that falls behind slows the
    replay rather than filling the memory.
    """

    def __init__(self, limit: int = MAILBOX_LIMIT):
        self.limit = limit
        self._events: deque[Event] = deque()
        self._updated: deque[Event] = deque()
        self._rejected: deque[Rejected] = deque()
        self._room = threading.Event()
        self._room.set()
        self.closed = False
        """Set on quit, so a waiting reader gives up instead of hanging the exit."""

    def on_event(self, event: Event) -> None:
        while len(self._events) >= self.limit and not self.closed:
            self._room.clear()
            if len(self._events) < self.limit:
                break
            self._room.wait(0.5)
        self._events.append(event)

    def on_updated(self, event: Event) -> None:
        self._updated.append(event)

    def on_rejected(self, rejected: Rejected) -> None:
        self._rejected.append(rejected)

    def close(self) -> None:
        self.closed = True
        self._room.set()

    def collect(self) -> Delivery:
        """Everything waiting, oldest first; frees room for a held-back reader."""
        delivery = Delivery(
            _drain(self._events), _drain(self._updated), _drain(self._rejected)
        )
        self._room.set()
        return delivery


def _drain(queue: deque) -> list:
    taken = []
    for _ in range(len(queue)):
        taken.append(queue.popleft())
    return taken
