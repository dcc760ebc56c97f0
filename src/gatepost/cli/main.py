"""The ``gatepost`` command line. Each sub-command imports what it needs when it runs, so the
start-up of the command stays cheap."""

from __future__ import annotations

import io
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs the hook milliseconds
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from types import ModuleType


def _parser() -> argparse.ArgumentParser:
    import argparse

    from gatepost import __version__

    p = argparse.ArgumentParser(
        prog="gatepost",
        description="Runtime security layer for AI coding agents.",
    )
    p.add_argument("--version", action="version", version=f"gatepost {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser(
        "check",
        help="decide one action: a shell command after --, or a normalized action as JSON",
        description="Decide one action and print the decision with its explanation. Exit "
        "status: 0 pass or warn, 1 ask or block, 2 bad input.",
    )
    c.add_argument("--action", metavar="FILE", help="normalized action as JSON ('-' for stdin)")
    c.add_argument("--cwd", help="working directory for a command (default: current)")
    c.add_argument("--json", action="store_true", help="print the decision as JSON")
    c.add_argument("cmd", nargs=argparse.REMAINDER, help="-- COMMAND")

    pol = sub.add_parser("policy", help="test and lint policy packs")
    psub = pol.add_subparsers(dest="policy_command", metavar="SUBCOMMAND")
    t = psub.add_parser("test", help="run every rule's test cases")
    t.add_argument("paths", nargs="*", help="pack files or folders (default: the packs in force)")
    t.add_argument("--json", action="store_true")
    lint = psub.add_parser("lint", help="check pack and assignment files")
    lint.add_argument("paths", nargs="*", help="pack files or folders (default: those in force)")
    psub.add_parser("show", help="list packs, assignments and rules in force")

    sub.add_parser("hook", help="answer one agent hook event: gatepost hook AGENT < payload")

    dm = sub.add_parser(
        "daemon",
        help="run the resident process hooks talk to (Unix socket, "
        "and HTTP on loopback for Claude Code http hooks)",
    )
    dm.add_argument("--http-port", type=int, default=8787, help="loopback port (default 8787)")
    dm.add_argument("--no-http", action="store_true", help="serve the Unix socket only")
    dm.add_argument(
        "--idle-exit",
        type=float,
        metavar="SECONDS",
        help="exit after this long without a request (default: never)",
    )

    d = sub.add_parser("demo", help="replay a sample agent session through the decision path")
    d.add_argument("--json", action="store_true", help="one decision per line as JSON")

    for name in PLUGGED:
        module = _plugged(name)
        if module is not None:
            module.register(sub)
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
    if arguments[:1] == ["hook"]:  # the hot path: no argument parser, no other imports
        from gatepost.cli.hookmain import main as hook_main

        return hook_main(arguments[1:])
    from gatepost import _startup

    _startup.prepare()
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

    from gatepost.cli.hookmain import socket_path
    from gatepost.daemon import serve

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    path = Path(socket_path(os.environ))
    print(
        f"gatepost daemon: socket {path}"
        + ("" if args.no_http else f", http://127.0.0.1:{args.http_port}/hook/<agent>"),
        file=sys.stderr,
    )
    if not serve(path, None if args.no_http else args.http_port, idle_exit=args.idle_exit):
        print("gatepost daemon: already running", file=sys.stderr)
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
