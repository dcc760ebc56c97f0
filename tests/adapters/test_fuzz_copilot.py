"""Copilot adapter under fuzzing: only AdapterError escapes parse; every reply is well formed."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gatepost.action import Decision
from gatepost.adapters import copilot as adapter

try:
    from . import _ide_support as s
except ImportError:
    import _ide_support as s  # type: ignore[no-redef]

PAYLOADS = [s.load(p) for p in s.goldens("copilot")]
EVENTS = sorted(
    {p.parent.name for p in s.goldens("copilot")}
    | {"userPromptTransformed", "PostToolUseFailure", "notification", "Notification", "Stop"}
)
EXITS = frozenset({0, 2})  # 0: stdout read as JSON; 2: deny on preToolUse, a warning elsewhere
PAYLOAD = (
    s.mutated(PAYLOADS)
    | s.structured("hookEventName", EVENTS, PAYLOADS, optional=True)
    | s.structured("hook_event_name", EVENTS, PAYLOADS)
)


@settings(max_examples=300, deadline=None)
@given(s.json_values)
def test_parse_arbitrary_json(value: Any) -> None:
    s.parse_checked(adapter.parse, value)


@settings(max_examples=400, deadline=None)
@given(PAYLOAD)
def test_parse_mutated_and_structured_payloads(payload: dict[str, Any]) -> None:
    s.parse_checked(adapter.parse, payload)


@settings(max_examples=400, deadline=None)
@given(PAYLOAD | st.sampled_from(PAYLOADS), s.decisions(), st.booleans())
def test_render_any_decision(payload: dict[str, Any], decision: Decision, cloud: bool) -> None:
    action = s.parse_checked(adapter.parse, payload)
    s.assert_well_formed(adapter.render(decision, action, cloud_agent=cloud), EXITS)
