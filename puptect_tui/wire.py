"""The fields a login line may use, as msgspec decodes them.

Kept apart from :mod:`puptect_tui.events`, which is compiled: a struct field
whose JSON name differs from its Python name (``@timestamp``) is declared with
``msgspec.field``, which compiled code cannot assign to a typed attribute.
"""

from __future__ import annotations

import msgspec


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
