"""Markup and escape sequences from the stream are drawn as text, never obeyed."""

from __future__ import annotations

import pytest
from ui_factory import (
    HeldMonitor,
    app_test,
    make_event,
    monitor_built,
    replayed,
    ui_settings,
)

from puptect_tui.app import PuptectApp
from puptect_tui.widgets.alerts_table import AlertsTable
from puptect_tui.widgets.safe_text import safe_text, visible

HOSTILE = {
    "[/]": "[/]",
    "[bold]x[/bold]": "[bold]x[/bold]",
    "\x1b[2J\x1b[31mred": "\\x1b[2J\\x1b[31mred",
    "line\nbreak\r": "line\\x0abreak\\x0d",
    "\x9b2J": "\\x9b2J",
    "adm\u202eni": "adm\\u202eni",
    "zero\u200bwidth\ufeff": "zero\\u200bwidth\\ufeff",
}


@pytest.mark.parametrize(("sent", "shown"), HOSTILE.items())
def test_safe_text_shows_every_character_and_obeys_none(sent, shown):
    text = safe_text(sent)
    assert text.plain == shown == visible(sent)
    assert not text.spans  # no markup was read into styles


@app_test
async def test_hostile_agents_and_users_are_drawn_literally_without_a_crash():
    app = PuptectApp(ui_settings(), monitor_factory=HeldMonitor)
    async with app.run_test(size=(160, 40)) as pilot:
        await monitor_built(app)
        reasons = (("agent.malformed", "odd agent", 40),)
        app.monitor.deliver(
            *(
                make_event(line, userid=agent, useragent=agent, reasons=reasons)
                for line, agent in enumerate(HOSTILE, start=1)
            )
        )
        app.refresh_views()
        await pilot.press("r")  # agents as sent
        await pilot.pause()

        table = app.query_one(AlertsTable)
        rows = [table.row_cells(row) for row in range(table.row_count)]
        users = [row[3].plain for row in rows]
        agents = [row[7].plain for row in rows]
        assert users == agents == list(reversed(HOSTILE.values()))

        screen = app.export_screenshot()
        assert "\x1b" not in screen and "\u202e" not in screen
        assert "[bold]x[/bold]" in screen


@app_test
async def test_the_fixture_streams_hostile_lines_through_the_real_monitor():
    app = PuptectApp(ui_settings())
    async with app.run_test(size=(160, 40)) as pilot:
        await replayed(pilot)
        await pilot.press("a", "r")

        table = app.query_one(AlertsTable)
        agents = {table.row_cells(row)[7].plain for row in range(table.row_count)}
        assert {"[/]", "[bold]x[/bold]", "\\x1b[2J\\x1b[31mred"} <= agents
        users = {table.row_cells(row)[3].plain for row in range(table.row_count)}
        assert "adm\\u202eni" in users


def test_user_panel_shows_each_listing_zone_and_its_txt_literally():
    from rich.console import Console

    from puptect_tui.enrich.reputation import Listing, Reputation
    from puptect_tui.widgets.user_panel import UserStory, user_summary

    listed = Reputation(
        listings={
            "bl.example": Listing(
                "bl.example", ("127.0.0.2",), ("attacks",), "[red]brute\x1b[2J force"
            )
        },
        local=("firehol.netset",),
        checked=2,
    )
    events = [make_event(1, userid="henry", ip="61.91.63.122", reputation=listed)]
    console = Console(width=160, color_system=None)

    with console.capture() as captured:
        console.print(user_summary(UserStory.of("henry", events)))
    text = captured.get()

    assert "bl.example" in text and "attacks" in text
    assert "[red]brute\\x1b[2J force" in text
    assert "\x1b" not in text
    assert "local:firehol.netset" in text
