"""Which matches count as "would block", and how verdicts are labelled."""

from __future__ import annotations

from typing import Any

import pytest

from gatepost.evidence.display import summary, verdict_label, would_block


def _match(
    rule: str, rule_verdict: str, verdict: str, mode: str, waiver: Any = None
) -> dict[str, Any]:
    return {
        "rule_id": rule,
        "rule_verdict": rule_verdict,
        "verdict": verdict,
        "mode": mode,
        "assignment_id": f"a-{rule}",
        "waiver": waiver,
    }


def _doc(verdict: str, *matches: dict[str, Any]) -> dict[str, Any]:
    return {"decision": {"verdict": verdict, "matches": list(matches)}}


AUDIT_BLOCK = _match("git/force-push", "block", "pass", "audit")
WARN_ASK = _match("infra/destroy", "ask", "warn", "warn")
AUDIT_WARN = _match("web/paste", "warn", "pass", "audit")
WAIVED = _match("fs/delete", "block", "pass", "enforce", {"waiver_id": "w1"})
WAIVED_AUDIT = _match("fs/rm", "block", "pass", "audit", {"waiver_id": "w2"})
ENFORCED = _match("secrets/env", "ask", "ask", "enforce")


@pytest.mark.parametrize(
    ("doc", "held", "label"),
    [
        (_doc("pass"), [], "pass"),
        (_doc("pass", AUDIT_BLOCK), [AUDIT_BLOCK], "pass (audit: would block)"),
        (_doc("warn", WARN_ASK), [WARN_ASK], "warn (warn: would ask)"),
        (_doc("warn", WARN_ASK, AUDIT_BLOCK), [WARN_ASK, AUDIT_BLOCK], "warn (audit: would block)"),
        (_doc("pass", AUDIT_WARN), [], "pass"),  # a warning held back is not a block
        (_doc("pass", WAIVED), [], "pass"),  # a waiver stays when the pack is enforced
        (_doc("pass", WAIVED_AUDIT), [], "pass"),
        (_doc("ask", ENFORCED, WARN_ASK), [], "ask"),  # enforcing would not change the verdict
        (_doc("ask", ENFORCED, AUDIT_BLOCK), [AUDIT_BLOCK], "ask (audit: would block)"),
    ],
)
def test_would_block_and_label(doc: dict[str, Any], held: list[dict[str, Any]], label: str) -> None:
    assert would_block(doc["decision"]) == held
    assert verdict_label(doc) == label


def _action(operation: dict[str, Any], tool: str = "Bash") -> dict[str, Any]:
    return {"action": {"operation": operation, "surface": {"tool": tool, "event": "PreToolUse"}}}


@pytest.mark.parametrize(
    ("operation", "text"),
    [
        ({"kind": "command", "command": {"raw": "git  status\n--short"}}, "git status --short"),
        ({"kind": "file_read", "paths": [{"path": "/a/b", "raw": "b"}]}, "/a/b"),
        ({"kind": "web_fetch", "urls": [{"raw": "https://x.example/"}]}, "https://x.example/"),
        ({"kind": "web_search", "query": "python re"}, "python re"),
        (
            {"kind": "mcp_call", "mcp": {"server": "github", "tool": "create_issue"}},
            "github/create_issue",
        ),
        ({"kind": "prompt", "content": "fix the tests"}, "fix the tests"),
        ({"kind": "command"}, "Bash"),  # a viewer's projection: the tool's name
        ({"kind": "command", "command": {"raw": "x" * 200}}, "x" * 119 + "…"),
    ],
)
def test_summary(operation: dict[str, Any], text: str) -> None:
    assert summary(_action(operation)) == text
