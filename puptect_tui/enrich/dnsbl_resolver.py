"""Talking to the DNS server: our own timeouts, and noticing when it is down.

We query the server ourselves instead of through pydnsbl's checker because
the checker keeps neither TTLs nor TXT records and turns every failure into
one exception. Queries go out through a transport: our own UDP one
(``dnsbl_wire``, the default) or a c-ares channel (``dnsbl_channel``). Either
way every query runs under a deadline of our own, and after a few silences
in a row the server is judged down: queries fail at once until a probe gets
an answer. A c-ares channel that saw a timeout is replaced by a fresh one,
because with c-ares 1.34 every later query on it could wait forever.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ipaddress
import logging
import socket
from collections.abc import Callable
from typing import Protocol

from puptect_tui.enrich.dnsbl_wire import Answered, NoAnswerError, WireChannel

log = logging.getLogger(__name__)

NOT_ANSWERING = "resolver not answering"
TRANSPORTS = ("wire", "cares")
"""Our own UDP transport, or c-ares through pycares."""


Delivered = Callable[[list | None, str | None], None]
"""Called with the records and ``None``, or ``None`` and the reason for none."""


class Transport(Protocol):
    """What the nameserver needs of a channel to the server."""

    replace_after_silence: bool
    retransmissions: int

    def ask(self, name: str, qtype: str, deliver: Answered) -> None: ...

    def close(self) -> None: ...


class QueryError(Exception):
    """A query that got no usable answer; the message is the reason to show."""


def parse_resolver(text: str | None) -> tuple[str, int] | None:
    """``"HOST"``, ``"HOST:PORT"`` or ``"[V6]:PORT"`` as an (address, port) pair.

    ``None`` or an empty string mean the system's resolver. A host name is
    resolved once, here, so the worker never waits on the system resolver to
    find the server it should ask.
    """
    if not text:
        return None

    host, port = text.strip(), 53
    if host.startswith("["):
        host, _, rest = host[1:].partition("]")
        if rest:
            port = _port(rest.removeprefix(":"), text)
    elif host.count(":") == 1:
        host, _, rest = host.partition(":")
        port = _port(rest, text)

    try:
        return str(ipaddress.ip_address(host)), port
    except ValueError:
        pass

    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except OSError as error:
        raise ValueError(f"resolver {text!r}: {error}") from None
    return str(found[0][4][0]), port


def _port(text: str, whole: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"resolver {whole!r}: port must be a number 1-65535")
    return int(text)


class Nameserver:
    """One DNS server, asked with bounded concurrency and bounded time.

    Lives on the worker's event loop; nothing here is thread safe.
    """

    def __init__(
        self,
        server: tuple[str, int] | None,
        *,
        timeout: float,
        concurrency: int,
        down_after: int = 3,
        probe_every: float = 2.0,
        transport: str = "wire",
    ) -> None:
        if transport not in TRANSPORTS:
            raise ValueError(f"transport must be one of {TRANSPORTS}: {transport!r}")
        self.transport = transport
        self.server = server
        self.timeout = timeout
        self.down_after = down_after
        """Timeouts in a row after which the server is judged down."""
        self.probe_every = probe_every
        """Seconds between probes while the server is down."""
        self.down = False
        self.queries_sent = 0
        self.timeouts = 0
        self._timeouts_in_row = 0
        self.concurrency = max(concurrency, 1)
        self._busy = 0
        self._waiting: collections.deque[tuple[str, str, Delivered]] = (
            collections.deque()
        )
        """Queries waiting for a slot, oldest first (see :meth:`ask`)."""
        self._channel = self._new_channel()
        self._tasks: set[asyncio.Task] = set()
        """The probe and the closing of replaced channels."""
        self._retiring: set[Transport] = set()
        self._retransmissions_before = 0
        """Retransmissions of channels already replaced."""
        self._probe_name = "2.0.0.127.invalid"

    def _new_channel(self) -> Transport:
        """A fresh channel of the chosen transport; it keeps our deadline.

        pycares is imported only for the c-ares transport, so the default
        one does not load it at all.
        """
        loop = asyncio.get_running_loop()
        if self.transport == "wire":
            return WireChannel(loop, self.server, self.timeout)

        from puptect_tui.enrich.dnsbl_channel import Channel

        return Channel(loop, self.server, self.timeout)

    @property
    def retransmissions(self) -> int:
        """Queries our transport sent a second time (not counted as sent)."""
        return self._retransmissions_before + self._channel.retransmissions

    def probe_with(self, zone: str) -> None:
        """Probe with RFC 5782's test entry of a zone, which any server answers."""
        self._probe_name = f"2.0.0.127.{zone}"

    async def query(self, name: str, qtype: str) -> list:
        """The records for a name; ``[]`` for NXDOMAIN or no such record.

        Raises :class:`QueryError` with the reason when there is no usable
        answer, at once while the server is judged down.
        """
        answer = asyncio.get_running_loop().create_future()
        self.ask(name, qtype, _settle_with(answer))
        return await answer

    def ask(self, name: str, qtype: str, deliver: Delivered) -> None:
        """Ask, and call ``deliver(records, None)`` or ``deliver(None, reason)``.

        The callback form of :meth:`query`, for the hot path: one lookup of
        five zones used to cost ten tasks and futures, which took the loop
        longer than c-ares took to send the queries. Queries beyond
        ``concurrency`` wait in a plain queue, first come first served.
        """
        if self._busy >= self.concurrency or self._waiting:
            self._waiting.append((name, qtype, deliver))
            return

        self._busy += 1
        if not self._send(name, qtype, deliver):
            self._pass_slot_on()

    def _send(self, name: str, qtype: str, deliver: Delivered) -> bool:
        """Send on the current channel; ``False`` if failed at once (server down)."""
        if self.down:
            deliver(None, NOT_ANSWERING)
            return False

        self._transmit(name, qtype, deliver, holds_slot=True)
        return True

    def _transmit(
        self, name: str, qtype: str, deliver: Delivered, *, holds_slot: bool
    ) -> None:
        channel = self._channel
        self.queries_sent += 1

        def answered(records: object, error: Exception | None) -> None:
            if holds_slot:
                self._pass_slot_on()
            found, failure = self._judge(channel, records, error)
            deliver(found, failure)

        channel.ask(name, qtype, answered)

    def _pass_slot_on(self) -> None:
        """Hand a finished query's slot to the oldest waiter, or free it.

        While the server is down waiters fail at once, in a loop rather than
        by recursion, so a long queue cannot exhaust the stack.
        """
        while self._waiting:
            name, qtype, deliver = self._waiting.popleft()
            if self._send(name, qtype, deliver):
                return
        self._busy -= 1

    def _judge(
        self, channel: Transport, records: object, error: Exception | None
    ) -> tuple[list | None, str | None]:
        """Records, or the reason there are none; silences count toward down."""
        if error is None:
            self._timeouts_in_row = 0
            return records, None  # type: ignore[return-value]

        if not isinstance(error, NoAnswerError):
            self._timeouts_in_row = 0
            return None, getattr(error, "reason", str(error))

        self._no_answer(channel)
        return None, error.reason

    def _no_answer(self, channel: Transport) -> None:
        """Count a silence; replace a c-ares channel; judge the server down."""
        self.timeouts += 1
        self._timeouts_in_row += 1
        if channel is self._channel and channel.replace_after_silence:
            self._retransmissions_before += channel.retransmissions
            self._channel = self._new_channel()
            self._retiring.add(channel)
            retire = asyncio.get_running_loop().create_task(self._retire(channel))
            self._tasks.add(retire)
            retire.add_done_callback(self._tasks.discard)

        if self._timeouts_in_row >= self.down_after and not self.down:
            self.down = True
            log.warning(
                "DNS server %s not answering after %d timeouts; failing lookups "
                "at once and probing every %g s",
                self.describe(),
                self._timeouts_in_row,
                self.probe_every,
            )
            probe = asyncio.get_running_loop().create_task(self._probe_until_up())
            self._tasks.add(probe)
            probe.add_done_callback(self._tasks.discard)

    async def _retire(self, channel: Transport) -> None:
        """Close a replaced channel once its queries have met our timeout."""
        await asyncio.sleep(self.timeout + 0.5)
        channel.close()
        self._retiring.discard(channel)

    async def _probe_until_up(self) -> None:
        """Ask the test entry every few seconds until any answer comes back."""
        while self.down:
            await asyncio.sleep(self.probe_every)
            answer = asyncio.get_running_loop().create_future()
            deliver = _settle_with(answer)
            self._transmit(self._probe_name, "A", deliver, holds_slot=False)
            with contextlib.suppress(QueryError):
                await answer

            if self._timeouts_in_row == 0:
                self.down = False
                log.warning("DNS server %s answers again", self.describe())

    def describe(self) -> str:
        if self.server is None:
            return "(system resolver)"
        address, port = self.server
        return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"

    async def close(self) -> None:
        """Stop probing and cancel what is in flight."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for channel in [*self._retiring, self._channel]:
            channel.close()


def _settle_with(answer: asyncio.Future) -> Delivered:
    """A delivery callback that settles a future (for the probe)."""

    def settle(records: list | None, failure: str | None) -> None:
        if answer.done():
            return
        if failure is not None:
            answer.set_exception(QueryError(failure))
        else:
            answer.set_result(records)

    return settle
