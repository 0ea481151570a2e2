"""The parser turns every line into an event or a rejection with a reason."""

from __future__ import annotations

import gc
import json

import msgspec
import pytest

from puptect_tui.enrich.agent import parse_agent
from puptect_tui.events import (
    _ESCAPES,
    MAX_LINE_BYTES,
    Event,
    EventParser,
    Line,
    Rejected,
    _written_times,
    escape_control,
    parse_field_map,
)

READ_AT = 1_600_000_000.0


def parse(record: dict | bytes, parser: EventParser | None = None, number: int = 1):
    data = record if isinstance(record, bytes) else json.dumps(record).encode()
    return (parser or EventParser()).parse(Line(number, data, READ_AT))


def login(**fields) -> dict:
    return {"userid": "john", "ip": "109.184.11.34", **fields}


def test_seed_fields_become_an_event():
    event = parse(
        login(
            timestamp="2021-07-05T12:02:49.140Z",
            event_type="login",
            status_code=200,
            useragent="Mozilla/5.0 (X11; Linux x86_64)",
        )
    )

    assert isinstance(event, Event)
    assert (event.userid, event.ip, event.status_code) == ("john", "109.184.11.34", 200)
    assert event.success is True
    assert event.timestamp == "2021-07-05T12:02:49.140Z"
    assert event.useragent == "Mozilla/5.0 (X11; Linux x86_64)"


@pytest.mark.parametrize(
    ("user_field", "ip_field", "agent_field"),
    [
        ("user", "src_ip", "user_agent"),
        ("username", "client_ip", "ua"),
        ("userid", "source_ip", "useragent"),
    ],
)
def test_field_aliases(user_field, ip_field, agent_field):
    event = parse({user_field: "mary", ip_field: "83.149.9.216", agent_field: "curl/8"})

    assert (event.userid, event.ip, event.useragent) == (
        "mary",
        "83.149.9.216",
        "curl/8",
    )


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("timestamp", "2021-07-05T12:02:49Z", "2021-07-05T12:02:49.000Z"),
        ("timestamp", "2021-07-05T12:02:49", "2021-07-05T12:02:49.000Z"),
        ("timestamp", "2021-07-05T14:02:49+02:00", "2021-07-05T12:02:49.000Z"),
        ("ts", 1625486569, "2021-07-05T12:02:49.000Z"),
        ("time", 1625486569140, "2021-07-05T12:02:49.140Z"),
        ("@timestamp", "1625486569.5", "2021-07-05T12:02:49.500Z"),
    ],
)
def test_every_timestamp_form(field, value, expected):
    assert parse(login(**{field: value})).timestamp == expected


def test_a_line_without_time_takes_the_time_it_was_read():
    assert parse(login()).time == READ_AT


@pytest.mark.parametrize(
    ("fields", "success"),
    [
        ({"status_code": 200}, True),
        ({"status_code": "204"}, True),
        ({"status_code": 401}, False),
        ({"status_code": 403}, False),
        ({"status_code": 500}, None),
        ({"outcome": "failure", "status_code": 200}, False),
        ({"outcome": "SUCCESS"}, True),
        ({"success": False}, False),
        ({"success": "true"}, True),
        ({}, None),
    ],
)
def test_outcome_from_status_or_outcome_field(fields, success):
    assert parse(login(**fields)).success is success


def test_ipv4_mapped_ipv6_is_folded_to_ipv4():
    assert parse(login(ip="::ffff:198.51.100.7")).ip == "198.51.100.7"


def test_ipv6_is_kept_in_canonical_form():
    assert parse(login(ip="2001:DB8:0:0::1")).ip == "2001:db8::1"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{not json", "not JSON"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (b"[1, 2]", "wrong type"),
        (json.dumps({"ip": "1.2.3.4"}).encode(), "no user"),
        (json.dumps({"userid": "bob"}).encode(), "no address"),
        (json.dumps(login(ip="300.1.1.1")).encode(), "invalid address"),
        (json.dumps(login(timestamp="yesterday")).encode(), "unreadable timestamp"),
        (json.dumps(login(userid=42)).encode(), "wrong type"),
        (json.dumps(login(status_code="ok")).encode(), "status_code"),
        (json.dumps(login(status_code=99)).encode(), "status_code out of range"),
        (json.dumps(login(ts=True)).encode(), "wrong type"),
    ],
)
def test_bad_lines_are_rejected_with_their_number_and_reason(data, reason):
    rejected = parse(data, number=17)

    assert isinstance(rejected, Rejected)
    assert rejected.line == 17
    assert reason in rejected.reason


def test_oversized_line_is_rejected_without_parsing():
    line = Line(3, b'{"userid": "x"', READ_AT, oversized=True)

    rejected = EventParser().parse(line)

    assert isinstance(rejected, Rejected)
    assert f"{MAX_LINE_BYTES // 1024} KiB" in rejected.reason


def test_rejection_excerpt_shows_control_characters_escaped():
    rejected = parse(b"\x1b[2J{broken")

    assert "\x1b" not in rejected.excerpt
    assert rejected.excerpt.startswith("\\x1b[2J")


def test_field_map_reads_nested_paths_and_keeps_standard_names():
    parser = EventParser(parse_field_map(["userid=actor.alternateId", "ip=client.ip"]))

    nested = parse(
        {"actor": {"alternateId": "eve"}, "client": {"ip": "8.8.8.8"}}, parser
    )
    standard = parse(login(), parser)

    assert (nested.userid, nested.ip) == ("eve", "8.8.8.8")
    assert (standard.userid, standard.ip) == ("john", "109.184.11.34")


def test_field_map_with_wrong_type_at_path_is_rejected():
    parser = EventParser(parse_field_map(["userid=actor"]))

    rejected = parse({"actor": {"id": 1}, "ip": "8.8.8.8"}, parser)

    assert isinstance(rejected, Rejected)
    assert "userid must be a string" in rejected.reason


@pytest.mark.parametrize("spec", ["userid", "nosuch=a.b", "ip="])
def test_bad_field_map_is_refused(spec):
    with pytest.raises(ValueError, match="--map"):
        parse_field_map([spec])


def test_alert_json_has_the_fixed_fields():
    record = parse(login(status_code=401, useragent="MoZillA", ts=0)).as_json()

    assert record["line"] == 1
    assert record["timestamp"] == "1970-01-01T00:00:00.000Z"
    for key in ("userid", "ip", "status_code", "useragent", "severity", "score"):
        assert key in record
    assert record["reasons"] == []


def test_an_alert_leaves_out_the_enrichment_its_event_lacks():
    """The JSONL format writes no ``null`` for an enricher that did not run."""
    event = parse(login(ts=0))

    written = json.loads(msgspec.json.encode(event.alert()))

    assert not {"reputation", "agent", "place"} & set(written)
    assert written["status_code"] is None  # a fixed field is written even if null
    event.agent = parse_agent("Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0")
    assert json.loads(msgspec.json.encode(event.alert()))["agent"]["browser"]


def test_lines_stay_out_of_the_cycle_collector():
    """A line is made for every line read; the collector need never walk one."""
    assert not gc.is_tracked(Line(1, b"{}", READ_AT))


def test_escape_control_makes_terminal_tricks_visible():
    shown = escape_control("a\x1b[2Jb\u202eevil\u200b\x9b\x00")

    assert shown == "a\\x1b[2Jb\\u202eevil\\u200b\\x9b\\x00"


def test_escape_control_skips_no_escaped_character_in_printable_text():
    """Printable text is returned as it is; every escaped character must be
    unprintable, or that shortcut would let it through."""
    for code in _ESCAPES:
        assert not chr(code).isprintable()
        assert escape_control(f"user{chr(code)}name") != f"user{chr(code)}name"


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-03T00:03:33.972Z",
        "2025-03-03T00:03:59.999Z",
        "1969-12-31T23:59:59.999Z",
        "2024-02-29T23:59:00.001Z",
        "2025-03-03 00:03:33.972Z",
    ],
)
def test_common_iso_times_read_exactly_as_the_full_parse(text):
    from datetime import datetime

    event = parse(login(timestamp=text))

    assert event.time == datetime.fromisoformat(text).timestamp()
    assert event.timestamp == text.replace(" ", "T")


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-03T00:03:60.000Z",
        "2025-13-03T00:03:33.972Z",
        "2025-03-03T00:03:3a.972Z",
        "2025-03-03T24:00:00.000Z",
        "2025-03-03T00:60:00.000Z",
        "20250303T0000:03:33.972Z",
        "2025-03-03T00:03:\u0663\u0663.972Z",
    ],
)
def test_iso_times_that_only_look_common_are_still_rejected(text):
    rejected = parse(login(timestamp=text))

    assert isinstance(rejected, Rejected)
    assert "unreadable timestamp" in rejected.reason


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-03T00:03:33.972Z",
        "2025-03-03 00:03:33.972Z",
        "0999-12-31T23:59:59.999Z",
        "1969-12-31T23:59:59.999Z",
        "9999-12-31T23:59:59.999Z",
    ],
)
def test_a_time_is_written_alike_from_the_parsed_text_or_formatted(text):
    event = parse(login(timestamp=text))
    remembered = event.timestamp
    _written_times.clear()

    assert remembered == event.timestamp


def test_every_millisecond_read_is_written_as_the_line_wrote_it():
    texts = [
        f"{day}T{clock}.{millis:03d}Z"
        for day, clock in (("1970-01-01", "00:00:00"), ("2199-06-30", "23:59:59"))
        for millis in range(1000)
    ]

    events = [parse(login(timestamp=text)) for text in texts]
    _written_times.clear()

    assert [event.timestamp for event in events] == texts


def test_times_across_many_minutes_keep_their_own_minute():
    texts = [
        f"2025-03-03T{hour:02d}:{minute:02d}:07.250Z"
        for hour in (0, 13)
        for minute in range(60)
    ]

    events = [parse(login(timestamp=text)) for text in texts]

    assert [event.timestamp for event in events] == texts


def test_every_spelling_of_an_address_gives_one_canonical_text():
    spellings = [
        " 198.51.100.7",
        "198.51.100.7 ",
        "::ffff:198.51.100.7",
        "198.51.100.7",
    ]

    events = [parse(login(ip=text)) for text in spellings]

    assert {event.ip for event in events} == {"198.51.100.7"}
    assert len({id(event.ip) for event in events}) == 1
    assert {str(event.address) for event in events} == {"198.51.100.7"}


def test_address_caches_stay_bounded_over_many_distinct_addresses(monkeypatch):
    import puptect_tui.events as events

    monkeypatch.setattr(events, "_KNOWN_ADDRESSES_MAX", 50)
    for number in range(500):
        event = parse(login(ip=f"10.0.{number // 250}.{number % 250}"))
        assert event.ip == f"10.0.{number // 250}.{number % 250}"

    assert len(events._read_addresses) <= 50
    assert len(events._known_addresses) <= 50
    assert len(events._canonical_text) <= 50
