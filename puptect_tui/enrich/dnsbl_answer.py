"""What one zone said about one address, and how long we may believe it.

The rules that turn A records into a verdict live here, apart from the DNS
plumbing, because they are what an analyst relies on: a listing is an answer in
127.0.0.0/8 other than 127.0.0.1; 127.255.255.0/24 is the operator telling us
that the query was refused or rate limited; anything outside 127.0.0.0/8 is a
resolver that rewrites answers, which must never read as "listed".
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from pydnsbl.providers import Provider

from puptect_tui.enrich.reputation import Listing

LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")
OPERATOR_ERRORS = ipaddress.IPv4Network("127.255.255.0/24")
OPERATOR_REASONS = {
    "127.255.255.252": "zone answered 127.255.255.252: typo or zone misconfigured",
    "127.255.255.254": "zone answered 127.255.255.254: public resolver refused",
    "127.255.255.255": "zone answered 127.255.255.255: rate limited",
}
NOT_LISTED_CODE = "127.0.0.1"
"""Some zones answer this for "known, not listed"; it is never a listing."""

MAX_TTL = 24 * 3600.0
"""Longest we keep any answer, whatever TTL the zone gave."""
ERROR_TTL = 300.0
"""Longest we keep an operator's error code, so a refusal is retried soon."""


@dataclass(slots=True, frozen=True)
class ZoneAnswer:
    """One zone's verdict on one address: listed, not listed, or failed."""

    listing: Listing | None = None
    error: str | None = None
    ttl: float = 0.0
    """Seconds the answer may be reused; 0 for failures we must not cache."""

    @property
    def failed(self) -> bool:
        return self.error is not None


def read_a_records(provider: Provider, records: Sequence) -> ZoneAnswer:
    """The verdict carried by a zone's A records (pycares results).

    The TXT record is fetched later, only for listings, so the listing returned
    here has ``txt=None``.
    """
    ttl = min((max(record.ttl, 0) for record in records), default=0)
    ttl = min(float(ttl), MAX_TTL)
    codes = sorted({record.host for record in records}, key=ipaddress.IPv4Address)

    rewritten = [c for c in codes if ipaddress.IPv4Address(c) not in LOOPBACK]
    if rewritten:
        reason = f"resolver rewrote answer to {', '.join(rewritten)}"
        return ZoneAnswer(error=reason, ttl=min(ttl, ERROR_TTL))

    operator = [c for c in codes if ipaddress.IPv4Address(c) in OPERATOR_ERRORS]
    if operator:
        code = operator[0]
        reason = OPERATOR_REASONS.get(code, f"zone answered {code}: operator error")
        return ZoneAnswer(error=reason, ttl=min(ttl, ERROR_TTL))

    listed = [record for record in records if record.host != NOT_LISTED_CODE]
    if not listed:
        return ZoneAnswer(ttl=ttl)

    listing = Listing(
        zone=provider.host,
        codes=tuple(c for c in codes if c != NOT_LISTED_CODE),
        categories=tuple(sorted(provider.process_response(listed))),
    )
    return ZoneAnswer(listing=listing, ttl=ttl)


class AnswerCache:
    """A bounded LRU of zone answers that expire with their TTL.

    Shared by the caller's thread (a lookup answered from cache never leaves it)
    and the DNS worker thread, hence the lock. ``clock`` is injectable so tests
    can step past a TTL without sleeping.
    """

    def __init__(self, size: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = max(size, 1)
        self.clock = clock
        self._answers: OrderedDict[Hashable, tuple[float, ZoneAnswer]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._answers)

    def get_all(self, keys: Sequence[Hashable]) -> list[ZoneAnswer | None]:
        """Fresh answers for the keys, ``None`` where missing or expired."""
        now = self.clock()
        found: list[ZoneAnswer | None] = []
        with self._lock:
            for key in keys:
                entry = self._answers.get(key)
                if entry is None or entry[0] <= now:
                    found.append(None)
                    continue

                self._answers.move_to_end(key)
                found.append(entry[1])
        return found

    def put(self, key: Hashable, answer: ZoneAnswer) -> None:
        """Keep an answer for its TTL; the least recently used falls out."""
        if answer.ttl <= 0:
            return

        expires = self.clock() + answer.ttl
        with self._lock:
            self._answers[key] = (expires, answer)
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
