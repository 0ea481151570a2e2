"""The company's staff and their ordinary days of logging in.

Each user lives somewhere, keeps one or two devices, logs in a few times a
day in their own waking hours, mostly from home, sometimes from the office
or a phone's mobile network, and now and then mistypes the password.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from random import Random

from puptect_tui.simulate import agents, networks
from puptect_tui.simulate.agents import Device
from puptect_tui.simulate.networks import Country, Network
from puptect_tui.simulate.timeline import HOUR, MINUTE, SECOND, Timeline

NORMAL = "normal"
OFFICE_NAT = "lookalike:office_nat"
OUTDATED = "lookalike:outdated_browser"
HOLIDAY = "lookalike:holiday"

WORKDAY_HOURS = (
    0.2,
    0.1,
    0.05,
    0.05,
    0.05,
    0.2,
    0.8,
    2.5,
    6,
    7,
    5.5,
    4.5,
    4,
    5,
    4.5,
    4,
    3.5,
    3,
    2.5,
    2.8,
    3,
    2.6,
    1.5,
    0.6,
)
"""How a weekday's logins spread over the local hours: a morning peak."""
WEEKEND_HOURS = (
    0.4,
    0.2,
    0.1,
    0.05,
    0.05,
    0.05,
    0.2,
    0.6,
    1.5,
    2.5,
    3,
    3,
    2.8,
    2.5,
    2.5,
    2.5,
    2.5,
    2.6,
    2.8,
    3,
    3.2,
    2.8,
    1.8,
    0.9,
)
"""Weekends start later and lean to the evening."""

MISTYPE_CHANCE = 0.04
"""How often a session starts with a wrong password or two."""

_NAMES = """
john lauren henry abigail charlotte jules daniel roger natalia erik christine
mary olivia liam emma noah ava sophia isabella mason lucas mia amelia harper
evelyn james benjamin elijah oliver william alexander michael ethan jacob emily
elizabeth sofia ella madison scarlett victoria aria grace chloe camila penelope
riley layla lillian nora zoey hannah lily eleanor hazel violet aurora savannah
audrey brooklyn bella claire skylar lucy paisley anna caroline nova sebastian
jack owen samuel matthew joseph levi david wyatt carter julian luke grayson
isaac jayden theodore gabriel anthony dylan leo lincoln jaxon asher christopher
josiah andrew thomas joshua ezra hudson charles caleb isaiah ryan nathan adrian
christian maverick colton elias aaron eli landon jonathan nolan hunter cameron
connor santiago jeremiah ezekiel angel roman easton miles robert jameson
nicholas greyson cooper ian carson axel jaxson dominic leonardo luca austin
jordan adam xavier jose jace everett declan evan kayden parker wesley kai
brayden bryson weston jason emmett sawyer silas bennett brooks micah damian
harrison waylon ayden vincent ryder kingston rowan george luis chase cole
nathaniel zachary ashton braxton gavin tyler diego bentley amir beau gael
carlos ryker jasper max juan ivan brandon jonah giovanni kaiden priya arjun wei
mei yuki haruto minjun seoyeon lars ingrid piotr zofia giulia marco lucia pablo
ines joao ana thabo naledi somchai malee
"""

FIRST_NAMES = tuple(_NAMES.split())
"""First names as userids, as in the seed's stream (john, lauren, henry)."""

SURNAME_INITIALS = "abcdefghjklmnoprstvwz"


@dataclass(slots=True)
class Trip:
    """A journey abroad: flights out and back, and the stay between them."""

    departs: int
    arrives: int
    leaves: int
    returns: int
    networks: tuple[Network, ...]
    utc_offset: int

    def in_flight(self, moment: int) -> bool:
        return self.departs <= moment < self.arrives or (
            self.leaves <= moment < self.returns
        )

    def abroad(self, moment: int) -> bool:
        return self.arrives <= moment < self.leaves


@dataclass(slots=True)
class Office:
    """One office: everyone there reaches the Internet through one address."""

    country: Country
    address: str
    utc_offset: int


@dataclass(slots=True)
class User:
    """One member of staff and what makes their logins look like theirs."""

    userid: str
    country: Country
    utc_offset: int
    """Minutes east of UTC where they live."""
    home: Network
    """Their broadband block (a /24, or a /56 for IPv6)."""
    address: str
    """The home address their router has now; it changes now and then."""
    devices: list[Device]
    carrier: Network | None
    """Their phone's mobile network, if they use mobile data to log in."""
    office: Office | None
    daily_logins: float
    outdated: Device | None = None
    """An old but real browser at home, if they still use one."""
    trips: list[Trip] = field(default_factory=list)
    new_devices: list[tuple[int, Device, bool]] = field(default_factory=list)
    """Devices bought on a day, used from the next: (since, device, replaces phone)."""

    def trip_at(self, moment: int) -> Trip | None:
        for trip in self.trips:
            if trip.departs <= moment < trip.returns:
                return trip
        return None

    def phone(self) -> Device | None:
        return next((device for device in self.devices if device.mobile), None)

    def computer(self) -> Device | None:
        return next((device for device in self.devices if not device.mobile), None)


def build_population(rng: Random, count: int) -> list[User]:
    """``count`` users: most in the headquarters' country, the rest abroad."""
    headquarters = networks.COUNTRIES[rng.choice(networks.HEADQUARTERS)]
    abroad = [networks.COUNTRIES[code] for code in networks.ABROAD]
    abroad_weights = list(networks.ABROAD.values())
    offices: dict[tuple[str, int], Office] = {}
    userids = _userids(rng, count)

    users = []
    for userid in userids:
        country = (
            headquarters
            if rng.random() < 0.45
            else rng.choices(abroad, abroad_weights)[0]
        )
        users.append(_user(rng, userid, country, offices))

    _give_outdated_browsers(rng, users)
    return users


def _userids(rng: Random, count: int) -> list[str]:
    """Unique first-name userids, as the seed's stream had them."""
    names = list(FIRST_NAMES)
    rng.shuffle(names)
    userids: list[str] = []
    taken: set[str] = set()
    while len(userids) < count:
        name = names[len(userids) % len(names)]
        userid = name
        if userid in taken:
            userid = f"{name}.{rng.choice(SURNAME_INITIALS)}"
        while userid in taken:
            userid = f"{name}{rng.randint(2, 9999)}"
        taken.add(userid)
        userids.append(userid)
    return userids


def _user(
    rng: Random, userid: str, country: Country, offices: dict[tuple[str, int], Office]
) -> User:
    utc_offset = rng.choice(country.utc_offsets)
    home = rng.choice(networks.homes(country)).block(rng)
    devices = _devices(rng)

    carrier = None
    if any(device.mobile for device in devices) and rng.random() < 0.5:
        carrier = rng.choice(networks.mobiles(country))

    office = None
    if rng.random() < 0.3:
        office = offices.get((country.code, utc_offset))
        if office is None:
            ipv4 = [n for n in networks.homes(country) if n.version == 4]
            office = Office(country, rng.choice(ipv4).address(rng), utc_offset)
            offices[country.code, utc_offset] = office

    return User(
        userid=userid,
        country=country,
        utc_offset=utc_offset,
        home=home,
        address=home.address(rng),
        devices=devices,
        carrier=carrier,
        office=office,
        daily_logins=min(12.0, max(0.5, rng.lognormvariate(1.0, 0.6))),
    )


def _devices(rng: Random) -> list[Device]:
    """A computer and a phone, or just one of them."""
    roll = rng.random()
    if roll < 0.55:
        return [agents.draw(rng, agents.COMPUTERS), agents.draw(rng, agents.PHONES)]
    if roll < 0.8:
        return [agents.draw(rng, agents.COMPUTERS)]
    return [agents.draw(rng, agents.PHONES)]


def _give_outdated_browsers(rng: Random, users: list[User]) -> None:
    """About one user in fifty still uses a years-old browser at home."""
    wanted = max(1, round(len(users) * 0.02))
    for user in rng.sample(users, min(wanted, len(users))):
        user.outdated = rng.choice(agents.OUTDATED)


def logins_for_day(
    rng: Random, user: User, day_start: int, weekend: bool, timeline: Timeline
) -> None:
    """One user's sessions on one UTC day."""
    if user.new_devices:
        _adopt_new_devices(user, day_start)

    if user.trips:
        user.trips = [trip for trip in user.trips if trip.returns > day_start]
    trip = user.trip_at(day_start)
    utc_offset = trip.utc_offset if trip else user.utc_offset

    expected = user.daily_logins * (0.5 if weekend else 1.0)
    hours = _cumulative(weekend)
    for _ in range(_poisson(rng, expected)):
        local_hour = bisect.bisect(hours, rng.random() * hours[-1])
        local = local_hour * HOUR + rng.randrange(HOUR)
        moment = day_start + (local - utc_offset * MINUTE) % (24 * HOUR)
        session(rng, user, moment, local_hour, weekend, timeline)


def session(
    rng: Random,
    user: User,
    moment: int,
    local_hour: int,
    weekend: bool,
    timeline: Timeline,
) -> None:
    """One sitting: perhaps a mistyped password or two, then a success."""
    trip = user.trip_at(moment)
    if trip is not None and trip.in_flight(moment):
        return

    kind = NORMAL
    device = rng.choice(user.devices)
    if trip is not None:
        kind = HOLIDAY
        device = user.phone() or device
        address = rng.choice(trip.networks).address(rng)
    elif user.office and not weekend and 8 <= local_hour < 18 and rng.random() < 0.6:
        kind = OFFICE_NAT
        device = user.computer() or device
        address = user.office.address
    elif device.mobile and user.carrier and rng.random() < 0.4:
        address = user.carrier.address(rng)
    else:
        address = _home_address(rng, user)
        if user.outdated and rng.random() < 0.5:
            kind, device = OUTDATED, user.outdated

    failures = 0
    if rng.random() < MISTYPE_CHANCE:
        failures = rng.choices((1, 2, 3), (75, 20, 5))[0]
    for _ in range(failures):
        timeline.add(moment, user.userid, 401, address, device.agent, kind)
        moment += rng.randint(4 * SECOND, 25 * SECOND)
    timeline.add(moment, user.userid, 200, address, device.agent, kind)


def _adopt_new_devices(user: User, day_start: int) -> None:
    """Devices bought before today join the user's own; a new phone may retire one."""
    waiting = []
    for since, device, replaces in user.new_devices:
        if since >= day_start:
            waiting.append((since, device, replaces))
            continue
        old = user.phone()
        if replaces and old is not None:
            user.devices.remove(old)
        user.devices.append(device)
    user.new_devices = waiting


def _home_address(rng: Random, user: User) -> str:
    """IPv4 homes keep an address for weeks; IPv6 privacy addresses rotate."""
    if user.home.version == 6 or rng.random() < 0.02:
        user.address = user.home.address(rng)
    return user.address


_CUMULATIVE: dict[bool, list[float]] = {}


def _cumulative(weekend: bool) -> list[float]:
    weights = _CUMULATIVE.get(weekend)
    if weights is None:
        total, weights = 0.0, []
        for weight in WEEKEND_HOURS if weekend else WORKDAY_HOURS:
            total += weight
            weights.append(total)
        _CUMULATIVE[weekend] = weights
    return weights


def _poisson(rng: Random, mean: float) -> int:
    """Knuth's method: fine for the small means of logins per day."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
