"""Time windows count exactly what a plain list of recent entries would."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from puptect_tui.detect.windows import Tally

steps = st.lists(
    st.tuples(st.floats(min_value=0, max_value=30), st.sampled_from("abcdefgh")),
    max_size=400,
)


@given(steps, st.integers(min_value=1, max_value=70))
def test_a_tally_counts_the_entries_of_its_window(gaps, limit):
    span = 60.0
    tally = Tally(span, limit)
    kept: list[tuple[float, str]] = []
    now = 0.0
    for gap, key in gaps:
        now += gap
        tally.add(now, key)
        kept.append((now, key))
        kept = [(time, k) for time, k in kept if time >= now - span][-limit:]

        assert tally.counts == Counter(k for _, k in kept)
        assert tally.total == len(kept)
        assert tally.since == kept[0][0]
        assert tally.spread == kept[-1][0] - kept[0][0]


def test_an_expired_tally_is_empty_and_says_so():
    tally = Tally(60.0)
    for second in range(100):
        tally.add(float(second), f"10.0.0.{second}")

    tally.expire(500.0)

    assert tally.total == 0
    assert tally.distinct == 0
    assert tally.since == 0.0
    assert tally.spread == 0.0
    assert tally.count("10.0.0.99") == 0


def test_a_flood_keeps_only_its_latest_entries_and_stays_small():
    tally = Tally(3600.0, limit=512)
    for number in range(100_000):
        tally.add(number / 1000, number % 7)

    assert tally.total == 512
    assert sum(tally.counts.values()) == 512
    assert len(tally.times) <= 2 * 512 + 64
