"""Fuzzing the Claude Code adapter: parse refuses bad input only with AdapterError, and render
always answers with nothing or one JSON object and an exit code Claude Code understands."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gatepost.action import Decision
from gatepost.adapters import claude_code as adapter
from tests.adapters.fuzzing import DECISIONS, check_parse, check_render, goldens, payloads

GOLDENS = goldens("claude-code")
EVENTS = sorted({g["hook_event_name"] for g in GOLDENS} | {"PostToolBatch", ""})
TOOLS = sorted({g["tool_name"] for g in GOLDENS if "tool_name" in g} | {"LS", "NotebookRead"})
KEYS = st.sampled_from(
    ["hook_event_name", "tool_name", "tool_input", "tool_response", "session_id", "cwd", "prompt",
     "tool_use_id", "error", "timestamp", "version", "command", "file_path", "content", "edits",
     "new_string", "url", "query", "path", "notebook_path", "new_source"]
)  # fmt: skip

PAYLOADS = payloads(GOLDENS, EVENTS, TOOLS, KEYS)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(PAYLOADS)
def test_parse_raises_only_adapter_error(payload: Any) -> None:
    check_parse(adapter, payload)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(PAYLOADS, DECISIONS)
def test_render_is_always_well_formed(payload: Any, decision: Decision) -> None:
    check_render(adapter, payload, decision)
