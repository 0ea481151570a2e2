"""How well and how fast detection finds the attacks in simulated streams.

    python bench/detect.py [--seeds 11 12 13 14 15] [--events 100000]

For each seed, ``puptect-tui simulate --labels`` writes a stream and its ground
truth (cached under bench/out/); the stream then runs in-process through the
same pipeline the headless mode uses, with DNS blocklists off. An event counts
as raised when its severity is medium or above, what the headless mode prints.

Per attack kind it prints the campaigns found (at least one event raised), the
share of the campaign's events raised, and of its successful logins; per
look-alike kind and for ordinary logins, the share raised; then the precision
of all raised events, and events per second (detection alone and the whole
pipeline). Seeds 1-3 were used for tuning; judge on others.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from puptect_tui.detect.detector import Detector  # noqa: E402
from puptect_tui.detect.verdict import Severity  # noqa: E402
from puptect_tui.events import Event, EventParser, Line  # noqa: E402
from puptect_tui.pipeline import Pipeline  # noqa: E402
from puptect_tui.settings import Settings  # noqa: E402


class Label(msgspec.Struct):
    line: int
    kind: str
    campaign: str | None
    attack: bool


@dataclass
class Kind:
    """The tally for one label kind across the seeds."""

    events: int = 0
    raised: int = 0
    successes: int = 0
    successes_raised: int = 0
    campaigns: set[str] = field(default_factory=set)
    found: set[str] = field(default_factory=set)


def simulated(seed: int, events: int) -> tuple[Path, Path]:
    """The stream and its labels for a seed, generated once."""
    OUT.mkdir(parents=True, exist_ok=True)
    stream = OUT / f"sim-{seed}-{events}.jsonl"
    labels = OUT / f"sim-{seed}-{events}.labels.jsonl"
    if not labels.exists():
        command = [sys.executable, "-m", "puptect_tui", "simulate", "--seed", str(seed)]
        command += ["--events", str(events), "-o", str(stream), "--labels", str(labels)]
        subprocess.run(command, check=True, cwd=ROOT)
    return stream, labels


def run_seed(seed: int, events: int, kinds: dict[str, Kind], rules: Counter) -> tuple:
    """Score one stream; adds to ``kinds``; returns (events, detect s, total s).

    The whole pipeline runs first; then a fresh detector scores the same
    enriched events again in a bare loop, which times detection alone.
    """
    stream, label_path = simulated(seed, events)
    decoder = msgspec.json.Decoder(Label)
    labels = [decoder.decode(data) for data in label_path.read_bytes().splitlines()]
    parser = EventParser()
    pipeline = Pipeline(Settings(dnsbl=False))

    scored: list[Event] = []
    began = time.process_time()
    for number, data in enumerate(stream.read_bytes().splitlines(), 1):
        event = parser.parse(Line(number, data, 0.0))
        if not isinstance(event, Event):
            continue
        verdict = pipeline.process(event)
        scored.append(event)
        label = labels[number - 1]
        tally(kinds, label, event, verdict.severity >= Severity.MEDIUM, rules)
    total = time.process_time() - began

    detector = Detector(pipeline.detector.settings)
    began = time.process_time()
    for event in scored:
        detector.score(event)
    return len(scored), time.process_time() - began, total


def tally(kinds: dict, label: Label, event: Event, raised: bool, rules: Counter):
    kind = kinds[label.kind]
    kind.events += 1
    kind.raised += raised
    if event.success:
        kind.successes += 1
        kind.successes_raised += raised
    if label.campaign is not None:
        campaign = f"{label.kind}:{label.campaign}"
        kind.campaigns.add(campaign)
        if raised:
            kind.found.add(campaign)
    if raised:
        for rule in event.verdict.rules:
            rules[(label.attack, rule)] += 1


def report(kinds: dict[str, Kind]) -> None:
    attacks = sorted(k for k, v in kinds.items() if v.campaigns)
    print(
        f"{'attack kind':22} {'campaigns':>10} {'found':>7} {'events':>8} "
        f"{'raised':>7} {'successes':>10} {'raised':>7}"
    )
    for name in attacks:
        kind = kinds[name]
        print(
            f"{name:22} {len(kind.campaigns):>10} "
            f"{_share(len(kind.found), len(kind.campaigns)):>7} "
            f"{kind.events:>8} {_share(kind.raised, kind.events):>7} "
            f"{kind.successes:>10} {_share(kind.successes_raised, kind.successes):>7}"
        )
    print()
    print(f"{'innocent kind':32} {'events':>8} {'raised':>7}")
    for name in sorted(k for k in kinds if k not in attacks):
        kind = kinds[name]
        print(f"{name:32} {kind.events:>8} {_share(kind.raised, kind.events):>7}")

    true = sum(kinds[name].raised for name in attacks)
    false = sum(kind.raised for name, kind in kinds.items() if name not in attacks)
    successes = sum(kinds[name].successes for name in attacks)
    caught = sum(kinds[name].successes_raised for name in attacks)
    print()
    print(
        f"precision of raised events: {_share(true, true + false)} "
        f"({true} attack, {false} innocent)"
    )
    print(f"successful logins inside attacks raised: {_share(caught, successes)}")


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13, 14, 15])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument(
        "--rules", action="store_true", help="also list the rules behind raised events"
    )
    args = parser.parse_args()

    kinds: dict[str, Kind] = defaultdict(Kind)
    rules: Counter = Counter()
    events = spent = total = 0.0
    for seed in args.seeds:
        count, detect_s, total_s = run_seed(seed, args.events, kinds, rules)
        events += count
        spent += detect_s
        total += total_s

    print(f"seeds {' '.join(map(str, args.seeds))}, {int(events):,} events\n")
    report(kinds)
    print(
        f"detection alone: {spent / events * 1e6:.1f} us per event "
        f"({events / spent:,.0f} events/s); parse + enrich + detect: "
        f"{events / total:,.0f} events/s (CPU time)"
    )
    if args.rules:
        print()
        for (attack, rule), count in rules.most_common():
            print(f"{'attack' if attack else 'innocent':9} {rule:30} {count:>7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
