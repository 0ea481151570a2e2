"""Failure rules: each fires on its attack and stays quiet on its look-alike."""

from __future__ import annotations

from detect_factory import LAPTOP, PHONE, WINDOWS, habits, login, score

from puptect_tui.detect.detector import Detector
from puptect_tui.detect.settings import DetectSettings
from puptect_tui.detect.verdict import Severity


def test_brute_force_counts_failures_for_one_user_from_one_address():
    detector = Detector()
    for second in range(5):
        score(detector, login("bob", "203.0.113.9", at=second * 10, failed=True))

    verdict = score(detector, login("bob", "203.0.113.9", at=50, failed=True))

    reason = verdict.reasons[0]
    assert reason.rule == "auth.brute_force"
    assert reason.detail == "6 failures for bob from 203.0.113.9 in 50 s"


def test_a_few_typos_are_not_a_brute_force():
    detector = Detector()
    verdicts = [
        score(detector, login("bob", at=second * 10, failed=True))
        for second in range(3)
    ]

    assert all(verdict.reasons == [] for verdict in verdicts)


def test_failures_older_than_the_window_are_forgotten():
    detector = Detector(DetectSettings(failure_window=600))
    for number in range(5):
        score(detector, login("bob", at=number * 10, failed=True))

    verdict = score(detector, login("bob", at=3600, failed=True))

    assert verdict.reasons == []


def test_ip_hopping_names_failures_addresses_and_the_one_agent():
    detector = Detector()
    for number in range(4):
        event = login("henry", f"203.0.{number}.7", at=number * 60, failed=True)
        verdict = score(detector, event)

    hopping = next(r for r in verdict.reasons if r.rule == "auth.ip_hopping")
    assert hopping.detail == "4 failures from 4 addresses in 3 min, agent " + repr(
        LAPTOP[:37] + "..."
    )


def test_a_user_failing_from_two_networks_is_not_hopping():
    detector = Detector()
    score(detector, login("amy", "198.51.100.4", failed=True))
    verdict = score(detector, login("amy", "203.0.113.4", at=300, failed=True))

    assert verdict.reasons == []


def test_password_spray_is_one_address_failing_for_many_users():
    detector = Detector()
    for number in range(5):
        verdict = score(
            detector,
            login(f"user{number}", "203.0.113.66", at=number * 30, failed=True),
        )

    assert verdict.rules[0] == "auth.password_spray"
    assert verdict.reasons[0].detail.startswith(
        "203.0.113.66 failed for 5 users in 2 min"
    )


def test_colleagues_mistyping_behind_one_office_address_is_not_a_spray():
    detector = Detector()
    verdicts = []
    for number in range(40):
        failed = number % 10 == 0
        event = login(
            f"user{number}",
            "198.51.100.1",
            at=number * 60,
            failed=failed,
            agent=WINDOWS if number % 2 else LAPTOP,
        )
        verdicts.append(score(detector, event))

    assert all("auth.password_spray" not in verdict.rules for verdict in verdicts)


def test_credential_stuffing_is_one_agent_failing_across_users_and_addresses():
    detector = Detector()
    for number in range(8):
        event = login(
            f"user{number}",
            f"203.0.{number}.9",
            at=number * 20,
            failed=True,
            agent="python-requests/2.31",
        )
        verdict = score(detector, event)

    stuffing = next(r for r in verdict.reasons if r.rule == "auth.credential_stuffing")
    assert stuffing.detail.startswith("8 failures for 8 users from 8 addresses in")
    assert "agent 'python-requests/2.31' (100% of its logins failed)" in stuffing.detail


def test_a_busy_browser_agent_with_ordinary_failures_is_not_stuffing():
    detector = Detector()
    verdicts = []
    for number in range(200):
        event = login(
            f"user{number}",
            f"198.51.{number}.9",
            at=number * 5,
            failed=number % 8 == 0,
            agent=WINDOWS,
        )
        verdicts.append(score(detector, event))

    assert all("auth.credential_stuffing" not in verdict.rules for verdict in verdicts)


def test_success_after_failures_from_many_addresses_is_flagged():
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

    verdict = score(detector, login("henry", "203.0.9.7", at=200, agent="MoZillA"))

    reason = next(r for r in verdict.reasons if r.rule == "auth.success_after_failures")
    assert reason.detail == (
        "success after 5 failures in 2 min, failures came from 5 addresses"
    )


def test_three_typos_then_a_success_from_the_usual_laptop_stay_quiet():
    detector = Detector()
    later = habits(detector, "carol")
    for number in range(3):
        score(detector, login("carol", at=later + number * 20, failed=True))

    verdict = score(detector, login("carol", at=later + 80))

    assert verdict.reasons == []


def test_success_after_typos_from_a_new_device_and_network_is_explained():
    detector = Detector()
    later = habits(detector, "carol")
    for number in range(3):
        score(detector, login("carol", at=later + number * 20, failed=True))

    verdict = score(
        detector,
        login(
            "carol",
            "203.0.113.50",
            at=later + 80,
            agent="MoZillA",
            country="RU",
            asn=64999,
        ),
    )

    reason = next(r for r in verdict.reasons if r.rule == "auth.success_after_failures")
    assert "new device" in reason.detail
    assert "new network" in reason.detail


def test_a_failure_then_a_success_from_a_country_never_seen_is_raised():
    detector = Detector()
    later = habits(detector, "carol")
    score(detector, login("carol", "203.0.113.50", at=later, failed=True, country="VN"))

    verdict = score(
        detector, login("carol", "203.0.113.50", at=later + 60, country="VN")
    )

    assert "auth.success_after_failures" in verdict.rules
    assert verdict.severity >= Severity.MEDIUM


def test_a_holiday_login_from_a_new_country_without_failures_stays_low():
    detector = Detector()
    later = habits(detector, "carol")

    verdict = score(detector, login("carol", "203.0.113.50", at=later, country="VN"))

    assert verdict.rules == ["user.new_network"]
    assert verdict.severity == Severity.LOW


def test_an_attackers_success_is_not_learned_as_the_users_habit():
    detector = Detector()
    later = habits(detector, "carol")
    score(detector, login("carol", "203.0.113.50", at=later, failed=True, country="VN"))
    score(detector, login("carol", "203.0.113.50", at=later + 60, country="VN"))

    again = score(
        detector, login("carol", "203.0.113.50", at=later + 3600, country="VN")
    )

    assert "user.new_network" in again.rules


def test_a_success_with_the_stuffing_agent_is_flagged_with_the_campaign():
    detector = Detector()
    for number in range(8):
        event = login(
            f"user{number}",
            f"203.0.{number}.9",
            at=number * 20,
            failed=True,
            agent="python-requests/2.31",
        )
        score(detector, event)

    hit = login("user9", "203.0.50.9", at=200, agent="python-requests/2.31")
    verdict = score(detector, hit)

    assert "auth.credential_stuffing" in verdict.rules
    assert verdict.severity >= Severity.MEDIUM


def _taken_over(detector: Detector, later: float) -> float:
    """Failures then a success for alice from a foreign proxy on a new phone."""
    for number in range(4):
        at = later + number * 40
        score(detector, login(ip="203.0.113.66", at=at, failed=True, agent=PHONE))
    takeover = login(ip="203.0.113.66", at=later + 200, agent=PHONE, country="RO")
    assert score(detector, takeover).severity >= Severity.HIGH
    return later + 200


def test_an_intruder_back_hours_after_the_takeover_stays_raised():
    detector = Detector()
    taken = _taken_over(detector, habits(detector))

    back = login(ip="203.0.113.66", at=taken + 2 * 3600, agent=PHONE, country="RO")
    verdict = score(detector, back)

    reason = next(r for r in verdict.reasons if r.rule == "auth.return_after_alert")
    assert reason.detail == "back from 203.0.113.66 2.0 h after a high alert"
    assert "auth.success_after_failures" not in verdict.rules  # its window passed
    assert verdict.severity >= Severity.MEDIUM


def test_the_intruders_agent_from_another_address_is_tied_to_the_alert_too():
    detector = Detector()
    taken = _taken_over(detector, habits(detector))

    back = login(ip="192.0.2.80", at=taken + 3600, agent=PHONE, country="RO")
    verdict = score(detector, back)

    assert "auth.return_after_alert" in verdict.rules


def test_the_user_at_home_on_the_usual_laptop_after_the_alert_is_quiet():
    detector = Detector()
    taken = _taken_over(detector, habits(detector))

    verdict = score(detector, login(at=taken + 3600))

    assert verdict.reasons == []


def test_a_return_after_the_follow_up_window_is_not_tied_to_the_alert():
    detector = Detector(DetectSettings(follow_up_window=3600.0))
    taken = _taken_over(detector, habits(detector))

    back = login(ip="203.0.113.66", at=taken + 2 * 3600, agent=PHONE, country="RO")
    verdict = score(detector, back)

    assert "auth.return_after_alert" not in verdict.rules


def test_an_alert_on_the_users_own_agent_does_not_taint_it_at_home():
    detector = Detector()
    later = habits(detector)
    for number in range(6):
        at = later + number * 40
        score(detector, login(ip=f"203.0.113.{number}", at=at, failed=True))
    alerted = score(detector, login(ip="203.0.113.9", at=later + 300, country="RO"))
    assert alerted.severity >= Severity.HIGH

    verdict = score(detector, login(at=later + 3 * 3600))

    assert "auth.return_after_alert" not in verdict.rules
