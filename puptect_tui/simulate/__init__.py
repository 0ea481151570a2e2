"""``puptect-tui simulate``: a synthetic login stream with labelled attacks.

Ordinary staff logins, innocent look-alikes and attack campaigns, interleaved
by time, deterministic for a seed, with an optional ground-truth file that
says for every line what it is. Used for demos, benchmarks and for tuning
and evaluating the detection rules.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

from puptect_tui.simulate import writer
from puptect_tui.simulate.attacks import ALL_ATTACKS
from puptect_tui.simulate.lookalikes import EPISODES
from puptect_tui.simulate.stream import DEFAULT_ATTACK_RATE, DEFAULT_START, logins

__all__ = ["ALL_ATTACKS", "LOOKALIKES", "add_parser", "run", "simulate"]

LOOKALIKES = ("office_nat", "outdated_browser", *EPISODES)
"""Innocent look-alike kinds; labels carry them as ``lookalike:<kind>``."""


def simulate(
    *,
    seed: int = 7,
    users: int = 200,
    hours: float | None = None,
    events: int | None = None,
    attacks: Iterable[str] = ALL_ATTACKS,
    attack_rate: float = DEFAULT_ATTACK_RATE,
    start: datetime = DEFAULT_START,
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(event, label) pairs in time order; labels number lines from 1.

    ``hours`` bounds the stream in time, ``events`` in count; with neither,
    one day; with only ``events``, as many days as it takes.
    """
    encoder = writer.Encoder()
    stream = logins(
        seed=seed,
        users=users,
        hours=hours,
        events=events,
        attacks=attacks,
        attack_rate=attack_rate,
        start=start,
    )
    for number, login in enumerate(stream, start=1):
        yield writer.event(login, encoder), writer.label(number, login)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``simulate`` and its options on the main command line."""
    parser = subparsers.add_parser(
        "simulate",
        help="write a synthetic login stream with labelled attacks",
        description=(
            "Write a realistic synthetic login stream as JSON Lines: staff "
            "logging in from home, office and phone, innocent look-alikes "
            "(forgotten passwords, new phones, holidays, shared office "
            "addresses, outdated browsers) and attack campaigns. The same seed "
            "gives the same bytes. --labels writes the ground truth, one line "
            "per event line."
        ),
        epilog=(
            'Label lines: {"line": n, "kind": k, "campaign": id or null, '
            '"attack": true|false}; kind is normal, an attack kind, or '
            "lookalike:office_nat|outdated_browser|forgotten_password|new_phone|"
            "holiday. A day of 200 users is about 750 logins; --events 5000 "
            "holds every attack kind."
        ),
    )
    parser.add_argument(
        "--seed", type=int, default=7, metavar="N", help="random seed (default 7)"
    )
    parser.add_argument(
        "--users",
        type=_positive_int,
        default=200,
        metavar="N",
        help="staff size (default 200)",
    )
    parser.add_argument(
        "--hours",
        type=_positive_float,
        metavar="H",
        help="length of the stream in hours (default 24, or unbounded with --events)",
    )
    parser.add_argument(
        "--events", type=_positive_int, metavar="N", help="stop after exactly N events"
    )
    parser.add_argument(
        "--attacks",
        type=_attack_kinds,
        default=ALL_ATTACKS,
        metavar="KIND,KIND|all|none",
        help=f"attack kinds to mix in (default all: {','.join(ALL_ATTACKS)})",
    )
    parser.add_argument(
        "--attack-rate",
        type=_rate,
        default=DEFAULT_ATTACK_RATE,
        metavar="SHARE",
        help="share of logins that belong to attacks, 0 to 0.9 "
        f"(default {DEFAULT_ATTACK_RATE})",
    )
    parser.add_argument(
        "--start",
        type=_moment,
        default=DEFAULT_START,
        metavar="ISO8601",
        help="time of the first day (default 2025-03-03T00:00:00Z)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write events here, not standard output"
    )
    parser.add_argument(
        "--labels", metavar="FILE", help="write the ground truth here, line by line"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the stream (and labels); 0 on success, 2 if a file cannot be opened."""
    stream = logins(
        seed=args.seed,
        users=args.users,
        hours=args.hours,
        events=args.events,
        attacks=args.attacks,
        attack_rate=args.attack_rate,
        start=args.start,
    )
    with ExitStack() as files:
        try:
            out = sys.stdout
            if args.output and args.output != "-":
                out = files.enter_context(open(args.output, "w", encoding="utf-8"))
            labels = None
            if args.labels:
                labels = files.enter_context(open(args.labels, "w", encoding="utf-8"))
        except OSError as error:
            print(f"puptect-tui simulate: {error}", file=sys.stderr)
            return 2

        try:
            writer.write(stream, out, labels)
            out.flush()
        except BrokenPipeError:
            return 0
    return 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 0.9:
        raise argparse.ArgumentTypeError(f"must be between 0 and 0.9, got {text}")
    return value


def _attack_kinds(text: str) -> tuple[str, ...]:
    words = [word.strip() for word in text.split(",") if word.strip()]
    if words in (["all"], []):
        return ALL_ATTACKS
    if words == ["none"]:
        return ()
    unknown = [word for word in words if word not in ALL_ATTACKS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown attack kind {unknown[0]!r} (one of {', '.join(ALL_ATTACKS)})"
        )
    return tuple(words)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
