"""How fast the headless mode reads a file, next to a bare decode loop.

    python bench/ingest.py [--events 1000000] [--runs 3]

Generates (once, cached under bench/out/) a simulated stream, then times in the
same run: a bare loop that only decodes each line with msgspec, the event parser
alone, and ``puptect-tui --headless --speed 0 --no-dnsbl --format jsonl`` writing
to /dev/null as a separate process. Prints events per second (median of the
runs) and each figure as a ratio of the bare loop, by the wall clock and by
CPU time. Machines here are shared and noisy: compare the ratios and the CPU
figures, not the absolute wall-clock rates.
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


def cpu_seconds() -> float:
    """CPU time of this process and its finished children, user and system."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return sum(
        (usage.ru_utime + usage.ru_stime for usage in (own, children)), start=0.0
    )


def timed(measure, path: Path, runs: int) -> tuple[float, float]:
    """Median events per second by the wall clock and by CPU time.

    On a shared machine the wall clock counts other people's work too; CPU
    time counts only ours, so it is the steadier figure to compare.
    """
    rates, cpu_rates = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), cpu_seconds()
        count = measure(path)
        rates.append(count / (time.perf_counter() - started))
        cpu_rates.append(count / (cpu_seconds() - cpu_started))
    return statistics.median(rates), statistics.median(cpu_rates)


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
    baseline, cpu_baseline = rows[0][1]
    heads = ("events/s", "of bare", "CPU ev/s", "of bare")
    print(f"{'measure':<40} " + " ".join(f"{head:>10}" for head in heads))
    for name, (rate, cpu_rate) in rows:
        print(
            f"{name:<40} {rate:>10,.0f} {rate / baseline:>10.2f} "
            f"{cpu_rate:>10,.0f} {cpu_rate / cpu_baseline:>10.2f}"
        )
    print(f"headless peak resident memory: {peak_child_memory_mb():,.0f} MB")


if __name__ == "__main__":
    main()
