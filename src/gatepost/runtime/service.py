"""``gatepost daemon``: the decision service, the resident local process that keeps the compiled
policy in memory.

It answers ``gatepost hook`` over an authenticated Unix socket under ``GATEPOST_HOME/run`` (see
:mod:`gatepost.runtime.client`), bound here or passed by the service manager, with a fixed pool
of workers; and, when configured, Claude Code's ``http`` hooks on loopback
(:mod:`gatepost.runtime.http`). Policy files are re-read when they change
(a broken edit is refused and the last good policy stays in force). Each event is appended to
the journal before its reply is written; one writer thread moves the journal to the store.
"""

from __future__ import annotations

import contextlib
import os
import socket
import socketserver
import threading
import time
from pathlib import Path

from gatepost.adapters.registry import adapter_for
from gatepost.config import Config
from gatepost.policy.source import LoadedPolicy
from gatepost.runtime import activation, auth
from gatepost.runtime.boundary import HookResult, handle
from gatepost.runtime.client import MAGIC, encode_reply
from gatepost.runtime.fallback import current_config, load
from gatepost.runtime.pool import BoundedPoolMixIn

__all__ = ["Resident", "UnixService", "serve"]


_CHECK_EVERY = 1.0  # seconds between looks at the policy files
_DRAIN_EVERY = 0.2  # seconds between drains of the journal when no event wakes the writer
_GATHER = 0.005  # after a wake-up, let a burst gather into one batch
_MAX_REQUEST = 4 * 1024 * 1024 + 256  # the hook's payload cap and the request line


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
                fsync=self.config.journal_fsync == "always",
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


class _UnixHandler(socketserver.BaseRequestHandler):
    """One authenticated request (see :mod:`gatepost.runtime.client` for the wire format)."""

    server: UnixService

    def handle(self) -> None:
        conn: socket.socket = self.request
        uid = auth.peer_uid(conn)
        if uid is not None and uid not in auth.trusted_uids():
            return  # another account's process: no answer at all
        conn.settimeout(self.server.connection_timeout)
        chunks, size = [], 0
        while size <= _MAX_REQUEST:
            chunk = conn.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        head, _, payload = b"".join(chunks).partition(b"\n")
        fields = head.split(b" ")
        if len(fields) != 3 or fields[0] != MAGIC:
            return
        try:
            nonce = bytes.fromhex(fields[1].decode("ascii"))
        except (ValueError, UnicodeDecodeError):
            return
        if len(nonce) != auth.NONCE_BYTES:
            return
        agent = fields[2].decode(errors="replace")
        if agent == "ping":  # liveness probe: no decision, no event
            self._answer(nonce, encode_reply("pong", "", 0))
            return
        try:
            adapter_for(agent)
        except Exception as exc:  # the protocol boundary: answer, never drop the connection
            self._answer(nonce, encode_reply("", f"gatepost: {exc}\n", 2))
            return
        resident = self.server.resident
        result = resident.decide(agent, payload)
        resident.keep(result, payload)  # in the journal before the reply leaves
        reply = result.reply
        self._answer(nonce, encode_reply(reply.stdout, reply.stderr, reply.exit_code))

    def _answer(self, nonce: bytes, body: bytes) -> None:
        self.request.sendall(body + auth.tag(self.server.secret, nonce, body))


class UnixService(BoundedPoolMixIn, socketserver.UnixStreamServer):
    """The decision socket: a fixed pool of workers; while all are busy, connections wait in
    the listen backlog (sized for bursts when the socket was bound here)."""

    workers = 8
    overflow = "wait"
    connection_timeout = 5.0

    def __init__(self, sock: socket.socket, resident: Resident, secret: bytes) -> None:
        self.resident, self.secret = resident, secret
        super().__init__(sock.getsockname(), _UnixHandler, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.start_pool()

    def server_close(self) -> None:
        super().server_close()
        self.stop_pool()


def serve(
    socket_file: Path,
    http_port: int | None,
    ready: threading.Event | None = None,
    idle_exit: float | None = None,
    listener: tuple[socket.socket, bool] | None = None,
) -> bool:
    """Run until interrupted, or until ``idle_exit`` seconds pass without a request. ``http_port``
    0 picks a free port; None serves no HTTP. ``listener``: the socket already listening (and
    whether the service manager passed it); else it is bound here. False when another service
    already answers."""
    home = str(socket_file.parent.parent)
    secret = auth.load_or_create_secret(auth.key_path(home))
    if listener is None:
        try:
            listener = activation.listening_socket(str(socket_file))
        except activation.AlreadyServing:
            return False  # one resident process per GATEPOST_HOME
    sock, inherited = listener
    resident = Resident()
    unix = UnixService(sock, resident, secret)
    pid_file = socket_file.with_name("daemon.pid")
    with contextlib.suppress(OSError):
        socket_file.with_name("autostart.lock").unlink()
    servers: list[socketserver.BaseServer] = [unix]
    port_file = socket_file.with_name("http.port")
    if http_port is not None:
        from gatepost.runtime.http import HookHTTPServer, load_token

        try:
            http = HookHTTPServer(http_port, load_token(home), resident.decide, resident.keep)
        except OSError as exc:  # the hooks on the socket are served all the same
            os.write(2, f"gatepost daemon: no HTTP on port {http_port}: {exc}\n".encode())
        else:
            servers.append(http)
            port_file.write_text(str(http.server_address[1]))
    pid_file.write_text(str(os.getpid()))  # last: the service is complete
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
        # a socket passed by the service manager stays where it is: the manager owns it
        for f in (pid_file, port_file) if inherited else (socket_file, pid_file, port_file):
            with contextlib.suppress(OSError):
                f.unlink()
        resident.flush()
    return True
