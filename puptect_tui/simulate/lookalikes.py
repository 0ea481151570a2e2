"""Innocent episodes that look like attacks at first sight.

A detector is judged as much by what it leaves alone as by what it finds:
a forgotten password, a new phone and a holiday abroad all happen to honest
users. Shared office addresses and outdated browsers are part of the
population itself (see population.py); the episodes here are one-off events.
"""

from __future__ import annotations

from collections.abc import Callable

from puptect_tui.simulate import agents, networks
from puptect_tui.simulate.attacks import Scene
from puptect_tui.simulate.population import Trip, User
from puptect_tui.simulate.timeline import DAY, HOUR, MINUTE, SECOND

FORGOTTEN_PASSWORD = "lookalike:forgotten_password"
NEW_PHONE = "lookalike:new_phone"


def forgotten_password(scene: Scene, start: int) -> None:
    """Several failures, a pause to find or reset it, then a success at home."""
    rng = scene.rng
    user = _awake_at_home(scene, start)
    if user is None:
        return
    device = rng.choice(user.devices)
    address = user.address

    moment = start
    for _ in range(rng.randint(3, 7)):
        scene.timeline.add(
            moment, user.userid, 401, address, device.agent, FORGOTTEN_PASSWORD
        )
        moment += rng.randint(5 * SECOND, 40 * SECOND)
    moment += rng.randint(1 * MINUTE, 15 * MINUTE)
    scene.timeline.add(
        moment, user.userid, 200, address, device.agent, FORGOTTEN_PASSWORD
    )


def new_phone(scene: Scene, start: int) -> None:
    """A first login from a phone just bought, at home; it is theirs from now on."""
    rng = scene.rng
    user = _awake_at_home(scene, start)
    if user is None:
        return
    own = {device.agent for device in user.devices}
    own.update(device.agent for _, device, _ in user.new_devices)
    phone = agents.draw(rng, agents.PHONES)
    while phone.agent in own:
        phone = agents.draw(rng, agents.PHONES)

    scene.timeline.add(start, user.userid, 200, user.address, phone.agent, NEW_PHONE)
    user.new_devices.append((start, phone, rng.random() < 0.6))


def holiday(scene: Scene, start: int) -> None:
    """A trip abroad of a few days, with flights long enough for the distance.

    The logins abroad come from the ordinary sessions of population.py, which
    consult the user's trips; this only books the journey.
    """
    rng = scene.rng
    user = _at_home(scene, start)
    if user is None:
        return
    codes = [code for code in networks.DESTINATIONS if code != user.country.code]
    weights = [networks.DESTINATIONS[code] for code in codes]
    destination = networks.COUNTRIES[rng.choices(codes, weights)[0]]
    flight = int(networks.distance_km(user.country, destination) / 800 * HOUR)

    arrives = start + flight + rng.randint(2 * HOUR, 5 * HOUR)
    leaves = arrives + rng.randint(3 * DAY, 10 * DAY)
    returns = leaves + flight + rng.randint(2 * HOUR, 5 * HOUR)
    places = networks.homes(destination) + networks.mobiles(destination)
    user.trips.append(
        Trip(
            start, arrives, leaves, returns, places, rng.choice(destination.utc_offsets)
        )
    )


Episode = Callable[[Scene, int], None]

EPISODES: dict[str, Episode] = {
    "forgotten_password": forgotten_password,
    "new_phone": new_phone,
    "holiday": holiday,
}
"""The one-off innocent episodes, by the name their labels carry."""


def _at_home(scene: Scene, moment: int) -> User | None:
    """Someone not travelling around ``moment``; None after a few tries."""
    for _ in range(20):
        user = scene.rng.choice(scene.users)
        if all(
            trip.returns + DAY < moment or moment + 11 * DAY < trip.departs
            for trip in user.trips
        ):
            return user
    return None


def _awake_at_home(scene: Scene, moment: int) -> User | None:
    """Someone at home for whom ``moment`` falls between 7:00 and 23:00."""
    for _ in range(20):
        user = _at_home(scene, moment)
        if user is None:
            return None
        local_hour = (moment // HOUR + user.utc_offset // 60) % 24
        if 7 <= local_hour < 23:
            return user
    return None
