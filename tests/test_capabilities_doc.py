"""docs/capabilities.md is generated from the adapters, and what it claims the adapters do.

For every agent and kind of action whose CAPABILITIES say block "yes", a block Decision is
rendered through the adapter for real-shaped pre-tool (or prompt) events of that kind — every
golden payload of that kind, plus a written one where no golden exists — and the reply must
block the way that agent reads replies. Where ask is "yes" the reply must be the agent's
native ask; where it is "as block", a block (or, on the events of that kind that have one, a
native ask) — never a pass.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from gatepost.action import Action, Decision, Match, Mode, Verdict
from gatepost.adapters.base import Reply
from gatepost.adapters.registry import ADAPTERS, adapter_for

ROOT = Path(__file__).resolve().parents[1]
PAYLOADS = ROOT / "tests" / "fixtures" / "payloads"

# Written payloads for kinds no golden covers (shapes from the adapters' own sources).
WRITTEN: dict[tuple[str, str], dict[str, Any]] = {
    ("cursor", "web_fetch"): {
        "conversation_id": "c1",
        "generation_id": "g1",
        "hook_event_name": "preToolUse",
        "workspace_roots": ["/work/shop"],
        "tool_name": "WebFetch",
        "tool_input": {"url": "https://paste.example.net/raw/1"},
        "tool_use_id": "t1",
        "cwd": "/work/shop",
    },
    ("cursor", "web_search"): {
        "conversation_id": "c1",
        "generation_id": "g1",
        "hook_event_name": "preToolUse",
        "workspace_roots": ["/work/shop"],
        "tool_name": "WebSearch",
        "tool_input": {"query": "leaked api keys acme"},
        "tool_use_id": "t2",
        "cwd": "/work/shop",
    },
    ("copilot", "web_search"): {
        "sessionId": "s1",
        "timestamp": 1780000000000,
        "cwd": "/work/shop",
        "toolName": "web_search",
        "toolArgs": {"query": "leaked api keys acme"},
    },
}
# Claims no payload can back: the adapter produces no action of that kind at all.
UNBACKED: dict[tuple[str, str], str] = {}  # (agent, kind) claims no real payload backs yet


def _generator() -> ModuleType:
    loaded = importlib.util.spec_from_file_location(
        "gen_capabilities", ROOT / "scripts" / "gen_capabilities.py"
    )
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


def test_committed_doc_is_the_generated_one() -> None:
    committed = (ROOT / "docs" / "capabilities.md").read_text(encoding="utf-8")
    assert committed == _generator().render(), "run: python scripts/gen_capabilities.py"


# ---------------------------------------------------------------------------- native replies


def _json(reply: Reply) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(reply.stdout) if reply.stdout.strip() else {}
    return body


def _claude_like(reply: Reply) -> str:
    body = _json(reply)
    specific = body.get("hookSpecificOutput", {})
    if reply.exit_code == 2 or specific.get("permissionDecision") == "deny":
        return "block"
    if specific.get("decision", {}).get("behavior") == "deny" or body.get("decision") == "block":
        return "block"
    return "ask" if specific.get("permissionDecision") == "ask" else "pass"


def _gemini(reply: Reply) -> str:
    blocked = reply.exit_code == 2 or _json(reply).get("decision") in ("deny", "block")
    return "block" if blocked else "pass"


def _cursor(reply: Reply) -> str:
    body = _json(reply)
    if reply.exit_code == 2 or body.get("permission") == "deny" or body.get("continue") is False:
        return "block"
    return "ask" if body.get("permission") == "ask" else "pass"


def _copilot(reply: Reply) -> str:
    body = _json(reply)
    if reply.exit_code == 2 or "deny" in (body.get("permissionDecision"), body.get("behavior")):
        return "block"
    return "ask" if body.get("permissionDecision") == "ask" else "pass"


def _vscode(reply: Reply) -> str:
    body = _json(reply)
    decision = body.get("hookSpecificOutput", {}).get("permissionDecision")
    if reply.exit_code == 2 or decision == "deny" or body.get("continue") is False:
        return "block"
    return "ask" if decision == "ask" else "pass"


def _windsurf(reply: Reply) -> str:
    return "block" if reply.exit_code == 2 else "pass"


# How each agent reads a reply (per docs: exit 2 blocks; the JSON fields each one honours).
READS: dict[str, Callable[[Reply], str]] = {
    "claude-code": _claude_like,
    "codex": _claude_like,
    "gemini-cli": _gemini,
    "cursor": _cursor,
    "copilot": _copilot,
    "vscode": _vscode,
    "windsurf": _windsurf,
}
# The event whose reply is the agent's primary gate, for the native-ask check.
PRIMARY = {
    "claude-code": ("PreToolUse", "UserPromptSubmit"),
    "codex": ("PreToolUse", "UserPromptSubmit"),
    "gemini-cli": ("BeforeTool", "BeforeAgent"),
    "cursor": (
        "preToolUse",
        "beforeShellExecution",
        "beforeMCPExecution",
        "beforeReadFile",
        "beforeSubmitPrompt",
    ),
    "copilot": ("preToolUse", "PreToolUse", "userPromptSubmitted"),
    "vscode": ("PreToolUse", "UserPromptSubmit"),
    "windsurf": (
        "pre_run_command",
        "pre_read_code",
        "pre_write_code",
        "pre_mcp_tool_use",
        "pre_user_prompt",
    ),
}


def _decision(verdict: Verdict) -> Decision:
    win = Match(
        pack_id="filesystem",
        pack_version="1.0.0",
        rule_id="filesystem/recursive-delete-critical",
        title="Recursive delete of critical paths",
        severity="critical",
        rule_verdict=verdict,
        verdict=verdict,
        assignment_id="default/filesystem",
        scope="org",
        mode=Mode.ENFORCE,
        message="Recursively deleting this path would destroy data.",
        explanation="risk flag destructive_delete",
    )
    return Decision(verdict=verdict, winner=win, matches=(win,), policy_revision="r1")


def _events(agent: str, kind: str) -> list[tuple[str, Action]]:
    """(name, Action) of every pre-tool or prompt golden of ``kind``, plus the written one."""
    adapter = adapter_for(agent)
    found: list[tuple[str, Action]] = []
    for path in sorted((PAYLOADS / agent).glob("*/*.json")):
        if path.name.endswith(".expected.json"):
            continue
        action = adapter.parse(json.loads(path.read_text(encoding="utf-8")))
        if action.surface.phase in ("pre", "prompt") and action.operation.kind.value == kind:
            found.append((f"{path.parent.name}/{path.stem}", action))
    if (agent, kind) in WRITTEN:
        action = adapter.parse(WRITTEN[(agent, kind)])
        assert action.operation.kind.value == kind
        found.append(("written", action))
    return found


def _claims(column: str, values: tuple[str, ...]) -> list[Any]:
    cases = []
    for agent in ADAPTERS:
        for kind, row in adapter_for(agent).CAPABILITIES.items():
            if row[column] in values:
                marks = []
                if (agent, kind) in UNBACKED:
                    marks = [pytest.mark.xfail(reason=UNBACKED[(agent, kind)], strict=True)]
                cases.append(
                    pytest.param(agent, kind, row[column], id=f"{agent}-{kind}", marks=marks)
                )
    return cases


@pytest.mark.parametrize(("agent", "kind", "claim"), _claims("block", ("yes",)))
def test_block_yes_really_blocks(agent: str, kind: str, claim: str) -> None:
    events = _events(agent, kind)
    assert events, f"no real-shaped {kind} event for {agent}: the claim is not backed"
    adapter = adapter_for(agent)
    got = {name: READS[agent](adapter.render(_decision(Verdict.BLOCK), a)) for name, a in events}
    assert got == {name: "block" for name, _ in events}


@pytest.mark.parametrize(("agent", "kind", "claim"), _claims("ask", ("yes", "as-block")))
def test_ask_is_native_or_a_block(agent: str, kind: str, claim: str) -> None:
    events = [(n, a) for n, a in _events(agent, kind) if a.surface.event in PRIMARY[agent]]
    assert events, f"no real-shaped {kind} event for {agent}: the claim is not backed"
    adapter = adapter_for(agent)
    got = {name: READS[agent](adapter.render(_decision(Verdict.ASK), a)) for name, a in events}
    if claim == "yes":
        assert got == {name: "ask" for name, _ in events}
    else:  # never a pass: a block, or a native ask where one event of the kind has it
        assert set(got.values()) <= {"block", "ask"} and "block" in got.values(), got
