"""The first frame comes before the core is loaded; bad settings still end in 2."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from ui_factory import HeldMonitor, app_test, monitor_built, ui_settings

from puptect_tui.app import PuptectApp, check_settings, run_app
from puptect_tui.settings import SettingsError


def test_the_app_module_loads_without_the_monitor_or_pandas():
    """What the first frame waits for: the enrichers' packages must not be in it."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, puptect_tui.app; print(' '.join(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    for heavy in ("puptect_tui.monitor", "puptect_tui.pipeline", "pandas"):
        assert heavy not in loaded
    assert not [name for name in loaded if name.startswith(("ua_parser", "pycares"))]


@app_test
async def test_a_setting_the_monitor_refuses_ends_the_app_with_status_2():
    def refusing(settings, listener):
        raise SettingsError("--dnsbl-zone: unknown zone 'nope'")

    app = PuptectApp(ui_settings(), monitor_factory=refusing)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert app.return_value == 2
    assert app.refusal == "--dnsbl-zone: unknown zone 'nope'"


def test_a_missing_blocklist_is_refused_before_the_screen_changes():
    settings = ui_settings(blocklists=["/no/such/list.txt"])

    with pytest.raises(SettingsError, match=r"blocklist /no/such/list\.txt: No such"):
        run_app(settings)


def test_a_bad_field_map_or_detect_setting_is_refused_before_the_app():
    with pytest.raises(SettingsError, match="FIELD=PATH"):
        check_settings(ui_settings(field_map=["userid"]))
    with pytest.raises(SettingsError, match=r"\[detect\]"):
        check_settings(ui_settings(detect={"no_such_window": 3}))


@app_test
async def test_a_speed_chosen_before_the_monitor_exists_reaches_it():
    release = threading.Event()

    def slow_to_build(settings, listener):
        release.wait(5)
        return HeldMonitor(settings, listener)

    app = PuptectApp(ui_settings(speed=1.0), monitor_factory=slow_to_build)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("plus")
        assert app.monitor is None
        assert app.header.state.speed == 2.0

        release.set()
        await monitor_built(app)
        assert app.monitor.speed == 2.0
        await pilot.press("q")
