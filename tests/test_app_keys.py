"""Every key of the UI, driven through Textual's pilot against the real app."""

from __future__ import annotations

import pytest
from ui_factory import (
    ALERT,
    HeldMonitor,
    app_test,
    make_event,
    monitor_built,
    replayed,
    screen_text,
    ui_settings,
)

from puptect_tui.app import PuptectApp
from puptect_tui.detect.verdict import Reason
from puptect_tui.widgets.alerts_table import AlertsTable
from puptect_tui.widgets.filter_bar import FilterBar
from puptect_tui.widgets.help_screen import HelpScreen
from puptect_tui.widgets.stats_pane import StatsPane
from puptect_tui.widgets.user_panel import UserPanel


def table_rows(app: PuptectApp) -> list[list[str]]:
    table = app.query_one(AlertsTable)
    return [
        [cell.plain for cell in table.row_cells(row)] for row in range(table.row_count)
    ]


def column(app: PuptectApp, key: str) -> list[str]:
    table = app.query_one(AlertsTable)
    index = [column.key for column in table.columns].index(key)
    return [row[index] for row in table_rows(app)]


def held_app(**changes) -> PuptectApp:
    return PuptectApp(ui_settings(**changes), monitor_factory=HeldMonitor)


@app_test
async def test_the_stream_fills_the_table_newest_first_with_alerts_only():
    app = PuptectApp(ui_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await replayed(pilot)

        lines = _lines(app)
        assert len(lines) == app.monitor.counts.alerts > 10
        assert lines == sorted(lines, reverse=True)
        assert all(app.store.is_alert(app.table.event_at(row)) for row in range(10))
        assert app.monitor.counts.rejected == 1


@app_test
async def test_space_pauses_the_table_and_resume_shows_every_event():
    app = held_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await monitor_built(app)
        monitor = app.monitor
        monitor.deliver(*(make_event(line, reasons=ALERT) for line in range(1, 6)))
        app.refresh_views()
        assert app.query_one(AlertsTable).row_count == 5

        await pilot.press("space")
        monitor.deliver(*(make_event(line, reasons=ALERT) for line in range(6, 36)))
        app.refresh_views()
        await pilot.pause()

        assert app.paused
        assert app.query_one(AlertsTable).row_count == 5
        header = app.query_one("#header").state
        assert (header.paused, header.waiting, header.events) == (True, 30, 35)

        await pilot.press("space")
        assert _lines(app) == list(range(35, 0, -1))
        assert app.query_one("#header").state.waiting == 0


def _lines(app: PuptectApp) -> list[int]:
    table = app.query_one(AlertsTable)
    return [table.event_at(row).line for row in range(table.row_count)]


@app_test
async def test_slash_opens_the_filter_and_enter_applies_it():
    app = PuptectApp(ui_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await replayed(pilot)

        await pilot.press("slash")
        assert app.focused is app.query_one(FilterBar)
        await pilot.press(*"user:henry status:200", "enter")

        assert column(app, "user") == ["henry"]
        assert column(app, "status") == ["200"]
        assert app.focused is app.query_one(AlertsTable)
        assert app.query_one("#header").state.filter == "user:henry status:200"

        await pilot.press("escape")
        assert len(column(app, "user")) == app.monitor.counts.alerts
        assert app.where.empty


FILTERS = {
    "ip:14.189.214.0/24": lambda event: event.ip.startswith("14.189.214."),
    "status:4xx": lambda event: event.status_code in (401, 403),
    "status:success": lambda event: event.success is True,
    "rule:many_users": lambda event: "ip.many_users" in event.verdict.rules,
    "sev:critical -user:henry": lambda event: (
        event.verdict.severity.label == "critical" and event.userid != "henry"
    ),
    "country:GB": lambda event: event.place.country == "GB",
    "chromebrowser": lambda event: any(
        "ChromeBrowser" in text
        for text in (event.useragent, *(r.detail for r in event.verdict.reasons))
    ),
}
"""Each filter, and the same question asked of the events directly."""


@app_test
async def test_filter_terms_select_rows():
    app = PuptectApp(ui_settings())
    async with app.run_test(size=(120, 30)) as pilot:
        await replayed(pilot)
        await pilot.press("a")  # every event, so each term is seen alone
        bar = app.query_one(FilterBar)

        for typed, wanted in FILTERS.items():
            await pilot.press("slash")
            bar.value = typed  # as if typed; typing itself is tested above
            await pilot.press("enter")

            expected = [e.line for e in reversed(app.store.events) if wanted(e)]
            assert expected, typed
            assert _lines(app) == expected, typed


@app_test
async def test_a_bad_filter_is_refused_and_the_old_one_kept():
    app = PuptectApp(ui_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await replayed(pilot)

        await pilot.press("slash", *"ip:999.1.1.1", "enter")

        assert app.where.empty
        assert app.query_one(FilterBar).has_class("-error")
        assert len(column(app, "user")) == app.monitor.counts.alerts


@app_test
async def test_typing_in_the_filter_does_not_fire_keys():
    app = PuptectApp(ui_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await replayed(pilot)

        await pilot.press("slash", *"q a s", "enter")

        assert app.is_running
        assert not app.paused
        assert app.alerts_only
        assert app.where.text == "q a s"


@app_test
async def test_u_filters_to_the_selected_rows_user():
    app = PuptectApp(ui_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await replayed(pilot)

        await pilot.press("down", "u")

        assert app.where.text == "user:henry"
        assert set(column(app, "user")) == {"henry"}


@app_test
async def test_enter_opens_the_users_panel_and_escape_closes_it():
    app = PuptectApp(ui_settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await replayed(pilot)

        await pilot.press("down", "enter")
        panel = app.query_one(UserPanel)
        assert panel.userid == "henry"
        assert panel.display and panel.has_class("-open")

        await pilot.press("escape")
        assert panel.userid is None
        assert not panel.has_class("-open")


@app_test
async def test_a_shows_every_event_and_back():
    app = PuptectApp(ui_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await replayed(pilot)

        await pilot.press("a")
        assert len(column(app, "user")) == 40
        assert app.query_one("#header").state.view == "all events"

        await pilot.press("a")
        assert len(column(app, "user")) == app.monitor.counts.alerts < 40


@app_test
async def test_s_hides_and_shows_the_statistics():
    app = PuptectApp(ui_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await replayed(pilot)
        pane = app.query_one(StatsPane)
        assert pane.display

        await pilot.press("s")
        assert not pane.display
        await pilot.press("s")
        assert pane.display


@app_test
async def test_plus_and_minus_step_the_replay_speed():
    app = held_app(speed=1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await monitor_built(app)
        await pilot.press("plus")
        assert app.monitor.speed == 2.0
        await pilot.press("minus", "minus", "minus")
        assert app.monitor.speed == 0.25
        await pilot.press("minus")
        assert app.monitor.speed == 0.25  # the slowest step holds

        app.monitor.speed = 100
        await pilot.press("plus")
        assert app.monitor.speed == 0  # as fast as possible, the top step
        assert app.query_one("#header").state.speed == 0
        await pilot.press("plus")
        assert app.monitor.speed == 0


@pytest.mark.parametrize("key", ["question_mark", "f1"])
@app_test
async def test_question_mark_and_f1_open_the_help(key):
    app = held_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await monitor_built(app)
        await pilot.press(key)
        assert isinstance(app.screen, HelpScreen)

        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@app_test
async def test_q_quits_and_stops_the_monitor():
    app = held_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await monitor_built(app)
        await pilot.press("q")
        await pilot.pause()
        assert app.monitor.stopped.is_set()
    assert app.return_value == 0


@app_test
async def test_statistics_refresh_every_n_events():
    app = held_app(stats_every=15)
    async with app.run_test(size=(80, 24)) as pilot:
        await monitor_built(app)
        pane = app.query_one(StatsPane)
        monitor = app.monitor

        monitor.deliver(*(make_event(line) for line in range(1, 15)))
        app.refresh_views()
        await pilot.pause()
        assert pane.shown_events is None
        assert "the first table comes after 15 events" in screen_text(app)

        monitor.deliver(make_event(15))
        app.refresh_views()
        await pilot.pause()
        assert pane.shown_events == 15
        assert "the first table comes" not in screen_text(app)

        monitor.deliver(*(make_event(line) for line in range(16, 30)))
        app.refresh_views()
        assert pane.shown_events == 15

        monitor.deliver(make_event(30))
        app.refresh_views()
        assert pane.shown_events == 30


@app_test
async def test_a_late_blocklist_answer_updates_its_row():
    app = held_app()
    async with app.run_test(size=(80, 24)):
        await monitor_built(app)
        monitor = app.monitor
        quiet, shown = make_event(1, userid="erik"), make_event(2, reasons=ALERT)
        monitor.deliver(quiet, shown)
        app.refresh_views()
        assert column(app, "user") == ["john"]

        listed = Reason("reputation.listed", "listed by 2 of 4 zones", 40)
        for event in (quiet, shown):
            event.verdict = event.verdict.replacing("reputation.listed", listed)
            app.mailbox.on_updated(event)
        app.refresh_views()

        assert column(app, "user") == ["erik", "john"]
        assert column(app, "severity") == ["medium", "high"]
        assert "listed by 2 of 4 zones" in column(app, "reasons")[1]


@app_test
async def test_the_table_is_bounded_and_the_filter_reaches_older_alerts():
    app = PuptectApp(ui_settings(), monitor_factory=HeldMonitor, table_rows=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await monitor_built(app)
        app.monitor.deliver(make_event(1, userid="henry", reasons=ALERT))
        app.monitor.deliver(*(make_event(n, reasons=ALERT) for n in range(2, 200)))
        app.refresh_views()
        assert app.query_one(AlertsTable).row_count == 10
        assert _lines(app)[0] == 199

        await pilot.press("slash", *"user:henry", "enter")
        assert _lines(app) == [1]
