"""Our own DNS-over-UDP transport: one socket, hand-built queries, our deadlines.

c-ares cost 35-85 us of this process's time per query, retransmitted under
load, and failed every query in flight on one packet it could not parse.
A DNSBL needs so little of DNS (A, TXT and SOA over UDP, one server) that
a plain socket watched by the worker loop does it with less work: each
answer is matched by id and question to the one query it settles, and a
malformed one fails only that query.
"""

from __future__ import annotations

import array
import asyncio
import collections
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from puptect_tui.enrich.dnsbl_packet import (
    NOERROR,
    NXDOMAIN,
    RCODE_REASONS,
    MalformedAnswerError,
    answer_id,
    answers_question,
    encode_query,
    encode_question,
    read_answer,
)

log = logging.getLogger(__name__)

Answered = Callable[[Any, Exception | None], None]
"""Called with the records and ``None``, or ``None`` and the failure."""

RESOLV_CONF = Path("/etc/resolv.conf")
FALLBACK_SERVER = "127.0.0.1"
READS_PER_WAKE = 256
"""Answers read in one go before the loop gets a turn at other work."""


class NoAnswerError(Exception):
    """The server said nothing in time, or its port is closed."""

    @property
    def reason(self) -> str:
        return str(self)


class ServerError(Exception):
    """The server answered, but with an error or an answer we cannot read."""

    @property
    def reason(self) -> str:
        return str(self)


def system_nameserver(resolv_conf: Path = RESOLV_CONF) -> tuple[str, int]:
    """The first ``nameserver`` of resolv.conf (IPv4 or IPv6), else 127.0.0.1.

    That is where glibc's stub resolver sends queries too, and 127.0.0.1 is
    its own default when the file names none.
    """
    try:
        text = resolv_conf.read_text(errors="replace")
    except OSError:
        return FALLBACK_SERVER, 53

    for line in text.splitlines():
        words = line.split("#", 1)[0].split(";", 1)[0].split()
        if len(words) >= 2 and words[0] == "nameserver":
            return words[1], 53
    return FALLBACK_SERVER, 53


class _Query:
    """One question in flight, settled once: by its answer or its deadline."""

    __slots__ = ("deliver", "ident", "packet", "question", "retransmitted", "settled")

    def __init__(self, ident: int, question: bytes, deliver: Answered) -> None:
        self.ident = ident
        self.question = question
        self.packet = encode_query(ident, question)
        self.deliver = deliver
        self.retransmitted = False
        self.settled = False


class WireChannel:
    """Queries to one DNS server over one connected UDP socket.

    The same interface as the c-ares channel: :meth:`ask` and :meth:`close`.
    A connected socket only receives from the server, and a closed port on
    the server shows up as "connection refused" at once.
    """

    replace_after_silence = False
    """A silence leaves this channel as good as new; no need for a fresh one."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        server: tuple[str, int] | None,
        timeout: float,
    ) -> None:
        self.loop = loop
        self.timeout = timeout
        self.retransmit_after = timeout / 2
        """An unanswered query is sent once more after this long, never twice."""
        self.closed = False
        self.retransmissions = 0
        self.stray_answers = 0
        """Packets that answer no query in flight (late, foreign or unreadable)."""
        self.server = server or system_nameserver()
        self._silence = NoAnswerError(f"timeout after {timeout:g} s")

        self._pending: dict[int, _Query] = {}
        self._deadlines: collections.deque[tuple[float, _Query]] = collections.deque()
        self._resends: collections.deque[tuple[float, _Query]] = collections.deque()
        """Queries in the order sent; all share one timeout, so the oldest
        is always the next one due."""
        self._random_ids: list[int] = []
        self._tick_every = min(max(timeout / 8, 0.02), 0.25)
        self._ticker: asyncio.TimerHandle | None = None

        address, port = self.server
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_DGRAM)
        self._socket.setblocking(False)
        # Room for a burst of answers while the loop is busy elsewhere.
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self._socket.connect((address, port))
        loop.add_reader(self._socket.fileno(), self._read)

    def ask(self, name: str, qtype: str, deliver: Answered) -> None:
        """Send a query; ``deliver(records, error)`` runs exactly once, later.

        Records are lists of :mod:`dnsbl_packet` records, ``[]`` for NXDOMAIN
        or no data. Failures found while sending are delivered on the next
        turn of the loop, so a caller that asks again from its callback
        cannot recurse without bound.
        """
        try:
            question = encode_question(name, qtype)
        except (ValueError, KeyError) as error:
            self.loop.call_soon(deliver, None, ServerError(f"bad query: {error}"))
            return
        if len(self._pending) >= 0xF000:
            self.loop.call_soon(deliver, None, ServerError("too many queries"))
            return

        query = _Query(self._new_id(), question, deliver)
        self._pending[query.ident] = query
        now = self.loop.time()
        self._deadlines.append((now + self.timeout, query))
        self._resends.append((now + self.retransmit_after, query))
        if self._ticker is None:
            self._ticker = self.loop.call_later(self._tick_every, self._tick)
        self._send(query)

    def _new_id(self) -> int:
        """A random id that no query in flight holds (os.urandom, in batches)."""
        while True:
            if not self._random_ids:
                self._random_ids = array.array("H", os.urandom(2048)).tolist()
            ident = self._random_ids.pop()
            if ident not in self._pending:
                return ident

    def _send(self, query: _Query) -> None:
        try:
            self._socket.send(query.packet)
        except ConnectionRefusedError:
            self.loop.call_soon(self._refused)
        except (BlockingIOError, InterruptedError):
            pass  # the send buffer is full: the retransmission tries again
        except OSError as error:
            failure = NoAnswerError(f"cannot send: {error.strerror}")
            self.loop.call_soon(self._settle, query, None, failure)

    def _read(self) -> None:
        """Read the answers that have arrived and settle their queries."""
        receive = self._socket.recv
        for _ in range(READS_PER_WAKE):
            try:
                packet = receive(4096)
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionRefusedError:
                self._refused()
                continue
            except OSError as error:
                log.warning("DNS socket to %s failed: %s", self.server, error)
                return
            self._take(packet)

    def _take(self, packet: bytes) -> None:
        """Settle the query this packet answers, if it answers one."""
        ident = answer_id(packet)
        query = self._pending.get(ident) if ident is not None else None
        if query is None or not answers_question(packet, query.question):
            self.stray_answers += 1
            return

        try:
            answer = read_answer(packet, query.question)
        except (MalformedAnswerError, IndexError) as error:
            self._settle(query, None, ServerError(f"malformed answer: {error}"))
            return

        if answer.truncated:
            self._settle(query, None, ServerError("answer truncated"))
        elif answer.rcode in (NOERROR, NXDOMAIN):
            self._settle(query, answer.records, None)
        else:
            reason = RCODE_REASONS.get(answer.rcode, f"DNS error {answer.rcode}")
            self._settle(query, None, ServerError(reason))

    def _settle(self, query: _Query, records: Any, error: Exception | None) -> None:
        if query.settled:
            return
        query.settled = True
        del self._pending[query.ident]
        query.deliver(records, error)

    def _refused(self) -> None:
        """The server's port is closed: every query in flight is unanswerable."""
        refused = NoAnswerError("connection refused")
        for query in list(self._pending.values()):
            self._settle(query, None, refused)

    def _tick(self) -> None:
        """Send once more what is slow to be answered; expire what is overdue."""
        self._ticker = None
        if self.closed:
            return

        # Answers that arrived while the loop was busy count before deadlines.
        self._read()

        now = self.loop.time()
        resends = self._resends
        while resends and (resends[0][0] <= now or resends[0][1].settled):
            _when, query = resends.popleft()
            if not query.settled:
                query.retransmitted = True
                self.retransmissions += 1
                self._send(query)

        deadlines = self._deadlines
        while deadlines and (deadlines[0][0] <= now or deadlines[0][1].settled):
            _deadline, query = deadlines.popleft()
            self._settle(query, None, self._silence)

        # A query asked from a callback above may have started a ticker already;
        # a second one would never be cancelled, and they would multiply.
        if self._ticker is None and deadlines:
            self._ticker = self.loop.call_later(self._tick_every, self._tick)

    def close(self) -> None:
        """Stop watching the socket and drop what is pending, unanswered."""
        if self.closed:
            return

        self.closed = True
        if self._ticker is not None:
            self._ticker.cancel()
        self.loop.remove_reader(self._socket.fileno())
        self._socket.close()
        self._pending.clear()
        self._deadlines.clear()
        self._resends.clear()
