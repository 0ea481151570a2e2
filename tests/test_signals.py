"""Ctrl+C and SIGTERM end a headless run cleanly, with its summary."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def slow_stream(path: Path, events: int = 50) -> Path:
    """Events one recorded second apart, so a replay at speed 1 takes a while."""
    with path.open("w") as out:
        for second in range(events):
            record = {
                "ts": 1_700_000_000 + second,
                "userid": f"user{second}",
                "ip": "198.51.100.7",
                "status_code": 200,
                "useragent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0",
            }
            out.write(json.dumps(record) + "\n")
    return path


def start(path: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "puptect_tui", "--headless", "--no-dnsbl"]
    command += ["--all-events", "--speed", "1", str(path)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def wait_for_first_line(process: subprocess.Popen) -> str:
    """Block until the run has written its first event, so it is mid-stream."""
    return process.stdout.readline()


@pytest.mark.parametrize(
    ("sent", "status"), [(signal.SIGTERM, 128 + 15), (signal.SIGINT, 128 + 2)]
)
def test_signal_stops_the_run_and_prints_the_summary(tmp_path, sent, status):
    process = start(slow_stream(tmp_path / "slow.jsonl"))
    first = wait_for_first_line(process)
    time.sleep(0.5)

    process.send_signal(sent)
    out, err = process.communicate(timeout=20)

    assert process.returncode == status
    assert "user0" in first
    summary = next(line for line in out.splitlines() if line.startswith("events:"))
    seen = int(summary.split()[1])
    assert 1 <= seen < 50
    written = [line for line in (first + out).splitlines() if " line " in line]
    assert len(written) == seen
    assert "Traceback" not in err
