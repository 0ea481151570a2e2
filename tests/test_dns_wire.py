"""Our DNS transport: the packet codec, and the socket against a stand-in server."""

from __future__ import annotations

import asyncio
import struct

import pytest

from puptect_tui.enrich.dnsbl_packet import (
    MAX_POINTERS,
    ARecord,
    MalformedAnswerError,
    SoaRecord,
    TxtRecord,
    answer_id,
    answers_question,
    encode_query,
    encode_question,
    read_answer,
)
from puptect_tui.enrich.dnsbl_wire import (
    NoAnswerError,
    ServerError,
    WireChannel,
    system_nameserver,
)
from tests.dns_server import TXT, Query, SilentServer, StandInServer, reply

NAME = "10.205.155.45.attackers.test"


def query_for(name: str = NAME, qtype: str = "A", ident: int = 0x1234) -> Query:
    question = encode_question(name, qtype)
    return Query(ident, name, 1, question)


def header(ident: int, flags: int, counts: tuple[int, int, int, int]) -> bytes:
    return struct.pack(">HHHHHH", ident, flags, *counts)


def record(owner: bytes, kind: int, ttl: int, data: bytes) -> bytes:
    return owner + struct.pack(">HHIH", kind, 1, ttl, len(data)) + data


# Building queries.


def test_query_carries_id_recursion_flag_and_one_question():
    question = encode_question("10.205.155.45.Attackers.TEST.", "TXT")

    packet = encode_query(0xBEEF, question)

    assert packet[:4] == b"\xbe\xef\x01\x00"  # id, then RD alone
    assert packet[4:12] == b"\0\1\0\0\0\0\0\0"
    assert packet[12:] == (
        b"\x0210\x03205\x03155\x0245\x09attackers\x04test\0" + b"\0\x10\0\x01"
    )


@pytest.mark.parametrize(
    "name", ["a..test", "x" * 64 + ".test", ".".join(["abcdefgh"] * 30), "é.test"]
)
def test_names_dns_cannot_carry_are_refused(name):
    with pytest.raises(ValueError):
        encode_question(name, "A")


# Reading answers.


def test_a_records_come_with_their_ttl():
    query = query_for()
    packet = reply(query, a=["127.0.0.2", "127.0.0.4"], ttl=900)

    answer = read_answer(packet, query.question)

    assert answer.rcode == 0 and not answer.truncated
    assert answer.records == [ARecord("127.0.0.2", 900), ARecord("127.0.0.4", 900)]


def test_txt_strings_of_one_record_are_joined():
    query = query_for(qtype="TXT")
    strings = b"\x0bListed for " + b"\x07attacks"
    packet = header(query.id, 0x8180, (1, 1, 0, 0)) + query.question
    packet += record(b"\xc0\x0c", TXT, 60, strings)

    answer = read_answer(packet, query.question)

    assert answer.records == [TxtRecord(b"Listed for attacks", 60)]


def test_nxdomain_takes_its_negative_ttl_from_the_authority_soa():
    query = query_for()
    soa = b"\x02ns\xc0\x29\x0ahostmaster\xc0\x29" + struct.pack(">5I", 1, 2, 3, 4, 60)
    packet = header(query.id, 0x8183, (1, 0, 1, 0)) + query.question
    packet += record(b"\xc0\x29", 6, 300, soa)  # owner: the zone, by pointer

    answer = read_answer(packet, query.question)

    assert answer.rcode == 3 and answer.records == []
    assert answer.negative_ttl == 60


def test_soa_answer_gives_the_zone_minimum():
    query = query_for("attackers.test", "SOA")
    soa = b"\x02ns\xc0\x0c\x0ahostmaster\xc0\x0c" + struct.pack(">5I", 1, 2, 3, 4, 60)
    packet = header(query.id, 0x8180, (1, 1, 0, 0)) + query.question
    packet += record(b"\xc0\x0c", 6, 300, soa)

    assert read_answer(packet, query.question).records == [SoaRecord(60, 300)]


def test_records_for_another_name_are_ignored_and_a_cname_is_followed():
    query = query_for()
    other = b"\x05other\x04test\0"
    packet = header(query.id, 0x8180, (1, 3, 0, 0)) + query.question
    packet += record(other, 1, 60, bytes([127, 0, 0, 9]))  # not ours
    packet += record(b"\xc0\x0c", 5, 60, b"\x06target\xc0\x24")  # NAME -> target
    packet += record(b"\x06TARGET\x04test\0", 1, 60, bytes([127, 0, 0, 2]))

    answer = read_answer(packet, query.question)

    assert answer.records == [ARecord("127.0.0.2", 60)]


def test_owner_written_out_in_other_case_is_still_ours():
    query = query_for()
    owner = query.question[:-4].upper()
    packet = header(query.id, 0x8180, (1, 1, 0, 0)) + query.question
    packet += record(owner, 1, 30, bytes([127, 0, 0, 2]))

    assert read_answer(packet, query.question).records == [ARecord("127.0.0.2", 30)]


@pytest.mark.parametrize(
    "owner",
    [
        b"\xc0\x00",  # points at itself
        b"\x01a\xc0\x00",  # a label, then back to its own start
        b"\xc0\xff",  # points forwards, past the end
    ],
)
def test_compression_loops_and_forward_pointers_are_malformed(owner):
    query = query_for()
    packet = header(query.id, 0x8180, (1, 1, 0, 0)) + query.question
    here = len(packet)
    owner = owner.replace(b"\xc0\x00", bytes([0xC0, here]))
    packet += record(owner, 1, 30, bytes([127, 0, 0, 2]))

    with pytest.raises(MalformedAnswerError):
        read_answer(packet, query.question)


def test_a_long_chain_of_backward_pointers_is_cut_off():
    query = query_for()
    head = header(query.id, 0x8180, (1, 2, 0, 0)) + query.question
    # An ignored record's data holds a root name and a chain of pointers,
    # each to the one before it: every step legal, too many of them.
    chain_start = len(head) + 2 + 10
    chain = b"\0" + b"".join(
        struct.pack(">H", 0xC000 | (chain_start + max(2 * n - 1, 0)))
        for n in range(MAX_POINTERS + 1)
    )
    last_pointer = chain_start + len(chain) - 2
    packet = head + record(b"\xc0\x0c", 99, 30, chain)
    packet += record(struct.pack(">H", 0xC000 | last_pointer), 1, 30, b"\x7f\0\0\2")

    with pytest.raises(MalformedAnswerError, match="loop"):
        read_answer(packet, query.question)


@pytest.mark.parametrize("cut", [1, 3, 5, 11, 14])
def test_answer_cut_short_is_malformed_not_a_listing(cut):
    query = query_for()
    whole = reply(query, a=["127.0.0.2"])

    with pytest.raises(MalformedAnswerError):
        read_answer(whole[:-cut], query.question)


def test_a_record_of_the_wrong_length_is_malformed():
    query = query_for()
    packet = header(query.id, 0x8180, (1, 1, 0, 0)) + query.question
    packet += record(b"\xc0\x0c", 1, 30, bytes([127, 0, 0, 2, 9]))

    with pytest.raises(MalformedAnswerError, match="4 bytes"):
        read_answer(packet, query.question)


def test_only_answers_to_our_question_are_taken_as_ours():
    query = query_for()
    ours = reply(query, a=["127.0.0.2"])
    other = reply(query_for("11.205.155.45.attackers.test"), a=["127.0.0.2"])

    assert answer_id(ours) == 0x1234
    assert answer_id(ours[:11]) is None  # shorter than a header
    assert answer_id(encode_query(0x1234, query.question)) is None  # a query
    assert answers_question(ours, query.question)
    shouting = ours[:12] + query.question.upper() + ours[12 + len(query.question) :]
    assert answers_question(shouting, query.question)
    assert not answers_question(other, query.question)
    assert not answers_question(ours[:20], query.question)


def test_system_nameserver_is_the_first_in_resolv_conf(tmp_path):
    conf = tmp_path / "resolv.conf"
    conf.write_text(
        "# local\nsearch example\nnameserver 2001:db8::53\nnameserver 9.9.9.9\n"
    )
    empty = tmp_path / "empty.conf"
    empty.write_text("options edns0\n")

    assert system_nameserver(conf) == ("2001:db8::53", 53)
    assert system_nameserver(empty) == ("127.0.0.1", 53)
    assert system_nameserver(tmp_path / "missing") == ("127.0.0.1", 53)


# The socket, against a server on loopback.


def ask_all(
    server: tuple[str, int], questions: list[tuple[str, str]], timeout: float = 0.4
) -> tuple[list[tuple[object, Exception | None]], WireChannel]:
    """Ask every question at once on one channel; the outcomes in order."""

    async def run() -> tuple[list, WireChannel]:
        loop = asyncio.get_running_loop()
        channel = WireChannel(loop, server, timeout)
        futures = [loop.create_future() for _ in questions]
        for (name, qtype), future in zip(questions, futures, strict=True):
            channel.ask(name, qtype, lambda r, e, f=future: f.set_result((r, e)))
        outcomes = await asyncio.gather(*futures)
        channel.close()
        return outcomes, channel

    return asyncio.run(run())


def address_of(server) -> tuple[str, int]:
    return "127.0.0.1", server.port


def test_malformed_answer_fails_only_its_own_query():
    def respond(query: Query) -> list[tuple[float, bytes]]:
        whole = reply(query, a=["127.0.0.2"])
        if query.name.startswith("1."):
            return [(0, whole[:-3])]
        return [(0, whole)]

    names = [(f"{n}.205.155.45.garbage.test", "A") for n in range(1, 6)]
    with StandInServer(respond) as server:
        outcomes, _ = ask_all(address_of(server), names)

    records, error = outcomes[0]
    assert records is None and isinstance(error, ServerError)
    assert "malformed" in error.reason
    assert all(o == ([ARecord("127.0.0.2", 300)], None) for o in outcomes[1:])


def test_answer_with_a_wrong_id_is_ignored_and_the_right_one_taken():
    def respond(query: Query) -> list[tuple[float, bytes]]:
        forged = reply(query, a=["127.0.0.66"], answer_id=query.id ^ 0x5A5A)
        return [(0, forged), (0.02, reply(query, a=["127.0.0.2"]))]

    with StandInServer(respond) as server:
        outcomes, channel = ask_all(address_of(server), [(NAME, "A")])

    assert outcomes == [([ARecord("127.0.0.2", 300)], None)]
    assert channel.stray_answers == 1


def test_server_errors_and_truncation_are_failures_not_silences():
    def respond(query: Query) -> list[tuple[float, bytes]]:
        if query.name.startswith("2."):
            return [(0, reply(query, rcode=2))]
        if query.name.startswith("5."):
            return [(0, reply(query, rcode=5))]
        packet = bytearray(reply(query, a=["127.0.0.2"]))
        packet[2] |= 0x02  # TC
        return [(0, bytes(packet))]

    names = [(f"{n}.205.155.45.errors.test", "A") for n in (2, 5, 9)]
    with StandInServer(respond) as server:
        outcomes, _ = ask_all(address_of(server), names)

    reasons = [error.reason for _records, error in outcomes]
    assert all(isinstance(error, ServerError) for _records, error in outcomes)
    assert "SERVFAIL" in reasons[0] and "REFUSED" in reasons[1]
    assert reasons[2] == "answer truncated"


def test_unanswered_query_is_sent_twice_at_most_then_times_out():
    with StandInServer(lambda _query: []) as server:
        outcomes, channel = ask_all(address_of(server), [(NAME, "A")], timeout=0.2)
        asked = [query.id for query in server.received]

    records, error = outcomes[0]
    assert records is None and isinstance(error, NoAnswerError)
    assert error.reason == "timeout after 0.2 s"
    assert len(asked) == 2 and asked[0] == asked[1]
    assert channel.retransmissions == 1


def test_late_answer_to_the_first_copy_settles_without_a_third_send():
    sends: list[int] = []

    def respond(query: Query) -> list[tuple[float, bytes]]:
        sends.append(query.id)
        return [(0.15, reply(query, a=["127.0.0.2"]))] if len(sends) == 1 else []

    with StandInServer(respond) as server:
        outcomes, channel = ask_all(address_of(server), [(NAME, "A")], timeout=0.2)

    assert outcomes == [([ARecord("127.0.0.2", 300)], None)]
    assert len(sends) == 2 and channel.retransmissions == 1


def test_queries_in_flight_never_share_an_id():
    with StandInServer(lambda query: [(0, reply(query, rcode=3))]) as server:
        names = [(f"{n}.0.0.45.ids.test", "A") for n in range(200)]
        outcomes, _ = ask_all(address_of(server), names)
        ids = [query.id for query in server.received]

    assert all(o == ([], None) for o in outcomes)
    assert len(ids) == 200 and len(set(ids)) == 200


def test_closed_port_fails_queries_at_once_as_silence():
    with SilentServer() as silent:
        port = silent.port
    # Nobody holds the port now: the kernel answers "port unreachable".

    async def run() -> tuple[object, float]:
        loop = asyncio.get_running_loop()
        channel = WireChannel(loop, ("127.0.0.1", port), 5.0)
        started = loop.time()
        first, second = loop.create_future(), loop.create_future()
        channel.ask(NAME, "A", lambda r, e: first.set_result((r, e)))
        await asyncio.sleep(0.05)
        channel.ask(NAME, "TXT", lambda r, e: second.set_result((r, e)))
        outcomes = await asyncio.gather(first, second)
        channel.close()
        return outcomes, loop.time() - started

    outcomes, elapsed = asyncio.run(run())

    assert elapsed < 1.0
    for records, error in outcomes:
        assert records is None and isinstance(error, NoAnswerError)
        assert error.reason == "connection refused"
