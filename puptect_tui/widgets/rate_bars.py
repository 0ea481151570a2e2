"""Bars of events per second over the last minute, drawn from zero up.

Textual's sparkline scales from the series' least value to its greatest: a
quiet minute of ones and zeros filled the bar, a series of one second drew
a full block, and zero failures a second looked like the worst minute of
the day. Here the bottom is always zero, a quiet second is a dim baseline,
and the minute is always the width, filled from the right as it begins.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style

from puptect_tui.stats import RATE_SECONDS

BARS = "▁▂▃▄▅▆▇█"
QUIET = Style(dim=True)


def bar_levels(values: list[int], width: int, seconds: int = RATE_SECONDS) -> list[int]:
    """One level (0 quiet, 1 to 8 a bar) per column; the newest second right."""
    padded = [0] * max(0, seconds - len(values)) + values[-seconds:]
    top = max(padded, default=0)
    levels = []
    for column in range(width):
        start = column * len(padded) // width
        end = max(start + 1, (column + 1) * len(padded) // width)
        value = max(padded[start:end])
        levels.append(ceil(value * len(BARS) / top) if value else 0)
    return levels


@dataclass(frozen=True)
class RateBars:
    """A renderable as wide as it is given; ``style`` colours the busy seconds."""

    values: list[int]
    style: Style

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> RenderResult:
        for level in bar_levels(self.values, options.max_width):
            if level:
                yield Segment(BARS[level - 1], self.style)
            else:
                yield Segment(BARS[0], QUIET)
