"""Addresses read and written by the C library, checked by ``ipaddress``.

Attacks hop addresses, so a stream shows a new one every few lines, and each
new one is read, written in canonical form and cut to its block. The
``ipaddress`` module does all three in Python: several microseconds for an
IPv6 address. ``inet_pton`` and ``inet_ntop`` do them in C; anything they
refuse, or would write differently (an embedded IPv4 part, a zone index),
is left to ``ipaddress``, whose answer and error messages stay the reference.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Final

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_AF_INET: Final = socket.AF_INET
_AF_INET6: Final = socket.AF_INET6
_pton: Final = socket.inet_pton
_ntop: Final = socket.inet_ntop
_IPv4: Final = ipaddress.IPv4Address
_IPv6: Final = ipaddress.IPv6Address


def read_address(text: str) -> Address:
    """An IPv4 or IPv6 address from text; raises ``ValueError`` if it is none.

    IPv4 with leading zeros is refused by both readers alike.
    """
    try:
        if ":" in text:
            return _IPv6(_pton(_AF_INET6, text))
        return _IPv4(_pton(_AF_INET, text))
    except OSError:
        return ipaddress.ip_address(text)


def address_text(address: Address) -> str:
    """The canonical text of an address, as ``str(address)`` would give it."""
    if isinstance(address, _IPv4) or address.scope_id:
        return str(address)
    text = _ntop(_AF_INET6, address.packed)
    return text if "." not in text else str(address)


def ipv6_text(number: int) -> str:
    """The canonical text of the IPv6 address with this number."""
    text = _ntop(_AF_INET6, number.to_bytes(16, "big"))
    return text if "." not in text else str(_IPv6(number))
