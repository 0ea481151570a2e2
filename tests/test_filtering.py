"""The `/` filter language: each term finds what an analyst expects."""

from __future__ import annotations

import pytest
from ui_factory import make_event

from puptect_tui.filtering import Filter, FilterError

HENRY_SPRAY = make_event(
    line=7,
    userid="Henry",
    ip="61.91.63.122",
    status_code=401,
    useragent="MoZillA",
    reasons=(
        ("auth.ip_hopping", "9 failures from 9 addresses in 4 min", 40),
        ("agent.malformed", "agent 'MoZillA' is not a browser", 30),
    ),
    country="TH",
)
ABIGAIL_OK = make_event(
    line=8, userid="abigail", ip="175.45.176.5", country="KP", status_code=200
)
V6_USER = make_event(line=9, userid="vera", ip="2001:db8::17", status_code=403)


def matching(text: str) -> list[str]:
    where = Filter.parse(text)
    return [e.userid for e in (HENRY_SPRAY, ABIGAIL_OK, V6_USER) if where.matches(e)]


def test_the_empty_filter_lets_everything_through():
    assert Filter.parse("  ").empty
    assert matching("") == ["Henry", "abigail", "vera"]


def test_user_is_exact_and_ignores_case():
    assert matching("user:henry") == ["Henry"]
    assert matching("user:hen") == []


def test_user_takes_a_pattern():
    assert matching("user:*a*") == ["abigail", "vera"]


@pytest.mark.parametrize(
    ("text", "users"),
    [
        ("ip:61.91.63.122", ["Henry"]),
        ("ip:61.91.0.0/16", ["Henry"]),
        ("ip:175.45.176.0/22", ["abigail"]),
        ("ip:2001:db8::/32", ["vera"]),
        ("ip:0.0.0.0/0", ["Henry", "abigail"]),
    ],
)
def test_ip_takes_an_address_or_a_network(text, users):
    assert matching(text) == users


@pytest.mark.parametrize(
    ("text", "users"),
    [
        ("status:401", ["Henry"]),
        ("status:4xx", ["Henry", "vera"]),
        ("status:fail", ["Henry", "vera"]),
        ("status:success", ["abigail"]),
    ],
)
def test_status_takes_a_code_a_class_or_an_outcome(text, users):
    assert matching(text) == users


def test_rule_matches_part_of_a_rule_id():
    assert matching("rule:hopping") == ["Henry"]
    assert matching("rule:auth.") == ["Henry"]
    assert matching("rule:spray") == []


def test_severity_means_this_or_worse():
    assert HENRY_SPRAY.verdict.severity.label == "high"
    assert matching("sev:medium") == ["Henry"]
    assert matching("sev:high") == ["Henry"]
    assert matching("sev:critical") == []


def test_free_text_searches_user_agent_reasons_and_country():
    assert matching("MOZILLA ") == ["Henry", "abigail", "vera"]
    assert matching("mozilla/5") == ["abigail", "vera"]
    assert matching("zilla") == ["Henry", "abigail", "vera"]
    assert matching("hopping") == ["Henry"]
    assert matching("addresses 9") == ["Henry"]  # two words, two terms
    assert matching('"addresses 9"') == []  # quoted, one phrase
    assert matching('"9 addresses"') == ["Henry"]
    assert matching("kp") == ["abigail"]


def test_terms_must_all_hold_and_minus_turns_one_around():
    assert matching("status:fail -user:vera") == ["Henry"]
    assert matching("status:fail country:TH") == ["Henry"]


def test_an_unknown_prefix_is_free_text_so_agents_with_colons_are_found():
    firefox = make_event(useragent="Mozilla/5.0 (rv:109.0) Gecko Firefox/115")
    assert Filter.parse("rv:109").matches(firefox)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("ip:999.1.1.1", "ip: '999.1.1.1'"),
        ("status:teapot", "status: 'teapot'"),
        ("sev:urgent", "unknown severity 'urgent'"),
        ("user:", "user: needs a value"),
        ('user:"open', "cannot read the filter"),
    ],
)
def test_a_bad_term_is_refused_with_a_reason(text, says):
    with pytest.raises(FilterError, match=says):
        Filter.parse(text)
