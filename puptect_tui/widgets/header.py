"""The two header lines: where the stream comes from and how it is going."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from puptect_tui.widgets.painted import Painted
from puptect_tui.widgets.safe_text import visible


@dataclass(frozen=True, slots=True)
class HeaderState:
    """Everything the header shows, so a refresh is skipped when nothing moved."""

    source: str
    speed: float
    paused: bool = False
    finished: bool = False
    waiting: int = 0
    """Events that arrived while paused, shown again on resume."""
    events: int = 0
    alerts: int = 0
    rejected: int = 0
    dnsbl: str = "dnsbl off"
    view: str = "alerts only"
    filter: str = ""
    failure: str = ""


def speed_words(speed: float) -> str:
    return "max speed" if speed == 0 else f"×{speed:g}"


def replay_state(state: HeaderState) -> Text:
    if state.failure:
        return Text(" ✖ stopped ", style="bold white on red")
    if state.paused:
        return Text(f" ❚❚ PAUSED +{state.waiting:,} ", style="bold black on yellow")
    if state.finished:
        return Text(" ■ finished ", style="bold black on grey70")
    return Text(f" ▶ live {speed_words(state.speed)} ", style="bold black on green")


class StreamHeader(Painted):
    """Source, replay state, counts and DNSBL health, redrawn at most per tick."""

    def __init__(self, state: HeaderState, **options) -> None:
        super().__init__(**options)
        self.state = state
        self.paint(self._render_state())

    def show(self, state: HeaderState) -> None:
        if state != self.state:
            self.state = state
            self.paint(self._render_state())

    def _render_state(self) -> Text:
        """What the analyst steers (state, view, filter) first, then the counts.

        Each line is cut, never wrapped, at a narrow screen; the source is
        cut first, as it is the one thing that never changes while running.
        """
        state = self.state
        top = Text.assemble(
            ("puptect ", "bold"),
            replay_state(state),
            " ",
            (state.view, "bold"),
            no_wrap=True,
            overflow="ellipsis",
        )
        if state.filter:
            top.append("  filter ", style="dim")
            top.append(visible(state.filter), style="bold cyan")
        top.append("  ")
        top.append(visible(state.source), style="italic")
        counts = Text.assemble(
            ("events ", "dim"),
            (f"{state.events:,}", "bold"),
            ("  alerts ", "dim"),
            (f"{state.alerts:,}", "bold red" if state.alerts else "bold"),
            ("  rejected ", "dim"),
            (f"{state.rejected:,}", "bold yellow" if state.rejected else "bold"),
            "  ",
            (state.dnsbl, "dim"),
            no_wrap=True,
            overflow="ellipsis",
        )
        if state.failure:
            counts = Text(visible(state.failure), style="bold red")
        return Text("\n").join([top, counts])
