"""Gemini CLI: ``settings.json`` with a ``hooks`` key (event → matcher groups → handlers).

Sources: google-gemini/gemini-cli ``docs/hooks/reference.md`` (hook definition ``matcher``,
``hooks[]`` with ``type: "command"``, ``command``, ``name``, ``timeout`` in **milliseconds**,
default 60 000); ``packages/core/src/hooks/hookPlanner.ts`` (a missing, empty or ``"*"``
matcher matches every tool, MCP tools included); ``docs/cli/configuration.md`` (system
settings ``/etc/gemini-cli/settings.json`` on Linux,
``/Library/Application Support/GeminiCli/settings.json`` on macOS,
``C:\\ProgramData\\gemini-cli\\settings.json`` on Windows, overridable with
``GEMINI_CLI_SYSTEM_SETTINGS_PATH``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gatepost.installer import _merge
from gatepost.installer._spec import TIMEOUT_S, Place, Source, Spec, check_scope, managed_path

NAME = "gemini-cli"
_EVENTS: tuple[tuple[str, str | None], ...] = (
    ("BeforeTool", "*"),
    ("AfterTool", "*"),
    ("BeforeAgent", None),
    ("SessionStart", None),
    ("SessionEnd", None),
)
EVENTS = tuple(e for e, _ in _EVENTS)
MANAGED = {
    "linux": "/etc/gemini-cli/settings.json",
    "darwin": "/Library/Application Support/GeminiCli/settings.json",
    "win32": "C:\\ProgramData\\gemini-cli\\settings.json",
}


def _entry(command: str, matcher: str | None) -> dict[str, Any]:
    group: dict[str, Any] = {} if matcher is None else {"matcher": matcher}
    handler = {"type": "command", "name": "gatepost", "command": command}
    group["hooks"] = [{**handler, "timeout": TIMEOUT_S * 1000}]
    return group


def plan(existing_text: str | None, command: str) -> str:
    wanted = {event: _entry(command, matcher) for event, matcher in _EVENTS}
    return _merge.plan(existing_text, wanted, grouped=True)


def remove(text: str) -> str:
    return _merge.remove(text)


def _system(place: Place) -> Path:
    override = place.environ.get("GEMINI_CLI_SYSTEM_SETTINGS_PATH", "")
    return Path(override) if override else managed_path(NAME, place, MANAGED)


def target(scope: str, place: Place) -> Path:
    check_scope(scope)
    if scope == "user":
        return place.home / ".gemini" / "settings.json"
    if scope == "project":
        return place.project / ".gemini" / "settings.json"
    return _system(place)


def sources(place: Place) -> tuple[Source, ...]:
    return (
        Source("user", place.home / ".gemini" / "settings.json"),
        Source("project", place.project / ".gemini" / "settings.json"),
        Source("managed", _system(place)),
    )


SPEC = Spec(
    name=NAME,
    title="Gemini CLI",
    events=EVENTS,
    plan=plan,
    remove=remove,
    target=target,
    sources=sources,
    notes=(
        "Gemini CLI warns about new or changed project hooks until you trust them.",
        "Hooks are on by default; make sure hooksConfig.enabled is not false.",
    ),
)
