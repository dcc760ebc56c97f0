"""What every adapter shares: the native reply and the adapter contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from gatepost.action import Action, Decision


@dataclass(frozen=True, slots=True)
class Reply:
    """The native answer to the agent: what goes to stdout and stderr, and the exit code."""

    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0


class Adapter(Protocol):
    """An agent's wire format, kept private to its module.

    ``parse`` turns a decoded native payload into an Action whose paths, urls and command are
    as the agent wrote them (enrichment makes them absolute and classifies them); it raises
    ``AdapterError`` on a payload it cannot understand. ``render`` turns a Decision into the
    agent's native reply; ``action`` is None when the payload could not be parsed.
    """

    name: str

    def parse(self, payload: dict[str, Any]) -> Action: ...

    def render(self, decision: Decision, action: Action | None) -> Reply: ...
