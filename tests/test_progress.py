"""The running count on standard error while headless output goes to a file."""

from __future__ import annotations

import io
import json
import time

from puptect_tui.headless import run_headless
from puptect_tui.monitor import Counts
from puptect_tui.progress import CLEAR_LINE, Progress, shown_on_terminal
from puptect_tui.settings import Settings


class Terminal(io.StringIO):
    """Text written to a terminal, as far as the code can tell."""

    def isatty(self) -> bool:
        return True


def test_the_line_says_events_alerts_rejected_and_rate():
    counts = Counts(events=412_000, alerts=38_001, rejected=2)
    progress = Progress(counts, Terminal())
    progress.started -= 10.0

    line = progress.line()

    assert line.startswith("412,000 events · 38,001 alerts · 2 rejected · ")
    assert "41,2" in line and line.endswith("/s · 10 s")


def test_no_progress_when_output_shares_the_terminal_or_errors_go_to_a_file():
    counts = Counts()
    with shown_on_terminal(counts, Terminal(), Terminal()) as progress:
        assert progress is None
    with shown_on_terminal(counts, io.StringIO(), io.StringIO()) as progress:
        assert progress is None


def test_the_line_is_rewritten_in_place_then_wiped():
    counts, err = Counts(events=5), Terminal()
    progress = Progress(counts, err, interval=0.01)
    progress.start()
    deadline = time.monotonic() + 5.0
    while "events" not in err.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    progress.stop()

    written = err.getvalue()
    assert written.startswith(CLEAR_LINE + "5 events · 0 alerts · 0 rejected · ")
    assert written.endswith(CLEAR_LINE)
    assert "\n" not in written


def test_a_run_to_a_file_wipes_its_progress_before_the_summary(tmp_path):
    logins = tmp_path / "logins.jsonl"
    line = {"userid": "ann", "ip": "198.51.100.7", "status_code": 200}
    logins.write_text((json.dumps(line) + "\n") * 2_000)
    out, err = io.StringIO(), Terminal()
    settings = Settings(
        source=str(logins), headless=True, speed=0, dnsbl=False, format="jsonl"
    )

    status = run_headless(settings, out, err)

    assert status == 0
    _, summary = err.getvalue().rsplit(CLEAR_LINE, 1)
    assert summary.startswith("events: 2000  alerts: ")
    assert CLEAR_LINE not in out.getvalue()
