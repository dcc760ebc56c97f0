"""Writing, checking and removing gatepost's hooks in each agent's own configuration.

One small module per agent's format, each a :class:`~gatepost.installer._spec.Spec` with two
pure functions — ``plan(existing_text, command) -> new text`` and ``remove(text) -> text`` —
and the paths of its files per scope. :mod:`gatepost.installer.files` is the I/O edge
(atomic writes, backups, exact restore); :mod:`gatepost.installer.doctor` checks that the
installed hooks really answer.
"""

from __future__ import annotations

from importlib import import_module

from gatepost.adapters.registry import ALIASES
from gatepost.errors import ConfigError
from gatepost.installer._spec import SCOPES, Place, Source, Spec

MODULES = {
    "claude-code": "gatepost.installer.claude_code",
    "codex": "gatepost.installer.codex",
    "gemini-cli": "gatepost.installer.gemini",
    "cursor": "gatepost.installer.cursor",
    "copilot": "gatepost.installer.copilot",
    "vscode": "gatepost.installer.vscode",
    "windsurf": "gatepost.installer.windsurf",
}

__all__ = ["ALIASES", "MODULES", "SCOPES", "Place", "Source", "Spec", "agent_name", "spec"]


def agent_name(agent: str) -> str:
    """The canonical name of ``agent`` (aliases resolved); ConfigError when unknown."""
    name = ALIASES.get(agent, agent)
    if name not in MODULES:
        known = ", ".join(sorted(MODULES))
        raise ConfigError(f"unknown agent {agent!r} (known: {known})")
    return name


def spec(agent: str) -> Spec:
    """The installer of ``agent``."""
    value = getattr(import_module(MODULES[agent_name(agent)]), "SPEC", None)
    if not isinstance(value, Spec):  # pragma: no cover - a module without its SPEC
        raise ConfigError(f"installer for {agent} is incomplete")
    return value
