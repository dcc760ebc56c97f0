"""What the fuzz tests of the Claude Code, Codex and Gemini CLI adapters share: strategies for
arbitrary and payload-shaped input, decisions to render, and the two properties checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

from hypothesis import strategies as st

from gatepost.action import Action, Decision, Match, Mode, Verdict
from gatepost.adapters._common import OUTPUT_CAP
from gatepost.errors import AdapterError
from tests.adapters import _ide_support

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


def goldens(agent: str) -> list[Any]:
    """The agent's golden payloads, parsed."""
    return [_ide_support.load(p) for p in _ide_support.goldens(agent)]


def payloads(
    golden: list[Any],
    events: list[str],
    tools: list[str],
    keys: st.SearchStrategy[str],
    extra: Callable[[st.DrawFn, dict[str, Any]], None] | None = None,
) -> st.SearchStrategy[Any]:
    """Arbitrary JSON, payload-shaped dicts, and goldens with keys dropped, retyped or blown up."""

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        choice = draw(st.integers(0, 2))
        if choice == 0:
            return draw(JSON)
        if choice == 1:
            shaped: dict[str, Any] = {"hook_event_name": draw(st.sampled_from(events) | JSON)}
            shaped["tool_name"] = draw(st.sampled_from(tools) | JSON)
            shaped["tool_input"] = draw(st.dictionaries(keys, JSON | HUGE, max_size=5) | JSON)
            shaped.update(draw(st.dictionaries(keys, JSON | HUGE, max_size=3)))
            if extra is not None:
                extra(draw, shaped)
            return shaped
        payload = json.loads(json.dumps(draw(st.sampled_from(golden))))
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

    return build()


def parse_or_none(adapter: ModuleType, payload: Any) -> Action | None:
    try:
        action: Action = adapter.parse(payload)
    except AdapterError:
        return None
    return action


def check_parse(adapter: ModuleType, payload: Any) -> None:
    """parse refuses bad input only with AdapterError, and what it accepts is well-formed."""
    action = parse_or_none(adapter, payload)
    if action is not None:
        assert action.surface.agent == adapter.NAME
        assert action.raw is payload
        assert len(action.operation.output.encode("utf-8", "surrogatepass")) <= OUTPUT_CAP


def check_render(adapter: ModuleType, payload: Any, decision: Decision) -> None:
    """render answers with nothing or one JSON object and an exit code the agent understands."""
    reply = adapter.render(decision, parse_or_none(adapter, payload))
    assert reply.exit_code in EXIT_CODES
    if reply.stdout:
        assert reply.exit_code == 0
        assert isinstance(json.loads(reply.stdout), dict)
        reply.stdout.encode("utf-8")
    if reply.exit_code == 2:
        assert reply.stdout == ""
        assert reply.stderr.strip()
        reply.stderr.encode("utf-8")
