"""The service under a burst and under stalled clients, on its real socket."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gatepost.runtime import auth, client
from gatepost.runtime.activation import backlog
from tests.runtime.helpers import bash_payload, service

DENY = "filesystem/recursive-delete-critical"


def test_a_burst_of_128_connections_is_answered_in_full(tmp_path: Path) -> None:
    home, work = tmp_path / "home" / ".gatepost", tmp_path / "work"
    home.mkdir(parents=True)
    work.mkdir()
    commands = ["ls", "rm -rf / --no-preserve-root"] * 64
    with service(home):
        sock = client.socket_path(str(home))
        secret = auth.read_secret(auth.key_path(str(home)))

        def ask(command: str) -> tuple[str, str, int]:
            return client.ask(sock, secret, "claude-code", bash_payload(command, work), 60)

        with ThreadPoolExecutor(128) as pool:  # all at once: more than the 8 workers
            replies = list(pool.map(ask, commands))
    quiet, denied = replies[0], replies[1]
    assert quiet == ("", "", 0)
    assert f"rule {DENY} " in denied[0]
    assert replies == [quiet, denied] * 64  # none refused, none mixed up


def test_stalled_clients_do_not_hold_the_workers(tmp_path: Path) -> None:
    home, work = tmp_path / "home" / ".gatepost", tmp_path / "work"
    home.mkdir(parents=True)
    work.mkdir()
    with service(home):
        sock = client.socket_path(str(home))
        secret = auth.read_secret(auth.key_path(str(home)))
        stalled = []
        try:
            for _ in range(16):  # twice the workers: connected, never sending a byte
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sock)
                stalled.append(s)
            # cut at their 5 s deadline; then this one is answered
            reply = client.ask(sock, secret, "claude-code", bash_payload("ls", work), 20)
        finally:
            for s in stalled:
                s.close()
    assert reply == ("", "", 0)


def test_the_backlog_is_sized_for_bursts() -> None:
    limit = int(Path("/proc/sys/net/core/somaxconn").read_text())
    assert backlog() == min(256, limit)
