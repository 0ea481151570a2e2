"""Every setting in one place, from defaults, a TOML file and the command line.

The command line wins over the file and the file over the defaults, so a team can
keep its zones and thresholds in a shared file and still override one per run.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from puptect_tui.detect.verdict import Severity

FORMATS = ("text", "jsonl")


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it and says why."""


@dataclass
class Settings:
    """What one run of puptect-tui reads, asks and shows."""

    source: str | None = None
    """A JSONL file, or ``-`` for standard input (headless only)."""
    speed: float = 1.0
    """Replay speed: 1 keeps the recorded pace, 10 is ten times faster, 0 no waits."""
    follow: bool = False
    """Keep reading as the file grows, across truncation and rotation."""
    headless: bool = False
    format: str = "text"
    """Headless output: ``text`` lines for people or ``jsonl`` for programs."""
    all_events: bool = False
    """Headless: write every event, not only alerts."""
    stats_every: int = 15
    """Refresh the statistics every this many events."""
    min_severity: Severity = Severity.MEDIUM
    """The least severity that counts as an alert."""

    dnsbl: bool = True
    """Ask DNS blocklists about every global address."""
    dnsbl_zones: list[str] = field(default_factory=list)
    """Zones to ask; empty means the built-in default zones, ``all`` every known."""
    resolver: str | None = None
    """``HOST`` or ``HOST:PORT`` of the DNS server; None uses the system's."""
    dnsbl_timeout: float = 2.0
    """Seconds one DNS query may take before it counts as failed."""
    dnsbl_concurrency: int = 200
    """DNS queries in flight at once."""

    blocklists: list[str] = field(default_factory=list)
    """Local files of addresses and CIDR networks."""
    asn_db: str | None = None
    """A MaxMind or IPinfo ``.mmdb`` file of networks (ASN); optional."""
    field_map: list[str] = field(default_factory=list)
    """``FIELD=PATH`` entries: read a field from another name or a nested path."""
    detect: dict[str, Any] = field(default_factory=dict)
    """The ``[detect]`` table: windows, thresholds and points of the rules."""

    def check(self) -> Settings:
        """Refuse combinations that cannot work, before anything starts."""
        if self.speed < 0:
            raise SettingsError(f"--speed must be 0 or more, got {self.speed:g}")
        if self.stats_every < 1:
            raise SettingsError(
                f"--stats-every must be 1 or more, got {self.stats_every}"
            )
        if self.format not in FORMATS:
            raise SettingsError(f"--format must be text or jsonl, got {self.format!r}")
        if self.dnsbl_timeout <= 0:
            raise SettingsError("dnsbl_timeout must be more than 0 seconds")
        if self.dnsbl_concurrency < 1:
            raise SettingsError("dnsbl_concurrency must be 1 or more")
        if self.source == "-" and not self.headless:
            raise SettingsError("reading standard input ('-') needs --headless")
        return self

    def merged(self, overrides: dict[str, Any]) -> Settings:
        """A copy with the given settings replaced; ``None`` values are ignored."""
        values = {item.name: getattr(self, item.name) for item in fields(self)}
        for name, value in overrides.items():
            if value is not None:
                values[name] = value
        return Settings(**values)

    @classmethod
    def from_toml(cls, path: str | Path) -> Settings:
        """Read a config file; relative file names in it are taken from its folder."""
        path = Path(path)
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise SettingsError(
                f"cannot read config {path}: {error.strerror}"
            ) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise SettingsError(f"config {path} is not valid TOML: {error}") from None
        return cls().merged(_from_table(table, path.parent))


_KNOWN = {item.name for item in fields(Settings)} - {"source"}
_FILE_SETTINGS = {"asn_db"}
_FILE_LIST_SETTINGS = {"blocklists"}


def _from_table(table: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Check a TOML table against the settings and make its paths absolute."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name == "map" and isinstance(value, dict):
            name, value = "field_map", [f"{k}={v}" for k, v in value.items()]
        if name not in _KNOWN:
            raise SettingsError(f"unknown setting {key!r} in config")
        values[name] = _convert(name, value, folder)
    return values


def _convert(name: str, value: Any, folder: Path) -> Any:
    expected = {item.name: str(item.type) for item in fields(Settings)}[name]
    if name == "min_severity":
        try:
            return Severity.parse(str(value))
        except ValueError as error:
            raise SettingsError(f"min_severity: {error}") from None
    if name in _FILE_SETTINGS and value is not None:
        return str(folder / value)
    if name in _FILE_LIST_SETTINGS:
        return [str(folder / item) for item in _list_of_str(name, value)]
    if expected.startswith("list"):
        return _list_of_str(name, value)
    if expected.startswith("dict"):
        if not isinstance(value, dict):
            raise SettingsError(f"{name} must be a table")
        return value
    return _scalar(name, expected, value)


def _list_of_str(name: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise SettingsError(f"{name} must be a string or a list of strings")


def _scalar(name: str, expected: str, value: Any) -> Any:
    kinds = {"bool": (bool,), "int": (int,), "float": (int, float), "str": (str,)}
    wanted = expected.split(" | ")[0]
    ok = kinds.get(wanted, (str,))
    valid = isinstance(value, ok) and not (isinstance(value, bool) and wanted != "bool")
    if not valid:
        raise SettingsError(f"{name} must be a {wanted}, got {value!r}")
    return float(value) if wanted == "float" else value
