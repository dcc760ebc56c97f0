"""GATEPOST_HOME is owner-only whatever the umask: every gatepost process run under umask 000
leaves folders 0700 and files 0600 behind, and a home left open is tightened."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from gatepost.permissions import loose
from gatepost.runtime.fallback import wait_for_recording
from tests.runtime.helpers import bash_payload, env_for

GATEPOST = str(Path(sys.executable).parent / "gatepost")


def _env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "user").mkdir(exist_ok=True)
    return env_for(tmp_path / "user" / ".gatepost")


def _open_umask(*argv: str, env: dict[str, str], data: bytes = b"") -> bytes:
    proc = subprocess.run(
        ["sh", "-c", 'umask 000; exec "$@"', "sh", *argv],
        input=data,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode in (0, 1, 2), proc.stderr.decode()
    return proc.stdout


def _modes(home: Path) -> dict[str, str]:
    return {
        str(p.relative_to(home.parent)): oct(stat.S_IMODE(os.lstat(p).st_mode)) for p in loose(home)
    }


def test_everything_gatepost_writes_under_umask_000_is_owner_only(tmp_path: Path) -> None:
    env = _env(tmp_path)
    home = Path(env["GATEPOST_HOME"])
    home.mkdir()
    os.chmod(home, 0o700)
    (home / "config.yaml").write_text("deadline_ms: 900\n")
    os.chmod(home / "config.yaml", 0o600)
    # the in-process hook: config and policy caches, the store, the evidence child
    reply = _open_umask(GATEPOST, "hook", "claude-code", env=env, data=bash_payload("ls", tmp_path))
    assert reply == b""
    assert wait_for_recording(home)
    # the resident process: socket, pid file, its log, and the evidence it writes
    daemon = subprocess.Popen(
        ["sh", "-c", 'umask 000; exec "$@"', "sh", GATEPOST, "daemon", "--no-http"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        sock = home / "run" / "gatepost.sock"
        deadline = time.monotonic() + 20
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        blocked = _open_umask(
            GATEPOST, "hook", "claude-code", env=env, data=bash_payload("rm -rf /", tmp_path)
        )
        assert json.loads(blocked)["hookSpecificOutput"]["permissionDecision"] == "deny"
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=20)
    # the analyst's commands
    _open_umask(GATEPOST, "events", "--json", env=env)
    _open_umask(GATEPOST, "verify", env=env)
    _open_umask(GATEPOST, "check", "--", "ls", env=env)
    assert (home / "events.db").exists()
    assert _modes(home) == {}


def test_the_resident_process_tightens_a_home_left_open(tmp_path: Path) -> None:
    env = _env(tmp_path)
    home = Path(env["GATEPOST_HOME"])
    (home / "packs").mkdir(parents=True)
    os.chmod(home, 0o755)
    os.chmod(home / "packs", 0o777)
    (home / "assignments.yaml").write_text("assignments: []\n")
    os.chmod(home / "assignments.yaml", 0o666)
    assert _modes(home) == {
        ".gatepost": "0o755",
        ".gatepost/packs": "0o777",
        ".gatepost/assignments.yaml": "0o666",
    }
    daemon = subprocess.Popen(
        [GATEPOST, "daemon", "--no-http", "--idle-exit", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, err = daemon.communicate(timeout=30)
    assert _modes(home) == {}
    assert f"made {home} owner-only" in err.decode()
