"""Real DNS servers on loopback for the blocklist tests and the benchmark.

:class:`Rbldnsd` runs Debian's ``rbldnsd``, the daemon public blocklists run,
with zone files written from text, and reads back its query log so a test can
prove what was (and was not) asked. :class:`SilentServer` is a UDP port that
never answers, the way a dead or firewalled resolver behaves.
"""

from __future__ import annotations

import heapq
import os
import pwd
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

RBLDNSD = shutil.which("rbldnsd") or (
    "/usr/sbin/rbldnsd" if os.access("/usr/sbin/rbldnsd", os.X_OK) else None
)
"""The rbldnsd binary, or ``None`` where it is not installed."""


@dataclass(frozen=True)
class Dataset:
    """One rbldnsd dataset: a zone, its type (``ip4set``, ``ip6trie``...), data."""

    zone: str
    kind: str
    text: str


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 that nobody holds right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Rbldnsd:
    """An rbldnsd process on 127.0.0.1 serving the given datasets.

    Runs in the foreground (``-n``) with an unbuffered query log, so
    :meth:`queries` sees every query as soon as it is answered.
    """

    def __init__(self, datasets: Iterable[Dataset], *, ttl: int = 300) -> None:
        if RBLDNSD is None:
            raise FileNotFoundError("rbldnsd is not installed")

        self.datasets = list(datasets)
        self.ttl = ttl
        # rbldnsd drops root for its own user, which must read the zone files
        # and write the log, so the directory is world-readable, the log
        # world-writable (a private pytest tmp_path is not reachable).
        self.directory = Path(tempfile.mkdtemp(prefix="rbldnsd-"))
        self.directory.chmod(0o755)
        self.log = self.directory / "queries.log"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        """The server as ``--resolver`` takes it: ``127.0.0.1:PORT``."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> Rbldnsd:
        """Write the zones, start the daemon and wait until it serves."""
        zone_specs = []
        for number, dataset in enumerate(self.datasets):
            path = self.directory / f"zone{number}.{dataset.kind}"
            path.write_text(dataset.text)
            path.chmod(0o644)
            zone_specs.append(f"{dataset.zone}:{dataset.kind}:{path.name}")
        self.log.touch()
        self.log.chmod(0o666)
        self._zone_specs = zone_specs

        for _attempt in range(3):
            self.port = free_udp_port()
            if self._launch(zone_specs):
                return self
        raise RuntimeError(f"rbldnsd did not start: {self._output}")

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill ends it: the port is closed at once."""
        if self.process is None:
            return
        self.resume()
        self.process.kill()
        self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self.process = None

    def restart(self) -> None:
        """Start again on the same port, as a supervisor would after a crash."""
        if self.process is not None:
            self.kill()
        for _attempt in range(3):
            if self._launch(self._zone_specs):
                return
        raise RuntimeError(f"rbldnsd did not restart: {self._output}")

    def _launch(self, zone_specs: list[str]) -> bool:
        command = [RBLDNSD, "-n", "-c", "0", "-t", str(self.ttl)]
        if os.geteuid() == 0:
            command += ["-u", _unprivileged_user()]
        command += ["-b", f"127.0.0.1/{self.port}", "-w", str(self.directory)]
        command += ["-l", f"+{self.log}", *zone_specs]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )

        # Raw reads: a buffered readline would keep later lines where
        # select() cannot see them.
        self._output = ""
        output = self.process.stdout.fileno()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.process.poll() is None:
            ready, _, _ = select.select([output], [], [], 0.1)
            if ready:
                self._output += os.read(output, 4096).decode(errors="replace")
            if " started " in self._output:
                return True
        self.stop()
        return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.resume()
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self.process = None

    def pause(self) -> None:
        """SIGSTOP: the server keeps its port but answers nothing."""
        if self.process is not None:
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT: answer again (queued queries get late answers too)."""
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)

    def queries(self) -> list[tuple[str, str]]:
        """(name, type) of every query answered so far, oldest first."""
        asked = []
        for line in self.log.read_text().splitlines():
            fields = line.split()
            if len(fields) >= 4:
                asked.append((fields[2].lower(), fields[3]))
        return asked

    def __enter__(self) -> Rbldnsd:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def _unprivileged_user() -> str:
    for name in ("rbldns", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("no unprivileged user for rbldnsd to run as")


class SilentServer:
    """A bound UDP port on 127.0.0.1 that reads nothing and answers nothing."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def close(self) -> None:
        self.socket.close()

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


SOA = "$SOA 0 ns.test. hostmaster.test. 0 2h 2h 1w 60\n"
"""Zone apex SOA; its minimum (60 s) is how long NXDOMAIN may be cached."""

ATTACKERS = "attackers.test"
HIJACKED = "hijacked.test"

TEST_DATASETS = (
    Dataset(
        ATTACKERS,
        "ip4set",
        SOA + ":127.0.0.2:Reported for attacks, see https://attackers.test/$\n"
        "45.155.205.10\n"
        "185.220.101.0/24 :127.0.0.4:Tor exit range\n"
        "80.82.77.139 :127.255.255.254:\n"
        "80.82.77.140 :127.255.255.255:\n"
        "80.82.77.141 :127.255.255.252:\n"
        "80.82.77.142 :127.0.0.1:\n",
    ),
    Dataset(
        ATTACKERS,
        "ip6trie",
        ":127.0.0.3:IPv6 attacker $\n2a0e:1c80:1::/48\n",
    ),
    Dataset(
        "zen.spamhaus.org",
        "ip4set",
        SOA + ":127.0.0.4:XBL listing\n45.155.205.10\n185.220.101.0/24 :127.0.0.2:\n",
    ),
    # A zone that answers everything outside 127/8, as an ad-serving or
    # "search assist" resolver does when it rewrites NXDOMAIN.
    Dataset(
        HIJACKED, "ip4trie", "0.0.0.0/1 :203.0.113.9:\n128.0.0.0/1 :203.0.113.9:\n"
    ),
)
"""The zones most tests query: listings, a CIDR range, operator error codes,
IPv6, Spamhaus' return codes, and a rewriting zone."""


@dataclass(frozen=True)
class Query:
    """One question as a stand-in server received it."""

    id: int
    name: str
    """Lower case, without the final dot."""
    qtype: int
    question: bytes
    """The question section as sent, to copy into the answer."""


A, TXT = 1, 16


def parse_query(packet: bytes) -> Query | None:
    """The first question of a DNS query, or ``None`` for a packet we cannot read."""
    if len(packet) < 12:
        return None
    labels, offset = [], 12
    while offset < len(packet) and packet[offset]:
        length = packet[offset]
        labels.append(
            packet[offset + 1 : offset + 1 + length].decode("ascii", "replace")
        )
        offset += 1 + length
    if offset + 5 > len(packet):
        return None
    qtype = int.from_bytes(packet[offset + 1 : offset + 3], "big")
    return Query(
        id=int.from_bytes(packet[:2], "big"),
        name=".".join(labels).lower(),
        qtype=qtype,
        question=packet[12 : offset + 5],
    )


def reply(
    query: Query,
    *,
    a: Iterable[str] = (),
    txt: Iterable[bytes] = (),
    ttl: int = 300,
    rcode: int = 0,
    answer_id: int | None = None,
) -> bytes:
    """A well-formed answer: A records, TXT records (one string each), or a code."""
    records = [(A, socket.inet_aton(address)) for address in a]
    records += [(TXT, bytes([len(text)]) + text) for text in txt]
    header = (
        (query.id if answer_id is None else answer_id).to_bytes(2, "big")
        + (0x8180 | rcode).to_bytes(2, "big")
        + (1).to_bytes(2, "big")
        + len(records).to_bytes(2, "big")
        + bytes(4)
    )
    body = b"".join(
        b"\xc0\x0c"
        + kind.to_bytes(2, "big")
        + (1).to_bytes(2, "big")
        + ttl.to_bytes(4, "big")
        + len(data).to_bytes(2, "big")
        + data
        for kind, data in records
    )
    return header + query.question + body


class StandInServer:
    """A UDP DNS server on 127.0.0.1 whose answers a test writes.

    ``respond(query)`` returns ``(delay, packet)`` pairs to send back (none
    for silence); a delayed packet is sent that many seconds later without
    holding up other queries, the way a slow upstream behaves.
    """

    def __init__(self, respond: Callable[[Query], list[tuple[float, bytes]]]) -> None:
        self.respond = respond
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.received: list[Query] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _serve(self) -> None:
        later: list[tuple[float, int, bytes, tuple]] = []
        sequence = 0
        while not self._stopping.is_set():
            wait = 0.05
            if later:
                wait = max(0.0, min(wait, later[0][0] - time.monotonic()))
            ready, _, _ = select.select([self.socket], [], [], wait)
            while later and later[0][0] <= time.monotonic():
                _when, _n, packet, client = heapq.heappop(later)
                self.socket.sendto(packet, client)
            if not ready:
                continue

            packet, client = self.socket.recvfrom(4096)
            query = parse_query(packet)
            if query is None:
                continue
            self.received.append(query)
            for delay, answer in self.respond(query):
                sequence += 1
                heapq.heappush(
                    later, (time.monotonic() + delay, sequence, answer, client)
                )

    def __enter__(self) -> StandInServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self.socket.close()
