"""Addresses read and written in C agree with ``ipaddress`` on every input."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from puptect_tui.addresses import address_text, ipv6_text, read_address


def reference(text: str):
    """What ``ipaddress`` makes of the text: the address, or ``None``."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@given(st.ip_addresses())
def test_any_address_reads_back_as_itself(address):
    for text in {str(address), address.exploded, str(address).upper()}:
        assert read_address(text) == address
        assert address_text(read_address(text)) == str(address)


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_ipv6_text_is_the_canonical_text(number):
    assert ipv6_text(number) == str(ipaddress.IPv6Address(number))


address_alphabet = st.sampled_from("0123456789abcdefABCDEF.:%x ")


@given(st.text(address_alphabet, max_size=45))
def test_any_text_is_read_exactly_as_ipaddress_reads_it(text):
    expected = reference(text)
    if expected is None:
        with pytest.raises(ValueError):
            read_address(text)
    else:
        assert read_address(text) == expected
        assert address_text(read_address(text)) == str(expected)


@pytest.mark.parametrize(
    "text",
    ["01.2.3.4", "1.2.3", "256.1.1.1", "1.2.3.4.5", "::g", "1:2:3:4:5:6:7:8:9", ""],
)
def test_what_ipaddress_refuses_is_refused(text):
    with pytest.raises(ValueError):
        read_address(text)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("::ffff:198.51.100.7", "::ffff:c633:6407"),
        ("::1.2.3.4", "::102:304"),
        ("fe80::1%eth0", "fe80::1%eth0"),
        ("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
    ],
)
def test_embedded_ipv4_zones_and_zero_runs_are_written_as_ipaddress_does(
    text, canonical
):
    assert address_text(read_address(text)) == canonical
