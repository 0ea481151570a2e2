"""Geography: country, network and address block of a login's address."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from puptect_tui.enrich.geo import Geo, GeoError, Place, address_block
from puptect_tui.events import parse_address

FIXTURES = Path(__file__).resolve().parent / "data"
MAXMIND_DB = FIXTURES / "asn-maxmind.mmdb"
IPINFO_DB = FIXTURES / "asn-ipinfo.mmdb"


def place(geo: Geo, text: str) -> Place:
    return geo.place(parse_address(text))


def test_country_comes_from_the_compiled_in_registry_data():
    geo = Geo()

    assert place(geo, "109.184.11.34").country == "RU"
    assert place(geo, "175.45.176.5").country == "KP"
    assert place(geo, "2a00:1450:4001::1").country == "IE"


def test_without_a_database_there_is_no_network_but_a_block():
    found = place(Geo(), "109.184.11.34")

    assert (found.asn, found.network_name) == (None, None)
    assert found.block == "109.184.11.0/24"


@pytest.mark.parametrize("text", ["10.1.2.3", "127.0.0.1", "192.168.0.9", "::1"])
def test_private_and_special_addresses_have_no_country(text):
    assert place(Geo(MAXMIND_DB), text).country is None


@pytest.mark.parametrize(
    ("text", "block"),
    [
        ("109.184.11.34", "109.184.11.0/24"),
        ("10.0.0.255", "10.0.0.0/24"),
        ("2001:db8:aa:bb::1", "2001:db8:aa::/48"),
        ("2a00:1450:4001:81c::200e", "2a00:1450:4001::/48"),
    ],
)
def test_address_block_is_the_24_or_the_48(text, block):
    assert address_block(parse_address(text)) == block


@pytest.mark.parametrize("database", [MAXMIND_DB, IPINFO_DB])
def test_network_from_a_maxmind_or_ipinfo_database(database):
    geo = Geo(database)

    found = place(geo, "175.45.177.9")

    assert found == Place("KP", 64501, "Example State Network", "175.45.177.0/24")
    assert place(geo, "8.8.8.8").asn is None


def test_registry_country_wins_over_the_databases_own():
    """The IPinfo fixture says "ZZ" everywhere; iptocc knows better."""
    assert place(Geo(IPINFO_DB), "109.184.11.34").country == "RU"


def test_database_names_itself_for_the_header():
    assert Geo(MAXMIND_DB).asn_source == "Test-GeoLite2-ASN"
    assert Geo().asn_source is None


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(GeoError, match=r"ASN database .*absent\.mmdb"):
        Geo(tmp_path / "absent.mmdb")


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    bogus = tmp_path / "bogus.mmdb"
    bogus.write_bytes(b"this is not a MaxMind database\n" * 10)

    with pytest.raises(GeoError, match=r"not a MaxMind DB"):
        Geo(bogus)


def test_lookups_are_cached_per_address():
    geo = Geo(MAXMIND_DB)

    first = place(geo, "109.184.11.34")

    assert place(geo, "109.184.11.34") is first
    assert place(geo, "::ffff:109.184.11.34") is first  # folded to IPv4 by events


def test_a_failing_database_gives_an_empty_place_not_a_crash(caplog):
    class BrokenReader:
        def get(self, address):
            raise RuntimeError("corrupt search tree")

    geo = Geo()
    geo._reader = BrokenReader()  # type: ignore[assignment]

    with caplog.at_level(logging.ERROR):
        found = place(geo, "109.184.11.34")

    assert found == Place(None, None, None, "109.184.11.0/24")
    assert "109.184.11.34" in caplog.text


def test_as_json_is_plain_data_for_the_alert_line():
    record = place(Geo(MAXMIND_DB), "109.184.11.34").as_json()

    assert json.loads(json.dumps(record)) == {
        "country": "RU",
        "asn": 64500,
        "network_name": "Example Mobile Operator",
        "block": "109.184.11.0/24",
    }


@pytest.mark.parametrize(
    "text", ["109.184.11.34", "2a00:1450:4001:81c::200e", "10.1.2.3"]
)
def test_place_by_canonical_text_is_the_place_by_address(text):
    geo = Geo()
    address = parse_address(text)

    assert geo.place(address, text) == Geo().place(address)
    assert geo.place(address, text) is geo.place(address, text)


def test_places_by_text_stay_bounded(monkeypatch):
    import puptect_tui.enrich.geo as geo_module

    monkeypatch.setattr(geo_module, "CACHED_PLACES", 20)
    geo = Geo()
    for number in range(200):
        text = f"198.51.{number // 100}.{number % 100}"
        assert geo.place(parse_address(text), text).block == (
            f"198.51.{number // 100}.0/24"
        )

    assert len(geo._by_text) <= 20
