"""The statistics pane: the seed's describe table, rates and the top talkers.

It is refreshed by the app every ``--stats-every`` events, from statistics
kept incrementally, so a refresh costs a few columns, never the whole stream.
"""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from puptect_tui.stats import StreamStats
from puptect_tui.widgets.painted import Painted
from puptect_tui.widgets.rate_bars import RateBars
from puptect_tui.widgets.safe_text import safe_text

TOPS = (("userid", "users"), ("ip", "addresses"))
"""The short columns whose leaders share a line, with the words for them."""

EVENT_STYLE = Style(color="green")
FAILURE_STYLE = Style(color="red", bold=True)


def describe_table(stats: StreamStats) -> Table:
    """count / unique / top / freq per column, as the seed printed every 15."""
    rows = stats.describe()
    table = Table(box=None, padding=(0, 1), expand=True, header_style="bold")
    table.add_column("", style="dim", no_wrap=True, width=6)
    for row in rows:
        table.add_column(
            row.column,
            no_wrap=True,
            overflow="ellipsis",
            ratio=3 if row.column == "useragent" else 2,
        )
    table.add_row("count", *(Text(str(row.count)) for row in rows))
    table.add_row("unique", *(Text(row.unique_text) for row in rows))
    table.add_row("top", *(safe_text(row.top) for row in rows))
    table.add_row("freq", *(Text(str(row.freq)) for row in rows))
    return table


def top_lines(stats: StreamStats, n: int = 3) -> Text:
    """Users and addresses on a line each; agents, being long, one a line.

    An agent's count comes first, so a cut at the pane's edge takes only
    the end of the agent, never the figure.
    """
    lines = []
    for column, words in TOPS:
        line = Text(f"top {words}: ", style="dim")
        for rank, (value, count) in enumerate(stats.top(column, n)):
            if rank:
                line.append(" · ", style="dim")
            line.append_text(safe_text(value or "(empty)", style="bold"))
            line.append(f" {count}")
        lines.append(line)
    lines.append(Text("top agents:", style="dim"))
    for value, count in stats.top("useragent", n):
        line = Text(f"{count:>6} ")
        line.append_text(safe_text(value or "(empty)", style="bold"))
        lines.append(line)
    return Text("\n", no_wrap=True, overflow="ellipsis").join(lines)


class StatsPane(Horizontal):
    """Shown or hidden with `s`; its content changes only when told to."""

    def __init__(self, every: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.every = every
        """Events between refreshes (``--stats-every``), named in the first hint."""

    def compose(self) -> ComposeResult:
        with Vertical(id="stats-main"):
            hint = f"the first table comes after {self.every} events"
            yield Painted(Text(hint, style="dim"), id="describe")
            with Horizontal(id="rates"):
                yield Painted("events/s", id="event-rate-label")
                yield Painted(RateBars([], EVENT_STYLE), id="event-rate")
                yield Painted("failures/s", id="failure-rate-label")
                yield Painted(RateBars([], FAILURE_STYLE), id="failure-rate")
        yield Painted(id="tops")

    shown_events: int | None = None
    """How many events the figures on screen cover; None before the first."""

    def on_mount(self) -> None:
        self.border_title = "statistics"

    def show(self, stats: StreamStats) -> None:
        self.shown_events = stats.events
        self.border_title = f"statistics · {stats.events:,} events"
        self.query_one("#describe", Painted).paint(describe_table(stats))
        self.query_one("#tops", Painted).paint(top_lines(stats))
        events, failures = stats.event_rate, stats.failure_rate
        self.query_one("#event-rate", Painted).paint(RateBars(events, EVENT_STYLE))
        self.query_one("#failure-rate", Painted).paint(
            RateBars(failures, FAILURE_STYLE)
        )
        self.query_one("#event-rate-label", Painted).paint(
            f"events/s ≤{max(events, default=0)}"
        )
        self.query_one("#failure-rate-label", Painted).paint(
            f"failures/s ≤{max(failures, default=0)}"
        )
