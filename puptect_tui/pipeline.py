"""Enrich and score one event at a time: the part both front ends share.

Everything that answers at once (local lists, the agent, the country) is looked
up in-line. DNS blocklists answer later from their own thread; the event is
scored at once from what is known and rescored when the answer comes, so a slow
DNS server delays a verdict, never the stream.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Final

from puptect_tui.detect.detector import Detector
from puptect_tui.detect.settings import DetectSettings
from puptect_tui.detect.verdict import Verdict
from puptect_tui.enrich.agent import parse_agent
from puptect_tui.enrich.blocklist import Blocklist, Blocklists
from puptect_tui.enrich.dnsbl import DnsblChecker, DnsblHealth
from puptect_tui.enrich.dnsbl_zones import DEFAULT_ZONES, zones_from_names
from puptect_tui.enrich.geo import Geo
from puptect_tui.enrich.reputation import Reputation
from puptect_tui.events import Event
from puptect_tui.settings import Settings, SettingsError

UNCHECKED: Final = Reputation(skipped="dnsbl off")
"""Shared by every event on no local list while DNSBL is off; never changed."""

LateAnswer = Callable[[Event, Verdict], None]
"""Called from the DNS thread with the rescored event and its verdict before."""


class Pipeline:
    """The enrichers and the detector, built once from the settings."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.detector = Detector(_detect_settings(settings))
        self.blocklists = Blocklists(_load_blocklists(settings.blocklists))
        self.geo = _open_geo(settings.asn_db)
        self.dnsbl = _dnsbl_checker(settings) if settings.dnsbl else None
        self._lock = threading.RLock()
        self._listing = self.blocklists.listing if self.blocklists.lists else None
        """Asks the local lists about an address; None when there are none."""

    def start(self) -> None:
        if self.dnsbl is not None:
            self.dnsbl.start()

    def close(self) -> None:
        if self.dnsbl is not None:
            self.dnsbl.close()

    @property
    def dnsbl_health(self) -> DnsblHealth | None:
        return None if self.dnsbl is None else self.dnsbl.health

    def process(self, event: Event, on_late: LateAnswer | None = None) -> Verdict:
        """Enrich and score ``event`` in place; return the verdict it got now.

        When DNS answers are outstanding, ``event.reputation.pending`` is true
        and ``on_late`` is called with the event once they are in and the
        verdict has been updated. The lock makes sure a quick answer cannot
        land before the first verdict does.
        """
        if self.dnsbl is None:
            return self._process_alone(event)

        with self._lock:
            event.agent = parse_agent(event.useragent)
            event.place = self.geo.place(event.address, event.ip)
            local = self.blocklists.listing(event.address)
            event.reputation = self._reputation(event, local, on_late)
            event.verdict = self.detector.score(event)
            return event.verdict

    def _process_alone(self, event: Event) -> Verdict:
        """Without DNS lookups no answer can come late: no lock, no callback."""
        event.agent = parse_agent(event.useragent)
        event.place = self.geo.place(event.address, event.ip)
        local = None if self._listing is None else self._listing(event.address)
        if local:
            event.reputation = Reputation(local=local, skipped="dnsbl off")
        else:
            event.reputation = UNCHECKED
        event.verdict = verdict = self.detector.score(event)
        return verdict

    def _reputation(
        self, event: Event, local: tuple[str, ...], on_late: LateAnswer | None
    ) -> Reputation:

        def answered(reputation: Reputation) -> None:
            with self._lock:
                reputation.local = local
                event.reputation = reputation
                reason = self.detector.reputation_reason(event)
                before = event.verdict
                event.verdict = before.replacing("reputation.listed", reason)
            if on_late is not None:
                on_late(event, before)

        dnsbl = self.dnsbl
        if dnsbl is None:
            return Reputation(local=local, skipped="dnsbl off")
        known = dnsbl.lookup(event.address, answered)
        if known is not None:
            known.local = local
            return known
        return Reputation(local=local, pending=True)


def _detect_settings(settings: Settings) -> DetectSettings:
    try:
        return DetectSettings.from_mapping(settings.detect)
    except ValueError as error:
        raise SettingsError(f"[detect] {error}") from None


def _load_blocklists(paths: list[str]) -> list[Blocklist]:
    """Each list is loaded once; it logs its own unreadable lines."""
    try:
        return [Blocklist.load(path) for path in paths]
    except OSError as error:
        raise SettingsError(str(error)) from None


def _open_geo(asn_db: str | None) -> Geo:
    try:
        return Geo(asn_db)
    except (OSError, ValueError) as error:
        raise SettingsError(f"cannot use --asn-db {asn_db}: {error}") from None


def _dnsbl_checker(settings: Settings) -> DnsblChecker:
    try:
        zones = zones_from_names(settings.dnsbl_zones) if settings.dnsbl_zones else None
    except ValueError as error:
        raise SettingsError(f"--dnsbl-zone: {error}") from None
    resolver, timeout = settings.resolver, settings.dnsbl_timeout
    concurrency = settings.dnsbl_concurrency
    try:
        return DnsblChecker(
            DEFAULT_ZONES if zones is None else zones,
            resolver=resolver,
            timeout=timeout,
            concurrency=concurrency,
        )
    except ValueError as error:
        raise SettingsError(f"--resolver: {error}") from None
