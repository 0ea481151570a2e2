"""Fixtures shared by the test modules.

The DNS fixtures start a real rbldnsd on loopback (see ``dns_server.py``).
Where rbldnsd is missing the DNS tests skip with the reason, except in CI
(``CI=true``), where ``.ci/run`` installs it and a skip would hide a gap.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from puptect_tui import build
from tests.dns_server import RBLDNSD, TEST_DATASETS, Rbldnsd, SilentServer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _from_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test from the repository root, as README's command does, so
    paths shown on screen (the header's source) are the same on every machine."""
    monkeypatch.chdir(ROOT)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse a stale build: Python would import the old compiled module."""
    stale = build.stale_modules()
    if stale:
        names = ", ".join(str(path.relative_to(ROOT)) for path in stale)
        pytest.exit(
            f"changed since compiled: {names}. Rebuild with `pip install -e .`, "
            "or delete the *.so files beside them to test the Python as written.",
            returncode=4,
        )


def _require_rbldnsd() -> None:
    if RBLDNSD is not None:
        return
    reason = "rbldnsd is not installed (apt-get install rbldnsd)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI requires it")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def blocklist_server() -> Iterator[Rbldnsd]:
    """rbldnsd serving ``dns_server.TEST_DATASETS``, shared within a module.

    Tests that read its query log should ask about addresses no other test of
    the module uses.
    """
    _require_rbldnsd()
    with Rbldnsd(TEST_DATASETS) as server:
        yield server


@pytest.fixture
def own_blocklist_server() -> Iterator[Rbldnsd]:
    """A private rbldnsd with the test zones, for tests that pause or stop it."""
    _require_rbldnsd()
    with Rbldnsd(TEST_DATASETS) as server:
        yield server


@pytest.fixture
def silent_dns_server() -> Iterator[SilentServer]:
    """A UDP port on loopback that never answers."""
    with SilentServer() as server:
        yield server
