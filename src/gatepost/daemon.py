"""``gatepost daemon``: the resident local process that keeps the compiled policy in memory.

It answers ``gatepost hook`` over a Unix socket under ``GATEPOST_HOME/run`` and Claude Code's
``http`` hooks on loopback (``POST /hook/<agent>``). Policy files are re-read when they change
(a broken edit is refused and the last good policy stays in force). Each event is appended to
the journal before its reply is written; one writer thread moves the journal to the store.
"""

from __future__ import annotations

import json
import os
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from gatepost.cli.hookmain import encode_reply
from gatepost.config import Config
from gatepost.hook import HookResult, adapter_for, handle
from gatepost.local import current_config, load
from gatepost.policy.source import LoadedPolicy

_CHECK_EVERY = 1.0  # seconds between looks at the policy files
_DRAIN_EVERY = 0.2  # seconds between drains of the journal when no event wakes the writer
_GATHER = 0.005  # after a wake-up, let a burst gather into one batch


def _signature(config: Config) -> tuple[tuple[str, float, int], ...]:
    files = [*config.pack_files(), config.assignments_file, config.home / "config.yaml"]
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        out.append((str(f), st.st_mtime, st.st_size))
    return tuple(out)


class Resident:
    """The state the daemon keeps: configuration, policy in force, the event writer."""

    def __init__(self) -> None:
        self.config, self.config_error = current_config()
        self._lock = threading.Lock()
        self._checked = 0.0
        self._sig: tuple[tuple[str, float, int], ...] = ()
        self.loaded: LoadedPolicy | None = None
        self.policy_error = ""
        self._reload(force=True)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self.last_request = time.monotonic()
        self.writer = threading.Thread(target=self._write_loop, name="gatepost-writer", daemon=True)
        self.writer.start()

    def _reload(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked < _CHECK_EVERY:
            return
        with self._lock:
            self._checked = now
            sig = _signature(self.config)
            if sig == self._sig and not force:
                return
            self._sig = sig
            self.config, self.config_error = current_config()
            if self.config_error:
                self.policy_error = self.config_error
                return  # keep the policy in force
            loaded, error = load(self.config)
            if loaded is not None:
                self.loaded = loaded
            self.policy_error = error

    def decide(self, agent: str, data: bytes) -> HookResult:
        self.last_request = time.monotonic()
        self._reload()
        policy = self.loaded.policy if self.loaded else None
        # threads cannot use the alarm; the client's socket timeout is the deadline here
        return handle(agent, data, self.config, policy, self.policy_error, deadline_ms=None)

    def keep(self, result: HookResult, payload: bytes) -> None:
        """Make the event and append it to the journal: called before the reply is written.
        The writer thread moves it to the store."""
        try:
            from gatepost.runtime.keep import journal_decision  # loaded by the writer thread

            journal_decision(
                self.config.home,
                result.action,
                result.decision,
                payload,
                now_ns=time.time_ns(),
                raw=self.config.raw_evidence.enabled,
            )
        except Exception as exc:  # the hook boundary: the reply goes out whatever happens here
            message = f"gatepost daemon: event not recorded: {type(exc).__name__}: {exc}\n"
            os.write(2, message.encode(errors="replace"))
        self._wake.set()

    def _write_loop(self) -> None:
        # the evidence side loads here, beside the first request rather than before the socket
        from gatepost.runtime.writer import Writer

        writer = Writer(self.config)
        reported = ""
        while True:
            if self._wake.wait(timeout=_DRAIN_EVERY) and not self._stopping.is_set():
                time.sleep(_GATHER)
            self._wake.clear()
            stopping = self._stopping.is_set()
            if writer.config != self.config:  # reloaded: the store may have changed
                writer.close()
                writer = Writer(self.config)
            try:
                problem = writer.drain(checkpoint=stopping).problem
            except Exception as exc:  # the writer must outlive any one bad drain; records stay
                problem = f"journal not drained: {type(exc).__name__}: {exc}"
                writer.close()
            if problem != reported:  # said once, not on every drain
                if problem:
                    os.write(2, f"gatepost daemon: {problem}\n".encode(errors="replace"))
                reported = problem
            if stopping:
                writer.close()
                return

    def flush(self) -> None:
        self._stopping.set()
        self._wake.set()
        self.writer.join(timeout=10)


class _UnixHandler(socketserver.StreamRequestHandler):
    server: _UnixServer

    def handle(self) -> None:
        data = self.rfile.read()
        agent, _, payload = data.partition(b"\n")
        if agent == b"ping":  # liveness probe: no decision, no event
            self.wfile.write(encode_reply("pong", "", 0))
            return
        try:
            adapter_for(agent.decode(errors="replace"))
        except Exception as exc:  # the protocol boundary: answer, never drop the connection
            self.wfile.write(encode_reply("", f"gatepost: {exc}\n", 2))
            return
        resident = self.server.resident
        result = resident.decide(agent.decode(), payload)
        reply = result.reply
        resident.keep(result, payload)
        self.wfile.write(encode_reply(reply.stdout, reply.stderr, reply.exit_code))
        self.wfile.flush()


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str, resident: Resident) -> None:
        self.resident = resident
        super().__init__(path, _UnixHandler)


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


class _HttpHandler(BaseHTTPRequestHandler):
    server: _HttpServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # a reply split in two writes must not wait 40 ms

    def do_POST(self) -> None:
        parts = self.path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "hook":
            self._send(404, b'{"error": "POST /hook/<agent>"}')
            return
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(min(length, 4 * 1024 * 1024 + 1))
        try:
            adapter_for(parts[1])
        except Exception as exc:  # the protocol boundary
            self._send(404, json.dumps({"error": str(exc)}).encode())
            return
        resident = self.server.resident
        result = resident.decide(parts[1], data)
        status, body = http_body(result)
        resident.keep(result, data)
        self._send(status, body)

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr: tuple[str, int], resident: Resident) -> None:
        self.resident = resident
        super().__init__(addr, _HttpHandler)


def serve(
    socket_file: Path,
    http_port: int | None,
    ready: threading.Event | None = None,
    idle_exit: float | None = None,
) -> bool:
    """Run until interrupted, or until ``idle_exit`` seconds pass without a request. ``http_port``
    0 picks a free port; None serves no HTTP. False when another daemon already answers."""
    from gatepost.cli.hookmain import ask_daemon

    socket_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if socket_file.exists():
        if ask_daemon(str(socket_file), "ping", b"", timeout=1.0) is not None:
            return False  # one resident process per GATEPOST_HOME
        socket_file.unlink()
    resident = Resident()
    unix = _UnixServer(str(socket_file), resident)
    os.chmod(socket_file, 0o600)
    pid_file = socket_file.with_name("daemon.pid")
    pid_file.write_text(str(os.getpid()))
    servers: list[socketserver.BaseServer] = [unix]
    if http_port is not None:
        http = _HttpServer(("127.0.0.1", http_port), resident)
        servers.append(http)
        port_file = socket_file.with_name("http.port")
        port_file.write_text(str(http.server_address[1]))
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    if ready is not None:
        ready.set()
    try:
        while idle_exit is None or time.monotonic() - resident.last_request < idle_exit:
            time.sleep(1.0 if idle_exit is not None else 3600)
    except KeyboardInterrupt:
        pass
    finally:
        for s in servers:
            s.shutdown()
            s.server_close()
        for f in (socket_file, pid_file):
            if f.exists():
                f.unlink()
        resident.flush()
    return True
