"""Stream text made safe to draw: literal, with nothing a terminal acts on.

Users, agents and TXT records come from whoever sent the login. Handed to a
widget as a string they are read as markup (``[/]`` crashes a table at draw
time), and control characters pass to the terminal even inside a Rich
``Text``. Every cell built from stream data goes through here.
"""

from __future__ import annotations

from rich.text import Text

from puptect_tui.events import escape_control

_C1 = {code: f"\\x{code:02x}" for code in range(0x80, 0xA0)}
"""C1 controls: 0x9b alone starts an escape sequence on some terminals."""

_INVISIBLE = {
    code: f"\\u{code:04x}"
    for code in (
        0x00AD,  # soft hyphen
        *range(0x200B, 0x2010),  # zero-width spaces and joiners, LRM, RLM
        *range(0x2028, 0x202F),  # line/paragraph separators, bidi embeddings
        *range(0x2060, 0x2070),  # word joiner, invisible operators, bidi isolates
        0xFEFF,  # zero-width no-break space
    )
}
"""Characters that hide or reorder text: a spoofed name must look spoofed."""

_TABLE = {**_C1, **_INVISIBLE}


def visible(text: str) -> str:
    """The text with every control and invisible character written as an escape."""
    return escape_control(text).translate(_TABLE)


def safe_text(text: str, style: str = "") -> Text:
    """A Rich ``Text`` that shows ``text`` literally, never as markup."""
    return Text(visible(text), style=style, no_wrap=True, end="")
