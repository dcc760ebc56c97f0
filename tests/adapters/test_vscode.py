"""VS Code agent-hooks adapter: golden payloads parse to whole Actions; every verdict renders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gatepost.action import Action, Decision, Kind
from gatepost.adapters import vscode as adapter
from gatepost.errors import AdapterError

try:
    from . import _ide_support as s
except ImportError:
    import _ide_support as s  # type: ignore[no-redef]

GOLDENS = s.goldens("vscode")


def _action(rel: str) -> Action:
    return adapter.parse(s.payload("vscode", rel))


# ---------------------------------------------------------------------------- parse


@pytest.mark.parametrize("path", GOLDENS, ids=s.golden_id)
def test_parse_golden(path: Path) -> None:
    assert adapter.parse(s.load(path)) == s.expected_action(path)


def test_goldens_cover_every_event_and_tool() -> None:
    assert {p.parent.name for p in GOLDENS} >= {
        "PreToolUse",
        "PostToolUse",
        "UserPromptSubmit",
        "SessionStart",
        "Stop",
        "SubagentStart",
        "SubagentStop",
        "PreCompact",
    }
    pre = [adapter.parse(s.load(p)) for p in GOLDENS if p.parent.name == "PreToolUse"]
    assert {a.kind for a in pre} == {
        Kind.COMMAND,
        Kind.FILE_READ,
        Kind.FILE_WRITE,
        Kind.WEB_FETCH,
        Kind.MCP_CALL,
        Kind.OTHER,
    }


@pytest.mark.parametrize(
    ("tool", "tool_input", "kind"),
    [
        ("runInTerminal", {"command": "ls"}, Kind.COMMAND),
        ("copilot_readFile", {"filePath": "a"}, Kind.FILE_READ),
        ("list_dir", {"path": "src"}, Kind.FILE_READ),
        ("grep_search", {"query": "TODO"}, Kind.FILE_READ),
        ("copilot_createFile", {"filePath": "a", "content": "x"}, Kind.FILE_WRITE),
        ("insert_edit_into_file", {"filePath": "a", "code": "x"}, Kind.FILE_WRITE),
        ("create_directory", {"dirPath": "build"}, Kind.FILE_WRITE),
        ("open_simple_browser", {"url": "http://localhost:3000"}, Kind.WEB_FETCH),
        ("mcp__github__get_issue", {"number": 1}, Kind.MCP_CALL),
        ("manage_todo_list", {}, Kind.OTHER),
        ("mcp_", {}, Kind.OTHER),
    ],
)
def test_tool_kinds(tool: str, tool_input: dict[str, Any], kind: Kind) -> None:
    action = adapter.parse(
        {"hookEventName": "PreToolUse", "tool_name": tool, "tool_input": tool_input}
    )
    assert (action.kind, action.surface.tool) == (kind, tool)


def test_unknown_event_parses_as_other() -> None:
    action = adapter.parse({"hookEventName": "PostCompact", "sessionId": "s1"})
    assert (action.kind, action.surface.phase, action.actor.session) == (
        Kind.OTHER,
        "post",
        "vscode:s1",
    )


MALFORMED: list[Any] = [
    [],
    "PreToolUse",
    {},
    {"hookEventName": ["PreToolUse"]},
    {"hookEventName": "PreToolUse", "tool_input": {"command": "ls"}},
    {"hookEventName": "PreToolUse", "tool_name": "run_in_terminal", "tool_input": "ls -la"},
    {"hookEventName": "PreToolUse", "tool_name": "run_in_terminal", "tool_input": {}},
    {"hookEventName": "PreToolUse", "tool_name": "create_file", "tool_input": {"content": "x"}},
    {"hookEventName": "PreToolUse", "tool_name": "read_file", "tool_input": {"filePath": 1}},
    {
        "hookEventName": "PreToolUse",
        "tool_name": "multi_replace_string_in_file",
        "tool_input": {"replacements": ["x"]},
    },
    {"hookEventName": "PreToolUse", "tool_name": "fetch_webpage", "tool_input": {"urls": [1]}},
    {"hookEventName": "UserPromptSubmit", "prompt": 5},
    {"hookEventName": "Stop", "sessionId": 5},
    {"hookEventName": "Stop", "timestamp": [2026]},
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_malformed_payload_raises_adapter_error(payload: Any) -> None:
    with pytest.raises(AdapterError):
        adapter.parse(payload)


# ---------------------------------------------------------------------------- render

NO_OPINION: tuple[Any, str, int] = ({}, "", 0)


def _specific(event: str, **fields: str) -> dict[str, Any]:
    return {"hookSpecificOutput": {"hookEventName": event, **fields}}


CASES: list[tuple[str, Decision, tuple[Any, str, int]]] = [
    ("PreToolUse/run-in-terminal", s.PASS, NO_OPINION),
    (
        "PreToolUse/run-in-terminal",
        s.WARN,
        ({"systemMessage": s.W, **_specific("PreToolUse", additionalContext=s.W)}, "", 0),
    ),
    (
        "PreToolUse/run-in-terminal",
        s.ASK,
        (
            _specific("PreToolUse", permissionDecision="ask", permissionDecisionReason=s.A),
            "",
            0,
        ),
    ),
    (
        "PreToolUse/delete-file",
        s.BLOCK,
        (
            _specific("PreToolUse", permissionDecision="deny", permissionDecisionReason=s.B),
            "",
            0,
        ),
    ),
    (
        "PreToolUse/mcp",
        s.BLOCK,
        (
            _specific("PreToolUse", permissionDecision="deny", permissionDecisionReason=s.B),
            "",
            0,
        ),
    ),
    ("PostToolUse/run-in-terminal", s.PASS, NO_OPINION),
    (
        "PostToolUse/run-in-terminal",
        s.WARN,
        ({"systemMessage": s.W, **_specific("PostToolUse", additionalContext=s.W)}, "", 0),
    ),
    (
        "PostToolUse/run-in-terminal",
        s.BLOCK,
        (
            {"decision": "block", "reason": s.B, **_specific("PostToolUse", additionalContext=s.B)},
            "",
            0,
        ),
    ),
    (
        "PostToolUse/read-file-object-response",
        s.ASK,
        (
            {
                "decision": "block",
                "reason": s.A_NO,
                **_specific("PostToolUse", additionalContext=s.A_NO),
            },
            "",
            0,
        ),
    ),
    ("UserPromptSubmit/prompt", s.PASS, NO_OPINION),
    ("UserPromptSubmit/prompt", s.WARN, ({"systemMessage": s.W}, "", 0)),
    ("UserPromptSubmit/prompt", s.ASK, ({"continue": False, "stopReason": s.A_NO}, "", 0)),
    ("UserPromptSubmit/prompt", s.BLOCK, ({"continue": False, "stopReason": s.B}, "", 0)),
    (
        "SessionStart/new",
        s.WARN,
        ({"systemMessage": s.W, **_specific("SessionStart", additionalContext=s.W)}, "", 0),
    ),
    ("SessionStart/new", s.BLOCK, ({"continue": False, "stopReason": s.B}, "", 0)),
    ("SubagentStart/plan", s.BLOCK, ({"continue": False, "stopReason": s.B}, "", 0)),
    ("Stop/stop", s.WARN, ({"systemMessage": s.W}, "", 0)),
    ("Stop/stop", s.BLOCK, NO_OPINION),
    ("SubagentStop/plan", s.ASK, NO_OPINION),
    ("PreCompact/auto", s.BLOCK, NO_OPINION),
]


@pytest.mark.parametrize(("rel", "decision", "expected"), CASES)
def test_render(rel: str, decision: Decision, expected: tuple[Any, str, int]) -> None:
    assert s.reply_parts(adapter.render(decision, _action(rel))) == expected


def test_render_unknown_event_blocks_by_exit_code() -> None:
    action = adapter.parse({"hookEventName": "PostCompact", "sessionId": "s1"})
    assert s.reply_parts(adapter.render(s.BLOCK, action)) == (None, s.B, 2)
    assert s.reply_parts(adapter.render(s.WARN, action)) == ({"systemMessage": s.W}, "", 0)


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
    assert adapter.NAME == "vscode"
