"""The DNS blocklist zones we ask, as pydnsbl providers.

A provider knows its zone's host name and turns the zone's return codes into
pydnsbl's categories, so an analyst reads "exploits" rather than "127.0.0.4".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydnsbl.providers import (
    BASE_PROVIDERS,
    DNSBL_CATEGORY_ABUSED,
    DNSBL_CATEGORY_EXPLOITS,
    DNSBL_CATEGORY_MALWARE,
    DNSBL_CATEGORY_SPAM,
    DNSBL_CATEGORY_UNKNOWN,
    Provider,
    ZenSpamhaus,
)

ALL = "all"
"""The zone name that stands for pydnsbl's whole list of IP zones."""

DEFAULT_ZONES: tuple[str, ...] = (
    "bl.blocklist.de",
    "dnsbl.dronebl.org",
    "rbl.efnetrbl.org",
    "zen.spamhaus.org",
)
"""Few, live zones that list attacking hosts, not only mail senders."""


class CodedProvider(Provider):
    """A zone whose return codes map to categories through a table."""

    def __init__(self, host: str, categories: Mapping[str, set[str]]) -> None:
        super().__init__(host)
        self.categories = dict(categories)

    def process_response(self, response: Iterable) -> set[str]:
        """Categories for the A answers; a code not in the table is "unknown"."""
        found: set[str] = set()
        for answer in response:
            found |= self.categories.get(answer.host, {DNSBL_CATEGORY_UNKNOWN})
        return found


def _codes(table: Mapping[int, str]) -> dict[str, set[str]]:
    """Expand ``{last octet: category}`` into ``{"127.0.0.N": {category}}``."""
    return {f"127.0.0.{octet}": {category} for octet, category in table.items()}


BLOCKLIST_DE = CodedProvider(
    "bl.blocklist.de",
    # Every entry is a host reported for attacks (ssh, mail, web logins).
    _codes({2: DNSBL_CATEGORY_EXPLOITS}),
)

DRONEBL = CodedProvider(
    "dnsbl.dronebl.org",
    _codes(
        {
            3: DNSBL_CATEGORY_MALWARE,  # IRC drone
            5: DNSBL_CATEGORY_MALWARE,  # bottler
            6: DNSBL_CATEGORY_MALWARE,  # unknown spambot or drone
            7: DNSBL_CATEGORY_MALWARE,  # DDoS drone
            8: DNSBL_CATEGORY_ABUSED,  # SOCKS proxy
            9: DNSBL_CATEGORY_ABUSED,  # HTTP proxy
            10: DNSBL_CATEGORY_ABUSED,  # proxy chain
            11: DNSBL_CATEGORY_ABUSED,  # web page proxy
            12: DNSBL_CATEGORY_ABUSED,  # open DNS resolver
            13: DNSBL_CATEGORY_EXPLOITS,  # brute force attacker
            14: DNSBL_CATEGORY_ABUSED,  # open Wingate proxy
            15: DNSBL_CATEGORY_EXPLOITS,  # compromised router or gateway
            16: DNSBL_CATEGORY_MALWARE,  # autorooting worm
            17: DNSBL_CATEGORY_MALWARE,  # botnet address
            19: DNSBL_CATEGORY_ABUSED,  # abused VPN service
        }
    ),
)

EFNET_RBL = CodedProvider(
    "rbl.efnetrbl.org",
    _codes(
        {
            1: DNSBL_CATEGORY_ABUSED,  # open proxy
            2: DNSBL_CATEGORY_SPAM,  # spamtrap 666
            3: DNSBL_CATEGORY_SPAM,  # spamtrap 50
            4: DNSBL_CATEGORY_ABUSED,  # Tor exit
            5: DNSBL_CATEGORY_MALWARE,  # drones and flooding
        }
    ),
)

KNOWN_PROVIDERS: dict[str, Provider] = {
    provider.host: provider
    for provider in (*BASE_PROVIDERS, BLOCKLIST_DE, DRONEBL, EFNET_RBL, ZenSpamhaus())
}
"""Zones whose return codes we can name; any other zone gets plain "unknown"."""


def zones_from_names(names: Iterable[str]) -> list[Provider]:
    """Providers for zone names, in order and without repeats.

    ``"all"`` expands to pydnsbl's full list of IP zones, so ``--dnsbl-zone all``
    reaches every list pydnsbl knows without us copying its names.
    """
    providers: dict[str, Provider] = {}
    for name in names:
        host = name.strip().strip(".").lower()
        if not host:
            continue

        if host == ALL:
            for provider in BASE_PROVIDERS:
                providers.setdefault(provider.host, provider)
            continue

        providers.setdefault(host, KNOWN_PROVIDERS.get(host) or Provider(host))
    return list(providers.values())
