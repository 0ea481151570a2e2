"""Rules about where a login came from: lists, novelty, travel, shared addresses."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from puptect_tui.detect.verdict import Reason
from puptect_tui.detect.wording import duration, names, quoted

if TYPE_CHECKING:
    from puptect_tui.detect.baselines import UserBaseline
    from puptect_tui.detect.settings import DetectSettings
    from puptect_tui.detect.windows import Tally
    from puptect_tui.enrich.reputation import Reputation
    from puptect_tui.events import Address


def block_of(address: Address) -> str:
    """The /24 (IPv4) or /48 (IPv6) network text, as enrichment names blocks."""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network((address, prefix), strict=False))


def listed(reputation: Reputation | None, settings: DetectSettings) -> Reason | None:
    """The seed's rule: DNS zones and the team's own lists that name the address."""
    if reputation is None or not reputation.listed:
        return None

    parts: list[str] = []
    points = 0
    zones = list(reputation.listings)
    if zones:
        checked = max(reputation.checked, len(zones))
        parts.append(f"listed by {len(zones)} of {checked} zones: {', '.join(zones)}")
        points = settings.points_listed + settings.points_step * (len(zones) - 1)
    if reputation.local:
        parts.append(f"on local list {', '.join(reputation.local)}")
        points = max(points + settings.points_step, settings.points_listed_local)
    if reputation.failed:
        parts.append(f"{reputation.failed} zones failed to answer")
    return Reason("reputation.listed", "; ".join(parts), points)


def new_network(
    user: UserBaseline,
    block: str,
    network: int | None,
    country: str | None,
    settings: DetectSettings,
) -> Reason | None:
    """A country, network or address block the user's successes never came from.

    A new block in a known network only counts for a user who keeps to a few
    blocks; for one on a mobile network a new block is the usual.
    """
    new_country = country is not None and country not in user.countries
    new_asn = network is not None and network not in user.networks
    if new_country:
        known = names(user.countries.values, 4)
        detail = f"first login from country {country} (before: {known})"
        points = settings.points_new_network + 5
    elif new_asn:
        detail = f"first login from network AS{network}"
        points = settings.points_new_network
    elif block not in user.blocks and len(user.blocks) <= settings.settled_blocks:
        detail = f"first login from {block}; before only {names(user.blocks.values, 3)}"
        points = settings.points_new_network // 2
    else:
        return None
    return Reason("user.new_network", detail, points)


def impossible_travel(
    user: UserBaseline, time: float, country: str | None, settings: DetectSettings
) -> Reason | None:
    """Two successes from two countries closer in time than travel allows.

    Only countries are known, so any two countries count as far apart; the
    window is set for that (an hour by default). A switch between two countries
    the user has made before without alarm is no travel: a VPN or a border
    commute switches back and forth every day.
    """
    last = user.last_country
    if country is None or last is None or country == last:
        return None
    if (min(country, last), max(country, last)) in user.travels:
        return None
    elapsed = time - user.last_success
    if not 0 <= elapsed < settings.travel_window:
        return None
    detail = (
        f"login from {country} {duration(elapsed)} after one from {last} "
        f"({user.last_ip})"
    )
    return Reason("geo.impossible_travel", detail, settings.points_travel)


def many_users(
    users: Tally, ip: str, agent: str, settings: DetectSettings
) -> Reason | None:
    """One address and one agent logging in as several users in a short time."""
    count = users.distinct
    if count < settings.many_users:
        return None
    extra = min(
        settings.points_step * (count - settings.many_users), settings.points_step_cap
    )
    detail = (
        f"{ip} logged in as {count} users in {duration(users.spread)} "
        f"with one agent {quoted(agent)}: {names(users.counts, 5)}"
    )
    return Reason("ip.many_users", detail, settings.points_many_users + extra)
