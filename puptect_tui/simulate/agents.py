"""User agent strings: the browsers people use now, and the ones attackers send.

Versions are those current in early 2025 (the default start of a simulated
stream), so "outdated" has a fixed meaning here: years older than these.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random


@dataclass(frozen=True, slots=True)
class Device:
    """One browser on one machine, as a user agent string shows it."""

    agent: str
    mobile: bool


_CHROME = (132, 133, 134)
_FIREFOX = (134, 135, 136)
_SAFARI = (("18_3_1", "18.3"), ("18_3", "18.3"), ("18_2_1", "18.2"), ("17_7_2", "17.7"))
_RECENT = (1, 3, 6)
"""How many people run each of the last three versions: most update promptly."""

_ANDROID_MODELS = ("SM-S921B", "SM-A546B", "SM-G991B", "SM-S911U", "SM-A155F")
_WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)"
_APPLE_KIT = "AppleWebKit/605.1.15 (KHTML, like Gecko)"
_WINDOWS = "Windows NT 10.0; Win64; x64"
_MAC = "Macintosh; Intel Mac OS X 10_15_7"


def _chrome(rng: Random) -> int:
    return rng.choices(_CHROME, _RECENT)[0]


def _firefox(rng: Random) -> int:
    return rng.choices(_FIREFOX, _RECENT)[0]


def windows_chrome(rng: Random) -> Device:
    agent = (
        f"Mozilla/5.0 ({_WINDOWS}) {_WEBKIT} Chrome/{_chrome(rng)}.0.0.0 Safari/537.36"
    )
    return Device(agent, mobile=False)


def windows_edge(rng: Random) -> Device:
    major = _chrome(rng)
    agent = (
        f"Mozilla/5.0 ({_WINDOWS}) {_WEBKIT} Chrome/{major}.0.0.0 Safari/537.36 "
        f"Edg/{major}.0.{rng.randint(3000, 3200)}.{rng.randint(40, 99)}"
    )
    return Device(agent, mobile=False)


def windows_firefox(rng: Random) -> Device:
    major = _firefox(rng)
    agent = f"Mozilla/5.0 ({_WINDOWS}; rv:{major}.0) Gecko/20100101 Firefox/{major}.0"
    return Device(agent, mobile=False)


def mac_safari(rng: Random) -> Device:
    _, version = rng.choice(_SAFARI[:3])
    agent = f"Mozilla/5.0 ({_MAC}) {_APPLE_KIT} Version/{version} Safari/605.1.15"
    return Device(agent, mobile=False)


def mac_chrome(rng: Random) -> Device:
    agent = f"Mozilla/5.0 ({_MAC}) {_WEBKIT} Chrome/{_chrome(rng)}.0.0.0 Safari/537.36"
    return Device(agent, mobile=False)


def mac_firefox(rng: Random) -> Device:
    major = _firefox(rng)
    agent = (
        f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:{major}.0) "
        f"Gecko/20100101 Firefox/{major}.0"
    )
    return Device(agent, mobile=False)


def linux_chrome(rng: Random) -> Device:
    agent = (
        f"Mozilla/5.0 (X11; Linux x86_64) {_WEBKIT} "
        f"Chrome/{_chrome(rng)}.0.0.0 Safari/537.36"
    )
    return Device(agent, mobile=False)


def iphone_safari(rng: Random) -> Device:
    system, version = rng.choice(_SAFARI)
    agent = (
        f"Mozilla/5.0 (iPhone; CPU iPhone OS {system} like Mac OS X) {_APPLE_KIT} "
        f"Version/{version} Mobile/15E148 Safari/604.1"
    )
    return Device(agent, mobile=True)


def iphone_chrome(rng: Random) -> Device:
    system, _ = rng.choice(_SAFARI)
    build = f"{_chrome(rng)}.0.{rng.randint(6800, 6999)}.{rng.randint(30, 120)}"
    agent = (
        f"Mozilla/5.0 (iPhone; CPU iPhone OS {system} like Mac OS X) {_APPLE_KIT} "
        f"CriOS/{build} Mobile/15E148 Safari/604.1"
    )
    return Device(agent, mobile=True)


def ipad_safari(rng: Random) -> Device:
    system, version = rng.choice(_SAFARI)
    agent = (
        f"Mozilla/5.0 (iPad; CPU OS {system} like Mac OS X) {_APPLE_KIT} "
        f"Version/{version} Mobile/15E148 Safari/604.1"
    )
    return Device(agent, mobile=True)


def android_chrome(rng: Random) -> Device:
    agent = (
        f"Mozilla/5.0 (Linux; Android 10; K) {_WEBKIT} "
        f"Chrome/{_chrome(rng)}.0.0.0 Mobile Safari/537.36"
    )
    return Device(agent, mobile=True)


def android_samsung(rng: Random) -> Device:
    system = rng.choice((14, 14, 15))
    agent = (
        f"Mozilla/5.0 (Linux; Android {system}; SAMSUNG {rng.choice(_ANDROID_MODELS)})"
        f" {_WEBKIT} SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36"
    )
    return Device(agent, mobile=True)


def android_firefox(rng: Random) -> Device:
    major = _firefox(rng)
    agent = (
        f"Mozilla/5.0 (Android 15; Mobile; rv:{major}.0) "
        f"Gecko/{major}.0 Firefox/{major}.0"
    )
    return Device(agent, mobile=True)


COMPUTERS = (
    (windows_chrome, 40),
    (windows_edge, 16),
    (mac_safari, 12),
    (mac_chrome, 12),
    (windows_firefox, 6),
    (mac_firefox, 3),
    (linux_chrome, 3),
)
"""Desktop browsers with their rough share of an office's logins."""

PHONES = (
    (iphone_safari, 40),
    (android_chrome, 34),
    (android_samsung, 12),
    (iphone_chrome, 7),
    (ipad_safari, 5),
    (android_firefox, 2),
)
"""Mobile browsers with their rough share."""


def draw(rng: Random, table: tuple) -> Device:
    """One device from a weighted table of builders."""
    builders = [builder for builder, _ in table]
    weights = [weight for _, weight in table]
    return rng.choices(builders, weights)[0](rng)


OUTDATED = (
    Device(
        "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36",
        mobile=False,
    ),
    Device(
        "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 "
        "Firefox/115.0",
        mobile=False,
    ),
    Device(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/13.1.2 Safari/605.1.15",
        mobile=False,
    ),
    Device(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15"
        " (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1",
        mobile=True,
    ),
    Device(
        "Mozilla/5.0 (iPad; CPU OS 9_3_5 like Mac OS X) AppleWebKit/601.1.46 "
        "(KHTML, like Gecko) Version/9.0 Mobile/13G36 Safari/601.1",
        mobile=True,
    ),
    Device(
        "Mozilla/5.0 (Linux; Android 7.0; SM-G930F) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/83.0.4103.106 Mobile Safari/537.36",
        mobile=True,
    ),
    Device(
        "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
        mobile=False,
    ),
)
"""Real browsers years out of support, still used by someone at home."""

MALFORMED = (
    "MoZillA",
    "Mozila/5.0 (Windows NT 10.0; Win64; x64)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64 AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 ((Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
    "",
    "ChromeBrowser Agent",
    "Mozlla/5.0 (X11; Linux x86_64)",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X",
)
"""Agents no browser sends: misspelled, unbalanced, empty, made up."""

HOPPING = ("MoZillA", "ChromeBrowser Agent", "Mozila/5.0", "MoZillA/5.0")
"""The odd agents of bots that hop to a new address after each 401 (the seed's)."""

SCRIPTED = (
    "python-requests/2.31.0",
    "python-requests/2.32.3",
    "curl/8.4.0",
    "curl/7.81.0",
    "Go-http-client/1.1",
    "Go-http-client/2.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/122.0.6261.94 Safari/537.36",
    "python-urllib3/2.0.7",
    "okhttp/4.12.0",
    "Wget/1.21.4",
)
"""Automation clients, by their usual agent strings."""

TOOLS = (
    "Mozilla/4.0 (Hydra)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:40.0) Gecko/20100101 Firefox/40.1",
    "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)",
)
"""Fixed agents that attack tools send on every request."""
