"""The hook's side of the decision service: one authenticated round trip over a Unix socket,
starting the service first when none answers.

Wire format. Request: ``GP1 NONCE AGENT\\n`` + payload (NONCE: 16 random bytes, hex), then the
client shuts its write side. Reply: ``CODE LEN_OUT LEN_ERR\\n`` + stdout + stderr + TAG, where
TAG = HMAC-SHA256(secret, nonce || everything before TAG). The client uses a reply only when
the peer is a trusted account (SO_PEERCRED) and TAG verifies; a replayed reply carries another
request's nonce and does not.

Stdlib only, no gatepost model imports: every hook call pays for what this module imports.
"""

from __future__ import annotations

import os
import sys

from gatepost.runtime import auth

SOCKET_NAME = "gatepost.sock"
MAGIC = b"GP1"
MAX_REPLY = 8 * 1024 * 1024
AUTOSTART_ENV = "GATEPOST_DAEMON_AUTOSTART"
TRACE_ENV = "GATEPOST_HOOK_TRACE"  # "1": write which path answered to stderr
IDLE_EXIT_SECONDS = 1800
START_WAIT = 1.0  # seconds to wait for a service this hook started to bind its socket
REPLY_TIMEOUT = 3.0  # seconds for one answer (a service just started loads its policy first)


class Unreachable(OSError):
    """No service listens on the socket."""


class Untrusted(OSError):
    """Something answered on the socket, but not verifiably the decision service."""


def gatepost_home(environ: dict[str, str] | os._Environ[str]) -> str:
    home = environ.get("GATEPOST_HOME")
    if home:
        return os.path.expanduser(home)
    return os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".gatepost")


def socket_path(home: str) -> str:
    return os.path.join(home, "run", SOCKET_NAME)


def encode_reply(stdout: str, stderr: str, code: int) -> bytes:
    out, err = stdout.encode(), stderr.encode()
    return b"%d %d %d\n" % (code, len(out), len(err)) + out + err


def decode_reply(data: bytes) -> tuple[str, str, int]:
    head, _, body = data.partition(b"\n")
    code, n_out, n_err = (int(x) for x in head.split())
    if n_out < 0 or n_err < 0 or len(body) != n_out + n_err:
        raise ValueError("truncated reply")
    return body[:n_out].decode(), body[n_out:].decode(), code


def encode_request(nonce: bytes, agent: str, payload: bytes) -> bytes:
    return b"%s %s %s\n" % (MAGIC, nonce.hex().encode(), agent.encode()) + payload


def ask(path: str, secret: bytes, agent: str, data: bytes, timeout: float) -> tuple[str, str, int]:
    """One authenticated round trip. Unreachable when nobody listens; Untrusted when the answer
    cannot be verified; TimeoutError when it does not come in time."""
    import _socket

    s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        try:
            s.connect(path)
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            raise Unreachable(str(exc)) from None
        uid = auth.peer_uid(s)
        if uid is not None and uid not in auth.trusted_uids():
            raise Untrusted(f"the process on {path} runs as uid {uid}")
        nonce = os.urandom(auth.NONCE_BYTES)
        s.sendall(encode_request(nonce, agent, data))
        s.shutdown(_socket.SHUT_WR)
        import hmac  # noqa: F401  # loads OpenSSL (~3 ms) while the service decides

        chunks, size = [], 0
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_REPLY:
                raise Untrusted("reply too large")
            chunks.append(chunk)
    finally:
        s.close()
    raw = b"".join(chunks)
    body, mac = raw[: -auth.TAG_BYTES], raw[-auth.TAG_BYTES :]
    if len(raw) <= auth.TAG_BYTES or not auth.verify(secret, nonce, body, mac):
        raise Untrusted(f"the answer on {path} does not verify")
    try:
        return decode_reply(body)
    except (ValueError, UnicodeDecodeError):
        raise Untrusted("a verified reply that cannot be read") from None


def autostart_enabled(environ: dict[str, str] | os._Environ[str]) -> bool:
    return environ.get(AUTOSTART_ENV, "1").lower() not in ("0", "false", "no", "off")


def start_service(home: str) -> bool:
    """Start ``gatepost daemon`` detached (its own session, output to the log); False when
    another hook is starting it already or it cannot be started here."""
    run = os.path.join(home, "run")
    lock = os.path.join(run, "autostart.lock")
    try:
        os.makedirs(run, mode=0o700, exist_ok=True)
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            import time

            if time.time() - os.stat(lock).st_mtime < 10:
                return False  # another hook started it a moment ago
            os.unlink(lock)  # a leftover of a start that never came up
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        log_dir = os.path.join(home, "log")
        os.makedirs(log_dir, mode=0o700, exist_ok=True)
        argv = [sys.executable, "-m", "gatepost.cli.main", "daemon"]
        argv += ["--idle-exit", str(IDLE_EXIT_SECONDS)]
        os.posix_spawn(
            sys.executable,
            argv,
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (
                    os.POSIX_SPAWN_OPEN,
                    2,
                    os.path.join(log_dir, "gatepost.log"),
                    os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                    0o600,
                ),
            ],
            setsid=True,
        )
        return True
    except (OSError, AttributeError, NotImplementedError):
        return False  # no posix_spawn here: the fallback decides


def decide(
    home: str, agent: str, data: bytes, environ: dict[str, str] | os._Environ[str] = os.environ
) -> tuple[tuple[str, str, int] | None, str, str]:
    """(reply or None, which path: "service" | "started-service" | "fallback", why the service
    was not used: "" when it simply is not there, else a note for stderr and the log)."""
    path = socket_path(home)
    try:
        secret = auth.load_or_create_secret(auth.key_path(home))
    except OSError as exc:
        return None, "fallback", f"service key refused: {exc}"
    try:
        return ask(path, secret, agent, data, REPLY_TIMEOUT), "service", ""
    except Unreachable:
        pass
    except Untrusted as exc:
        return None, "fallback", f"decision service not trusted: {exc}"
    except OSError as exc:
        return None, "fallback", f"decision service failed: {exc}"
    if not autostart_enabled(environ):
        return None, "fallback", ""
    import time

    started = start_service(home)
    deadline = time.monotonic() + START_WAIT
    while True:
        try:
            reply = ask(path, secret, agent, data, REPLY_TIMEOUT)
            return reply, "started-service" if started else "service", ""
        except Unreachable:
            if time.monotonic() > deadline:
                return None, "fallback", "decision service did not start in time"
            time.sleep(0.002)
        except Untrusted as exc:
            return None, "fallback", f"decision service not trusted: {exc}"
        except OSError as exc:
            return None, "fallback", f"decision service failed: {exc}"
