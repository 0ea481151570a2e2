"""What the user agent string alone gives away: forgery, scripts, old versions.

A parser knows real browsers; it does not say that ``MoZillA`` is a typo made by
a person writing a bot, nor that ``python-requests`` is no browser. These checks
read the raw string, and their answers are cached per distinct agent.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from puptect_tui.enrich.agent import Agent

SCRIPTED_TOKENS: Final = (
    "python-requests",
    "python-urllib",
    "python-httpx",
    "aiohttp",
    "httpx/",
    "curl/",
    "wget/",
    "go-http-client",
    "okhttp",
    "headlesschrome",
    "phantomjs",
    "java/",
    "apache-httpclient",
    "libwww-perl",
    "lwp::",
    "node-fetch",
    "axios/",
    "undici",
    "scrapy",
    "powershell",
    "winhttp",
    "selenium",
    "puppeteer",
    "playwright",
    "postmanruntime",
    "insomnia/",
    "guzzlehttp",
    "restsharp",
    "ruby",
    "hydra",
    "medusa",
    "sqlmap",
    "nikto",
    "zgrab",
    "masscan",
    "nmap",
)
"""Lower-case pieces of agents that only automation clients send."""

_MOZILLA: Final = "mozilla"
_CONTROL: Final = frozenset(chr(code) for code in (*range(32), 127))
_PRODUCT: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""A product name as HTTP spells one: ASCII letters, digits and a few marks."""


def malformed(raw: str, max_length: int) -> str | None:
    """Why the agent cannot have come from a real browser, or ``None``."""
    text = raw.strip()
    if not text:
        return "empty agent"
    if len(raw) > max_length:
        return f"agent is {len(raw)} characters long"
    if not _CONTROL.isdisjoint(raw):
        return "agent contains control characters"
    if not raw.isascii() and _has_invisible(raw):
        return f"invisible or direction-changing characters in {_quoted(text)}"
    if text.count("(") != text.count(")"):
        return f"unbalanced parentheses in {_quoted(text)}"

    product = text.split("/", 1)[0].split(" ", 1)[0]
    if not _PRODUCT.fullmatch(product):
        if not product.isascii():
            return f"look-alike letters in product name {_quoted(product)}"
        return f"ill-formed product name {_quoted(product)} in {_quoted(text)}"
    folded = product.lower()
    if folded == _MOZILLA and product not in ("Mozilla", "mozilla"):
        return f"odd capitals in {_quoted(product)}"
    if folded != _MOZILLA and _near(folded, _MOZILLA):
        return f"misspelled Mozilla: {_quoted(product)}"
    if "/" not in text:
        return f"no product/version token in {_quoted(text)}"
    return None


def _has_invisible(raw: str) -> bool:
    """Zero-width or bidirectional format characters (Unicode's ``Cf``).

    No browser sends them; in an agent they hide or reorder what an analyst
    reads, as a right-to-left override does.
    """
    return any(unicodedata.category(letter) == "Cf" for letter in raw)


def lower_case_mozilla(raw: str) -> bool:
    """True for ``mozilla/5.0 (...)``: browsers write it with a capital M."""
    return raw.startswith("mozilla/")


def scripted(raw: str) -> str | None:
    """The automation client the agent names, or ``None`` for a browser."""
    folded = raw.lower()
    for token in SCRIPTED_TOKENS:
        if token in folded:
            return token.rstrip("/:")
    return None


def _near(word: str, target: str) -> bool:
    """Within two edits of ``target``, and long enough to be meant as it."""
    if abs(len(word) - len(target)) > 2 or len(word) < 5:
        return False
    previous = list(range(len(target) + 1))
    for i, letter in enumerate(word, 1):
        current = [i]
        for j, wanted in enumerate(target, 1):
            cost = 0 if letter == wanted else 1
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            )
        previous = current
    return previous[-1] <= 2


def _quoted(text: str) -> str:
    shown = text if len(text) <= 40 else text[:37] + "..."
    return repr(shown)


class VersionAges:
    """How old one browser or OS version is compared with the rest of the stream.

    It counts logins per distinct agent string (one dict step per login) and,
    every so often, turns the counts into per-family tables of versions: a
    version older than all but a small share of its family's logins is
    outdated. Judgements are cached per agent string until the next rebuild.
    """

    __slots__ = (
        "limit",
        "min_seen",
        "next_rebuild",
        "seen",
        "share",
        "tables",
        "total",
        "verdicts",
    )

    def __init__(self, share: float, min_seen: int, limit: int = 20_000) -> None:
        self.share = share
        self.min_seen = min_seen
        self.limit = limit
        self.seen: dict[str, list] = {}
        """Agent string to [logins, (family, major) pairs of browser and OS]."""
        self.tables: dict[str, tuple[list[int], list[float], int]] = {}
        self.verdicts: dict[str, str | None] = {}
        self.total = 0
        self.next_rebuild = 256

    def judge(self, agent: Agent) -> str | None:
        """Count this login's agent; say which of its versions are outdated."""
        raw = agent.raw
        entry = self.seen.get(raw)
        if entry is None and len(self.seen) < self.limit:
            entry = self.seen[raw] = [0, _versions(agent)]
        if entry is not None:
            entry[0] += 1
        self.total += 1
        if self.total >= self.next_rebuild:
            self._rebuild()

        verdicts = self.verdicts
        if raw in verdicts:
            return verdicts[raw]
        verdict = verdicts[raw] = self._judge(_versions(agent))
        return verdict

    def older_share(self, family: str, major: int) -> tuple[float, int] | None:
        """Share of the family's logins at this version or older, and the newest.

        ``None`` until the family has been seen often enough to judge.
        """
        table = self.tables.get(family)
        if table is None:
            return None
        majors, cumulative, newest = table
        index = bisect_right(majors, major)
        return (cumulative[index - 1] if index else 0.0), newest

    def _judge(self, versions: tuple[tuple[str, int], ...]) -> str | None:
        found: list[str] = []
        for family, major in versions:
            judged = self.older_share(family, major)
            if judged is None:
                continue
            share, newest = judged
            if share <= self.share and major < newest:
                found.append(
                    f"{family} {major} (newest here {newest}; "
                    f"{share:.1%} of {family} logins as old)"
                )
        return "; ".join(found) or None

    def _rebuild(self) -> None:
        self.next_rebuild = self.total + min(self.total, 4096)
        counts: dict[str, Counter[int]] = {}
        for logins, versions in self.seen.values():
            for family, major in versions:
                counts.setdefault(family, Counter())[major] += logins

        self.tables = {}
        for family, majors in counts.items():
            total = majors.total()
            if total < self.min_seen:
                continue
            ordered = sorted(majors)
            cumulative: list[float] = []
            running = 0
            for major in ordered:
                running += majors[major]
                cumulative.append(running / total)
            self.tables[family] = (ordered, cumulative, ordered[-1])
        self.verdicts.clear()


def _versions(agent: Agent) -> tuple[tuple[str, int], ...]:
    """The (family, major version) of the browser and of the OS, where known."""
    found = []
    for family, major in (
        (agent.browser, agent.browser_major),
        (agent.os, agent.os_major),
    ):
        if family is None or major is None:
            continue
        try:
            found.append((family, int(major)))
        except (TypeError, ValueError):
            continue
    return tuple(found)
