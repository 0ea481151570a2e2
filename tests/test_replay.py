"""Replay at the recorded pace: the gaps between logins, scaled by the speed."""

from __future__ import annotations

import threading

import pytest

from puptect_tui.sources import PACE_SLICE, Pacer

START = 1_000.0


class FakeTime:
    """A clock that only moves when the pacer sleeps (or a test says so)."""

    def __init__(self, oversleep: float = 0.0):
        self.now = START
        self.sleeps: list[float] = []
        self.oversleep = oversleep
        self.during_sleep = None

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds + self.oversleep
        if self.during_sleep is not None:
            self.during_sleep()


def replay(pacer: Pacer, fake: FakeTime, event_times: list[float]) -> list[float]:
    """The wall clock at which each event was released, relative to the start."""
    released = []
    for event_time in event_times:
        pacer.wait_for(event_time)
        released.append(round(fake.now - START, 6))
    return released


def make(speed: float = 1.0, **options) -> tuple[Pacer, FakeTime]:
    fake = FakeTime(options.pop("oversleep", 0.0))
    pacer = Pacer(speed, clock=fake.clock, sleep=fake.sleep, **options)
    return pacer, fake


def test_speed_1_keeps_the_recorded_gaps():
    pacer, fake = make(1.0)

    released = replay(pacer, fake, [50.0, 51.0, 53.5, 53.5, 54.0])

    assert released == [0.0, 1.0, 3.5, 3.5, 4.0]
    assert fake.sleeps == [0.25] * 16


def test_speed_10_divides_the_gaps_by_ten():
    pacer, fake = make(10.0)

    released = replay(pacer, fake, [0.0, 2.0, 7.0])

    assert released == [0.0, 0.2, 0.7]
    assert fake.sleeps == pytest.approx([0.2, 0.25, 0.25])


def test_no_single_sleep_is_longer_than_a_slice():
    pacer, fake = make(1.0)

    replay(pacer, fake, [0.0, 3600.0])

    assert max(fake.sleeps) == PACE_SLICE
    assert sum(fake.sleeps) == pytest.approx(3600.0)


def test_sleeping_too_long_does_not_make_the_replay_drift():
    pacer, fake = make(1.0, oversleep=0.01)

    released = replay(pacer, fake, [float(second) for second in range(11)])

    assert released[-1] == pytest.approx(10.01)  # one oversleep, not ten of them


def test_speed_0_never_sleeps_nor_reads_the_clock():
    def forbidden(*_):
        raise AssertionError("speed 0 must not wait")

    pacer = Pacer(0, clock=forbidden, sleep=forbidden)

    for event_time in (0.0, 10.0, 5.0, 3600.0):
        pacer.wait_for(event_time)


def test_a_late_event_is_released_at_once():
    pacer, fake = make(1.0)
    pacer.wait_for(0.0)
    fake.now += 5.0  # the consumer was busy for five seconds

    released = replay(pacer, fake, [2.0, 4.0, 7.0])

    assert released == [5.0, 5.0, 7.0]


def test_an_event_earlier_than_the_last_is_released_at_once():
    pacer, fake = make(1.0)

    released = replay(pacer, fake, [10.0, 20.0, 14.0, 22.0])

    assert released == [0.0, 10.0, 10.0, 12.0]


def test_a_speed_change_between_events_applies_to_the_rest_of_the_gap():
    pacer, fake = make(1.0)
    pacer.wait_for(0.0)
    fake.now += 4.0  # four of the ten recorded seconds went by at speed 1

    pacer.speed = 2.0
    released = replay(pacer, fake, [10.0, 20.0])

    assert released == [7.0, 12.0]


def test_a_speed_change_during_a_wait_shortens_it():
    pacer, fake = make(1.0)
    pacer.wait_for(0.0)

    def press_plus() -> None:
        if pacer.speed == 1.0:
            pacer.speed = 10.0

    fake.during_sleep = press_plus
    released = replay(pacer, fake, [10.0])

    assert released == [pytest.approx(0.25 + 9.75 / 10)]


def test_speed_0_during_a_wait_releases_the_event():
    pacer, fake = make(1.0)
    pacer.wait_for(0.0)
    fake.during_sleep = lambda: setattr(pacer, "speed", 0)

    released = replay(pacer, fake, [600.0, 1200.0])

    assert released == [0.25, 0.25]


def test_from_speed_0_back_to_1_paces_from_the_last_event():
    pacer, fake = make(0)
    replay(pacer, fake, [0.0, 100.0, 200.0])

    pacer.speed = 1.0
    released = replay(pacer, fake, [203.0, 204.0])

    assert released == [3.0, 4.0]


def test_max_gap_caps_one_recorded_hole():
    pacer, fake = make(1.0, max_gap=5.0)

    released = replay(pacer, fake, [0.0, 1.0, 30_001.0, 30_002.0, 30_004.0])

    assert released == [0.0, 1.0, 6.0, 7.0, 9.0]


def test_max_gap_at_speed_2_is_in_recorded_seconds():
    pacer, fake = make(2.0, max_gap=4.0)

    released = replay(pacer, fake, [0.0, 3600.0, 3601.0])

    assert released == [0.0, 2.0, 2.5]


def test_stop_interrupts_a_long_wait():
    stop = threading.Event()
    pacer, fake = make(1.0, stop=stop)
    pacer.wait_for(0.0)
    fake.during_sleep = lambda: len(fake.sleeps) == 2 and stop.set()

    pacer.wait_for(8 * 3600.0)

    assert fake.sleeps == [0.25, 0.25]


def test_a_negative_speed_is_refused():
    with pytest.raises(ValueError, match="speed must be 0 or more"):
        Pacer(-1)
    pacer = Pacer(1)
    with pytest.raises(ValueError):
        pacer.speed = -2
