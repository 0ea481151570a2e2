"""The login event, and turning one line of JSON into one.

A line becomes either an :class:`Event` or a :class:`Rejected` that says why,
never an exception: a monitor that stops on a bad line is blind to the rest.
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

import msgspec

from puptect_tui.addresses import address_text, read_address
from puptect_tui.detect.verdict import NOTHING_FOUND, SEVERITY_LABELS, Verdict
from puptect_tui.wire import (
    OmittingDefaults,
    Untracked,
    Wire,
    any_decoder,
    wire_decoder,
)

if TYPE_CHECKING:
    from puptect_tui.enrich.agent import Agent
    from puptect_tui.enrich.geo import Place
    from puptect_tui.enrich.reputation import Reputation

MAX_LINE_BYTES: Final = 64 * 1024
"""Longer lines are rejected unread, so one runaway line cannot eat the memory."""

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "timestamp": ("timestamp", "ts", "time", "@timestamp"),
    "userid": ("userid", "user", "username"),
    "ip": ("ip", "src_ip", "client_ip", "source_ip"),
    "useragent": ("useragent", "user_agent", "ua"),
    "event_type": ("event_type",),
    "status_code": ("status_code",),
    "outcome": ("outcome",),
    "success": ("success",),
}
"""Where each field of an event may be found in a line, first match wins."""

SUCCESS_WORDS: Final = frozenset(
    {"success", "succeeded", "ok", "allow", "allowed", "true"}
)
FAILURE_WORDS: Final = frozenset(
    {"failure", "failed", "fail", "deny", "denied", "false", "rejected"}
)
FAILURE_CODES: Final = frozenset({401, 403})


class EnrichmentJson:
    """Turns an event's reputation, agent and place into JSON for its alert.

    This one makes the JSON afresh; a writer may subclass it to reuse what it
    encoded for earlier events. A class rather than a function: compiled, the
    call is then a direct one.
    """

    def of(self, part: Any) -> Any:
        return part.as_json()


_FRESH_JSON: Final = EnrichmentJson()

_intern: Final = sys.intern
"""Read once: compiled code would look ``intern`` up in the module each call."""


class Event:
    """One login, with what enrichment and detection add to it later.

    A plain class, compiled: every step reads and sets its fields, and the
    compiled build reaches them at fixed offsets, where a msgspec struct took
    a dictionary lookup in its type for each. Slots keep the plain-Python
    build as small.
    """

    __slots__ = (
        "address",
        "agent",
        "event_type",
        "ip",
        "line",
        "place",
        "reputation",
        "status_code",
        "success",
        "time",
        "useragent",
        "userid",
        "verdict",
    )

    def __init__(
        self,
        line: int,
        time: float,
        userid: str,
        ip: str,
        address: Address,
        useragent: str = "",
        event_type: str = "login",
        status_code: int | None = None,
        success: bool | None = None,
        reputation: Reputation | None = None,
        agent: Agent | None = None,
        place: Place | None = None,
        verdict: Verdict = NOTHING_FOUND,
    ) -> None:
        self.line = line
        """1-based line number in the source, kept from reading to output."""
        self.time = time
        """Seconds since the epoch, UTC."""
        self.userid = userid
        self.ip = ip
        """The address in canonical text form (IPv4-mapped IPv6 becomes IPv4)."""
        self.address = address
        self.useragent = useragent
        self.event_type = event_type
        self.status_code = status_code
        self.success = success
        """True for a success, False for a failure, None when the line says neither."""
        self.reputation = reputation
        self.agent = agent
        self.place = place
        self.verdict = verdict

    def __repr__(self) -> str:
        return f"Event(line={self.line}, userid={self.userid!r}, ip={self.ip!r})"

    @property
    def failed(self) -> bool:
        return self.success is False

    @property
    def timestamp(self) -> str:
        """ISO 8601 in UTC with milliseconds, the form the alert format uses.

        Lines usually give their time in just that form: the parser keeps the
        text of the latest ones, so most events are written without formatting.
        """
        written = _written_times.get(self.time)
        if written is not None:
            return written
        second = int(self.time // 1)
        millis = round((self.time - second) * 1000)
        if millis == 1000:
            second, millis = second + 1, 0
        hour, within = divmod(second, 3600)
        return _iso_hour(hour) + _CLOCK_FACE[within] + _MILLIS[millis]

    def as_json(self) -> dict[str, Any]:
        """The alert object of the JSONL output format, as plain data."""
        return msgspec.to_builtins(self.alert())

    def alert(self, parts: EnrichmentJson = _FRESH_JSON) -> Alert:
        """The alert object of the JSONL output format, ready to encode."""
        verdict = self.verdict
        reasons = verdict.reasons
        reputation, agent, place = self.reputation, self.agent, self.place
        return Alert(
            self.line,
            self.timestamp,
            self.userid,
            self.ip,
            self.event_type,
            self.status_code,
            self.success,
            self.useragent,
            SEVERITY_LABELS[verdict.severity],
            verdict.score,
            [reason.as_json() for reason in reasons] if reasons else [],
            None if reputation is None else parts.of(reputation),
            None if agent is None else parts.of(agent),
            None if place is None else parts.of(place),
        )


class Alert(OmittingDefaults):
    """The fields of one JSONL alert line, in their order.

    A struct encodes in half the time of the same dict; enrichment an event
    lacks is left out of the line rather than written as null.
    """

    line: int
    timestamp: str
    userid: str
    ip: str
    event_type: str
    status_code: int | None
    success: bool | None
    useragent: str
    severity: str
    score: int
    reasons: list[dict[str, Any]]
    reputation: Any = None
    agent: Any = None
    place: Any = None


_CLOCK_FACE: Final = tuple(
    f"{minute:02d}:{second:02d}" for minute in range(60) for second in range(60)
)
"""``MM:SS`` of every second in an hour, so a timestamp is three lookups."""
_MILLIS: Final = tuple(f".{millis:03d}Z" for millis in range(1000))
_SECONDS_INTO_HOUR: Final = {face: second for second, face in enumerate(_CLOCK_FACE)}
"""``MM:SS`` to seconds: one lookup reads and checks both (only 00:00 to 59:59)."""
_MILLIS_OF: Final = {f"{millis:03d}": millis for millis in range(1000)}


@lru_cache(maxsize=4096)
def _iso_hour(hour: int) -> str:
    """Formatting a time costs microseconds; a stream of a few logins a minute
    still repeats its hours, so only ``YYYY-MM-DDTHH:`` is cached."""
    moment = datetime.fromtimestamp(hour * 3600, UTC)
    return moment.strftime("%Y-%m-%dT%H:")


@dataclass(slots=True, frozen=True)
class Rejected:
    """A line that could not become an event, and why."""

    line: int
    reason: str
    excerpt: str = ""
    """The start of the line, escaped, so the analyst can find and fix it."""


class Line(Untracked):
    """One line as a source read it; ``oversized`` lines carry only their start.

    Built for every line read, so a msgspec struct: a third of a dataclass's cost.
    """

    number: int
    data: bytes
    read_at: float
    oversized: bool = False


class BadLineError(ValueError):
    """Raised inside the parser; becomes a :class:`Rejected` at its edge."""


def parse_field_map(specs: list[str]) -> dict[str, tuple[str, ...]]:
    """Turn ``--map FIELD=PATH`` options into dotted paths per field.

    A mapped field is looked up at its path first and then under its usual
    names, so a map never hides a line that already uses a standard name.
    """
    mapping: dict[str, tuple[str, ...]] = {}
    for spec in specs:
        name, sep, path = spec.partition("=")
        name, path = name.strip(), path.strip()
        if not sep or not path:
            raise ValueError(f"--map expects FIELD=PATH, got {spec!r}")
        if name not in ALIASES:
            known = ", ".join(ALIASES)
            raise ValueError(f"--map: unknown field {name!r} (one of {known})")
        mapping[name] = (*mapping.get(name, ()), path)
    return mapping


class EventParser:
    """Parses lines into events, with an optional ``--map`` of field paths."""

    def __init__(self, field_map: Mapping[str, tuple[str, ...]] | None = None):
        self.paths = {
            name: (*(field_map or {}).get(name, ()), *aliases)
            for name, aliases in ALIASES.items()
        }
        self._mapped = bool(field_map)

    def parse(self, line: Line) -> Event | Rejected:
        """One line in, one event or one rejection out; never raises."""
        if line.oversized:
            return _rejected(line, f"line longer than {MAX_LINE_BYTES // 1024} KiB")
        try:
            if not self._mapped:
                return _build_from_wire(line, wire_decoder.decode(line.data))
            return _build(line, self._mapped_values(line.data))
        except (BadLineError, msgspec.DecodeError) as error:
            return _rejected(line, _describe(error, line.data))

    def _mapped_values(self, data: bytes) -> dict[str, Any]:
        document = any_decoder.decode(data)
        if not isinstance(document, dict):
            raise BadLineError(f"expected a JSON object, got {type(document).__name__}")
        return {
            name: _first(_lookup(document, path) for path in paths)
            for name, paths in self.paths.items()
        }


def _build_from_wire(line: Line, wire: Wire) -> Event:
    """The fields of ``ALIASES`` from a decoded struct, spelled out for speed:
    the usual names are tried first and the aliases only when those are absent.
    """
    timestamp = wire.timestamp
    if timestamp is None:
        timestamp = _pick(wire.ts, wire.time, wire.at_timestamp)
    userid = wire.userid
    if userid is None:
        userid = _pick(wire.user, wire.username)
    ip = wire.ip
    if ip is None:
        ip = _pick(wire.src_ip, wire.client_ip, wire.source_ip)
    useragent = wire.useragent
    if useragent is None:
        useragent = _pick(wire.user_agent, wire.ua)

    return _make_event(
        line,
        timestamp,
        userid,
        ip,
        useragent,
        wire.event_type,
        wire.status_code,
        wire.outcome,
        wire.success,
    )


def _pick(*values: Any) -> Any:
    for value in values:
        if value is not None:
            return value
    return None


def _first(values) -> Any:
    for value in values:
        if value is not None:
            return value
    return None


def _lookup(document: dict, path: str) -> Any:
    """Follow a dotted path; a key that itself holds a dot is tried whole first."""
    if path in document:
        return document[path]
    node: Any = document
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _build(line: Line, values: dict[str, Any]) -> Event:
    return _make_event(
        line,
        values["timestamp"],
        _text(values["userid"], "userid"),
        _text(values["ip"], "ip"),
        _text(values["useragent"], "useragent"),
        _text(values["event_type"], "event_type"),
        values["status_code"],
        values["outcome"],
        values["success"],
    )


def _make_event(
    line: Line,
    timestamp: Any,
    userid: str | None,
    ip_text: str | None,
    useragent: str | None,
    event_type: str | None,
    status_code: Any,
    outcome: Any,
    success: Any,
) -> Event:
    """Check what a line says and make the event; the wire types are known."""
    if not userid:
        raise BadLineError("no user (userid, user or username)")

    if not ip_text:
        raise BadLineError("no address (ip, src_ip, client_ip or source_ip)")
    known = _read_addresses.get(ip_text)
    if known is None:
        known = _address_and_text(ip_text)
    address, ip = known

    if type(status_code) is not int:
        status_code = _status_code(status_code)
    elif not 100 <= status_code <= 599:
        raise BadLineError(f"status_code out of range: {status_code!r}")
    if type(timestamp) is str:
        time = _iso_time(timestamp)
    else:
        time = _event_time(timestamp, line.read_at)

    # Users, agents and event types repeat from line to line: one shared copy
    # each keeps the events held in baselines small, and makes every later
    # dictionary step on them an identity check. Unused copies are freed.
    return Event(
        line.number,
        time,
        _intern(userid),
        ip,
        address,
        _intern(useragent) if useragent else "",
        _intern(event_type) if event_type else "login",
        status_code,
        _STATUS_OUTCOMES[status_code]
        if outcome is None and success is None
        else _outcome(status_code, outcome, success),
    )


def _text(value: Any, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise BadLineError(f"{name} must be a string, got {type(value).__name__}")


_known_addresses: Final[dict[str, Address]] = {}
_read_addresses: Final[dict[str, tuple[Address, str]]] = {}
"""Address text as lines wrote it, to the address and its canonical text."""
_KNOWN_ADDRESSES_MAX = 65536


def _address_and_text(text: str) -> tuple[Address, str]:
    """Read an address once per distinct text; the canonical text is shared.

    An IPv4 address read from unpadded text is already in canonical form
    (leading zeros are refused), which spares formatting it again.
    """
    address = parse_address(text)
    if type(address) is ipaddress.IPv4Address and ":" not in text:
        canonical = text.strip()
    else:
        canonical = address_text(address)
    canonical = _canonical_text.setdefault(canonical, canonical)
    if len(_read_addresses) >= _KNOWN_ADDRESSES_MAX:
        _read_addresses.clear()
        _canonical_text.clear()
    known = _read_addresses[text] = (address, canonical)
    return known


_canonical_text: Final[dict[str, str]] = {}
"""One string object per canonical address, whatever text led to it."""


def parse_address(text: str) -> Address:
    """Read an IPv4 or IPv6 address; IPv4-mapped IPv6 is folded to IPv4.

    Streams repeat addresses, and parsing one costs microseconds, so recent
    answers are kept (the table is emptied when full, to stay bounded).
    """
    known = _known_addresses.get(text)
    if known is not None:
        return known
    address = _read_address(text)
    if len(_known_addresses) >= _KNOWN_ADDRESSES_MAX:
        _known_addresses.clear()
    _known_addresses[text] = address
    return address


def _read_address(text: str) -> Address:
    try:
        address = read_address(text.strip())
    except ValueError:
        raise BadLineError(f"invalid address {text[:60]!r}") from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def parse_time(value: str | int | float) -> float:
    """Epoch seconds from ISO 8601 text or epoch seconds or milliseconds.

    Naive times are UTC. Numbers above 10^11 are taken as milliseconds: as
    seconds they would lie past the year 5000.
    """
    if isinstance(value, bool):
        raise BadLineError("timestamp must be a time, got a boolean")
    if isinstance(value, str):
        text = value.strip()
        if text.replace(".", "", 1).isdigit():
            return parse_time(float(text))
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise BadLineError(f"unreadable timestamp {value[:40]!r}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    seconds = float(value)
    if seconds > 1e11:
        seconds /= 1000.0
    if not 0 <= seconds < 253402300800:  # before year 10000
        raise BadLineError(f"timestamp out of range: {value!r}")
    return seconds


_hour_starts: Final[dict[str, tuple[int, bool]]] = {}
"""Epoch milliseconds of ``YYYY-MM-DDTHH`` prefixes already read, and whether the
prefix is written as :attr:`Event.timestamp` writes it."""
_KNOWN_HOURS_MAX: Final = 65536

_written_times: Final[dict[float, str]] = {}
"""Times of the latest lines to their text, kept only where that text is what
:attr:`Event.timestamp` would write: the same time always gives the same text."""
_WRITTEN_TIMES_MAX: Final = 8192
"""Enough for the events a writer holds back for DNS answers; older ones are
formatted again, to the same text."""


def _iso_time(text: str) -> float:
    """``parse_time`` for text, with a quick path for ``...T12:02:49.140Z``.

    ``datetime.fromisoformat`` costs microseconds per line; a stream repeats
    its hours, so the hour is read once and minutes, seconds and milliseconds
    are added as whole milliseconds, which gives the same float as the full
    parse. Anything else goes the full way.

    The sum stays an integer below 2**53 until the one division: compiled,
    that is machine arithmetic, where a product of the epoch second by a
    million would overflow into Python's big integers.
    """
    if (
        len(text) == 24
        and text[23] == "Z"
        and text[19] == "."
        and text[13] == ":"
        and text[7] == "-"
        and text[4] == "-"
    ):
        within = _SECONDS_INTO_HOUR.get(text[14:19])
        millis = _MILLIS_OF.get(text[20:23])
        if within is not None and millis is not None:
            hour = _hour_starts.get(text[:13])
            if hour is None:
                hour = _hour_start(text[:13])
            if hour is not None:
                start_millis, as_written = hour
                time = (start_millis + within * 1000 + millis) / 1000
                if as_written:
                    _remember_text(time, text)
                return time
    return parse_time(text)


def _remember_text(time: float, text: str) -> None:
    if len(_written_times) >= _WRITTEN_TIMES_MAX:
        _written_times.clear()
    _written_times[time] = text


def _hour_start(prefix: str) -> tuple[int, bool] | None:
    """Epoch milliseconds of an hour and whether the prefix is written the way
    the alert format writes it (a ``T``, a four-digit year); None when the full
    parse should judge it, as for digits other than ASCII ones."""
    if not prefix.isascii():
        return None
    try:
        moment = datetime.fromisoformat(prefix)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        return None
    start = int(moment.replace(tzinfo=UTC).timestamp())
    if len(_hour_starts) >= _KNOWN_HOURS_MAX:
        _hour_starts.clear()
    written = _iso_hour(start // 3600) == prefix + ":"
    hour = _hour_starts[prefix] = (start * 1000, written)
    return hour


def _event_time(value: str | int | float | None, read_at: float) -> float:
    """A line without a time takes the moment it was read, as the seed's did."""
    if value is None:
        return read_at
    return parse_time(value)


def _status_code(value: int | str | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadLineError("status_code must be a number, got a boolean")
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise BadLineError(f"status_code is not a number: {value[:20]!r}")
        value = int(value)
    if not isinstance(value, int) or not 100 <= value <= 599:
        raise BadLineError(f"status_code out of range: {value!r}")
    return value


def _outcome(
    status_code: int | None, outcome: str | bool | None, success: bool | str | None
) -> bool | None:
    """An explicit outcome wins over the status code; unknown stays ``None``."""
    for flag in (outcome, success):
        if isinstance(flag, bool):
            return flag
        if isinstance(flag, str):
            word = flag.strip().lower()
            if word in SUCCESS_WORDS:
                return True
            if word in FAILURE_WORDS:
                return False
    if status_code is None:
        return None
    if 200 <= status_code < 300:
        return True
    if status_code in FAILURE_CODES:
        return False
    return None


_STATUS_OUTCOMES: Final = {
    code: _outcome(code, None, None) for code in (None, *range(100, 600))
}
"""What each status code says when a line has no outcome field of its own."""


def _describe(error: Exception, data: bytes) -> str:
    """Say what is wrong in words; msgspec's validation errors already do."""
    if isinstance(error, msgspec.ValidationError):
        return f"wrong type: {error}"
    if isinstance(error, msgspec.DecodeError):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return "not UTF-8 text (binary data?)"
        return f"not JSON: {error}"
    return str(error)


_INVISIBLE: Final = (
    *range(0x20),
    *range(0x7F, 0xA0),  # DEL and the C1 controls, which some terminals obey
    *range(0x200B, 0x2010),  # zero-width characters and direction marks
    *range(0x202A, 0x202F),  # bidirectional embeddings and overrides
    *range(0x2066, 0x206A),  # bidirectional isolates
    0xFEFF,
)
_ESCAPES: Final = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _INVISIBLE
}


def escape_control(text: str) -> str:
    """Make control and invisible characters visible as escapes.

    Stream text is written to terminals; an escape sequence, a direction
    override or a zero-width space in a user name must show, not act.

    Every character escaped is a control or format character, which Python
    deems unprintable; most text has none, and ``isprintable`` says so in a
    fraction of the time ``translate`` takes to copy it unchanged.
    """
    if text.isprintable():
        return text
    return text.translate(_ESCAPES)


def _rejected(line: Line, reason: str) -> Rejected:
    excerpt = line.data[:60].decode("utf-8", "backslashreplace")
    return Rejected(line.number, reason, escape_control(excerpt))
