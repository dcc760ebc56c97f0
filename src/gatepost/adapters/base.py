"""What every adapter shares: the native reply and the adapter contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from gatepost.action import Action, Decision


@dataclass(frozen=True, slots=True)
class Reply:
    """The native answer to the agent: what goes to stdout and stderr, and the exit code."""

    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0


if TYPE_CHECKING:  # the contract, for the type checker

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


def reason_text(decision: Decision, *, can_ask: bool = True) -> str:
    """The one human- and model-readable reason every adapter sends, naming the rule.

    When the agent cannot ask a person (``can_ask`` False) an ask verdict is rendered as a
    block, and the reason says that approval is required.
    """
    win = decision.winner
    if win is None:
        return decision.explanation or decision.error or "gatepost: no rule matched"
    verdict = decision.verdict.value
    lead = {
        "block": "gatepost blocked this action",
        "ask": "gatepost requires a person's approval for this action"
        if can_ask
        else "gatepost blocked this action: a person's approval is required and this agent "
        "cannot ask for it",
        "warn": "gatepost warning",
        "pass": "gatepost",
    }[verdict]
    where = f"rule {win.rule_id} (pack {win.pack_id}@{win.pack_version}"
    where += f", assignment {win.assignment_id} [{win.scope}], mode {win.mode.value})"
    why = win.explanation.rstrip(".")
    text = f"{lead}: {win.message.rstrip('.')}. {where}. Why: {why}."
    if verdict == "block" or (verdict == "ask" and not can_ask):
        text += " Do not retry this or work around it; tell the user what was blocked and why."
    return text
