"""Windsurf Cascade adapter: golden payloads parse to whole Actions; exit codes render verdicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gatepost.action import Action, Decision, Kind, Verdict
from gatepost.adapters import windsurf as adapter
from gatepost.errors import AdapterError

try:
    from . import _ide_support as s
except ImportError:
    import _ide_support as s  # type: ignore[no-redef]

GOLDENS = s.goldens("windsurf")


def _action(rel: str) -> Action:
    return adapter.parse(s.payload("windsurf", rel))


# ---------------------------------------------------------------------------- parse


@pytest.mark.parametrize("path", GOLDENS, ids=s.golden_id)
def test_parse_golden(path: Path) -> None:
    assert adapter.parse(s.load(path)) == s.expected_action(path)


def test_goldens_cover_every_event() -> None:
    assert {p.parent.name for p in GOLDENS} >= {
        "pre_run_command",
        "post_run_command",
        "pre_read_code",
        "post_read_code",
        "pre_write_code",
        "post_write_code",
        "pre_mcp_tool_use",
        "post_mcp_tool_use",
        "pre_user_prompt",
        "post_cascade_response",
        "post_setup_worktree",
    }


def test_unknown_event_parses_as_other() -> None:
    action = adapter.parse(
        {"agent_action_name": "pre_teleport", "trajectory_id": "t1", "tool_info": {"x": 1}}
    )
    assert (action.kind, action.surface.phase, action.actor.session) == (
        Kind.OTHER,
        "pre",
        "windsurf:t1",
    )


MALFORMED: list[Any] = [
    [],
    "pre_run_command",
    {},
    {"agent_action_name": None},
    {"agent_action_name": 2},
    {"agent_action_name": "pre_run_command", "tool_info": "aws s3 rm"},
    {"agent_action_name": "pre_run_command", "tool_info": {}},
    {"agent_action_name": "pre_run_command", "tool_info": {"command_line": ["aws"]}},
    {"agent_action_name": "pre_run_command", "tool_info": {"command_line": "ls", "cwd": 1}},
    {"agent_action_name": "pre_read_code", "tool_info": {}},
    {"agent_action_name": "pre_write_code", "tool_info": {"file_path": "a", "edits": [1]}},
    {"agent_action_name": "pre_write_code", "tool_info": {"file_path": "a", "edits": "x"}},
    {
        "agent_action_name": "pre_mcp_tool_use",
        "tool_info": {"mcp_server_name": "s", "mcp_tool_name": "t", "mcp_tool_arguments": "oops"},
    },
    {"agent_action_name": "pre_mcp_tool_use", "tool_info": {"mcp_server_name": "s"}},
    {"agent_action_name": "pre_user_prompt", "tool_info": {}},
    {"agent_action_name": "pre_user_prompt", "tool_info": {"user_prompt": "x"}, "trajectory_id": 5},
    {"agent_action_name": "pre_user_prompt", "tool_info": {"user_prompt": "x"}, "timestamp": {}},
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_malformed_payload_raises_adapter_error(payload: Any) -> None:
    with pytest.raises(AdapterError):
        adapter.parse(payload)


# ---------------------------------------------------------------------------- render

NOTHING: tuple[Any, str, int] = (None, "", 0)
CASES: list[tuple[str, Decision, tuple[Any, str, int]]] = [
    ("pre_run_command/aws-s3-rm", s.PASS, NOTHING),
    ("pre_run_command/aws-s3-rm", s.WARN, (None, s.W, 0)),
    ("pre_run_command/aws-s3-rm", s.ASK, (None, s.A_NO, 2)),
    ("pre_run_command/aws-s3-rm", s.BLOCK, (None, s.B, 2)),
    ("pre_read_code/env", s.BLOCK, (None, s.B, 2)),
    ("pre_write_code/edit", s.ASK, (None, s.A_NO, 2)),
    ("pre_mcp_tool_use/github", s.BLOCK, (None, s.B, 2)),
    ("pre_user_prompt/prompt", s.PASS, NOTHING),
    ("pre_user_prompt/prompt", s.BLOCK, (None, s.B, 2)),
    ("post_run_command/npm-test", s.BLOCK, (None, s.B, 0)),
    ("post_read_code/readme", s.ASK, (None, s.A_NO, 0)),
    ("post_write_code/edit", s.WARN, (None, s.W, 0)),
    ("post_mcp_tool_use/github", s.PASS, NOTHING),
    ("post_cascade_response/response", s.BLOCK, (None, s.B, 0)),
    ("post_setup_worktree/worktree", s.BLOCK, (None, s.B, 0)),
]


@pytest.mark.parametrize(("rel", "decision", "expected"), CASES)
def test_render(rel: str, decision: Decision, expected: tuple[Any, str, int]) -> None:
    assert s.reply_parts(adapter.render(decision, _action(rel))) == expected


def test_render_unknown_event_blocks_by_exit_code() -> None:
    action = adapter.parse({"agent_action_name": "pre_teleport", "tool_info": {}})
    assert s.reply_parts(adapter.render(s.BLOCK, action)) == (None, s.B, 2)


def test_stderr_is_always_writable() -> None:
    lone_surrogate = Decision(verdict=Verdict.BLOCK, explanation="surrogate \ud800 here")
    reply = adapter.render(lone_surrogate, _action("pre_run_command/aws-s3-rm"))
    assert s.reply_parts(reply) == (None, "surrogate ? here", 2)


@pytest.mark.parametrize(
    ("decision", "expected"),
    [(s.PASS, NOTHING), (s.WARN, NOTHING), (s.ASK, NOTHING), (s.BLOCK, (None, s.B, 2))],
)
def test_render_without_action(decision: Decision, expected: tuple[Any, str, int]) -> None:
    assert s.reply_parts(adapter.render(decision, None)) == expected


def test_capabilities_cover_every_kind() -> None:
    assert set(adapter.CAPABILITIES) == {k.value for k in Kind}
    for row in adapter.CAPABILITIES.values():
        assert set(row) == {"block", "ask", "warn", "note"}
        assert {row["block"], row["ask"], row["warn"]} <= {"yes", "no", "as-block", "record-only"}
        assert row["note"]
    assert adapter.CAPABILITIES["command"]["ask"] == "as-block"
    assert adapter.NAME == "windsurf"
