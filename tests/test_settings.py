"""Settings come from defaults, a TOML file and the command line, in that order."""

from __future__ import annotations

import pytest

from puptect_tui.cli import build_parser, settings_from_args
from puptect_tui.detect.verdict import Severity
from puptect_tui.settings import Settings, SettingsError


def settings_for(*argv: str) -> Settings:
    return settings_from_args(build_parser().parse_args(list(argv)))


def test_defaults_match_the_documented_ones():
    settings = settings_for("logins.jsonl")

    assert settings.speed == 1.0
    assert settings.stats_every == 15
    assert settings.dnsbl is True
    assert settings.format == "text"
    assert settings.min_severity is Severity.MEDIUM


def test_config_file_is_read_and_its_paths_are_taken_from_its_folder(tmp_path):
    config = tmp_path / "puptect.toml"
    config.write_text(
        'speed = 0\nstats-every = 5\nblocklists = ["lists/bad.txt"]\n'
        'dnsbl_zones = ["bl.example"]\nmin_severity = "high"\n'
        '[map]\nuserid = "actor.alternateId"\n[detect]\nbrute_force_failures = 7\n'
    )

    settings = settings_for("--config", str(config), "x.jsonl")

    assert settings.speed == 0.0
    assert settings.stats_every == 5
    assert settings.blocklists == [str(tmp_path / "lists" / "bad.txt")]
    assert settings.dnsbl_zones == ["bl.example"]
    assert settings.min_severity is Severity.HIGH
    assert settings.field_map == ["userid=actor.alternateId"]
    assert settings.detect == {"brute_force_failures": 7}


def test_command_line_wins_over_config(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("speed = 0\nformat = 'jsonl'\n")

    settings = settings_for("--config", str(config), "--speed", "10", "x.jsonl")

    assert settings.speed == 10.0
    assert settings.format == "jsonl"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sped = 1", "unknown setting 'sped'"),
        ("speed = 'fast'", "speed must be a float"),
        ("follow = 1", "follow must be a bool"),
        ("blocklists = [1]", "blocklists must be a string or a list"),
        ("speed = [", "not valid TOML"),
        ("min_severity = 'dire'", "unknown severity"),
    ],
)
def test_bad_config_is_refused_with_the_setting_named(tmp_path, text, message):
    config = tmp_path / "bad.toml"
    config.write_text(text)

    with pytest.raises(SettingsError, match=message):
        Settings.from_toml(config)


def test_missing_config_says_so(tmp_path):
    with pytest.raises(SettingsError, match="cannot read config"):
        Settings.from_toml(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--speed", "-1", "x"), "--speed must be 0 or more"),
        (("--stats-every", "0", "x"), "--stats-every must be 1 or more"),
        (("-",), "needs --headless"),
    ],
)
def test_impossible_combinations_are_refused(argv, message):
    with pytest.raises(SettingsError, match=message):
        settings_for(*argv)
