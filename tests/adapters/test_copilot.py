"""Copilot CLI / cloud agent adapter: both payload formats parse; every verdict renders natively."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gatepost.action import Action, Decision, Kind
from gatepost.adapters import _common_ide
from gatepost.adapters import copilot as adapter
from gatepost.errors import AdapterError

try:
    from . import _ide_support as s
except ImportError:
    import _ide_support as s  # type: ignore[no-redef]

GOLDENS = s.goldens("copilot")


def _action(rel: str) -> Action:
    return adapter.parse(s.payload("copilot", rel))


# ---------------------------------------------------------------------------- parse


@pytest.mark.parametrize("path", GOLDENS, ids=s.golden_id)
def test_parse_golden(path: Path) -> None:
    assert adapter.parse(s.load(path)) == s.expected_action(path)


def test_goldens_cover_every_event_and_tool() -> None:
    assert {p.parent.name for p in GOLDENS} >= {
        "sessionStart",
        "sessionEnd",
        "userPromptSubmitted",
        "preToolUse",
        "postToolUse",
        "errorOccurred",
        "agentStop",
        "subagentStop",
        "permissionRequest",
        "PreToolUse",
        "PostToolUse",
        "UserPromptSubmit",
        "SessionStart",
    }
    pre = [adapter.parse(s.load(p)) for p in GOLDENS if p.parent.name == "preToolUse"]
    assert {a.surface.tool for a in pre} >= {
        "bash",
        "powershell",
        "view",
        "create",
        "edit",
        "apply_patch",
        "web_fetch",
        "glob",
        "grep",
        "task",
    }
    assert {a.kind for a in pre} == {
        Kind.COMMAND,
        Kind.FILE_READ,
        Kind.FILE_WRITE,
        Kind.WEB_FETCH,
        Kind.MCP_CALL,
        Kind.OTHER,
    }


@pytest.mark.parametrize(
    ("payload", "event"),
    [
        ({"toolName": "bash", "toolArgs": {"command": "ls"}}, "preToolUse"),
        ({"toolName": "bash", "toolInput": {"command": "ls"}}, "permissionRequest"),
        ({"toolName": "bash", "toolArgs": {"command": "ls"}, "toolResult": {}}, "postToolUse"),
        ({"toolName": "bash", "toolArgs": {"command": "ls"}, "error": "x"}, "postToolUseFailure"),
        ({"prompt": "hi", "transformedPrompt": "hi!"}, "userPromptTransformed"),
        ({"prompt": "hi"}, "userPromptSubmitted"),
        ({"error": {"message": "m", "name": "E"}, "errorContext": "system"}, "errorOccurred"),
        (
            {"hook_event_name": "Notification", "sessionId": "s", "notification_type": "x"},
            "Notification",
        ),
        ({"notification_type": "agent_idle", "message": "idle"}, "notification"),
        ({"agentName": "explore", "response": "done"}, "subagentStop"),
        ({"agentName": "explore"}, "subagentStart"),
        ({"stopReason": "end_turn"}, "agentStop"),
        ({"trigger": "manual"}, "preCompact"),
        ({"reason": "abort"}, "sessionEnd"),
        ({"source": "startup"}, "sessionStart"),
        (
            {
                "hookEventName": "permissionRequest",
                "toolName": "bash",
                "toolArgs": {"command": "ls"},
            },
            "permissionRequest",
        ),
    ],
)
def test_event_is_read_or_inferred(payload: dict[str, Any], event: str) -> None:
    assert adapter.parse(payload).surface.event == event


def test_unknown_tool_and_event_parse_as_other() -> None:
    tool = adapter.parse({"hookEventName": "preToolUse", "toolName": "update_todo", "toolArgs": {}})
    assert (tool.kind, tool.surface.tool, tool.surface.phase) == (Kind.OTHER, "update_todo", "pre")
    event = adapter.parse({"hookEventName": "postCompact", "sessionId": "s1", "cwd": "/w"})
    assert (event.kind, event.surface.phase, event.actor.session, event.operation.cwd) == (
        Kind.OTHER,
        "post",
        "copilot:s1",
        "/w",
    )


def test_claude_style_mcp_name() -> None:
    action = adapter.parse({"toolName": "mcp__github__list_issues", "toolArgs": {"repo": "api"}})
    assert action.operation.mcp is not None
    assert (action.operation.mcp.server, action.operation.mcp.tool) == ("github", "list_issues")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1786000000000, "2026-08-06T07:06:40.000Z"),
        (1786000000123.9, "2026-08-06T07:06:40.123Z"),
        ("2026-08-20T10:20:00.000Z", "2026-08-20T10:20:00.000Z"),
        ("2026-08-20T12:20:00+02:00", "2026-08-20T10:20:00.000Z"),
        ("2026-08-20T10:20:00", "2026-08-20T10:20:00.000Z"),
        ("yesterday", ""),
        (10**30, ""),
        (None, ""),
    ],
)
def test_timestamps_become_rfc3339_utc(value: object, expected: str) -> None:
    assert _common_ide.rfc3339(value, "t") == expected


MALFORMED: list[Any] = [
    [],
    42,
    {},
    {"sessionId": "s", "cwd": "/w"},
    {"hookEventName": 1},
    {"toolName": 3, "toolArgs": {}},
    {"toolArgs": {"command": "ls"}, "hookEventName": "preToolUse"},
    {"toolName": "bash", "toolArgs": 5},
    {"toolName": "bash", "toolArgs": ["ls"]},
    {"toolName": "bash", "toolArgs": {}},
    {"toolName": "bash", "toolArgs": {"command": 1}},
    {"toolName": "view", "toolArgs": {"view_range": [1, 2]}},
    {"toolName": "create", "toolArgs": {"file_text": "x"}},
    {"toolName": "web_fetch", "toolArgs": {}},
    {"toolName": "bash", "toolArgs": {"command": "ls"}, "timestamp": True},
    {"toolName": "bash", "toolArgs": {"command": "ls"}, "sessionId": 7},
    {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"cmd": "ls"}},
    {"prompt": ["hi"]},
    {"hook_event_name": "SubagentStop", "last_assistant_message": 3},
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_malformed_payload_raises_adapter_error(payload: Any) -> None:
    with pytest.raises(AdapterError):
        adapter.parse(payload)


# ---------------------------------------------------------------------------- render

EMPTY: tuple[Any, str, int] = (None, "", 0)


def _pascal(decision: str, text: str) -> dict[str, Any]:
    body = {"permissionDecision": decision, "permissionDecisionReason": text}
    return {**body, "hookSpecificOutput": {"hookEventName": "PreToolUse", **body}}


CASES: list[tuple[str, Decision, tuple[Any, str, int]]] = [
    ("preToolUse/bash", s.PASS, EMPTY),
    ("preToolUse/bash", s.WARN, EMPTY),
    (
        "preToolUse/bash",
        s.ASK,
        ({"permissionDecision": "ask", "permissionDecisionReason": s.A}, "", 0),
    ),
    (
        "preToolUse/bash",
        s.BLOCK,
        ({"permissionDecision": "deny", "permissionDecisionReason": s.B}, s.B, 2),
    ),
    (
        "preToolUse/mcp",
        s.BLOCK,
        ({"permissionDecision": "deny", "permissionDecisionReason": s.B}, s.B, 2),
    ),
    ("PreToolUse/bash", s.PASS, EMPTY),
    ("PreToolUse/bash", s.ASK, (_pascal("ask", s.A), "", 0)),
    ("PreToolUse/write", s.BLOCK, (_pascal("deny", s.B), s.B, 2)),
    ("permissionRequest/bash", s.PASS, EMPTY),
    ("permissionRequest/bash", s.WARN, EMPTY),
    ("permissionRequest/bash", s.ASK, EMPTY),
    ("permissionRequest/bash", s.BLOCK, ({"behavior": "deny", "message": s.B}, s.B, 2)),
    ("postToolUse/bash", s.PASS, EMPTY),
    ("postToolUse/bash", s.WARN, ({"additionalContext": s.W}, "", 0)),
    ("PostToolUse/read", s.BLOCK, ({"additionalContext": s.B}, "", 0)),
    ("postToolUseFailure/bash", s.ASK, ({"additionalContext": s.A_NO}, "", 0)),
    ("userPromptSubmitted/prompt", s.PASS, EMPTY),
    ("userPromptSubmitted/prompt", s.WARN, (None, s.W, 2)),
    ("userPromptSubmitted/prompt", s.ASK, (None, s.A_NO, 2)),
    ("UserPromptSubmit/prompt", s.BLOCK, (None, s.B, 2)),
    ("sessionStart/new", s.WARN, ({"additionalContext": s.W}, "", 0)),
    ("subagentStart/explore", s.BLOCK, ({"additionalContext": s.B}, "", 0)),
    ("SessionStart/resume", s.PASS, EMPTY),
    ("sessionEnd/complete", s.BLOCK, EMPTY),
    ("agentStop/end-turn", s.BLOCK, EMPTY),
    ("subagentStop/explore", s.ASK, EMPTY),
    ("errorOccurred/model-call", s.WARN, EMPTY),
    ("preCompact/auto", s.BLOCK, EMPTY),
]


@pytest.mark.parametrize(("rel", "decision", "expected"), CASES)
def test_render(rel: str, decision: Decision, expected: tuple[Any, str, int]) -> None:
    assert s.reply_parts(adapter.render(decision, _action(rel))) == expected


@pytest.mark.parametrize("rel", ["preToolUse/bash", "PreToolUse/bash"])
def test_cloud_agent_ask_is_a_deny_saying_approval_is_required(rel: str) -> None:
    reply = adapter.render(s.ASK, _action(rel), cloud_agent=True)
    body = {"permissionDecision": "deny", "permissionDecisionReason": s.A_NO}
    if rel.startswith("Pre"):
        body = _pascal("deny", s.A_NO)
    assert s.reply_parts(reply) == (body, s.A_NO, 2)


def test_render_unknown_event() -> None:
    action = adapter.parse({"hookEventName": "beforeTeleport", "sessionId": "s"})
    assert s.reply_parts(adapter.render(s.BLOCK, action)) == (None, s.B, 2)
    assert s.reply_parts(adapter.render(s.WARN, action)) == EMPTY


@pytest.mark.parametrize(
    ("decision", "expected"),
    [(s.PASS, EMPTY), (s.WARN, EMPTY), (s.ASK, EMPTY), (s.BLOCK, (None, s.B, 2))],
)
def test_render_without_action(decision: Decision, expected: tuple[Any, str, int]) -> None:
    assert s.reply_parts(adapter.render(decision, None)) == expected


def test_capabilities_cover_every_kind() -> None:
    assert set(adapter.CAPABILITIES) == {k.value for k in Kind}
    for row in adapter.CAPABILITIES.values():
        assert set(row) == {"block", "ask", "warn", "note"}
        assert {row["block"], row["ask"], row["warn"]} <= {"yes", "no", "as-block", "record-only"}
        assert row["note"]
    assert adapter.NAME == "copilot"
