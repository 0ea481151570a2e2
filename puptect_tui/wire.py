"""What compiled modules cannot declare for themselves, as plain Python.

:mod:`puptect_tui.events` is compiled with mypyc, which builds its classes
without their class keywords: ``class Line(msgspec.Struct, gc=False)`` there
would quietly become a struct the garbage collector tracks, and the alert line
would write ``null`` for absent enrichment instead of leaving it out. Struct
options are inherited, so the bases here carry them. The line decoder lives
here too: its ``@timestamp`` field is declared with ``msgspec.field``, which
compiled code cannot hold in a typed attribute; and so does the sources'
error, an ``OSError`` subclass, which mypyc cannot compile.
"""

from __future__ import annotations

import msgspec


class Untracked(msgspec.Struct, gc=False):
    """Base of structs made for every line, which never refer back to
    themselves: a million of them cost the garbage collector nothing."""


class OmittingDefaults(msgspec.Struct, omit_defaults=True):
    """Base of the alert line: a field left at its default is not written."""


class Wire(msgspec.Struct):
    """Every field name a line may use, decoded and type-checked in one pass."""

    timestamp: str | int | float | None = None
    ts: str | int | float | None = None
    time: str | int | float | None = None
    at_timestamp: str | int | float | None = msgspec.field(
        default=None, name="@timestamp"
    )
    userid: str | None = None
    user: str | None = None
    username: str | None = None
    ip: str | None = None
    src_ip: str | None = None
    client_ip: str | None = None
    source_ip: str | None = None
    useragent: str | None = None
    user_agent: str | None = None
    ua: str | None = None
    event_type: str | None = None
    status_code: int | str | None = None
    outcome: str | bool | None = None
    success: bool | str | None = None


wire_decoder = msgspec.json.Decoder(Wire)
any_decoder = msgspec.json.Decoder()
"""For lines read through a ``--field-map``, whose fields may be anywhere."""


class SourceError(OSError):
    """The source cannot be read at all; the message is one line for the CLI.

    An :class:`OSError`, so a caller that already reports operating system
    errors in one line reports this one too.
    """
