"""What the screen shows, compared with stored snapshots (pytest-textual-snapshot).

Each app replays the small fixture at full speed with no DNS and is
photographed only after the stream finished, so nothing depends on timing.
Update after a deliberate change with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from ui_factory import replayed, ui_settings

from puptect_tui.app import PuptectApp


def replay_then(*keys: str):
    async def run_before(pilot) -> None:
        await replayed(pilot)
        if keys:
            await pilot.press(*keys)

    return run_before


def test_main_screen_at_80x24(snap_compare):
    app = PuptectApp(ui_settings())
    assert snap_compare(app, terminal_size=(80, 24), run_before=replay_then())


def test_main_screen_at_160x50(snap_compare):
    app = PuptectApp(ui_settings())
    assert snap_compare(app, terminal_size=(160, 50), run_before=replay_then())


def test_user_panel(snap_compare):
    app = PuptectApp(ui_settings())
    run_before = replay_then("down", "enter")
    assert snap_compare(app, terminal_size=(140, 40), run_before=run_before)


def test_filtered_view(snap_compare):
    async def run_before(pilot) -> None:
        await replayed(pilot)
        await pilot.press("slash")
        pilot.app.filter_bar.value = "status:fail -user:henry"
        await pilot.press("enter", "a")

    app = PuptectApp(ui_settings())
    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_paused_state(snap_compare):
    app = PuptectApp(ui_settings())
    assert snap_compare(app, terminal_size=(80, 24), run_before=replay_then("space"))


def test_help_screen(snap_compare):
    app = PuptectApp(ui_settings())
    run_before = replay_then("question_mark")
    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
