"""How reasons put numbers, names and agents into words an analyst can act on."""

from __future__ import annotations

from collections.abc import Iterable

from puptect_tui.events import escape_control


def duration(seconds: float) -> str:
    """``40 s``, ``4 min``, ``2.5 h``: the unit a person would say.

    A span can come out below zero when a log's lines are out of time order;
    it is said as no time at all rather than as ``-0 s``.
    """
    seconds = max(seconds, 0.0)
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def names(values: Iterable[object], most: int) -> str:
    """The first ``most`` values, then how many more there are.

    With no values at all it says so, so that "(before: ...)" never reads empty.
    """
    shown: list[str] = []
    left = 0
    for value in values:
        if len(shown) < most:
            shown.append(escape_control(str(value)))
        else:
            left += 1
    if not shown:
        return "none known"
    text = ", ".join(shown)
    return f"{text} and {left} more" if left else text


def quoted(agent: str, width: int = 40) -> str:
    """An agent in quotes, cut to ``width`` and with control characters shown."""
    text = escape_control(agent)
    if len(text) > width:
        text = text[: width - 3] + "..."
    return f"'{text}'"
