"""The help screen (`?` or F1): every key and the filter language on one page."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("space", "pause or resume; events keep arriving and none is lost"),
    ("/", "filter (terms below); enter applies it"),
    ("escape", "close the user panel, or clear the filter"),
    ("enter", "open the selected row's user in the panel"),
    ("u", "filter to the selected row's user"),
    ("a", "alerts only, or every event"),
    ("s", "show or hide the statistics"),
    ("r", "agents as sent, or their parsed family"),
    ("+ / -", "replay faster or slower"),
    ("? / F1", "this help"),
    ("q", "quit"),
)

TERMS = (
    ("user:henry", "one user, any case; user:adm* is a pattern"),
    ("ip:61.91.63.122", "one address; ip:10.0.0.0/8 a network"),
    ("status:401", "a code; status:4xx a class; status:fail or success"),
    ("rule:spray", "any rule whose id contains the word"),
    ("sev:high", "this severity or worse"),
    ("country:RU", "the address's country"),
    ("mozilla", "any other word: user, address, agent, reasons"),
    ("-status:200", "a leading minus turns a term around"),
    ('"two words"', "quotes keep spaces in one term"),
)


def _two_columns(title: str, rows: tuple[tuple[str, str], ...]) -> Table:
    table = Table(title=title, title_justify="left", box=None, show_header=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, words in rows:
        table.add_row(Text(key), Text(words))
    return table


class HelpScreen(ModalScreen[None]):
    """A page over the monitor; the stream goes on underneath."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(_two_columns("Keys", KEYS))
            yield Static(_two_columns("Filter terms (all must hold)", TERMS))

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "puptect help"
