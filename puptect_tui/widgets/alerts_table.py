"""The alerts table: newest on top, a bounded number of rows, severity in colour.

Drawn line by line (Textual's line API): a refresh renders only the rows on
screen, so replacing the whole list of rows on every tick costs what the
screen shows, not what the table holds. (A DataTable measures every cell of
every added row; rebuilt 15 times a second it starved the UI at high rates.)
Columns have fixed widths so nothing jumps while alerts pour in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

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

TINY = 60
"""Under this many columns, only who, how bad and from where fit."""


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
TINY_COLUMNS = (
    Column("severity", "severity", 8),
    Column("user", "user", 10),
    Column("address", "address", 15),
)
REASONS_LEAST = 16

EMPTY_HINT = "no alerts yet · a shows every event"


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


class AlertsTable(ScrollView, can_focus=True):
    """The rows the app chose to show, newest first, with a row cursor."""

    BINDINGS = [
        Binding("enter", "app.open_user", "User", tooltip="The user in a panel"),
        Binding("u", "app.filter_user", "Only", tooltip="Only the row's user"),
        Binding("r", "app.toggle_raw", "Raw", tooltip="Agents as sent"),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "cursor(-1_000_000_000)", "Newest", show=False),
        Binding("end", "cursor(1_000_000_000)", "Oldest", show=False),
    ]

    COMPONENT_CLASSES = {
        "alerts-table--header",
        "alerts-table--cursor",
        "alerts-table--stripe",
    }

    DEFAULT_CSS = """
    AlertsTable {
        background: $surface;
        overflow-x: hidden;
        & > .alerts-table--header { text-style: bold; background: $panel; }
        & > .alerts-table--cursor { background: $block-cursor-background; }
        &:blur > .alerts-table--cursor { background: $block-hover-background; }
        & > .alerts-table--stripe { background: $boost; }
    }
    """

    cell_padding = 1
    """Blank cells on either side of a column."""

    cursor_row = reactive(0)
    """The selected row, counted from the newest; 0 follows new alerts."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.raw_agents = False
        """Show agents as sent instead of their parsed family."""
        self.columns: tuple[Column, ...] = ()
        self._shown: list[Event] = []
        self._lines: dict[int, Strip] = {}
        """Rendered rows of the current list, by row; cleared when it changes."""
        self.empty_hint = EMPTY_HINT
        """Drawn dim in the first row while there is no row, so a quiet table
        is not mistaken for a broken one."""

    @property
    def row_count(self) -> int:
        return len(self._shown)

    def event_at(self, row: int) -> Event:
        """The event drawn in ``row``, counted from the top."""
        return self._shown[row]

    def row_cells(self, row: int) -> list[Text]:
        """The cells of ``row`` as drawn, for tests and the help of a reader."""
        return event_cells(self._shown[row], self.columns, self.raw_agents)

    def selected_event(self) -> Event | None:
        if not self._shown:
            return None
        return self._shown[min(self.cursor_row, len(self._shown) - 1)]

    def show(self, events: list[Event]) -> None:
        """Replace the rows; the cursor stays on its event unless it was on top."""
        selected = self.selected_event() if self.cursor_row > 0 else None
        self._shown = events
        self._lines.clear()
        self.columns = self._layout()
        self.virtual_size = Size(self.size.width, len(events) + 1)

        row = 0
        if selected is not None:
            row = next(
                (index for index, event in enumerate(events) if event is selected),
                min(self.cursor_row, max(0, len(events) - 1)),
            )
        self.set_reactive(AlertsTable.cursor_row, row)
        self._keep_cursor_in_view()
        self.refresh()

    def redraw(self) -> None:
        """Draw the same events again, for a resize or a change of agent view."""
        self._lines.clear()
        self.columns = self._layout()
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._shown) + 1)
        self.redraw()

    def watch_cursor_row(self, before: int, after: int) -> None:
        self._lines.pop(before, None)
        self._lines.pop(after, None)
        self._keep_cursor_in_view()
        self.refresh()

    def action_cursor(self, step: int) -> None:
        last = max(0, len(self._shown) - 1)
        self.cursor_row = max(0, min(last, self.cursor_row + step))

    def action_page(self, pages: int) -> None:
        self.action_cursor(pages * max(1, self.size.height - 2))

    def on_click(self, event) -> None:
        row = int(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= row < len(self._shown):
            self.cursor_row = row

    def _keep_cursor_in_view(self) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            style = self.get_component_rich_style("alerts-table--header")
            cells = [Text(column.label) for column in self.columns]
            return self._strip(cells, style, width)

        row = int(self.scroll_offset.y) + y - 1
        if not self._shown and y == 1:
            return self._hint_strip(width)
        if row >= len(self._shown):
            return Strip.blank(width, self.rich_style)
        strip = self._lines.get(row)
        if strip is None or strip.cell_length != width:
            strip = self._row_strip(row, width)
            self._lines[row] = strip
        return strip

    def _row_strip(self, row: int, width: int) -> Strip:
        style = self.rich_style
        if row == self.cursor_row:
            style += self.get_component_rich_style("alerts-table--cursor")
        elif row % 2:
            style += self.get_component_rich_style("alerts-table--stripe")
        return self._strip(self.row_cells(row), style, width)

    def _hint_strip(self, width: int) -> Strip:
        hint = Text(f" {self.empty_hint}", style="dim", no_wrap=True, end="")
        segments = hint.render(self.app.console)
        style = self.rich_style
        return Strip(Segment.apply_style(segments, style)).adjust_cell_length(
            width, style
        )

    def _strip(self, cells: list[Text], style: Style, width: int) -> Strip:
        line = Text(" ", end="", no_wrap=True)
        for column, cell in zip(self.columns, cells, strict=False):
            cell = cell.copy()
            cell.truncate(column.width, overflow="ellipsis", pad=True)
            line.append_text(cell)
            line.append(" " * self.cell_padding * 2)
        segments = line.render(self.app.console)
        return Strip(Segment.apply_style(segments, style)).adjust_cell_length(
            width, style
        )

    def _layout(self) -> tuple[Column, ...]:
        width = self.scrollable_content_region.width or 80
        chosen: tuple[Column, ...]
        if width >= WIDE:
            chosen = WIDE_COLUMNS
        elif width >= TINY:
            chosen = NARROW_COLUMNS
        else:
            chosen = TINY_COLUMNS
        used = sum(column.width + 2 * self.cell_padding for column in chosen)
        reasons = max(REASONS_LEAST, width - used - 2 * self.cell_padding - 2)
        return (*chosen, Column("reasons", "reasons", reasons))
