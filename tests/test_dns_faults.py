"""DNS faults seen from the headless front end, end to end.

A blocklist server that dies, answers late or answers garbage must never stop
the stream, lose an event or read as "listed"; and once it answers again,
verdicts must be real again.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from puptect_tui.cli import main
from puptect_tui.headless import HeadlessWriter
from puptect_tui.settings import Settings
from tests.dns_server import ATTACKERS, TXT, A, Query, Rbldnsd, StandInServer, reply

TIMEOUT = 0.3


def login(address: str, user: str = "henry") -> str:
    record = {
        "timestamp": "2021-07-05T12:02:49Z",
        "userid": user,
        "status_code": 401,
        "ip": address,
        "useragent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
    }
    return json.dumps(record) + "\n"


def wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Poll a condition with a deadline; fail the test if it never holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met within the deadline")
        time.sleep(0.01)


class Lines:
    """A thread-safe standard output that keeps what was written."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._text.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def objects(self) -> list[dict]:
        with self._lock:
            text = "".join(self._text)
        return [json.loads(line) for line in text.splitlines()]


def run_cli(capsys, *argv: str) -> tuple[int, str, str, float]:
    started = time.monotonic()
    status = main(list(argv))
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    return status, captured.out, captured.err, elapsed


@pytest.mark.dns
def test_server_killed_mid_run_then_restarted(own_blocklist_server: Rbldnsd, tmp_path):
    server = own_blocklist_server
    source = tmp_path / "logins.jsonl"
    source.write_text("")
    settings = Settings(
        source=str(source),
        follow=True,
        speed=0,
        headless=True,
        format="jsonl",
        all_events=True,
        dnsbl_zones=[ATTACKERS],
        resolver=server.address,
        dnsbl_timeout=TIMEOUT,
    )
    out = Lines()
    writer = HeadlessWriter(settings, out)
    checker = writer.monitor.pipeline.dnsbl
    checker.probe_every = 0.05
    runner = threading.Thread(target=writer.run, daemon=True)
    runner.start()

    def append(first: int) -> None:
        with source.open("a") as file:
            file.writelines(login(f"185.220.101.{first + n}") for n in range(5))

    try:
        append(1)
        wait_until(lambda: len(out.objects()) == 5)  # written once answered

        server.kill()
        append(11)
        wait_until(lambda: len(out.objects()) == 10)  # written once answered
        down = checker.health.server_down

        server.restart()
        wait_until(lambda: not checker.health.server_down)
        append(21)
        wait_until(lambda: len(out.objects()) == 15)  # written once answered
    finally:
        writer.monitor.stop()
        runner.join(timeout=10)

    alerts = out.objects()
    assert not runner.is_alive()
    assert [alert["line"] for alert in alerts] == list(range(1, 16))
    before, during, after = alerts[:5], alerts[5:10], alerts[10:]
    assert all(a["reputation"]["listed"] for a in before)
    assert all(a["reputation"]["failed"] == 0 for a in before)
    assert down
    for alert in during:
        assert not alert["reputation"]["listed"]
        assert alert["reputation"]["failed"] == 1
        assert ATTACKERS in alert["reputation"]["errors"]
    for alert in after:
        reputation = alert["reputation"]
        assert reputation["listed"] and reputation["failed"] == 0
        assert reputation["zones"][ATTACKERS]["txt"] == "Tor exit range"


SLOW = ".101.220.185.slow.test"
"""Names of 185.220.101.0/24 in the stand-in zone: answered after 1 s."""


def slow_for_some(query: Query) -> list[tuple[float, bytes]]:
    delay = 1.0 if query.name.endswith(SLOW) else 0.0
    if query.qtype == TXT:
        return [(delay, reply(query, txt=[b"listed by the stand-in"]))]
    return [(delay, reply(query, a=["127.0.0.2"]))]


@pytest.mark.dns
def test_slow_answers_neither_stall_nor_reorder_the_stream(capsys, tmp_path):
    source = tmp_path / "logins.jsonl"
    addresses = [
        f"185.220.101.{n}" if n % 2 else f"45.155.205.{n}" for n in range(1, 21)
    ]
    source.write_text("".join(login(address) for address in addresses))

    with StandInServer(slow_for_some) as server:
        status, out, err, elapsed = run_cli(
            capsys, "--headless", "--speed", "0", "--format", "jsonl",
            "--all-events", "--dnsbl-zone", "slow.test", "--resolver",
            server.address, "--dnsbl-timeout", str(TIMEOUT), str(source),
        )  # fmt: skip

    alerts = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert elapsed < 3.0  # ten slow answers cost about one timeout, not ten
    assert [alert["line"] for alert in alerts] == list(range(1, 21))
    assert [alert["ip"] for alert in alerts] == addresses
    for alert in alerts:
        reputation = alert["reputation"]
        if alert["ip"].startswith("185.220.101."):
            assert not reputation["listed"] and reputation["failed"] == 1
            assert "timeout" in reputation["errors"]["slow.test"]
        else:
            assert reputation["listed"] and reputation["failed"] == 0
            assert reputation["zones"]["slow.test"]["txt"] == "listed by the stand-in"
    assert "events: 20" in err


HOSTILE_TXT = b"\x1b[2J[/]<b>[bold red]owned\x07"
"""A TXT record that would clear a terminal and break markup if passed on raw."""


def garbage(query: Query) -> list[tuple[float, bytes]]:
    """Each address of 45.155.205.1-6 gets its own kind of bad answer."""
    first_label = query.name.split(".")[0]
    if not first_label.isdigit():  # the zone's SOA, the probe's test entry
        return [(0, reply(query, rcode=3))]
    last_octet = int(first_label)
    if last_octet == 1:
        return [(0, b"\x12\x34\x81")]  # shorter than a DNS header
    if last_octet == 2:
        return [(0, reply(query, a=["127.0.0.2"], answer_id=query.id ^ 0xFFFF))]
    if last_octet == 3:
        return [(0, reply(query, a=["203.0.113.9"]))]
    if last_octet == 4:
        if query.qtype == TXT:
            return [(0, reply(query, txt=[HOSTILE_TXT]))]
        return [(0, reply(query, a=["127.0.0.2"]))]
    if last_octet == 5:
        whole = reply(query, a=["127.0.0.2"])
        return [(0, whole[:-3])]  # an answer cut short inside its record
    assert query.qtype == A
    return [(0, reply(query, rcode=2))]  # SERVFAIL


GARBAGE_ADDRESSES = ["45.155.205.2", "45.155.205.3", "45.155.205.4", "45.155.205.6"]
"""Well-formed packets that say something wrong."""
MALFORMED_ADDRESSES = ["45.155.205.1", "45.155.205.5"]
"""Packets c-ares cannot parse. One of them makes c-ares drop the connection and
fail every query in flight on it, so they get a run of their own."""


def source_of(tmp_path: Path, addresses: list[str]) -> Path:
    source = tmp_path / "logins.jsonl"
    source.write_text("".join(login(a) for a in addresses))
    return source


@pytest.fixture
def garbage_source(tmp_path) -> Path:
    return source_of(tmp_path, GARBAGE_ADDRESSES)


@pytest.mark.dns
def test_garbage_answers_are_failures_or_rewrites_never_listings(
    capsys, garbage_source
):
    with StandInServer(garbage) as server:
        status, out, _err, elapsed = run_cli(
            capsys, "--headless", "--speed", "0", "--format", "jsonl",
            "--all-events", "--dnsbl-zone", "garbage.test", "--resolver",
            server.address, "--dnsbl-timeout", str(TIMEOUT), str(garbage_source),
        )  # fmt: skip

    alerts = {json.loads(line)["ip"]: json.loads(line) for line in out.splitlines()}
    assert status == 0 and elapsed < 3.0
    assert list(alerts) == GARBAGE_ADDRESSES
    errors = {ip: alert["reputation"]["errors"] for ip, alert in alerts.items()}
    for address in ("45.155.205.2", "45.155.205.6"):
        assert not alerts[address]["reputation"]["listed"]
        assert alerts[address]["reputation"]["failed"] == 1
        assert "garbage.test" in errors[address]
    assert errors["45.155.205.3"] == {
        "garbage.test": "resolver rewrote answer to 203.0.113.9"
    }
    hostile = alerts["45.155.205.4"]["reputation"]
    assert hostile["listed"] and hostile["failed"] == 0
    assert hostile["zones"]["garbage.test"]["txt"] == HOSTILE_TXT.decode()


@pytest.mark.dns
def test_hostile_txt_never_reaches_the_terminal_raw(capsys, garbage_source):
    with StandInServer(garbage) as server:
        status, out, _err, _elapsed = run_cli(
            capsys, "--headless", "--speed", "0", "--all-events",
            "--dnsbl-zone", "garbage.test", "--resolver", server.address,
            "--dnsbl-timeout", str(TIMEOUT), str(garbage_source),
        )  # fmt: skip

    lines = [line for line in out.splitlines() if " line " in line]
    assert status == 0
    assert len(lines) == len(GARBAGE_ADDRESSES)
    assert "\x1b" not in out and "\x07" not in out
    listed = [line for line in lines if "45.155.205.4 " in line]
    assert len(listed) == 1 and "listed by 1 of 1 zones: garbage.test" in listed[0]


@pytest.mark.dns
def test_malformed_packets_fail_their_lookups_without_a_crash(capsys, tmp_path):
    source = source_of(tmp_path, MALFORMED_ADDRESSES)
    with StandInServer(garbage) as server:
        status, out, _err, elapsed = run_cli(
            capsys, "--headless", "--speed", "0", "--format", "jsonl",
            "--all-events", "--dnsbl-zone", "garbage.test", "--resolver",
            server.address, "--dnsbl-timeout", str(TIMEOUT), str(source),
        )  # fmt: skip

    alerts = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and elapsed < 3.0
    assert [alert["ip"] for alert in alerts] == MALFORMED_ADDRESSES
    for alert in alerts:
        reputation = alert["reputation"]
        assert not reputation["listed"] and reputation["failed"] == 1
        assert reputation["errors"]["garbage.test"]


@pytest.mark.dns
def test_followed_file_writes_a_late_verdict_without_waiting_for_more_lines(
    tmp_path: Path, blocklist_server: Rbldnsd
) -> None:
    """Following a quiet file, an answered event is written at once, not when
    the next line arrives or the run stops."""
    source = tmp_path / "followed.jsonl"
    source.write_text(login("45.155.205.10"))
    settings = Settings(
        source=str(source),
        headless=True,
        follow=True,
        speed=0,
        format="jsonl",
        all_events=True,
        dnsbl_zones=[ATTACKERS],
        resolver=f"127.0.0.1:{blocklist_server.port}",
        dnsbl_timeout=TIMEOUT,
    )
    out = Lines()
    writer = HeadlessWriter(settings, out)
    reading = threading.Thread(target=writer.run, daemon=True)
    reading.start()
    try:
        wait_until(lambda: len(out.objects()) == 1)
        written = out.objects()[0]
        assert written["reputation"]["listed"] is True
        assert reading.is_alive(), "the run should still be following the file"
    finally:
        writer.monitor.stop()
        reading.join(timeout=5)


@pytest.mark.dns
def test_text_output_quotes_the_zones_own_reason(
    tmp_path: Path, capsys, blocklist_server: Rbldnsd
) -> None:
    source = tmp_path / "listed.jsonl"
    source.write_text(login("45.155.205.10"))

    status, out, _, _ = run_cli(
        capsys, "--headless", "--speed", "0", "--all-events",
        "--dnsbl-zone", ATTACKERS, "--resolver",
        f"127.0.0.1:{blocklist_server.port}", str(source),
    )  # fmt: skip

    assert status == 0
    assert f"{ATTACKERS} says 'Reported for attacks" in out
