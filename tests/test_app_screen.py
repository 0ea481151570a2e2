"""What an analyst reads on a small screen: every line cut, never wrapped away."""

from __future__ import annotations

from rich.console import Console
from textual.events import Key
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
            app.post_message(Key(key, character))
        await pilot.pause()

        assert app.is_running
        assert app.filter_bar.value == "sq"
        assert app.stats_pane.display


def panel_text(events, width: int = 80) -> list[str]:
    console = Console(width=width, color_system=None)
    with console.capture() as captured:
        console.print(user_summary(UserStory.of(events[0].userid, events)))
    return [line.rstrip() for line in captured.get().splitlines()]


def test_a_very_long_user_keeps_the_panel_heading_on_one_line():
    events = [make_event(1, userid="x" * 300, reasons=ALERT)]
    heading = panel_text(events)[0]
    assert heading.startswith("x" * 39 + "…  medium  score 40  1 logins")


def test_a_5000_character_agent_leaves_room_for_the_device_counts():
    agent = "A" * 5000
    events = [make_event(n, useragent=agent) for n in range(1, 4)]
    for event in events:
        event.agent = parse_agent(agent)
    lines = panel_text(events)
    header = lines[lines.index("devices") + 1].split()
    assert header == ["agent", "logins", "as", "sent"]
    row = lines[lines.index("devices") + 2].split()
    assert row[0] == "A" * 39 + "…" and row[1] == "3"


def test_the_panel_says_when_it_lists_only_some_addresses():
    events = [make_event(n, ip=f"10.0.0.{n}") for n in range(1, 13)]
    assert "addresses, the 10 busiest of 12" in panel_text(events)


@app_test
async def test_the_selected_row_is_told_in_full_under_the_table_at_80x24():
    """Score, agent and whole reasons do not fit the 80-column table; r there
    switches the agent in this line."""
    agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0"
    reasons = (
        ("auth.ip_hopping", "12 failures from 11 addresses in 2 min", 40),
        ("agent.malformed", "odd capitals in 'MoZillA'", 20),
    )
    app = held_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await monitor_built(app)
        event = make_event(7, userid="henry", useragent=agent, reasons=reasons)
        event.agent = parse_agent(agent)
        app.monitor.deliver(event)
        app.refresh_views()
        await pilot.pause()
        lines = screen_text(app).splitlines()
        at = lines.index(next(line for line in lines if "score 60" in line))
        facts, why, rule = lines[at : at + 3]
        assert facts.startswith(" high score 60  Chrome 131 / Windows  lists -")
        assert rule.startswith("─statistics")
        assert why.strip() == (
            "12 failures from 11 addresses in 2 min · odd capitals in 'MoZillA'"
        )

        await pilot.press("r")
        facts = screen_text(app).splitlines()[at]
        assert facts.startswith(f" high score 60  {agent[:40]}")
