"""The user panel (enter on a row): one user's recent logins, told at a glance.

Everything comes from the events the UI has seen, so the panel agrees with
the table; the worst verdict among them gives the user's score.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from puptect_tui.detect.verdict import Reason, Severity
from puptect_tui.events import Event
from puptect_tui.widgets.alerts_table import (
    SEVERITY_STYLE,
    agent_words,
    listed_text,
    severity_text,
    status_text,
)
from puptect_tui.widgets.safe_text import safe_text

TIMELINE_LENGTH = 48
"""Logins drawn in the timeline, one mark each, the newest at the right."""

LOGINS_LISTED = 12

ADDRESSES_LISTED = 10

NAME_WIDTH = 40
"""Cells a user name or an agent's family may take before it is cut.

A user of 300 characters wrapped the heading over four lines, and an
unknown agent of 5,000 (its family is itself) squeezed the counts beside
it down to nothing.
"""


def _cut(text: Text, width: int = NAME_WIDTH) -> Text:
    text.truncate(width, overflow="ellipsis")
    return text


@dataclass
class UserStory:
    """What the panel says about one user, computed from their events."""

    userid: str
    events: list[Event]
    failures: int = 0
    worst: Event | None = None
    reasons: list[Reason] = field(default_factory=list)

    @classmethod
    def of(cls, userid: str, events: list[Event]) -> UserStory:
        story = cls(userid, events)
        story.failures = sum(1 for event in events if event.failed)
        if events:
            story.worst = max(events, key=lambda event: event.verdict.score)
        newest_first: dict[str, Reason] = {}
        for event in reversed(events):
            for reason in event.verdict.reasons:
                newest_first.setdefault(reason.rule, reason)
        story.reasons = list(newest_first.values())
        return story


def timeline(events: list[Event]) -> Text:
    """✓ for a success, ✗ for a failure, · otherwise, in the severity's colour."""
    marks = Text(no_wrap=True, overflow="crop")
    for event in events[-TIMELINE_LENGTH:]:
        mark = "✓" if event.success else "✗" if event.failed else "·"
        marks.append(mark, style=SEVERITY_STYLE[event.verdict.severity])
    return marks


def _titled_table(title: str, *columns: str, rest: str = "") -> Table:
    """A borderless table; the ``rest`` column takes the width the others leave.

    Without one, Rich shares out the width and cuts an address or a browser
    name as readily as a long agent string; with it, the short columns keep
    their natural width and only the raw text is shortened.
    """
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=None,
        padding=(0, 1),
        expand=True,
        header_style="dim",
    )
    for column in columns:
        ratio = 1 if column == rest else None
        table.add_column(column, no_wrap=True, overflow="ellipsis", ratio=ratio)
    return table


def addresses_table(events: list[Event]) -> Table:
    logins = Counter(event.ip for event in events)
    title = "addresses"
    if len(logins) > ADDRESSES_LISTED:
        title = f"addresses, the {ADDRESSES_LISTED} busiest of {len(logins)}"
    table = _titled_table(title, "address", "cc", "bl", "logins", "failed")
    failures = Counter(event.ip for event in events if event.failed)
    latest = {event.ip: event for event in events}
    for address, count in logins.most_common(ADDRESSES_LISTED):
        event = latest[address]
        table.add_row(
            safe_text(address),
            safe_text(getattr(event.place, "country", None) or ""),
            listed_text(event),
            str(count),
            Text(str(failures[address]), style="red" if failures[address] else ""),
        )
    return table


def listings_table(events: list[Event]) -> Table | None:
    """Why each of the user's listed addresses is listed, in the lists' words.

    The TXT record is the list operator's own reason; it comes from the
    network, so it is shown escaped like every other text from outside.
    """
    latest = {event.ip: event for event in events}
    rows = []
    for address, event in latest.items():
        reputation = event.reputation
        if reputation is None or not reputation.listed:
            continue
        for zone, listing in reputation.listings.items():
            categories = ", ".join(listing.categories) or ", ".join(listing.codes)
            rows.append((address, zone, categories, listing.txt or ""))
        rows.extend((address, f"local:{name}", "", "") for name in reputation.local)
    if not rows:
        return None
    table = _titled_table("listings", "address", "list", "kind", "says", rest="says")
    for address, name, kind, says in rows[:10]:
        table.add_row(
            safe_text(address), safe_text(name), safe_text(kind), safe_text(says, "dim")
        )
    return table


def devices_table(events: list[Event]) -> Table:
    table = _titled_table("devices", "agent", "logins", "as sent", rest="as sent")
    devices = Counter(_device(event) for event in events)
    raw = {_device(event): event.useragent for event in events}
    for label, count in devices.most_common(6):
        table.add_row(_cut(safe_text(label)), str(count), safe_text(raw[label], "dim"))
    return table


def _device(event: Event) -> str:
    """The parsed family; an agent the parser does not know stands for itself."""
    known = getattr(event.agent, "known", False)
    return agent_words(event, raw=not known)


def logins_table(events: list[Event]) -> Table:
    table = _titled_table(
        "latest logins", "line", "sev", "code", "address", "agent", rest="agent"
    )
    for event in reversed(events[-LOGINS_LISTED:]):
        table.add_row(
            str(event.line),
            severity_text(event.verdict.severity),
            status_text(event),
            safe_text(event.ip),
            safe_text(agent_words(event, raw=True)),
        )
    return table


def user_summary(story: UserStory) -> Group:
    worst = story.worst
    severity = worst.verdict.severity if worst else Severity.INFO
    score = worst.verdict.score if worst else 0
    heading = Text.assemble(
        _cut(safe_text(story.userid, "bold")),
        "  ",
        severity_text(severity),
        f"  score {score}  ",
        (f"{len(story.events)} logins, ", ""),
        (f"{story.failures} failed", "red" if story.failures else ""),
    )
    reasons = Text()
    for reason in story.reasons:
        reasons.append("• ", style="dim")
        reasons.append(reason.rule, style="bold")
        reasons.append(" ")
        reasons.append_text(safe_text(reason.detail))
        reasons.append("\n")
    if not story.reasons:
        reasons.append("no rule fired for this user\n", style="dim")
    listings = listings_table(story.events)
    return Group(
        heading,
        Text.assemble(("timeline ", "dim"), timeline(story.events)),
        Text(""),
        reasons,
        addresses_table(story.events),
        Text(""),
        *((listings, Text("")) if listings is not None else ()),
        devices_table(story.events),
        Text(""),
        logins_table(story.events),
    )


class UserPanel(VerticalScroll):
    """Opened with enter on a row, closed with escape."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.userid: str | None = None
        """The user shown, or None while the panel is closed."""
        self._body = Static()

    def compose(self):
        yield self._body

    def show(self, userid: str, events: list[Event]) -> None:
        self.userid = userid
        self.border_title = "user"
        self._body.update(user_summary(UserStory.of(userid, events)))
