"""User agents: what the analyst sees of the client behind a login."""

from __future__ import annotations

import json

import pytest

from puptect_tui.enrich import agent as agent_module
from puptect_tui.enrich.agent import Agent, device_kind, parse_agent

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/91.0.4472.124 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 12_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148"
)
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 9; SM-T720) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/91.0 Safari/537.36"
)
MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_5) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/53.0.2785.143 Safari/537.36"
)
MSIE_6 = "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1; .NET CLR 1.1.4322)"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def test_a_common_browser_is_named_with_versions():
    agent = parse_agent(CHROME_WINDOWS)

    assert agent.raw == CHROME_WINDOWS
    assert (agent.browser, agent.browser_major) == ("Chrome", 91)
    assert (agent.os, agent.os_major) == ("Windows", 10)
    assert agent.device_kind == "desktop"
    assert agent.known
    assert agent.label == "Chrome 91 / Windows"


@pytest.mark.parametrize(
    ("raw", "device", "kind"),
    [
        (IPHONE, "iPhone", "mobile"),
        (IPAD, "iPad", "tablet"),
        (ANDROID_TABLET, "SM-T720", "tablet"),
        (MAC, "Mac", "desktop"),
        (GOOGLEBOT, "Spider", "bot"),
    ],
)
def test_device_family_and_kind(raw, device, kind):
    agent = parse_agent(raw)

    assert (agent.device, agent.device_kind) == (device, kind)


@pytest.mark.parametrize("raw", ["MoZillA", "ChromeBrowser Agent", "", "Mozila/5.0"])
def test_odd_agents_stay_visible_as_unknown(raw):
    agent = parse_agent(raw)

    assert agent.raw == raw
    assert (agent.browser, agent.os, agent.device) == (None, None, None)
    assert not agent.known
    assert agent.label == "unknown"
    assert agent.device_kind == "unknown"


def test_named_os_versions_are_kept_as_text():
    """Windows XP has no number, but "agent.outdated" needs to see it."""
    agent = parse_agent(MSIE_6)

    assert agent.label == "IE 6 / Windows"
    assert agent.os_major is None
    assert agent.os_version == "XP"


def test_as_json_is_plain_data_for_the_alert_line():
    record = parse_agent(IPHONE).as_json()

    assert json.loads(json.dumps(record)) == record
    assert record["browser"] == "Mobile Safari"
    assert record["os"] == "iOS"
    assert record["os_major"] == 12
    assert record["device_kind"] == "mobile"
    assert record["label"] == "Mobile Safari 12 / iOS"


def test_repeated_agents_come_from_the_cache():
    first = parse_agent(IPHONE + " cache-probe")

    assert parse_agent(IPHONE + " cache-probe") is first


def test_a_huge_agent_is_parsed_from_its_start_and_kept_whole():
    raw = CHROME_WINDOWS + " x" * 40_000

    agent = parse_agent(raw)

    assert agent.raw == raw
    assert agent.label == "Chrome 91 / Windows"


def test_non_text_input_does_not_raise():
    assert parse_agent(None).label == "unknown"  # type: ignore[arg-type]


def test_a_parser_failure_is_unknown_not_a_crash(monkeypatch):
    class BrokenParser:
        def parse(self, raw: str):
            raise RuntimeError("boom")

    monkeypatch.setattr(agent_module, "_resolver", BrokenParser())
    agent_module._parsed.clear()
    try:
        agent = parse_agent("Mozilla/5.0 (broken-parser probe)")
    finally:
        agent_module._parsed.clear()

    assert agent == Agent(
        "Mozilla/5.0 (broken-parser probe)", None, None, None, None, None, "unknown"
    )


@pytest.mark.parametrize(
    ("os", "device", "kind"),
    [
        ("Android", None, "mobile"),
        ("Linux", None, "desktop"),
        (None, "Generic Smartphone", "mobile"),
        (None, None, "unknown"),
    ],
)
def test_device_kind_mapping(os, device, kind):
    assert device_kind(os, device) == kind
