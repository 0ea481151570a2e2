"""Attack campaigns: who they target, from where, with which agent, how fast.

Each campaign writes all its logins at once, starting at a given moment,
every one labelled with the campaign's kind and id. Successes inside a
campaign are the logins an analyst most needs to see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from puptect_tui.simulate import agents, networks
from puptect_tui.simulate.population import FIRST_NAMES, User
from puptect_tui.simulate.timeline import MINUTE, SECOND, Timeline

COMMON_ACCOUNTS = (
    "admin",
    "administrator",
    "root",
    "test",
    "guest",
    "support",
    "info",
    "backup",
    "user",
    "sales",
)
"""Account names every spraying and guessing tool tries."""


@dataclass(slots=True)
class Scene:
    """What a campaign draws on: randomness, the staff, where logins go."""

    rng: Random
    users: list[User]
    timeline: Timeline


Campaign = Callable[[Scene, int, str], None]


def brute_force(scene: Scene, start: int, campaign: str) -> None:
    """Many failures for one account from one address, at a script's pace."""
    rng = scene.rng
    userid = _victim(scene).userid if rng.random() < 0.9 else _common(rng)
    address = rng.choice(networks.HOSTING).address(rng)
    agent = rng.choice(agents.SCRIPTED + agents.TOOLS)
    pace = rng.uniform(0.5, 4.0) * SECOND

    moment = start
    for _ in range(rng.randint(20, 120)):
        _add(scene, moment, userid, 401, address, agent, "brute_force", campaign)
        moment += _jitter(rng, pace)
    if userid not in COMMON_ACCOUNTS and rng.random() < 0.15:
        _add(scene, moment, userid, 200, address, agent, "brute_force", campaign)


def ip_hopping(scene: Scene, start: int, campaign: str) -> None:
    """Failures for one account, a fresh address after every 401 (the seed's henry)."""
    rng = scene.rng
    userid = _victim(scene).userid
    odd_agents = rng.sample(agents.HOPPING, rng.choice((1, 2)))
    pool = networks.PROXIES if rng.random() < 0.7 else networks.HOSTING

    moment = start
    for _ in range(rng.randint(8, 30)):
        address = rng.choice(pool).address(rng)
        agent = rng.choice(odd_agents)
        _add(scene, moment, userid, 401, address, agent, "ip_hopping", campaign)
        moment += rng.randint(4 * SECOND, 16 * SECOND)
    if rng.random() < 0.25:
        address = rng.choice(pool).address(rng)
        agent = rng.choice(odd_agents)
        _add(scene, moment, userid, 200, address, agent, "ip_hopping", campaign)


def password_spray(scene: Scene, start: int, campaign: str) -> None:
    """One address trying one or two passwords on many accounts, slowly."""
    rng = scene.rng
    address = rng.choice(networks.HOSTING + networks.PROXIES).address(rng)
    agent = _one_agent(rng)
    staff = rng.sample(scene.users, min(len(scene.users), rng.randint(15, 60)))
    targets = [user.userid for user in staff]
    targets += rng.sample(COMMON_ACCOUNTS, rng.randint(0, 4))
    weak = rng.choice(staff).userid if rng.random() < 0.3 else None

    moment = start
    for _ in range(rng.choice((1, 1, 2))):
        rng.shuffle(targets)
        for userid in targets:
            status = 200 if userid == weak else 401
            _add(
                scene,
                moment,
                userid,
                status,
                address,
                agent,
                "password_spray",
                campaign,
            )
            moment += rng.randint(20 * SECOND, 4 * MINUTE)
        weak = None


def credential_stuffing(scene: Scene, start: int, campaign: str) -> None:
    """Leaked username and password pairs tried across many proxy addresses."""
    rng = scene.rng
    if rng.random() < 0.7:
        agent_set = [agents.windows_chrome(rng).agent for _ in range(rng.randint(1, 3))]
    else:
        agent_set = [rng.choice(agents.SCRIPTED)]
    known = {user.userid for user in scene.users}

    moment = start
    address, uses = "", 0
    for _ in range(rng.randint(30, 120)):
        if uses == 0:
            address, uses = rng.choice(networks.PROXIES).address(rng), rng.randint(1, 4)
        uses -= 1
        if rng.random() < 0.4:
            userid = rng.choice(scene.users).userid
            status = 200 if rng.random() < 0.05 else 401
        else:
            userid = _leaked_name(rng, known)
            status = 401
        agent = rng.choice(agent_set)
        _add(
            scene,
            moment,
            userid,
            status,
            address,
            agent,
            "credential_stuffing",
            campaign,
        )
        moment += rng.randint(300, 4 * SECOND)


def account_takeover(scene: Scene, start: int, campaign: str) -> None:
    """A few failures then a success from abroad, on a device the user never had.

    The address is a hosting range most of the time and a residential proxy
    otherwise: attackers who rent proxies look like someone's home.
    """
    rng = scene.rng
    user = _victim(scene)
    pool = networks.HOSTING if rng.random() < 0.6 else networks.PROXIES
    foreign = [n for n in pool if n.country != user.country.code]
    address = rng.choice(foreign).address(rng)
    agent = _new_device(rng, user)

    moment = start
    for _ in range(rng.randint(1, 5)):
        _add(
            scene,
            moment,
            user.userid,
            401,
            address,
            agent,
            "account_takeover",
            campaign,
        )
        moment += rng.randint(10 * SECOND, 90 * SECOND)
    _add(scene, moment, user.userid, 200, address, agent, "account_takeover", campaign)
    for _ in range(rng.randint(0, 2)):
        moment += rng.randint(5 * MINUTE, 60 * MINUTE)
        _add(
            scene,
            moment,
            user.userid,
            200,
            address,
            agent,
            "account_takeover",
            campaign,
        )


def bad_agent(scene: Scene, start: int, campaign: str) -> None:
    """A handful of logins with an agent no browser sends."""
    rng = scene.rng
    agent = rng.choice(agents.MALFORMED)
    address = rng.choice(networks.HOSTING + networks.PROXIES).address(rng)
    targets = [_victim(scene).userid for _ in range(rng.randint(1, 3))]
    _few_accounts(
        scene, start, (agent, address, targets), "bad_agent", campaign,
        logins=rng.randint(2, 8), success_rate=0.15, gap=(2, 30),
    )  # fmt: skip


def scripted_agent(scene: Scene, start: int, campaign: str) -> None:
    """An automation client logging in to a few accounts from a cloud host."""
    rng = scene.rng
    agent = rng.choice(agents.SCRIPTED)
    address = rng.choice(networks.HOSTING).address(rng)
    targets = [_victim(scene).userid for _ in range(rng.randint(1, 4))]
    _few_accounts(
        scene, start, (agent, address, targets), "scripted_agent", campaign,
        logins=rng.randint(3, 12), success_rate=0.3, gap=(1, 20),
    )  # fmt: skip


def _few_accounts(
    scene: Scene,
    start: int,
    source: tuple[str, str, list[str]],
    kind: str,
    campaign: str,
    *,
    logins: int,
    success_rate: float,
    gap: tuple[int, int],
) -> None:
    """Logins from one agent and address to a few accounts, ``gap`` seconds apart."""
    rng = scene.rng
    agent, address, targets = source
    moment = start
    for _ in range(logins):
        status = 200 if rng.random() < success_rate else 401
        _add(scene, moment, rng.choice(targets), status, address, agent, kind, campaign)
        moment += rng.randint(gap[0] * SECOND, gap[1] * SECOND)


def many_users(scene: Scene, start: int, campaign: str) -> None:
    """One address logging in successfully as many accounts with one agent."""
    rng = scene.rng
    address = rng.choice(networks.HOSTING + networks.PROXIES).address(rng)
    agent = _one_agent(rng)
    accounts = rng.sample(scene.users, min(len(scene.users), rng.randint(8, 30)))

    moment = start
    for user in accounts:
        status = 200 if rng.random() < 0.9 else 401
        _add(scene, moment, user.userid, status, address, agent, "many_users", campaign)
        moment += rng.randint(10 * SECOND, 90 * SECOND)


CAMPAIGNS: dict[str, tuple[Campaign, float]] = {
    "brute_force": (brute_force, 72),
    "ip_hopping": (ip_hopping, 20),
    "password_spray": (password_spray, 53),
    "credential_stuffing": (credential_stuffing, 75),
    "account_takeover": (account_takeover, 5),
    "bad_agent": (bad_agent, 5),
    "scripted_agent": (scripted_agent, 7.5),
    "many_users": (many_users, 19),
}
"""Each attack kind, and how many logins one campaign of it makes on average."""

ALL_ATTACKS = tuple(CAMPAIGNS)


def _add(
    scene: Scene,
    moment: int,
    userid: str,
    status: int,
    address: str,
    agent: str,
    kind: str,
    campaign: str,
) -> None:
    scene.timeline.add(moment, userid, status, address, agent, kind, campaign)


def _victim(scene: Scene) -> User:
    return scene.rng.choice(scene.users)


def _common(rng: Random) -> str:
    return rng.choice(COMMON_ACCOUNTS)


def _one_agent(rng: Random) -> str:
    """Half the time a script, half the time a current browser's agent."""
    if rng.random() < 0.5:
        return rng.choice(agents.SCRIPTED)
    return agents.draw(rng, agents.COMPUTERS).agent


def _new_device(rng: Random, user: User) -> str:
    """A current browser the victim has never used."""
    own = {device.agent for device in user.devices}
    while True:
        agent = agents.draw(rng, agents.COMPUTERS).agent
        if agent not in own:
            return agent


def _leaked_name(rng: Random, known: set[str]) -> str:
    """A username from someone else's breach: not one of ours."""
    while True:
        name = f"{rng.choice(FIRST_NAMES)}{rng.randint(1, 9999)}"
        if name not in known:
            return name


def _jitter(rng: Random, pace: float) -> int:
    return max(50, int(rng.gauss(pace, pace * 0.3)))
