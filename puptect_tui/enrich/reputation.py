"""The blocklist verdict for one address, from DNS zones and local lists."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True, frozen=True)
class Listing:
    """One zone's reason for listing an address."""

    zone: str
    codes: tuple[str, ...]
    """The A answers, such as ``127.0.0.2``; many zones encode a category in them."""
    categories: tuple[str, ...] = ()
    txt: str | None = None
    """The zone's TXT record for the listing, as the operator wrote it."""


@dataclass(slots=True)
class Reputation:
    """Which lists name an address, and how sure we are of that.

    ``pending`` stays true while DNS answers are outstanding, so a front end can
    show the row at once and update it; ``checked`` counts the zones asked and
    ``failed`` those that gave no usable answer (timeout, operator error code,
    a resolver that rewrote the answer), with the cause in ``errors``.
    """

    listings: dict[str, Listing] = field(default_factory=dict)
    local: tuple[str, ...] = ()
    """Names of the local blocklist files that contain the address."""
    checked: int = 0
    failed: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    pending: bool = False
    skipped: str | None = None
    """Why no zone was asked: ``"private address"``, ``"dnsbl off"``."""

    @property
    def listed(self) -> bool:
        return bool(self.listings or self.local)

    @property
    def listed_by(self) -> list[str]:
        """Zones and local lists that name the address, zones first."""
        return [*self.listings, *(f"local:{name}" for name in self.local)]

    def as_json(self) -> dict:
        """The ``reputation`` object of the JSONL alert format."""
        return {
            "listed": self.listed,
            "zones": {
                zone: {
                    "codes": list(listing.codes),
                    "categories": list(listing.categories),
                    "txt": listing.txt,
                }
                for zone, listing in self.listings.items()
            },
            "local": list(self.local),
            "checked": self.checked,
            "failed": self.failed,
            "errors": dict(self.errors),
            **({"skipped": self.skipped} if self.skipped else {}),
        }
