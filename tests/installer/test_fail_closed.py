"""The installed hook command fails closed when gatepost cannot start, and otherwise passes
gatepost's own reply through unchanged. Everything runs for real: ``gatepost install`` into a
temporary HOME, the installed command string through ``sh -c`` as the agent runs it."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gatepost.installer._json import is_gatepost_command
from gatepost.installer.command import FAILURE, hook_command
from gatepost.installer.doctor import named_agent
from gatepost.installer.probe import Answer, outcome

GATEPOST = str(Path(sys.executable).parent / "gatepost")
MESSAGE = (
    FAILURE + " (exit {code}); the action is blocked until a person repairs it (gatepost doctor)"
)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "home" / "project" / ".git").mkdir(parents=True)
    return tmp_path / "home"


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GATEPOST_", "CODEX_"))}
    env.update(HOME=str(home), GATEPOST_HOME=str(home / ".gatepost"))
    env["GATEPOST_DAEMON_AUTOSTART"] = "0"
    env.update(extra)
    return env


def _gatepost(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GATEPOST, *args],
        cwd=home / "project",
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )


def _installed(home: Path) -> str:
    """The PreToolUse command ``gatepost install claude-code`` wrote."""
    settings = json.loads((home / ".claude" / "settings.json").read_text())
    (group,) = settings["hooks"]["PreToolUse"]
    (handler,) = group["hooks"]
    command = handler["command"]
    assert isinstance(command, str)
    return command


def _payload(home: Path, command: str) -> str:
    return json.dumps(
        {
            "session_id": "s1",
            "cwd": str(home / "project"),
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": command},
            "tool_use_id": "toolu_1",
        }
    )


def _run(command: str, home: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/sh", "-c", command],
        input=stdin,
        cwd=home / "project",
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_install_writes_the_wrapped_command(home: Path) -> None:
    done = _gatepost(home, "install", "claude-code")
    assert done.returncode == 0, done.stderr
    command = _installed(home)
    assert command == hook_command(GATEPOST, "claude-code", fail_closed=True)
    assert is_gatepost_command(command)
    assert named_agent(command) == "claude-code"


@pytest.mark.parametrize(
    "shell_command", ["rm -rf ~", "git status", "echo '/a/b/' && printf 'x\\n\\n'"]
)
def test_gatepost_replies_pass_through_unchanged(home: Path, shell_command: str) -> None:
    assert _gatepost(home, "install", "claude-code").returncode == 0
    data = _payload(home, shell_command)
    direct = subprocess.run(
        [GATEPOST, "hook", "claude-code"],
        input=data,
        cwd=home / "project",
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    wrapped = _run(_installed(home), home, data)
    assert (wrapped.returncode, wrapped.stdout, wrapped.stderr) == (
        direct.returncode,
        direct.stdout,
        direct.stderr,
    )


def test_a_missing_executable_blocks_with_exit_2(home: Path) -> None:
    assert _gatepost(home, "install", "claude-code").returncode == 0
    missing = str(home / "gone" / "bin" / "gatepost")
    command = _installed(home).replace(shlex.quote(GATEPOST), shlex.quote(missing))
    assert missing in command
    done = _run(command, home, _payload(home, "rm -rf ~"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[-1] == MESSAGE.format(code=127)
    got = outcome(done.returncode, done.stdout, done.stderr)
    assert got == Answer("error", MESSAGE.format(code=127))


def test_a_crashing_executable_blocks_with_exit_2(home: Path, tmp_path: Path) -> None:
    assert _gatepost(home, "install", "claude-code").returncode == 0
    broken = tmp_path / "broken-gatepost"
    broken.write_text(
        "#!/bin/sh\n"
        "cat >/dev/null\n"
        "echo 'Traceback (most recent call last):' >&2\n"
        "echo 'ModuleNotFoundError: No module named gatepost' >&2\n"
        "exit 1\n"
    )
    broken.chmod(0o755)
    command = _installed(home).replace(shlex.quote(GATEPOST), shlex.quote(str(broken)))
    done = _run(command, home, _payload(home, "git status"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "Traceback (most recent call last):",
        "ModuleNotFoundError: No module named gatepost",
        MESSAGE.format(code=1),
    ]


def test_a_non_executable_file_blocks_with_exit_2(home: Path, tmp_path: Path) -> None:
    assert _gatepost(home, "install", "claude-code").returncode == 0
    plain = tmp_path / "not-executable"
    plain.write_text("#!/bin/sh\nexit 0\n")
    plain.chmod(0o644)
    command = _installed(home).replace(shlex.quote(GATEPOST), shlex.quote(str(plain)))
    done = _run(command, home, _payload(home, "git status"))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == MESSAGE.format(code=126)


def test_install_is_idempotent_and_uninstall_restores_the_original(home: Path) -> None:
    settings = home / ".claude" / "settings.json"
    settings.parent.mkdir(parents=True)
    original = b'{\n    "model": "opus",\n    "hooks": {"Stop": []}\n}\n'
    settings.write_bytes(original)
    assert _gatepost(home, "install", "claude-code").returncode == 0
    first = settings.read_bytes()
    again = _gatepost(home, "install", "claude-code")
    assert again.returncode == 0
    assert "already" in again.stdout
    assert settings.read_bytes() == first
    assert _gatepost(home, "install", "claude-code", "--uninstall").returncode == 0
    assert settings.read_bytes() == original


def test_fail_open_configuration_installs_the_plain_command(home: Path) -> None:
    (home / ".gatepost").mkdir()
    (home / ".gatepost" / "config.yaml").write_text("fail_mode: open\n")
    assert _gatepost(home, "install", "claude-code").returncode == 0
    assert _installed(home) == f"{shlex.quote(GATEPOST)} hook claude-code"


def test_abbreviated_options_are_refused(home: Path) -> None:
    assert _gatepost(home, "install", "claude-code").returncode == 0
    settings = (home / ".claude" / "settings.json").read_bytes()
    done = _gatepost(home, "install", "claude-code", "--uninst")
    assert done.returncode == 2
    assert "unrecognized arguments: --uninst" in done.stderr
    assert (home / ".claude" / "settings.json").read_bytes() == settings


def _parsers(parser: Any) -> list[Any]:
    import argparse

    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _parsers(sub)
    return found


def test_no_parser_accepts_abbreviations() -> None:
    from gatepost.cli.main import _parser

    parsers = _parsers(_parser())
    assert len(parsers) > 15
    assert [p.prog for p in parsers if p.allow_abbrev] == []


def _doctor(home: Path) -> tuple[int, dict[str, Any]]:
    done = _gatepost(home, "doctor", "--agent", "claude-code", "--json")
    report = json.loads(done.stdout)
    assert isinstance(report, dict)
    return done.returncode, report["agents"][0]


def test_doctor_recognises_the_wrapped_command_and_reports_it_broken(home: Path) -> None:
    assert _gatepost(home, "install", "claude-code").returncode == 0
    code, agent = _doctor(home)
    (probe,) = agent["probes"]
    assert (code, agent["status"], agent["problems"]) == (0, "OK", [])
    assert probe["command"] == _installed(home)
    assert probe["names_agent"] == "claude-code"
    assert (probe["harmless"], probe["dangerous"]) == (
        {"verdict": "pass", "detail": ""},
        {"verdict": "block", "detail": ""},
    )
    settings = home / ".claude" / "settings.json"
    missing = str(home / "gone" / "gatepost")
    settings.write_text(settings.read_text().replace(GATEPOST, missing))
    code, agent = _doctor(home)
    (probe,) = agent["probes"]
    failure = {"verdict": "error", "detail": MESSAGE.format(code=127)}
    assert (code, agent["status"]) == (1, "BROKEN")
    assert (probe["harmless"], probe["dangerous"]) == (failure, failure)
    assert probe["problem"] == f"fails on `git status`: {MESSAGE.format(code=127)}"
