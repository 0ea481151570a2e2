"""Where logins come from: ISP, mobile and hosting prefixes by country.

Every prefix is real, globally routed address space whose registry country
(as iptocc reports it) is the one given here, so a geography lookup on a
simulated address agrees with the story the simulator tells.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from random import Random


class Network:
    """A prefix that hands out addresses, and the country it belongs to."""

    __slots__ = ("base", "country", "prefix", "size", "version")

    def __init__(self, country: str, prefix: str):
        network = ipaddress.ip_network(prefix)
        self.country = country
        self.prefix = prefix
        self.base = int(network.network_address)
        self.size = network.num_addresses
        self.version = network.version

    def address(self, rng: Random) -> str:
        """Any host address inside the prefix, never its first or last one."""
        return to_text(self.base + rng.randrange(1, self.size - 1), self.version)

    def block(self, rng: Random) -> Network:
        """A customer's block inside the prefix: a /24, or a /56 for IPv6."""
        bits = 24 if self.version == 4 else 56
        width = 32 if self.version == 4 else 128
        room = self.size >> (width - bits)
        start = self.base + (rng.randrange(room) << (width - bits))
        text = f"{to_text(start, self.version)}/{bits}"
        return Network(self.country, text)

    def __repr__(self) -> str:
        return f"Network({self.country!r}, {self.prefix!r})"


def to_text(number: int, version: int) -> str:
    """Address text without the cost of an ipaddress object for IPv4."""
    if version == 4:
        return (
            f"{number >> 24}.{(number >> 16) & 255}."
            f"{(number >> 8) & 255}.{number & 255}"
        )
    return ipaddress.IPv6Address(number).compressed


@dataclass(frozen=True, slots=True)
class Country:
    """A country's people: their clocks, where they are, their ISPs."""

    code: str
    utc_offsets: tuple[int, ...]
    """Minutes east of UTC, one per time zone people live in."""
    position: tuple[float, float]
    """Latitude and longitude of the main population centre."""
    homes: tuple[str, ...]
    """Residential broadband prefixes."""
    mobiles: tuple[str, ...]
    """Mobile carrier prefixes (mostly large NAT pools)."""


COUNTRIES = {
    country.code: country
    for country in (
        Country(
            "US",
            (-300, -360, -420, -480),
            (39.8, -98.6),
            (
                "73.162.0.0/16",
                "24.6.0.0/16",
                "98.207.0.0/16",
                "71.190.0.0/16",
                "99.39.0.0/16",
                "76.102.0.0/16",
                "68.44.0.0/16",
                "2601:640::/32",
            ),
            ("172.56.0.0/16", "174.204.0.0/16", "107.77.0.0/16", "2607:fb90::/32"),
        ),
        Country(
            "GB",
            (0,),
            (51.5, -0.1),
            (
                "86.150.0.0/16",
                "81.98.0.0/16",
                "90.204.0.0/16",
                "92.24.0.0/16",
                "2a00:23c4::/32",
            ),
            ("2.96.0.0/16", "31.94.0.0/16", "2a01:4c8::/32"),
        ),
        Country(
            "DE",
            (60,),
            (50.1, 8.7),
            (
                "79.200.0.0/16",
                "87.150.0.0/16",
                "91.32.0.0/16",
                "95.90.0.0/16",
                "2003:e0::/32",
                "2a02:8108::/32",
            ),
            ("77.183.0.0/16", "2a01:598::/32"),
        ),
        Country(
            "FR",
            (60,),
            (48.9, 2.4),
            ("90.10.0.0/16", "86.200.0.0/16", "82.65.0.0/16", "2a01:cb00::/32"),
            ("77.192.0.0/16", "2a01:e0a::/32"),
        ),
        Country(
            "NL",
            (60,),
            (52.4, 4.9),
            ("77.160.0.0/16", "84.24.0.0/16"),
            ("145.53.0.0/16",),
        ),
        Country(
            "ES",
            (60,),
            (40.4, -3.7),
            ("80.30.0.0/16", "83.45.0.0/16"),
            ("88.12.0.0/16",),
        ),
        Country(
            "IT",
            (60,),
            (41.9, 12.5),
            ("79.20.0.0/16", "87.5.0.0/16"),
            ("93.40.0.0/16",),
        ),
        Country(
            "PL",
            (60,),
            (52.2, 21.0),
            ("83.6.0.0/16", "89.64.0.0/16"),
            ("31.0.0.0/16",),
        ),
        Country(
            "SE",
            (60,),
            (59.3, 18.1),
            ("83.248.0.0/16", "90.224.0.0/16"),
            ("78.69.0.0/16",),
        ),
        Country(
            "PT",
            (0,),
            (38.7, -9.1),
            ("85.240.0.0/16", "94.60.0.0/16"),
            ("2.80.0.0/16",),
        ),
        Country(
            "GR",
            (120,),
            (37.98, 23.7),
            ("94.65.0.0/16", "2a02:587::/32"),
            ("79.166.0.0/16",),
        ),
        Country(
            "CA",
            (-300, -480),
            (43.7, -79.4),
            ("99.230.0.0/16", "70.30.0.0/16"),
            ("174.88.0.0/16",),
        ),
        Country(
            "MX",
            (-360,),
            (19.4, -99.1),
            ("187.190.0.0/16", "189.200.0.0/16"),
            ("201.141.0.0/16",),
        ),
        Country(
            "BR",
            (-180,),
            (-23.5, -46.6),
            ("177.100.0.0/16", "179.100.0.0/16", "201.80.0.0/16"),
            ("189.60.0.0/16",),
        ),
        Country(
            "JP",
            (540,),
            (35.7, 139.7),
            ("153.156.0.0/16", "60.100.0.0/16"),
            ("106.130.0.0/16", "126.0.0.0/16"),
        ),
        Country(
            "KR",
            (540,),
            (37.6, 127.0),
            ("121.130.0.0/16",),
            ("211.36.0.0/16",),
        ),
        Country(
            "IN",
            (330,),
            (19.1, 72.9),
            ("122.161.0.0/16", "106.200.0.0/16"),
            ("49.36.0.0/16", "2409:4040::/32"),
        ),
        Country(
            "SG",
            (480,),
            (1.35, 103.8),
            ("116.86.0.0/16",),
            ("118.200.0.0/16",),
        ),
        Country(
            "AU",
            (600,),
            (-33.9, 151.2),
            ("101.160.0.0/16", "120.144.0.0/16"),
            ("110.140.0.0/16",),
        ),
        Country(
            "ZA",
            (120,),
            (-26.2, 28.0),
            ("41.13.0.0/16", "102.132.128.0/17"),
            ("105.224.0.0/16",),
        ),
        Country(
            "TH",
            (420,),
            (13.8, 100.5),
            ("171.96.0.0/16", "184.22.0.0/16"),
            ("49.228.0.0/16",),
        ),
    )
}
"""Countries users live in or travel to."""

HEADQUARTERS = ("US", "GB", "DE", "FR", "NL")
"""Where the simulated company may have its main office (most users live there)."""

ABROAD = {
    "US": 30,
    "GB": 14,
    "DE": 12,
    "FR": 8,
    "NL": 4,
    "ES": 3,
    "IT": 3,
    "PL": 3,
    "SE": 2,
    "CA": 4,
    "IN": 5,
    "BR": 3,
    "JP": 2,
    "AU": 2,
    "SG": 1,
    "MX": 2,
    "ZA": 1,
    "KR": 1,
}
"""Where the rest of the staff live, by weight."""

DESTINATIONS = {
    "ES": 8,
    "IT": 6,
    "FR": 5,
    "GB": 4,
    "US": 5,
    "PT": 4,
    "GR": 4,
    "TH": 3,
    "MX": 3,
    "JP": 2,
    "DE": 2,
    "AU": 1,
}
"""Holiday destinations, by weight."""

HOSTING = tuple(
    Network(country, prefix)
    for country, prefix in (
        ("US", "159.65.0.0/16"),
        ("US", "167.99.0.0/16"),
        ("US", "45.76.0.0/16"),
        ("US", "149.28.0.0/16"),
        ("US", "172.104.0.0/16"),
        ("US", "3.80.0.0/16"),
        ("US", "54.90.0.0/16"),
        ("DE", "116.202.0.0/16"),
        ("DE", "95.216.0.0/16"),
        ("DE", "65.21.0.0/16"),
        ("DE", "185.220.100.0/22"),
        ("FR", "51.68.0.0/16"),
        ("FR", "54.36.0.0/16"),
        ("CN", "218.92.0.0/16"),
        ("CN", "61.177.172.0/24"),
        ("CN", "222.186.0.0/16"),
        ("VN", "14.160.0.0/16"),
        ("VN", "113.160.0.0/16"),
        ("LT", "141.98.10.0/24"),
        ("LT", "141.98.11.0/24"),
        ("RO", "80.94.95.0/24"),
        ("RO", "193.32.162.0/24"),
        ("RU", "5.188.206.0/24"),
        ("RU", "45.141.84.0/24"),
        ("BR", "177.54.0.0/16"),
    )
)
"""Cloud, VPS and bulletproof hosting ranges that attack traffic comes from."""

_PROXY_EXTRA = (
    ("NG", "102.89.0.0/16"),
    ("NG", "105.112.0.0/16"),
    ("ID", "36.68.0.0/16"),
    ("ID", "114.124.0.0/16"),
    ("TR", "78.160.0.0/16"),
    ("TR", "88.230.0.0/16"),
    ("UA", "46.211.0.0/16"),
    ("CN", "183.128.0.0/16"),
    ("CN", "117.136.0.0/16"),
    ("IR", "5.112.0.0/16"),
    ("PK", "39.32.0.0/16"),
    ("RU", "95.24.0.0/16"),
    ("RU", "176.59.0.0/16"),
)

PROXIES = (
    *(Network(code, prefix) for code, prefix in _PROXY_EXTRA),
    *(
        Network(country.code, prefix)
        for country in COUNTRIES.values()
        for prefix in country.homes
        if ":" not in prefix
    ),
)
"""Residential ranges that proxy networks rent out: a fresh address per request."""


def homes(country: Country) -> tuple[Network, ...]:
    return tuple(Network(country.code, prefix) for prefix in country.homes)


def mobiles(country: Country) -> tuple[Network, ...]:
    return tuple(Network(country.code, prefix) for prefix in country.mobiles)


def distance_km(here: Country, there: Country) -> float:
    """Great-circle distance between two countries' population centres."""
    lat1, lon1 = map(math.radians, here.position)
    lat2, lon2 = map(math.radians, there.position)
    cosine = math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(
        lat2
    ) * math.cos(lon2 - lon1)
    return 6371.0 * math.acos(max(-1.0, min(1.0, cosine)))
