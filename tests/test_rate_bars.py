"""The rate bars of the statistics pane: zero at the bottom, a minute wide."""

from __future__ import annotations

from puptect_tui.widgets.rate_bars import bar_levels


def test_a_lone_second_is_one_bar_at_the_right_not_a_full_line():
    assert bar_levels([1], 6) == [0, 0, 0, 0, 0, 8]


def test_a_minute_without_failures_is_a_quiet_baseline():
    assert bar_levels([0] * 60, 6) == [0] * 6


def test_a_steady_rate_is_a_level_line_and_a_dip_is_small():
    assert bar_levels([5] * 60, 6) == [8] * 6
    assert bar_levels([100] * 59 + [99], 60)[-1] == 8


def test_each_column_shows_the_busiest_second_it_covers():
    assert bar_levels([4, 0, 1], 3, seconds=3) == [8, 0, 2]
    assert bar_levels([4, 0, 1, 0], 2, seconds=4) == [8, 2]
    assert len(bar_levels(list(range(60)), 200)) == 200
