"""Windows, thresholds and points of every detection rule.

The defaults are meant for real traffic: a forgotten password, a new phone or an
office behind one address stay below medium, while an attack that shows in more
than one way reaches high. A ``[detect]`` table in the ``--config`` file changes
any of them by name.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(slots=True)
class DetectSettings:
    """Every window (seconds), threshold and point value the detector uses."""

    # How much state is kept: the least recently seen are forgotten first.
    max_users: int = 50_000
    """Users whose baselines are kept; the longest idle is dropped beyond this."""
    max_addresses: int = 100_000
    """Addresses (and address-agent pairs) whose recent activity is kept."""
    max_agents: int = 20_000
    """Distinct agent strings whose recent failures are kept."""
    window_entries: int = 512
    """Entries one time window keeps at most, so a flood cannot grow it."""

    # Baselines.
    baseline_logins: int = 3
    """Logins a user needs before a new device or network counts as new."""
    settled_blocks: int = 3
    """A new /24 or /48 counts only for users whose successes came from this
    many blocks or fewer; beyond, the user moves around and a new one is usual."""
    learn_below: int = 35
    """Successes scoring this or more are not learned as the user's habits, so
    an attacker's device never becomes familiar by logging in."""
    recent_logins: int = 20
    """Logins kept per user for the risk view."""

    # Failures for one user.
    failure_window: float = 1800.0
    """How far back failures for one user count (brute force, hopping)."""
    brute_force_failures: int = 6
    """Failures for one user from one address that make a brute force."""
    hopping_addresses: int = 4
    """Addresses failing for one user that make address hopping."""

    # Failures across users.
    spray_window: float = 3600.0
    """How far back failures from one address count (password spray)."""
    spray_users: int = 5
    """Users one address failed for that make a password spray."""
    stuffing_window: float = 3600.0
    """How far back failures with one agent or network count (stuffing)."""
    stuffing_users: int = 8
    """Users failing with one agent or from one network that make stuffing."""
    stuffing_addresses: int = 4
    """Addresses those failures must come from, so one address is a spray."""
    stuffing_failure_share: float = 0.5
    """Share of the agent's or network's logins that failed, so busy ones pass."""

    # Successes.
    success_failures: int = 3
    """Failures (within ``failure_window``) before a success that make it
    suspect, when the success comes from somewhere odd."""
    follow_up_window: float = 21600.0
    """How long after a high alert the user's successes from its address, or
    with its unfamiliar agent, stay suspect (an intruder coming back)."""
    many_users_window: float = 1800.0
    """How far back logins from one address count (many users)."""
    many_users: int = 3
    """Users one address logged in as with one agent that make it suspect."""
    travel_window: float = 3600.0
    """Successes of one user from two countries closer than this are impossible."""

    # Agents.
    outdated_share: float = 0.01
    """An agent version older than all but this share of its family is outdated."""
    outdated_min_seen: int = 200
    """Logins of a browser or OS family needed before its versions are judged."""
    max_agent_length: int = 1024
    """Agents longer than this are malformed (real ones stay under 512)."""

    # Points.
    points_listed: int = 20
    """Points for an address listed by one DNS zone."""
    points_listed_local: int = 35
    """Points for an address on one of the team's own blocklists."""
    points_malformed: int = 25
    """Points for a misspelled or ill-formed agent."""
    points_scripted: int = 25
    """Points for an automation client's agent."""
    points_agent_failed: int = 10
    """Added to a forged or scripted agent's points when its login failed."""
    points_unfamiliar_failure: int = 15
    """Points for a failure from a new country, or a new device and network."""
    points_outdated: int = 10
    """Points for a browser or OS version far older than the stream's."""
    points_new_device: int = 10
    """Points for a new device, OS or browser family; a new device kind adds 5."""
    points_new_network: int = 10
    """Points for a new network; a new country adds 5, a new block alone is 5."""
    points_brute_force: int = 30
    """Points for a brute force at its threshold."""
    points_hopping: int = 35
    """Points for address hopping at its threshold."""
    points_spray: int = 35
    """Points for a password spray at its threshold."""
    points_stuffing: int = 35
    """Points for credential stuffing at its threshold."""
    points_success_after_failures: int = 30
    """Points for a suspect success after failures."""
    points_follow_up: int = 20
    """Points for a success that returns where a high alert came from."""
    points_many_users: int = 35
    """Points for one address and agent logging in as many users."""
    points_travel: int = 25
    """Points for impossible travel between countries."""
    points_step: int = 3
    """Points added per failure, address or user beyond a rule's threshold."""
    points_step_cap: int = 15
    """Most points a rule gains from steps beyond its threshold."""
    points_agreement: int = 10
    """Points for each further kind of signal that agrees with the first."""

    @classmethod
    def from_mapping(cls, table: dict[str, Any]) -> DetectSettings:
        """Build from a ``[detect]`` TOML table; unknown keys are refused by name."""
        known = {item.name: item for item in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in table.items():
            name = key.replace("-", "_")
            if name not in known:
                raise ValueError(f"unknown detect setting {key!r}")
            values[name] = _checked(name, known[name].default, value)
        return cls(**values)


def _checked(name: str, default: Any, value: Any) -> Any:
    """Keep the default's type, so ``failure_window = "10m"`` fails at start."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"detect setting {name!r} must be a number, got {value!r}")
    if value < 0:
        raise ValueError(f"detect setting {name!r} must not be negative")
    if isinstance(default, int):
        if value != int(value):
            raise ValueError(f"detect setting {name!r} must be a whole number")
        return int(value)
    return float(value)
