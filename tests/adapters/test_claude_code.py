"""Claude Code adapter: golden payloads parse to whole Actions; every verdict renders natively."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gatepost.action import Decision, Kind, Match, Mode, Operation, PathRef, Verdict
from gatepost.adapters import claude_code as adapter
from gatepost.adapters.base import Reply, reason_text
from gatepost.errors import AdapterError
from tests.adapters import _ide_support as s

AGENT = "claude-code"
GOLDENS = s.goldens(AGENT)


def _load(rel: str) -> dict[str, Any]:
    return s.payload(AGENT, rel)


def _match(
    verdict: Verdict, mode: Mode = Mode.ENFORCE, rule_verdict: Verdict | None = None
) -> Match:
    return Match(
        pack_id="secrets",
        pack_version="1.2.0",
        rule_id="secrets/env-exfil",
        title="Secrets sent to external hosts",
        severity="high",
        rule_verdict=rule_verdict or verdict,
        verdict=verdict,
        assignment_id="asg-org-secrets",
        scope="org",
        mode=mode,
        message="Sending .env contents to external hosts is not allowed.",
        explanation="the command reads .env and posts it to paste.example.net",
    )


def _decision(verdict: Verdict) -> Decision:
    if verdict is Verdict.PASS:
        return Decision(policy_revision="r42")
    win = _match(verdict)
    return Decision(verdict=verdict, winner=win, matches=(win,), policy_revision="r42")


BLOCK, ASK, WARN = (_decision(v) for v in (Verdict.BLOCK, Verdict.ASK, Verdict.WARN))
B = reason_text(BLOCK)
A = reason_text(ASK)
A_NO = reason_text(ASK, can_ask=False)
W = reason_text(WARN)


# ---------------------------------------------------------------------------- parse


@pytest.mark.parametrize("path", GOLDENS, ids=s.golden_id)
def test_parse_golden(path: Path) -> None:
    assert adapter.parse(s.load(path)) == s.expected_action(path)


def test_goldens_cover_every_event_and_tool() -> None:
    events = {p.parent.name for p in GOLDENS}
    assert events >= {
        "PreToolUse",
        "PostToolUse",
        "PostToolUseFailure",
        "PermissionRequest",
        "UserPromptSubmit",
        "SessionStart",
        "SessionEnd",
        "Stop",
        "SubagentStop",
        "Notification",
        "PreCompact",
    }
    pre = [p for p in GOLDENS if p.parent.name == "PreToolUse"]
    tools = {json.loads(p.read_text())["tool_name"] for p in pre}
    assert tools >= {
        "Bash",
        "PowerShell",
        "Read",
        "Write",
        "Edit",
        "MultiEdit",
        "NotebookEdit",
        "Glob",
        "Grep",
        "WebFetch",
        "WebSearch",
        "Task",
        "Agent",
        "mcp__github__create_pull_request",
    }


@pytest.mark.parametrize(
    ("tool", "tool_input", "path"),
    [
        ("LS", {"path": "/home/dev"}, "/home/dev"),
        ("NotebookRead", {"notebook_path": "n.ipynb"}, "n.ipynb"),
    ],
)
def test_legacy_read_tools(tool: str, tool_input: dict[str, Any], path: str) -> None:
    payload = {"hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": tool_input}
    op = adapter.parse(payload).operation
    assert op == Operation(kind=Kind.FILE_READ, paths=(PathRef(path, path, "read"),))


def test_output_is_capped_at_64_kib() -> None:
    payload = _load("PostToolUse/bash") | {"tool_response": "é" * 70_000}
    output = adapter.parse(payload).operation.output
    assert output == "é" * 32_768


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "hook payload must be a JSON object, got list"),
        ("PreToolUse", "hook payload must be a JSON object, got str"),
        ({}, "$.hook_event_name: required string is missing"),
        ({"hook_event_name": 7}, "$.hook_event_name: expected a string, got int"),
        ({"hook_event_name": ""}, "$.hook_event_name: must not be empty"),
        ({"hook_event_name": "Stop", "session_id": 1}, "$.session_id: expected a string, got int"),
        ({"hook_event_name": "Stop", "cwd": ["/"]}, "$.cwd: expected a string, got list"),
        ({"hook_event_name": "PreToolUse"}, "$.tool_name: required string is missing"),
        (
            {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": "ls"},
            "$.tool_input: expected an object, got str",
        ),
        (
            {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {}},
            "$.tool_input.command: required string is missing",
        ),
        (
            {"hook_event_name": "PreToolUse", "tool_name": "Write", "tool_input": {"file_path": 3}},
            "$.tool_input.file_path: expected a string, got int",
        ),
        (
            {
                "hook_event_name": "PreToolUse",
                "tool_name": "MultiEdit",
                "tool_input": {"file_path": "/a", "edits": "x"},
            },
            "$.tool_input.edits: expected a list of objects",
        ),
        (
            {"hook_event_name": "UserPromptSubmit", "prompt": {"text": "hi"}},
            "$.prompt: expected a string, got dict",
        ),
    ],
)
def test_malformed_payload_is_refused(payload: Any, message: str) -> None:
    with pytest.raises(AdapterError) as err:
        adapter.parse(payload)
    assert str(err.value) == message


def test_unknown_tool_and_event_never_raise() -> None:
    action = adapter.parse({"hook_event_name": "PreToolUse", "tool_name": "Brand_New-Tool"})
    assert (action.kind, action.surface.tool) == (Kind.OTHER, "Brand_New-Tool")
    action = adapter.parse({"hook_event_name": "PostToolBatch", "tool_calls": []})
    assert (action.kind, action.surface.phase) == (Kind.OTHER, "session")


# ---------------------------------------------------------------------------- render


def _context(event: str) -> dict[str, Any]:
    return {
        "hookSpecificOutput": {"hookEventName": event, "additionalContext": W},
        "systemMessage": W,
    }


EMPTY = None
RENDER_CASES: list[tuple[str, Decision, dict[str, Any] | None]] = [
    ("PreToolUse/bash", _decision(Verdict.PASS), EMPTY),
    ("PreToolUse/bash", WARN, _context("PreToolUse")),
    (
        "PreToolUse/bash",
        ASK,
        {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "ask",
                "permissionDecisionReason": A,
            }
        },
    ),
    (
        "PreToolUse/bash",
        BLOCK,
        {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": B,
            }
        },
    ),
    (
        "PreToolUse/mcp",
        BLOCK,
        {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": B,
            }
        },
    ),
    ("PermissionRequest/bash", _decision(Verdict.PASS), EMPTY),
    ("PermissionRequest/bash", WARN, {"systemMessage": W}),
    ("PermissionRequest/bash", ASK, {"systemMessage": A}),
    (
        "PermissionRequest/bash",
        BLOCK,
        {
            "hookSpecificOutput": {
                "hookEventName": "PermissionRequest",
                "decision": {"behavior": "deny", "message": B},
            }
        },
    ),
    ("PostToolUse/bash", _decision(Verdict.PASS), EMPTY),
    ("PostToolUse/bash", WARN, _context("PostToolUse")),
    ("PostToolUse/bash", ASK, {"decision": "block", "reason": A_NO}),
    ("PostToolUse/bash", BLOCK, {"decision": "block", "reason": B}),
    ("PostToolUseFailure/bash", WARN, _context("PostToolUseFailure")),
    ("PostToolUseFailure/bash", BLOCK, {"decision": "block", "reason": B}),
    ("UserPromptSubmit/prompt", _decision(Verdict.PASS), EMPTY),
    ("UserPromptSubmit/prompt", WARN, _context("UserPromptSubmit")),
    ("UserPromptSubmit/prompt", ASK, {"decision": "block", "reason": A_NO}),
    ("UserPromptSubmit/prompt", BLOCK, {"decision": "block", "reason": B}),
    ("SessionStart/startup", WARN, _context("SessionStart")),
    ("SessionStart/startup", ASK, EMPTY),
    ("SessionStart/startup", BLOCK, EMPTY),
    *(
        (golden, decision, {"systemMessage": W} if decision is WARN else EMPTY)
        for golden in (
            "SessionEnd/exit",
            "Stop/stop",
            "SubagentStop/explore",
            "Notification/permission-prompt",
            "PreCompact/auto",
        )
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


def test_audit_match_that_would_block_stays_silent() -> None:
    audit = _match(Verdict.PASS, Mode.AUDIT, rule_verdict=Verdict.BLOCK)
    decision = Decision(verdict=Verdict.PASS, winner=audit, matches=(audit,))
    assert adapter.render(decision, adapter.parse(_load("PreToolUse/bash"))) == Reply()


@pytest.mark.parametrize(
    ("decision", "reply"),
    [
        (BLOCK, Reply(stderr=B, exit_code=2)),
        (ASK, Reply()),
        (WARN, Reply()),
        (_decision(Verdict.PASS), Reply()),
        (
            Decision(verdict=Verdict.BLOCK, fail_mode="closed", error="timeout"),
            Reply(stderr="timeout", exit_code=2),
        ),
    ],
    ids=["block", "ask", "warn", "pass", "fail-closed"],
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
