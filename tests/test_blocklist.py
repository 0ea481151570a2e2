"""Local blocklists: what a list file names, and how a broken one is reported."""

from __future__ import annotations

import ipaddress
import logging
import random
from pathlib import Path

import pytest

from puptect_tui.enrich.blocklist import Blocklist, BlocklistError, Blocklists
from puptect_tui.events import parse_address

DATA = Path(__file__).resolve().parent.parent / "data"


def write_list(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def listed(blocklist: Blocklist, text: str) -> bool:
    return parse_address(text) in blocklist


def test_addresses_networks_and_comments(tmp_path):
    path = write_list(
        tmp_path,
        "mixed.netset",
        "# FireHOL-style header\n"
        "; another comment style\n"
        "\n"
        "198.51.100.7\n"
        "203.0.113.0/24   # trailing comment\n"
        "10.8.0.0/16 ; trailing semicolon comment\n"
        "2001:db8:aa::/48\n"
        "2001:db8:ff::1\n",
    )

    blocklist = Blocklist.load(path)

    assert blocklist.name == "mixed.netset"
    assert blocklist.entries == 5
    assert blocklist.bad_lines == []
    assert listed(blocklist, "198.51.100.7")
    assert not listed(blocklist, "198.51.100.8")
    assert listed(blocklist, "203.0.113.0")
    assert listed(blocklist, "203.0.113.255")
    assert not listed(blocklist, "203.0.114.0")
    assert not listed(blocklist, "203.0.112.255")
    assert listed(blocklist, "10.8.200.1")
    assert listed(blocklist, "2001:db8:aa:ffff::9")
    assert not listed(blocklist, "2001:db8:ab::1")
    assert listed(blocklist, "2001:db8:ff::1")
    assert not listed(blocklist, "2001:db8:ff::2")


def test_ipv4_and_ipv6_numbers_do_not_collide(tmp_path):
    """::1 and 0.0.0.1 are the same integer; only the listed version matches."""
    blocklist = Blocklist.load(write_list(tmp_path, "v6.txt", "::/120\n"))

    assert listed(blocklist, "::1")
    assert not listed(blocklist, "0.0.0.1")


def test_ranges_overlaps_and_host_bits(tmp_path):
    path = write_list(
        tmp_path,
        "ranges.ipset",
        "192.0.2.10-192.0.2.20\n"
        "192.0.2.15/30\n"  # host bits set: taken as its network, as FireHOL does
        "192.0.2.21\n"  # adjacent: merges with the range
        "192.0.2.0/28\n",  # overlaps the start of the range
    )

    blocklist = Blocklist.load(path)

    assert blocklist.entries == 4
    assert [listed(blocklist, f"192.0.2.{n}") for n in (0, 15, 21, 22)] == [
        True,
        True,
        True,
        False,
    ]


def test_mapped_ipv6_entry_matches_folded_event_address(tmp_path):
    """Events fold ::ffff:a.b.c.d to IPv4, so a list entry in that form must too."""
    blocklist = Blocklist.load(write_list(tmp_path, "m.txt", "::ffff:192.0.2.9\n"))

    assert listed(blocklist, "192.0.2.9")


def test_bad_lines_are_counted_with_numbers_not_fatal(tmp_path, caplog):
    path = write_list(
        tmp_path,
        "broken.txt",
        "192.0.2.1\n"
        "not-an-address\n"
        "300.1.2.3\n"
        "192.0.2.9-192.0.2.1\n"  # reversed range
        "192.0.2.0/33\n"
        "192.0.2.2 extra words\n"
        "192.0.2.3\n",
    )

    with caplog.at_level(logging.WARNING):
        blocklist = Blocklist.load(path)

    assert blocklist.entries == 2
    assert [number for number, _ in blocklist.bad_lines] == [2, 3, 4, 5, 6]
    assert blocklist.bad_lines[0] == (2, "not-an-address")
    assert listed(blocklist, "192.0.2.3")
    assert "broken.txt:2" in caplog.text


def test_many_bad_lines_are_summarised_in_the_log(tmp_path, caplog):
    path = write_list(tmp_path, "junk.txt", "junk\n" * 40)

    with caplog.at_level(logging.WARNING):
        blocklist = Blocklist.load(path)

    assert len(blocklist.bad_lines) == 40
    assert len(caplog.records) == 6
    assert "40 bad lines" in caplog.records[-1].getMessage()


def test_missing_file_raises_a_clear_error(tmp_path):
    with pytest.raises(BlocklistError, match=r"blocklist .*nope\.txt"):
        Blocklist.load(tmp_path / "nope.txt")


def test_listing_names_every_file_that_lists_the_address(tmp_path):
    lists = Blocklists.load(
        [
            write_list(tmp_path, "attackers.netset", "198.51.100.0/24\n"),
            write_list(tmp_path, "tor.txt", "198.51.100.5\n2001:db8::5\n"),
            write_list(tmp_path, "empty.txt", "# nothing yet\n"),
        ]
    )

    assert len(lists) == 3
    assert lists.listing(parse_address("198.51.100.5")) == (
        "attackers.netset",
        "tor.txt",
    )
    assert lists.listing(parse_address("198.51.100.6")) == ("attackers.netset",)
    assert lists.listing(parse_address("2001:db8::5")) == ("tor.txt",)
    assert lists.listing(parse_address("192.0.2.1")) == ()


def test_seed_blocklist_holds_the_seeds_listed_addresses():
    blocklist = Blocklist.load(DATA / "blocklist.txt")

    assert blocklist.entries == 14
    assert blocklist.bad_lines == []
    assert listed(blocklist, "61.91.63.122")
    assert not listed(blocklist, "175.45.176.5")


def test_lookups_agree_with_ipaddress_on_random_networks(tmp_path):
    """The bucketed search must answer exactly as a plain scan of the networks."""
    chooser = random.Random(7)
    networks = []
    for _ in range(300):
        prefix = chooser.choice([8, 12, 16, 20, 24, 28, 32])
        number = chooser.getrandbits(32) >> (32 - prefix) << (32 - prefix)
        networks.append(ipaddress.IPv4Network((number, prefix)))
    for _ in range(100):
        prefix = chooser.choice([16, 32, 48, 64, 128])
        number = chooser.getrandbits(128) >> (128 - prefix) << (128 - prefix)
        networks.append(ipaddress.IPv6Network((number, prefix)))
    text = "\n".join(str(network) for network in networks)
    blocklist = Blocklist.load(write_list(tmp_path, "random.netset", text))

    probes = [network.network_address for network in networks]
    probes += [network.broadcast_address for network in networks]
    probes += [
        address + 1 for address in probes if int(address) < 2**address.max_prefixlen - 1
    ]
    probes += [ipaddress.IPv4Address(chooser.getrandbits(32)) for _ in range(500)]
    for address in probes:
        expected = any(address in network for network in networks)
        assert (address in blocklist) == expected, address


def test_an_unreadable_file_is_an_os_error_with_a_plain_message(tmp_path):
    """Front ends treat it like any unreadable source: a one-line reason."""
    with pytest.raises(OSError) as raised:
        Blocklist.load(tmp_path)  # a directory

    assert str(raised.value) == f"blocklist {tmp_path}: Is a directory"
