"""The resident process on a real Unix socket and a real loopback HTTP server."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gatepost.cli.hookmain import ask_daemon
from tests.runtime.helpers import bash_payload

GATEPOST = str(Path(sys.executable).parent / "gatepost")
LOCAL_PACK = """\
pack: {id: local, version: "1", title: Local}
rules:
  - id: no-make
    title: no make
    severity: low
    verdict: VERDICT
    message: make is not used here
    when: {command: {program: [make]}}
    tests: {match: [make], no_match: [ls]}
"""


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[tuple[Path, int, Path]]:
    home = tmp_path / "home" / ".gatepost"
    (home / "packs").mkdir(parents=True)
    (home / "packs" / "local.yaml").write_text(LOCAL_PACK.replace("VERDICT", "block"))
    repo = tmp_path / "work"
    repo.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEPOST")}
    env["GATEPOST_DAEMON_AUTOSTART"] = "0"  # no resident process left behind by a test
    env |= {"GATEPOST_HOME": str(home), "HOME": str(home.parent)}
    proc = subprocess.Popen(
        [GATEPOST, "daemon", "--http-port", "0"], env=env, stderr=subprocess.PIPE
    )
    sock, port_file = home / "run" / "gatepost.sock", home / "run" / "http.port"
    deadline = time.monotonic() + 20
    while not (sock.exists() and port_file.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sock.exists(), "daemon did not start"
    try:
        yield sock, int(port_file.read_text()), repo
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def test_socket_answers_and_reloads_policy(daemon: tuple[Path, int, Path]) -> None:
    sock, _, repo = daemon
    out, err, code = ask_daemon(str(sock), "claude-code", bash_payload("make all", repo), 5)
    assert (err, code) == ("", 0)
    body = json.loads(out)
    assert body["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "local/no-make" in body["hookSpecificOutput"]["permissionDecisionReason"]
    assert ask_daemon(str(sock), "claude-code", bash_payload("ls", repo), 5) == ("", "", 0)
    pack = sock.parent.parent / "packs" / "local.yaml"
    pack.write_text(LOCAL_PACK.replace("VERDICT", "warn"))
    time.sleep(1.2)  # the daemon looks at the policy files once a second
    out, _, _ = ask_daemon(str(sock), "claude-code", bash_payload("make all", repo), 5)
    assert "permissionDecision" not in json.loads(out)["hookSpecificOutput"]  # now a warning
    pack.write_text(LOCAL_PACK.replace("VERDICT", "sometimes"))  # broken: refused
    time.sleep(1.2)
    out, _, _ = ask_daemon(str(sock), "claude-code", bash_payload("make all", repo), 5)
    assert "additionalContext" in json.loads(out)["hookSpecificOutput"]  # last good stays


def test_the_command_answered_by_the_resident_process_imports_next_to_nothing(
    daemon: tuple[Path, int, Path],
) -> None:
    # every hook call pays the client's start-up: the command imports no more than the
    # interpreter's own start-up does, plus gatepost's small client modules, _socket, and
    # what the stdlib's hmac needs to check the reply (hashlib, OpenSSL's _hashlib)
    sock, _, repo = daemon
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEPOST")}
    env["GATEPOST_HOME"] = str(sock.parent.parent)

    def imported(
        cmd: list[str], data: bytes
    ) -> tuple[set[str], subprocess.CompletedProcess[bytes]]:
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", *cmd],
            input=data,
            env=env,
            cwd=repo,
            capture_output=True,
            timeout=30,
            check=False,
        )
        lines = proc.stderr.decode().splitlines()
        names = {line.split("|")[-1].strip() for line in lines if line.startswith("import time:")}
        return names, proc

    bare, _ = imported(["-c", "pass"], b"")
    names, proc = imported([GATEPOST, "hook", "claude-code"], bash_payload("make all", repo))
    assert json.loads(proc.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert names - bare == {
        "__future__",
        "atexit",
        "gatepost",
        "gatepost.cli",
        "gatepost.cli.main",
        "gatepost.cli.hookmain",
        "gatepost.runtime",
        "gatepost.runtime.auth",
        "gatepost.runtime.client",
        "_socket",
        "hmac",
        "hashlib",
        "_hashlib",
        "_blake2",
        "warnings",
    }


def test_http_hook_blocks_in_the_body(daemon: tuple[Path, int, Path]) -> None:
    sock, port, repo = daemon
    token = (sock.parent.parent / "keys" / "http-token").read_text()
    auth = {"Authorization": f"Bearer {token}"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request(
        "POST",
        "/hook/claude-code",
        body=bash_payload("rm -rf ~", repo),
        headers={"Content-Type": "application/json"} | auth,
    )
    resp = conn.getresponse()
    body = json.loads(resp.read())
    assert resp.status == 200
    assert body["hookSpecificOutput"]["permissionDecision"] == "deny"
    conn.request("POST", "/hook/claude-code", body=b"{broken", headers=auth)
    resp = conn.getresponse()
    assert resp.status == 200  # fail closed, as a JSON deny, since status codes cannot block
    assert json.loads(resp.read())["hookSpecificOutput"]["permissionDecision"] == "deny"
    conn.request("POST", "/nowhere", body=b"{}", headers=auth)
    assert conn.getresponse().status == 404


def test_events_recorded_by_the_daemon(daemon: tuple[Path, int, Path], tmp_path: Path) -> None:
    sock, _, repo = daemon
    for command in ("ls", "make", "git status"):
        ask_daemon(str(sock), "claude-code", bash_payload(command, repo), 5)
    db = sock.parent.parent / "events.db"
    deadline = time.monotonic() + 10
    count = 0
    while time.monotonic() < deadline:
        if db.exists():
            try:
                with sqlite3.connect(db) as conn:
                    count = conn.execute("select count(*) from events").fetchone()[0]
            except sqlite3.OperationalError:  # the file is there, its schema not yet
                count = 0
            if count == 3:
                break
        time.sleep(0.1)
    assert count == 3


def test_cold_hook_starts_the_resident_process(tmp_path: Path) -> None:
    home = tmp_path / "home" / ".gatepost"
    repo = tmp_path / "work"
    repo.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEPOST")}  # autostart on
    env |= {"GATEPOST_HOME": str(home), "HOME": str(home.parent)}
    sock, pid_file = home / "run" / "gatepost.sock", home / "run" / "daemon.pid"
    first = subprocess.run(
        [GATEPOST, "hook", "claude-code"],
        input=bash_payload("rm -rf ~", repo),
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert json.loads(first.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
    deadline = time.monotonic() + 20
    while not (sock.exists() and pid_file.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert sock.exists(), "the cold hook did not start the resident process"
        assert ask_daemon(str(sock), "ping", b"", 5) == ("pong", "", 0)
        second = subprocess.run(
            [GATEPOST, "hook", "claude-code"],
            input=bash_payload("rm -rf ~", repo),
            capture_output=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert second.stdout == first.stdout
    finally:  # stop it even when it came up late (the test may have failed on its way)
        deadline = time.monotonic() + 20
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
        deadline = time.monotonic() + 20
        while sock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert not sock.exists()
