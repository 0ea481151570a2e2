"""DNS blocklist lookups against a real rbldnsd on loopback."""

from __future__ import annotations

import ipaddress
import queue
import threading
import time
from collections.abc import Iterator

import pytest

from puptect_tui.enrich.dnsbl import (
    DEFAULT_ZONES,
    DnsblChecker,
    DnsblHealth,
    query_name,
    zones_from_names,
)
from puptect_tui.enrich.dnsbl_resolver import parse_resolver
from puptect_tui.enrich.reputation import Reputation
from tests.dns_server import ATTACKERS, HIJACKED, Rbldnsd, SilentServer

TIMEOUT = 0.3


class Answers:
    """Collects callback reputations, as the pipeline would receive them."""

    def __init__(self) -> None:
        self.received: queue.Queue[Reputation] = queue.Queue()
        self.threads: set[str] = set()

    def __call__(self, reputation: Reputation) -> None:
        self.threads.add(threading.current_thread().name)
        self.received.put(reputation)

    def next(self, wait: float = 3.0) -> Reputation:
        return self.received.get(timeout=wait)

    def count(self) -> int:
        return self.received.qsize()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text)


def lookup_now(checker: DnsblChecker, address: str) -> Reputation:
    """The reputation, from the cache or after the callback."""
    answers = Answers()
    found = checker.lookup(ip(address), answers)
    return found if found is not None else answers.next()


def a_queries(server: Rbldnsd, address: str, zone: str) -> int:
    name = query_name(ip(address), zone)
    return server.queries().count((name, "A"))


@pytest.fixture
def checker(blocklist_server: Rbldnsd) -> Iterator[DnsblChecker]:
    checker = DnsblChecker(
        [ATTACKERS, "zen.spamhaus.org"],
        resolver=blocklist_server.address,
        timeout=TIMEOUT,
    )
    checker.start()
    yield checker
    checker.close()


# Lookups that only rbldnsd can answer.


@pytest.mark.dns
def test_listed_address_carries_code_categories_and_txt(checker):
    answers = Answers()

    assert checker.lookup(ip("45.155.205.10"), answers) is None
    reputation = answers.next()

    assert reputation.listed_by == [ATTACKERS, "zen.spamhaus.org"]
    assert reputation.checked == 2 and reputation.failed == 0
    listing = reputation.listings[ATTACKERS]
    assert listing.codes == ("127.0.0.2",)
    assert (
        listing.txt == "Reported for attacks, see https://attackers.test/45.155.205.10"
    )
    assert reputation.listings["zen.spamhaus.org"].categories == ("exploits",)
    assert answers.threads == {"dnsbl"}


@pytest.mark.dns
def test_address_inside_a_listed_cidr_range_is_listed(checker):
    reputation = lookup_now(checker, "185.220.101.77")

    assert reputation.listings[ATTACKERS].codes == ("127.0.0.4",)
    assert reputation.listings[ATTACKERS].txt == "Tor exit range"
    assert reputation.listings["zen.spamhaus.org"].categories == ("spam",)


@pytest.mark.dns
def test_unlisted_address_is_an_answer_not_a_failure(checker):
    reputation = lookup_now(checker, "8.8.4.4")

    assert not reputation.listed
    assert reputation.checked == 2 and reputation.failed == 0
    assert reputation.errors == {}


@pytest.mark.dns
@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("80.82.77.139", "public resolver refused"),
        ("80.82.77.140", "rate limited"),
        ("80.82.77.141", "typo or zone misconfigured"),
    ],
)
def test_operator_error_codes_fail_the_zone_and_never_list(checker, address, reason):
    reputation = lookup_now(checker, address)

    assert not reputation.listed
    assert reputation.failed == 1
    assert reason in reputation.errors[ATTACKERS]
    assert checker.health.failing[ATTACKERS] == reputation.errors[ATTACKERS]


@pytest.mark.dns
def test_answer_127_0_0_1_is_not_a_listing(checker):
    reputation = lookup_now(checker, "80.82.77.142")

    assert not reputation.listed and reputation.failed == 0


@pytest.mark.dns
def test_answer_outside_127_means_a_rewriting_resolver(blocklist_server):
    checker = DnsblChecker(
        [HIJACKED], resolver=blocklist_server.address, timeout=TIMEOUT
    )
    checker.start()
    try:
        reputation = lookup_now(checker, "45.155.205.10")
    finally:
        checker.close()

    assert not reputation.listed
    assert reputation.errors == {HIJACKED: "resolver rewrote answer to 203.0.113.9"}


@pytest.mark.dns
def test_ipv6_address_is_asked_in_reversed_nibbles(checker, blocklist_server):
    reputation = lookup_now(checker, "2a0e:1c80:1::5")

    assert reputation.listings[ATTACKERS].codes == ("127.0.0.3",)
    assert reputation.listings[ATTACKERS].txt == "IPv6 attacker 2a0e:1c80:1::5"
    nibbles = "5." + "0." * 19 + "1.0.0.0.0.8.c.1.e.0.a.2." + ATTACKERS
    assert (nibbles, "A") in blocklist_server.queries()


@pytest.mark.dns
@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "192.168.7.7", "127.0.0.1", "169.254.1.1", "100.64.0.9",
     "224.0.0.251", "0.0.0.0", "::1", "fe80::1", "fd00::5", "2001:db8::1"],
)  # fmt: skip
def test_private_and_special_addresses_are_never_queried(
    checker, blocklist_server, address
):
    answers = Answers()

    reputation = checker.lookup(ip(address), answers)

    assert reputation is not None and reputation.skipped == "private address"
    assert reputation.checked == 0
    checker.close()
    assert answers.count() == 0
    asked = {name for name, _type in blocklist_server.queries()}
    assert query_name(ip(address), ATTACKERS) not in asked
    assert query_name(ip(address), "zen.spamhaus.org") not in asked


@pytest.mark.dns
def test_repeated_address_is_queried_once_per_zone(checker, blocklist_server):
    answers = Answers()
    address = "45.155.205.11"

    immediate = [checker.lookup(ip(address), answers) for _ in range(50)]
    # Loopback answers fast: lookups made after the answer come from the cache.
    waiting = immediate.count(None)
    received = [answers.next() for _ in range(waiting)]
    every = received + [r for r in immediate if r is not None]

    assert immediate[0] is None
    assert len(every) == 50 and all(r == every[0] for r in every)
    assert a_queries(blocklist_server, address, ATTACKERS) == 1
    assert a_queries(blocklist_server, address, "zen.spamhaus.org") == 1
    cached = checker.lookup(ip(address), answers)
    assert cached == received[0]
    assert checker.health.cache_hits >= 2
    checker.close()  # runs out the worker: a stray callback would land by now
    assert answers.count() == 0


@pytest.mark.dns
def test_listing_is_cached_for_its_ttl_then_asked_again(blocklist_server):
    clock = FakeClock()
    checker = DnsblChecker(
        [ATTACKERS], resolver=blocklist_server.address, timeout=TIMEOUT, clock=clock
    )
    checker.start()
    address = "185.220.101.200"
    answers = Answers()
    try:
        first = lookup_now(checker, address)
        sent = checker.health.queries_sent
        clock.now += 299
        within_ttl = checker.lookup(ip(address), answers)
        clock.now += 2
        after_ttl = checker.lookup(ip(address), answers)
        again = answers.next()
    finally:
        checker.close()

    assert first.listed and within_ttl == first
    assert after_ttl is None and again.listed
    # Our transport keeps no cache of its own: the server saw the query again.
    assert checker.health.queries_sent > sent
    assert a_queries(blocklist_server, address, ATTACKERS) == 2


@pytest.mark.dns
def test_not_listed_is_cached_for_the_zone_soa_minimum(blocklist_server):
    clock = FakeClock()
    checker = DnsblChecker(
        [ATTACKERS],
        resolver=blocklist_server.address,
        timeout=TIMEOUT,
        negative_ttl=10,
        clock=clock,
    )
    checker.start()
    address = "9.9.9.10"
    try:
        deadline = time.monotonic() + 3
        while checker.not_listed_ttl(ATTACKERS) != 60 and time.monotonic() < deadline:
            time.sleep(0.01)
        first = lookup_now(checker, address)
        clock.now += 59
        within = checker.lookup(ip(address), Answers())
        clock.now += 2
        after = checker.lookup(ip(address), Answers())
    finally:
        checker.close()

    assert not first.listed and first.failed == 0
    assert within == first
    assert after is None


# A server that does not answer.


@pytest.mark.dns
def test_silent_server_fails_lookups_within_the_timeout_not_per_event(
    silent_dns_server: SilentServer,
):
    checker = DnsblChecker(
        DEFAULT_ZONES, resolver=silent_dns_server.address, timeout=TIMEOUT
    )
    checker.start()
    answers = Answers()
    started = time.monotonic()
    try:
        for number in range(40):
            assert checker.lookup(ip(f"45.155.206.{number}"), answers) is None
        received = [answers.next() for _ in range(40)]
        elapsed = time.monotonic() - started

        health = checker.health
        fast_started = time.monotonic()
        late = lookup_now(checker, "45.155.207.1")
        fast_elapsed = time.monotonic() - fast_started
    finally:
        checker.close()

    assert elapsed < 3 * TIMEOUT
    assert all(r.failed == len(DEFAULT_ZONES) and not r.listed for r in received)
    assert "timeout" in received[0].errors["zen.spamhaus.org"]
    assert health.server_down
    assert health.summary.startswith("dnsbl down (")
    assert late.errors["bl.blocklist.de"] == "resolver not answering"
    assert fast_elapsed < TIMEOUT / 2


@pytest.mark.dns
def test_server_that_stops_and_comes_back_serves_later_lookups(
    own_blocklist_server: Rbldnsd,
):
    server = own_blocklist_server
    checker = DnsblChecker(
        [ATTACKERS], resolver=server.address, timeout=TIMEOUT, probe_every=0.1
    )
    checker.start()
    try:
        assert lookup_now(checker, "45.155.205.10").listed

        server.pause()
        during = [lookup_now(checker, f"185.220.101.{n}") for n in range(1, 6)]
        down = checker.health.server_down
        server.resume()

        deadline = time.monotonic() + 3
        while checker.health.server_down and time.monotonic() < deadline:
            time.sleep(0.02)
        started = time.monotonic()
        after = [lookup_now(checker, f"185.220.101.{n}") for n in range(1, 6)]
        elapsed = time.monotonic() - started
    finally:
        checker.close()

    assert all(r.failed == 1 and not r.listed for r in during)
    assert down
    assert all(r.listed and r.failed == 0 for r in after)
    assert elapsed < TIMEOUT
    assert checker.health.summary == "dnsbl 1/1 zones ok"


@pytest.mark.dns
def test_close_fails_lookups_still_waiting(silent_dns_server):
    checker = DnsblChecker([ATTACKERS], resolver=silent_dns_server.address, timeout=5)
    checker.start()
    answers = Answers()

    assert checker.lookup(ip("45.155.205.10"), answers) is None
    started = time.monotonic()
    checker.close()

    assert time.monotonic() - started < 1
    assert answers.next(wait=0).errors == {ATTACKERS: "dnsbl stopped"}
    assert answers.count() == 0
    after_close = checker.lookup(ip("45.155.205.10"), answers)
    assert after_close is not None and after_close.failed == 1


# Parts that need no server.


@pytest.mark.parametrize(
    ("text", "server"),
    [
        (None, None),
        ("", None),
        ("127.0.0.1", ("127.0.0.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("::1", ("::1", 53)),
        ("[::1]:5353", ("::1", 5353)),
        ("[2001:db8::53]", ("2001:db8::53", 53)),
        ("localhost:53", ("127.0.0.1", 53)),
    ],
)
def test_resolver_setting_forms(text, server):
    assert parse_resolver(text) == server


@pytest.mark.parametrize("text", ["127.0.0.1:dns", "127.0.0.1:0", "[::1]:99999"])
def test_resolver_with_bad_port_is_refused(text):
    with pytest.raises(ValueError, match="port"):
        parse_resolver(text)


def test_all_expands_to_pydnsbl_zones_without_repeats():
    from pydnsbl.providers import BASE_PROVIDERS

    providers = zones_from_names(["zen.spamhaus.org", "all", "bl.blocklist.de"])
    hosts = [provider.host for provider in providers]

    assert hosts[0] == "zen.spamhaus.org"
    assert set(hosts) == {p.host for p in BASE_PROVIDERS} | {"bl.blocklist.de"}
    assert len(hosts) == len(set(hosts))


def test_default_zones_name_their_return_codes():
    providers = zones_from_names(DEFAULT_ZONES)

    assert [p.host for p in providers] == list(DEFAULT_ZONES)
    dronebl = providers[1]
    assert dronebl.process_response([_A("127.0.0.13")]) == {"exploits"}
    assert dronebl.process_response([_A("127.0.0.200")]) == {"unknown"}


def test_health_summary_reads_as_a_header():
    zones = ("a.test", "b.test", "c.test")
    ok = DnsblHealth(zones=zones)
    one_failing = DnsblHealth(zones=zones, failing={"b.test": "timeout after 2 s"})
    down = DnsblHealth(zones=zones, failed={"a.test": 7, "b.test": 5}, server_down=True)

    assert ok.summary == "dnsbl 3/3 zones ok"
    assert one_failing.summary == "dnsbl 2/3 zones ok"
    assert down.summary == "dnsbl down (12 failed)"


class _A:
    def __init__(self, host: str) -> None:
        self.host = host
        self.ttl = 300
