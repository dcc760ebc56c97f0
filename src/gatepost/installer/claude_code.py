"""Claude Code: ``settings.json`` with a ``hooks`` key (event → matcher groups → handlers).

Sources: Claude Code hooks reference (https://code.claude.com/docs/en/hooks, "Hook locations",
"Matcher patterns": ``"*"`` matches every tool, MCP tools included; ``timeout`` in seconds;
identical handlers in several settings files run once); settings page
(https://code.claude.com/docs/en/settings): managed settings at
``/etc/claude-code/managed-settings.json`` (Linux, WSL),
``/Library/Application Support/ClaudeCode/managed-settings.json`` (macOS),
``C:\\ProgramData\\ClaudeCode\\managed-settings.json`` (Windows).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gatepost.installer import _merge
from gatepost.installer._spec import TIMEOUT_S, Place, Source, Spec, check_scope, managed_path

NAME = "claude-code"
# (event, matcher): "*" on tool events so every tool, MCP tools included, is seen.
_EVENTS: tuple[tuple[str, str | None], ...] = (
    ("PreToolUse", "*"),
    ("PermissionRequest", "*"),
    ("PostToolUse", "*"),
    ("PostToolUseFailure", "*"),
    ("UserPromptSubmit", None),
    ("SessionStart", None),
    ("SessionEnd", None),
)
EVENTS = tuple(e for e, _ in _EVENTS)
MANAGED = {
    "linux": "/etc/claude-code/managed-settings.json",
    "darwin": "/Library/Application Support/ClaudeCode/managed-settings.json",
    "win32": "C:\\ProgramData\\ClaudeCode\\managed-settings.json",
}


def _entry(command: str, matcher: str | None) -> dict[str, Any]:
    group: dict[str, Any] = {} if matcher is None else {"matcher": matcher}
    group["hooks"] = [{"type": "command", "command": command, "timeout": TIMEOUT_S}]
    return group


def plan(existing_text: str | None, command: str) -> str:
    wanted = {event: _entry(command, matcher) for event, matcher in _EVENTS}
    return _merge.plan(existing_text, wanted, grouped=True)


def remove(text: str) -> str:
    return _merge.remove(text)


def target(scope: str, place: Place) -> Path:
    check_scope(scope)
    if scope == "user":
        return place.home / ".claude" / "settings.json"
    if scope == "project":
        return place.project / ".claude" / "settings.json"
    return managed_path(NAME, place, MANAGED)


def sources(place: Place) -> tuple[Source, ...]:
    return (
        Source("user", place.home / ".claude" / "settings.json"),
        Source("project", place.project / ".claude" / "settings.json"),
        Source("project", place.project / ".claude" / "settings.local.json"),
        Source("managed", managed_path(NAME, place, MANAGED)),
    )


SPEC = Spec(
    name=NAME,
    title="Claude Code",
    events=EVENTS,
    plan=plan,
    remove=remove,
    target=target,
    sources=sources,
    notes=(
        "Claude Code reads settings changes at start-up: restart running sessions.",
        "Project settings hooks run only in trusted workspaces.",
    ),
)
