"""A pycares channel driven by the worker's event loop, without a c-ares thread.

aiodns 3.6.1 runs c-ares in its own event thread when c-ares is built thread
safe. Measured here against rbldnsd on loopback, the worker loop then spent
most of its time blocked in ``ares_query`` waiting for that thread's lock
(about 0.7 ms a query under load). Driving the channel's sockets from the
loop, as c-ares' socket-state callback allows, kept one thread and ran about
a third faster than aiodns in a bare query loop.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from typing import Any

import pycares

from puptect_tui.enrich.dnsbl_wire import NoAnswerError, ServerError

QUERY_TYPES = {
    "A": pycares.QUERY_TYPE_A,
    "TXT": pycares.QUERY_TYPE_TXT,
    "SOA": pycares.QUERY_TYPE_SOA,
}


Answered = Callable[[Any, Exception | None], None]
"""Called with the records and ``None``, or ``None`` and the failure."""


NO_ANSWER_CODES = frozenset(
    {pycares.errno.ARES_ETIMEOUT, pycares.errno.ARES_ECONNREFUSED}
)
"""c-ares errors that mean the server did not answer, as opposed to a DNS error."""
EMPTY_CODES = frozenset({pycares.errno.ARES_ENOTFOUND, pycares.errno.ARES_ENODATA})
"""NXDOMAIN and "no such record": a real answer that says "not listed"."""


C_ARES_LEAST_TIMEOUT = 0.25
"""c-ares 1.34 times a query out after five times the server's average latency,
never less than this, whatever timeout it was given."""


def tries_within(timeout: float) -> int:
    """Enough c-ares tries that its own timeouts outlast ours.

    On loopback the average latency is a millisecond, so c-ares gave up after
    250 ms, even with a 2 s timeout, whenever a burst queued answers longer
    than that: real answers were thrown away and the server judged down.
    Each retry doubles c-ares' wait (250, 500, 1000 ms...); we want the sum to
    pass our deadline, which stays the one that counts.
    """
    tries, waited = 1, C_ARES_LEAST_TIMEOUT
    while waited < timeout:
        waited += C_ARES_LEAST_TIMEOUT * 2**tries
        tries += 1
    return tries + 1


class _Waiting:
    """One query's callback, run once whichever comes first: answer or deadline."""

    __slots__ = ("deliver", "settled")

    def __init__(self, deliver: Answered) -> None:
        self.deliver = deliver
        self.settled = False

    def settle(self, records: Any, error: Exception | None) -> None:
        if self.settled:
            return
        self.settled = True
        self.deliver(records, error)


class Channel:
    """One c-ares channel whose sockets the event loop watches."""

    replace_after_silence = True
    """After one timeout c-ares may hang every later query on the channel."""
    retransmissions = 0
    """c-ares retries inside itself; we cannot count them."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        server: tuple[str, int] | None,
        timeout: float,
    ) -> None:
        self.loop = loop
        self.timeout = timeout
        self.closed = False
        self._sockets: set[int] = set()
        self._deadlines: collections.deque[tuple[float, _Waiting]] = collections.deque()
        """Unanswered queries, oldest first; all share one timeout."""
        self._tick_every = min(max(timeout / 8, 0.02), 0.25)
        self._ticker: asyncio.TimerHandle | None = None
        self._silence = NoAnswerError(f"timeout after {timeout:g} s")

        # A roomy receive buffer, so answers that arrive while the loop is
        # busy wait in the socket instead of being dropped.
        options: dict[str, Any] = {
            "timeout": timeout,
            "tries": tries_within(timeout),
            "socket_receive_buffer_size": 1 << 20,
        }
        if server is not None:
            address, port = server
            options |= {"servers": [address], "udp_port": port, "tcp_port": port}
        self._channel = pycares.Channel(sock_state_cb=self._socket_changed, **options)

    def ask(self, name: str, qtype: str, deliver: Answered) -> None:
        """Send a query; ``deliver(records, error)`` runs exactly once, on the loop.

        A plain callback rather than a future, because at thousands of queries
        a second a future (and the task awaiting it) cost the loop more than
        c-ares did. The deadline is ours, not c-ares': a sweep every few
        hundredths of the timeout expires what is overdue, which costs less
        than a timer per query and cannot be stalled by c-ares.
        """
        waiting = _Waiting(deliver)
        self._deadlines.append((self.loop.time() + self.timeout, waiting))
        if self._ticker is None:
            self._ticker = self.loop.call_later(self._tick_every, self._tick)

        def answered(result: Any, code: int | None) -> None:
            if self.closed or code == pycares.errno.ARES_ECANCELLED:
                return
            if code is None:
                waiting.settle(result if isinstance(result, list) else [result], None)
            elif code in EMPTY_CODES:
                waiting.settle([], None)
            elif code == pycares.errno.ARES_ETIMEOUT:
                waiting.settle(None, self._silence)
            else:
                reason = str(pycares.errno.strerror(code))
                failure = NoAnswerError if code in NO_ANSWER_CODES else ServerError
                waiting.settle(None, failure(reason))

        self._channel.query(name, QUERY_TYPES[qtype], answered)

    def _socket_changed(self, fd: int, readable: bool, writable: bool) -> None:
        """c-ares opened, changed or closed a socket: watch it accordingly."""
        if self.closed:
            return

        self.loop.remove_reader(fd)
        self.loop.remove_writer(fd)
        if readable:
            self.loop.add_reader(fd, self._process, fd, pycares.ARES_SOCKET_BAD)
        if writable:
            self.loop.add_writer(fd, self._process, pycares.ARES_SOCKET_BAD, fd)

        if readable or writable:
            self._sockets.add(fd)
        else:
            self._sockets.discard(fd)

    def _process(self, read_fd: int, write_fd: int) -> None:
        self._channel.process_fd(read_fd, write_fd)

    def _tick(self) -> None:
        """Expire overdue queries; let c-ares run its timers too."""
        self._ticker = None
        if self.closed:
            return

        # Read what has arrived before judging anything overdue: on a busy
        # loop an answer can sit in the socket past its deadline unread.
        for fd in list(self._sockets):
            self._channel.process_fd(fd, pycares.ARES_SOCKET_BAD)

        now = self.loop.time()
        deadlines = self._deadlines
        while deadlines and (deadlines[0][0] <= now or deadlines[0][1].settled):
            _deadline, waiting = deadlines.popleft()
            waiting.settle(None, self._silence)
        if self._sockets:
            self._channel.process_fd(pycares.ARES_SOCKET_BAD, pycares.ARES_SOCKET_BAD)

        # A query asked from a callback above may have started a ticker already;
        # a second one would never be cancelled, and they would multiply.
        if self._ticker is None and (deadlines or self._sockets):
            self._ticker = self.loop.call_later(self._tick_every, self._tick)

    def close(self) -> None:
        """Cancel what is pending (on this thread), stop watching, let go.

        Cancelling here first means c-ares' shutdown thread, which destroys
        the channel later, finds no query whose callback it would run.
        """
        if self.closed:
            return

        self._channel.cancel()
        self.closed = True
        if self._ticker is not None:
            self._ticker.cancel()
        for fd in self._sockets:
            self.loop.remove_reader(fd)
            self.loop.remove_writer(fd)
        self._sockets.clear()
        self._channel.close()
