"""DNS blocklists: which zones list a login's source address.

Lookups run on their own event loop in a worker thread, so the stream never
waits on DNS: :meth:`DnsblChecker.lookup` answers at once from the cache, or
later through a callback. Zones come from pydnsbl's provider model; the DNS
work and the rules for reading answers live in ``dnsbl_resolver`` and
``dnsbl_answer``.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydnsbl.providers import Provider

from puptect_tui.enrich.dnsbl_answer import (
    MAX_TTL,
    AnswerCache,
    ZoneAnswer,
    read_a_records,
)
from puptect_tui.enrich.dnsbl_resolver import Nameserver, QueryError, parse_resolver
from puptect_tui.enrich.dnsbl_zones import ALL, DEFAULT_ZONES, zones_from_names
from puptect_tui.enrich.reputation import Reputation
from puptect_tui.events import Address

__all__ = [
    "ALL",
    "DEFAULT_ZONES",
    "DnsblChecker",
    "DnsblHealth",
    "is_queryable",
    "query_name",
    "zones_from_names",
]

log = logging.getLogger(__name__)

PRIVATE = "private address"
STOPPED = "dnsbl stopped"


def is_queryable(address: Address) -> bool:
    """Only global unicast addresses go to a public zone.

    Asking about a private or loopback address leaks the network's layout to
    the list operator and can only ever answer "not listed".
    """
    return (
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_unspecified
    )


def query_name(address: Address, zone: str) -> str:
    """The name to ask: reversed octets, or reversed nibbles for IPv6."""
    reversed_address = address.reverse_pointer.rsplit(".", 2)[0]
    return f"{reversed_address}.{zone}"


@dataclass(slots=True, frozen=True)
class DnsblHealth:
    """How the blocklist lookups are going, for the header and the summary."""

    zones: tuple[str, ...]
    answered: dict[str, int] = field(default_factory=dict)
    """Per zone, queries that got a usable answer (listed or not)."""
    failed: dict[str, int] = field(default_factory=dict)
    """Per zone, queries that got none (timeout, error code, rewrite)."""
    failing: dict[str, str] = field(default_factory=dict)
    """Zones whose latest query failed, with the reason."""
    lookups: int = 0
    queries_sent: int = 0
    retransmissions: int = 0
    """Queries sent a second time because the first went unanswered."""
    cache_hits: int = 0
    """Zone answers served from the cache instead of a query."""
    server_down: bool = False

    @property
    def summary(self) -> str:
        """One short phrase, such as ``dnsbl 4/4 zones ok``."""
        if self.server_down:
            return f"dnsbl down ({sum(self.failed.values())} failed)"
        working = len(self.zones) - len(self.failing)
        return f"dnsbl {working}/{len(self.zones)} zones ok"


class DnsblChecker:
    """Asks DNS blocklist zones about addresses, from a worker thread.

    Every answer, listed or not, is cached for its TTL; one query per address
    and zone is in flight at a time, however many events carry the address.
    """

    def __init__(
        self,
        zones: Sequence[str | Provider] = DEFAULT_ZONES,
        *,
        resolver: str | None = None,
        timeout: float = 2.0,
        concurrency: int = 200,
        cache_size: int = 100_000,
        negative_ttl: float = 300.0,
        probe_every: float = 2.0,
        down_after: int = 3,
        clock: Callable[[], float] = time.monotonic,
        transport: str = "wire",
    ) -> None:
        self.providers = _providers(zones)
        self.zones = tuple(provider.host for provider in self.providers)
        self.server = parse_resolver(resolver)
        self.timeout = timeout
        self.concurrency = concurrency
        self.negative_ttl = negative_ttl
        """Least time a "not listed" answer is kept; the zone's SOA may say more."""
        self.probe_every = probe_every
        self.down_after = down_after
        self.transport = transport
        """``"wire"``, our own UDP transport, or ``"cares"`` through pycares."""
        self.cache = AnswerCache(cache_size, clock)

        self._lock = threading.Lock()
        self._answered = dict.fromkeys(self.zones, 0)
        self._failed = dict.fromkeys(self.zones, 0)
        self._failing: dict[str, str] = {}
        self._lookups = 0
        self._cache_hits = 0
        self._soa_minimum: dict[str, float] = {}

        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._nameserver: Nameserver | None = None
        self._in_flight: dict[tuple[Address, str], list[tuple[_Lookup, int]]] = {}
        """Per address and zone asked, the lookups waiting and the zone's place."""
        self._running: set[_Lookup] = set()
        self._lookup_tasks: set[asyncio.Task] = set()
        """Start-up tasks (the zones' SOA records)."""
        self._backlog: collections.deque[
            tuple[Address, Callable[[Reputation], None]]
        ] = collections.deque()
        """Lookups not started yet, oldest first."""
        self._active = 0
        self._starting = False
        self._handed_over: collections.deque[
            tuple[Address, Callable[[Reputation], None]]
        ] = collections.deque()
        """Lookups the caller's thread handed over since the worker last looked.

        One wake-up of the worker per burst instead of one per lookup: each
        wake-up is a write to the loop's self-pipe and a turn of the loop.
        """
        self._worker_woken = False

    def start(self) -> None:
        """Start the worker thread and its event loop; returns once it runs."""
        if self._thread is not None:
            return

        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="dnsbl", daemon=True
        )
        self._thread.start()
        ready.wait()

    def close(self) -> None:
        """Stop the worker; lookups still waiting get their zones failed."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        self._loop = None
        shutdown = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        try:
            shutdown.result(timeout=self.timeout + 5)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)

    def lookup(
        self, address: Address, callback: Callable[[Reputation], None]
    ) -> Reputation | None:
        """The address's reputation now if known, else ``None`` and a callback.

        Never blocks. The callback runs exactly once, on the worker thread,
        when every zone has answered, failed or timed out.
        """
        if not is_queryable(address):
            return Reputation(skipped=PRIVATE)

        cached = self.cache.get_all([(address, zone) for zone in self.zones])
        hits = sum(answer is not None for answer in cached)
        with self._lock:
            self._lookups += 1
            self._cache_hits += hits
        if hits == len(self.zones):
            return _reputation(self.zones, cached)

        loop = self._loop
        try:
            if loop is None:
                raise RuntimeError("not started")
            self._handed_over.append((address, callback))
            if not self._worker_woken:
                self._worker_woken = True
                loop.call_soon_threadsafe(self._take_handed_over)
        except RuntimeError:
            stopped = ZoneAnswer(error=STOPPED)
            return _reputation(self.zones, [a or stopped for a in cached])
        return None

    @property
    def health(self) -> DnsblHealth:
        """A snapshot, safe to read from any thread."""
        nameserver = self._nameserver
        with self._lock:
            return DnsblHealth(
                zones=self.zones,
                answered=dict(self._answered),
                failed=dict(self._failed),
                failing=dict(self._failing),
                lookups=self._lookups,
                queries_sent=nameserver.queries_sent if nameserver else 0,
                retransmissions=nameserver.retransmissions if nameserver else 0,
                cache_hits=self._cache_hits,
                server_down=bool(nameserver and nameserver.down),
            )

    # The worker thread: everything below runs on its event loop.

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._open())
            self._loop = loop
            ready.set()
            loop.run_forever()
        finally:
            ready.set()
            loop.close()

    async def _open(self) -> None:
        """Make the nameserver and learn each zone's negative-answer TTL."""
        self._nameserver = Nameserver(
            self.server,
            timeout=self.timeout,
            concurrency=self.concurrency,
            down_after=self.down_after,
            probe_every=self.probe_every,
            transport=self.transport,
        )
        if self.zones:
            self._nameserver.probe_with(self.zones[0])
        for zone in self.zones:
            self._track(asyncio.create_task(self._learn_soa(zone)))

    async def _learn_soa(self, zone: str) -> None:
        """RFC 2308: a zone's SOA minimum is how long NXDOMAIN may be cached."""
        assert self._nameserver is not None
        try:
            records = await self._nameserver.query(zone, "SOA")
        except QueryError as failure:
            log.info("no SOA for DNSBL zone %s: %s", zone, failure)
            return
        if records:
            self._soa_minimum[zone] = float(records[0].minttl)

    def _track(self, task: asyncio.Task) -> None:
        self._lookup_tasks.add(task)
        task.add_done_callback(self._lookup_tasks.discard)

    def _take_handed_over(self) -> None:
        """Queue every lookup handed over, then start what concurrency allows.

        The flag is lowered before the queue is read, so a lookup appended
        meanwhile is either read here or wakes the worker again.
        """
        self._worker_woken = False
        handed_over = self._handed_over
        while handed_over:
            self._backlog.append(handed_over.popleft())
        self._start_waiting()

    def _start_waiting(self) -> None:
        """Start waiting lookups while fewer than ``concurrency`` are active.

        A burst of lookups stays a plain queue instead of thousands of lookups
        started at once: that stalled the loop long enough for answers to
        overflow the socket and be lost. Re-entered from a lookup that ends
        while starting others, it leaves the work to the outer call.
        """
        if self._starting:
            return

        self._starting = True
        try:
            while self._backlog and self._active < self.concurrency:
                address, callback = self._backlog.popleft()
                self._start(address, callback)
        finally:
            self._starting = False

    def _start(self, address: Address, callback: Callable[[Reputation], None]) -> None:
        """Ask every zone whose answer is not cached, sharing queries in flight."""
        answers = self.cache.get_all([(address, zone) for zone in self.zones])
        lookup = _Lookup(callback, answers)
        if not lookup.missing:
            _deliver(callback, _reputation(self.zones, answers))
            return

        self._active += 1
        self._running.add(lookup)
        reversed_address = query_name(address, "")
        for index, provider in enumerate(self.providers):
            if answers[index] is not None:
                continue

            key = (address, provider.host)
            waiters = self._in_flight.get(key)
            if waiters is not None:
                waiters.append((lookup, index))
                continue
            self._in_flight[key] = [(lookup, index)]
            self._ask_zone(address, provider, reversed_address + provider.host)

    def _ask_zone(self, address: Address, provider: Provider, name: str) -> None:
        """One zone's answer: the A records, then the TXT record of a listing."""
        assert self._nameserver is not None

        def answered(records: list | None, failure: str | None) -> None:
            try:
                if failure is not None:
                    answer = ZoneAnswer(error=failure)
                elif records:
                    answer = read_a_records(provider, records)
                else:
                    answer = ZoneAnswer(ttl=self.not_listed_ttl(provider.host))
            except Exception as error:
                log.exception("DNSBL answer for %s unreadable", name)
                answer = ZoneAnswer(error=f"internal error: {error}")

            nameserver = self._nameserver
            if answer.listing is None or nameserver is None:
                self._zone_done(address, provider.host, answer)
                return
            nameserver.ask(
                name,
                "TXT",
                lambda texts, why: self._with_txt(address, name, answer, texts, why),
            )

        self._nameserver.ask(name, "A", answered)

    def _with_txt(
        self,
        address: Address,
        name: str,
        answer: ZoneAnswer,
        records: list | None,
        failure: str | None,
    ) -> None:
        """The listing with the operator's TXT text; kept without it on failure."""
        listing = answer.listing
        assert listing is not None
        if failure is not None:
            log.info("no TXT for %s: %s", name, failure)

        texts = [_text(record.text) for record in records or ()]
        if texts:
            listing = dataclasses.replace(listing, txt=" ".join(texts))
            answer = dataclasses.replace(answer, listing=listing)
        self._zone_done(address, listing.zone, answer)

    def _zone_done(self, address: Address, zone: str, answer: ZoneAnswer) -> None:
        """Cache and count a zone's answer; hand it to every lookup waiting on it."""
        self.cache.put((address, zone), answer)
        self._count(zone, answer)

        finished = False
        for lookup, index in self._in_flight.pop((address, zone), ()):
            if lookup.fill(index, answer):
                self._active -= 1
                self._running.discard(lookup)
                _deliver(lookup.callback, _reputation(self.zones, lookup.answers))
                finished = True
        if finished:
            self._start_waiting()

    def not_listed_ttl(self, zone: str) -> float:
        """Seconds a "not listed" answer from the zone is kept."""
        return min(max(self._soa_minimum.get(zone, 0.0), self.negative_ttl), MAX_TTL)

    def _count(self, zone: str, answer: ZoneAnswer) -> None:
        with self._lock:
            if answer.error is None:
                self._answered[zone] += 1
                self._failing.pop(zone, None)
                return

            self._failed[zone] += 1
            if zone not in self._failing:
                log.warning("DNSBL zone %s failing: %s", zone, answer.error)
            self._failing[zone] = answer.error

    async def _shutdown(self) -> None:
        """Fail what is waiting or running, then let the nameserver go."""
        stopped = [ZoneAnswer(error=STOPPED)] * len(self.zones)
        self._backlog.extend(self._handed_over)
        self._handed_over.clear()
        while self._backlog:
            _address, callback = self._backlog.popleft()
            _deliver(callback, _reputation(self.zones, stopped))
        for lookup in list(self._running):
            lookup.missing = 0
            _deliver(lookup.callback, _reputation(self.zones, stopped))
        self._running.clear()
        self._in_flight.clear()

        tasks = list(self._lookup_tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._nameserver is not None:
            await self._nameserver.close()


class _Lookup:
    """One address's lookup: the zone answers so far and who wants them."""

    __slots__ = ("answers", "callback", "missing")

    def __init__(
        self, callback: Callable[[Reputation], None], answers: list[ZoneAnswer | None]
    ) -> None:
        self.callback = callback
        self.answers = answers
        self.missing = answers.count(None)

    def fill(self, index: int, answer: ZoneAnswer) -> bool:
        """Record a zone's answer; ``True`` when it was the last one missing."""
        if self.missing <= 0 or self.answers[index] is not None:
            return False
        self.answers[index] = answer
        self.missing -= 1
        return self.missing == 0


def _providers(zones: Sequence[str | Provider]) -> list[Provider]:
    """Providers in the order given; names go through :func:`zones_from_names`."""
    providers: dict[str, Provider] = {}
    for zone in zones:
        for provider in (
            [zone] if isinstance(zone, Provider) else zones_from_names([zone])
        ):
            providers.setdefault(provider.host, provider)
    return list(providers.values())


def _reputation(
    zones: Sequence[str], answers: Sequence[ZoneAnswer | None]
) -> Reputation:
    reputation = Reputation(checked=len(zones))
    for zone, answer in zip(zones, answers, strict=True):
        if answer is None:
            continue
        if answer.error is not None:
            reputation.errors[zone] = answer.error
        elif answer.listing is not None:
            reputation.listings[zone] = answer.listing
    reputation.failed = len(reputation.errors)
    return reputation


def _deliver(callback: Callable[[Reputation], None], reputation: Reputation) -> None:
    """Run the pipeline's callback; its failure must not kill the worker."""
    try:
        callback(reputation)
    except Exception:
        log.exception("DNSBL callback failed")


def _text(text: str | bytes) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else text
