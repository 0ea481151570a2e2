"""What an analyst reads on a small screen: every line cut, never wrapped away."""

from __future__ import annotations

from textual import events
from ui_factory import (
    HeldMonitor,
    app_test,
    make_event,
    monitor_built,
    screen_text,
    ui_settings,
)

from puptect_tui.app import PuptectApp

ALERT = (("auth.brute_force", "9 failures in 2 min", 40),)


def held_app(**changes) -> PuptectApp:
    return PuptectApp(ui_settings(**changes), monitor_factory=HeldMonitor)


@app_test
async def test_the_header_keeps_its_counts_on_a_40_column_screen():
    """A long source once wrapped onto the second line and hid the counts."""
    app = held_app(source="/tmp/a/rather/long/path/to/the/logins.jsonl")
    async with app.run_test(size=(40, 12)) as pilot:
        await monitor_built(app)
        app.monitor.deliver(*(make_event(n, reasons=ALERT) for n in range(1, 4)))
        app.refresh_views()
        await pilot.pause()
        top, counts = screen_text(app).splitlines()[:2]

    assert top.startswith(" puptect  ▶ live max speed  alerts")
    assert top.rstrip().endswith("…")
    assert counts.startswith(" events 3  alerts 3  rejected 0")


@app_test
async def test_the_filter_shows_in_the_header_at_80_columns():
    """It came last on the counts line and was cut off there."""
    app = held_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await monitor_built(app)
        app.monitor.deliver(*(make_event(n, reasons=ALERT) for n in range(1, 4)))
        await pilot.press("a")
        app.apply_filter("user:henry -status:200")
        await pilot.pause()
        top = screen_text(app).splitlines()[0]

    assert "all events  filter user:henry -status:200" in top


@app_test
async def test_the_top_talkers_keep_one_line_each_beside_a_long_agent():
    """A long agent wrapped over the lines below it and pushed them out."""
    long_agent = "Mozilla/5.0 " + "(KHTML, like Gecko) " * 250
    app = held_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await monitor_built(app)
        app.monitor.deliver(
            *(
                make_event(n, userid=f"user{n % 3}", ip=f"10.0.0.{n % 4}")
                for n in range(1, 16)
            ),
            *(make_event(n, useragent=long_agent) for n in range(16, 31)),
        )
        app.refresh_views()
        await pilot.pause()
        tops = [line.partition("▏")[2] for line in screen_text(app).splitlines()]
        tops = [line.strip() for line in tops if line.strip()]

    assert tops[0].startswith("top users: john 15 · user1 5")
    assert tops[1].startswith("top addresses: 109.184.11.34 15 · 10.0.0.1 4")
    assert tops[2] == "top agents:"
    assert tops[3] == "15 Mozilla/5.0 (X11; Linux x86_64)"
    assert tops[4].startswith("15 Mozilla/5.0 (KHTML") and tops[4].endswith("…")
    assert len(tops) == 5


FOOTER = "⏎ User u Only r Raw space {} / Filter a View s Stats +/- Speed ? Help q Quit"


@app_test
async def test_the_footer_lists_every_key_at_80_columns_and_says_resume():
    app = held_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await monitor_built(app)
        app.monitor.deliver(make_event(1, reasons=ALERT))
        app.refresh_views()
        await pilot.pause()
        assert screen_text(app).splitlines()[-1].rstrip() == FOOTER.format("Pause")

        await pilot.press("space")
        assert screen_text(app).splitlines()[-1].rstrip() == FOOTER.format("Resume")

        await pilot.press("slash")
        assert screen_text(app).splitlines()[-1].strip() == "esc Clear filter"


@app_test
async def test_keys_typed_right_after_slash_go_into_the_filter():
    """Queued behind `/`, they once reached the table: `s` hid the statistics
    and `q` quit."""
    app = held_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await monitor_built(app)
        for key, character in (("slash", "/"), ("s", "s"), ("q", "q")):
            app.post_message(events.Key(key, character))
        await pilot.pause()

        assert app.is_running
        assert app.filter_bar.value == "sq"
        assert app.stats_pane.display
