"""One score per login: single odd signals stay low, agreeing signals rise."""

from __future__ import annotations

from pathlib import Path

import pytest
from detect_factory import PHONE, START, habits, login, score

from puptect_tui.detect import scoring
from puptect_tui.detect.detector import Detector
from puptect_tui.detect.settings import DetectSettings
from puptect_tui.detect.verdict import Reason, Severity
from puptect_tui.events import Event, EventParser, Line

SEED = Path(__file__).parent.parent / "data" / "logins.jsonl"


def _seed_verdicts() -> list[Event]:
    parser = EventParser()
    detector = Detector()
    events = []
    for number, data in enumerate(SEED.read_bytes().splitlines(), 1):
        event = parser.parse(Line(number, data, START))
        assert isinstance(event, Event)
        score(detector, event)
        events.append(event)
    return events


def test_seed_henrys_hopping_failures_are_high_and_his_success_higher():
    henry = [event for event in _seed_verdicts() if event.userid == "henry"]
    failures = [event.verdict for event in henry if event.failed]
    success = next(event.verdict for event in henry if not event.failed)

    assert all(verdict.severity >= Severity.HIGH for verdict in failures[4:])
    assert success.score > max(verdict.score for verdict in failures)
    assert "auth.ip_hopping" in success.rules
    assert "auth.success_after_failures" in success.rules


def test_seed_one_address_logging_in_as_four_users_is_flagged():
    shared = [event for event in _seed_verdicts() if event.ip == "109.184.11.34"]

    assert [event.userid for event in shared] == ["john", "mary", "jules", "roger"]
    assert all(event.verdict.severity >= Severity.MEDIUM for event in shared[2:])
    assert "ip.many_users" in shared[-1].verdict.rules


def test_seed_abigails_repeated_logins_from_one_address_are_not_flagged():
    abigail = [event for event in _seed_verdicts() if event.userid == "abigail"]

    assert len(abigail) == 10
    assert all(event.verdict.score == 0 for event in abigail)


def test_every_point_of_the_score_is_explained_by_a_reason():
    for event in _seed_verdicts():
        verdict = event.verdict
        assert verdict.score == min(100, sum(r.points for r in verdict.reasons))


def test_agreeing_signals_add_an_explained_bonus():
    detector = Detector()
    for number in range(4):
        verdict = score(
            detector,
            login(
                "henry",
                f"203.0.{number}.7",
                at=number * 30,
                failed=True,
                agent="MoZillA",
            ),
        )

    bonus = next(r for r in verdict.reasons if r.rule == "score.agreement")
    assert bonus.detail == "2 kinds of signal agree: agent, attack pattern"
    assert verdict.severity == Severity.HIGH


def test_two_weak_signals_of_different_kinds_earn_no_bonus():
    detector = Detector()
    later = habits(detector)

    verdict = score(
        detector, login(ip="203.0.113.5", at=later, agent=PHONE, country="FR")
    )

    assert sorted(verdict.rules) == ["user.new_device", "user.new_network"]
    assert verdict.severity == Severity.LOW


def test_a_user_risk_view_shows_score_reasons_and_recent_logins():
    detector = Detector()
    for number in range(5):
        score(
            detector,
            login(
                "henry",
                f"203.0.{number}.7",
                at=number * 30,
                failed=True,
                agent="MoZillA",
            ),
        )

    risk = detector.user_risk("henry")

    assert risk.score == max(event.verdict.score for event in risk.recent)
    assert risk.severity == Severity.HIGH
    assert risk.reasons[0].rule == "auth.ip_hopping"
    assert len(risk.recent) == 5
    assert risk.failures == 5
    assert risk.addresses[0] == ("203.0.0.7", 1)
    assert detector.user_risk("nobody") is None


def test_the_risk_view_keeps_the_latest_logins_oldest_first():
    detector = Detector(DetectSettings(recent_logins=3))
    for number in range(7):
        score(detector, login("henry", at=number * 60.0))

    recent = detector.user_risk("henry").recent

    assert [event.time - START for event in recent] == [240.0, 300.0, 360.0]


def test_verdicts_that_say_the_same_thing_share_one_reason():
    """The UI keeps tens of thousands of alerts; a repeated sentence is kept once."""
    settings = DetectSettings()

    def new_mac() -> list[Reason]:
        return [Reason("user.new_device", "first login with device Mac", 15)]

    first = scoring.verdict(new_mac(), settings)
    again = scoring.verdict(new_mac(), settings)

    assert first.reasons == again.reasons
    assert first.reasons[0] is again.reasons[0]


def test_state_stays_bounded_over_many_users():
    settings = DetectSettings(max_users=100, max_addresses=100, max_agents=10)
    detector = Detector(settings)
    for number in range(2000):
        address = f"10.{number // 250}.{number % 250}.1"
        score(
            detector,
            login(
                f"user{number}",
                address,
                at=number,
                failed=number % 2 == 1,
                agent=f"agent/{number}",
            ),
        )

    assert len(detector.users) == 100
    assert len(detector.shared_logins) == 100
    assert len(detector.agent_crowds) == 10
    assert detector.user_risk("user1999") is not None
    assert detector.user_risk("user0") is None


def test_settings_come_from_a_detect_table():
    settings = DetectSettings.from_mapping(
        {"brute-force-failures": 10, "failure_window": 600}
    )

    assert settings.brute_force_failures == 10
    assert settings.failure_window == 600.0


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"brute_force": 3}, "unknown detect setting 'brute_force'"),
        ({"failure_window": "10m"}, "must be a number"),
        ({"spray_users": 2.5}, "whole number"),
        ({"many_users": -1}, "must not be negative"),
    ],
)
def test_bad_detect_settings_are_refused_by_name(table: dict, words: str):
    with pytest.raises(ValueError, match=words):
        DetectSettings.from_mapping(table)


def test_shared_logins_past_their_limit_forget_the_oldest_made_first():
    detector = Detector(DetectSettings(max_addresses=3))
    for number, address in enumerate(["10.0.0.1", "10.0.0.2", "10.0.0.3"]):
        score(detector, login("ana", address, at=number, agent="A"))
    score(detector, login("ana", "10.0.0.1", at=10, agent="A"))  # seen again
    score(detector, login("ana", "10.0.0.4", at=11, agent="A"))

    kept = {address for address, _ in detector.shared_logins.items}

    assert kept == {"10.0.0.2", "10.0.0.3", "10.0.0.4"}
