"""Fuzzing the Codex adapter: parse refuses bad input only with AdapterError, and render
always answers with nothing or one JSON object and an exit code Codex understands."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gatepost.action import Decision
from gatepost.adapters import codex as adapter
from tests.adapters.fuzzing import DECISIONS, check_parse, check_render, goldens, payloads

GOLDENS = goldens("codex")
EVENTS = sorted({g["hook_event_name"] for g in GOLDENS} | {"Interrupt", "SubagentStop", ""})
TOOLS = sorted(
    {g["tool_name"] for g in GOLDENS if "tool_name" in g} | {"NetworkAccess", "spawn_agent"}
)
KEYS = st.sampled_from(
    ["hook_event_name", "tool_name", "tool_input", "tool_response", "session_id", "cwd", "prompt",
     "tool_use_id", "error", "timestamp", "version", "command", "file_path", "content", "edits",
     "turn_id", "model", "permission_mode", "description", "transcript_path"]
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
