"""Cursor adapter: golden payloads parse to whole Actions; every verdict renders natively."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gatepost.action import Action, Decision, Kind
from gatepost.adapters import _common_ide
from gatepost.adapters import cursor as adapter
from gatepost.errors import AdapterError

try:
    from . import _ide_support as s
except ImportError:
    import _ide_support as s  # type: ignore[no-redef]

GOLDENS = s.goldens("cursor")


def _action(rel: str) -> Action:
    return adapter.parse(s.payload("cursor", rel))


# ---------------------------------------------------------------------------- parse


@pytest.mark.parametrize("path", GOLDENS, ids=s.golden_id)
def test_parse_golden(path: Path) -> None:
    assert adapter.parse(s.load(path)) == s.expected_action(path)


def test_goldens_cover_every_event_and_tool() -> None:
    assert {p.parent.name for p in GOLDENS} >= {
        "beforeShellExecution",
        "afterShellExecution",
        "beforeMCPExecution",
        "afterMCPExecution",
        "beforeReadFile",
        "afterFileEdit",
        "beforeSubmitPrompt",
        "preToolUse",
        "postToolUse",
        "sessionStart",
        "sessionEnd",
        "stop",
        "subagentStop",
        "preCompact",
    }
    tools = {adapter.parse(s.load(p)).surface.tool for p in GOLDENS if "preToolUse" in str(p)}
    assert tools >= {"Shell", "Read", "Write", "Delete", "Grep", "Task"}
    assert any(t.startswith("MCP:") for t in tools)


def test_unknown_tool_and_event_parse_as_other() -> None:
    tool = adapter.parse(
        {"hook_event_name": "preToolUse", "tool_name": "Teleport", "tool_input": {"x": 1}}
    )
    assert (tool.kind, tool.surface.tool, tool.surface.phase) == (Kind.OTHER, "Teleport", "pre")
    event = adapter.parse({"hook_event_name": "afterTeleport", "conversation_id": "c1"})
    assert (event.kind, event.surface.phase, event.actor.session) == (
        Kind.OTHER,
        "post",
        "cursor:c1",
    )


def test_output_is_capped_at_64_kib() -> None:
    big = "é" * 40_000  # 80 000 bytes of UTF-8
    action = adapter.parse(
        {"hook_event_name": "afterShellExecution", "command": "cat big", "output": big}
    )
    assert action.operation.output == "é" * 32_768
    assert len(action.operation.output.encode()) == _common_ide.OUTPUT_CAP


MALFORMED: list[Any] = [
    [],
    "beforeShellExecution",
    None,
    {},
    {"hook_event_name": 3},
    {"hook_event_name": "beforeShellExecution"},
    {"hook_event_name": "beforeShellExecution", "command": ["rm", "-rf"]},
    {"hook_event_name": "beforeShellExecution", "command": "ls", "workspace_roots": "/w"},
    {"hook_event_name": "beforeShellExecution", "command": "ls", "workspace_roots": [1]},
    {"hook_event_name": "beforeShellExecution", "command": "ls", "conversation_id": 12},
    {"hook_event_name": "beforeShellExecution", "command": "ls", "timestamp": True},
    {"hook_event_name": "beforeMCPExecution", "tool_name": "q", "tool_input": "not json"},
    {"hook_event_name": "beforeMCPExecution", "tool_name": "q", "tool_input": "[1, 2]"},
    {"hook_event_name": "beforeMCPExecution", "tool_name": "q", "tool_input": 7},
    {"hook_event_name": "beforeMCPExecution", "tool_input": {}},
    {"hook_event_name": "beforeReadFile", "content": "x"},
    {"hook_event_name": "beforeReadFile", "file_path": "a", "attachments": ["b"]},
    {"hook_event_name": "afterFileEdit", "file_path": "a", "edits": ["x"]},
    {"hook_event_name": "afterFileEdit", "file_path": "a", "edits": {"old_string": "x"}},
    {"hook_event_name": "beforeSubmitPrompt", "attachments": []},
    {"hook_event_name": "preToolUse", "tool_input": {"command": "ls"}},
    {"hook_event_name": "preToolUse", "tool_name": "Shell", "tool_input": {}},
    {"hook_event_name": "preToolUse", "tool_name": "Write", "tool_input": {"contents": "x"}},
    {"hook_event_name": "preToolUse", "tool_name": "Read", "tool_input": {"file_path": 5}},
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_malformed_payload_raises_adapter_error(payload: Any) -> None:
    with pytest.raises(AdapterError):
        adapter.parse(payload)


# ---------------------------------------------------------------------------- render

NO_OPINION: tuple[Any, str, int] = ({}, "", 0)
CASES: list[tuple[str, Decision, tuple[Any, str, int]]] = [
    ("beforeShellExecution/psql-drop", s.PASS, NO_OPINION),
    (
        "beforeShellExecution/psql-drop",
        s.WARN,
        ({"user_message": s.W, "agent_message": s.W}, "", 0),
    ),
    (
        "beforeShellExecution/psql-drop",
        s.ASK,
        ({"permission": "ask", "user_message": s.A, "agent_message": s.A}, "", 0),
    ),
    (
        "beforeShellExecution/psql-drop",
        s.BLOCK,
        ({"permission": "deny", "user_message": s.B, "agent_message": s.B}, "", 0),
    ),
    (
        "beforeMCPExecution/json-string-input",
        s.BLOCK,
        ({"permission": "deny", "user_message": s.B, "agent_message": s.B}, "", 0),
    ),
    ("preToolUse/write", s.PASS, NO_OPINION),
    (
        "preToolUse/write",
        s.ASK,
        ({"permission": "ask", "user_message": s.A, "agent_message": s.A}, "", 0),
    ),
    (
        "preToolUse/mcp",
        s.BLOCK,
        ({"permission": "deny", "user_message": s.B, "agent_message": s.B}, "", 0),
    ),
    ("beforeReadFile/env-file", s.PASS, NO_OPINION),
    ("beforeReadFile/env-file", s.WARN, NO_OPINION),
    (
        "beforeReadFile/env-file",
        s.ASK,
        ({"permission": "deny", "user_message": s.A_NO, "agent_message": s.A_NO}, "", 0),
    ),
    (
        "beforeReadFile/env-file",
        s.BLOCK,
        ({"permission": "deny", "user_message": s.B, "agent_message": s.B}, "", 0),
    ),
    ("beforeSubmitPrompt/with-attachments", s.PASS, ({"continue": True}, "", 0)),
    ("beforeSubmitPrompt/with-attachments", s.WARN, ({"continue": True}, "", 0)),
    (
        "beforeSubmitPrompt/with-attachments",
        s.ASK,
        ({"continue": False, "user_message": s.A_NO}, "", 0),
    ),
    (
        "beforeSubmitPrompt/with-attachments",
        s.BLOCK,
        ({"continue": False, "user_message": s.B}, "", 0),
    ),
    ("postToolUse/shell", s.PASS, NO_OPINION),
    ("postToolUse/shell", s.WARN, ({"additional_context": s.W}, "", 0)),
    ("postToolUse/shell", s.BLOCK, ({"additional_context": s.B}, "", 0)),
    ("sessionStart/start", s.WARN, ({"additional_context": s.W}, "", 0)),
    ("afterShellExecution/npm-test", s.BLOCK, NO_OPINION),
    ("afterFileEdit/two-edits", s.ASK, NO_OPINION),
    ("afterMCPExecution/query-result", s.WARN, NO_OPINION),
    ("stop/completed", s.BLOCK, NO_OPINION),
    ("subagentStop/done", s.BLOCK, NO_OPINION),
    ("sessionEnd/end", s.BLOCK, NO_OPINION),
    ("preCompact/auto", s.BLOCK, NO_OPINION),
]


@pytest.mark.parametrize(("rel", "decision", "expected"), CASES)
def test_render(rel: str, decision: Decision, expected: tuple[Any, str, int]) -> None:
    assert s.reply_parts(adapter.render(decision, _action(rel))) == expected


def test_render_unknown_event_blocks_by_exit_code() -> None:
    action = adapter.parse({"hook_event_name": "subagentStart", "conversation_id": "c1"})
    assert s.reply_parts(adapter.render(s.BLOCK, action)) == (None, s.B, 2)
    assert s.reply_parts(adapter.render(s.ASK, action)) == (None, s.A_NO, 2)
    assert s.reply_parts(adapter.render(s.WARN, action)) == NO_OPINION


@pytest.mark.parametrize(
    ("decision", "expected"),
    [(s.PASS, NO_OPINION), (s.WARN, NO_OPINION), (s.ASK, NO_OPINION), (s.BLOCK, (None, s.B, 2))],
)
def test_render_without_action(decision: Decision, expected: tuple[Any, str, int]) -> None:
    assert s.reply_parts(adapter.render(decision, None)) == expected


def test_capabilities_cover_every_kind() -> None:
    assert set(adapter.CAPABILITIES) == {k.value for k in Kind}
    for row in adapter.CAPABILITIES.values():
        assert set(row) == {"block", "ask", "warn", "note"}
        assert {row["block"], row["ask"], row["warn"]} <= {"yes", "no", "as-block", "record-only"}
        assert row["note"]
    assert adapter.NAME == "cursor"
