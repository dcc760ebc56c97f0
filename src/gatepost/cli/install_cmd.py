"""``gatepost install AGENT``: write (or, with ``--uninstall``, remove) the agent's hooks."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from gatepost.errors import ConfigError
from gatepost.installer import MODULES, SCOPES, Spec, spec
from gatepost.installer.files import (
    Change,
    apply,
    place_from,
    plan_install,
    plan_uninstall,
    unified_diff,
)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "install",
        allow_abbrev=False,
        help="hook gatepost into an agent (its hook configuration file), or take it out again",
        description="Merge gatepost's hooks into the agent's own hook configuration: every "
        "pre-tool event (MCP tools included), prompt submission, post-tool and session "
        "events where the agent has them. Other hooks and settings are kept; installing "
        "twice changes nothing; the original file is kept as <file>.gatepost-backup and "
        "--uninstall restores it exactly when nothing else changed. Exit status: 0 done, "
        "2 the file cannot be used.",
    )
    p.add_argument(
        "agent",
        metavar="AGENT",
        help=f"one of: {', '.join(MODULES)}; or 'service': the decision service as a user "
        "service started by its socket (systemd user units, a launchd agent on macOS)",
    )
    p.add_argument(
        "--scope",
        choices=SCOPES,
        default="user",
        help="user: your home folder (default); project: the current git work tree; "
        "managed: the machine-wide file administrators deploy",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="print the diff of what would change, write nothing"
    )
    p.add_argument("--uninstall", action="store_true", help="remove gatepost's hooks")
    p.add_argument(
        "--command",
        dest="hook_command",  # "command" is the sub-command's own dest in gatepost's parser
        metavar="CMD",
        help="the hook command to write (default: '<absolute path of gatepost> hook AGENT')",
    )
    p.add_argument(
        "--no-start",
        action="store_true",
        help="service: write or remove the unit files only, do not run systemctl/launchctl",
    )


def run(args: argparse.Namespace) -> int:
    if args.agent == "service":
        from gatepost.installer import service

        unit_plan = service.plan(os.environ, sys.platform, gatepost_executable())
        act = service.uninstall if args.uninstall else service.install
        print(act(unit_plan, dry_run=args.dry_run, run_manager=not args.no_start))
        return 0
    agent = spec(args.agent)
    place = place_from(os.environ, Path.cwd())
    if args.uninstall:
        change = plan_uninstall(agent, args.scope, place)
    else:
        command = args.hook_command or default_command(agent.name)
        change = plan_install(agent, args.scope, place, command)
    if args.dry_run:
        print(unified_diff(change) or f"{change.path}: nothing to change ({change.message})")
        return 0
    apply(change, managed=args.scope == "managed")
    print(summary(agent, args.scope, change, uninstall=args.uninstall))
    return 0


def default_command(agent: str) -> str:
    """``gatepost hook AGENT``, wrapped to fail closed (see gatepost.installer.command) except
    on Windows and where the configuration asks to fail open."""
    from gatepost.config import load_config
    from gatepost.installer.command import hook_command

    try:
        fail_open = load_config().fail_mode == "open"
    except ConfigError:
        fail_open = False
    closed = sys.platform != "win32" and not fail_open
    return hook_command(gatepost_executable(), agent, fail_closed=closed)


def gatepost_executable() -> str:
    """The absolute path of the ``gatepost`` executable: the one running, else the one on
    PATH, else the one next to this Python."""
    candidates: list[Path] = []
    if Path(sys.argv[0]).name == "gatepost":
        candidates.append(Path(sys.argv[0]))
    found = shutil.which("gatepost")
    if found:
        candidates.append(Path(found))
    candidates.append(Path(sys.executable).parent / "gatepost")
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate.absolute())
    raise ConfigError(
        "cannot find the gatepost executable; pass --command '/path/to/gatepost hook AGENT'"
    )


def summary(agent: Spec, scope: str, change: Change, *, uninstall: bool) -> str:
    path = change.path
    if uninstall:
        return {
            "restore": f"restored the original {path} from {change.backup}, byte for byte",
            "delete": f"removed {path} ({change.message})",
            "write": f"removed gatepost's hooks from {path}; {change.message}",
        }.get(change.action, f"no gatepost hook in {path}; nothing changed")
    if change.action == "unchanged":
        return f"gatepost hooks for {agent.title} are already in {path}; nothing changed"
    lines = [
        f"installed gatepost hooks for {agent.title} in {path} ({scope} scope)",
        f"  events: {', '.join(agent.events)}",
    ]
    if change.make_backup:
        lines.append(f"  original kept in {change.backup}")
    lines += [f"  note: {note}" for note in agent.notes]
    lines.append("check that the hooks answer: gatepost doctor")
    return "\n".join(lines)
