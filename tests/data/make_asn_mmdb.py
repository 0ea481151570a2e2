"""Write the tiny ASN databases that tests/test_geo.py reads.

Run by hand when the fixtures must change (the .mmdb files are committed):

    pip install mmdb-writer   # a throwaway environment is enough
    python tests/data/make_asn_mmdb.py

The ASNs are from the private-use range (RFC 6996) and the names are made up:
the files prove that a user's database is read, not where anything is.
"""

from __future__ import annotations

from pathlib import Path

from mmdb_writer import MmdbU32, MMDBWriter
from netaddr import IPSet

HERE = Path(__file__).resolve().parent

NETWORKS = {
    "109.184.11.0/24": (64500, "Example Mobile Operator"),
    "175.45.176.0/22": (64501, "Example State Network"),
    "192.0.2.0/24": (64502, "Documentation Net One"),
    "2001:db8:aa::/48": (64503, "Example IPv6 Carrier"),
}


def maxmind_style() -> MMDBWriter:
    """Field names of MaxMind's GeoLite2-ASN."""
    writer = MMDBWriter(
        ip_version=6,
        ipv4_compatible=True,
        database_type="Test-GeoLite2-ASN",
        description="puptect-tui test fixture, MaxMind ASN layout",
    )
    for network, (asn, name) in NETWORKS.items():
        record = {
            "autonomous_system_number": MmdbU32(asn),
            "autonomous_system_organization": name,
        }
        writer.insert_network(IPSet([network]), record)
    return writer


def ipinfo_style() -> MMDBWriter:
    """Field names of IPinfo's Lite file: "AS" numbers as text, a country."""
    writer = MMDBWriter(
        ip_version=6,
        ipv4_compatible=True,
        database_type="Test-ipinfo-lite",
        description="puptect-tui test fixture, IPinfo layout",
    )
    for network, (asn, name) in NETWORKS.items():
        record = {"asn": f"AS{asn}", "as_name": name, "country_code": "ZZ"}
        writer.insert_network(IPSet([network]), record)
    return writer


if __name__ == "__main__":
    maxmind_style().to_db_file(str(HERE / "asn-maxmind.mmdb"))
    ipinfo_style().to_db_file(str(HERE / "asn-ipinfo.mmdb"))
