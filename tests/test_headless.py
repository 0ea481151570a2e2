"""The headless mode end to end, through the command line a script would use."""

from __future__ import annotations

import io
import ipaddress
import json
from pathlib import Path

import pytest

from puptect_tui.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = DATA / "logins.jsonl"
BLOCKLIST = DATA / "blocklist.txt"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main([*argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def listed_addresses() -> set[str]:
    """The seed's listed addresses, read as plainly as a person would."""
    lines = BLOCKLIST.read_text().splitlines()
    return {line.split()[0] for line in lines if line and not line.startswith("#")}


def seed_events() -> list[dict]:
    return [json.loads(line) for line in SEED.read_text().splitlines()]


def test_seed_listed_logins_are_alerts_with_stats_every_15(capsys):
    status, out, _ = run(
        capsys, "--headless", "--speed", "0", "--no-dnsbl",
        "--blocklist", str(BLOCKLIST), str(SEED),
    )  # fmt: skip

    assert status == 0
    alert_lines = [line for line in out.splitlines() if line.startswith("!")]
    listed = [
        number
        for number, event in enumerate(seed_events(), 1)
        if event["ip"] in listed_addresses()
    ]
    alerted = {int(line.split(" line ")[1].split()[0]) for line in alert_lines}
    assert set(listed) <= alerted
    assert out.count("unique") == len(seed_events()) // 15
    assert "events: 45" in out
    assert "rejected lines: 0" in out


def test_jsonl_lines_are_alert_objects_in_line_order(capsys):
    status, out, err = run(
        capsys, "--headless", "--speed", "0", "--no-dnsbl", "--format", "jsonl",
        "--blocklist", str(BLOCKLIST), str(SEED),
    )  # fmt: skip

    records = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert records
    for record in records:
        assert {"line", "severity", "score", "reasons", "reputation"} <= set(record)
        assert record["severity"] in {"medium", "high", "critical"}
    lines = [record["line"] for record in records]
    assert lines == sorted(lines)
    assert "events: 45" in err


def test_listed_reason_names_the_local_list(capsys):
    _, out, _ = run(
        capsys, "--headless", "--speed", "0", "--no-dnsbl", "--format", "jsonl",
        "--blocklist", str(BLOCKLIST), str(SEED),
    )  # fmt: skip

    john = next(json.loads(line) for line in out.splitlines() if '"john"' in line)
    assert john["reputation"]["listed"] is True
    assert john["reputation"]["local"] == ["blocklist.txt"]
    assert "reputation.listed" in [reason["rule"] for reason in john["reasons"]]


GOOD = {"userid": "ann", "ip": "198.51.100.4", "status_code": 200, "useragent": "x"}
BAD_LINES = [
    b"{not json",
    b"\x00\xff\xfe binary",
    b'{"userid": "bob"}',
    b'{"ip": "198.51.100.9"}',
    b'{"userid": "bob", "ip": "999.1.1.1"}',
    b'{"userid": "bob", "ip": "198.51.100.9", "ts": "not a time"}',
    b'{"userid": ["bob"], "ip": "198.51.100.9"}',
    b'{"userid": "' + b"a" * (70 * 1024) + b'", "ip": "198.51.100.9"}',
]


def mixed_file(tmp_path: Path) -> tuple[Path, list[int]]:
    """Valid lines between every kind of bad line; returns the good line numbers."""
    lines, good = [], []
    for number, bad in enumerate(BAD_LINES):
        good.append(len(lines) + 1)
        lines.append(json.dumps({**GOOD, "userid": f"user{number}"}).encode())
        lines.append(bad)
    good.append(len(lines) + 1)
    lines.append(json.dumps(GOOD).encode())
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, good


def test_bad_lines_never_stop_the_run_nor_lose_good_ones(capsys, tmp_path):
    path, good = mixed_file(tmp_path)

    status, out, err = run(
        capsys, "--headless", "--speed", "0", "--no-dnsbl", "--format", "jsonl",
        "--all-events", str(path),
    )  # fmt: skip

    assert status == 0
    assert [json.loads(line)["line"] for line in out.splitlines()] == good
    assert f"rejected lines: {len(BAD_LINES)}" in err
    for number in (2, 4, 16):
        assert f"line {number}:" in err
    assert "64 KiB" in err


def test_missing_source_exits_2_with_one_line(capsys, tmp_path):
    status, out, err = run(capsys, "--headless", str(tmp_path / "absent.jsonl"))

    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "absent.jsonl" in err


def test_unreadable_source_exits_2(capsys, tmp_path):
    status, _, err = run(capsys, "--headless", str(tmp_path))

    assert status == 2
    assert str(tmp_path) in err


def test_bad_option_value_exits_2(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--headless", "--format", "xml", str(SEED)])

    assert stopped.value.code == 2


def test_standard_input(capsys, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(SEED.read_bytes()))
    monkeypatch.setattr("sys.stdin", stdin)

    status, out, _ = run(
        capsys, "--headless", "--speed", "0", "--no-dnsbl", "--all-events",
        "--format", "jsonl", "-",
    )  # fmt: skip

    assert status == 0
    assert len(out.splitlines()) == 45


def test_hostile_text_is_escaped_in_text_output(capsys, tmp_path):
    hostile = {
        "userid": "eve\x1b[2J\u202e",
        "ip": "198.51.100.7",
        "status_code": 401,
        "useragent": "[bold]x[/bold] \x1b]0;owned\x07",
    }
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(hostile) + "\n")

    _, out, _ = run(
        capsys, "--headless", "--speed", "0", "--no-dnsbl", "--all-events", str(path)
    )

    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "eve\\x1b[2J\\u202e" in out
    assert "[bold]x[/bold]" in out


def test_very_long_names_and_agents_are_cut_in_text_output(capsys, tmp_path):
    """A 20,000-character name must not flood an analyst's terminal."""
    login = {"userid": "u" * 20_000, "ip": "198.51.100.7", "status_code": 401}
    login["useragent"] = "Mozilla/5.0 " + "(x" * 20_000
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(login) + "\n")

    _, out, _ = run(
        capsys, "--headless", "--speed", "0", "--no-dnsbl", "--all-events", str(path)
    )

    (line,) = [line for line in out.splitlines() if line.startswith("!")]
    assert len(line) < 400
    assert " " + "u" * 61 + "... 198.51.100.7 401 'Mozilla/5.0 (x(x" in line


def test_private_addresses_get_no_country(capsys, tmp_path):
    path = tmp_path / "private.jsonl"
    path.write_text(json.dumps({**GOOD, "ip": "10.1.2.3"}) + "\n")

    _, out, _ = run(
        capsys, "--headless", "--speed", "0", "--no-dnsbl", "--all-events",
        "--format", "jsonl", str(path),
    )  # fmt: skip

    record = json.loads(out)
    assert ipaddress.ip_address(record["ip"]).is_private
    assert record["place"]["country"] is None


def test_jsonl_objects_are_each_events_full_record(capsys, tmp_path):
    """Shared parts encoded once must read exactly like each event's own."""
    from puptect_tui.events import EventParser, Line
    from puptect_tui.pipeline import Pipeline
    from puptect_tui.settings import Settings

    status, out, _ = run(
        capsys, "--headless", "--speed", "0", "--no-dnsbl", "--format", "jsonl",
        "--all-events", "--blocklist", str(BLOCKLIST), str(SEED),
    )  # fmt: skip

    pipeline = Pipeline(Settings(dnsbl=False, blocklists=[str(BLOCKLIST)]))
    parser = EventParser()
    expected = []
    for number, data in enumerate(SEED.read_bytes().splitlines(), 1):
        event = parser.parse(Line(number, data, 0.0))
        pipeline.process(event)
        expected.append(json.loads(json.dumps(event.as_json())))
    assert status == 0
    assert [json.loads(line) for line in out.splitlines()] == expected
    assert any(record["reputation"]["local"] for record in expected)


def test_headless_keeps_no_recent_logins_only_the_risk_view_shows():
    from puptect_tui.headless import HeadlessWriter
    from puptect_tui.settings import Settings

    settings = Settings(source=str(SEED), headless=True, dnsbl=False)
    settings.detect["failure_window"] = 600
    writer = HeadlessWriter(settings, io.StringIO())

    detect = writer.monitor.detector.settings
    assert detect.recent_logins == 0
    assert detect.failure_window == 600  # the rest of [detect] still applies
    assert settings.detect == {"failure_window": 600}
