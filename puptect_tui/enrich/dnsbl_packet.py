"""DNS questions and answers as bytes, for the few record types a DNSBL needs.

Written by hand for speed and for safety: only A, TXT and SOA are read, and
an answer that does not parse is an error for the one query it answers,
never for the others in flight. Names may use compression pointers; a
pointer must lead backwards and only so many are followed, so a packet
cannot send the reader round a loop.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

QUERY_TYPES = {"A": 1, "TXT": 16, "SOA": 6}
CNAME = 5
HEADER = struct.Struct(">HHHHHH")
RECORD = struct.Struct(">HHIH")
"""Type, class, TTL and data length, after a record's owner name."""
SOA_NUMBERS = struct.Struct(">IIIII")

QUERY_FLAGS = 0x0100
"""A standard query asking for recursion (RD), as a stub resolver sends."""
ANSWER_BIT = 0x8000
TRUNCATED_BIT = 0x0200
NOERROR, SERVFAIL, NXDOMAIN, REFUSED = 0, 2, 3, 5
RCODE_REASONS = {
    SERVFAIL: "server failure (SERVFAIL)",
    REFUSED: "server refused the query (REFUSED)",
    1: "server could not read the query (FORMERR)",
    4: "server does not do this query (NOTIMP)",
}

MAX_NAME = 255
MAX_POINTERS = 32
_LENGTHS = [bytes([size]) for size in range(64)]
_QUESTION_ENDS = {
    qtype: b"\0" + struct.pack(">HH", number, 1)
    for qtype, number in QUERY_TYPES.items()
}
"""The root label, then the type and class IN, that end a question."""


class MalformedAnswerError(ValueError):
    """An answer to our question that cannot be read; the text says why."""


class ARecord(NamedTuple):
    """An IPv4 address record; ``host`` is the address as text."""

    host: str
    ttl: int


class TxtRecord(NamedTuple):
    """A TXT record; its character strings joined, as an SPF reader would."""

    text: bytes
    ttl: int


class SoaRecord(NamedTuple):
    """The parts of an SOA record a cache needs (RFC 2308)."""

    minttl: int
    ttl: int


class Answer(NamedTuple):
    """What a server said to one question."""

    rcode: int
    records: list
    """Records of the type asked, owned by the name asked (or its CNAME)."""
    negative_ttl: int | None
    """For NXDOMAIN or no data: how long that may be cached, from the SOA in
    the authority section (the lesser of its TTL and its minimum)."""
    truncated: bool


def encode_question(name: str, qtype: str) -> bytes:
    """The question section for a name and type, lower case, class IN.

    Raises ``ValueError`` for a name DNS cannot carry.
    """
    labels = name.strip(".").lower().encode("ascii").split(b".")
    sizes = list(map(len, labels))
    if not 0 < min(sizes) <= max(sizes) <= 63:
        raise ValueError(f"not a DNS name: {name!r}")

    # One question per query sent: a join over a table of length bytes
    # takes half the time of building each length byte anew.
    encoded = b"".join([_LENGTHS[len(label)] + label for label in labels])
    if len(encoded) >= MAX_NAME:
        raise ValueError(f"DNS name longer than {MAX_NAME} bytes: {name!r}")
    return encoded + _QUESTION_ENDS[qtype]


def encode_query(ident: int, question: bytes) -> bytes:
    """A whole query packet: header with the id and RD set, then the question."""
    return HEADER.pack(ident, QUERY_FLAGS, 1, 0, 0, 0) + question


def answer_id(packet: bytes) -> int | None:
    """The id of an answer packet; ``None`` if it is no answer at all."""
    if len(packet) < HEADER.size or not packet[2] & 0x80:
        return None
    return (packet[0] << 8) | packet[1]


def answers_question(packet: bytes, question: bytes) -> bool:
    """Whether the packet repeats our one question (names compared without case).

    An answer with our id but another question is someone else's (a late
    answer to an id used before, or a forgery) and must not settle ours.
    """
    end = HEADER.size + len(question)
    return (
        packet[4:6] == b"\0\1"
        and len(packet) >= end
        and packet[HEADER.size : end].lower() == question
    )


def read_answer(packet: bytes, question: bytes) -> Answer:
    """Read the records of an answer whose header and question we checked.

    Raises :class:`MalformedAnswerError` when a record runs past the end, a name
    loops, or a record's data does not fit its type.
    """
    _ident, flags, _qd, answers, authority, _additional = HEADER.unpack_from(packet)
    rcode = flags & 0x000F
    truncated = bool(flags & TRUNCATED_BIT)
    qtype = (question[-4] << 8) | question[-3]
    offset = HEADER.size + len(question)

    asked = question[:-4]
    owners = {asked}
    """The name asked, as wire labels, and any CNAME it leads to."""
    records: list = []
    for _ in range(answers):
        owner, kind, ttl, data, offset = _record(packet, offset, asked)
        if owner not in owners:
            continue
        if kind == CNAME:
            owners.add(_wire_name(packet, data[0]))
        elif kind == qtype:
            records.append(_record_data(packet, kind, ttl, data))

    negative_ttl = None
    if rcode == NXDOMAIN or (rcode == NOERROR and not records):
        for _ in range(authority):
            _owner, kind, ttl, (start, end), offset = _record(packet, offset, asked)
            if kind == QUERY_TYPES["SOA"]:
                # The minimum is the record's last four bytes; nearly every
                # answer is an NXDOMAIN, so its names are not read.
                if end - start < 2 + SOA_NUMBERS.size:
                    raise MalformedAnswerError("SOA record too short")
                minimum = int.from_bytes(packet[end - 4 : end], "big")
                negative_ttl = min(ttl, minimum, 0x7FFFFFFF)
                break
    return Answer(rcode, records, negative_ttl, truncated)


def _record(
    packet: bytes, offset: int, asked: bytes
) -> tuple[bytes, int, int, tuple[int, int], int]:
    """One resource record: owner, type, TTL, data bounds, where the next starts.

    The usual owner, a pointer to the question's name, is taken without
    reading the name again.
    """
    if packet[offset : offset + 2] == b"\xc0\x0c":
        owner, offset = asked, offset + 2
    else:
        owner, offset = _read_name(packet, offset)
    if offset + RECORD.size > len(packet):
        raise MalformedAnswerError("record header runs past the end")

    kind, _class, ttl, length = RECORD.unpack_from(packet, offset)
    start = offset + RECORD.size
    end = start + length
    if end > len(packet):
        raise MalformedAnswerError("record data runs past the end")
    return owner, kind, min(ttl, 0x7FFFFFFF), (start, end), end


def _record_data(packet: bytes, kind: int, ttl: int, data: tuple[int, int]):
    """An A, TXT or SOA record from its data."""
    start, end = data
    if kind == QUERY_TYPES["A"]:
        if end - start != 4:
            raise MalformedAnswerError("A record not 4 bytes long")
        return ARecord(".".join(map(str, packet[start:end])), ttl)

    if kind == QUERY_TYPES["TXT"]:
        strings, offset = [], start
        while offset < end:
            size = packet[offset]
            if offset + 1 + size > end:
                raise MalformedAnswerError("TXT string runs past its record")
            strings.append(packet[offset + 1 : offset + 1 + size])
            offset += 1 + size
        return TxtRecord(b"".join(strings), ttl)

    _primary, offset = _read_name(packet, start)
    _mailbox, offset = _read_name(packet, offset)
    if offset + SOA_NUMBERS.size != end:
        raise MalformedAnswerError("SOA record of the wrong length")
    minimum = SOA_NUMBERS.unpack_from(packet, offset)[4]
    return SoaRecord(min(minimum, 0x7FFFFFFF), ttl)


def _wire_name(packet: bytes, offset: int) -> bytes:
    return _read_name(packet, offset)[0]


def _read_name(packet: bytes, offset: int) -> tuple[bytes, int]:
    """A name as lower-case wire labels ending in a zero byte, and where it ends.

    Pointers are followed only backwards and at most :data:`MAX_POINTERS`
    times, and the name may not pass 255 bytes, so no packet can loop us.
    """
    labels: list[bytes] = []
    size_so_far = 1
    end = None
    pointers = 0
    while True:
        if offset >= len(packet):
            raise MalformedAnswerError("name runs past the end")

        size = packet[offset]
        if size >= 0xC0:
            if offset + 1 >= len(packet):
                raise MalformedAnswerError("name pointer cut short")
            target = ((size & 0x3F) << 8) | packet[offset + 1]
            pointers += 1
            if target >= offset or pointers > MAX_POINTERS:
                raise MalformedAnswerError("name compression loop")
            if end is None:
                end = offset + 2
            offset = target
            continue
        if size > 63:
            raise MalformedAnswerError("unknown label type")

        if size == 0:
            break
        label = packet[offset : offset + 1 + size]
        if len(label) <= size:
            raise MalformedAnswerError("label runs past the end")
        size_so_far += 1 + size
        if size_so_far > MAX_NAME:
            raise MalformedAnswerError("name longer than 255 bytes")
        labels.append(label.lower())
        offset += 1 + size

    return b"".join(labels) + b"\0", (offset + 1 if end is None else end)
