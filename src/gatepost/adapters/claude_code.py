"""Claude Code hooks: command hooks (JSON on stdin) and HTTP hooks (the same JSON as the body).

Sources checked (see also tests/fixtures/payloads/claude-code/SOURCE.md):

- Hooks reference, https://code.claude.com/docs/en/hooks, read in the markdown mirror
  ``thevibeworks/claude-code-docs`` → ``content/en/docs/claude-code/hooks.md`` (commit 5a71368):
  common input fields; per-tool ``tool_input`` (Bash, PowerShell, Write, Edit, Read, Glob, Grep,
  WebFetch, WebSearch, Agent); PostToolUse ``tool_response``; PostToolUseFailure ``error``;
  PermissionRequest has no ``tool_use_id``; "Exit code 2 behavior per event" (PreToolUse,
  PermissionRequest, UserPromptSubmit block; SessionStart/SessionEnd/Notification cannot);
  "Decision control" (PreToolUse ``hookSpecificOutput.permissionDecision`` allow/deny/ask/defer,
  deny reason shown to Claude, ask reason to the user; PermissionRequest
  ``hookSpecificOutput.decision.behavior``/``message``; top-level ``decision:"block"`` +
  ``reason`` for UserPromptSubmit, PostToolUse, PostToolUseFailure, Stop, SubagentStop,
  PreCompact; SessionStart/PostToolUse/UserPromptSubmit ``additionalContext``; ``systemMessage``
  shown to the user on every event; Notification and SessionEnd have no decision control);
  "HTTP response handling" (an HTTP hook cannot block by status code: the shim must send the
  JSON body, never rely on exit 2, when serving HTTP).
- ``MultiEdit``, ``Task``, ``LS``, ``NotebookRead`` are legacy tool names (older SDK types and
  the July 2025 docs copy); ``NotebookEdit`` fields from the TS SDK ``NotebookEditInput``.

Choices: a pass never auto-approves (no ``permissionDecision:"allow"``: the agent's own
permission rules still apply); a warning is ``additionalContext`` (model) + ``systemMessage``
(person) without a decision; session-kind events (SessionStart, Stop, PreCompact, ...) are
recorded only for ask/block, because their native "block" means "keep working" (Stop) or is
not offered at all, never "prevent this".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from gatepost.action import Action, Decision, Kind, McpCall, Operation, UrlRef, Verdict
from gatepost.adapters._common import (
    command_op,
    file_op,
    get_dict,
    get_str,
    json_reply,
    make_action,
    non_empty,
    output_text,
    render_unparsed,
    snake_case_preamble,
    split_mcp,
)
from gatepost.adapters.base import Reply, reason_text
from gatepost.errors import AdapterError

NAME = "claude-code"

_PRE_TOOL = "PreToolUse"
_PERMISSION = "PermissionRequest"
_POST_TOOL = ("PostToolUse", "PostToolUseFailure")
_PROMPT = "UserPromptSubmit"
_TOOL_EVENTS = frozenset({_PRE_TOOL, _PERMISSION, *_POST_TOOL})
_SESSION_EVENTS = frozenset(
    {"SessionStart", "SessionEnd", "Stop", "SubagentStop", "Notification", "PreCompact"}
)
_W = "$.tool_input"

_PRE = "block: permissionDecision deny (reason to Claude); ask: permissionDecision ask"
_POST = "PostToolUse/PostToolUseFailure: decision block adds the reason next to the result"
_PERM = "PermissionRequest: block = decision.behavior deny; ask = the dialog itself"
_TOOL_CAPS = {
    "block": "yes",
    "ask": "yes",
    "warn": "yes",
    "note": f"{_PRE}; {_PERM}; warn: additionalContext + systemMessage. {_POST} "
    "(the tool already ran; ask is sent as that block).",
}
CAPABILITIES: dict[str, dict[str, str]] = {
    kind.value: dict(_TOOL_CAPS)
    for kind in (
        Kind.COMMAND,
        Kind.FILE_READ,
        Kind.FILE_WRITE,
        Kind.WEB_FETCH,
        Kind.WEB_SEARCH,
        Kind.MCP_CALL,
        Kind.OTHER,
    )
}
CAPABILITIES[Kind.OTHER.value]["note"] += (
    " Unknown events (e.g. SubagentStart, PostToolBatch) are recorded only."
)
CAPABILITIES[Kind.PROMPT.value] = {
    "block": "yes",
    "ask": "as-block",
    "warn": "yes",
    "note": "UserPromptSubmit: decision block erases the prompt, the reason is shown to the "
    "person; no native ask, so ask blocks saying approval is required; warn: "
    "additionalContext + systemMessage.",
}
CAPABILITIES[Kind.SESSION.value] = {
    "block": "record-only",
    "ask": "record-only",
    "warn": "yes",
    "note": "SessionStart, SessionEnd, Notification cannot block; Stop/SubagentStop 'block' "
    "means 'keep working' and PreCompact only stops compaction, so ask/block are recorded "
    "only. warn: systemMessage (SessionStart also additionalContext).",
}


# ---------------------------------------------------------------------------- parse


def parse(payload: dict[str, Any]) -> Action:
    """A Claude Code hook payload (stdin of a command hook, or an HTTP hook's body)."""
    p, event, cwd, common = snake_case_preamble(payload, NAME)
    if event in _TOOL_EVENTS:
        tool = get_str(p, "tool_name", "$", required=True)
        op = _tool_operation(tool, get_dict(p, "tool_input", "$"), cwd)
        phase = "pre"
        if event in _POST_TOOL:
            phase = "post"
            result = p.get("tool_response") if event == "PostToolUse" else p.get("error")
            op = replace(op, output=output_text(result))
        return make_action(
            **common,
            tool=tool,
            phase=phase,
            operation=op,
            tool_call_id=get_str(p, "tool_use_id", "$"),
        )
    if event == _PROMPT:
        op = Operation(kind=Kind.PROMPT, cwd=cwd, content=get_str(p, "prompt", "$"))
        return make_action(**common, tool="", phase="prompt", operation=op)
    kind = Kind.SESSION if event in _SESSION_EVENTS else Kind.OTHER
    tool = get_str(p, "tool_name", "$")  # events we do not model may still name a tool
    return make_action(
        **common, tool=tool, phase="session", operation=Operation(kind=kind, cwd=cwd)
    )


def _shell(ti: dict[str, Any], cwd: str) -> Operation:
    return command_op(get_str(ti, "command", _W, required=True), cwd)


def _read(key: str) -> Callable[[dict[str, Any], str], Operation]:
    def op(ti: dict[str, Any], cwd: str) -> Operation:
        return file_op(Kind.FILE_READ, cwd, [get_str(ti, key, _W, required=True)], "read")

    return op


def _search(ti: dict[str, Any], cwd: str) -> Operation:
    return file_op(Kind.FILE_READ, cwd, [get_str(ti, "path", _W)], "read")


def _write(ti: dict[str, Any], cwd: str) -> Operation:
    path = get_str(ti, "file_path", _W, required=True)
    return file_op(Kind.FILE_WRITE, cwd, [path], "write", get_str(ti, "content", _W))


def _edit(ti: dict[str, Any], cwd: str) -> Operation:
    path = get_str(ti, "file_path", _W, required=True)
    return file_op(Kind.FILE_WRITE, cwd, [path], "write", get_str(ti, "new_string", _W))


def _multi_edit(ti: dict[str, Any], cwd: str) -> Operation:
    path = get_str(ti, "file_path", _W, required=True)
    edits = ti.get("edits") or []
    if not isinstance(edits, list) or not all(isinstance(e, dict) for e in edits):
        raise AdapterError(f"{_W}.edits: expected a list of objects")
    texts = [get_str(e, "new_string", f"{_W}.edits[{i}]") for i, e in enumerate(edits)]
    return file_op(Kind.FILE_WRITE, cwd, [path], "write", "\n".join(texts))


def _notebook_edit(ti: dict[str, Any], cwd: str) -> Operation:
    path = get_str(ti, "notebook_path", _W, required=True)
    return file_op(Kind.FILE_WRITE, cwd, [path], "write", get_str(ti, "new_source", _W))


def _web_fetch(ti: dict[str, Any], cwd: str) -> Operation:
    url = get_str(ti, "url", _W, required=True)
    return Operation(kind=Kind.WEB_FETCH, cwd=cwd, urls=(UrlRef(raw=url),))


def _web_search(ti: dict[str, Any], cwd: str) -> Operation:
    return Operation(kind=Kind.WEB_SEARCH, cwd=cwd, query=get_str(ti, "query", _W))


def _subagent(ti: dict[str, Any], cwd: str) -> Operation:
    return Operation(kind=Kind.OTHER, cwd=cwd, content=get_str(ti, "prompt", _W))


_TOOLS: dict[str, Callable[[dict[str, Any], str], Operation]] = {
    "Bash": _shell,
    "PowerShell": _shell,
    "Read": _read("file_path"),
    "NotebookRead": _read("notebook_path"),
    "LS": _read("path"),
    "Glob": _search,
    "Grep": _search,
    "Write": _write,
    "Edit": _edit,
    "MultiEdit": _multi_edit,
    "NotebookEdit": _notebook_edit,
    "WebFetch": _web_fetch,
    "WebSearch": _web_search,
    "Agent": _subagent,
    "Task": _subagent,
}


def _tool_operation(tool: str, ti: dict[str, Any], cwd: str) -> Operation:
    handler = _TOOLS.get(tool)
    if handler is not None:
        return handler(ti, cwd)
    if tool.startswith("mcp__"):
        server, name = split_mcp(tool, "mcp__", "__")
        return Operation(kind=Kind.MCP_CALL, cwd=cwd, mcp=McpCall(server, name, ti))
    return Operation(kind=Kind.OTHER, cwd=cwd)


# ---------------------------------------------------------------------------- render


def render(decision: Decision, action: Action | None) -> Reply:
    """Claude Code's native reply; exit 0 with at most one JSON object on stdout."""
    if action is None:
        return render_unparsed(decision)
    verdict = decision.verdict
    event = action.surface.event
    if verdict is Verdict.PASS:
        return Reply()
    if verdict is Verdict.WARN:
        return _warn(event, reason_text(decision))
    if event == _PRE_TOOL:
        permission = "ask" if verdict is Verdict.ASK else "deny"
        out = {"hookEventName": event, "permissionDecision": permission}
        out["permissionDecisionReason"] = non_empty(reason_text(decision))
        return json_reply({"hookSpecificOutput": out})
    if event == _PERMISSION:
        if verdict is Verdict.ASK:  # the permission dialog is the person's approval
            return json_reply({"systemMessage": reason_text(decision)})
        denial = {"behavior": "deny", "message": non_empty(reason_text(decision))}
        return json_reply({"hookSpecificOutput": {"hookEventName": event, "decision": denial}})
    if event == _PROMPT or event in _POST_TOOL:
        reason = non_empty(reason_text(decision, can_ask=False))
        return json_reply({"decision": "block", "reason": reason})
    return Reply()  # session and unknown events: recorded only


def _warn(event: str, text: str) -> Reply:
    if event in (_PRE_TOOL, _PROMPT, "SessionStart") or event in _POST_TOOL:
        context = {"hookEventName": event, "additionalContext": text}
        return json_reply({"hookSpecificOutput": context, "systemMessage": text})
    if event == _PERMISSION or event in _SESSION_EVENTS:
        return json_reply({"systemMessage": text})
    return Reply()
