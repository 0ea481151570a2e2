"""The detector: every rule over one login, against what came before it.

``score`` reads the state of the windows and baselines as they stand, adds the
login to them, and joins the rules' reasons into one verdict. Event time drives
every window, so a replay at any speed gives the same verdicts.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Final

from puptect_tui.detect import scoring
from puptect_tui.detect.baselines import (
    AddressActivity,
    Alerted,
    Crowd,
    UserBaseline,
)
from puptect_tui.detect.risk import UserRisk, user_risk
from puptect_tui.detect.rules import agent as agent_rules
from puptect_tui.detect.rules import auth, network
from puptect_tui.detect.settings import DetectSettings
from puptect_tui.detect.verdict import NOTHING_FOUND, Reason, Severity, Verdict
from puptect_tui.detect.windows import Recent, Tally
from puptect_tui.detect.wording import names, quoted

if TYPE_CHECKING:
    from puptect_tui.events import Event

_AGENT_CACHE_LIMIT: Final = 20_000
_LOWER_MOZILLA_USUAL: Final = 0.5
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
        self.shared_logins: Recent[tuple[str, str], Tally | tuple[str, float]] = Recent(
            settings.max_addresses, _never_made
        )
        """Users logged in per address and agent (many users): the one user and
        the time, or a window once there are more."""
        self._shared_made: deque[tuple[str, str]] = deque()
        """The keys of ``shared_logins`` in the order they were made."""
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
        """Judge one login, then learn from it. Never raises on odd input.

        The usual login (a known user on a known device and network) takes a
        short path: nothing about it can be new, so novelty is not checked.
        This method runs for every event; what it does per event is kept to
        dictionary steps, and everything rarer lives in the methods it calls.
        """
        settings = self.settings
        raw = event.useragent
        ip = event.ip
        failed = event.success is False
        user = self.users.get_or_make(event.userid)
        user.logins += 1
        addresses = user.addresses.values
        if ip in addresses:
            addresses[ip] += 1
        else:
            user.addresses.add(ip)

        reasons: list[Reason] = []
        reputation = event.reputation
        if reputation is not None and (reputation.listings or reputation.local):
            listed = network.listed(reputation, settings)
            if listed is not None:
                reasons.append(listed)
        self._judge_agent(event, failed, reasons)

        place = event.place
        if place is not None and place.block:
            block, country, asn = place.block, place.country, place.asn
        else:
            block = network.block_of(event.address)
            country = place.country if place is not None else None
            asn = place.asn if place is not None else None

        usual = raw in user.agents.values and block in user.blocks.values
        oddities: list[str] = []
        if not usual and user.successes >= settings.baseline_logins:
            self._judge_novelty(event, user, block, asn, country, reasons, oddities)

        if failed:
            self._judge_failure(event, user, block, oddities, reasons)
        else:
            self._judge_success(event, user, block, country, oddities, reasons)

        if settings.recent_logins:
            recent = user.recent
            recent.append(event)
            if len(recent) > settings.recent_logins:
                del recent[0]
        if not reasons:
            if not failed:
                self._learn(user, event, block, asn, country, usual)
            return NOTHING_FOUND
        verdict = scoring.verdict(reasons, settings)
        for reason in verdict.reasons:
            user.reasons[reason.rule] = (event.time, reason)
        if verdict.severity >= Severity.HIGH:
            label = verdict.severity.label
            user.last_alert = Alerted(event.time, ip, raw, label)
        if not failed and verdict.score < settings.learn_below:
            self._learn(user, event, block, asn, country, usual)
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

    def _judge_agent(self, event: Event, failed: bool, reasons: list[Reason]) -> None:
        """Forged, scripted and outdated agents; the string checks are cached.

        A forged or scripted agent that also fails to log in is no developer
        trying a tool on their own account: it weighs more.
        """
        raw = event.useragent
        checks = self._agent_checks.get(raw)
        if checks is None:
            checks = self._check_agent(raw)
        malformed, scripted = checks
        head = raw[:8]
        if head == "Mozilla/":
            self._mozilla[0] += 1
        elif head == "mozilla/":
            self._mozilla[1] += 1
            if malformed is None:
                malformed = self._lower_mozilla(raw)
        for found in (malformed, scripted):
            if found is None:
                continue
            if failed:
                found = Reason(
                    found.rule,
                    found.detail + "; the login failed",
                    found.points + self.settings.points_agent_failed,
                )
            reasons.append(found)

        agent = event.agent
        if agent is not None:
            outdated = self.versions.judge(agent)
            if outdated is not None:
                points = self.settings.points_outdated
                reasons.append(Reason("agent.outdated", outdated, points))

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

    def _judge_novelty(
        self,
        event: Event,
        user: UserBaseline,
        block: str,
        asn: int | None,
        country: str | None,
        reasons: list[Reason],
        oddities: list[str],
    ) -> None:
        """New device or network for an established user; notes what was new."""
        device = self._new_device(event, user)
        if device is not None:
            reasons.append(device)
            oddities.append("new device")
        place = network.new_network(user, block, asn, country, self.settings)
        if place is not None:
            reasons.append(place)
            oddities.append("new network")
            if country is not None and country not in user.countries:
                oddities.append("new country")
        hour = int(event.time // 3600 % 24)
        if user.successes >= 20 and not user.hours[hour]:
            oddities.append(f"at {hour:02d} h UTC, an hour the user never logs in")

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

    def _judge_failure(
        self,
        event: Event,
        user: UserBaseline,
        block: str,
        oddities: list[str],
        reasons: list[Reason],
    ) -> None:
        """Count a failure everywhere, then every failure pattern it is part of."""
        settings = self.settings
        time, ip, raw, userid = event.time, event.ip, event.useragent, event.userid
        user.failures += 1
        user.failed_from.add(time, ip)
        user.failed_with.add(time, raw)
        activity = self.addresses.get_or_make(ip)
        activity.failed_users.add(time, userid)

        if "new country" in oddities or (
            "new device" in oddities and "new network" in oddities
        ):
            where = (
                "a country"
                if "new device" not in oddities
                else "a device and a network"
            )
            detail = f"failed login from {where} new to {userid}"
            points = settings.points_unfamiliar_failure
            reasons.append(Reason("auth.unfamiliar_failure", detail, points))
        self._judge_user_patterns(user, userid, ip, reasons)
        found = auth.password_spray(activity.failed_users, ip, settings)
        if found is not None:
            reasons.append(found)

        stuffing = self._judge_crowd(self.agent_crowds.get_or_make(raw), event, None)
        if stuffing is None:
            crowd = self.network_crowds.get_or_make(block)
            stuffing = self._judge_crowd(crowd, event, block)
        if stuffing is not None:
            reasons.append(stuffing)

    def _judge_user_patterns(
        self, user: UserBaseline, userid: str, ip: str, reasons: list[Reason]
    ) -> None:
        settings = self.settings
        found = auth.brute_force(user, userid, ip, settings)
        if found is not None:
            reasons.append(found)
        found = auth.ip_hopping(user, settings)
        if found is not None:
            reasons.append(found)

    def _judge_crowd(
        self, crowd: Crowd, event: Event, block: str | None
    ) -> Reason | None:
        """Count a failure in a crowd and check it for credential stuffing.

        ``block`` is None for the crowd of one agent. A crowd is made at its
        first failure; once a check finds no stuffing, only a new failure can
        change that, so successes skip the check.
        """
        crowd.add(event.time, event.userid, event.ip, True)
        return self._check_stuffing(crowd, event, block)

    def _check_stuffing(
        self, crowd: Crowd, event: Event, block: str | None
    ) -> Reason | None:
        if len(crowd.failed_users.counts) < self.settings.stuffing_users:
            crowd.quiet = True  # too few users for stuffing until the next failure
            return None
        raw = event.useragent
        shared = f"addresses in {block}" if block else f"agent {quoted(raw)}"
        found = auth.credential_stuffing(crowd, shared, event.time, self.settings)
        crowd.quiet = found is None
        return found

    def _judge_success(
        self,
        event: Event,
        user: UserBaseline,
        block: str,
        country: str | None,
        oddities: list[str],
        reasons: list[Reason],
    ) -> None:
        """A success: after failures, far from the last, or one of many users.

        A success counts as part of the user's failure pattern only when it
        shares the address or agent of the failures; the real user logging in
        from their own laptop during an attack on their account is not it.
        """
        settings = self.settings
        time, ip, raw = event.time, event.ip, event.useragent
        failed_from = user.failed_from
        if failed_from.counts:
            failed_from.expire(time)
            user.failed_with.expire(time)
            if failed_from.count(ip) or user.failed_with.count(raw):
                self._judge_user_patterns(user, event.userid, ip, reasons)
            if failed_from.counts:
                found = auth.success_after_failures(user, oddities, settings)
                if found is not None:
                    reasons.append(found)
        if country != user.last_country:
            found = network.impossible_travel(user, time, country, settings)
            if found is not None:
                reasons.append(found)

        activity = self.addresses.items.get(ip)
        if activity is not None and activity.failed_users.counts:
            activity.failed_users.expire(time)
            found = auth.password_spray(activity.failed_users, ip, settings)
            if found is not None:
                reasons.append(found)
        stuffing = None
        crowd = self.agent_crowds.items.get(raw)
        if crowd is not None:
            crowd.successes.add(time)
            crowd.latest = time
            if not crowd.quiet:
                stuffing = self._check_stuffing(crowd, event, None)
        crowd = self.network_crowds.items.get(block)
        if crowd is not None:
            crowd.successes.add(time)
            crowd.latest = time
            if stuffing is None and not crowd.quiet:
                stuffing = self._check_stuffing(crowd, event, block)
        if stuffing is not None:
            reasons.append(stuffing)

        alert = user.last_alert
        if alert is not None:
            familiar = raw in user.agents.values
            found = auth.return_after_alert(alert, time, ip, raw, familiar, settings)
            if found is not None:
                reasons.append(found)

        shared = self._shared_login(ip, raw, event.userid, time)
        if shared is not None and len(shared.counts) >= settings.many_users:
            found = network.many_users(shared, ip, raw, settings)
            if found is not None:
                reasons.append(found)

    def _shared_login(
        self, ip: str, raw: str, userid: str, time: float
    ) -> Tally | None:
        """Users logged in lately from this address with this agent.

        Nearly every address and agent serve one user: those keep only that
        user and the time, and get a window once a second user shows up.
        """
        key = (ip, raw)
        items = self.shared_logins.items
        seen = items.get(key)
        if seen is None or isinstance(seen, tuple):
            if (
                seen is None
                or seen[0] == userid
                or time - seen[1] > self.settings.many_users_window
            ):
                if seen is None:
                    self._made_shared(key)
                items[key] = (userid, time)
                return None
            tally = Tally(self.settings.many_users_window, self.settings.window_entries)
            tally.add(seen[1], seen[0])
            items[key] = seen = tally
        seen.add(time, userid)
        return seen

    def _made_shared(self, key: tuple[str, str]) -> None:
        """Note a new address and agent; past the limit the oldest made leaves.

        The queue of keys finds the oldest at once: a dict finds its first
        entry by walking every slot freed since it last grew, which cost 27 us
        per eviction at 100k entries.
        """
        made = self._shared_made
        if len(made) >= self.shared_logins.limit:
            del self.shared_logins.items[made.popleft()]
        made.append(key)

    def _learn(
        self,
        user: UserBaseline,
        event: Event,
        block: str,
        asn: int | None,
        country: str | None,
        usual: bool,
    ) -> None:
        """Make this success's device and network part of the user's habits."""
        time = event.time
        last = user.last_country
        if country is not None and last is not None and country != last:
            if time - user.last_success < self.settings.travel_window:
                user.travels.add((min(country, last), max(country, last)))
            user.last_country = country
        user.successes += 1
        user.hours[int(time // 3600 % 24)] += 1
        user.last_success = time
        user.last_ip = event.ip
        if usual:
            return

        user.blocks.add(block)
        if asn is not None:
            user.networks.add(asn)
        if country is not None:
            user.countries.add(country)
            user.last_country = country
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


def _never_made() -> tuple[str, float]:
    """``shared_logins`` entries are written whole, never made on a lookup."""
    return ("", 0.0)
