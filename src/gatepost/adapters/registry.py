"""Which adapter parses which agent's payloads: the agents gatepost knows, their aliases, and
the search for the adapter of the agent that really sent a payload."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from gatepost.action import Action, Kind
from gatepost.errors import AdapterError, GatepostError

TYPE_CHECKING = False  # not typing's: a cold hook does not import typing
if TYPE_CHECKING:
    from typing import Any

ADAPTERS = {
    "claude-code": "gatepost.adapters.claude_code",
    "codex": "gatepost.adapters.codex",
    "gemini-cli": "gatepost.adapters.gemini",
    "cursor": "gatepost.adapters.cursor",
    "copilot": "gatepost.adapters.copilot",
    "vscode": "gatepost.adapters.vscode",
    "windsurf": "gatepost.adapters.windsurf",
}
ALIASES = {"claude": "claude-code", "gemini": "gemini-cli", "copilot-cli": "copilot"}


def adapter_for(agent: str) -> ModuleType:
    """The adapter module of an agent, by name or alias (GatepostError for an unknown one)."""
    name = ALIASES.get(agent, agent)
    if name not in ADAPTERS:
        known = ", ".join(sorted(ADAPTERS))
        raise GatepostError(f"unknown agent {agent!r} (known: {known})")
    return import_module(ADAPTERS[name])


def parse_any(adapter: ModuleType, payload: dict[str, Any]) -> tuple[ModuleType, Action]:
    """Parse with the named agent's adapter, or with the adapter of the agent that really sent
    the payload.

    Agents read each other's hook files (VS Code loads Claude Code's settings and Copilot's
    hook folder; Copilot CLI and VS Code share ``.github/hooks``), so a hook installed for one
    agent receives another's payloads. When the named adapter cannot parse a payload, or parses
    it as an action it does not recognise, the other adapters are tried; the first that
    recognises it parses and renders, so the reply is in the protocol of the agent that asked.
    """
    first_error: AdapterError | None = None
    action: Action | None = None
    try:
        action = adapter.parse(payload)
        if action.operation.kind is not Kind.OTHER:
            return adapter, action
    except AdapterError as exc:
        first_error = exc
    for name in ADAPTERS.values():
        other = import_module(name)
        if other is adapter:
            continue
        try:
            candidate = other.parse(payload)
        except AdapterError:
            continue
        if candidate.operation.kind is not Kind.OTHER:
            return other, candidate
    if action is not None:
        return adapter, action
    assert first_error is not None
    raise first_error
