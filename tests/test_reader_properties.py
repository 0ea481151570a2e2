"""Whatever bytes a file holds, reading never crashes and loses no valid line."""

from __future__ import annotations

import ipaddress
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from puptect_tui.events import Event, EventParser, Rejected
from puptect_tui.sources import open_source

users = st.text(min_size=1, max_size=30).filter(lambda text: text.strip() == text)
addresses = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).filter(lambda a: a.ipv4_mapped is None).map(str),
)
valid_records = st.fixed_dictionaries(
    {
        "userid": users,
        "ip": addresses,
        "status_code": st.sampled_from([200, 204, 401, 403, 500]),
        "useragent": st.text(max_size=200),
        "ts": st.integers(min_value=0, max_value=4_000_000_000),
    }
)
noise = st.binary(max_size=300).map(lambda data: data.replace(b"\n", b" "))
lines = st.lists(
    st.one_of(
        valid_records.map(lambda r: ("valid", r)), noise.map(lambda b: ("noise", b))
    ),
    max_size=40,
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(lines=lines)
def test_any_bytes_no_crash_and_valid_lines_come_through(tmp_path, lines):
    encoded = [
        json.dumps(item).encode() if kind == "valid" else item for kind, item in lines
    ]
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(b"\n".join(encoded))
    parser = EventParser()

    results = [parser.parse(line) for line in open_source(path)]

    by_line = {result.line: result for result in results}
    nonblank = [number for number, data in enumerate(encoded, 1) if data.strip()]
    assert sorted(by_line) == nonblank
    for number, (kind, record) in enumerate(lines, 1):
        if kind != "valid":
            continue
        event = by_line[number]
        assert isinstance(event, Event), getattr(event, "reason", event)
        assert event.userid == record["userid"]
        assert event.address == ipaddress.ip_address(record["ip"])
        assert event.status_code == record["status_code"]
        assert event.useragent == record["useragent"]
        assert event.time == float(record["ts"])
    for result in results:
        assert isinstance(result, Event | Rejected)
