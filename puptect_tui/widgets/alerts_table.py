"""The alerts table: newest on top, a bounded number of rows, severity in colour.

The table is rebuilt from the app's list of shown events on each refresh tick,
never row by row per event: a few hundred rows rebuild in milliseconds, and the
rows keep a fixed width so nothing jumps while alerts pour in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from puptect_tui.detect.verdict import Severity
from puptect_tui.events import Event
from puptect_tui.widgets.safe_text import safe_text

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "bold yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
"""Colour and weight per severity; the word is always shown next to it."""

WIDE = 120
"""From this many columns on, the table shows time, score and agent too."""


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int


NARROW_COLUMNS = (
    Column("severity", "severity", 8),
    Column("user", "user", 10),
    Column("status", "code", 4),
    Column("address", "address", 15),
    Column("country", "cc", 2),
    Column("listed", "bl", 4),
)
WIDE_COLUMNS = (
    Column("time", "time", 8),
    Column("severity", "severity", 8),
    Column("score", "score", 5),
    Column("user", "user", 16),
    Column("status", "status", 6),
    Column("address", "address", 24),
    Column("country", "cc", 2),
    Column("agent", "agent", 26),
    Column("listed", "listed", 6),
)
REASONS_LEAST = 16


def severity_text(severity: Severity) -> Text:
    return Text(severity.label, style=SEVERITY_STYLE[severity], end="")


def listed_text(event: Event) -> Text:
    """``k/n``: listed by k of the n zones asked, ``+L`` for a local list."""
    reputation = event.reputation
    if reputation is None:
        return Text("")
    if reputation.pending:
        return Text("…", style="dim")
    zones, asked = len(reputation.listings), reputation.checked
    words = f"{zones}/{asked}" if asked else ""
    if reputation.local:
        words = f"{words}+L" if words else "L"
    if not words:
        return Text("-", style="dim")
    if reputation.listed:
        return Text(words, style="bold red")
    return Text(words, style="yellow" if reputation.failed else "")


def status_text(event: Event) -> Text:
    word = str(event.status_code) if event.status_code is not None else "-"
    if event.success is None and event.status_code is None:
        word = "?"
    return Text(word, style="red" if event.failed else "")


def agent_words(event: Event, raw: bool) -> str:
    """The parsed family (``Chrome 91 / Windows``), or the agent as sent."""
    label = getattr(event.agent, "label", None)
    if raw or not label:
        return event.useragent or "(empty)"
    return label


def reasons_words(event: Event) -> str:
    return " · ".join(reason.detail for reason in event.verdict.reasons)


def event_cells(event: Event, columns: tuple[Column, ...], raw: bool) -> list[Text]:
    """One row of Text cells, every stream-borne value made literal and safe."""
    verdict = event.verdict
    values = {
        "time": lambda: Text(_clock(event.time)),
        "severity": lambda: severity_text(verdict.severity),
        "score": lambda: Text(str(verdict.score), justify="right"),
        "user": lambda: safe_text(event.userid),
        "status": lambda: status_text(event),
        "address": lambda: safe_text(event.ip),
        "country": lambda: safe_text(getattr(event.place, "country", None) or ""),
        "agent": lambda: safe_text(agent_words(event, raw)),
        "listed": lambda: listed_text(event),
        "reasons": lambda: safe_text(reasons_words(event)),
    }
    return [values[column.key]() for column in columns]


def _clock(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%H:%M:%S")


class AlertsTable(DataTable):
    """The rows the app chose to show, newest first, with their user on enter."""

    BINDINGS = [
        Binding("enter", "app.open_user", "User", tooltip="The row's user in a panel"),
        Binding(
            "u", "app.filter_user", "Only user", tooltip="Filter to the row's user"
        ),
        Binding("r", "app.toggle_raw", "Raw agent", show=False),
    ]

    def __init__(self, **options) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **options)
        self.raw_agents = False
        """Show agents as sent instead of their parsed family."""
        self._columns: tuple[Column, ...] = ()
        self._shown: list[Event] = []
        self._by_key: dict[str, Event] = {}

    def event_at(self, row: int) -> Event:
        """The event drawn in ``row``, counted from the top."""
        return self._shown[row]

    def selected_event(self) -> Event | None:
        if not self._shown or self.cursor_row < 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except CellDoesNotExist:  # an empty or shrinking table
            return None
        return self._by_key.get(str(key.value))

    def show(self, events: list[Event]) -> None:
        """Replace the rows; the cursor stays on its event unless it was on top."""
        following = self.cursor_row <= 0
        selected = None if following else self.selected_event()
        columns = self._layout()
        if columns != self._columns:
            self.clear(columns=True)
            self._add_columns(columns)
        else:
            self.clear()

        self._shown = events
        self._by_key = {}
        for event in events:
            key = str(id(event))
            self._by_key[key] = event
            self.add_row(*event_cells(event, columns, self.raw_agents), key=key)

        if selected is not None and str(id(selected)) in self._by_key:
            row = self.get_row_index(str(id(selected)))
            self.move_cursor(row=row, animate=False)

    def redraw(self) -> None:
        """Show the same events again, for a resize or a change of agent view."""
        self.show(self._shown)

    def on_resize(self) -> None:
        if self._layout() != self._columns:
            self.redraw()

    def _layout(self) -> tuple[Column, ...]:
        width = self.size.width or 80
        chosen = WIDE_COLUMNS if width >= WIDE else NARROW_COLUMNS
        used = sum(column.width + 2 * self.cell_padding for column in chosen)
        reasons = max(REASONS_LEAST, width - used - 2 * self.cell_padding - 2)
        return (*chosen, Column("reasons", "reasons", reasons))

    def _add_columns(self, columns: tuple[Column, ...]) -> None:
        self._columns = columns
        for column in columns:
            self.add_column(column.label, width=column.width, key=column.key)
