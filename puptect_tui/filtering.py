"""The filter language of the `/` key: a few terms an analyst types in seconds.

Terms are separated by spaces and must all hold. ``user:``, ``ip:`` (an
address or a CIDR network), ``status:``, ``rule:``, ``sev:`` and ``country:``
look at one field; any other word is searched in the user, address, agent,
country and reasons. A leading ``-`` turns a term around, and quotes keep
spaces inside a value: ``user:"jane doe" -status:200``.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from puptect_tui.detect.verdict import Severity
from puptect_tui.events import Event

Test = Callable[[Event], bool]

FIELDS = ("user", "ip", "status", "rule", "sev", "country")
"""Term prefixes with a meaning; ``word:thing`` with another prefix is free text."""

OUTCOME_WORDS = {
    "fail": False,
    "failed": False,
    "failure": False,
    "success": True,
    "ok": True,
}


class FilterError(ValueError):
    """A filter that cannot be read; the message says which term and why."""


@dataclass(slots=True, frozen=True)
class Term:
    """One condition of a filter, kept with the words it was typed as."""

    text: str
    test: Test
    negated: bool = False

    def holds(self, event: Event) -> bool:
        return self.test(event) != self.negated


@dataclass(slots=True, frozen=True)
class Filter:
    """All terms must hold; the empty filter lets every event through."""

    text: str = ""
    terms: tuple[Term, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Filter:
        """Read a filter; raises :class:`FilterError` naming the bad term."""
        try:
            words = shlex.split(text)
        except ValueError as error:
            raise FilterError(f"cannot read the filter: {error}") from None
        return cls(text.strip(), tuple(_term(word) for word in words if word != "-"))

    @property
    def empty(self) -> bool:
        return not self.terms

    def matches(self, event: Event) -> bool:
        return all(term.holds(event) for term in self.terms)


def _term(word: str) -> Term:
    negated = word.startswith("-")
    body = word[1:] if negated else word
    name, sep, value = body.partition(":")
    name = name.lower()
    if not sep or name not in FIELDS:
        return Term(word, _free_text(body), negated)
    if not value:
        raise FilterError(f"{name}: needs a value, as in {_EXAMPLES[name]}")
    return Term(word, _BUILDERS[name](value), negated)


def _user(value: str) -> Test:
    """Exact user, ignoring case; ``*`` and ``?`` make it a pattern."""
    wanted = value.casefold()
    if any(mark in wanted for mark in "*?["):
        return lambda event: fnmatch.fnmatchcase(event.userid.casefold(), wanted)
    return lambda event: event.userid.casefold() == wanted


def _ip(value: str) -> Test:
    """An address, or every address of a CIDR network."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise FilterError(f"ip: {value!r} is not an address or network") from None
    return lambda event: (
        event.address.version == network.version and event.address in network
    )


def _status(value: str) -> Test:
    """A code (``401``), a class (``4xx``) or an outcome (``fail``, ``success``)."""
    word = value.lower()
    if word in OUTCOME_WORDS:
        outcome = OUTCOME_WORDS[word]
        return lambda event: event.success is outcome
    if len(word) == 3 and word[0].isdigit() and word[1:] == "xx":
        hundred = int(word[0])
        return lambda event: (
            event.status_code is not None and event.status_code // 100 == hundred
        )
    if word.isdigit():
        code = int(word)
        return lambda event: event.status_code == code
    raise FilterError(f"status: {value!r} is not a code, 4xx, fail or success")


def _rule(value: str) -> Test:
    """A part of a rule id: ``rule:spray`` finds ``auth.password_spray``."""
    part = value.lower()
    return lambda event: any(part in rule for rule in event.verdict.rules)


def _severity(value: str) -> Test:
    """This severity or worse: ``sev:high`` shows high and critical."""
    try:
        least = Severity.parse(value.lstrip(">="))
    except ValueError as error:
        raise FilterError(f"sev: {error}") from None
    return lambda event: event.verdict.severity >= least


def _country(value: str) -> Test:
    wanted = value.upper()
    return lambda event: country_of(event) == wanted


def _free_text(value: str) -> Test:
    """Case-blind search in what an analyst reads in a row and its reasons."""
    wanted = value.casefold()
    return lambda event: wanted in searchable_text(event)


def searchable_text(event: Event) -> str:
    """Everything free text may match, folded for a case-blind search."""
    parts = [event.userid, event.ip, event.useragent, country_of(event) or ""]
    parts.extend(f"{reason.rule} {reason.detail}" for reason in event.verdict.reasons)
    if event.reputation is not None:
        parts.extend(event.reputation.listed_by)
    return "\n".join(parts).casefold()


def country_of(event: Event) -> str | None:
    return getattr(event.place, "country", None)


_BUILDERS: dict[str, Callable[[str], Test]] = {
    "user": _user,
    "ip": _ip,
    "status": _status,
    "rule": _rule,
    "sev": _severity,
    "country": _country,
}

_EXAMPLES = {
    "user": "user:henry",
    "ip": "ip:10.0.0.0/8",
    "status": "status:401",
    "rule": "rule:brute",
    "sev": "sev:high",
    "country": "country:RU",
}
