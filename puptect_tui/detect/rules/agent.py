"""What the user agent string alone gives away: forgery, scripts, old versions.

A parser knows real browsers; it does not say that ``MoZillA`` is a typo made by
a person writing a bot, nor that ``python-requests`` is no browser. These checks
read the raw string, and their answers are cached per distinct agent.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter

SCRIPTED_TOKENS = (
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

_MOZILLA = "mozilla"
_CONTROL = frozenset(chr(code) for code in (*range(32), 127))


def malformed(raw: str, max_length: int) -> str | None:
    """Why the agent cannot have come from a real browser, or ``None``."""
    text = raw.strip()
    if not text:
        return "empty agent"
    if len(raw) > max_length:
        return f"agent is {len(raw)} characters long"
    if not _CONTROL.isdisjoint(raw):
        return "agent contains control characters"
    if text.count("(") != text.count(")"):
        return f"unbalanced parentheses in {_quoted(text)}"

    product = text.split("/", 1)[0].split(" ", 1)[0]
    folded = product.lower()
    if folded == _MOZILLA and product not in ("Mozilla", "mozilla"):
        return f"odd capitals in {_quoted(product)}"
    if folded != _MOZILLA and _near(folded, _MOZILLA):
        return f"misspelled Mozilla: {_quoted(product)}"
    if "/" not in text:
        return f"no product/version token in {_quoted(text)}"
    return None


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

    Per family it counts the versions seen; a version older than all but a small
    share of its family's logins is outdated. Tables of cumulative shares are
    rebuilt every ``refresh`` logins of a family, so a lookup stays O(log n).
    """

    __slots__ = ("counts", "families", "min_seen", "refresh", "share", "tables")

    def __init__(self, share: float, min_seen: int, refresh: int = 256) -> None:
        self.share = share
        self.min_seen = min_seen
        self.refresh = refresh
        self.counts: dict[str, Counter[int]] = {}
        self.tables: dict[str, tuple[list[int], list[float], int]] = {}
        self.families = 64

    def add(self, family: str, major: int) -> None:
        counts = self.counts.get(family)
        if counts is None:
            if len(self.counts) >= self.families * 4:
                return
            counts = self.counts[family] = Counter()
        counts[major] += 1
        seen = counts.total()
        if seen >= self.min_seen and seen % self.refresh in (0, self.min_seen):
            self._rebuild(family, counts)

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

    def _rebuild(self, family: str, counts: Counter[int]) -> None:
        total = counts.total()
        majors = sorted(counts)
        cumulative: list[float] = []
        running = 0
        for major in majors:
            running += counts[major]
            cumulative.append(running / total)
        newest = majors[-1]
        self.tables[family] = (majors, cumulative, newest)
