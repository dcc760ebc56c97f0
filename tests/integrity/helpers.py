"""A private copy of the gatepost package and a home to attack, and the real commands run on
them as subprocesses (``gatepost hook claude-code``, ``gatepost doctor``, ``gatepost events``).

The attacks edit the copy, never the package the tests run from: the subprocesses import
gatepost from the copy (``PYTHONPATH`` comes before the installed package).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gatepost.runtime.fallback import wait_for_recording

SRC = Path(__file__).resolve().parents[2] / "src"


@dataclass(frozen=True, slots=True)
class Install:
    """A copy of the package (``src/gatepost``), a user's home and a project folder."""

    src: Path
    home: Path  # GATEPOST_HOME
    project: Path

    @property
    def packs(self) -> Path:
        return self.src / "gatepost" / "packs"

    @property
    def log(self) -> Path:
        return self.home / "log" / "gatepost.log"

    @property
    def cache(self) -> Path:
        return self.home / "state" / "policy-cache.json"

    @property
    def key(self) -> Path:
        return self.home / "keys" / "cache.key"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GATEPOST")}
        return env | {
            "PYTHONPATH": str(self.src),
            "GATEPOST_HOME": str(self.home),
            "HOME": str(self.home.parent),
            "GATEPOST_DAEMON_AUTOSTART": "0",
        }


def make_install(tmp_path: Path) -> Install:
    src = tmp_path / "src"
    shutil.copytree(SRC / "gatepost", src / "gatepost", ignore=shutil.ignore_patterns("*.pyc"))
    home = tmp_path / "user" / ".gatepost"
    project = tmp_path / "project"
    project.mkdir()
    return Install(src, home, project)


def payload(install: Install, command: str) -> bytes:
    return json.dumps(
        {
            "session_id": "s1",
            "cwd": str(install.project),
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": command},
            "tool_use_id": "toolu_1",
        }
    ).encode()


def run(
    install: Install, *args: str, stdin: bytes = b"", umask: int | None = None
) -> subprocess.CompletedProcess[str]:
    """``gatepost ARGS`` from the copy, waiting for the evidence it keeps after replying."""
    done = subprocess.run(
        [sys.executable, "-m", "gatepost.cli.main", *args],
        input=stdin.decode(),
        capture_output=True,
        text=True,
        env=install.env(),
        cwd=install.project,
        timeout=60,
        check=False,
        preexec_fn=None if umask is None else (lambda: os.umask(umask) and None),
    )
    assert wait_for_recording(install.home)
    return done


def hook(install: Install, command: str, *, umask: int | None = None) -> tuple[int, Any, str]:
    """``gatepost hook claude-code`` on a Bash tool call: exit code, parsed stdout (None when
    empty) and stderr."""
    done = run(install, "hook", "claude-code", stdin=payload(install, command), umask=umask)
    return done.returncode, json.loads(done.stdout) if done.stdout else None, done.stderr


def log_lines(install: Install) -> list[str]:
    """The log's lines less their time stamp and process id."""
    if not install.log.exists():
        return []
    text = install.log.read_text(encoding="utf-8")
    return [re.sub(r"^\S+ \[\d+\] ", "", line) for line in text.splitlines()]


def events(install: Install) -> list[dict[str, Any]]:
    done = run(install, "events", "--json")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
