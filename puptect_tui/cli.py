"""The command line: ``puptect-tui [options] SOURCE`` and ``puptect-tui simulate``.

Bad usage and unreadable sources exit with status 2 and one line on standard
error; a bad line inside a readable source is never fatal.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Sequence

from puptect_tui import __version__, build
from puptect_tui.detect.verdict import Severity
from puptect_tui.settings import Settings, SettingsError

PROG = "puptect-tui"

DESCRIPTION = """\
Watch login events from a JSON Lines file: check every source address against
DNS and local blocklists, parse the user agent, place the address on a network
and a country, score each login with rules and per-user baselines, and show the
result live in the terminal (or, with --headless, as lines on standard output).
"""

EPILOG = """\
examples:
  puptect-tui data/logins.jsonl                      the live terminal UI
  puptect-tui --headless --speed 0 data/logins.jsonl alerts as text, no waiting
  puptect-tui --headless --format jsonl - < logins.jsonl
  puptect-tui simulate --seed 7 > demo.jsonl         a synthetic stream with attacks

Each line is a JSON object with userid, ip, useragent, status_code (or outcome)
and timestamp; see README.md for the field names accepted and --map for others.
In the UI press ? for the keys. Exit status: 0 done, 2 bad usage or source.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "source", nargs="?", metavar="SOURCE", help="a JSONL file, or - for stdin"
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}, {build.describe()}",
    )
    parser.add_argument(
        "--config", metavar="FILE", help="a TOML file with the same settings"
    )

    replay = parser.add_argument_group("reading")
    replay.add_argument(
        "--speed",
        type=float,
        metavar="X",
        help="replay speed: 1 as recorded (default), 10 ten times faster, 0 no waits",
    )
    replay.add_argument(
        "--follow",
        action="store_true",
        default=None,
        help="keep reading as the file grows (survives truncation and rotation)",
    )
    replay.add_argument(
        "--map",
        action="append",
        dest="field_map",
        metavar="FIELD=PATH",
        help="read FIELD from another name or a nested path, e.g. "
        "userid=actor.alternateId (repeatable)",
    )

    output = parser.add_argument_group("output")
    output.add_argument(
        "--headless",
        action="store_true",
        default=None,
        help="no UI: write alerts to standard output",
    )
    output.add_argument(
        "--format",
        choices=("text", "jsonl"),
        help="headless output: readable lines (default) or one JSON object per alert",
    )
    output.add_argument(
        "--all-events",
        action="store_true",
        default=None,
        help="headless: write every event, not only alerts",
    )
    output.add_argument(
        "--stats-every",
        type=int,
        metavar="N",
        help="refresh the statistics every N events (default 15)",
    )
    output.add_argument(
        "--min-severity",
        type=_severity,
        metavar="LEVEL",
        help="least severity that counts as an alert: info, low, medium (default), "
        "high, critical",
    )

    lookups = parser.add_argument_group("enrichment")
    lookups.add_argument(
        "--no-dnsbl",
        action="store_false",
        dest="dnsbl",
        default=None,
        help="make no DNS blocklist queries",
    )
    lookups.add_argument(
        "--dnsbl-zone",
        action="append",
        dest="dnsbl_zones",
        metavar="ZONE",
        help="a DNSBL zone to query (repeatable; replaces the default zones; "
        "'all' for every zone pydnsbl knows)",
    )
    lookups.add_argument(
        "--resolver",
        metavar="HOST[:PORT]",
        help="the DNS server for DNSBL queries (default: the system's)",
    )
    lookups.add_argument(
        "--dnsbl-timeout",
        type=float,
        metavar="SECONDS",
        help="how long one DNSBL query may take (default 2)",
    )
    lookups.add_argument(
        "--blocklist",
        action="append",
        dest="blocklists",
        metavar="FILE",
        help="a local list of addresses and CIDR networks (repeatable)",
    )
    lookups.add_argument(
        "--asn-db",
        metavar="FILE",
        help="a MaxMind or IPinfo .mmdb file of networks (ASN), read offline",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log more (repeatable)"
    )
    return parser


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Defaults, then the config file, then the options given on this line."""
    base = Settings.from_toml(args.config) if args.config else Settings()
    overrides = {
        name: getattr(args, name)
        for name in (
            "source",
            "speed",
            "follow",
            "headless",
            "format",
            "all_events",
            "stats_every",
            "min_severity",
            "dnsbl",
            "dnsbl_zones",
            "resolver",
            "dnsbl_timeout",
            "blocklists",
            "asn_db",
            "field_map",
        )
    }
    return base.merged(overrides).check()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; without ``argv``, the process's own, which ends after it."""
    status = _command(argv)
    if argv is None:
        _leave_memory_to_the_exit()
    return status


def _leave_memory_to_the_exit() -> None:
    """Let the process exit return what the run built, rather than free it.

    A headless run ends with its detector state still alive (the monitor and
    its listener refer to each other); the cycle collection at interpreter
    exit found it and freed its objects one by one: 1.3 s after a million
    events. Frozen objects are out of that collection's sight, and the
    operating system takes the memory back whole. Streams still flush.
    """
    gc.freeze()


def _command(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "simulate":
        return _simulate(argv[1:])

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from_args(args)
        if settings.source is None:
            parser.error("a SOURCE file is needed (or - for standard input)")
        return _run(settings, args.verbose)
    except SettingsError as error:
        return _fail(str(error))
    except OSError as error:  # SourceError and friends: one line, status 2
        return _fail(str(error))


def _run(settings: Settings, verbosity: int) -> int:
    from puptect_tui.sources import check_source

    assert settings.source is not None  # _command asked for one
    check_source(settings.source)
    if settings.headless:
        from puptect_tui.headless import run_headless

        _configure_logging(verbosity)
        return run_headless(settings)

    from puptect_tui.app import run_app

    return run_app(settings)


def _simulate(argv: list[str]) -> int:
    from puptect_tui.simulate import add_parser

    parser = argparse.ArgumentParser(prog=PROG)
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["simulate", *argv])
    return args.handler(args)


def _configure_logging(verbosity: int) -> None:
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbosity, 2)]
    logging.basicConfig(
        level=level, format=f"{PROG}: %(levelname)s %(message)s", stream=sys.stderr
    )


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2
