"""The decision service's HTTP endpoint (Claude Code ``http`` hooks): ``POST /hook/<agent>`` on
loopback, off unless configured.

Every request is checked before its body is read: Host must name loopback and the service's
port (a web page reaching it through DNS rebinding names its own host), an Origin header must be
loopback too, the bearer token of this install (``GATEPOST_HOME/keys/http-token``, 0600) must
be sent, and Content-Length must be given, a non-negative integer, at most the cap. Connections
are served by a fixed pool; one over the limit gets 503 at once; each request has a deadline.
Decisions are made with the service's own configuration and identity, never the payload's.
"""

from __future__ import annotations

import hmac
import json
import os
import socket
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from gatepost.runtime import auth
from gatepost.runtime.boundary import HookResult
from gatepost.runtime.pool import BoundedPoolMixIn

MAX_BODY = 4 * 1024 * 1024
TOKEN_NAME = "http-token"
TOKEN_CHARS = 64
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")

Decide = Callable[[str, bytes], HookResult]
Keep = Callable[[HookResult, bytes], None]


def token_path(home: str) -> str:
    return os.path.join(home, "keys", TOKEN_NAME)


def load_token(home: str) -> str:
    """This install's bearer token, made (0600) when there is none."""
    path = token_path(home)
    return auth.load_or_create_secret(path, TOKEN_CHARS, text=True).decode("ascii")


def _host_ok(value: str, port: int) -> bool:
    host, sep, given = value.strip().lower().rpartition(":")
    return bool(sep) and host in LOOPBACK and given == str(port)


def _origin_ok(value: str) -> bool:
    scheme, sep, rest = value.strip().lower().partition("://")
    if not sep or scheme not in ("http", "https"):
        return False
    host = rest.split("/", 1)[0]
    host = host[: host.find("]") + 1] if host.startswith("[") else host.split(":", 1)[0]
    return host in LOOPBACK


def refusal(
    method: str, path: str, headers: Mapping[str, str], token: str, port: int
) -> tuple[int, str] | None:
    """Why a request must be refused before its body is read, as (status, reason); None when it
    may be served. ``headers`` maps lower-case names to values."""
    if method != "POST":
        return 405, "POST /hook/<agent>"
    if not _host_ok(headers.get("host", ""), port):
        return 403, "Host must be loopback with this service's port"
    origin = headers.get("origin")
    if origin is not None and not _origin_ok(origin):
        return 403, "Origin must be loopback"
    scheme, _, given = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        return 401, "bearer token required"
    parts = path.strip("/").split("/")
    if len(parts) != 2 or parts[0] != "hook" or not parts[1]:
        return 404, "POST /hook/<agent>"
    if "transfer-encoding" in headers:
        return 411, "Content-Length required (no chunked bodies)"
    length = headers.get("content-length")
    if length is None:
        return 411, "Content-Length required"
    if not length.strip().isdigit() or not length.strip().isascii():
        return 400, "Content-Length must be a non-negative integer"
    if int(length) > MAX_BODY:
        return 413, f"body over {MAX_BODY} bytes"
    return None


def http_body(result: HookResult) -> tuple[int, bytes]:
    """An HTTP hook cannot block by status code: a block must travel as a JSON body."""
    reply = result.reply
    if reply.stdout.strip():
        return 200, reply.stdout.encode()
    if reply.exit_code == 2:
        reason = reply.stderr.strip() or result.decision.explanation
        event = result.action.surface.event or "PreToolUse"
        body: dict[str, Any] = {"decision": "block", "reason": reason}
        if event == "PreToolUse":
            body = {
                "hookSpecificOutput": {
                    "hookEventName": event,
                    "permissionDecision": "deny",
                    "permissionDecisionReason": reason,
                }
            }
        return 200, json.dumps(body).encode()
    return 200, b""


class HookHandler(BaseHTTPRequestHandler):
    server: HookHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # a reply split in two writes must not wait 40 ms
    timeout = 5.0  # per read; the server's reaper bounds each request as a whole

    def do_POST(self) -> None:
        srv = self.server
        srv.reaper.watch(self.connection, srv.connection_timeout)
        headers = {k.lower(): v for k, v in self.headers.items()}
        repeated = [k for k in ("host", "content-length", "authorization", "origin")
                    if len(self.headers.get_all(k) or ()) > 1]  # fmt: skip
        refused = (
            (400, f"more than one {repeated[0]} header")
            if repeated
            else refusal("POST", self.path, headers, srv.token, srv.server_address[1])
        )
        if refused is not None:
            status, reason = refused
            self.close_connection = True  # the body, if any, is never read
            self._send(status, json.dumps({"error": reason}).encode(), close=True)
            return
        agent = self.path.strip("/").split("/")[1]
        data = self.rfile.read(int(headers["content-length"]))
        try:
            from gatepost.adapters.registry import adapter_for

            adapter_for(agent)
        except Exception as exc:  # the protocol boundary
            self._send(404, json.dumps({"error": str(exc)}).encode())
            return
        result = srv.decide(agent, data)
        status, body = http_body(result)
        srv.keep(result, data)  # in the journal before the reply leaves
        self._send(status, body)

    def do_GET(self) -> None:
        self.close_connection = True
        self._send(405, b'{"error": "POST /hook/<agent>"}', close=True)

    do_PUT = do_DELETE = do_HEAD = do_GET

    def _send(self, status: int, body: bytes, close: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if status == 401:
            self.send_header("WWW-Authenticate", "Bearer")
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b'Content-Length: 17\r\nConnection: close\r\nRetry-After: 1\r\n\r\n{"error": "busy"}'
)


class HookHTTPServer(BoundedPoolMixIn, HTTPServer):
    """Loopback only; ``workers`` connections at a time, the next ones refused with 503."""

    overflow = "refuse"
    workers = 8
    connection_timeout = 5.0
    request_queue_size = 64

    def __init__(
        self, port: int, token: str, decide: Decide, keep: Keep, host: str = "127.0.0.1"
    ) -> None:
        self.token, self.decide, self.keep = token, decide, keep
        super().__init__((host, port), HookHandler)
        self.start_pool()

    def refuse(self, request: socket.socket) -> None:
        try:
            request.settimeout(0.2)
            request.sendall(_BUSY)
        except OSError:
            pass

    def server_close(self) -> None:
        super().server_close()
        self.stop_pool()
