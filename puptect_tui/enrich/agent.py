"""User agents, parsed into browser, OS and device by ua-parser.

ua-parser's maintained regular expressions do the recognising, run by its Rust
resolver; we only add a cache (streams repeat a few agents endlessly) and a
coarse device kind for the per-user baselines. An agent that ua-parser cannot
place (``MoZillA``, ``ChromeBrowser Agent``, an empty string) stays visible as
unknown: that is itself what an analyst looks for.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from typing import Any, Final

import ua_parser

log = logging.getLogger(__name__)

CACHED_AGENTS: Final = 8192
"""Distinct agents kept parsed; a login stream rarely shows more than a few
thousand, so nearly every event is a cache hit."""

PARSED_LENGTH: Final = 1024
"""Agents are parsed from their first this many characters: real ones are
shorter, and a 64 KiB line must not cost a 64 KiB cache key."""

UNKNOWN: Final = "Other"
"""ua-parser's family for what it did not recognise."""

MOBILE_OS: Final = frozenset(
    {
        "Android",
        "iOS",
        "Windows Phone",
        "BlackBerry OS",
        "Symbian OS",
        "KaiOS",
        "Firefox OS",
        "Tizen",
        "Sailfish",
        "webOS",
    }
)
DESKTOP_OS: Final = frozenset(
    {
        "Windows",
        "Mac OS X",
        "Linux",
        "Ubuntu",
        "Debian",
        "Fedora",
        "Red Hat",
        "SUSE",
        "Chrome OS",
        "FreeBSD",
        "OpenBSD",
        "NetBSD",
        "Solaris",
    }
)
TABLET_DEVICES: Final = frozenset({"iPad", "Kindle", "Kindle Fire", "Generic Tablet"})
MOBILE_DEVICES: Final = frozenset(
    {"iPhone", "iPod", "Generic Smartphone", "Generic Feature Phone"}
)


@dataclass(slots=True, frozen=True)
class Agent:
    """What a user agent string says about the client, in ua-parser's words."""

    raw: str
    browser: str | None
    """Browser family ("Chrome", "Mobile Safari", "IE"); None when unrecognised."""
    browser_major: int | None
    os: str | None
    os_major: int | None
    """None also when the version is a name, as in Windows "XP" or "2000"."""
    device: str | None
    """Device family ("iPhone", "Mac", "Spider"); None when unrecognised."""
    device_kind: str
    """"mobile", "tablet", "desktop", "bot" or "unknown"; see :func:`device_kind`."""
    os_version: str | None = None
    """The OS version as ua-parser gives it ("XP", "10.6", "12.2")."""

    @property
    def known(self) -> bool:
        """ua-parser recognised a browser or an OS in the string."""
        return self.browser is not None or self.os is not None

    @property
    def label(self) -> str:
        """Short words for a table cell: "Chrome 91 / Windows", or "unknown"."""
        parts = []
        if self.browser is not None:
            major = "" if self.browser_major is None else f" {self.browser_major}"
            parts.append(f"{self.browser}{major}")
        if self.os is not None:
            parts.append(self.os)
        return " / ".join(parts) or "unknown"

    def as_json(self) -> dict[str, Any]:
        """The ``agent`` object of an alert; the raw string is the event's own."""
        return {
            "browser": self.browser,
            "browser_major": self.browser_major,
            "os": self.os,
            "os_major": self.os_major,
            "os_version": self.os_version,
            "device": self.device,
            "device_kind": self.device_kind,
            "known": self.known,
            "label": self.label,
        }


def parse_agent(raw: object) -> Agent:
    """Parse one agent string; cached, and never raises, whatever it is given."""
    text = raw if isinstance(raw, str) else "" if raw is None else str(raw)
    if len(text) <= PARSED_LENGTH:
        return _known_or_parsed(text)
    return replace(_known_or_parsed(text[:PARSED_LENGTH]), raw=text)


_parsed: Final[dict[str, Agent]] = {}
"""Agents parsed lately, by their text. A plain dictionary, emptied when full,
rather than ``lru_cache``: every event looks here, and the compiled build
steps into a dictionary directly but calls ``lru_cache`` through Python."""


def _known_or_parsed(raw: str) -> Agent:
    known = _parsed.get(raw)
    if known is None:
        known = _parse(raw)
        if len(_parsed) >= CACHED_AGENTS:
            _parsed.clear()
        _parsed[raw] = known
    return known


def _parse(raw: str) -> Agent:
    try:
        result = _parser().parse(raw)
    except Exception:  # a parser bug must not take the stream down with it
        log.exception("ua-parser failed on %.80r; shown as unknown", raw)
        return Agent(raw, None, None, None, None, None, "unknown")

    user_agent, system = result.user_agent, result.os
    browser = _family(user_agent)
    os = _family(system)
    device = _family(result.device)
    return Agent(
        raw=raw,
        browser=browser,
        browser_major=_number(user_agent.major) if user_agent and browser else None,
        os=os,
        os_major=_number(system.major) if system and os else None,
        device=device,
        device_kind=device_kind(os, device, result.device),
        os_version=_version(system) if system and os else None,
    )


def device_kind(
    os: str | None, device: str | None, details: ua_parser.Device | None = None
) -> str:
    """A coarse kind from ua-parser's device and OS families.

    In order: a "Spider" device is a bot; an iPad, Kindle or a device ua-parser
    files under a tablet brand is a tablet; an iPhone, iPod or generic
    smartphone, or a mobile OS (Android, iOS, ...), is mobile; a desktop OS
    (Windows, Mac OS X, Linux, ...) or a Mac is desktop; anything else unknown.
    """
    brand = (details.brand or "") if details is not None else ""
    if device == "Spider":
        return "bot"
    if device in TABLET_DEVICES or "Tablet" in brand or "Tablet" in (device or ""):
        return "tablet"
    if device in MOBILE_DEVICES or os in MOBILE_OS:
        return "mobile"
    if device == "Mac" or os in DESKTOP_OS:
        return "desktop"
    return "unknown"


def _family(part: Any) -> str | None:
    if part is None or part.family == UNKNOWN:
        return None
    return part.family


def _number(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def _version(os: ua_parser.OS) -> str | None:
    parts = [part for part in (os.major, os.minor, os.patch) if part is not None]
    return ".".join(parts) or None


_lock = threading.Lock()
_resolver: ua_parser.Parser | None = None


def _parser() -> ua_parser.Parser:
    """Built on first use: compiling ua-parser's expressions takes a while."""
    global _resolver
    with _lock:
        if _resolver is None:
            resolver = ua_parser.RegexResolver or ua_parser.BasicResolver
            if resolver is ua_parser.BasicResolver:
                log.warning("ua-parser-rs missing: agents parse about 40x slower")
                matchers = ua_parser.load_builtins()
            else:
                matchers = ua_parser.load_lazy_builtins()
            _resolver = ua_parser.Parser(resolver(matchers))
        return _resolver
