"""How fast the terminal UI keeps up, and how quickly it answers a key.

    python bench/tui.py [--events 20000] [--rate 5000]

A simulated stream (``puptect_tui.simulate``, seed 7) is written with its
logins re-timed one millisecond apart, so a replay speed gives an exact rate.
Three runs on the same file, DNS blocklists off:

1. headless at ``--speed 0``: the pipeline's own rate, for comparison;
2. the app under ``run_test`` at ``--speed 0``: events per second it keeps
   from the first event to the last shown;
3. the app while ``--rate`` events per second arrive, twice: from the real
   monitor (which on a small machine may not reach the rate: its rate kept
   is printed), and from events scored beforehand and fed at exactly the
   rate, which loads the UI alone. Measured: the time from a key press
   (space, a, s, each twice) to its effect being drawn into the widgets (the
   frame follows within one refresh of the compositor).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import signal
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402

from puptect_tui.app import PuptectApp  # noqa: E402
from puptect_tui.events import Event, EventParser, Line  # noqa: E402
from puptect_tui.headless import run_headless  # noqa: E402
from puptect_tui.monitor import Counts, Summary  # noqa: E402
from puptect_tui.pipeline import Pipeline  # noqa: E402
from puptect_tui.settings import Settings  # noqa: E402
from puptect_tui.simulate import simulate  # noqa: E402

START = datetime(2025, 3, 3, tzinfo=UTC)
RECORDED_RATE = 1000
"""Logins per recorded second in the bench file."""


def write_stream(path: Path, count: int) -> None:
    with path.open("w") as out:
        for number, (event, _label) in enumerate(simulate(seed=7, events=count)):
            moment = START + timedelta(seconds=number / RECORDED_RATE)
            event["timestamp"] = moment.isoformat().replace("+00:00", "Z")
            out.write(json.dumps(event) + "\n")


def settings_for(path: Path, speed: float) -> Settings:
    return Settings(source=str(path), speed=speed, dnsbl=False)


def headless_rate(path: Path, count: int) -> float:
    """The headless run takes SIGTERM for itself; it is given back after."""
    on_terminate = signal.getsignal(signal.SIGTERM)
    started = time.perf_counter()
    run_headless(settings_for(path, 0), out=io.StringIO(), err=io.StringIO())
    elapsed = time.perf_counter() - started
    signal.signal(signal.SIGTERM, on_terminate)
    return count / elapsed


async def app_rate(path: Path, count: int) -> float:
    app = PuptectApp(settings_for(path, 0))
    async with app.run_test(size=(160, 50)):
        started = time.perf_counter()
        while not app.finished:
            await asyncio.sleep(0.01)
        return count / (time.perf_counter() - started)


KEYS = (
    ("space", " ", lambda app: app.header.state.paused),
    ("space", " ", lambda app: not app.header.state.paused),
    ("a", "a", lambda app: not app.alerts_only and not app._table_stale),
    ("a", "a", lambda app: app.alerts_only and not app._table_stale),
    ("s", "s", lambda app: not app.stats_pane.display),
    ("s", "s", lambda app: app.stats_pane.display),
)


class FedMonitor:
    """Hands over events scored beforehand at a fixed rate, in 10 ms batches."""

    def __init__(self, events: list[Event], rate: float, listener) -> None:
        self.events, self.rate, self.listener = events, rate, listener
        self.speed = 1.0
        self.counts = Counts()
        self.dnsbl_health = None
        self.stopping = threading.Event()

    def run(self) -> Summary:
        started = time.perf_counter()
        for index, event in enumerate(self.events):
            if self.stopping.is_set():
                break
            due = started + index / self.rate
            if due > time.perf_counter() + 0.01:
                time.sleep(due - time.perf_counter())
            self.counts.events += 1
            self.listener.on_event(event)
        return Summary(self.counts.events, 0, 0)

    def stop(self) -> None:
        self.stopping.set()


def scored_events(path: Path) -> list[Event]:
    pipeline = Pipeline(settings_for(path, 0))
    parser = EventParser()
    scored = []
    with path.open("rb") as lines:
        for number, data in enumerate(lines, start=1):
            event = parser.parse(Line(number, data, 0.0))
            if isinstance(event, Event):
                pipeline.process(event)
                scored.append(event)
    return scored


async def key_latency(app: PuptectApp) -> tuple[dict[str, list[float]], float]:
    """Milliseconds from each key press to its effect, and the rate kept."""
    latencies: dict[str, list[float]] = {}
    async with app.run_test(size=(160, 50)):
        await asyncio.sleep(1.0)  # let the stream reach its pace
        first, started = app.stats.events, time.perf_counter()
        for _ in range(3):
            for key, character, done in KEYS:
                pressed = time.perf_counter()
                app.post_message(events.Key(key, character))
                while not done(app):
                    if time.perf_counter() - pressed > 5 or not app.is_running:
                        raise RuntimeError(f"{key!r} had no effect: {app._exception}")
                    await asyncio.sleep(0.001)
                elapsed = (time.perf_counter() - pressed) * 1000
                latencies.setdefault(key, []).append(elapsed)
                await asyncio.sleep(0.2)
        kept = (app.stats.events - first) / (time.perf_counter() - started)
        app.monitor.stop()
    return latencies, kept


def report(title: str, latencies: dict[str, list[float]], kept: float) -> None:
    every = [ms for values in latencies.values() for ms in values]
    print(
        f"{title} ({kept:,.0f}/s kept): key to screen median "
        f"{statistics.median(every):.0f} ms, worst {max(every):.0f} ms "
        f"over {len(every)} presses (goal: under 150 ms)"
    )
    for key, values in latencies.items():
        print(
            f"    {key:6} median {statistics.median(values):4.0f} ms, "
            f"worst {max(values):4.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=5000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stream.jsonl"
        write_stream(path, args.events)
        print(f"stream: {args.events:,} simulated logins, dnsbl off")

        print(f"headless --speed 0: {headless_rate(path, args.events):,.0f} events/s")
        rate = asyncio.run(app_rate(path, args.events))
        print(f"app --speed 0:      {rate:,.0f} events/s shown")

        monitor_app = PuptectApp(settings_for(path, args.rate / RECORDED_RATE))
        latencies, kept = asyncio.run(key_latency(monitor_app))
        report(f"real monitor, {args.rate:,.0f}/s offered", latencies, kept)

        scored = scored_events(path)
        fed_app = PuptectApp(
            settings_for(path, 0),
            monitor_factory=lambda _settings, listener: FedMonitor(
                scored, args.rate, listener
            ),
        )
        latencies, kept = asyncio.run(key_latency(fed_app))
        report(f"scored events fed at {args.rate:,.0f}/s", latencies, kept)


if __name__ == "__main__":
    main()
