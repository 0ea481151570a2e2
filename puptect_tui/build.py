"""Which modules run compiled: for ``--version``, the benchmarks and the tests.

``setup.py`` compiles the modules every login passes through with mypyc, and
puts each extension beside its source; Python then imports the extension. A
module edited after its build would keep running the old code, so the tests
refuse a stale build rather than test something other than the source.
"""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def compiled_modules(package: Path = PACKAGE) -> list[Path]:
    """Sources of the package that have a compiled extension beside them."""
    return [source for source, _ in _builds(package)]


def stale_modules(package: Path = PACKAGE) -> list[Path]:
    """Sources changed since their extension was built."""
    return [
        source
        for source, extension in _builds(package)
        if source.stat().st_mtime > extension.stat().st_mtime
    ]


def describe(package: Path = PACKAGE) -> str:
    """``compiled with mypyc (20 modules)`` or ``pure Python``."""
    compiled = compiled_modules(package)
    if not compiled:
        return "pure Python"
    return f"compiled with mypyc ({len(compiled)} modules)"


def _builds(package: Path) -> list[tuple[Path, Path]]:
    found = []
    for source in sorted(package.rglob("*.py")):
        for suffix in EXTENSION_SUFFIXES:
            extension = source.with_name(source.stem + suffix)
            if extension.exists():
                found.append((source, extension))
                break
    return found
