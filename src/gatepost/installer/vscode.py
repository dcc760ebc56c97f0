"""VS Code agent hooks (Copilot Chat "Local" harness): a gatepost-owned hooks file.

Sources: ``microsoft/vscode-docs`` → ``docs/agent-customization/hooks.md`` (DateApproved
6/3/2026: workspace ``.github/hooks/*.json``, user ``~/.copilot/hooks``; default
``chat.hookFilesLocations`` also loads ``.claude/settings.json``, ``.claude/settings.local.json``
and ``~/.claude/settings.json``; format ``{"hooks": {"PreToolUse": [{"type": "command",
"command": ..., "timeout": 15}]}}`` with ``timeout`` in seconds, default 30; the eight events
SessionStart, UserPromptSubmit, PreToolUse, PostToolUse, PreCompact, SubagentStart,
SubagentStop, Stop; matchers are ignored, every tool reaches the hook). VS Code has no
machine-wide hook file (organizations can only turn hooks off by policy).

Copilot CLI reads the same folders and runs PascalCase entries in its "VS Code compatible"
mode, so it also runs this file: ``gatepost doctor`` checks how that answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gatepost.errors import ConfigError
from gatepost.installer import _merge
from gatepost.installer._spec import TIMEOUT_S, Place, Source, Spec, check_scope

NAME = "vscode"
FILE = "gatepost-vscode.json"
EVENTS = ("PreToolUse", "PostToolUse", "UserPromptSubmit", "SessionStart", "Stop")


def _entry(command: str) -> dict[str, Any]:
    return {"type": "command", "command": command, "timeout": TIMEOUT_S}


def plan(existing_text: str | None, command: str) -> str:
    wanted = {event: _entry(command) for event in EVENTS}
    return _merge.plan(existing_text, wanted, grouped=False)


def remove(text: str) -> str:
    return _merge.remove(text)


def target(scope: str, place: Place) -> Path:
    check_scope(scope)
    if scope == "user":
        return place.home / ".copilot" / "hooks" / FILE
    if scope == "project":
        return place.project / ".github" / "hooks" / FILE
    raise ConfigError(
        "VS Code has no machine-wide hook file; install per user or per project (an "
        "organization can only disable hooks by policy)"
    )


def sources(place: Place) -> tuple[Source, ...]:
    return (
        Source("user", place.home / ".copilot" / "hooks", folder=True),
        Source("user", place.home / ".claude" / "settings.json", own=False),
        Source("project", place.project / ".github" / "hooks", folder=True),
        Source("project", place.project / ".claude" / "settings.json", own=False),
        Source("project", place.project / ".claude" / "settings.local.json", own=False),
    )


SPEC = Spec(
    name=NAME,
    title="VS Code (Copilot Chat agent hooks)",
    events=EVENTS,
    plan=plan,
    remove=remove,
    target=target,
    sources=sources,
    notes=(
        "Agent hooks are a preview feature; your organization may have turned them off.",
        "Check the 'GitHub Copilot Chat Hooks' output channel to see the hook run.",
    ),
)
