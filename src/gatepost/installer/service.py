"""``gatepost install service``: start the decision service from its socket, by the service
manager of the user's session.

Linux: a systemd user socket unit (``ListenStream=`` the service socket, ``Accept=no``) and the
service unit it starts, in ``$XDG_CONFIG_HOME/systemd/user``; the service takes the listening
socket through ``LISTEN_FDS`` (:mod:`gatepost.runtime.activation`). macOS: a launchd agent with
``Sockets`` in ``~/Library/LaunchAgents``. Where neither is usable the first hook starts the
service itself.

The files are gatepost's alone: install writes them whole (and refuses to replace a file that
is not gatepost's); uninstall removes exactly those files, and only while they are as written.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gatepost.errors import ConfigError

MARKER = "written by gatepost install service"
SOCKET_UNIT = "gatepost.socket"
SERVICE_UNIT = "gatepost.service"
LAUNCHD_LABEL = "dev.gatepost.service"


@dataclass(frozen=True, slots=True)
class UnitFile:
    """One file the service manager reads, with the text gatepost writes into it."""

    path: Path
    text: str


@dataclass(frozen=True, slots=True)
class Plan:
    """What ``install service`` writes and runs on this platform, and what uninstall runs."""

    files: tuple[UnitFile, ...]
    enable: tuple[tuple[str, ...], ...]  # commands that start it, run after writing
    disable: tuple[tuple[str, ...], ...]  # commands that stop it, run before removing


def systemd_units(folder: Path, gatepost: str, home: Path, socket_path: Path) -> list[UnitFile]:
    socket_unit = f"""\
# {MARKER}; `gatepost install service --uninstall` removes it
[Unit]
Description=gatepost decision service socket

[Socket]
ListenStream={socket_path}
Accept=no
SocketMode=0600
DirectoryMode=0700
Backlog=256

[Install]
WantedBy=sockets.target
"""
    service_unit = f"""\
# {MARKER}; `gatepost install service --uninstall` removes it
[Unit]
Description=gatepost decision service
Requires={SOCKET_UNIT}
After={SOCKET_UNIT}

[Service]
Type=simple
Environment=GATEPOST_HOME={home}
ExecStart={gatepost} daemon
Restart=on-failure

[Install]
Also={SOCKET_UNIT}
"""
    return [
        UnitFile(folder / SOCKET_UNIT, socket_unit),
        UnitFile(folder / SERVICE_UNIT, service_unit),
    ]


def launchd_agent(folder: Path, gatepost: str, home: Path, socket_path: Path) -> UnitFile:
    from xml.sax.saxutils import escape

    text = f"""\
<?xml version="1.0" encoding="UTF-8"?>
<!-- {MARKER}; its uninstall option removes it -->
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" \
"http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>{LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array><string>{escape(gatepost)}</string><string>daemon</string></array>
  <key>EnvironmentVariables</key>
  <dict><key>GATEPOST_HOME</key><string>{escape(str(home))}</string></dict>
  <key>Sockets</key>
  <dict>
    <key>gatepost</key>
    <dict>
      <key>SockPathName</key><string>{escape(str(socket_path))}</string>
      <key>SockPathMode</key><integer>384</integer>
    </dict>
  </dict>
</dict>
</plist>
"""
    return UnitFile(folder / f"{LAUNCHD_LABEL}.plist", text)


def plan(environ: Mapping[str, str], platform: str, gatepost: str) -> Plan:
    """What install writes and runs on this platform (pure: nothing is read or written)."""
    user_home = Path(environ.get("HOME") or Path.home())
    home = Path(environ.get("GATEPOST_HOME") or user_home / ".gatepost").expanduser()
    socket_path = home / "run" / "gatepost.sock"
    if platform == "darwin":
        agent = launchd_agent(user_home / "Library" / "LaunchAgents", gatepost, home, socket_path)
        uid = str(os.getuid())
        return Plan(
            (agent,),
            (("launchctl", "bootstrap", f"gui/{uid}", str(agent.path)),),
            (("launchctl", "bootout", f"gui/{uid}/{LAUNCHD_LABEL}"),),
        )
    if platform.startswith("linux"):
        config = Path(environ.get("XDG_CONFIG_HOME") or user_home / ".config")
        units = systemd_units(config / "systemd" / "user", gatepost, home, socket_path)
        return Plan(
            tuple(units),
            (
                ("systemctl", "--user", "daemon-reload"),
                ("systemctl", "--user", "enable", "--now", SOCKET_UNIT),
            ),
            (("systemctl", "--user", "disable", "--now", SOCKET_UNIT, SERVICE_UNIT),),
        )
    raise ConfigError(f"no user service manager gatepost knows on {platform}: the hooks start it")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def diff(path: Path, before: str | None, after: str | None) -> str:
    return "".join(
        difflib.unified_diff(
            (before or "").splitlines(keepends=True),
            (after or "").splitlines(keepends=True),
            f"a/{path}" if before is not None else "/dev/null",
            f"b/{path}" if after is not None else "/dev/null",
        )
    )


def check_install(p: Plan) -> list[tuple[UnitFile, str | None]]:
    """(file, its text now) for each file; ConfigError when one is not gatepost's."""
    out = []
    for f in p.files:
        now = _read(f.path)
        if now is not None and MARKER not in now:
            raise ConfigError(f"{f.path} exists and was not written by gatepost; left as it is")
        out.append((f, now))
    return out


def check_uninstall(p: Plan) -> list[UnitFile]:
    """The files to remove; ConfigError when one was changed since install (nothing removed)."""
    present = []
    for f in p.files:
        now = _read(f.path)
        if now is None:
            continue
        if now != f.text:
            raise ConfigError(f"{f.path} was changed after install; remove it yourself")
        present.append(f)
    return present


def _run(commands: tuple[tuple[str, ...], ...]) -> list[str]:
    """Run the service manager's commands; the problems, for the summary (never fatal: the
    hooks start the service themselves where the manager is not there)."""
    problems = []
    for cmd in commands:
        if shutil.which(cmd[0]) is None:
            problems.append(f"{cmd[0]} not found; the hooks will start the service")
            break
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            problems.append(f"{' '.join(cmd)}: {done.stderr.strip() or done.returncode}")
            break
    return problems


def install(p: Plan, *, dry_run: bool, run_manager: bool = True) -> str:
    files = check_install(p)
    if dry_run:
        diffs = [diff(f.path, now, f.text) for f, now in files if now != f.text]
        cmds = [" ".join(c) for c in p.enable]
        return "".join(diffs) + "".join(f"would run: {c}\n" for c in cmds)
    for f, now in files:
        if now != f.text:
            f.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = f.path.with_name(f".{f.path.name}.{os.getpid()}.tmp")
            tmp.write_text(f.text, encoding="utf-8")
            os.replace(tmp, f.path)
    lines = [f"wrote {f.path}" for f, now in files if now != f.text]
    lines += [f"already in place: {f.path}" for f, now in files if now == f.text]
    problems = _run(p.enable) if run_manager else []
    lines += [f"  note: {m}" for m in problems]
    if not problems and run_manager:
        lines.append("the service now starts when a hook first connects to its socket")
    return "\n".join(lines)


def uninstall(p: Plan, *, dry_run: bool, run_manager: bool = True) -> str:
    present = check_uninstall(p)
    if dry_run:
        cmds = [" ".join(c) for c in p.disable] if present else []
        return "".join(diff(f.path, f.text, None) for f in present) + "".join(
            f"would run: {c}\n" for c in cmds
        )
    problems = _run(p.disable) if present and run_manager else []
    for f in present:
        f.path.unlink()
    lines = [f"removed {f.path}" for f in present] or ["no gatepost service files; nothing changed"]
    lines += [f"  note: {m}" for m in problems]
    return "\n".join(lines)
