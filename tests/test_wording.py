"""How reasons say times and lists to the analyst."""

import pytest

from puptect_tui.detect.wording import duration, names


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0.4, "0 s"),
        (49, "49 s"),
        (89.4, "89 s"),
        (240, "4 min"),
        (9000, "2.5 h"),
    ],
)
def test_duration_picks_the_unit_a_person_would_say(seconds, said):
    assert duration(seconds) == said


def test_duration_of_out_of_order_lines_is_never_negative():
    # Lines a little out of time order give a span below zero.
    assert duration(-0.14) == "0 s"
    assert duration(-30) == "0 s"


def test_names_says_how_many_more_and_escapes_control_characters():
    assert names(["john", "mary", "jules", "roger"], 2) == "john, mary and 2 more"
    assert "\x1b" not in names(["evil\x1b[2J"], 3)
