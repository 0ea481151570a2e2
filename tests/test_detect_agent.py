"""Agent rules: forged, scripted and outdated agents, and their look-alikes."""

from __future__ import annotations

import pytest
from detect_factory import LAPTOP, PHONE, WINDOWS, login, score

from puptect_tui.detect.detector import Detector
from puptect_tui.detect.rules.agent import VersionAges, malformed, scripted
from puptect_tui.enrich.agent import Agent


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("MoZillA", "odd capitals in 'MoZillA'"),
        ("Mozila/5.0 (Windows NT 10.0)", "misspelled Mozilla: 'Mozila'"),
        ("Mozzilla/5.0 (X11)", "misspelled Mozilla"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64", "unbalanced parentheses"),
        ("", "empty agent"),
        ("   ", "empty agent"),
        ("Mozilla/5.0 \x1b[2J", "control characters"),
        ("Mozilla/5.0 " + "A" * 2000, "2012 characters long"),
        ("ChromeBrowser Agent", "no product/version token"),
        ("[/]", "ill-formed product name '['"),
        ("[bold]x[/bold]", "ill-formed product name"),
        ("\u041cozilla/5.0 (Windows NT 10.0)", "look-alike letters"),
        ("Mozilla/5.0 (Windows NT 10.0) \u202eexe.gpj", "direction-changing"),
        ("Mozilla/5.0\u200b (X11; Linux x86_64)", "invisible"),
    ],
)
def test_malformed_agents_are_named_with_what_is_wrong(raw: str, words: str):
    assert words in malformed(raw, 1024)


@pytest.mark.parametrize(
    "raw",
    [
        LAPTOP,
        PHONE,
        WINDOWS,
        "curl/8.4.0",
        "okhttp/4.9.3",
        "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328)",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/134.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; 日本語) Firefox/128.0",
    ],
)
def test_real_agents_are_not_malformed(raw: str):
    assert malformed(raw, 1024) is None


@pytest.mark.parametrize(
    ("raw", "client"),
    [
        ("python-requests/2.31.0", "python-requests"),
        ("curl/8.4.0", "curl"),
        ("Go-http-client/1.1", "go-http-client"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/119.0.0.0 Safari/537.36",
            "headlesschrome",
        ),
        ("Wget/1.21.4", "wget"),
        ("okhttp/4.9.3", "okhttp"),
    ],
)
def test_automation_clients_are_scripted(raw: str, client: str):
    assert scripted(raw) == client


@pytest.mark.parametrize("raw", [LAPTOP, PHONE, WINDOWS])
def test_browsers_are_not_scripted(raw: str):
    assert scripted(raw) is None


def test_a_forged_agent_scores_low_on_its_own():
    detector = Detector()

    verdict = score(detector, login(agent="MoZillA"))

    assert verdict.rules == ["agent.malformed"]
    assert verdict.severity.label == "low"


def test_lower_case_mozilla_is_malformed_where_browsers_write_it_properly():
    detector = Detector()
    for number in range(20):
        score(detector, login(f"user{number}", _address(number), at=number))

    verdict = score(detector, login("john", agent="mozilla/5.0 (linux; android 6)"))

    assert "lower-case Mozilla" in verdict.reasons[0].detail


def test_lower_case_mozilla_passes_where_the_source_folds_every_agent():
    detector = Detector()
    for number in range(20):
        folded = login(
            f"user{number}", _address(number), at=number, agent=LAPTOP.lower()
        )
        score(detector, folded)

    verdict = score(detector, login("john", agent="mozilla/5.0 (linux; android 6)"))

    assert verdict.reasons == []


def _address(number: int) -> str:
    return f"198.51.{number // 200}.{number % 200 + 1}"


def _stream_of_chrome(detector: Detector, major: int, count: int) -> None:
    for number in range(count):
        event = login(f"user{number}", _address(number), at=number)
        event.agent = _chrome(LAPTOP, major)
        score(detector, event)


def test_a_browser_far_older_than_the_stream_is_outdated():
    detector = Detector()
    _stream_of_chrome(detector, 120, 300)
    event = login("old", at=400)
    event.agent = _chrome("x", 49)

    verdict = score(detector, event)

    assert verdict.rules == ["agent.outdated"]
    assert "Chrome 49 (newest here 120" in verdict.reasons[0].detail


def test_a_version_common_in_the_stream_is_not_outdated():
    detector = Detector()
    _stream_of_chrome(detector, 119, 150)
    _stream_of_chrome(detector, 120, 150)
    event = login("usual", at=400)
    event.agent = _chrome("x", 119)

    assert score(detector, event).reasons == []


def test_versions_are_not_judged_before_the_family_is_known():
    ages = VersionAges(share=0.01, min_seen=200)
    for _ in range(199):
        ages.judge(_chrome("new", 120))

    assert ages.judge(_chrome("old", 49)) is None


def _chrome(raw: str, major: int) -> Agent:
    """Chrome of a given major version on a Mac, as ua-parser would read it."""
    return Agent(raw, "Chrome", major, "Mac OS X", 10, "Mac", "desktop")
