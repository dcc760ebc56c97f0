"""Probing an installed hook command: feed it a synthetic pre-tool payload in the agent's own
format, as the agent would, and read its native reply.

``payload`` and ``outcome`` are pure; ``run`` is the I/O edge (one subprocess through
``/bin/sh -c``, as agents run hook commands, with a timeout). Probe payloads carry the
session id ``gatepost-doctor`` so their recorded events are easy to tell apart.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gatepost.installer.command import FAILURE

HARMLESS = "git status"
DANGEROUS = "rm -rf /"
SESSION = "gatepost-doctor"
TIMEOUT_S = 10.0

# host agent -> event key in its hook file -> payload variant the host sends for that key.
PROBES: dict[str, dict[str, str]] = {
    "claude-code": {"PreToolUse": "claude-code"},
    "codex": {"PreToolUse": "codex"},
    "gemini-cli": {"BeforeTool": "gemini-cli"},
    "cursor": {"beforeShellExecution": "cursor-shell", "preToolUse": "cursor-tool"},
    "copilot": {"preToolUse": "copilot", "PreToolUse": "copilot-vscode-compatible"},
    "vscode": {"PreToolUse": "vscode", "preToolUse": "vscode"},
    "windsurf": {"pre_run_command": "windsurf"},
}


def payload(variant: str, command: str, cwd: str, now_iso: str, now_ms: int) -> dict[str, Any]:
    """A pre-tool payload asking to run the shell ``command``, as the agent sends it."""
    if variant == "claude-code":
        return {
            "session_id": SESSION,
            "transcript_path": "",
            "cwd": cwd,
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": command, "description": "gatepost doctor probe"},
            "tool_use_id": SESSION,
        }
    if variant == "codex":
        return {
            "session_id": SESSION,
            "turn_id": SESSION,
            "transcript_path": None,
            "cwd": cwd,
            "hook_event_name": "PreToolUse",
            "model": "",
            "permission_mode": "default",
            "tool_name": "Bash",
            "tool_use_id": SESSION,
            "tool_input": {"command": command},
        }
    if variant == "gemini-cli":
        return {
            "session_id": SESSION,
            "transcript_path": "",
            "cwd": cwd,
            "hook_event_name": "BeforeTool",
            "timestamp": now_iso,
            "tool_name": "run_shell_command",
            "tool_input": {"command": command, "description": "gatepost doctor probe"},
        }
    if variant in ("cursor-shell", "cursor-tool"):
        common = {
            "conversation_id": SESSION,
            "generation_id": SESSION,
            "model": "",
            "cursor_version": "",
            "workspace_roots": [cwd],
            "user_email": None,
        }
        if variant == "cursor-shell":
            return {
                **common,
                "hook_event_name": "beforeShellExecution",
                "command": command,
                "cwd": cwd,
            }
        return {
            **common,
            "hook_event_name": "preToolUse",
            "tool_name": "Shell",
            "tool_input": {"command": command},
            "tool_use_id": SESSION,
            "cwd": cwd,
        }
    if variant == "copilot":  # camelCase keys: no event name in the payload
        return {
            "sessionId": SESSION,
            "timestamp": now_ms,
            "cwd": cwd,
            "toolName": "bash",
            "toolArgs": {"command": command},
        }
    if variant == "copilot-vscode-compatible":  # PascalCase keys: Claude tool names
        return {
            "hook_event_name": "PreToolUse",
            "session_id": SESSION,
            "timestamp": now_iso,
            "cwd": cwd,
            "tool_name": "Bash",
            "tool_input": {"command": command},
        }
    if variant == "vscode":
        return {
            "timestamp": now_iso,
            "cwd": cwd,
            "sessionId": SESSION,
            "hookEventName": "PreToolUse",
            "transcript_path": "",
            "tool_name": "run_in_terminal",
            "tool_input": {
                "command": command,
                "explanation": "gatepost doctor probe",
                "isBackground": False,
            },
            "tool_use_id": SESSION,
        }
    if variant == "windsurf":
        return {
            "agent_action_name": "pre_run_command",
            "trajectory_id": SESSION,
            "execution_id": SESSION,
            "timestamp": now_iso,
            "tool_info": {"command_line": command, "cwd": cwd},
        }
    raise ValueError(f"unknown probe variant {variant!r}")


@dataclass(frozen=True, slots=True)
class Answer:
    """What one hook run answered: pass | ask | block | error, and why."""

    verdict: str
    detail: str = ""


def outcome(exit_code: int, stdout: str, stderr: str, *, json_stdout: bool = True) -> Answer:
    """How the agent reads a hook's reply (exit 2 blocks everywhere; exit 0 with a deny in
    the agent's JSON blocks; any other exit is a failure of the hook)."""
    first = stderr.strip().splitlines()[0] if stderr.strip() else ""
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    if exit_code == 2 and last.startswith(FAILURE):  # the fail-closed wrapper: not an answer
        return Answer("error", last)
    if exit_code == 2:
        return Answer("block", first)
    if exit_code == 127:
        return Answer("error", f"command not found (exit 127){': ' + first if first else ''}")
    if exit_code == 126:
        return Answer("error", "command cannot be executed (exit 126)")
    if exit_code != 0:
        return Answer("error", f"exited {exit_code}{': ' + first if first else ''}")
    text = stdout.strip()
    if not text or not json_stdout:
        return Answer("pass")
    try:
        body = json.loads(text)
    except ValueError:
        return Answer("error", "stdout is not one JSON object: " + text[:120])
    if not isinstance(body, dict):
        return Answer("error", "stdout is not a JSON object: " + text[:120])
    decisions = _decisions(body)
    if decisions & {"deny", "block"}:
        return Answer("block")
    if "ask" in decisions:
        return Answer("ask")
    return Answer("pass")


def _decisions(body: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    specific = body.get("hookSpecificOutput")
    for obj in (body, specific if isinstance(specific, dict) else {}):
        for key in ("permissionDecision", "permission", "decision", "behavior"):
            value = obj.get(key)
            if isinstance(value, str):
                found.add(value)
            elif isinstance(value, dict) and isinstance(value.get("behavior"), str):
                found.add(value["behavior"])
    if body.get("continue") is False:
        found.add("block")
    return found


def run(
    command: str, data: dict[str, Any], *, cwd: Path, env: Mapping[str, str], timeout: float
) -> tuple[int, str, str] | None:
    """(exit code, stdout, stderr) of the hook ``command`` fed ``data``; None on timeout."""
    try:
        proc = subprocess.run(
            ["/bin/sh", "-c", command],
            input=json.dumps(data).encode(),
            capture_output=True,
            cwd=cwd,
            env=dict(env),
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    except OSError as exc:
        return 127, "", f"cannot start /bin/sh: {exc.strerror}"
    out = proc.stdout.decode("utf-8", "replace")
    return proc.returncode, out, proc.stderr.decode("utf-8", "replace")
