"""Rules about failed logins: one user, one address, one agent, and what follows.

Each rule reads a time window kept in the baselines and answers with a reason
whose points grow with how far past its threshold the window is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from puptect_tui.detect.verdict import Reason
from puptect_tui.detect.wording import duration, names, quoted

if TYPE_CHECKING:
    from puptect_tui.detect.baselines import Alerted, Crowd, UserBaseline
    from puptect_tui.detect.settings import DetectSettings
    from puptect_tui.detect.windows import Tally


def _points(base: int, beyond: int, settings: DetectSettings) -> int:
    """The rule's points plus a step for each count past its threshold, capped."""
    return base + min(settings.points_step * beyond, settings.points_step_cap)


def agents_in(failed_with: Tally) -> str:
    """``agent 'MoZillA'`` or ``2 agents: 'MoZillA' 7, 'ChromeBrowser Agent' 6``."""
    if failed_with.distinct == 1:
        return f"agent {quoted(str(next(iter(failed_with.counts))))}"
    ranked = sorted(failed_with.counts.items(), key=lambda item: -item[1])[:3]
    listed = ", ".join(f"{quoted(str(agent), 24)} {count}" for agent, count in ranked)
    return f"{failed_with.distinct} agents: {listed}"


def brute_force(
    user: UserBaseline, userid: str, ip: str, settings: DetectSettings
) -> Reason | None:
    """Many failures for one user from one address."""
    failures = user.failed_from.count(ip)
    if failures < settings.brute_force_failures:
        return None
    spread = duration(user.failed_from.spread)
    detail = f"{failures} failures for {userid} from {ip} in {spread}"
    beyond = failures - settings.brute_force_failures
    return Reason(
        "auth.brute_force",
        detail,
        _points(settings.points_brute_force, beyond, settings),
    )


def ip_hopping(user: UserBaseline, settings: DetectSettings) -> Reason | None:
    """Failures for one user from many addresses, the bot moving after each 401."""
    failed_from = user.failed_from
    addresses = failed_from.distinct
    if addresses < settings.hopping_addresses:
        return None
    detail = (
        f"{failed_from.total} failures from {addresses} addresses in "
        f"{duration(failed_from.spread)}, {agents_in(user.failed_with)}"
    )
    beyond = addresses - settings.hopping_addresses
    return Reason(
        "auth.ip_hopping", detail, _points(settings.points_hopping, beyond, settings)
    )


def password_spray(
    failed_users: Tally, ip: str, settings: DetectSettings
) -> Reason | None:
    """One address failing against many users."""
    users = failed_users.distinct
    if users < settings.spray_users:
        return None
    detail = (
        f"{ip} failed for {users} users in {duration(failed_users.spread)}: "
        f"{names(failed_users.counts, 4)}"
    )
    beyond = users - settings.spray_users
    return Reason(
        "auth.password_spray", detail, _points(settings.points_spray, beyond, settings)
    )


def credential_stuffing(
    crowd: Crowd, shared: str, time: float, settings: DetectSettings
) -> Reason | None:
    """One agent or network failing across many users from many addresses.

    ``shared`` says what the logins have in common (``agent 'x'``, a network);
    a busy agent or network passes while most of its logins succeed.
    """
    crowd.failed_users.expire(time)
    crowd.failed_addresses.expire(time)
    users = crowd.failed_users.distinct
    if users < settings.stuffing_users:
        return None
    addresses = crowd.failed_addresses.distinct
    if addresses < settings.stuffing_addresses:
        return None
    share = crowd.failure_share
    if share < settings.stuffing_failure_share:
        return None
    detail = (
        f"{crowd.failed_users.total} failures for {users} users from {addresses} "
        f"addresses in {duration(crowd.failed_users.spread)} with {shared} "
        f"({share:.0%} of its logins failed)"
    )
    beyond = users - settings.stuffing_users
    return Reason(
        "auth.credential_stuffing",
        detail,
        _points(settings.points_stuffing, beyond, settings),
    )


def success_after_failures(
    user: UserBaseline, oddities: list[str], settings: DetectSettings
) -> Reason | None:
    """A success right after a run of failures, when something about it is odd.

    ``oddities`` are what makes the success unusual for this user (a new device,
    a new network); failures from several addresses count as odd by themselves.
    Three typos and then a success from the usual laptop give no reason; from
    a device and a network both new, one failure fewer is enough, and from a
    country the user never logged in from, a single failure is.
    """
    failed_from = user.failed_from
    failures = failed_from.total
    needed = settings.success_failures
    if "new country" in oddities:
        needed = 1
    elif "new device" in oddities and "new network" in oddities:
        needed -= 1
    if failures < needed:
        return None
    odd = [oddity for oddity in oddities if oddity != "new country"]
    if failed_from.distinct > 1:
        odd.append(f"failures came from {failed_from.distinct} addresses")
    if not odd:
        return None
    detail = (
        f"success after {failures} failures in {duration(failed_from.spread)}, "
        + "; ".join(odd)
    )
    beyond = failures - settings.success_failures
    return Reason(
        "auth.success_after_failures",
        detail,
        _points(settings.points_success_after_failures, beyond, settings),
    )


def return_after_alert(
    alert: Alerted,
    time: float,
    ip: str,
    agent: str,
    familiar_agent: bool,
    settings: DetectSettings,
) -> Reason | None:
    """A success from the address, or the unfamiliar agent, of a recent high alert.

    An intruder who got in comes back. Once the failures that raised the first
    alert have left their window, the next visit would look merely new; this
    keeps it tied to the alert. The user's own familiar agent is no such tie.
    """
    since = time - alert.time
    if since > settings.follow_up_window:
        return None
    if ip == alert.ip:
        what = f"from {ip}"
    elif agent == alert.agent and not familiar_agent:
        what = f"with agent {quoted(agent)}"
    else:
        return None
    detail = f"back {what} {duration(since)} after a {alert.severity} alert"
    return Reason("auth.return_after_alert", detail, settings.points_follow_up)
