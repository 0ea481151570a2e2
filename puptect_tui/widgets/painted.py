"""A widget whose content changes often but whose size never does."""

from __future__ import annotations

from rich.console import RenderableType
from textual.widget import Widget


class Painted(Widget):
    """Like ``Static``, but a new content repaints only this widget.

    ``Static.update`` asks for a new layout of the whole screen, in case the
    size changed; the header and the statistics change many times a second
    and have fixed sizes, so a repaint is all they need.
    """

    def __init__(self, content: RenderableType = "", **options) -> None:
        super().__init__(**options)
        self._content = content

    def render(self) -> RenderableType:
        return self._content

    def paint(self, content: RenderableType) -> None:
        self._content = content
        self.refresh()
