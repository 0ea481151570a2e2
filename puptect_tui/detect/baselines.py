"""What is usual for one user, and what one address, agent or network did lately.

A user's baseline learns only from logins that did not fail, so an attacker's
failed attempts never make their own device or network look familiar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from puptect_tui.detect.windows import Buckets, Seen, Tally

if TYPE_CHECKING:
    from puptect_tui.detect.settings import DetectSettings
    from puptect_tui.detect.verdict import Reason
    from puptect_tui.events import Event


class Alerted(NamedTuple):
    """A login of the user that was raised high or worse, and what it came with."""

    time: float
    ip: str
    agent: str
    severity: str


class UserBaseline:
    """One user's usual devices, networks, countries and hours, and recent trouble."""

    __slots__ = (
        "addresses",
        "agents",
        "blocks",
        "browsers",
        "countries",
        "device_kinds",
        "devices",
        "failed_from",
        "failed_with",
        "failures",
        "hours",
        "last_alert",
        "last_country",
        "last_ip",
        "last_success",
        "logins",
        "networks",
        "reasons",
        "recent",
        "successes",
        "systems",
        "travels",
    )

    def __init__(self, settings: DetectSettings) -> None:
        self.logins = 0
        """Every login seen, failed or not."""
        self.successes = 0
        """Logins that did not fail; the baseline is learned from these."""
        self.failures = 0
        self.agents: Seen[str] = Seen()
        """Whole agent strings, for agents the parser cannot read."""
        self.devices: Seen[str] = Seen()
        self.device_kinds: Seen[str] = Seen(8)
        self.systems: Seen[str] = Seen()
        self.browsers: Seen[str] = Seen()
        self.blocks: Seen[str] = Seen(32)
        self.networks: Seen[int] = Seen()
        self.countries: Seen[str] = Seen()
        self.addresses: Seen[str] = Seen(32)
        """Every address the user's logins came from, failed ones too."""
        self.travels: Seen[tuple[str, str]] = Seen(8)
        """Pairs of countries the user switched between quickly, without alarm."""
        self.hours = [0] * 24
        """Successful logins per hour of the day (UTC)."""
        self.failed_from = Tally(settings.failure_window, settings.window_entries)
        """Recent failures by address."""
        self.failed_with = Tally(settings.failure_window, settings.window_entries)
        """Recent failures by agent string."""
        self.last_success = 0.0
        self.last_country: str | None = None
        self.last_ip = ""
        self.last_alert: Alerted | None = None
        """Where the user's latest high or critical login came from."""

        self.recent: list[Event] = []
        """The latest ``recent_logins`` logins, oldest first. A list, not a
        bounded deque: an empty deque takes 760 bytes, and there is one per user."""
        self.reasons: dict[str, tuple[float, Reason]] = {}
        """The latest reason of each rule for this user, with its event time."""

    @property
    def failure_rate(self) -> float:
        return self.failures / self.logins if self.logins else 0.0

    def established(self, settings: DetectSettings) -> bool:
        """Enough successes that something new for the user means something."""
        return self.successes >= settings.baseline_logins


class Crowd:
    """Recent logins of many users sharing one agent string or one network.

    Made at the first failure; from then on successes are counted too, so the
    share of failures tells a stuffing run from a busy, healthy agent.
    """

    __slots__ = ("failed_addresses", "failed_users", "latest", "quiet", "successes")

    def __init__(self, settings: DetectSettings) -> None:
        span, limit = settings.stuffing_window, settings.window_entries
        self.failed_users = Tally(span, limit)
        self.failed_addresses = Tally(span, limit)
        self.successes = Buckets(span)
        self.latest = 0.0
        self.quiet = False
        """Checked since the last failure and found no stuffing."""

    def add(self, time: float, userid: str, ip: str, failed: bool) -> None:
        self.latest = time
        if failed:
            self.quiet = False
            self.failed_users.add(time, userid)
            self.failed_addresses.add(time, ip)
        else:
            self.successes.add(time)

    @property
    def failure_share(self) -> float:
        failures = self.failed_users.total
        total = failures + self.successes.total(self.latest)
        return failures / total if total else 0.0


class AddressActivity:
    """Recent failures from one address, by user (password spray)."""

    __slots__ = ("failed_users",)

    def __init__(self, settings: DetectSettings) -> None:
        self.failed_users = Tally(settings.spray_window, settings.window_entries)
