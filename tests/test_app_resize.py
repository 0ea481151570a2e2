"""Resizes while events stream in, down to 40x12, and what small screens keep."""

from __future__ import annotations

from rich.console import Console
from ui_factory import (
    ALERT,
    HeldMonitor,
    app_test,
    make_event,
    monitor_built,
    screen_text,
    ui_settings,
)

from puptect_tui.app import PuptectApp
from puptect_tui.enrich.agent import parse_agent
from puptect_tui.widgets.user_panel import UserStory, user_summary

SIZES = ((200, 60), (80, 24), (40, 12), (120, 30), (40, 12))


@app_test
async def test_resizing_while_events_stream_in_loses_nothing():
    app = PuptectApp(ui_settings(), monitor_factory=HeldMonitor)
    line = 0
    async with app.run_test(size=(120, 30)) as pilot:
        await monitor_built(app)
        for _ in range(4):
            for width, height in SIZES:
                batch = [
                    make_event(line + n, userid=f"user{line + n}", reasons=ALERT)
                    for n in range(1, 26)
                ]
                line += len(batch)
                app.monitor.deliver(*batch)
                await pilot.resize_terminal(width, height)
                await pilot.pause()

        app.refresh_views()
        await pilot.pause()
        shown = screen_text(app)

    assert app.return_value is None  # still running when the test left: no crash
    assert app.stats.events == line
    assert app.header.state.events == line
    assert app.table.event_at(0).line == line
    assert "puptect" in shown
    assert f"user{line}" in shown


@app_test
async def test_a_short_screen_gives_the_statistics_rows_to_the_table():
    app = PuptectApp(ui_settings(), monitor_factory=HeldMonitor)
    async with app.run_test(size=(40, 12)) as pilot:
        await monitor_built(app)
        app.monitor.deliver(*(make_event(n, reasons=ALERT) for n in range(1, 30)))
        app.refresh_views()
        await pilot.pause()
        assert not app.stats_pane.display
        short_rows = app.table.size.height

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.stats_pane.display
        assert short_rows == 12 - 2 - 1  # all but the header and the footer


@app_test
async def test_an_empty_table_says_why_it_is_empty():
    app = PuptectApp(ui_settings(), monitor_factory=HeldMonitor)
    async with app.run_test(size=(80, 24)) as pilot:
        await monitor_built(app)
        await pilot.pause()
        assert "no alerts yet · a shows every event" in screen_text(app)

        await pilot.press("a")
        assert "no events yet" in screen_text(app)

        app.monitor.deliver(make_event(1, userid="erik"))
        app.refresh_views()
        await pilot.pause()
        assert "no events yet" not in screen_text(app)


def test_the_user_panel_keeps_addresses_and_agent_labels_whole():
    """Only the agent as sent is shortened, however narrow the panel."""
    agent = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    )
    events = []
    for n in range(1, 4):
        event = make_event(n, userid="henry", ip=f"92.{n}8.201.17{n}", useragent=agent)
        event.agent = parse_agent(agent)
        events.append(event)
    label = "Chrome 131"

    for width in (60, 100, 200):
        console = Console(width=width, color_system=None)
        with console.capture() as captured:
            console.print(user_summary(UserStory.of("henry", events)))
        text = captured.get()

        assert all(event.ip in text for event in events), text
        assert label in text
        assert "…" in text if width < 150 else "Safari/537.36" in text
