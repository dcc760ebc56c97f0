"""The ``gatepost`` command line. Each sub-command imports what it needs when it runs, so the
start-up of the command stays cheap."""

from __future__ import annotations

import io
import sys

# the hook client's path (main -> hookmain) stays a small stdlib client: typing stays off it
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from types import ModuleType


def _parser() -> argparse.ArgumentParser:
    import argparse

    from gatepost import __version__

    p = argparse.ArgumentParser(
        allow_abbrev=False,
        prog="gatepost",
        description="Runtime security layer for AI coding agents.",
    )
    p.add_argument("--version", action="version", version=f"gatepost {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser(
        "check",
        allow_abbrev=False,
        help="decide one action: a shell command after --, or a normalized action as JSON",
        description="Decide one action and print the decision with its explanation. Exit "
        "status: 0 pass or warn, 1 ask or block, 2 bad input.",
    )
    c.add_argument("--action", metavar="FILE", help="normalized action as JSON ('-' for stdin)")
    c.add_argument("--cwd", help="working directory for a command (default: current)")
    c.add_argument("--json", action="store_true", help="print the decision as JSON")
    c.add_argument("cmd", nargs=argparse.REMAINDER, help="-- COMMAND")

    pol = sub.add_parser("policy", allow_abbrev=False, help="test and lint policy packs")
    psub = pol.add_subparsers(dest="policy_command", metavar="SUBCOMMAND")
    t = psub.add_parser("test", allow_abbrev=False, help="run every rule's test cases")
    t.add_argument("paths", nargs="*", help="pack files or folders (default: the packs in force)")
    t.add_argument("--json", action="store_true")
    lint = psub.add_parser("lint", allow_abbrev=False, help="check pack and assignment files")
    lint.add_argument("paths", nargs="*", help="pack files or folders (default: those in force)")
    psub.add_parser("show", allow_abbrev=False, help="list packs, assignments and rules in force")

    sub.add_parser(
        "hook",
        allow_abbrev=False,
        help="answer one agent hook event: gatepost hook AGENT < payload",
    )

    _daemon_arguments(
        sub.add_parser(
            "daemon",
            allow_abbrev=False,
            help="run the decision service hooks talk to (authenticated Unix socket; HTTP on "
            "loopback for Claude Code http hooks when configured)",
            description=DAEMON_DESCRIPTION,
        )
    )

    d = sub.add_parser(
        "demo", allow_abbrev=False, help="replay a sample agent session through the decision path"
    )
    d.add_argument("--json", action="store_true", help="one decision per line as JSON")

    for name in PLUGGED:
        module = _plugged(name)
        if module is not None:
            module.register(sub)
    return p


DAEMON_DESCRIPTION = (
    "The decision service. Hooks start it themselves when it is not running (or the service "
    "manager does: gatepost install service). The HTTP endpoint is off unless config.yaml says "
    "'http: {port: N}' or --http-port is given; it requires the bearer token in "
    "GATEPOST_HOME/keys/http-token."
)


def _daemon_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument(
        "--http-port",
        type=int,
        metavar="PORT",
        help="serve http://127.0.0.1:PORT/hook/<agent> (0: a free port, written to "
        "run/http.port); default: config.yaml's http.port, else no HTTP",
    )
    p.add_argument("--no-http", action="store_true", help="no HTTP, whatever is configured")
    p.add_argument(
        "--idle-exit",
        type=float,
        metavar="SECONDS",
        help="exit after this long without a request (default: never)",
    )
    return p


# Sub-commands that live in their own module gatepost.cli.<name>, each with
# ``register(subparsers)`` adding its parser (dest "command" set to its name) and
# ``run(args) -> int``.
PLUGGED = (
    "install",
    "doctor",
    "events",
    "timeline",
    "report",
    "export",
    "verify",
    "retention",
    "evidence",
)


def _plugged(name: str) -> ModuleType | None:
    import importlib

    try:
        return importlib.import_module(f"gatepost.cli.{name}_cmd")
    except ModuleNotFoundError as exc:
        if exc.name != f"gatepost.cli.{name}_cmd":
            raise
        return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    import os

    # gatepost.permissions.PRIVATE_UMASK, set without importing it (the hook client stays
    # small): GATEPOST_HOME stays owner-only whatever the caller's umask
    os.umask(0o077)
    if arguments[:1] == ["hook"]:  # the hot path: no argument parser, no other imports
        from gatepost.cli.hookmain import main as hook_main

        return hook_main(arguments[1:])
    if arguments[:1] == ["daemon"]:  # started by a waiting hook: no other sub-command's imports
        import argparse

        daemon = argparse.ArgumentParser(
            prog="gatepost daemon", description=DAEMON_DESCRIPTION, allow_abbrev=False
        )
        return _daemon(_daemon_arguments(daemon).parse_args(arguments[1:]))
    args = _parser().parse_args(arguments)
    if args.command is None:
        _parser().print_help()
        return 2
    from gatepost.errors import GatepostError

    try:
        if args.command == "check":
            from gatepost.cli.check import run_check

            return run_check(args)
        if args.command == "policy":
            from gatepost.cli.policy import run_policy

            return run_policy(args)
        if args.command in PLUGGED:
            module = _plugged(args.command)
            assert module is not None
            return int(module.run(args))
        if args.command == "daemon":
            return _daemon(args)
        if args.command == "demo":
            from gatepost.cli.demo import run_demo

            return run_demo(args)
    except GatepostError as exc:
        print(f"gatepost: {exc}", file=sys.stderr)
        return 2
    return 2


def _daemon(args: argparse.Namespace) -> int:
    import os
    import signal
    from pathlib import Path

    from gatepost.runtime import activation, auth
    from gatepost.runtime.client import gatepost_home, socket_path

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    home = gatepost_home(os.environ)
    path = Path(socket_path(home))
    # the key and the socket first, the policy after: a hook that started this process can
    # connect now and wait in the backlog while the rest loads
    auth.load_or_create_secret(auth.key_path(home))
    try:
        listener = activation.listening_socket(str(path))
    except activation.AlreadyServing:
        print("gatepost daemon: already running", file=sys.stderr)
        return 0
    from gatepost.permissions import tighten

    for loose in tighten(Path(home)):
        print(f"gatepost daemon: made {loose} owner-only", file=sys.stderr)
    from gatepost.runtime.fallback import current_config
    from gatepost.runtime.service import serve

    http_port = args.http_port
    if http_port is None and not args.no_http:
        http_port = current_config()[0].http_port
    if args.no_http:
        http_port = None
    print(
        f"gatepost daemon: socket {path}"
        + ("" if http_port is None else f", http://127.0.0.1:{http_port}/hook/<agent>"),
        file=sys.stderr,
    )
    serve(path, http_port, idle_exit=args.idle_exit, listener=listener)
    return 0


def console() -> None:
    """The ``gatepost`` executable. After ``gatepost hook`` it exits without tearing the
    interpreter down, which would cost a cold hook about 5 ms: the reply is flushed and the
    exit handlers run, and nothing else is left open (the evidence is kept by a child)."""
    import os

    if sys.argv[1:2] != ["hook"]:
        for out in (sys.stdout, sys.stderr):  # a stored lone surrogate prints as \udxxx
            if isinstance(out, io.TextIOWrapper):
                out.reconfigure(errors="backslashreplace")
        try:
            code = main()
            sys.stdout.flush()
        except BrokenPipeError:  # the reader went away (`gatepost events | head -1`)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, sys.stdout.fileno())  # so the flush at exit does not fail again
            sys.exit(141)  # as a program killed by SIGPIPE
        sys.exit(code)
    code = main()
    import atexit

    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105  # not contextlib.suppress: contextlib costs this path ~3 ms
            stream.flush()
        except (OSError, ValueError):
            pass  # the agent stopped reading: nothing more can reach it
    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
