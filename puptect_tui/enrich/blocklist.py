"""Local blocklists: files of addresses and CIDR networks, checked in-line.

A list is read once into sorted, merged address intervals per IP version, so a
lookup is one binary search, well under a microsecond, however long the list.
The files are the plain kind that FireHOL's ``.netset`` and ``.ipset`` lists,
firewall exports and analysts' notes use: one address, network or range
(``a-b``) a line, ``#`` or ``;`` comments, blank lines.
"""

from __future__ import annotations

import ipaddress
import logging
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address
from itertools import accumulate
from pathlib import Path

from puptect_tui.events import Address

log = logging.getLogger(__name__)

COMMENT_MARKS = ("#", ";")
SHOWN_BAD_LINES = 5
"""Bad lines logged one by one per file; the rest are only counted."""


class BlocklistError(OSError):
    """A list file that cannot be read at all; the message names the file.

    An ``OSError``, with ``strerror`` and ``filename`` set, so callers that
    handle unreadable files in general handle this one too.
    """

    def __str__(self) -> str:
        return f"blocklist {self.filename}: {self.strerror}"


class _Intervals:
    """Merged ``[first, last]`` integer ranges of one IP version, for bisect.

    ``starts_at[b]`` is where bucket ``b`` (the top 16 bits) begins in the sorted
    starts, so a lookup bisects a handful of entries instead of the whole list.
    IPv4 numbers sit in flat arrays rather than lists of int objects: random
    lookups then touch far less memory, which is what they mostly wait on.
    """

    __slots__ = ("firsts", "lasts", "shift", "starts_at")

    def __init__(self, ranges: list[tuple[int, int]], bits: int):
        firsts: list[int] = []
        lasts: list[int] = []
        for first, last in sorted(ranges):
            if lasts and first <= lasts[-1] + 1:
                lasts[-1] = max(lasts[-1], last)
            else:
                firsts.append(first)
                lasts.append(last)

        self.shift = bits - 16
        starts_in_bucket = [0] * (2**16 + 1)
        for first in firsts:
            starts_in_bucket[(first >> self.shift) + 1] += 1

        self.starts_at = array("Q", accumulate(starts_in_bucket))
        self.firsts: Sequence[int] = array("Q", firsts) if bits <= 64 else firsts
        self.lasts: Sequence[int] = array("Q", lasts) if bits <= 64 else lasts


class Blocklist:
    """One list file; ``address in blocklist`` says whether it names it."""

    def __init__(
        self,
        name: str,
        ranges: Iterable[tuple[int, int, int]],
        entries: int = 0,
        bad_lines: list[tuple[int, str]] | None = None,
    ):
        by_version: dict[int, list[tuple[int, int]]] = {4: [], 6: []}
        for version, first, last in ranges:
            by_version[version].append((first, last))

        self.name = name
        self.entries = entries
        """Lines that held an address, network or range."""
        self.bad_lines = bad_lines or []
        """``(line number, text)`` of lines that were neither, for the summary."""
        self._v4 = _Intervals(by_version[4], 32)
        self._v6 = _Intervals(by_version[6], 128)

    @classmethod
    def load(cls, path: str | Path) -> Blocklist:
        """Read a list file; bad lines are kept and logged, never fatal."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            reason = error.strerror or str(error)
            raise BlocklistError(error.errno, reason, str(path)) from error

        ranges: list[tuple[int, int, int]] = []
        bad_lines: list[tuple[int, str]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            entry = _strip_comment(line)
            if not entry:
                continue
            parsed = _parse_entry(entry)
            if parsed is None:
                bad_lines.append((number, line.strip()))
            else:
                ranges.append(parsed)

        _log_bad_lines(path, bad_lines)
        return cls(path.name, ranges, len(ranges), bad_lines)

    def __contains__(self, address: Address) -> bool:
        """One bisect inside the address's bucket; written out in one function
        because a method call more would cost a third of the lookup."""
        table = self._v4 if type(address) is IPv4Address else self._v6
        number = int(address)

        bucket = number >> table.shift
        low, high = table.starts_at[bucket], table.starts_at[bucket + 1]
        index = bisect_right(table.firsts, number, low, high) - 1
        return index >= 0 and number <= table.lasts[index]

    def __repr__(self) -> str:
        return f"<Blocklist {self.name}: {self.entries} entries>"


class Blocklists:
    """Several list files, asked together: which of them name an address."""

    def __init__(self, lists: Iterable[Blocklist]):
        self.lists = tuple(lists)

    @classmethod
    def load(cls, paths: Iterable[str | Path]) -> Blocklists:
        """One :class:`Blocklist` per path, in the order given."""
        return cls(Blocklist.load(path) for path in paths)

    def listing(self, address: Address) -> tuple[str, ...]:
        """Names of the files that list the address; empty when none does."""
        if not self.lists:
            return ()
        return tuple(blocklist.name for blocklist in self.lists if address in blocklist)

    def __len__(self) -> int:
        return len(self.lists)


def _strip_comment(line: str) -> str:
    """The entry part of a line, without a whole-line or trailing comment."""
    for mark in COMMENT_MARKS:
        line = line.partition(mark)[0]
    return line.strip()


def _parse_entry(entry: str) -> tuple[int, int, int] | None:
    """``(version, first, last)`` of an address, network or range, else None."""
    try:
        if "-" in entry:
            start_text, _, end_text = entry.partition("-")
            start = ipaddress.ip_address(start_text.strip())
            end = ipaddress.ip_address(end_text.strip())
            if start.version != end.version or int(end) < int(start):
                return None
            return start.version, int(start), int(end)

        network = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return None

    mapped = getattr(network.network_address, "ipv4_mapped", None)
    if mapped is not None and network.num_addresses == 1:
        return 4, int(mapped), int(mapped)  # events fold mapped addresses too

    first = int(network.network_address)
    return network.version, first, first + network.num_addresses - 1


def _log_bad_lines(path: Path, bad_lines: list[tuple[int, str]]) -> None:
    """Tell the operator where a list is broken without flooding the log."""
    for number, text in bad_lines[:SHOWN_BAD_LINES]:
        log.warning(
            "blocklist %s:%d: not an address or network: %.60r", path, number, text
        )
    if len(bad_lines) > SHOWN_BAD_LINES:
        log.warning("blocklist %s: %d bad lines in all", path, len(bad_lines))
