"""Real processes for the runtime tests: a gatepost home, the decision service, hook calls."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

GATEPOST = str(Path(sys.executable).parent / "gatepost")


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GATEPOST", "LISTEN_"))}
    env |= {"GATEPOST_HOME": str(home), "HOME": str(home.parent), "GATEPOST_DAEMON_AUTOSTART": "0"}
    return env | extra


def bash_payload(command: str, cwd: Path, **fields: Any) -> bytes:
    return json.dumps(
        {
            "session_id": "s1",
            "cwd": str(cwd),
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": command},
            "tool_use_id": "t1",
        }
        | fields
    ).encode()


def hook(home: Path, data: bytes, cwd: Path, **extra: str) -> subprocess.CompletedProcess[bytes]:
    """``gatepost hook claude-code`` as an agent runs it, with the answering path traced."""
    return subprocess.run(
        [GATEPOST, "hook", "claude-code"],
        input=data,
        env=env_for(home, GATEPOST_HOOK_TRACE="1", **extra),
        cwd=cwd,
        capture_output=True,
        timeout=60,
        check=False,
    )


def wait_for(predicate: Any, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@contextmanager
def service(home: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """``gatepost daemon ARGS`` on ``home`` until the block ends (then SIGTERM, waited for)."""
    sock = home / "run" / "gatepost.sock"
    proc = subprocess.Popen([GATEPOST, "daemon", *args], env=env_for(home), stderr=subprocess.PIPE)
    try:
        wait_for(lambda: (home / "run" / "daemon.pid").exists() or proc.poll() is not None)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert sock.exists()
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        if proc.stderr:
            proc.stderr.close()


def recorded(home: Path, count: int, timeout: float = 20.0) -> list[tuple[str, str]]:
    """(verdict, rule id) of the stored events, once there are ``count`` of them."""
    db = home / "events.db"
    rows: list[tuple[str, str]] = []

    def ready() -> bool:
        nonlocal rows
        if not db.exists():
            return False
        try:
            with sqlite3.connect(db) as conn:
                rows = list(conn.execute("select verdict, rule from events order by seq"))
        except sqlite3.OperationalError:  # the file is there, its schema not yet
            return False
        return len(rows) >= count

    wait_for(ready, timeout, f"{count} recorded event(s) in {db}")
    return rows
