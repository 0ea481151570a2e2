"""Talking to the DNS server: our own timeouts, and noticing when it is down.

We drive aiodns ourselves instead of pydnsbl's checker because the checker
keeps neither TTLs nor TXT records and turns every failure into one exception.
And we do not trust aiodns 3.6.1 (the version pydnsbl's pin selects) with the
timeout: with c-ares 1.34, once one query has timed out against a silent
server, every later query on that channel waits forever instead of timing out.
So every query runs under an asyncio timeout of our own, a channel that saw a
timeout is replaced by a fresh one, and after a few timeouts in a row the
server is judged down: queries fail at once until a probe gets an answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from typing import Any

import aiodns
import pycares

log = logging.getLogger(__name__)

NOT_ANSWERING = "resolver not answering"
NO_ANSWER_CODES = frozenset(
    {pycares.errno.ARES_ETIMEOUT, pycares.errno.ARES_ECONNREFUSED}
)
"""c-ares errors that mean the server did not answer, as opposed to a DNS error."""
EMPTY_CODES = frozenset({pycares.errno.ARES_ENOTFOUND, pycares.errno.ARES_ENODATA})
"""NXDOMAIN and "no such record": a real answer that says "not listed"."""


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
    ) -> None:
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
        self._slots = asyncio.Semaphore(max(concurrency, 1))
        self._channel = self._new_channel()
        self._tasks: set[asyncio.Task] = set()
        """The probe and the closing of replaced channels."""
        self._probe_name = "2.0.0.127.invalid"

    def _new_channel(self) -> aiodns.DNSResolver:
        """A fresh c-ares channel; its own retries are off, we time queries."""
        options: dict[str, Any] = {"timeout": self.timeout, "tries": 1}
        if self.server is None:
            return aiodns.DNSResolver(**options)

        address, port = self.server
        return aiodns.DNSResolver(
            nameservers=[address], udp_port=port, tcp_port=port, **options
        )

    def probe_with(self, zone: str) -> None:
        """Probe with RFC 5782's test entry of a zone, which any server answers."""
        self._probe_name = f"2.0.0.127.{zone}"

    async def query(self, name: str, qtype: str) -> list:
        """The records for a name; ``[]`` for NXDOMAIN or no such record.

        Raises :class:`QueryError` with the reason when there is no usable
        answer, at once while the server is judged down.
        """
        async with self._slots:
            if self.down:
                raise QueryError(NOT_ANSWERING)
            return await self._ask(name, qtype)

    async def _ask(self, name: str, qtype: str) -> list:
        channel = self._channel
        self.queries_sent += 1
        silence = f"timeout after {self.timeout:g} s"
        try:
            records = await asyncio.wait_for(channel.query(name, qtype), self.timeout)
        except TimeoutError:
            pass
        except aiodns.error.DNSError as error:
            code = error.args[0]
            if code not in NO_ANSWER_CODES:
                self._timeouts_in_row = 0
                if code in EMPTY_CODES:
                    return []
                raise QueryError(_reason(error)) from None
            if code != pycares.errno.ARES_ETIMEOUT:
                silence = _reason(error)
        else:
            self._timeouts_in_row = 0
            return records if isinstance(records, list) else [records]

        self._no_answer(channel)
        raise QueryError(silence)

    def _no_answer(self, channel: aiodns.DNSResolver) -> None:
        """Count a silence; replace the channel; judge the server down."""
        self.timeouts += 1
        self._timeouts_in_row += 1
        if channel is self._channel:
            self._channel = self._new_channel()
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

    async def _retire(self, channel: aiodns.DNSResolver) -> None:
        """Close a replaced channel once its queries have met our timeout."""
        await asyncio.sleep(self.timeout + 0.5)
        await channel.close()

    async def _probe_until_up(self) -> None:
        """Ask the test entry every few seconds until any answer comes back."""
        while self.down:
            await asyncio.sleep(self.probe_every)
            with contextlib.suppress(QueryError):
                await self._ask(self._probe_name, "A")

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
        self._channel.cancel()
        await asyncio.sleep(0)
        await self._channel.close()


def _reason(error: aiodns.error.DNSError) -> str:
    """The reason c-ares gives, for ``Reputation.errors``."""
    code, *message = error.args
    return str(message[0]) if message else pycares.errno.strerror(code)
