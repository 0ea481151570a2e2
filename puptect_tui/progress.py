"""A one-line running count on the terminal while headless output goes elsewhere.

A million-line export takes tens of seconds to score; with standard output sent
to a file or a pipe, the person who started it sees nothing until the summary.
When standard error is a terminal and standard output is not, a line there
says how far the run has come, rewritten in place and wiped at the end.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

INTERVAL = 0.5
"""Seconds between two rewrites of the line."""

CLEAR_LINE = "\r\x1b[K"
"""Back to the start of the line and wipe it: the line is ours, not the stream's."""


class Counted(Protocol):
    events: int
    alerts: int
    rejected: int


class Progress:
    """Rewrites one status line on ``err`` from the monitor's running counts."""

    def __init__(self, counts: Counted, err: TextIO, interval: float = INTERVAL):
        self.counts = counts
        self.err = err
        self.interval = interval
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="puptect-progress", daemon=True
        )

    def line(self) -> str:
        """``412,000 events · 38,001 alerts · 2 rejected · 45,100/s · 9 s``."""
        counts = self.counts
        seconds = max(time.monotonic() - self.started, 1e-9)
        return (
            f"{counts.events:,} events · {counts.alerts:,} alerts · "
            f"{counts.rejected:,} rejected · {counts.events / seconds:,.0f}/s · "
            f"{seconds:.0f} s"
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop rewriting and wipe the line, so the summary starts on a clean one."""
        self._stop.set()
        self._thread.join()
        self._write(CLEAR_LINE)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._write(CLEAR_LINE + self.line())

    def _write(self, text: str) -> None:
        try:
            self.err.write(text)
            self.err.flush()
        except (OSError, ValueError):  # the terminal went away; the run goes on
            self._stop.set()


@contextmanager
def shown_on_terminal(
    counts: Counted, out: TextIO, err: TextIO, interval: float = INTERVAL
) -> Iterator[Progress | None]:
    """Show progress on ``err`` only where a person watches it and output is not.

    Output on the same terminal would be torn by the rewritten line, and a
    log file or pipe on standard error wants no carriage returns.
    """
    if not _is_terminal(err) or _is_terminal(out):
        yield None
        return
    progress = Progress(counts, err, interval)
    progress.start()
    try:
        yield progress
    finally:
        progress.stop()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
