"""One score from many signals: points add up, and agreement adds more.

A single odd signal keeps its own few points. When signals of different kinds
point the same way (a failure pattern, a forged agent, a listed address), an
extra reason says so and adds points for each kind that agrees, so the total
stays explained reason by reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from puptect_tui.detect.verdict import Reason, Verdict

if TYPE_CHECKING:
    from puptect_tui.detect.settings import DetectSettings

KINDS: Final = {
    "auth": "attack pattern",
    "ip": "attack pattern",
    "agent": "agent",
    "user": "user's habits",
    "geo": "user's habits",
    "reputation": "blocklist",
}
"""Rule id prefix to the kind of evidence it is; kinds that agree add points."""

STRONG: Final = 25
"""A kind needs this many points before other kinds can agree with it."""
SUPPORTING: Final = 10
"""A kind needs this many points to count as agreeing."""

_known_reasons: Final[dict[Reason, Reason]] = {}
"""One copy of each reason lately given, word for word."""
_KNOWN_REASONS_MAX: Final = 16384


def agreement(reasons: list[Reason], settings: DetectSettings) -> Reason | None:
    """The bonus reason when kinds of evidence agree, or ``None``."""
    by_kind: dict[str, int] = {}
    for reason in reasons:
        kind = KINDS.get(reason.rule.partition(".")[0], "other")
        by_kind[kind] = by_kind.get(kind, 0) + reason.points
    if len(by_kind) < 2 or max(by_kind.values()) < STRONG:
        return None

    agreeing = [kind for kind, points in by_kind.items() if points >= SUPPORTING]
    if len(agreeing) < 2:
        return None
    points = settings.points_agreement * (len(agreeing) - 1)
    detail = f"{len(agreeing)} kinds of signal agree: {', '.join(agreeing)}"
    return Reason("score.agreement", detail, points)


def verdict(reasons: list[Reason], settings: DetectSettings) -> Verdict:
    """Sum the reasons and the agreement bonus into one verdict."""
    if not reasons:
        return Verdict()
    bonus = agreement(reasons, settings)
    if bonus is not None:
        reasons.append(bonus)
    reasons.sort(key=lambda reason: -reason.points)
    return Verdict.from_reasons([_shared(reason) for reason in reasons])


def _shared(reason: Reason) -> Reason:
    """The copy already kept of an equal reason, else this one.

    Three in four reasons repeat an earlier one word for word (the same
    automation client, the same kinds agreeing, the same failure new to the
    same user). The UI keeps tens of thousands of alerts, and each reason is
    a sentence: sharing them saved 11 MB per 18,000 alerts. Reasons are
    named tuples, so a shared one cannot change under another event.
    """
    known = _known_reasons.get(reason)
    if known is not None:
        return known
    if len(_known_reasons) >= _KNOWN_REASONS_MAX:
        _known_reasons.clear()
    _known_reasons[reason] = reason
    return reason
