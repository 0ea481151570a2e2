"""The UI's resident memory after a long replay, as a person would run it.

    python bench/ui_memory.py [--events 1000000]

Starts ``puptect-tui --no-dnsbl --speed 0`` on a pseudo terminal of 80x24 over
the cached simulated stream (made by bench/ingest.py), waits until the header
says the replay finished, then reads the process's peak and current resident
memory from /proc before pressing q.
"""

from __future__ import annotations

import argparse
import os
import select
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from first_frame import quit_app, start_on_pty
from ingest import simulated_file

DONE = b"finished"
"""The header's word once the monitor has read the whole source."""


def memory_mb(pid: int) -> dict[str, float]:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in status if line.startswith("Vm"))
    return {name: int(fields[name].split()[0]) / 1024 for name in ("VmHWM", "VmRSS")}


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--events", type=int, default=1_000_000)
    options.add_argument("--timeout", type=float, default=1800)
    args = options.parse_args()

    source = simulated_file(args.events)
    started = time.perf_counter()
    process, leader = start_on_pty(source)
    tail = b""
    try:
        while time.perf_counter() - started < args.timeout:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                tail = (tail + os.read(leader, 65536))[-4096:]
                if DONE in tail:
                    break
        else:
            raise RuntimeError("the replay did not finish in time")
        seconds = time.perf_counter() - started
        memory = memory_mb(process.pid)
    finally:
        quit_app(process, leader)
    print(f"UI replay of {args.events:,} events: {seconds:.0f} s")
    print(f"UI peak resident memory: {memory['VmHWM']:,.0f} MB")
    print(f"UI resident memory at the end: {memory['VmRSS']:,.0f} MB")


if __name__ == "__main__":
    main()
