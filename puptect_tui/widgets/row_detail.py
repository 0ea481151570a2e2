"""Two lines under the table telling the selected row in full.

At 80 columns the table has no room for the score or the agent, and the
reasons are cut after twenty characters; here they are whole (as far as
the screen is wide), and `r` switches the agent between its family and the
string as sent.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text

from puptect_tui.events import Event
from puptect_tui.widgets.alerts_table import (
    agent_words,
    listed_text,
    reasons_words,
    severity_text,
)
from puptect_tui.widgets.painted import Painted
from puptect_tui.widgets.safe_text import safe_text

NOTHING = Text(" no row selected", style="dim")


def detail_text(event: Event, raw: bool) -> Text:
    """Severity, score, agent, lists and time; then every reason in words.

    The first line is cut at the screen's edge, so what an analyst needs
    first comes first and the time, which the table shows too, comes last.
    """
    when = datetime.fromtimestamp(event.time, UTC).strftime("%Y-%m-%d %H:%M:%S")
    reputation = event.reputation
    if reputation is not None and reputation.listed:
        lists = Text(", ".join(reputation.listed_by), style="bold red")
    else:
        lists = listed_text(event)
    facts = Text.assemble(
        severity_text(event.verdict.severity),
        (f" score {event.verdict.score}  ", "bold"),
        safe_text(agent_words(event, raw), "bold"),
        ("  lists ", "dim"),
        lists,
        (f"  {when}  line {event.line}", "dim"),
    )
    if event.verdict.reasons:
        why = safe_text(reasons_words(event))
    else:
        why = Text("no rule fired", style="dim")
    return Text("\n").join([facts, why])


class RowDetail(Painted):
    """Repainted only when the selection, its verdict or the agent view changes."""

    def __init__(self, **options) -> None:
        super().__init__(NOTHING, **options)
        self._shown: tuple[int, ...] = ()

    def show(self, event: Event | None, raw: bool) -> None:
        if event is None:
            key: tuple[int, ...] = ()
        else:
            key = (id(event), id(event.verdict), id(event.reputation), raw)
        if key != self._shown:
            self._shown = key
            self.paint(NOTHING if event is None else detail_text(event, raw))
