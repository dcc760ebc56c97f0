"""``gatepost hook AGENT``: the entry point agents run on every event.

Import-light on purpose: it asks the resident process (``gatepost daemon``) over its Unix
socket first, which needs only ``os``, ``socket`` and ``json``; only when no resident process
answers does it load the policy and decide in-process.
"""

from __future__ import annotations

import json
import os
import socket
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


def ask_daemon(path: str, agent: str, data: bytes, timeout: float) -> tuple[str, str, int] | None:
    """The resident process's reply, or None when it is not there or does not answer in time."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(path)
            s.sendall(agent.encode() + b"\n" + data)
            s.shutdown(socket.SHUT_WR)
            chunks = []
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        reply = json.loads(b"".join(chunks))
        return str(reply["o"]), str(reply["e"]), int(reply["c"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: gatepost hook AGENT  (reads the agent's hook payload on stdin)")
        return 0 if argv else 2
    agent = argv[0]
    data = sys.stdin.buffer.read(MAX_PAYLOAD + 1)
    path = socket_path(os.environ)
    if os.path.exists(path):
        answer = ask_daemon(path, agent, data, timeout=0.5)
        if answer is not None:
            out, err, code = answer
            sys.stdout.write(out)
            sys.stderr.write(err)
            return code
    from gatepost.local import decide_in_process

    reply = decide_in_process(agent, data)
    sys.stdout.write(reply.stdout)
    sys.stderr.write(reply.stderr)
    return reply.exit_code
