"""Where a login came from: blocklists, novelty, travel and shared addresses."""

from __future__ import annotations

from dataclasses import replace

from detect_factory import LAPTOP, PHONE, WINDOWS, habits, login, score

from puptect_tui.detect.detector import Detector
from puptect_tui.enrich.reputation import Listing, Reputation


def _listed_by(*zones: str, checked: int = 4, local: tuple[str, ...] = ()):
    listings = {zone: Listing(zone, ("127.0.0.2",)) for zone in zones}
    return Reputation(listings=listings, local=local, checked=checked)


def test_a_listed_address_names_the_zones_out_of_those_asked():
    detector = Detector()
    event = login()
    event.reputation = _listed_by("bl.blocklist.de", "dnsbl.dronebl.org")

    reason = detector.reputation_reason(event)

    assert reason.rule == "reputation.listed"
    assert reason.detail == "listed by 2 of 4 zones: bl.blocklist.de, dnsbl.dronebl.org"


def test_a_local_list_weighs_more_than_one_zone():
    detector = Detector()
    zone, local = login(), login()
    zone.reputation = _listed_by("bl.blocklist.de")
    local.reputation = _listed_by(local=("firehol_level1.netset",))

    by_zone = detector.reputation_reason(zone)
    by_local = detector.reputation_reason(local)

    assert by_local.points > by_zone.points
    assert by_local.detail == "on local list firehol_level1.netset"


def test_an_address_on_no_list_or_still_pending_gives_no_reason():
    detector = Detector()
    clean, pending = login(), login()
    clean.reputation = Reputation(checked=4)
    pending.reputation = Reputation(pending=True)

    assert detector.reputation_reason(clean) is None
    assert detector.reputation_reason(pending) is None


def test_one_address_and_agent_logging_in_as_many_users_is_flagged():
    detector = Detector()
    for number, user in enumerate(["john", "mary", "jules"]):
        verdict = score(detector, login(user, "109.184.11.34", at=number * 60))

    reason = verdict.reasons[0]
    assert reason.rule == "ip.many_users"
    assert reason.detail.startswith("109.184.11.34 logged in as 3 users in 2 min")
    assert reason.detail.endswith("john, mary, jules")
    assert verdict.severity.label == "medium"


def test_colleagues_on_different_agents_behind_one_address_are_not():
    detector = Detector()
    agents = [LAPTOP, PHONE, WINDOWS, "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"]
    verdicts = [
        score(detector, login(f"user{n}", "198.51.100.1", at=n * 60, agent=agent))
        for n, agent in enumerate(agents)
    ]

    assert all(verdict.reasons == [] for verdict in verdicts)


def test_a_new_phone_at_home_is_a_new_device_and_stays_low():
    detector = Detector()
    later = habits(detector)

    verdict = score(detector, login(at=later, agent=PHONE))

    assert verdict.rules == ["user.new_device"]
    assert "device kind mobile (before: desktop)" in verdict.reasons[0].detail
    assert verdict.severity.label == "low"


def test_a_first_device_name_says_none_was_known_before():
    """Desktop agents often name no device; a Mac later is still new."""
    detector = Detector()
    for number in range(5):
        event = login(at=number * 3600.0, agent=WINDOWS)
        event.agent = replace(event.agent, device=None)
        score(detector, event)

    verdict = score(detector, login(at=5 * 3600.0, agent=LAPTOP))

    (detail,) = [r.detail for r in verdict.reasons if r.rule == "user.new_device"]
    assert "device Mac (before: none known)" in detail
    assert "OS Mac OS X (before: Windows)" in detail


def test_nothing_is_new_before_the_user_has_a_baseline():
    detector = Detector()
    score(detector, login(at=0))

    verdict = score(detector, login("alice", "203.0.113.5", at=60, agent=PHONE))

    assert verdict.reasons == []


def test_a_new_country_is_a_new_network():
    detector = Detector()
    later = habits(detector)

    verdict = score(detector, login(ip="203.0.113.5", at=later + 86400, country="BR"))

    assert verdict.rules == ["user.new_network"]
    assert verdict.reasons[0].detail == "first login from country BR (before: GB)"


def test_a_new_address_block_in_a_known_network_counts_little():
    detector = Detector()
    later = habits(detector)

    verdict = score(detector, login(ip="198.51.101.7", at=later))

    assert verdict.reasons[0].detail == (
        "first login from 198.51.101.0/24; before only 198.51.100.0/24"
    )
    assert verdict.score < 10


def test_a_new_block_is_the_usual_for_a_user_on_a_mobile_network():
    detector = Detector()
    for number in range(6):
        score(detector, login(ip=f"100.64.{number}.9", at=number * 3600.0))

    verdict = score(detector, login(ip="100.64.99.9", at=7 * 3600.0))

    assert verdict.reasons == []


def test_two_countries_within_the_hour_are_impossible_travel():
    detector = Detector()
    score(detector, login(at=0, country="GB"))

    verdict = score(detector, login(ip="203.0.113.5", at=1200, country="BR"))

    assert verdict.rules == ["geo.impossible_travel"]
    assert verdict.reasons[0].detail == (
        "login from BR 20 min after one from GB (198.51.100.10)"
    )


def test_a_switch_made_before_without_alarm_is_no_travel():
    """A VPN user switching countries every day is flagged once, not forever."""
    detector = Detector()
    score(detector, login(at=0, country="GB"))
    first = score(detector, login(ip="203.0.113.5", at=600, country="NL"))

    again = score(detector, login(at=1200, country="GB"))

    assert first.rules == ["geo.impossible_travel"]
    assert again.reasons == []


def test_two_countries_a_flight_apart_are_not():
    detector = Detector()
    score(detector, login(at=0, country="GB"))

    verdict = score(detector, login(ip="203.0.113.5", at=12 * 3600, country="BR"))

    assert "geo.impossible_travel" not in verdict.rules
