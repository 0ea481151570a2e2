"""How long the terminal UI takes from the command to its first frame.

    python bench/first_frame.py [--runs 5]

Starts ``python -m puptect_tui data/logins.jsonl --no-dnsbl`` on a pseudo
terminal of 80x24, as a person's shell would, and times how long until the
header is drawn and until the alerts table shows its first row, then presses q. Prints
the median and the spread over the runs, and the time Python alone takes to
start, for scale.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "logins.jsonl"
HEADER = b"puptect"
"""The app's name in its header: the first frame is on screen."""
FIRST_ROW = b"henry"
"""The seed's first alerting user: the table has its first row."""


def start_on_pty(
    source: Path, size: tuple[int, int] = (80, 24)
) -> tuple[subprocess.Popen, int]:
    """Start the UI on a new pseudo terminal; return it and the terminal's end."""
    leader, follower = pty.openpty()
    columns, rows = size
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "puptect_tui", "--no-dnsbl", "--speed", "0"]
    process = subprocess.Popen(
        [*command, str(source)],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    return process, leader


def quit_app(process: subprocess.Popen, leader: int) -> None:
    os.write(leader, b"q")
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
    os.close(leader)


def first_frame_seconds(timeout: float = 20.0) -> tuple[float, float]:
    started = time.perf_counter()
    process, leader = start_on_pty(SEED)
    seen = b""
    header = None
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([leader], [], [], 0.01)
            if ready:
                seen += os.read(leader, 65536)
                if header is None and HEADER in seen:
                    header = time.perf_counter() - started
                if header is not None and FIRST_ROW in seen:
                    return header, time.perf_counter() - started
        raise RuntimeError("the UI drew no frame with the seed's first alert")
    finally:
        quit_app(process, leader)


def python_start_seconds() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=5)
    args = options.parse_args()

    runs = [first_frame_seconds() for _ in range(args.runs)]
    frames = [frame for frame, _ in runs]
    rows = [row for _, row in runs]
    bare = statistics.median(python_start_seconds() for _ in range(args.runs))
    print(f"UI first frame, 80x24: median {statistics.median(frames):.2f} s")
    print(f"  runs: {', '.join(f'{seconds:.2f}' for seconds in frames)}")
    print(f"UI first alert row: median {statistics.median(rows):.2f} s")
    print(f"  python -c pass: {bare:.2f} s")


if __name__ == "__main__":
    main()
