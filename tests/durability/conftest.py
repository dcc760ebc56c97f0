"""Real processes for the durability tests: a GATEPOST_HOME, `gatepost hook` and the daemon."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.runtime.helpers import GATEPOST
from tests.runtime.helpers import env_for as hook_env


def payload(command: str, cwd: Path, **extra: object) -> bytes:
    return json.dumps(
        {
            "session_id": "durability",
            "cwd": str(cwd),
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": command},
            "tool_use_id": command,
            **extra,
        }
    ).encode()


def run_hook(home: Path, data: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [GATEPOST, "hook", "claude-code"],
        input=data,
        env=hook_env(home),
        cwd=cwd,
        capture_output=True,
        timeout=60,
        check=False,
    )


class Daemon:
    """``gatepost daemon --no-http`` for one home, started and stopped by the test."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        pid_file = self.home / "run" / "daemon.pid"
        self.proc = subprocess.Popen(
            [GATEPOST, "daemon", "--no-http"],
            env=hook_env(self.home),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if pid_file.read_text() == str(self.proc.pid):
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise AssertionError(f"daemon exited with {self.proc.returncode}")
            time.sleep(0.02)
        raise AssertionError("daemon did not start")

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "user" / ".gatepost"
    h.mkdir(parents=True)
    return h


@pytest.fixture
def daemon(home: Path) -> Iterator[Daemon]:
    d = Daemon(home)
    try:
        yield d
    finally:
        if d.proc is not None and d.proc.poll() is None:
            d.kill()
