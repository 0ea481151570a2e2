"""Reading lines from files and standard input, once each, in order."""

from __future__ import annotations

import io
import os
import queue
import random
import sys
import threading
import time
import tracemalloc
from itertools import islice
from pathlib import Path

import pytest

from puptect_tui.events import MAX_LINE_BYTES, Line
from puptect_tui.sources import (
    LineSplitter,
    SourceError,
    check_source,
    open_source,
    read_lines,
)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def append(path: Path, data: bytes) -> None:
    with path.open("ab") as file:
        file.write(data)


def numbered(lines) -> list[tuple[int, bytes]]:
    return [(line.number, line.data) for line in lines]


def test_lines_are_numbered_from_one_and_blank_lines_still_count(tmp_path):
    source = write(tmp_path / "logins.jsonl", b'{"a":1}\n\n   \n{"b":2}\n\t\n{"c":3}\n')

    assert numbered(open_source(source)) == [
        (1, b'{"a":1}'),
        (4, b'{"b":2}'),
        (6, b'{"c":3}'),
    ]


def test_crlf_line_endings_are_stripped(tmp_path):
    source = write(tmp_path / "windows.jsonl", b'{"a":1}\r\n\r\n{"b":2}\r\n')

    assert numbered(open_source(source)) == [(1, b'{"a":1}'), (3, b'{"b":2}')]


def test_a_last_line_without_newline_is_read(tmp_path):
    source = write(tmp_path / "cut.jsonl", b'{"a":1}\n{"b":2}')

    assert numbered(open_source(source)) == [(1, b'{"a":1}'), (2, b'{"b":2}')]


def test_read_at_comes_from_the_injected_clock(tmp_path):
    source = write(tmp_path / "logins.jsonl", b"one\ntwo\n")

    lines = list(open_source(source, clock=lambda: 1234.5))

    assert [line.read_at for line in lines] == [1234.5, 1234.5]


def test_read_lines_is_the_same_reader(tmp_path):
    source = write(tmp_path / "logins.jsonl", b"one\n")

    assert numbered(read_lines(source)) == [(1, b"one")]


def test_an_oversized_line_is_flagged_and_its_neighbours_come_through(tmp_path):
    huge = b'{"user": "' + b"x" * (MAX_LINE_BYTES + 10) + b'"}'
    source = write(tmp_path / "big.jsonl", b'{"a":1}\n' + huge + b'\n{"b":2}\n')

    lines = list(open_source(source))

    assert numbered(lines) == [(1, b'{"a":1}'), (2, huge[:256]), (3, b'{"b":2}')]
    assert [line.oversized for line in lines] == [False, True, False]


def test_a_line_at_the_limit_is_not_oversized(tmp_path):
    at_limit = b"y" * MAX_LINE_BYTES
    source = write(tmp_path / "edge.jsonl", at_limit + b"\r\n" + at_limit + b"z\n")

    lines = list(open_source(source))

    assert [(line.oversized, len(line.data)) for line in lines] == [
        (False, MAX_LINE_BYTES),
        (True, 256),
    ]


def test_an_oversized_last_line_without_newline_is_flagged_once(tmp_path):
    source = write(tmp_path / "tail.jsonl", b"ok\n" + b"z" * (3 * MAX_LINE_BYTES))

    lines = list(open_source(source))

    assert [(line.number, line.oversized) for line in lines] == [(1, False), (2, True)]


def test_a_5_mb_line_is_never_held_in_memory(tmp_path):
    huge = b"q" * (5 * 1024 * 1024)
    source = write(tmp_path / "huge.jsonl", b"before\n" + huge + b"\nafter\n")

    tracemalloc.start()
    try:
        lines = list(open_source(source))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert numbered(lines) == [(1, b"before"), (2, b"q" * 256), (3, b"after")]
    assert peak < 4 * MAX_LINE_BYTES, f"peak {peak} bytes while reading a 5 MB line"


@pytest.mark.parametrize("seed", range(20))
def test_lines_do_not_depend_on_where_chunks_are_cut(seed):
    """Chunk boundaries fall anywhere: inside a CRLF, a blank line, a long line."""
    shuffle = random.Random(seed)
    parts = [b"alpha", b"", b"  ", b"beta\r", b"g" * (MAX_LINE_BYTES + 5), b"delta"]
    stream = b"\n".join(shuffle.choice(parts) for _ in range(30)) + b"\n"
    expected = numbered(_read_whole(stream))

    splitter = LineSplitter()
    lines: list[Line] = []
    position = 0
    while position < len(stream):
        size = shuffle.choice([1, 2, 3, 7, 100, 4096, MAX_LINE_BYTES])
        lines.extend(splitter.feed(stream[position : position + size], 0.0))
        position += size
    lines.extend(splitter.finish(0.0))

    assert numbered(lines) == expected


def _read_whole(stream: bytes) -> list[Line]:
    """The same stream, cut the obvious way, as the reference."""
    lines = []
    for number, raw in enumerate(stream.split(b"\n")[:-1], 1):
        raw = raw.removesuffix(b"\r")
        if len(raw) > MAX_LINE_BYTES:
            lines.append(Line(number, raw[:256], 0.0, oversized=True))
        elif raw.strip():
            lines.append(Line(number, raw, 0.0))
    return lines


def test_standard_input_is_read_with_a_dash(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b'{"a":1}\n\n{"b":2}'))
    monkeypatch.setattr(sys, "stdin", stdin)

    assert numbered(open_source("-")) == [(1, b'{"a":1}'), (3, b'{"b":2}')]


def test_standard_input_with_follow_ends_at_its_end(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b"one\ntwo\n"))
    monkeypatch.setattr(sys, "stdin", stdin)

    assert numbered(open_source("-", follow=True)) == [(1, b"one"), (2, b"two")]


def test_a_missing_file_fails_before_the_first_line(tmp_path):
    missing = tmp_path / "data" / "x.jsonl"

    with pytest.raises(SourceError) as raised:
        open_source(missing, follow=True)

    assert str(raised.value) == f"cannot read {missing}: No such file or directory"


def test_a_directory_is_not_a_source(tmp_path):
    with pytest.raises(SourceError, match=f"cannot read {tmp_path}: Is a directory"):
        open_source(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_fails_with_its_reason(tmp_path):
    source = write(tmp_path / "secret.jsonl", b"{}\n")
    source.chmod(0)

    with pytest.raises(SourceError, match=r"secret\.jsonl: Permission denied"):
        open_source(source)


def test_stop_ends_a_plain_read_early(tmp_path):
    source = write(tmp_path / "long.jsonl", b"line\n" * 200_000)
    stop = threading.Event()
    lines = open_source(source, stop=stop)

    first = next(lines)
    stop.set()
    rest = list(lines)

    assert first.number == 1
    assert len(rest) < 199_999


class Follower:
    """Runs a following reader in a thread, as the monitor's worker does."""

    def __init__(self, path: Path, poll_interval: float = 0.01):
        self.stop = threading.Event()
        self.received: queue.Queue[Line] = queue.Queue()
        self.lines = open_source(
            path, follow=True, stop=self.stop, poll_interval=poll_interval
        )
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        for line in self.lines:
            self.received.put(line)

    def take(self, count: int, timeout: float = 1.0) -> list[tuple[int, bytes]]:
        """The next ``count`` lines, failing when they do not come in time."""
        deadline = time.monotonic() + timeout
        taken = []
        for _ in range(count):
            remaining = max(0.0, deadline - time.monotonic())
            try:
                taken.append(self.received.get(timeout=remaining))
            except queue.Empty:
                pytest.fail(f"got {numbered(taken)}, waited for {count} lines")
        return numbered(taken)

    def nothing_more(self, wait: float = 0.1) -> bool:
        """True when no further line arrives within a few poll intervals."""
        try:
            extra = self.received.get(timeout=wait)
        except queue.Empty:
            return True
        pytest.fail(f"unexpected extra line {extra}")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=1.0)
        assert not self.thread.is_alive(), "the reader did not stop"


@pytest.fixture
def follow(tmp_path):
    followers: list[Follower] = []

    def start(path: Path, poll_interval: float = 0.01) -> Follower:
        follower = Follower(path, poll_interval)
        followers.append(follower)
        return follower

    yield start
    for follower in followers:
        follower.close()


def test_follow_reads_appended_lines(tmp_path, follow):
    source = write(tmp_path / "live.jsonl", b"one\n")
    reader = follow(source)
    assert reader.take(1) == [(1, b"one")]

    append(source, b"two\n\nthree\n")

    assert reader.take(2) == [(2, b"two"), (4, b"three")]
    assert reader.nothing_more()


def test_follow_waits_for_the_end_of_a_partial_line(tmp_path, follow):
    source = write(tmp_path / "live.jsonl", b'one\n{"half":')
    reader = follow(source)
    assert reader.take(1) == [(1, b"one")]
    assert reader.nothing_more()

    append(source, b' "done"}\n')

    assert reader.take(1) == [(2, b'{"half": "done"}')]


def test_follow_rereads_a_truncated_file_from_the_start(tmp_path, follow):
    source = write(tmp_path / "live.jsonl", b"one\ntwo\nthree\n")
    reader = follow(source)
    assert reader.take(3) == [(1, b"one"), (2, b"two"), (3, b"three")]

    source.write_bytes(b"")
    append(source, b"four\n")

    assert reader.take(1) == [(4, b"four")]
    assert reader.nothing_more()


def test_follow_notices_a_file_rewritten_in_place_longer_than_before(tmp_path, follow):
    source = write(tmp_path / "live.jsonl", b"one\ntwo\n")
    reader = follow(source, poll_interval=0.05)
    assert reader.take(2) == [(1, b"one"), (2, b"two")]

    with source.open("r+b") as file:  # same inode, new content, larger
        file.truncate(0)
        file.write(b"uno\ndos\ntres\n")

    assert reader.take(3) == [(3, b"uno"), (4, b"dos"), (5, b"tres")]
    assert reader.nothing_more()


def test_follow_finishes_a_rotated_file_then_reads_its_successor(tmp_path, follow):
    source = write(tmp_path / "live.jsonl", b"old-1\n")
    reader = follow(source)
    assert reader.take(1) == [(1, b"old-1")]

    source.rename(tmp_path / "live.jsonl.1")
    append(tmp_path / "live.jsonl.1", b"old-2\nold-3")  # the writer has not let go
    write(source, b"new-1\n")
    append(tmp_path / "live.jsonl.1", b"\n")
    append(source, b"new-2\n")

    assert reader.take(4) == [
        (2, b"old-2"),
        (3, b"old-3"),
        (4, b"new-1"),
        (5, b"new-2"),
    ]
    assert reader.nothing_more()


def test_follow_waits_out_a_missing_path_and_reads_the_new_file(tmp_path, follow):
    source = write(tmp_path / "live.jsonl", b"old-1\n")
    reader = follow(source)
    assert reader.take(1) == [(1, b"old-1")]

    rotated = tmp_path / "live.jsonl.1"
    source.rename(rotated)
    append(rotated, b"old-2\n")
    assert reader.take(1) == [(2, b"old-2")]  # read while the path is missing

    write(source, b"new-1\n")

    assert reader.take(1) == [(3, b"new-1")]
    append(rotated, b"too-late\n")
    append(source, b"new-2\n")
    assert reader.take(1) == [(4, b"new-2")]
    assert reader.nothing_more()


def test_follow_retries_a_successor_it_cannot_open_and_says_so_once(
    tmp_path, follow, caplog
):
    source = write(tmp_path / "live.jsonl", b"old-1\n")
    reader = follow(source)
    assert reader.take(1) == [(1, b"old-1")]

    source.rename(tmp_path / "live.jsonl.1")
    source.mkdir()  # something unreadable now stands at the path
    time.sleep(0.1)  # several polls fail to open it
    source.rmdir()
    write(source, b"new-1\n")

    assert reader.take(1) == [(2, b"new-1")]
    complaints = [r.message for r in caplog.records if "cannot read" in r.message]
    assert complaints == [f"cannot read the new {source} yet: Is a directory"]


def test_follow_ends_promptly_when_stopped(tmp_path):
    source = write(tmp_path / "quiet.jsonl", b"one\n")
    reader = Follower(source, poll_interval=0.05)
    assert reader.take(1) == [(1, b"one")]

    started = time.monotonic()
    reader.close()

    assert time.monotonic() - started < 0.5


def test_check_source_accepts_a_readable_file_and_standard_input(tmp_path):
    check_source(write(tmp_path / "logins.jsonl", b"{}\n"))
    check_source("-")


def test_check_source_names_a_missing_file(tmp_path):
    missing = tmp_path / "absent.jsonl"

    with pytest.raises(OSError, match=r"cannot read .*absent\.jsonl: No such file"):
        check_source(missing)


def test_follow_notices_a_rewrite_before_it_reaches_the_end(tmp_path):
    """The reader is between two reads, not waiting at the end, when it happens."""
    source = write(tmp_path / "live.jsonl", b"one\ntwo\n")
    stop = threading.Event()
    guard = threading.Timer(1.5, stop.set)  # a wrong reader ends, not hangs
    guard.start()
    lines = open_source(source, follow=True, stop=stop, poll_interval=0.01)
    try:
        assert numbered(islice(lines, 2)) == [(1, b"one"), (2, b"two")]

        source.write_bytes(b"uno\ndos\ntres\n")  # same inode, longer than before

        assert numbered(islice(lines, 3)) == [(3, b"uno"), (4, b"dos"), (5, b"tres")]
    finally:
        stop.set()
        guard.cancel()
    assert list(lines) == []


def test_follow_reads_every_line_once_while_a_busy_writer_rotates(tmp_path, follow):
    """A writer that never pauses, renaming its file away every few thousand lines.

    The writer appends right up to each rename. Rotations are spaced at least
    a few poll intervals apart, as any log rotation is.
    """
    source = tmp_path / "live.jsonl"
    source.touch()
    reader = follow(source, poll_interval=0.005)
    total, per_file, batch = 30_000, 3_000, 50

    def writer() -> None:
        file = source.open("ab")
        last_rotation = time.monotonic()
        in_file = 0
        for first in range(1, total + 1, batch):
            file.write(b"".join(b"%d\n" % n for n in range(first, first + batch)))
            file.flush()
            in_file += batch
            time.sleep(0.001)  # about 50,000 lines a second
            rotate_due = time.monotonic() - last_rotation > 0.03
            if in_file >= per_file and rotate_due:
                file.close()
                source.rename(tmp_path / f"live.jsonl.{first}")
                file = source.open("ab")
                last_rotation, in_file = time.monotonic(), 0
        file.close()

    writing = threading.Thread(target=writer)
    writing.start()
    received = [data for _, data in reader.take(total, timeout=30.0)]
    writing.join()

    assert len(list(tmp_path.glob("live.jsonl.*"))) >= 3, "the writer never rotated"
    assert received == [b"%d" % n for n in range(1, total + 1)]
    assert reader.nothing_more()
