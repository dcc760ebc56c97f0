"""``gatepost hook AGENT``: the entry point agents run on every event.

A small client of the decision service (``gatepost daemon``): one authenticated round trip
over ``GATEPOST_HOME/run/gatepost.sock`` (see :mod:`gatepost.runtime.client`), starting the
service first when none answers and waiting for it, bounded. Only when no service can answer,
or its answer does not verify, does this process load the policy and decide itself
(:func:`gatepost.runtime.fallback.decide`, the same decisions), answer, and leave the evidence to a
detached child process. An answer that did not verify is noted on stderr and in the log.

With ``GATEPOST_HOOK_TRACE=1`` the path that answered is written to stderr as the last line:
``gatepost-path: service``, ``started-service`` or ``fallback``.
"""

from __future__ import annotations

import os
import sys

from gatepost.runtime.client import (
    decode_reply,
    encode_reply,
    gatepost_home,
)
from gatepost.runtime.client import (
    socket_path as _socket_path,
)

__all__ = ["ask_daemon", "decode_reply", "encode_reply", "main", "socket_path"]

MAX_PAYLOAD = 4 * 1024 * 1024


def socket_path(environ: dict[str, str] | os._Environ[str]) -> str:
    return _socket_path(gatepost_home(environ))


def ask_daemon(path: str, agent: str, data: bytes, timeout: float) -> tuple[str, str, int] | None:
    """The verified reply of the service on ``path`` (its home is two folders up), or None."""
    from gatepost.runtime import auth
    from gatepost.runtime.client import ask

    home = os.path.dirname(os.path.dirname(path))
    try:
        return ask(path, auth.read_secret(auth.key_path(home)), agent, data, timeout)
    except OSError:
        return None


def _sep(text: str) -> str:
    """A line break to put first, when ``text`` (already written) does not end one."""
    return "\n" if text and not text.endswith("\n") else ""


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: gatepost hook AGENT  (reads the agent's hook payload on stdin)")
        return 0 if argv else 2
    agent = argv[0]
    data = sys.stdin.buffer.read(MAX_PAYLOAD + 1)
    from gatepost.runtime.client import TRACE_ENV, decide

    answer, path, note = decide(gatepost_home(os.environ), agent, data)
    trace = os.environ.get(TRACE_ENV) == "1"
    if answer is not None:
        out, err, code = answer
        sys.stdout.write(out)
        sys.stderr.write(err)
        if trace:
            sys.stderr.write(f"{_sep(err)}gatepost-path: {path}\n")
        return code
    # A short process: the cyclic garbage collector would run a few times while modules load
    # (~2 ms of a cold hook) to free next to nothing before the process exits anyway.
    import gc

    gc.disable()
    from gatepost.runtime.fallback import decide as decide_here
    from gatepost.runtime.fallback import keep_after_reply, log_problem

    reply, config, keep = decide_here(agent, data)
    if config is not None and note:  # in the journal before the reply, as the decision is
        from gatepost.runtime.fallback import record_untrusted

        log_problem(config, f"hook {agent}: {note}; decided in this process")
        problem = record_untrusted(config, agent, note)
        if problem:
            log_problem(config, problem)
    sys.stdout.write(reply.stdout)
    sys.stderr.write(reply.stderr)
    if note:
        sys.stderr.write(f"{_sep(reply.stderr)}gatepost: {note}; decided in this process\n")
    if trace:
        sys.stderr.write(f"{_sep(reply.stderr if not note else '')}gatepost-path: fallback\n")
    sys.stdout.flush()
    sys.stderr.flush()
    if config is not None and keep is not None:
        keep_after_reply(config, keep)
    return reply.exit_code
