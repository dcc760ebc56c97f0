"""``gatepost hook AGENT``: the entry point agents run on every event.

Import-light on purpose: it asks the resident process (``gatepost daemon``) over its Unix
socket first, which needs only ``_socket`` (``os`` and ``sys`` are loaded by the interpreter
anyway); only when no resident process answers does it load the policy and decide in-process,
answer, leave the evidence to a detached child process, and then, unless switched off, start
the resident process for the calls that follow.

Wire format on the socket: request ``AGENT\\n`` + payload bytes, then the client shuts down its
write side; reply ``CODE LEN_OUT LEN_ERR\\n`` + stdout bytes + stderr bytes.
"""

from __future__ import annotations

import os
import sys

SOCKET_NAME = "gatepost.sock"
MAX_PAYLOAD = 4 * 1024 * 1024


def gatepost_home(environ: dict[str, str] | os._Environ[str]) -> str:
    home = environ.get("GATEPOST_HOME")
    if home:
        return os.path.expanduser(home)
    return os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".gatepost")


def socket_path(environ: dict[str, str] | os._Environ[str]) -> str:
    return os.path.join(gatepost_home(environ), "run", SOCKET_NAME)


def encode_reply(stdout: str, stderr: str, code: int) -> bytes:
    out, err = stdout.encode(), stderr.encode()
    return b"%d %d %d\n" % (code, len(out), len(err)) + out + err


def decode_reply(data: bytes) -> tuple[str, str, int]:
    head, _, body = data.partition(b"\n")
    code, n_out, n_err = (int(x) for x in head.split())
    if len(body) != n_out + n_err:
        raise ValueError("truncated reply")
    return body[:n_out].decode(), body[n_out:].decode(), code


def ask_daemon(path: str, agent: str, data: bytes, timeout: float) -> tuple[str, str, int] | None:
    """The resident process's reply, or None when it is not there or does not answer in time."""
    import _socket

    try:
        s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            s.settimeout(timeout)
            s.connect(path)
            s.sendall(agent.encode() + b"\n" + data)
            s.shutdown(_socket.SHUT_WR)
            chunks = []
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            s.close()
        return decode_reply(b"".join(chunks))
    except (OSError, ValueError):
        return None


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: gatepost hook AGENT  (reads the agent's hook payload on stdin)")
        return 0 if argv else 2
    agent = argv[0]
    data = sys.stdin.buffer.read(MAX_PAYLOAD + 1)
    path = socket_path(os.environ)
    if os.path.exists(path):
        answer = ask_daemon(path, agent, data, timeout=0.7)
        if answer is not None:
            out, err, code = answer
            sys.stdout.write(out)
            sys.stderr.write(err)
            return code
    # A short process: the cyclic garbage collector would run a few times while modules load
    # (~2 ms of a cold hook) to free next to nothing before the process exits anyway.
    import gc

    gc.disable()
    from gatepost import _startup

    _startup.prepare()  # before the models are created
    from gatepost.local import decide, keep_after_reply, start_daemon

    reply, config, keep = decide(agent, data)
    sys.stdout.write(reply.stdout)
    sys.stderr.write(reply.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    if config is not None and keep is not None:
        keep_after_reply(config, keep)
    start_daemon(path)
    return reply.exit_code
