"""Gemini CLI adapter: golden payloads parse to whole Actions; every verdict renders natively."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gatepost.action import Decision, Kind, Match, McpCall, Mode, UrlRef, Verdict
from gatepost.adapters import gemini as adapter
from gatepost.adapters.base import Reply, reason_text
from gatepost.errors import AdapterError
from tests.adapters import _ide_support as s

AGENT = "gemini-cli"
GOLDENS = s.goldens(AGENT)


def _load(rel: str) -> dict[str, Any]:
    return s.payload(AGENT, rel)


def _match(
    verdict: Verdict, mode: Mode = Mode.ENFORCE, rule_verdict: Verdict | None = None
) -> Match:
    return Match(
        pack_id="filesystem",
        pack_version="2.0.0",
        rule_id="filesystem/recursive-delete",
        title="Recursive delete",
        severity="medium",
        rule_verdict=rule_verdict or verdict,
        verdict=verdict,
        assignment_id="asg-repo-shop",
        scope="repo:github.com/acme/shop",
        mode=mode,
        message="Recursive deletes outside ./build need a person's approval.",
        explanation="rm has -r and -f and targets node_modules, dist",
    )


def _decision(verdict: Verdict) -> Decision:
    if verdict is Verdict.PASS:
        return Decision(policy_revision="r3")
    win = _match(verdict)
    return Decision(verdict=verdict, winner=win, matches=(win,), policy_revision="r3")


PASS, WARN, ASK, BLOCK = (_decision(v) for v in Verdict)
B = reason_text(BLOCK)
A_NO = reason_text(ASK, can_ask=False)
W = reason_text(WARN)


# ---------------------------------------------------------------------------- parse


@pytest.mark.parametrize("path", GOLDENS, ids=s.golden_id)
def test_parse_golden(path: Path) -> None:
    assert adapter.parse(s.load(path)) == s.expected_action(path)


def test_goldens_cover_every_event_and_tool() -> None:
    assert {p.parent.name for p in GOLDENS} >= {
        "BeforeTool",
        "AfterTool",
        "BeforeAgent",
        "AfterAgent",
        "SessionStart",
        "SessionEnd",
        "BeforeModel",
        "AfterModel",
        "BeforeToolSelection",
        "PreCompress",
        "Notification",
    }
    pre = [json.loads(p.read_text()) for p in GOLDENS if p.parent.name == "BeforeTool"]
    assert {p["tool_name"] for p in pre} >= {
        "run_shell_command",
        "read_file",
        "read_many_files",
        "write_file",
        "replace",
        "web_fetch",
        "google_web_search",
        "glob",
        "grep_search",
        "search_file_content",
        "list_directory",
    }
    assert any("mcp_context" in p for p in pre)


@pytest.mark.parametrize(
    ("tool", "context", "mcp"),
    [
        ("mcp_github_create_issue", None, McpCall("github", "create_issue", {"a": 1})),
        ("mcp__github__create_issue", None, McpCall("github", "create_issue", {"a": 1})),
        ("github__create_issue", None, McpCall("github", "create_issue", {"a": 1})),
        # mcp_context wins over the name: server names may themselves hold underscores
        (
            "mcp_my_db_run_query",
            {"server_name": "my_db", "tool_name": "run_query", "url": "http://127.0.0.1:9000"},
            McpCall("my_db", "run_query", {"a": 1}),
        ),
    ],
)
def test_mcp_names(tool: str, context: dict[str, Any] | None, mcp: McpCall) -> None:
    payload: dict[str, Any] = {"hook_event_name": "BeforeTool", "tool_name": tool}
    payload["tool_input"] = {"a": 1}
    if context is not None:
        payload["mcp_context"] = context
    op = adapter.parse(payload).operation
    assert (op.kind, op.mcp) == (Kind.MCP_CALL, mcp)


@pytest.mark.parametrize(
    ("prompt", "urls"),
    [
        ("no links here", ()),
        (
            "see <https://a.example/x>, then (http://b.example/y).",
            ("https://a.example/x", "http://b.example/y"),
        ),
        ("twice: https://a.example https://a.example", ("https://a.example",)),
        ("ftp://no.example and HTTPS://Caps.Example/p", ("HTTPS://Caps.Example/p",)),
        (
            {"url": "https://old.example/a", "prompt": "and https://b.example"},
            ("https://old.example/a", "https://b.example"),
        ),
        ({"url": "https://b.example", "prompt": "https://b.example"}, ("https://b.example",)),
    ],
)
def test_web_fetch_urls(prompt: str | dict[str, str], urls: tuple[str, ...]) -> None:
    """URLs are taken from the prompt; an older web_fetch also had a ``url`` argument."""
    tool_input = prompt if isinstance(prompt, dict) else {"prompt": prompt}
    payload = {"hook_event_name": "BeforeTool", "tool_name": "web_fetch"}
    op = adapter.parse(payload | {"tool_input": tool_input}).operation
    assert op.urls == tuple(UrlRef(raw=u) for u in urls)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (42, "hook payload must be a JSON object, got int"),
        ({"tool_name": "glob"}, "$.hook_event_name: required string is missing"),
        (
            {"hook_event_name": "SessionStart", "timestamp": 1},
            "$.timestamp: expected a string, got int",
        ),
        (
            {"hook_event_name": "BeforeTool", "tool_name": None},
            "$.tool_name: required string is missing",
        ),
        (
            {"hook_event_name": "BeforeTool", "tool_name": "x", "mcp_context": "github"},
            "$.mcp_context: expected an object, got str",
        ),
        (
            {"hook_event_name": "BeforeTool", "tool_name": "x", "mcp_context": {"server_name": 1}},
            "$.mcp_context.server_name: expected a string, got int",
        ),
        (
            {"hook_event_name": "BeforeTool", "tool_name": "read_file", "tool_input": {}},
            "$.tool_input.file_path: required string is missing",
        ),
        (
            {
                "hook_event_name": "BeforeTool",
                "tool_name": "read_many_files",
                "tool_input": {"include": [1]},
            },
            "$.tool_input.include: expected a string or a list of strings",
        ),
        (
            {
                "hook_event_name": "BeforeTool",
                "tool_name": "run_shell_command",
                "tool_input": {"command": "ls", "dir_path": 0},
            },
            "$.tool_input.dir_path: expected a string, got int",
        ),
        ({"hook_event_name": "BeforeAgent", "prompt": 5}, "$.prompt: expected a string, got int"),
    ],
)
def test_malformed_payload_is_refused(payload: Any, message: str) -> None:
    with pytest.raises(AdapterError) as err:
        adapter.parse(payload)
    assert str(err.value) == message


def test_unknown_tool_and_event_never_raise() -> None:
    action = adapter.parse({"hook_event_name": "BeforeTool", "tool_name": "write_todos"})
    assert (action.kind, action.surface.tool) == (Kind.OTHER, "write_todos")
    action = adapter.parse({"hook_event_name": "AfterCompress"})
    assert (action.kind, action.surface.phase) == (Kind.OTHER, "session")


# ---------------------------------------------------------------------------- render


def _context(event: str) -> dict[str, Any]:
    return {
        "systemMessage": W,
        "hookSpecificOutput": {"hookEventName": event, "additionalContext": W},
    }


EMPTY = None
RENDER_CASES: list[tuple[str, Decision, dict[str, Any] | None]] = [
    ("BeforeTool/run-shell-command", PASS, EMPTY),
    ("BeforeTool/run-shell-command", WARN, {"systemMessage": W}),
    ("BeforeTool/run-shell-command", ASK, {"decision": "deny", "reason": A_NO}),
    ("BeforeTool/run-shell-command", BLOCK, {"decision": "deny", "reason": B}),
    ("BeforeTool/mcp-context", BLOCK, {"decision": "deny", "reason": B}),
    ("AfterTool/run-shell-command", PASS, EMPTY),
    ("AfterTool/run-shell-command", WARN, _context("AfterTool")),
    ("AfterTool/run-shell-command", ASK, {"decision": "deny", "reason": A_NO}),
    ("AfterTool/run-shell-command", BLOCK, {"decision": "deny", "reason": B}),
    ("BeforeAgent/prompt", PASS, EMPTY),
    ("BeforeAgent/prompt", WARN, _context("BeforeAgent")),
    ("BeforeAgent/prompt", ASK, {"decision": "deny", "reason": A_NO}),
    ("BeforeAgent/prompt", BLOCK, {"decision": "deny", "reason": B}),
    ("SessionStart/startup", WARN, _context("SessionStart")),
    ("SessionStart/startup", ASK, EMPTY),
    ("SessionStart/startup", BLOCK, EMPTY),
    *(
        (golden, decision, {"systemMessage": W} if decision is WARN else EMPTY)
        for golden in (
            "AfterAgent/response",
            "SessionEnd/exit",
            "PreCompress/auto",
            "Notification/tool-permission",
            "BeforeModel/request",
            "AfterModel/response",
        )
        for decision in (WARN, ASK, BLOCK)
    ),
    ("BeforeToolSelection/request", WARN, EMPTY),  # supports neither decision nor systemMessage
    ("BeforeToolSelection/request", BLOCK, EMPTY),
]


@pytest.mark.parametrize(
    ("golden", "decision", "stdout"),
    RENDER_CASES,
    ids=[f"{g}-{d.verdict.value}" for g, d, _ in RENDER_CASES],
)
def test_render(golden: str, decision: Decision, stdout: dict[str, Any] | None) -> None:
    reply = adapter.render(decision, adapter.parse(_load(golden)))
    assert (reply.exit_code, reply.stderr) == (0, "")
    assert (json.loads(reply.stdout) if reply.stdout else None) == stdout


def test_audit_match_that_would_block_stays_silent() -> None:
    audit = _match(Verdict.PASS, Mode.AUDIT, rule_verdict=Verdict.BLOCK)
    decision = Decision(verdict=Verdict.PASS, winner=audit, matches=(audit,))
    assert adapter.render(decision, adapter.parse(_load("BeforeTool/read-file"))) == Reply()


@pytest.mark.parametrize(
    ("decision", "reply"),
    [(BLOCK, Reply(stderr=B, exit_code=2)), (ASK, Reply()), (WARN, Reply()), (PASS, Reply())],
    ids=["block", "ask", "warn", "pass"],
)
def test_render_without_action(decision: Decision, reply: Reply) -> None:
    assert adapter.render(decision, None) == reply


def test_capabilities_cover_every_kind() -> None:
    assert set(adapter.CAPABILITIES) == {k.value for k in Kind}
    for caps in adapter.CAPABILITIES.values():
        assert set(caps) == {"block", "ask", "warn", "note"}
        assert {caps["block"], caps["ask"], caps["warn"]} <= {
            "yes",
            "no",
            "as-block",
            "record-only",
        }
