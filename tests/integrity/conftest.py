"""Fixtures of the integrity tests."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import Install, make_install


@pytest.fixture
def resident(tmp_path: Path) -> Iterator[Install]:
    """A copy of the package installed in a temporary home, its resident process running."""
    install = make_install(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gatepost.cli.main", "daemon", "--no-http"],
        env=install.env(),
        stderr=subprocess.DEVNULL,
    )
    sock = install.home / "run" / "gatepost.sock"
    deadline = time.monotonic() + 20
    while not sock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert sock.exists(), "the resident process did not start"
        yield install
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
