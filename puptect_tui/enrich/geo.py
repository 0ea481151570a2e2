"""Where an address is: its country, its network (ASN) and its address block.

The country comes from ``iptocc``, whose registry data is compiled into the
package, so nothing is downloaded. No package ships a clean ASN database, so
the network comes from a MaxMind- or IPinfo-style ``.mmdb`` file only when the
user supplies one (``--asn-db``). The address block (the /24 or /48 around the
address) is what ``user.new_network`` compares when no ASN is known.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, NamedTuple

import iptocc
import maxminddb

from puptect_tui.addresses import address_text, ipv6_text
from puptect_tui.events import Address

log = logging.getLogger(__name__)

CACHED_PLACES = 65536
"""Distinct addresses kept looked up; a place is a few hundred bytes."""

IPV4_BLOCK: Final = 24
IPV6_BLOCK: Final = 48
"""The usual smallest routed prefixes: one site, one customer."""


class GeoError(ValueError):
    """An ASN database that cannot be opened; the message names the file."""


class Place(NamedTuple):
    """Country, network and address block of one address.

    A named tuple, as :class:`~puptect_tui.detect.verdict.Reason` is: one is
    made for every new address, and a frozen dataclass costs twice as much.
    """

    country: str | None
    """ISO 3166 alpha-2 code; None when unknown or not a public address."""
    asn: int | None
    network_name: str | None
    """The organisation that holds the ASN, as the database names it."""
    block: str
    """The /24 (IPv4) or /48 (IPv6) holding the address, "109.184.11.0/24"."""

    def as_json(self) -> dict[str, Any]:
        """The ``place`` object of an alert."""
        return {
            "country": self.country,
            "asn": self.asn,
            "network_name": self.network_name,
            "block": self.block,
        }


class Geo:
    """Looks up places, with an optional ASN database; answers are cached."""

    def __init__(self, asn_db: str | Path | None = None):
        self.asn_db = Path(asn_db) if asn_db is not None else None
        self._reader = _open_asn_db(self.asn_db) if self.asn_db else None
        self._cached = lru_cache(maxsize=CACHED_PLACES)(self._look_up)
        self._by_text: dict[str, Place] = {}

    @property
    def asn_source(self) -> str | None:
        """The database's own name for itself ("GeoLite2-ASN"), for the header."""
        if self._reader is None:
            return None
        return self._reader.metadata().database_type

    def place(self, address: Address, text: str | None = None) -> Place:
        """The place of an address; cached, and never raises.

        Given the address's canonical ``text`` (an event's ``ip``), the cache
        is one dictionary step on a string whose hash is already known;
        otherwise it is keyed on the address's number: hashing an
        ``ipaddress`` object costs more than the lookup it would save.
        """
        if text is not None:
            known = self._by_text.get(text)
            if known is None:
                known = self._place_of_text(address, text)
            return known
        version = 4 if type(address) is ipaddress.IPv4Address else 6
        return self._cached(version, int(address))

    def _place_of_text(self, address: Address, text: str) -> Place:
        found = self._look_up_address(address, text)
        if len(self._by_text) >= CACHED_PLACES:
            self._by_text.clear()
        self._by_text[text] = found
        return found

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()

    def _look_up(self, version: int, number: int) -> Place:
        """One uncached lookup by number."""
        address = _ADDRESS_TYPES[version](number)
        return self._look_up_address(address, address_text(address))

    def _look_up_address(self, address: Address, text: str) -> Place:
        """One lookup; iptocc itself knows no private or special range."""
        block = address_block(address)

        try:
            country = iptocc.country_code(text)
            record = self._reader.get(address) if self._reader else None
        except Exception:  # a corrupt database must not stop the stream
            log.exception("geography lookup failed for %s", address)
            return Place(None, None, None, block)

        asn, network_name, db_country = _read_record(record)
        return Place(country or db_country, asn, network_name, block)


_ADDRESS_TYPES: Final[dict[int, Callable[[int], Address]]] = {
    4: ipaddress.IPv4Address,
    6: ipaddress.IPv6Address,
}


def address_block(address: Address) -> str:
    """The /24 or /48 holding the address, in CIDR text.

    Built from the address's number: ``ipaddress.ip_network`` takes ten times
    as long, and this runs for every new address.
    """
    if type(address) is ipaddress.IPv4Address:
        start = int(address) >> (32 - IPV4_BLOCK) << (32 - IPV4_BLOCK)
        dotted = f"{start >> 24}.{start >> 16 & 255}.{start >> 8 & 255}.{start & 255}"
        return f"{dotted}/{IPV4_BLOCK}"
    start = int(address) >> (128 - IPV6_BLOCK) << (128 - IPV6_BLOCK)
    return f"{ipv6_text(start)}/{IPV6_BLOCK}"


def _open_asn_db(path: Path) -> maxminddb.Reader:
    """Open the database once, up front, so a bad path fails at start-up."""
    try:
        reader = maxminddb.open_database(str(path))
    except OSError as error:
        raise GeoError(f"ASN database {path}: {error.strerror or error}") from error
    except (maxminddb.InvalidDatabaseError, ValueError) as error:
        message = f"ASN database {path}: not a MaxMind DB (.mmdb) file"
        raise GeoError(message) from error

    log.info("ASN database %s: %s", path, reader.metadata().database_type)
    return reader


def _read_record(record: Any) -> tuple[int | None, str | None, str | None]:
    """ASN, organisation and country from a MaxMind or an IPinfo record.

    MaxMind's GeoLite2-ASN says ``autonomous_system_number`` and
    ``autonomous_system_organization``; IPinfo's files say ``asn`` ("AS13335")
    and ``name`` or ``as_name``, and its Lite file adds ``country_code``.
    """
    if not isinstance(record, dict):
        return None, None, None

    asn = _asn_number(record.get("autonomous_system_number", record.get("asn")))
    name = record.get("autonomous_system_organization") or record.get("as_name")
    name = name or record.get("name")
    country = record.get("country_code")
    if not isinstance(country, str) and isinstance(record.get("country"), dict):
        country = record["country"].get("iso_code")

    return (
        asn,
        name if isinstance(name, str) else None,
        country.upper() if isinstance(country, str) and len(country) == 2 else None,
    )


def _asn_number(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        digits = value.upper().removeprefix("AS")
        return int(digits) if digits.isdigit() else None
    return None
