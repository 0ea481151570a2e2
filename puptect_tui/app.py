"""The live terminal UI: the monitor in a worker thread, the views on a timer.

The monitor reads, scores and hands events to a mailbox from its own thread.
It is imported and built in that thread too: the enrichers' packages take a
third of a second to load, and the first frame should not wait for them.
Fifteen times a second the app collects what arrived, files it in the store
and the statistics, and redraws only what changed, so the screen refreshes a
bounded number of times per second whatever the event rate.
"""

from __future__ import annotations

import logging
import shlex
import sys
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerState

from puptect_tui.detect.settings import DetectSettings
from puptect_tui.events import Event, parse_field_map
from puptect_tui.filtering import Filter, FilterError
from puptect_tui.messages import (
    Delivery,
    Mailbox,
    MonitorRefused,
    StreamFailed,
    StreamFinished,
)
from puptect_tui.settings import Settings, SettingsError
from puptect_tui.stats import StreamStats
from puptect_tui.store import EventStore
from puptect_tui.widgets.alerts_table import AlertsTable
from puptect_tui.widgets.filter_bar import FilterBar
from puptect_tui.widgets.header import HeaderState, StreamHeader
from puptect_tui.widgets.help_screen import HelpScreen
from puptect_tui.widgets.row_detail import RowDetail
from puptect_tui.widgets.stats_pane import StatsPane
from puptect_tui.widgets.user_panel import UserPanel

if TYPE_CHECKING:
    from puptect_tui.monitor import Listener, Monitor

log = logging.getLogger(__name__)

MonitorFactory = Callable[[Settings, "Listener"], "Monitor"]

REFRESH_PER_SECOND = 15
"""Redraws per second at most; events in between are collected in one go."""

TABLE_ROWS = 300
"""Rows the alerts table holds; older ones are reached through the filter."""

SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the GIL while another waits (Python's default: 5 ms).

At full replay speed the monitor's thread never waits; with the default, each
time the UI's event loop yields it waits up to 5 ms to run again, and a key
took over a second to show. Measured in bench/tui.py.
"""

TYPED_IN_FILTER = frozenset(
    {"pause", "resume", "open_filter", "toggle_alerts", "toggle_stats"}
    | {"faster", "slower", "help", "quit"}
)
"""Actions of printable keys, which the filter takes as text while it has focus."""

SPEEDS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 0.0)
"""The steps of `+` and `-`; 0 is as fast as the events can be read."""


class PuptectApp(App[int]):
    """Alerts table, user panel and statistics over one monitored source."""

    CSS_PATH = "app.tcss"
    TITLE = "puptect"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]
    """Under 20 lines the statistics give their rows to the table (s shows them)."""
    ENABLE_COMMAND_PALETTE = False
    """Every action has its key; the palette's footer entry is room for one."""

    BINDINGS = [
        Binding("space", "pause", "Pause"),
        Binding("space", "resume", "Resume"),
        Binding("slash", "open_filter", "Filter", priority=True),
        Binding("escape", "back", "Back", show=False),
        Binding("a", "toggle_alerts", "View", tooltip="Alerts only, or every event"),
        Binding("s", "toggle_stats", "Stats"),
        Binding("plus", "faster", "Speed", key_display="+/-"),
        Binding("minus", "slower", "Slower", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("f1", "help", "Help", show=False),
        Binding("q", "quit", "Quit"),
    ]
    """Short words, so that every key fits the footer of an 80-column screen.

    `/` is a priority binding: it moves the focus to the filter before the
    next key is routed, so what is typed right after it lands in the filter
    instead of running the table's keys (`q` among them).
    """

    def __init__(
        self,
        settings: Settings,
        monitor_factory: MonitorFactory | None = None,
        table_rows: int = TABLE_ROWS,
    ):
        super().__init__()
        self.settings = settings
        self.mailbox = Mailbox()
        self.monitor_factory = monitor_factory or _real_monitor
        self.monitor: Monitor | None = None
        """Built by the worker thread; None until then (see monitor_ready)."""
        self.monitor_ready = threading.Event()
        self._monitor_lock = threading.Lock()
        self._stopping = False
        """Quit came; a monitor built after it is stopped, not run."""
        self.replay_speed = settings.speed
        """The replay speed asked for, handed to the monitor once it exists."""
        self.refusal = ""
        """Why the settings could not build a monitor; printed after the exit."""
        self.store = EventStore(settings.min_severity)
        self.stats = StreamStats()
        """The UI's own statistics, fed on its thread, so a refresh never races."""

        self.where = Filter()
        """The filter the table shows; empty shows everything of the view."""
        self.alerts_only = True
        """Show alerts (medium and worse) or every event."""
        self.paused = False
        """Views frozen; events still arrive, are stored and counted."""
        self.waiting = 0
        """Events that arrived while paused."""
        self.finished = False
        self.failure = ""

        self.shown: deque[Event] = deque(maxlen=table_rows)
        """The table's events, oldest first."""
        self._shown_ids: set[int] = set()
        self._table_stale = False
        self._panel_stale = False
        self._stats_mark = 0
        """Events counted at the last statistics refresh."""

    def compose(self) -> ComposeResult:
        """The main screen; its widgets are kept, as help may cover the screen."""
        self.header = StreamHeader(self._header_state(), id="header")
        self.table = AlertsTable(id="alerts")
        self.panel = UserPanel(id="user-panel")
        self.detail = RowDetail(id="row-detail")
        self.stats_pane = StatsPane(self.settings.stats_every, id="stats")
        self.filter_bar = FilterBar(id="filter")
        yield self.header
        with Horizontal(id="body"):
            yield self.table
            yield self.panel
        yield self.detail
        yield self.stats_pane
        yield self.filter_bar
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        self.table.focus()
        self.set_interval(1 / REFRESH_PER_SECOND, self.refresh_views)
        self.call_after_refresh(self._start_replay)

    def _start_replay(self) -> None:
        """Started after the first frame, so its imports do not delay it."""
        self.run_worker(
            self._replay,
            name="replay",
            group="stream",
            description=f"replay {self.settings.source}",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _replay(self) -> None:
        """The worker thread: the whole stream, then a message that it ended."""
        try:
            monitor = self.monitor_factory(self.settings, self.mailbox)
        except SettingsError as error:
            self.post_message(MonitorRefused(str(error)))
            return

        with self._monitor_lock:
            if self._stopping:
                return
            monitor.speed = self.replay_speed
            self.monitor = monitor
        self.monitor_ready.set()

        summary = monitor.run()
        self.post_message(StreamFinished(summary))

    def on_monitor_refused(self, message: MonitorRefused) -> None:
        self.refusal = message.reason
        self.exit(2)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            log.error("the replay stopped: %r", error)
            self.post_message(StreamFailed(f"the replay stopped: {error}"))

    def on_unmount(self) -> None:
        self._stop_monitor()
        sys.setswitchinterval(self._switch_interval)

    def _stop_monitor(self) -> None:
        with self._monitor_lock:
            self._stopping = True
            monitor = self.monitor
        self.mailbox.close()
        if monitor is not None:
            monitor.stop()

    # Taking in what the monitor delivered

    def refresh_views(self) -> None:
        """The refresh tick: collect, file, redraw what changed."""
        delivery = self.mailbox.collect()
        if delivery:
            self.take(delivery)
        self._redraw()

    def take(self, delivery: Delivery) -> None:
        panel_user = self.panel.userid
        for event in delivery.events:
            self.store.add(event)
            self.stats.add(event)
            if panel_user == event.userid:
                self._panel_stale = True
            if self.paused:
                self.waiting += 1
            elif self._belongs(event):
                self._show(event)

        for event in delivery.updated:
            self.store.update(event)
            if panel_user == event.userid:
                self._panel_stale = True
            if self.paused:
                continue
            if id(event) in self._shown_ids:
                self._table_stale = True
            elif self._belongs(event):
                self._show(event)

    def _belongs(self, event: Event) -> bool:
        if self.alerts_only and not self.store.is_alert(event):
            return False
        return self.where.matches(event)

    def _show(self, event: Event) -> None:
        shown = self.shown
        if len(shown) == shown.maxlen:
            self._shown_ids.discard(id(shown[0]))
        shown.append(event)
        self._shown_ids.add(id(event))
        self._table_stale = True

    def _show_from_store(self) -> None:
        """Refill the table from the store, for a new filter, view or resume."""
        rows = self.shown.maxlen or 0  # always set: the table's row limit
        newest = self.store.newest(self.where, self.alerts_only, rows)
        self.shown.clear()
        self.shown.extend(reversed(newest))
        self._shown_ids = {id(event) for event in self.shown}
        self._table_stale = True

    # Drawing

    def _redraw(self) -> None:
        """Draw what went stale; a pause holds back arrivals, not the analyst."""
        if self._table_stale:
            self.table.empty_hint = self._empty_hint()
            self.table.show(list(reversed(self.shown)))
            self._table_stale = False
        if self._panel_stale and not self.paused:
            self._show_user_panel()
        every = self.settings.stats_every
        if not self.paused and self.stats.events // every > self._stats_mark // every:
            self.refresh_stats()
        self.header.show(self._header_state())
        self.detail.show(self.table.selected_event(), self.table.raw_agents)

    def _empty_hint(self) -> str:
        if not self.where.empty:
            return "nothing matches the filter · escape clears it"
        if self.alerts_only:
            return "no alerts yet · a shows every event"
        return "no events yet"

    def refresh_stats(self) -> None:
        self._stats_mark = self.stats.events
        pane = self.stats_pane
        if pane.display:
            pane.show(self.stats)

    def _show_user_panel(self) -> None:
        panel = self.panel
        self._panel_stale = False
        if panel.userid is not None:
            panel.show(panel.userid, self.store.of_user(panel.userid))

    def _header_state(self) -> HeaderState:
        monitor = self.monitor
        counts = getattr(monitor, "counts", None)
        health = getattr(monitor, "dnsbl_health", None)
        if monitor is None:
            dnsbl = "dnsbl starting" if self.settings.dnsbl else "dnsbl off"
        else:
            dnsbl = "dnsbl off" if health is None else getattr(health, "summary", "")
        return HeaderState(
            source=self.settings.source or "",
            speed=self.replay_speed if monitor is None else monitor.speed,
            paused=self.paused,
            finished=self.finished,
            waiting=self.waiting,
            events=counts.events if counts else 0,
            alerts=counts.alerts if counts else 0,
            rejected=counts.rejected if counts else 0,
            dnsbl=dnsbl,
            view="alerts only" if self.alerts_only else "all events",
            filter=self.where.text,
            failure=self.failure,
        )

    # Stream messages

    def on_resize(self) -> None:
        """A pane hidden by a short screen missed refreshes; catch up once shown."""
        if self.stats.events and not self.paused:
            self.call_after_refresh(self.refresh_stats)

    def on_stream_finished(self, message: StreamFinished) -> None:
        self.refresh_views()
        self.finished = True
        if not self.paused:
            self.refresh_stats()
        self._redraw()

    def on_stream_failed(self, message: StreamFailed) -> None:
        self.failure = message.reason
        self.notify(message.reason, title="stream", severity="error", timeout=10)
        self._redraw()

    # Keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool:
        """Space says what it will do; keys typed into the filter are letters."""
        if action in TYPED_IN_FILTER and self.focused is self.filter_bar:
            return False
        if action == "open_filter":
            return not isinstance(self.screen, HelpScreen)
        if action in ("pause", "resume"):
            return self.paused == (action == "resume")
        return True

    def action_pause(self) -> None:
        self.action_toggle_pause()

    def action_resume(self) -> None:
        self.action_toggle_pause()

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        self.refresh_bindings()
        if not self.paused:
            self.waiting = 0
            self._show_from_store()
            self._panel_stale = True
            self.refresh_stats()
        self._redraw()

    def action_open_filter(self) -> None:
        bar = self.filter_bar
        bar.add_class("-active")
        self.screen.set_focus(bar)

    def action_back(self) -> None:  # type: ignore[override]  # Escape, not a screen pop
        """Escape: close the panel first, then clear the filter."""
        panel = self.panel
        if panel.userid is not None:
            self._close_user_panel()
        elif not self.where.empty:
            self.apply_filter("")

    def action_open_user(self) -> None:
        event = self.table.selected_event()
        if event is None:
            self.notify("no row selected", severity="warning")
            return
        panel = self.panel
        panel.show(event.userid, self.store.of_user(event.userid))
        panel.add_class("-open")
        self.table.screen.add_class("-panel-open")

    def _close_user_panel(self) -> None:
        panel = self.panel
        panel.userid = None
        panel.remove_class("-open")
        self.table.screen.remove_class("-panel-open")
        self.table.focus()

    def action_filter_user(self) -> None:
        event = self.table.selected_event()
        if event is None:
            self.notify("no row selected", severity="warning")
            return
        self.apply_filter(f"user:{shlex.quote(event.userid)}")

    def action_toggle_alerts(self) -> None:
        self.alerts_only = not self.alerts_only
        self._show_from_store()
        self._redraw()

    def action_toggle_stats(self) -> None:
        pane = self.stats_pane
        pane.display = not pane.display
        if pane.display:
            pane.show(self.stats)

    def action_toggle_raw(self) -> None:
        table = self.table
        table.raw_agents = not table.raw_agents
        table.redraw()
        self.detail.show(table.selected_event(), table.raw_agents)

    def action_faster(self) -> None:
        self._step_speed(+1)

    def action_slower(self) -> None:
        self._step_speed(-1)

    def _step_speed(self, step: int) -> None:
        with self._monitor_lock:
            monitor = self.monitor
            at = _speed_step(self.replay_speed if monitor is None else monitor.speed)
            self.replay_speed = SPEEDS[max(0, min(len(SPEEDS) - 1, at + step))]
            if monitor is not None:
                monitor.speed = self.replay_speed
        self._redraw()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        self._stop_monitor()
        self.exit(0)

    # The filter bar

    def apply_filter(self, text: str) -> bool:
        """Show what ``text`` selects; a bad filter is refused with its reason."""
        bar = self.filter_bar
        try:
            where = Filter.parse(text)
        except FilterError as error:
            bar.add_class("-error")
            self.notify(str(error), title="filter", severity="error")
            return False

        self.where = where
        bar.remove_class("-error")
        bar.value = where.text
        bar.set_class(not where.empty, "-active")
        self._show_from_store()
        self.table.focus()
        self._redraw()
        return True

    def on_input_submitted(self, message: Input.Submitted) -> None:
        if isinstance(message.input, FilterBar):
            self.apply_filter(message.value)

    def on_filter_bar_cleared(self, message: FilterBar.Cleared) -> None:
        self.apply_filter("")


def _speed_step(speed: float) -> int:
    """The step of the ladder nearest to ``speed``; 0 is the top step."""
    if speed == 0:
        return len(SPEEDS) - 1
    finite = SPEEDS[:-1]
    return min(range(len(finite)), key=lambda step: abs(finite[step] - speed))


def _real_monitor(settings: Settings, listener: Listener) -> Monitor:
    """Imported here, in the worker thread, so the first frame does not wait."""
    from puptect_tui.monitor import Monitor

    return Monitor(settings, listener)


def check_settings(settings: Settings) -> None:
    """The checks that cost nothing to load, made before the screen changes.

    The files must open; their contents and the DNSBL zones are checked as
    the monitor is built in the worker, and a mistake there ends the app
    with status 2 and the same kind of line.
    """
    for path in settings.blocklists:
        _must_open(path, f"blocklist {path}")
    if settings.asn_db:
        _must_open(settings.asn_db, f"cannot use --asn-db {settings.asn_db}")
    try:
        parse_field_map(settings.field_map)
    except ValueError as error:
        raise SettingsError(str(error)) from None
    try:
        DetectSettings.from_mapping(settings.detect)
    except ValueError as error:
        raise SettingsError(f"[detect] {error}") from None


def _must_open(path: str, what: str) -> None:
    try:
        with open(path, "rb"):
            pass
    except OSError as error:
        raise SettingsError(f"{what}: {error.strerror or error}") from None


def run_app(settings: Settings) -> int:
    """Run the UI until the analyst quits; returns the exit status.

    A setting the monitor refuses raises :class:`SettingsError` after the
    terminal is restored, so the command line reports it like any other.
    """
    check_settings(settings.check())
    app = PuptectApp(settings)
    status = app.run()
    if app.refusal:
        raise SettingsError(app.refusal)
    return status or 0
