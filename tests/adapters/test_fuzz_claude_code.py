"""Fuzzing the Claude Code adapter: parse refuses bad input only with AdapterError, and render
always answers with nothing or one JSON object and an exit code Claude Code understands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gatepost.action import Action, Decision, Match, Mode, Verdict
from gatepost.adapters import claude_code as adapter
from gatepost.adapters._common import OUTPUT_CAP
from gatepost.errors import AdapterError

ROOT = Path(__file__).parents[1] / "fixtures" / "payloads" / "claude-code"
GOLDENS = [
    json.loads(p.read_text())
    for p in sorted(ROOT.glob("*/*.json"))
    if not p.name.endswith(".expected.json")
]
EVENTS = sorted({g["hook_event_name"] for g in GOLDENS} | {"PostToolBatch", ""})
TOOLS = sorted({g["tool_name"] for g in GOLDENS if "tool_name" in g} | {"LS", "NotebookRead"})
EXIT_CODES = {0, 2}

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
HUGE = st.builds(
    lambda c, n: c * n, st.sampled_from(["a", "é", "\U0001f600", "\n"]), st.integers(0, 90_000)
)
KEYS = st.sampled_from(
    ["hook_event_name", "tool_name", "tool_input", "tool_response", "session_id", "cwd", "prompt",
     "tool_use_id", "error", "timestamp", "version", "command", "file_path", "content", "edits",
     "new_string", "url", "query", "path", "notebook_path", "new_source"]
)  # fmt: skip


@st.composite
def payloads(draw: st.DrawFn) -> Any:
    """Arbitrary JSON, payload-shaped dicts, and goldens with keys dropped, retyped or blown up."""
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return draw(JSON)
    if choice == 1:
        shaped: dict[str, Any] = {"hook_event_name": draw(st.sampled_from(EVENTS) | JSON)}
        shaped["tool_name"] = draw(st.sampled_from(TOOLS) | JSON)
        shaped["tool_input"] = draw(st.dictionaries(KEYS, JSON | HUGE, max_size=5) | JSON)
        shaped.update(draw(st.dictionaries(KEYS, JSON | HUGE, max_size=3)))
        return shaped
    payload = json.loads(json.dumps(draw(st.sampled_from(GOLDENS))))
    for _ in range(draw(st.integers(1, 3))):
        target = payload
        if isinstance(payload.get("tool_input"), dict) and draw(st.booleans()):
            target = payload["tool_input"]
        if not target:
            break
        key = draw(st.sampled_from(sorted(target)))
        action = draw(st.integers(0, 2))
        if action == 0:
            del target[key]
        elif action == 1:
            target[key] = draw(JSON)
        else:
            target[key] = draw(HUGE)
    return payload


TEXT = st.text(max_size=60)
MATCHES = st.builds(
    Match,
    pack_id=TEXT,
    pack_version=TEXT,
    rule_id=TEXT,
    title=TEXT,
    severity=TEXT,
    rule_verdict=st.sampled_from(Verdict),
    verdict=st.sampled_from(Verdict),
    assignment_id=TEXT,
    scope=TEXT,
    mode=st.sampled_from(Mode),
    message=TEXT,
    explanation=TEXT,
)
DECISIONS = st.builds(
    Decision,
    verdict=st.sampled_from(Verdict),
    winner=st.none() | MATCHES,
    explanation=TEXT,
    error=TEXT,
    fail_mode=st.sampled_from(["", "open", "closed"]),
)


def _parse(payload: Any) -> Action | None:
    try:
        return adapter.parse(payload)
    except AdapterError:
        return None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(payloads())
def test_parse_raises_only_adapter_error(payload: Any) -> None:
    action = _parse(payload)
    if action is not None:
        assert action.surface.agent == adapter.NAME
        assert action.raw is payload
        assert len(action.operation.output.encode("utf-8", "surrogatepass")) <= OUTPUT_CAP


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(payloads(), DECISIONS)
def test_render_is_always_well_formed(payload: Any, decision: Decision) -> None:
    reply = adapter.render(decision, _parse(payload))
    assert reply.exit_code in EXIT_CODES
    if reply.stdout:
        assert reply.exit_code == 0
        assert isinstance(json.loads(reply.stdout), dict)
        reply.stdout.encode("utf-8")
    if reply.exit_code == 2:
        assert reply.stdout == ""
        assert reply.stderr.strip()
        reply.stderr.encode("utf-8")
