"""The detector: every rule over one login, against what came before it.

``score`` reads the state of the windows and baselines as they stand, adds the
login to them, and joins the rules' reasons into one verdict. Event time drives
every window, so a replay at any speed gives the same verdicts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from puptect_tui.detect import scoring
from puptect_tui.detect.baselines import AddressActivity, Crowd, UserBaseline
from puptect_tui.detect.risk import UserRisk, user_risk
from puptect_tui.detect.rules import agent as agent_rules
from puptect_tui.detect.rules import auth, network
from puptect_tui.detect.settings import DetectSettings
from puptect_tui.detect.verdict import Reason, Verdict
from puptect_tui.detect.windows import Recent, Tally
from puptect_tui.detect.wording import names, quoted

if TYPE_CHECKING:
    from puptect_tui.events import Event

_AGENT_CACHE_LIMIT = 20_000
_LOWER_MOZILLA_USUAL = 0.5
"""Above this share of lower-case ``mozilla/`` the source folds case itself."""


class Detector:
    """Scores logins with rules and per-user baselines; holds all their state."""

    def __init__(self, settings: DetectSettings | None = None) -> None:
        self.settings = settings = settings or DetectSettings()
        self.users: Recent[str, UserBaseline] = Recent(
            settings.max_users, lambda: UserBaseline(settings)
        )
        self.addresses: Recent[str, AddressActivity] = Recent(
            settings.max_addresses, lambda: AddressActivity(settings)
        )
        self.shared_logins: Recent[tuple[str, str], Tally] = Recent(
            settings.max_addresses,
            lambda: Tally(settings.many_users_window, settings.window_entries),
        )
        """Users logged in per address and agent (many users)."""
        self.agent_crowds: Recent[str, Crowd] = Recent(
            settings.max_agents, lambda: Crowd(settings)
        )
        self.network_crowds: Recent[str, Crowd] = Recent(
            settings.max_agents, lambda: Crowd(settings)
        )
        self.versions = agent_rules.VersionAges(
            settings.outdated_share, settings.outdated_min_seen
        )
        self._agent_checks: dict[str, tuple[Reason | None, Reason | None]] = {}
        self._mozilla = [0, 0]
        """Logins whose agent starts ``Mozilla/`` and those starting ``mozilla/``."""

    def score(self, event: Event) -> Verdict:
        """Judge one login, then learn from it. Never raises on odd input."""
        settings = self.settings
        time = event.time
        userid = event.userid
        ip = event.ip
        raw = event.useragent
        failed = event.success is False
        user = self.users.get_or_make(userid)
        user.logins += 1
        user.addresses.add(ip)

        reasons: list[Reason] = []
        listed = self.reputation_reason(event)
        if listed is not None:
            reasons.append(listed)
        self._judge_agent(event, reasons)

        place = event.place
        block = place.block if place is not None and place.block else None
        if block is None:
            block = network.block_of(event.address)
        country = place.country if place is not None else None
        asn = place.asn if place is not None else None

        oddities = self._judge_novelty(event, user, block, asn, country, reasons)
        if failed:
            self._count_failure(user, userid, ip, raw, time)
        else:
            user.failed_from.expire(time)
            user.failed_with.expire(time)
        self._judge_failures(user, userid, ip, raw, block, failed, time, reasons)

        if not failed:
            self._judge_success(event, user, country, oddities, reasons)
            self._learn(user, event, block, asn, country)

        verdict = scoring.verdict(reasons, settings)
        for reason in verdict.reasons:
            user.reasons[reason.rule] = (time, reason)
        user.recent.append(event)
        return verdict

    def reputation_reason(self, event: Event) -> Reason | None:
        """The ``reputation.listed`` reason, again when a late DNS answer lands."""
        return network.listed(event.reputation, self.settings)

    def user_risk(self, userid: str) -> UserRisk | None:
        """The user panel's view of one user, or ``None`` if never seen (or gone)."""
        user = self.users.get(userid)
        if user is None:
            return None
        return user_risk(userid, user)

    def _judge_agent(self, event: Event, reasons: list[Reason]) -> None:
        """Forged, scripted and outdated agents; the string checks are cached."""
        raw = event.useragent
        checks = self._agent_checks.get(raw)
        if checks is None:
            checks = self._check_agent(raw)
        malformed, scripted = checks
        if malformed is None and raw[:8] == "mozilla/":
            malformed = self._lower_mozilla(raw)
        if raw[:8] in ("Mozilla/", "mozilla/"):
            self._mozilla[raw[0] == "m"] += 1
        if malformed is not None:
            reasons.append(malformed)
        if scripted is not None:
            reasons.append(scripted)

        agent = event.agent
        if agent is not None:
            outdated = self._outdated(agent)
            if outdated is not None:
                reasons.append(outdated)

    def _check_agent(self, raw: str) -> tuple[Reason | None, Reason | None]:
        settings = self.settings
        problem = agent_rules.malformed(raw, settings.max_agent_length)
        malformed = None
        if problem is not None:
            malformed = Reason("agent.malformed", problem, settings.points_malformed)
        client = agent_rules.scripted(raw)
        scripted = None
        if client is not None:
            detail = f"automation client {client}: {quoted(raw)}"
            scripted = Reason("agent.scripted", detail, settings.points_scripted)

        if len(self._agent_checks) >= _AGENT_CACHE_LIMIT:
            self._agent_checks.clear()
        self._agent_checks[raw] = (malformed, scripted)
        return malformed, scripted

    def _lower_mozilla(self, raw: str) -> Reason | None:
        """Browsers write ``Mozilla``; a lower-case one is typed by hand, unless
        the source folds every agent to lower case, which the counts show."""
        proper, lower = self._mozilla
        if lower > (proper + lower) * _LOWER_MOZILLA_USUAL and proper + lower >= 10:
            return None
        detail = f"lower-case Mozilla in {quoted(raw)}, unlike browsers"
        return Reason("agent.malformed", detail, self.settings.points_malformed)

    def _outdated(self, agent) -> Reason | None:
        """A browser or OS version older than nearly all of its family here."""
        versions = self.versions
        found: list[str] = []
        for family, major in (
            (agent.browser, agent.browser_major),
            (agent.os, agent.os_major),
        ):
            if family is None or major is None:
                continue
            try:
                number = int(major)
            except (TypeError, ValueError):
                continue
            judged = versions.older_share(family, number)
            versions.add(family, number)
            if judged is None:
                continue
            share, newest = judged
            if share <= self.settings.outdated_share and number < newest:
                found.append(
                    f"{family} {number} (newest here {newest}; "
                    f"{share:.1%} of {family} logins as old)"
                )
        if not found:
            return None
        return Reason("agent.outdated", "; ".join(found), self.settings.points_outdated)

    def _judge_novelty(
        self,
        event: Event,
        user: UserBaseline,
        block: str,
        asn: int | None,
        country: str | None,
        reasons: list[Reason],
    ) -> list[str]:
        """New device or network for an established user; returns what was new."""
        settings = self.settings
        if not user.established(settings):
            return []

        oddities: list[str] = []
        device = self._new_device(event, user)
        if device is not None:
            reasons.append(device)
            oddities.append("new device")
        place = network.new_network(user, block, asn, country, settings)
        if place is not None:
            reasons.append(place)
            oddities.append("new network")
        hour = int(event.time // 3600 % 24)
        if sum(user.hours) >= 20 and not user.hours[hour]:
            oddities.append(f"at {hour:02d} h UTC, an hour the user never logs in")
        return oddities

    def _new_device(self, event: Event, user: UserBaseline) -> Reason | None:
        """A device kind, device, OS or browser family new to the user.

        An agent the parser cannot read is compared as a whole string instead.
        """
        settings = self.settings
        agent = event.agent
        raw = event.useragent
        if agent is None or (agent.browser is None and agent.os is None):
            if raw in user.agents:
                return None
            before = names(user.agents.values, 2)
            detail = f"first login with agent {quoted(raw)} (before: {before})"
            return Reason("user.new_device", detail, settings.points_new_device)

        new: list[str] = []
        points = settings.points_new_device
        kind = agent.device_kind
        if kind is not None and kind not in user.device_kinds:
            before = names(user.device_kinds.values, 3)
            new.append(f"device kind {kind} (before: {before})")
            points += 5
        for label, value, seen in (
            ("device", agent.device, user.devices),
            ("OS", agent.os, user.systems),
            ("browser", agent.browser, user.browsers),
        ):
            if value is not None and value not in seen:
                new.append(f"{label} {value} (before: {names(seen.values, 3)})")
        if not new:
            return None
        return Reason("user.new_device", "first login with " + "; ".join(new), points)

    def _count_failure(
        self, user: UserBaseline, userid: str, ip: str, raw: str, time: float
    ) -> None:
        user.failures += 1
        user.failed_from.add(time, ip)
        user.failed_with.add(time, raw)
        self.addresses.get_or_make(ip).failed_users.add(time, userid)

    def _judge_failures(
        self,
        user: UserBaseline,
        userid: str,
        ip: str,
        raw: str,
        block: str,
        failed: bool,
        time: float,
        reasons: list[Reason],
    ) -> None:
        """The failure patterns this login belongs to.

        A success counts as part of a pattern only when it shares the address or
        agent of the failures; the real user logging in from their own laptop
        during an attack on their account is not the attack.
        """
        settings = self.settings
        in_pattern = failed or user.failed_from.count(ip) or user.failed_with.count(raw)
        if in_pattern:
            found = auth.brute_force(user, userid, ip, settings)
            if found is not None:
                reasons.append(found)
            found = auth.ip_hopping(user, settings)
            if found is not None:
                reasons.append(found)

        activity = self.addresses.get(ip)
        if activity is not None:
            activity.failed_users.expire(time)
            found = auth.password_spray(activity.failed_users, ip, settings)
            if found is not None:
                reasons.append(found)

        stuffing = None
        for crowds, key, shared in (
            (self.agent_crowds, raw, f"agent {quoted(raw)}"),
            (self.network_crowds, block, f"addresses in {block}"),
        ):
            crowd = crowds.get_or_make(key) if failed else crowds.get(key)
            if crowd is None:
                continue
            crowd.add(time, userid, ip, failed)
            if stuffing is None:
                stuffing = auth.credential_stuffing(crowd, shared, settings)
        if stuffing is not None:
            reasons.append(stuffing)

    def _judge_success(
        self,
        event: Event,
        user: UserBaseline,
        country: str | None,
        oddities: list[str],
        reasons: list[Reason],
    ) -> None:
        settings = self.settings
        time, ip, raw = event.time, event.ip, event.useragent
        found = auth.success_after_failures(user, oddities, settings)
        if found is not None:
            reasons.append(found)
        found = network.impossible_travel(user, time, country, settings)
        if found is not None:
            reasons.append(found)

        shared = self.shared_logins.get_or_make((ip, raw))
        shared.add(time, event.userid)
        found = network.many_users(shared, ip, raw, settings)
        if found is not None:
            reasons.append(found)

    def _learn(
        self,
        user: UserBaseline,
        event: Event,
        block: str,
        asn: int | None,
        country: str | None,
    ) -> None:
        """Make this success's device and network part of the user's habits."""
        time = event.time
        user.successes += 1
        user.hours[int(time // 3600 % 24)] += 1
        user.blocks.add(block)
        if asn is not None:
            user.networks.add(asn)
        if country is not None:
            user.countries.add(country)
            user.last_country = country
        user.last_success = time
        user.last_ip = event.ip

        user.agents.add(event.useragent)
        agent = event.agent
        if agent is None:
            return
        for value, seen in (
            (agent.device_kind, user.device_kinds),
            (agent.device, user.devices),
            (agent.os, user.systems),
            (agent.browser, user.browsers),
        ):
            if value is not None:
                seen.add(value)
