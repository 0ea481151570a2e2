"""How fast DNSBL lookups go against rbldnsd on loopback, and what the cache saves.

Part 1: distinct global addresses through DnsblChecker (with each transport
asked for) and through pydnsbl's DNSBLIpChecker.bulk_check, same server,
zones, timeout and concurrency, one after the other in one session.
Part 2: a stream where addresses repeat (Zipf): queries sent versus lookups,
and whether any (name, type) reached the server twice within its TTL. A
retransmission of an unanswered query is counted on its own line, not as a
repeat: the repeats are about the cache.

    /work/venv/bin/python bench/dnsbl.py --addresses 20000 --transports wire,cares
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import ipaddress
import random
import sys
import threading
import time
from pathlib import Path

import aiodns
from pydnsbl import DNSBLIpChecker
from pydnsbl.providers import Provider

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from puptect_tui.enrich.dnsbl import DnsblChecker
from tests.dns_server import Dataset, Rbldnsd

ZONES = [f"z{number}.bench" for number in range(1, 6)]
TTL = 3600
"""Longer than the run, so any repeated query is a repeat within the TTL."""


def global_addresses(count: int, seed: int) -> list[ipaddress.IPv4Address]:
    """Distinct, global IPv4 addresses in a fixed pseudo-random order."""
    chance = random.Random(seed)
    found: dict[ipaddress.IPv4Address, None] = {}
    while len(found) < count:
        address = ipaddress.IPv4Address(chance.getrandbits(32))
        if address.is_global and not address.is_multicast and not address.is_reserved:
            found[address] = None
    return list(found)


def datasets(addresses: list[ipaddress.IPv4Address]) -> list[Dataset]:
    """Each zone lists a different twentieth of the addresses."""
    zone_data = []
    for number, zone in enumerate(ZONES):
        listed = addresses[number::20]
        text = f"$SOA 0 ns.bench. hostmaster.bench. 0 2h 2h 1w {TTL}\n"
        text += f":127.0.0.{number + 2}:Listed by {zone}: $\n"
        text += "".join(f"{address}\n" for address in listed)
        zone_data.append(Dataset(zone, "ip4set", text))
    return zone_data


def run_checker(
    server: Rbldnsd, addresses: list, timeout: float, concurrency: int, transport: str
) -> tuple[float, float, int, DnsblChecker]:
    """Seconds (wall, then this process's CPU) to get every address's
    reputation; how many were listed."""
    checker = DnsblChecker(
        ZONES,
        resolver=server.address,
        timeout=timeout,
        concurrency=concurrency,
        transport=transport,
    )
    checker.start()
    remaining = len(addresses)
    listed = 0
    lock = threading.Lock()
    done = threading.Event()

    def received(reputation) -> None:
        nonlocal remaining, listed
        with lock:
            remaining -= 1
            listed += reputation.listed
            if remaining == 0:
                done.set()

    started, cpu_started = time.perf_counter(), time.process_time()
    for address in addresses:
        found = checker.lookup(address, received)
        if found is not None:
            received(found)
    if addresses:
        done.wait()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    checker.close()
    return elapsed, cpu, listed, checker


def run_pydnsbl(
    server: Rbldnsd, addresses: list, timeout: float, concurrency: int
) -> tuple[float, float, int]:
    """The same through pydnsbl's own checker, pointed at the same server."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    checker = DNSBLIpChecker(
        providers=[Provider(zone) for zone in ZONES],
        timeout=timeout,
        tries=1,
        concurrency=concurrency,
        loop=loop,
    )
    # pydnsbl has no resolver setting; give its checker a resolver that asks
    # our server, built the way it builds its own.
    address, port = server.address.split(":")

    async def resolver() -> aiodns.DNSResolver:
        return aiodns.DNSResolver(
            nameservers=[address],
            udp_port=int(port),
            tcp_port=int(port),
            timeout=timeout,
            tries=1,
        )

    checker._resolver = loop.run_until_complete(resolver())

    started, cpu_started = time.perf_counter(), time.process_time()
    results = checker.bulk_check([str(address) for address in addresses])
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    loop.close()
    return elapsed, cpu, sum(result.blacklisted for result in results)


def run_stream(
    server: Rbldnsd,
    pool: list,
    lookups: int,
    timeout: float,
    concurrency: int,
    transport: str,
) -> dict[str, float]:
    """Zipf-distributed repeats of a pool of addresses, submitted flat out."""
    chance = random.Random(11)
    weights = [1 / rank**1.1 for rank in range(1, len(pool) + 1)]
    stream = chance.choices(pool, weights=weights, k=lookups)
    before = len(server.queries())

    elapsed, _cpu, listed, checker = run_checker(
        server, stream, timeout, concurrency, transport
    )
    health = checker.health

    asked = server.queries()[before:]
    counts = collections.Counter(query for query in asked if query[1] != "SOA")
    sent = health.queries_sent - len(ZONES)
    seen = sum(counts.values())
    # Copies beyond what the checker sent are its transport's retransmissions
    # (c-ares does not tell us its own); they are not repeats of an answer.
    retransmitted = max(seen - sent, 0)
    repeats = sum(n - 1 for n in counts.values() if n > 1)
    return {
        "lookups": lookups,
        "distinct addresses": len(set(stream)),
        "seconds": elapsed,
        "queries sent by checker": sent,
        "queries seen by rbldnsd": seen,
        "retransmissions (transport)": health.retransmissions,
        "retransmitted (server saw)": retransmitted,
        "repeated within TTL": max(repeats - retransmitted, 0),
        "zone answers from cache": health.cache_hits,
        "listed lookups": listed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=20_000)
    parser.add_argument("--stream", type=int, default=100_000)
    parser.add_argument("--pool", type=int, default=5_000)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument(
        "--transports",
        default="wire,cares",
        help="DnsblChecker transports to measure, comma-separated (wire, cares)",
    )
    options = parser.parse_args()
    transports = [name.strip() for name in options.transports.split(",") if name]

    addresses = global_addresses(options.addresses + options.pool, seed=7)
    distinct, pool = addresses[: options.addresses], addresses[options.addresses :]
    ours: dict[str, tuple[float, float, int]] = {}
    streams: dict[str, dict[str, float]] = {}
    timing = (options.timeout, options.concurrency)
    with Rbldnsd(datasets(addresses), ttl=TTL) as server:
        for transport in transports:
            elapsed, cpu, listed, _ = run_checker(server, distinct, *timing, transport)
            ours[transport] = elapsed, cpu, listed
        theirs, theirs_cpu, theirs_listed = run_pydnsbl(server, distinct, *timing)
        for transport in transports:
            streams[transport] = run_stream(
                server, pool, options.stream, *timing, transport
            )

    count = len(distinct)
    print(f"{count} distinct addresses, {len(ZONES)} zones, rbldnsd on loopback")
    # CPU seconds are this process's, all threads: on a shared machine they
    # move less than the wall clock does.
    print(
        f"{'checker':<28}{'addresses/s':>12}{'seconds':>10}{'listed':>8}"
        f"{'ratio':>8}{'CPU s':>8}{'us/query':>10}{'CPU ratio':>11}"
    )
    rows = [(f"DnsblChecker ({name})", *ours[name]) for name in transports]
    rows.append(("pydnsbl bulk_check", theirs, theirs_cpu, theirs_listed))
    queries = count * len(ZONES)
    for name, seconds, cpu, listed in rows:
        print(
            f"{name:<28}{count / seconds:>12.0f}{seconds:>10.2f}{listed:>8}"
            f"{theirs / seconds:>7.2f}x{cpu:>8.2f}{cpu / queries * 1e6:>10.1f}"
            f"{theirs_cpu / cpu:>10.2f}x"
        )
    print()
    print(f"stream of {options.stream} lookups over {options.pool} addresses (Zipf)")
    print(f"  {'':<28}" + "".join(f"{name:>10}" for name in transports))
    for row in streams[transports[0]]:
        values = [streams[name][row] for name in transports]
        shown = [f"{v:.2f}" if isinstance(v, float) else str(v) for v in values]
        print(f"  {row:<28}" + "".join(f"{text:>10}" for text in shown))


if __name__ == "__main__":
    main()
