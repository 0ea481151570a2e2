"""How fast the headless mode reads a file, next to a bare decode loop.

    python bench/ingest.py [--events 1000000] [--runs 3]

Generates (once, cached under bench/out/) a simulated stream, then times in the
same run: a bare loop that only decodes each line with msgspec, the event parser
alone, and ``puptect-tui --headless --speed 0 --no-dnsbl --format jsonl`` writing
to /dev/null as a separate process. Prints events per second (median of the
runs) and each figure as a ratio of the bare loop. Machines here are shared and
noisy: compare the ratios, not the absolute rates.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from puptect_tui.events import EventParser, Line  # noqa: E402


def simulated_file(events: int, seed: int = 1) -> Path:
    """A cached simulated stream of ``events`` lines."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"sim-{seed}-{events}.jsonl"
    if not path.exists():
        print(f"generating {events:,} events into {path} ...", file=sys.stderr)
        command = [sys.executable, "-m", "puptect_tui", "simulate"]
        command += ["--seed", str(seed), "--events", str(events), "-o", str(path)]
        subprocess.run(command, check=True, cwd=ROOT)
    return path


def bare_decode(path: Path) -> int:
    decode = msgspec.json.Decoder().decode
    count = 0
    with path.open("rb") as lines:
        for line in lines:
            decode(line)
            count += 1
    return count


def parse_only(path: Path) -> int:
    parse = EventParser().parse
    count = 0
    with path.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            parse(Line(number, line.rstrip(b"\n"), 0.0))
            count += 1
    return count


def headless(path: Path) -> int:
    command = [sys.executable, "-m", "puptect_tui", "--headless", "--speed", "0"]
    command += ["--no-dnsbl", "--format", "jsonl", "--all-events", str(path)]
    with open("/dev/null", "w") as sink:
        subprocess.run(command, check=True, cwd=ROOT, stdout=sink)
    return sum(1 for _ in path.open("rb"))


def peak_child_memory_mb() -> float:
    """The largest resident set of any child so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def timed(measure, path: Path, runs: int) -> float:
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        count = measure(path)
        rates.append(count / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--events", type=int, default=1_000_000)
    options.add_argument("--runs", type=int, default=3)
    args = options.parse_args()

    path = simulated_file(args.events)
    size = path.stat().st_size / args.events
    print(f"file: {path.name}, {args.events:,} events, {size:.0f} bytes a line")

    rows = [
        ("bare msgspec decode loop", timed(bare_decode, path, args.runs)),
        ("event parser only", timed(parse_only, path, args.runs)),
        ("headless --speed 0, jsonl, all events", timed(headless, path, args.runs)),
    ]
    baseline = rows[0][1]
    print(f"{'measure':<40} {'events/s':>12} {'of bare':>8}")
    for name, rate in rows:
        print(f"{name:<40} {rate:>12,.0f} {rate / baseline:>8.2f}")
    print(f"headless peak resident memory: {peak_child_memory_mb():,.0f} MB")


if __name__ == "__main__":
    main()
