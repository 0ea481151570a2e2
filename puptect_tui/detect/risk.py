"""The per-user risk view that the user panel shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from puptect_tui.detect.verdict import Reason, Severity

if TYPE_CHECKING:
    from puptect_tui.detect.baselines import UserBaseline
    from puptect_tui.events import Event


@dataclass(slots=True)
class UserRisk:
    """One user as the detector sees them: how risky lately, and why."""

    userid: str
    score: int
    """The highest score among the user's recent logins."""
    severity: Severity
    reasons: list[Reason]
    """The latest reason of each rule that fired for the user, strongest first."""
    recent: list[Event]
    """The user's latest logins, oldest first."""
    addresses: list[tuple[str, int]]
    """Addresses the user's logins came from, with how many logins each."""
    devices: list[str]
    countries: list[str]
    logins: int
    failures: int
    failure_rate: float
    usual_hours: list[int] = field(default_factory=list)
    """Hours of the day (UTC) of at least a tenth of the user's successes."""


def user_risk(userid: str, user: UserBaseline) -> UserRisk:
    """Read the view from a baseline; costs O(recent logins)."""
    recent = list(user.recent)
    score = max((event.verdict.score for event in recent), default=0)
    reasons = sorted(
        (reason for _, reason in user.reasons.values()),
        key=lambda reason: -reason.points,
    )
    successes = sum(user.hours)
    usual = [
        hour
        for hour, count in enumerate(user.hours)
        if successes and count * 10 >= successes
    ]
    return UserRisk(
        userid=userid,
        score=score,
        severity=Severity.from_score(score),
        reasons=reasons,
        recent=recent,
        addresses=sorted(user.addresses.values.items(), key=lambda item: -item[1]),
        devices=list(user.devices.values),
        countries=list(user.countries.values),
        logins=user.logins,
        failures=user.failures,
        failure_rate=user.failure_rate,
        usual_hours=usual,
    )
