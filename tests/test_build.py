"""Which modules run compiled, and a build older than its sources."""

from __future__ import annotations

import os
from importlib.machinery import EXTENSION_SUFFIXES

import pytest

from puptect_tui import build
from puptect_tui.cli import main

SUFFIX = EXTENSION_SUFFIXES[0]


def _package(tmp_path):
    package = tmp_path / "package"
    (package / "detect").mkdir(parents=True)
    for name in ("events.py", "cli.py", "detect/detector.py"):
        (package / name).write_text("# source\n")
    return package


def test_plain_sources_are_pure_python(tmp_path):
    package = _package(tmp_path)

    assert build.compiled_modules(package) == []
    assert build.describe(package) == "pure Python"


def test_an_extension_beside_a_source_counts_as_compiled(tmp_path):
    package = _package(tmp_path)
    (package / f"events{SUFFIX}").write_bytes(b"\x7fELF")
    (package / "detect" / f"detector{SUFFIX}").write_bytes(b"\x7fELF")

    assert build.compiled_modules(package) == [
        package / "detect" / "detector.py",
        package / "events.py",
    ]
    assert build.describe(package) == "compiled with mypyc (2 modules)"


def test_a_source_edited_after_its_build_is_stale(tmp_path):
    package = _package(tmp_path)
    extension = package / f"events{SUFFIX}"
    extension.write_bytes(b"\x7fELF")
    built = extension.stat().st_mtime
    os.utime(package / "events.py", (built - 60, built - 60))
    assert build.stale_modules(package) == []

    os.utime(package / "events.py", (built + 60, built + 60))

    assert build.stale_modules(package) == [package / "events.py"]


def test_version_says_how_this_copy_runs(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])

    shown = capsys.readouterr().out
    compiled = build.compiled_modules()
    if compiled:
        assert f"compiled with mypyc ({len(compiled)} modules)" in shown
    else:
        assert "pure Python" in shown
