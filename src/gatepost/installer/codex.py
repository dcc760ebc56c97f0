"""OpenAI Codex CLI: ``hooks.json`` next to a config layer (event → matcher groups → handlers).

Sources: https://developers.openai.com/codex/hooks (locations ``~/.codex/hooks.json``,
``<repo>/.codex/hooks.json``; same three-level shape as Claude Code; ``timeout`` in seconds;
matcher ``"*"`` or omitted matches all; non-managed hooks must be trusted in ``/hooks``);
openai/codex #20319 (system config layers, ``/etc/codex``, are managed for hook discovery);
skillsaw ``codex-hooks-valid`` (measured against codex-cli 0.153.2: the file's root accepts only
``description`` and ``hooks``; unknown events are skipped, the rest of the file loads;
``SessionEnd`` timeouts above 3 s are clamped).
``hooks.json`` is preferred over ``[hooks]`` in ``config.toml``: a TOML shape error stops
Codex from starting at all, a JSON one costs only that file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gatepost.installer import _merge
from gatepost.installer._spec import TIMEOUT_S, Place, Source, Spec, check_scope, managed_path

NAME = "codex"
_EVENTS: tuple[tuple[str, str | None, int], ...] = (
    ("PreToolUse", "*", TIMEOUT_S),
    ("PermissionRequest", "*", TIMEOUT_S),
    ("PostToolUse", "*", TIMEOUT_S),
    ("UserPromptSubmit", None, TIMEOUT_S),
    ("SessionStart", None, TIMEOUT_S),
    ("SessionEnd", None, 3),  # Codex clamps SessionEnd hooks to 3 s
)
EVENTS = tuple(e for e, _, _ in _EVENTS)
MANAGED = {"linux": "/etc/codex/hooks.json", "darwin": "/etc/codex/hooks.json"}


def _entry(command: str, matcher: str | None, timeout: int) -> dict[str, Any]:
    group: dict[str, Any] = {} if matcher is None else {"matcher": matcher}
    group["hooks"] = [{"type": "command", "command": command, "timeout": timeout}]
    return group


def plan(existing_text: str | None, command: str) -> str:
    wanted = {event: _entry(command, matcher, t) for event, matcher, t in _EVENTS}
    return _merge.plan(existing_text, wanted, grouped=True)


def remove(text: str) -> str:
    return _merge.remove(text)


def _user_dir(place: Place) -> Path:
    return place.env_dir("CODEX_HOME", place.home / ".codex")


def target(scope: str, place: Place) -> Path:
    check_scope(scope)
    if scope == "user":
        return _user_dir(place) / "hooks.json"
    if scope == "project":
        return place.project / ".codex" / "hooks.json"
    return managed_path(NAME, place, MANAGED)


def sources(place: Place) -> tuple[Source, ...]:
    found = [
        Source("user", _user_dir(place) / "hooks.json"),
        Source("project", place.project / ".codex" / "hooks.json"),
    ]
    if place.platform != "win32":
        found.append(Source("managed", managed_path(NAME, place, MANAGED)))
    return tuple(found)


SPEC = Spec(
    name=NAME,
    title="OpenAI Codex CLI",
    events=EVENTS,
    plan=plan,
    remove=remove,
    target=target,
    sources=sources,
    notes=(
        "Codex runs a new or changed hook only after you trust it: open /hooks in Codex and "
        "trust the gatepost hooks (managed hooks in /etc/codex are trusted by policy).",
        "Project hooks load only when the project's .codex/ layer is trusted.",
    ),
)
