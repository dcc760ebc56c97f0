"""`gatepost doctor`: installed hooks really answer; broken ones are reported loudly."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from gatepost.cli.main import main
from gatepost.installer import MODULES, Place, spec
from gatepost.installer.doctor import (
    BROKEN,
    CAVEATS,
    NOT_INSTALLED,
    OK,
    FileState,
    Hook,
    Probe,
    assess,
    codex_disabled,
    disabled_by,
    judge,
    named_agent,
)
from gatepost.installer.probe import PROBES, Answer, outcome
from tests.installer.test_plan import CONFIGS

GATEPOST = str(Path(sys.executable).parent / "gatepost")
AGENTS = sorted(MODULES)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A clean HOME and a git work tree as the current folder; (home, project)."""
    home, project = tmp_path / "home", tmp_path / "work" / "api"
    (project / ".git").mkdir(parents=True)
    home.mkdir()
    for var in list(os.environ):
        if var.startswith(("GATEPOST", "CODEX_", "COPILOT_", "GEMINI_")):
            monkeypatch.delenv(var)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GATEPOST_HOME", str(home / ".gatepost"))
    monkeypatch.setenv("GATEPOST_DAEMON_AUTOSTART", "0")  # the probes leave no resident process
    monkeypatch.chdir(project)
    return home, project


def _doctor(capsys: pytest.CaptureFixture[str], *agents: str) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(["doctor", "--json", *[a for agent in agents for a in ("--agent", agent)]])
    return code, json.loads(capsys.readouterr().out)


def _install(agent: str, scope: str, command: str) -> None:
    assert main(["install", agent, "--scope", scope, "--command", command]) == 0


def _without_details(report: dict[str, Any]) -> dict[str, Any]:
    """The agent's report with the probes' free-text details (the block reason) set aside."""
    for probe in report["probes"]:
        for key in ("harmless", "dangerous"):
            if probe[key] is not None:
                probe[key] = probe[key]["verdict"]
    return report


def _probe(
    agent: str, command: str, event: str, *, harmless: str, dangerous: str, problem: str = ""
) -> dict[str, Any]:
    return {
        "command": command,
        "event": event,
        "payload": PROBES[agent][event],
        "names_agent": agent,
        "harmless": harmless,
        "dangerous": dangerous,
        "problem": problem,
    }


@pytest.mark.parametrize("agent", AGENTS)
def test_installed_hooks_answer_then_a_broken_command_is_reported(
    agent: str, env: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    home, project = env
    command = f"{GATEPOST} hook {agent}"
    _install(agent, "project", command)
    target = str(spec(agent).target("project", Place(home=home, project=project)))
    events = list(spec(agent).events)
    probe_events = [e for e in events if e in PROBES[agent]]

    code, report = _doctor(capsys, agent)
    assert code == 0
    assert report["policy"]["ok"] is True
    (got,) = report["agents"]
    assert _without_details(got) == {
        "agent": agent,
        "status": OK,
        "files": [
            {
                "path": target,
                "scope": "project",
                "own": True,
                "gatepost_events": events,
                "problem": "",
                "disabled": "",
            }
        ],
        "probes": [
            _probe(agent, command, e, harmless="pass", dangerous="block") for e in probe_events
        ],
        "problems": [],
        "warnings": [],
        "notes": [CAVEATS[agent]] if agent in CAVEATS else [],
    }

    broken = f"{project}/no-such-dir/gatepost hook {agent}"
    _install(agent, "project", broken)
    code, report = _doctor(capsys, agent)
    assert code == 1
    (got,) = report["agents"]
    failure = "fails on `git status`: command not found (exit 127)"
    assert [p.split(" (exit 127)")[0] + " (exit 127)" for p in got["problems"]] == [
        f"{spec(agent).title} runs its gatepost hook `{broken}` ({e}), which {failure}"
        for e in probe_events
    ]
    assert (got["status"], [p["harmless"]["verdict"] for p in got["probes"]]) == (
        BROKEN,
        ["error"] * len(probe_events),
    )


def test_a_claude_code_user_install_is_also_run_by_vscode(
    env: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """VS Code loads ~/.claude/settings.json by default and sends its own payloads there; the
    hook recognises them and judges them in VS Code's protocol."""
    home, _ = env
    command = f"{GATEPOST} hook claude-code"
    _install("claude-code", "user", command)
    code, report = _doctor(capsys, "claude-code", "vscode")
    assert code == 0
    claude, vscode = report["agents"]
    assert claude["status"] == OK
    assert _without_details(vscode) == {
        "agent": "vscode",
        "status": NOT_INSTALLED,
        "files": [
            {
                "path": str(home / ".claude/settings.json"),
                "scope": "user",
                "own": False,
                "gatepost_events": list(spec("claude-code").events),
                "problem": "",
                "disabled": "",
            }
        ],
        "probes": [
            {
                **_probe("vscode", command, "PreToolUse", harmless="pass", dangerous="block"),
                "names_agent": "claude-code",
            }
        ],
        "problems": [],
        "warnings": [],
        "notes": [f"also runs the gatepost hook for claude-code: `{command}`"],
    }


def test_a_config_without_gatepost_is_reported_loudly(
    env: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    home, _ = env
    settings = home / ".claude" / "settings.json"
    settings.parent.mkdir()
    shutil.copyfile(CONFIGS / "claude-code" / "settings.json", settings)
    assert main(["doctor", "--agent", "claude-code"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[3] == f"claude-code  {NOT_INSTALLED:<14} Claude Code"
    assert (
        f"!! claude-code: {settings} exists but has no gatepost hook: Claude Code runs unprotected"
        in out
    )


def test_an_unreadable_config_is_a_warning_not_a_failure(
    env: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    home, _ = env
    settings = home / ".gemini" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{\n  // my theme\n  "ui": {"theme": "GitHub"}\n}\n')
    code, report = _doctor(capsys, "gemini-cli")
    assert code == 0
    (got,) = report["agents"]
    assert (got["status"], got["warnings"]) == (
        NOT_INSTALLED,
        [
            f"cannot read {settings}: not valid JSON (line 2, column 3: Expecting property "
            "name enclosed in double quotes); gatepost does not rewrite a file it cannot read: "
            "fix it, or add the hooks by hand"
        ],
    )


def test_a_refused_policy_is_reported_and_fails(
    env: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    home, _ = env
    packs = home / ".gatepost" / "packs"
    packs.mkdir(parents=True)
    (packs / "local.yaml").write_text("pack: {id: local, version: '1', title: Local}\nrules: 7\n")
    code, report = _doctor(capsys, "windsurf")
    assert code == 1
    assert report["policy"]["ok"] is False
    assert report["policy"]["message"].startswith(f"policy refused: {packs / 'local.yaml'}")
    assert report["policy"]["message"].endswith("your latest changes are NOT enforced")


def test_hooks_switched_off_break_an_installed_agent(
    env: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    home, _ = env
    command = f"{GATEPOST} hook gemini-cli"
    _install("gemini-cli", "user", command)
    settings = home / ".gemini" / "settings.json"
    data = json.loads(settings.read_text())
    settings.write_text(json.dumps({"hooksConfig": {"enabled": False}, **data}, indent=2))
    code, report = _doctor(capsys, "gemini-cli")
    assert code == 1
    (got,) = report["agents"]
    assert (got["status"], got["problems"]) == (
        BROKEN,
        [
            f"{settings}: hooksConfig.enabled is false: Gemini CLI runs no hooks, "
            "gatepost's included"
        ],
    )


# ---------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    ("exit_code", "stdout", "stderr", "expected"),
    [
        (0, "", "", Answer("pass")),
        (0, "{}", "", Answer("pass")),
        (0, '{"continue": true}', "", Answer("pass")),
        (
            2,
            "",
            "gatepost blocked this action: x\nmore",
            Answer("block", "gatepost blocked this action: x"),
        ),
        (
            0,
            '{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny"}}',
            "",
            Answer("block"),
        ),
        (0, '{"hookSpecificOutput": {"decision": {"behavior": "deny"}}}', "", Answer("block")),
        (0, '{"permission": "ask", "user_message": "?"}', "", Answer("ask")),
        (0, '{"decision": "deny", "reason": "no"}', "", Answer("block")),
        (0, '{"continue": false, "stopReason": "no"}', "", Answer("block")),
        (0, '{"systemMessage": "careful"}', "", Answer("pass")),
        (
            0,
            "Warning: something",
            "",
            Answer("error", "stdout is not one JSON object: Warning: something"),
        ),
        (0, "[]", "", Answer("error", "stdout is not a JSON object: []")),
        (
            127,
            "",
            "sh: gatepost: not found",
            Answer("error", "command not found (exit 127): sh: gatepost: not found"),
        ),
        (126, "", "", Answer("error", "command cannot be executed (exit 126)")),
        (
            1,
            "",
            "Traceback (most recent call last):",
            Answer("error", "exited 1: Traceback (most recent call last):"),
        ),
    ],
)
def test_outcome_reads_the_native_reply(
    exit_code: int, stdout: str, stderr: str, expected: Answer
) -> None:
    assert outcome(exit_code, stdout, stderr) == expected


def test_windsurf_stdout_is_not_a_decision() -> None:
    assert outcome(0, "some text", "", json_stdout=False) == Answer("pass")


@pytest.mark.parametrize(
    ("harmless", "dangerous", "problem"),
    [
        (Answer("pass"), Answer("block"), ""),
        (None, Answer("block"), "did not answer `git status` within 10 s"),
        (Answer("error", "exited 1"), Answer("block"), "fails on `git status`: exited 1"),
        (
            Answer("ask"),
            Answer("block"),
            "refuses the harmless `git status` (ask): every action is refused",
        ),
        (Answer("pass"), Answer("pass"), "lets `rm -rf /` through (pass): protection is off"),
        (Answer("pass"), Answer("ask"), "lets `rm -rf /` through (ask): protection is off"),
    ],
)
def test_judge(harmless: Answer | None, dangerous: Answer | None, problem: str) -> None:
    assert judge(harmless, dangerous) == problem


def test_assess_hooks_without_a_pre_tool_event_are_broken() -> None:
    cmd = "/x/gatepost hook claude-code"
    hooks = [Hook("/h/.claude/settings.json", "user", "SessionStart", cmd, "claude-code")]
    files = [FileState("/h/.claude/settings.json", "user", True, ("SessionStart",))]
    report = assess(spec("claude-code"), files, hooks, [])
    assert (report.status, report.problems) == (
        BROKEN,
        (
            "gatepost is registered (SessionStart) but not on PreToolUse: tool calls are not "
            "checked",
        ),
    )


def test_assess_a_foreign_hook_that_lets_danger_through_is_a_warning() -> None:
    cmd = "/x/gatepost hook vscode"
    hooks = [Hook("/p/.github/hooks/gatepost-vscode.json", "project", "PreToolUse", cmd, "vscode")]
    files = [FileState("/p/.github/hooks/gatepost-vscode.json", "project", True, ("PreToolUse",))]
    probe = Probe(
        cmd,
        "PreToolUse",
        "copilot-vscode-compatible",
        "vscode",
        True,
        Answer("pass"),
        Answer("pass"),
    )
    report = assess(spec("copilot"), files, hooks, [probe])
    assert (report.status, report.warnings) == (
        NOT_INSTALLED,
        (
            "GitHub Copilot CLI and cloud agent runs the vscode hook `/x/gatepost hook vscode` "
            "(PreToolUse), which lets `rm -rf /` through (pass): protection is off",
        ),
    )


@pytest.mark.parametrize(
    ("obj", "switch"),
    [
        ({"disableAllHooks": True}, "disableAllHooks is true"),
        ({"hooksConfig": {"enabled": False}}, "hooksConfig.enabled is false"),
        ({"hooks": {"enabled": False}}, "hooks.enabled is false"),
        ({"disableAllHooks": False, "hooksConfig": {"enabled": True}}, ""),
    ],
)
def test_disabled_by(obj: dict[str, Any], switch: str) -> None:
    assert disabled_by(obj) == switch


def test_codex_feature_switch() -> None:
    assert codex_disabled('model = "o3"\n[features]\nhooks = false\n') == (
        "[features] hooks = false"
    )
    assert codex_disabled("[features]\ncodex_hooks = false\n") == "[features] codex_hooks = false"
    assert codex_disabled("[features]\nhooks = true\n") == ""
    assert codex_disabled("not = [toml") == ""


@pytest.mark.parametrize(
    ("command", "agent"),
    [
        ("/usr/bin/gatepost hook claude-code", "claude-code"),
        ("'/a b/gatepost' hook gemini", "gemini-cli"),
        ("gatepost hook", ""),
    ],
)
def test_named_agent(command: str, agent: str) -> None:
    assert named_agent(command) == agent
