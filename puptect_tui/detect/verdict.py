"""The alert model: a score, its severity and the reasons behind every point."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Final, NamedTuple


class Severity(IntEnum):
    """Ordered so that ``severity >= Severity.MEDIUM`` reads as it says."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def from_score(cls, score: int) -> Severity:
        """Bands chosen so that one rule alone rarely passes medium."""
        if score >= 85:
            return cls.CRITICAL
        if score >= 60:
            return cls.HIGH
        if score >= 35:
            return cls.MEDIUM
        if score >= 15:
            return cls.LOW
        return cls.INFO

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Accepts ``high``, ``HIGH`` or ``3``; raises ``ValueError`` otherwise."""
        text = text.strip()
        if text.isdigit():
            return cls(int(text))
        try:
            return cls[text.upper()]
        except KeyError:
            names = ", ".join(member.name.lower() for member in cls)
            raise ValueError(f"unknown severity {text!r} (one of {names})") from None

    @property
    def label(self) -> str:
        return SEVERITY_LABELS[self]


SEVERITY_LABELS: Final = tuple(severity.name.lower() for severity in Severity)
"""The words of the alert format, by severity; looked up once per written line."""


class Reason(NamedTuple):
    """One rule's finding, in a sentence with the numbers behind it.

    A named tuple: immutable, so one can be shared by many verdicts, and
    made as one tuple, where a frozen dataclass's generated ``__init__`` sets
    each field through ``object.__setattr__`` (at over twice the cost).
    """

    rule: str
    detail: str
    points: int

    def as_json(self) -> dict:
        return {"rule": self.rule, "detail": self.detail, "points": self.points}


@dataclass(slots=True)
class Verdict:
    """The score of one login; the points of its reasons add up to it."""

    score: int = 0
    severity: Severity = Severity.INFO
    reasons: list[Reason] = field(default_factory=list)

    @classmethod
    def from_reasons(cls, reasons: list[Reason]) -> Verdict:
        """Sum the points, clamped to 0..100, and band them into a severity."""
        score = max(0, min(100, sum(reason.points for reason in reasons)))
        return cls(score, Severity.from_score(score), reasons)

    def replacing(self, rule: str, reason: Reason | None) -> Verdict:
        """The same verdict with one rule's reason swapped, as a late answer needs."""
        kept = [existing for existing in self.reasons if existing.rule != rule]
        if reason is not None:
            kept.append(reason)
        return Verdict.from_reasons(kept)

    @property
    def rules(self) -> list[str]:
        return [reason.rule for reason in self.reasons]


NOTHING_FOUND: Final = Verdict()
"""The verdict of every login no rule spoke about, shared: most logins get it,
and one object for all of them saves an allocation each. Never change it."""
