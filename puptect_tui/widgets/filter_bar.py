"""The filter line opened with `/`: type terms, enter applies, escape clears."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

PLACEHOLDER = "user:henry ip:10.0.0.0/8 status:401 rule:spray sev:high or any text"


class FilterBar(Input):
    """An input that says when the analyst gives up on a filter."""

    BINDINGS = [Binding("escape", "clear_filter", "Clear filter")]

    @dataclass
    class Cleared(Message):
        """Escape in the bar: no filter, and back to the table."""

    def __init__(self, **options) -> None:
        super().__init__(placeholder=PLACEHOLDER, **options)
        self.cursor_blink = False

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.Cleared())
