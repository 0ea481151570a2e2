"""The simulator: exact ground truth, realistic shape, deterministic bytes."""

from __future__ import annotations

import argparse
import collections
import ipaddress
import json
from datetime import UTC, datetime
from pathlib import Path

import iptocc
import pytest

from puptect_tui.events import EventParser, Line, Rejected
from puptect_tui.simulate import ALL_ATTACKS, LOOKALIKES, add_parser, simulate, writer
from puptect_tui.simulate import agents as simulated_agents

FEW_THOUSAND = 4000


def parse_args(*words: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="puptect-tui")
    add_parser(parser.add_subparsers())
    return parser.parse_args(["simulate", *words])


def run_cli(tmp_path: Path, *words: str, name: str = "out") -> tuple[bytes, bytes]:
    events, labels = tmp_path / f"{name}.jsonl", tmp_path / f"{name}.labels.jsonl"
    args = parse_args(*words, "-o", str(events), "--labels", str(labels))
    assert args.handler(args) == 0
    return events.read_bytes(), labels.read_bytes()


@pytest.fixture(scope="module")
def stream() -> list[tuple[dict, dict]]:
    return list(simulate(seed=7, events=FEW_THOUSAND))


def campaigns(stream, kind: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = collections.defaultdict(list)
    for event, label in stream:
        if label["kind"] == kind:
            grouped[label["campaign"]].append(event)
    return grouped


def episodes(stream, kind: str) -> dict[str, list[dict]]:
    """Look-alike events grouped by user (they carry no campaign id)."""
    grouped: dict[str, list[dict]] = collections.defaultdict(list)
    for event, label in stream:
        if label["kind"] == f"lookalike:{kind}":
            grouped[event["userid"]].append(event)
    return grouped


def home_countries(stream) -> dict[str, str]:
    """Each user's most frequent country among their ordinary logins."""
    seen: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for event, label in stream:
        if label["kind"] == "normal":
            seen[event["userid"]][iptocc.country_code(event["ip"])] += 1
    return {user: counts.most_common(1)[0][0] for user, counts in seen.items()}


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path):
    first = run_cli(tmp_path, "--seed", "3", "--events", "1500", name="a")
    again = run_cli(tmp_path, "--seed", "3", "--events", "1500", name="b")
    other = run_cli(tmp_path, "--seed", "4", "--events", "1500", name="c")

    assert first == again
    assert first[0] != other[0]


def test_every_attack_and_look_alike_appears_in_a_few_thousand_events(stream):
    kinds = collections.Counter(label["kind"] for _, label in stream)

    for kind in ALL_ATTACKS:
        assert kinds[kind] > 0, kind
    for kind in LOOKALIKES:
        assert kinds[f"lookalike:{kind}"] > 0, kind
    assert kinds["normal"] > FEW_THOUSAND // 2


def test_labels_mark_attacks_and_only_attacks_with_a_campaign(stream):
    for number, (_, label) in enumerate(stream, start=1):
        assert label["line"] == number
        is_attack = label["kind"] in ALL_ATTACKS
        assert label["attack"] is is_attack
        if is_attack:
            assert label["campaign"].startswith(label["kind"] + "-")
        else:
            assert label["campaign"] is None
            assert label["kind"] == "normal" or label["kind"].startswith("lookalike:")


def test_a_campaign_id_belongs_to_one_kind(stream):
    kinds_of = collections.defaultdict(set)
    for _, label in stream:
        if label["campaign"]:
            kinds_of[label["campaign"]].add(label["kind"])

    assert all(len(kinds) == 1 for kinds in kinds_of.values())


def test_brute_force_is_many_failures_for_one_user_from_one_address(stream):
    for events in campaigns(stream, "brute_force").values():
        failures = [e for e in events if e["status_code"] == 401]
        assert len({e["userid"] for e in events}) == 1
        assert len({e["ip"] for e in events}) == 1
        assert len({e["useragent"] for e in events}) == 1
        assert len(failures) >= 20


def test_ip_hopping_moves_to_a_new_address_after_each_failure(stream):
    for events in campaigns(stream, "ip_hopping").values():
        addresses = [e["ip"] for e in events]
        assert len({e["userid"] for e in events}) == 1
        assert len(set(addresses)) == len(addresses) >= 8
        assert {e["useragent"] for e in events} <= set(simulated_agents.HOPPING)


def test_password_spray_is_one_address_against_many_users_slowly(stream):
    for events in campaigns(stream, "password_spray").values():
        first, last = events[0]["timestamp"], events[-1]["timestamp"]
        span = datetime.fromisoformat(last) - datetime.fromisoformat(first)
        assert len({e["ip"] for e in events}) == 1
        assert len({e["userid"] for e in events}) >= 15
        assert span.total_seconds() / len(events) >= 20


def test_credential_stuffing_spreads_over_users_and_addresses(stream):
    for events in campaigns(stream, "credential_stuffing").values():
        failures = sum(e["status_code"] == 401 for e in events)
        assert len({e["userid"] for e in events}) >= 20
        assert len({e["ip"] for e in events}) >= 10
        assert len({e["useragent"] for e in events}) <= 3
        assert failures >= 0.8 * len(events)


def test_account_takeover_succeeds_from_a_new_country_with_a_new_device(stream):
    homes = home_countries(stream)
    devices = collections.defaultdict(set)
    for event, label in stream:
        if not label["attack"]:
            devices[event["userid"]].add(event["useragent"])

    for events in campaigns(stream, "account_takeover").values():
        user = events[0]["userid"]
        assert events[-1]["status_code"] == 200
        assert {e["userid"] for e in events} == {user}
        assert iptocc.country_code(events[-1]["ip"]) != homes.get(user)
        assert events[-1]["useragent"] not in devices[user]


def test_agent_campaigns_use_malformed_or_scripted_agents(stream):
    for events in campaigns(stream, "bad_agent").values():
        assert {e["useragent"] for e in events} <= set(simulated_agents.MALFORMED)
    for events in campaigns(stream, "scripted_agent").values():
        assert {e["useragent"] for e in events} <= set(simulated_agents.SCRIPTED)


def test_many_users_is_one_address_and_agent_succeeding_as_many(stream):
    for events in campaigns(stream, "many_users").values():
        successes = [e for e in events if e["status_code"] == 200]
        assert len({e["ip"] for e in events}) == 1
        assert len({e["useragent"] for e in events}) == 1
        assert len({e["userid"] for e in successes}) >= 6


def test_forgotten_password_is_failures_then_success_on_the_same_device(stream):
    for events in episodes(stream, "forgotten_password").values():
        assert events[-1]["status_code"] == 200
        assert sum(e["status_code"] == 401 for e in events) >= 3
        assert len({(e["ip"], e["useragent"]) for e in events[-4:]}) == 1


def test_holiday_logins_come_from_another_country_on_a_usual_device(stream):
    homes = home_countries(stream)
    devices = collections.defaultdict(set)
    for event, label in stream:
        if label["kind"] == "normal":
            devices[event["userid"]].add(event["useragent"])

    for user, events in episodes(stream, "holiday").items():
        countries = {iptocc.country_code(e["ip"]) for e in events}
        assert homes.get(user) not in countries
        assert {e["useragent"] for e in events} & devices[user]


def test_office_addresses_are_shared_by_colleagues(stream):
    users_by_address = collections.defaultdict(set)
    for event, label in stream:
        if label["kind"] == "lookalike:office_nat":
            users_by_address[event["ip"]].add(event["userid"])

    assert max(len(users) for users in users_by_address.values()) >= 10


def test_a_new_phone_is_an_agent_the_user_never_used_before(stream):
    used = collections.defaultdict(set)
    checked = 0
    for event, label in stream:
        if label["kind"] == "lookalike:new_phone":
            assert event["useragent"] not in used[event["userid"]]
            checked += 1
        used[event["userid"]].add(event["useragent"])
    assert checked


def test_outdated_browsers_are_real_but_old(stream):
    agents = {
        event["useragent"]
        for event, label in stream
        if label["kind"] == "lookalike:outdated_browser"
    }
    known = {device.agent for device in simulated_agents.OUTDATED}
    assert agents and agents <= known


def test_the_stream_parses_without_a_single_rejection(stream):
    parser = EventParser()
    for number, (event, _) in enumerate(stream, start=1):
        line = Line(number, json.dumps(event).encode(), read_at=0.0)
        parsed = parser.parse(line)
        assert not isinstance(parsed, Rejected), parsed
        assert parsed.success is (event["status_code"] == 200)


def test_timestamps_are_utc_iso_and_never_go_back(stream):
    stamps = [event["timestamp"] for event, _ in stream]

    assert all(stamp.endswith("Z") for stamp in stamps)
    assert stamps == sorted(stamps)
    assert datetime.fromisoformat(stamps[0]) >= datetime(2025, 3, 3, tzinfo=UTC)


def test_every_address_is_global_and_registered_to_a_country(stream):
    addresses = sorted({event["ip"] for event, _ in stream})

    assert all(ipaddress.ip_address(text).is_global for text in addresses)
    assert None not in iptocc.country_code(addresses)


def test_users_log_in_mostly_from_their_own_country(stream):
    homes = home_countries(stream)
    at_home = total = 0
    for event, label in stream:
        if label["kind"] == "normal":
            total += 1
            at_home += iptocc.country_code(event["ip"]) == homes[event["userid"]]
    assert at_home == total


def test_events_gives_exactly_that_many_lines_with_aligned_labels(tmp_path):
    events, labels = run_cli(tmp_path, "--events", "1234", "--seed", "5")
    event_lines = events.decode().splitlines()
    label_lines = [json.loads(line) for line in labels.decode().splitlines()]

    assert len(event_lines) == len(label_lines) == 1234
    assert [label["line"] for label in label_lines] == list(range(1, 1235))
    assert [json.loads(line) for line in event_lines[:50]] == [
        event for event, _ in simulate(seed=5, events=50)
    ]


def test_hours_bounds_the_stream_in_time(tmp_path):
    events, _ = run_cli(tmp_path, "--hours", "6", "--start", "2025-06-01T00:00:00Z")
    stamps = [json.loads(line)["timestamp"] for line in events.decode().splitlines()]

    assert stamps
    assert stamps[0] >= "2025-06-01T00:00"
    assert stamps[-1] < "2025-06-01T06:00"


def test_attack_mix_can_be_chosen_or_turned_off():
    chosen = {
        label["kind"]
        for _, label in simulate(events=3000, attacks=["brute_force", "many_users"])
        if label["attack"]
    }
    none = [label for _, label in simulate(events=3000, attacks=()) if label["attack"]]

    assert chosen == {"brute_force", "many_users"}
    assert none == []


def test_attacks_leave_the_ordinary_logins_unchanged():
    """The same seed with and without attacks: the same staff, the same days."""
    quiet = [event for event, _ in simulate(hours=48, attacks=())]
    noisy = [event for event, label in simulate(hours=48) if not label["attack"]]

    assert quiet == noisy


def test_attack_rate_sets_the_share_of_attack_logins():
    for rate in (0.05, 0.3):
        labels = [
            label for _, label in simulate(seed=2, events=20000, attack_rate=rate)
        ]
        share = sum(label["attack"] for label in labels) / len(labels)
        assert rate / 2 < share < rate * 1.6, (rate, share)


def test_the_cli_writes_to_standard_output(capsys):
    args = parse_args("--events", "10", "--attacks", "none")

    assert args.handler(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10
    assert set(json.loads(lines[0])) == {
        "timestamp",
        "userid",
        "event_type",
        "status_code",
        "ip",
        "useragent",
    }


def test_an_unknown_attack_kind_is_bad_usage(capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_args("--attacks", "brute_force,phishing")

    assert exit_info.value.code == 2
    assert "phishing" in capsys.readouterr().err


def test_an_unwritable_output_is_reported_not_raised(tmp_path, capsys):
    args = parse_args("--events", "5", "-o", str(tmp_path / "missing" / "out.jsonl"))

    assert args.handler(args) == 2
    assert "missing" in capsys.readouterr().err


def test_timestamps_are_written_to_the_millisecond():
    encoder = writer.Encoder()
    moments = [1_740_960_000_000 + step * 59_999 for step in range(0, 5000, 7)]

    for moment in moments:
        expected = datetime.fromtimestamp(moment / 1000, UTC).isoformat(
            timespec="milliseconds"
        )
        assert encoder.timestamp(moment) == expected.replace("+00:00", "Z")
