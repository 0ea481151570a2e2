"""One simulated stream: staff, episodes and campaigns, day by day, in order.

Four random generators, each seeded from ``seed`` and a name, keep the parts
independent: the same seed gives the same staff and the same ordinary days
whatever attacks are mixed in, so a stream with and without attacks can be
compared login for login until the first campaign changes what users do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from random import Random

from puptect_tui.simulate.attacks import ALL_ATTACKS, CAMPAIGNS, Scene
from puptect_tui.simulate.lookalikes import EPISODES
from puptect_tui.simulate.population import (
    MISTYPE_CHANCE,
    build_population,
    logins_for_day,
)
from puptect_tui.simulate.timeline import DAY, Login, Timeline

DEFAULT_START = datetime(2025, 3, 3, tzinfo=UTC)
"""A Monday; the browser versions in agents.py are current at this date."""

DEFAULT_ATTACK_RATE = 0.1
"""Share of all logins that belong to attack campaigns."""

EPISODES_PER_USER_DAY = 0.015
"""How often an innocent episode (forgotten password, new phone, holiday) starts."""


class Schedule:
    """Start times of a Poisson process, cycling through kinds in shuffled rounds.

    Cycling, rather than drawing a kind each time, makes every kind appear
    within the first few campaigns, so even a short stream holds all of them.
    """

    def __init__(self, rng: Random, kinds: Iterable[str], per_day: float, start: int):
        self.rng = rng
        self.kinds = list(kinds)
        self.mean_gap = DAY / per_day if per_day > 0 and self.kinds else 0.0
        self.round: list[str] = []
        self.next_at = start + self._gap() if self.mean_gap else None

    def due(self, before: int) -> Iterator[tuple[int, str]]:
        """Each start earlier than ``before``, with its kind, in order."""
        while self.next_at is not None and self.next_at < before:
            if not self.round:
                self.round = self.rng.sample(self.kinds, len(self.kinds))
            yield self.next_at, self.round.pop()
            self.next_at += self._gap()

    def _gap(self) -> int:
        return max(1, int(self.rng.expovariate(1.0) * self.mean_gap))


def logins(
    *,
    seed: int = 7,
    users: int = 200,
    hours: float | None = None,
    events: int | None = None,
    attacks: Iterable[str] = ALL_ATTACKS,
    attack_rate: float = DEFAULT_ATTACK_RATE,
    start: datetime = DEFAULT_START,
) -> Iterator[Login]:
    """The simulated logins in time order, each with its ground truth.

    ``hours`` bounds the stream in time and ``events`` in count; with neither,
    one day. With only ``events``, the stream runs as many days as it takes.
    """
    attacks = _checked(attacks)
    if users < 1:
        raise ValueError("the simulation needs at least one user")
    if not 0 <= attack_rate < 1:
        raise ValueError("attack rate must be at least 0 and below 1")
    if hours is None and events is None:
        hours = 24

    staff = build_population(Random(f"{seed}:population"), users)
    timeline = Timeline()
    daily = Random(f"{seed}:daily")
    episode_scene = Scene(Random(f"{seed}:lookalikes"), staff, timeline)
    attack_scene = Scene(Random(f"{seed}:attacks"), staff, timeline)

    first = int(start.timestamp() * 1000)
    end = first + int(hours * 3_600_000) if hours is not None else None
    episodes = Schedule(
        episode_scene.rng, EPISODES, users * EPISODES_PER_USER_DAY, first
    )
    campaigns = Schedule(
        attack_scene.rng,
        attacks,
        _campaigns_per_day(staff, attacks, attack_rate),
        first,
    )

    emitted = launched = 0
    day_start = first
    while True:
        day_end = day_start + DAY
        weekend = datetime.fromtimestamp(day_start / 1000, UTC).weekday() >= 5

        for moment, kind in episodes.due(day_end):
            EPISODES[kind](episode_scene, moment)
        for user in staff:
            logins_for_day(daily, user, day_start, weekend, timeline)
        for moment, kind in campaigns.due(day_end):
            launched += 1
            campaign, _ = CAMPAIGNS[kind]
            campaign(attack_scene, moment, f"{kind}-{launched:04d}")

        for login in timeline.release(day_end):
            if end is not None and login.time >= end:
                return
            yield login
            emitted += 1
            if events is not None and emitted >= events:
                return
        day_start = day_end


def _checked(attacks: Iterable[str]) -> tuple[str, ...]:
    kinds = tuple(attacks)
    unknown = [kind for kind in kinds if kind not in CAMPAIGNS]
    if unknown:
        known = ", ".join(ALL_ATTACKS)
        raise ValueError(f"unknown attack kind {unknown[0]!r} (one of {known})")
    return kinds


def _campaigns_per_day(staff: list, attacks: tuple[str, ...], rate: float) -> float:
    """Campaigns a day so that attacks make up ``rate`` of all logins."""
    if not attacks or rate <= 0:
        return 0.0
    ordinary = sum(user.daily_logins for user in staff) * (5 + 2 * 0.5) / 7
    ordinary *= 1 + MISTYPE_CHANCE * 1.3
    attack_logins = ordinary * rate / (1 - rate)
    mean_size = sum(CAMPAIGNS[kind][1] for kind in attacks) / len(attacks)
    return attack_logins / mean_size
