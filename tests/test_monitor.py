"""The monitor replays a file at its recorded pace and counts what it sees."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest

from puptect_tui.events import Event, Rejected
from puptect_tui.monitor import Monitor
from puptect_tui.settings import Settings
from puptect_tui.sources import Pacer

RECORDED = [0.0, 5.0, 7.0, 20.0, 20.5]
"""Seconds after the first login at which each login was recorded."""


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def recorded_file(tmp_path: Path) -> Path:
    path = tmp_path / "paced.jsonl"
    lines = [
        json.dumps(
            {
                "ts": 1_700_000_000 + offset,
                "userid": f"user{number}",
                "ip": "198.51.100.7",
                "status_code": 200,
            }
        )
        for number, offset in enumerate(RECORDED)
    ]
    lines.insert(2, "{broken")
    path.write_text("\n".join(lines) + "\n")
    return path


def replay(path: Path, speed: float) -> tuple[list[float], list[Event | Rejected]]:
    """Run the monitor with a fake clock; return the wall time each item left."""
    time = FakeTime()
    monitor = Monitor(Settings(source=str(path), speed=speed, dnsbl=False))
    monitor.pacer = Pacer(
        speed, clock=time.clock, sleep=time.sleep, stop=monitor.stopping
    )
    released, items = [], []
    for item in monitor.stream():
        released.append(time.now)
        items.append(item)
    monitor.close()
    return released, items


@pytest.mark.parametrize("speed", [1.0, 10.0])
def test_replay_keeps_the_recorded_gaps_divided_by_speed(tmp_path, speed):
    released, items = replay(recorded_file(tmp_path), speed)

    events = [
        when
        for when, item in zip(released, items, strict=True)
        if isinstance(item, Event)
    ]
    gaps = [later - earlier for earlier, later in pairwise(events)]
    expected = [(b - a) / speed for a, b in pairwise(RECORDED)]
    assert gaps == pytest.approx(expected, abs=1e-6)


def test_speed_zero_never_waits(tmp_path):
    released, items = replay(recorded_file(tmp_path), 0.0)

    assert set(released) == {1000.0}
    assert len(items) == len(RECORDED) + 1


def test_rejected_lines_are_counted_and_kept_in_order(tmp_path):
    monitor = Monitor(
        Settings(source=str(recorded_file(tmp_path)), speed=0, dnsbl=False)
    )

    items = list(monitor.stream())
    summary = monitor.summary()
    monitor.close()

    assert [item.line for item in items] == [1, 2, 3, 4, 5, 6]
    assert isinstance(items[2], Rejected)
    assert (summary.events, summary.rejected) == (5, 1)
    assert summary.rejections[0].line == 3
    assert sum(summary.reasons.values()) == 1
