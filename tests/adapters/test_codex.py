"""Codex adapter: golden payloads parse to whole Actions; every verdict renders natively."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gatepost.action import (
    CommandInfo,
    Decision,
    Kind,
    Match,
    Mode,
    Operation,
    PathRef,
    Verdict,
)
from gatepost.adapters import codex as adapter
from gatepost.adapters.base import Reply, reason_text
from gatepost.errors import AdapterError
from tests.adapters import _ide_support as s

AGENT = "codex"
GOLDENS = s.goldens(AGENT)


def _load(rel: str) -> dict[str, Any]:
    return s.payload(AGENT, rel)


def _match(
    verdict: Verdict, mode: Mode = Mode.ENFORCE, rule_verdict: Verdict | None = None
) -> Match:
    return Match(
        pack_id="git-safety",
        pack_version="0.3.1",
        rule_id="git-safety/force-push-main",
        title="Force push to a protected branch",
        severity="high",
        rule_verdict=rule_verdict or verdict,
        verdict=verdict,
        assignment_id="asg-eng-git",
        scope="group:eng",
        mode=mode,
        message="Force-pushing to main rewrites shared history.",
        explanation="git push has --force and targets origin main",
    )


def _decision(verdict: Verdict) -> Decision:
    if verdict is Verdict.PASS:
        return Decision(policy_revision="r7")
    win = _match(verdict)
    return Decision(verdict=verdict, winner=win, matches=(win,), policy_revision="r7")


PASS, WARN, ASK, BLOCK = (_decision(v) for v in Verdict)
B = reason_text(BLOCK)
A = reason_text(ASK)
A_NO = reason_text(ASK, can_ask=False)
W = reason_text(WARN, can_ask=False)


# ---------------------------------------------------------------------------- parse


@pytest.mark.parametrize("path", GOLDENS, ids=s.golden_id)
def test_parse_golden(path: Path) -> None:
    assert adapter.parse(s.load(path)) == s.expected_action(path)


def test_goldens_cover_every_event_and_tool() -> None:
    assert {p.parent.name for p in GOLDENS} >= {
        "PreToolUse",
        "PostToolUse",
        "PermissionRequest",
        "UserPromptSubmit",
        "SessionStart",
        "SessionEnd",
        "Stop",
    }
    pre = [json.loads(p.read_text()) for p in GOLDENS if p.parent.name == "PreToolUse"]
    assert {p["tool_name"] for p in pre} >= {"Bash", "apply_patch", "mcp__github__create_issue"}
    assert any(
        isinstance(p["tool_input"]["command"], list) for p in pre if p["tool_name"] == "Bash"
    )


@pytest.mark.parametrize(
    ("patch", "paths", "content"),
    [
        (
            "*** Begin Patch\n*** Add File: a.txt\n+one\n+two\n*** End Patch\n",
            [PathRef("a.txt", "a.txt", "write")],
            "one\ntwo",
        ),
        (
            "*** Begin Patch\n*** Delete File: old.txt\n*** End Patch",
            [PathRef("old.txt", "old.txt", "delete")],
            "",
        ),
        (  # markers padded with whitespace, as Codex accepts; context and removed lines skipped
            " *** Begin Patch\n*** Update File:  src/x.py \n@@\n keep\n-old\n+new\n"
            "*** End of File\n*** End Patch ",
            [PathRef("src/x.py", "src/x.py", "write")],
            "new",
        ),
        (
            "*** Begin Patch\n*** Update File: a/b.py\n*** Move to: c/d.py\n@@\n-x\n+y\n"
            "*** End Patch",
            [PathRef("a/b.py", "a/b.py", "delete"), PathRef("c/d.py", "c/d.py", "write")],
            "y",
        ),
        ("not a patch at all\n+stray", [], ""),
    ],
    ids=["add", "delete", "padded-update", "move", "garbage"],
)
def test_apply_patch(patch: str, paths: list[PathRef], content: str) -> None:
    payload = _load("PreToolUse/apply-patch") | {"tool_input": {"command": patch}}
    op = adapter.parse(payload).operation
    assert (op.kind, list(op.paths), op.content) == (Kind.FILE_WRITE, paths, content)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (None, "hook payload must be a JSON object, got null"),
        ({"session_id": "s"}, "$.hook_event_name: required string is missing"),
        ({"hook_event_name": None}, "$.hook_event_name: required string is missing"),
        ({"hook_event_name": "Stop", "turn_id": 3, "cwd": 4}, "$.cwd: expected a string, got int"),
        (
            {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": 1}},
            "$.tool_input.command: expected a string or a list of strings",
        ),
        (
            {
                "hook_event_name": "PreToolUse",
                "tool_name": "Bash",
                "tool_input": {"command": ["a", 2]},
            },
            "$.tool_input.command: expected a string or a list of strings",
        ),
        (
            {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {}},
            "$.tool_input.command: required string is missing",
        ),
        (
            {
                "hook_event_name": "PreToolUse",
                "tool_name": "apply_patch",
                "tool_input": {"command": []},
            },
            "$.tool_input.command: expected a string, got list",
        ),
        (
            {
                "hook_event_name": "PostToolUse",
                "tool_name": "Bash",
                "tool_input": {"command": "ls"},
                "tool_use_id": 9,
            },
            "$.tool_use_id: expected a string, got int",
        ),
    ],
)
def test_malformed_payload_is_refused(payload: Any, message: str) -> None:
    with pytest.raises(AdapterError) as err:
        adapter.parse(payload)
    assert str(err.value) == message


def test_network_access_is_a_command() -> None:
    payload: dict[str, Any] = {"hook_event_name": "PermissionRequest", "tool_name": "NetworkAccess"}
    payload["tool_input"] = {"command": "curl https://x.example", "description": "network-access x"}
    op = adapter.parse(payload).operation
    assert op == Operation(kind=Kind.COMMAND, command=CommandInfo(raw="curl https://x.example"))


def test_unknown_tool_and_event_never_raise() -> None:
    action = adapter.parse({"hook_event_name": "PreToolUse", "tool_name": "spawn_agent"})
    assert (action.kind, action.surface.tool) == (Kind.OTHER, "spawn_agent")
    action = adapter.parse({"hook_event_name": "Interrupt", "turn_id": "t"})
    assert (action.kind, action.surface.phase) == (Kind.OTHER, "session")


# ---------------------------------------------------------------------------- render


def _deny(reason: str) -> dict[str, Any]:
    return {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }
    }


def _context(event: str) -> dict[str, Any]:
    return {
        "systemMessage": W,
        "hookSpecificOutput": {"hookEventName": event, "additionalContext": W},
    }


EMPTY = None
RENDER_CASES: list[tuple[str, Decision, dict[str, Any] | None]] = [
    ("PreToolUse/bash", PASS, EMPTY),
    ("PreToolUse/bash", WARN, {"systemMessage": W}),  # release builds refuse additionalContext
    ("PreToolUse/bash", ASK, _deny(A_NO)),
    ("PreToolUse/bash", BLOCK, _deny(B)),
    ("PreToolUse/apply-patch", BLOCK, _deny(B)),
    ("PreToolUse/mcp", ASK, _deny(A_NO)),
    ("PermissionRequest/bash", PASS, EMPTY),
    ("PermissionRequest/bash", WARN, {"systemMessage": W}),
    ("PermissionRequest/bash", ASK, {"systemMessage": A}),
    (
        "PermissionRequest/network",
        BLOCK,
        {
            "hookSpecificOutput": {
                "hookEventName": "PermissionRequest",
                "decision": {"behavior": "deny", "message": B},
            }
        },
    ),
    ("PostToolUse/bash", PASS, EMPTY),
    ("PostToolUse/bash", WARN, _context("PostToolUse")),
    ("PostToolUse/mcp", ASK, {"decision": "block", "reason": A_NO}),
    ("PostToolUse/bash", BLOCK, {"decision": "block", "reason": B}),
    ("UserPromptSubmit/prompt", PASS, EMPTY),
    ("UserPromptSubmit/prompt", WARN, _context("UserPromptSubmit")),
    ("UserPromptSubmit/prompt", ASK, {"decision": "block", "reason": A_NO}),
    ("UserPromptSubmit/prompt", BLOCK, {"decision": "block", "reason": B}),
    ("SessionStart/startup", WARN, _context("SessionStart")),
    ("SessionStart/startup", ASK, EMPTY),
    ("SessionStart/startup", BLOCK, EMPTY),
    *(
        (golden, decision, {"systemMessage": W} if decision is WARN else EMPTY)
        for golden in ("SessionEnd/other", "Stop/stop")
        for decision in (WARN, ASK, BLOCK)
    ),
    ("SubagentStart/unknown-event", WARN, EMPTY),
    ("SubagentStart/unknown-event", BLOCK, EMPTY),
]


@pytest.mark.parametrize(
    ("golden", "decision", "stdout"),
    RENDER_CASES,
    ids=[f"{g}-{d.verdict.value}" for g, d, _ in RENDER_CASES],
)
def test_render(golden: str, decision: Decision, stdout: dict[str, Any] | None) -> None:
    reply = adapter.render(decision, adapter.parse(_load(golden)))
    assert (reply.exit_code, reply.stderr) == (0, "")
    assert (json.loads(reply.stdout) if reply.stdout else None) == stdout


def test_blank_reason_is_never_sent() -> None:
    """Codex ignores a deny whose reason is blank; the reply must still block."""
    decision = Decision(verdict=Verdict.BLOCK, explanation="   ")
    reply = adapter.render(decision, adapter.parse(_load("PreToolUse/bash")))
    assert json.loads(reply.stdout) == _deny("gatepost blocked this action")
    assert adapter.render(decision, None) == Reply(
        stderr="gatepost blocked this action", exit_code=2
    )


def test_audit_match_that_would_block_stays_silent() -> None:
    audit = _match(Verdict.PASS, Mode.AUDIT, rule_verdict=Verdict.BLOCK)
    decision = Decision(verdict=Verdict.PASS, winner=audit, matches=(audit,))
    assert adapter.render(decision, adapter.parse(_load("PreToolUse/bash"))) == Reply()


@pytest.mark.parametrize(
    ("decision", "reply"),
    [(BLOCK, Reply(stderr=B, exit_code=2)), (ASK, Reply()), (WARN, Reply()), (PASS, Reply())],
    ids=["block", "ask", "warn", "pass"],
)
def test_render_without_action(decision: Decision, reply: Reply) -> None:
    assert adapter.render(decision, None) == reply


def test_capabilities_cover_every_kind() -> None:
    assert set(adapter.CAPABILITIES) == {k.value for k in Kind}
    for caps in adapter.CAPABILITIES.values():
        assert set(caps) == {"block", "ask", "warn", "note"}
        assert {caps["block"], caps["ask"], caps["warn"]} <= {
            "yes",
            "no",
            "as-block",
            "record-only",
        }
    assert adapter.CAPABILITIES["command"]["ask"] == "as-block"
