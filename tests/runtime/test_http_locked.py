"""The HTTP hook endpoint of a real service, attacked with real requests on loopback."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gatepost.runtime.http import MAX_BODY, token_path
from tests.runtime.helpers import bash_payload, recorded, service

RULE = "filesystem/recursive-delete-critical"


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[tuple[int, str, Path, Path]]:
    """(port, token, home, work) of a service with HTTP on, configured in config.yaml."""
    home, work = tmp_path / "home" / ".gatepost", tmp_path / "work"
    home.mkdir(parents=True)
    work.mkdir()
    (home / "config.yaml").write_text("http: {port: 0}\n")
    with service(home):
        token_file = Path(token_path(str(home)))
        assert token_file.stat().st_mode & 0o777 == 0o600
        yield int((home / "run" / "http.port").read_text()), token_file.read_text(), home, work


def raw(port: int, request: bytes, timeout: float = 5.0) -> tuple[int, bytes]:
    """Send bytes as they are; (status, body) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def post(
    port: int, token: str | None, body: bytes, host: str | None = None, **headers: str
) -> bytes:
    lines = [
        "POST /hook/claude-code HTTP/1.1",
        f"Host: {host or f'127.0.0.1:{port}'}",
        "Content-Type: application/json",
        "Connection: close",
    ]
    if token is not None:
        lines.append(f"Authorization: Bearer {token}")
    if "length" not in headers:
        lines.append(f"Content-Length: {len(body)}")
    lines += [f"{k.replace('_', '-').title()}: {v}" for k, v in headers.items() if k != "length"]
    if "length" in headers:
        lines.append(f"Content-Length: {headers['length']}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _deny_reason(body: bytes) -> tuple[str, str]:
    out = json.loads(body)["hookSpecificOutput"]
    return out["permissionDecision"], out["permissionDecisionReason"]


def test_a_valid_request_blocks_rm_rf_root(endpoint: tuple[int, str, Path, Path]) -> None:
    port, token, home, work = endpoint
    status, body = raw(port, post(port, token, bash_payload("rm -rf /", work)))
    assert status == 200
    verdict, reason = _deny_reason(body)
    assert verdict == "deny" and f"rule {RULE} " in reason
    # the same over http.client, with localhost and a loopback Origin
    conn = http.client.HTTPConnection("localhost", port, timeout=5)
    conn.request(
        "POST",
        "/hook/claude-code",
        body=bash_payload("rm -rf /", work),
        headers={"Authorization": f"Bearer {token}", "Origin": f"http://localhost:{port}"},
    )
    resp = conn.getresponse()
    assert (resp.status, _deny_reason(resp.read())) == (200, ("deny", reason))
    conn.close()
    assert recorded(home, 2) == [("block", RULE), ("block", RULE)]


@pytest.mark.parametrize(
    ("case", "status", "error"),
    [
        ("no token", 401, "bearer token required"),
        ("wrong token", 401, "bearer token required"),
        ("foreign Host", 403, "Host must be loopback with this service's port"),
        ("loopback Host, other port", 403, "Host must be loopback with this service's port"),
        ("foreign Origin", 403, "Origin must be loopback"),
        ("null Origin", 403, "Origin must be loopback"),
        ("Content-Length -1", 400, "Content-Length must be a non-negative integer"),
        ("Content-Length 1e3", 400, "Content-Length must be a non-negative integer"),
        ("oversize", 413, f"body over {MAX_BODY} bytes"),
        ("no Content-Length", 411, "Content-Length required"),
        ("chunked", 411, "Content-Length required (no chunked bodies)"),
        ("two Content-Length", 400, "more than one content-length header"),
    ],
)
def test_refused_before_the_body_is_read(
    endpoint: tuple[int, str, Path, Path], case: str, status: int, error: str
) -> None:
    port, token, home, work = endpoint
    body = bash_payload("rm -rf /", work)
    request = {
        "no token": post(port, None, body),
        "wrong token": post(port, "x" * len(token), body),
        "foreign Host": post(port, token, body, host=f"attacker.example:{port}"),
        "loopback Host, other port": post(port, token, body, host=f"127.0.0.1:{port + 1}"),
        "foreign Origin": post(port, token, body, origin="http://attacker.example"),
        "null Origin": post(port, token, body, origin="null"),
        "Content-Length -1": post(port, token, body, length="-1"),
        "Content-Length 1e3": post(port, token, body, length="1e3"),
        # the declared size alone is refused: the 64 MiB are never sent, nor read
        "oversize": post(port, token, b"", length=str(64 * 1024 * 1024)),
        "no Content-Length": post(port, token, body, length="").replace(
            b"Content-Length: \r\n", b""
        ),
        "chunked": post(port, token, b"0\r\n\r\n", length="").replace(
            b"Content-Length: \r\n", b"Transfer-Encoding: chunked\r\n"
        ),
        "two Content-Length": post(port, token, body).replace(
            b"Content-Length: ", b"Content-Length: 0\r\nContent-Length: "
        ),
    }[case]
    assert raw(port, request) == (status, json.dumps({"error": error}).encode())
    # nothing was decided, nothing recorded; a valid request is still served afterwards
    ok_status, ok_body = raw(port, post(port, token, body))
    assert (ok_status, _deny_reason(ok_body)[0]) == (200, "deny")
    assert recorded(home, 1) == [("block", RULE)]


def test_a_slow_client_is_cut_and_excess_connections_get_503(
    endpoint: tuple[int, str, Path, Path],
) -> None:
    port, token, _, work = endpoint
    # every worker held by a client that sends half a request and stalls
    stalled = [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
    try:
        for s in stalled:
            s.sendall(b"POST /hook/claude-code HTTP/1.1\r\nHost: 127.0.0.1")
        time.sleep(0.3)
        # refused, not queued: a queued request would be served (200) once a worker is free
        assert raw(port, post(port, token, b"{}")) == (503, b'{"error": "busy"}')
        # the stalled ones are cut at their deadline (5 s), which frees the workers
        for s in stalled:
            s.settimeout(10)
            assert s.recv(65536) == b""
    finally:
        for s in stalled:
            s.close()
    status, body = raw(port, post(port, token, bash_payload("rm -rf /", work)))
    assert (status, _deny_reason(body)[0]) == (200, "deny")


def test_http_is_off_unless_configured(tmp_path: Path) -> None:
    home = tmp_path / "home" / ".gatepost"
    home.mkdir(parents=True)
    with service(home):
        assert not (home / "run" / "http.port").exists()
        assert not Path(token_path(str(home))).exists()
