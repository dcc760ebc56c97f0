"""Gemini CLI hooks (``settings.json`` ``hooks``; JSON on stdin, one JSON object on stdout).

Sources checked (see also tests/fixtures/payloads/gemini-cli/SOURCE.md):

- ``google-gemini/gemini-cli`` → ``docs/hooks/reference.md``: base input (``session_id``,
  ``transcript_path``, ``cwd``, ``hook_event_name``, ``timestamp``); BeforeTool ``tool_name``,
  ``tool_input``, ``mcp_context``; AfterTool ``tool_response`` (``llmContent``,
  ``returnDisplay``, ``error``); ``decision`` is ``"allow"`` or ``"deny"`` (alias ``"block"``)
  with ``reason``; BeforeTool deny → tool error to the model; AfterTool deny → reason replaces
  the result; BeforeAgent deny → turn blocked, prompt discarded; AfterTool / BeforeAgent /
  SessionStart ``hookSpecificOutput.additionalContext``; SessionStart, SessionEnd,
  Notification, PreCompress are advisory (flow-control fields ignored, ``systemMessage``
  shown); BeforeToolSelection supports neither ``decision`` nor ``systemMessage``.
- ``packages/core/src/hooks/types.ts``: event names, ``McpToolContext`` (``server_name``,
  ``tool_name``, connection info), ``HookDecision`` (the source also knows ``"ask"``; the docs
  do not, so ask is rendered as a block saying approval is required).
- ``packages/core/src/hooks/hookEventHandler.ts``: how each input is built (no tool-call id).
- ``packages/core/src/hooks/hookRunner.ts``: exit 0 → stdout parsed as JSON (plain text becomes
  an allow with a systemMessage); exit 2 with stderr → deny with stderr as the reason.
- ``packages/core/src/tools/definitions/base-declarations.ts``: tool names and parameters
  (``run_shell_command`` command/dir_path, ``read_file`` file_path, ``read_many_files``
  include, ``write_file``, ``replace``, ``web_fetch`` prompt, ``google_web_search`` query,
  ``glob``/``grep_search``/``list_directory`` dir_path). Older names and fields kept:
  ``absolute_path`` (read_file before #12517), ``paths`` (read_many_files),
  ``search_file_content`` (grep), ``path`` (glob/list_directory).
- MCP names: ``mcp_<server>_<tool>`` in current builds (gemini-cli #21425), ``<server>__<tool>``
  and ``mcp__<server>__<tool>`` earlier; ``mcp_context`` is preferred when present.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from gatepost.action import Action, Decision, Kind, McpCall, Operation, UrlRef, Verdict
from gatepost.adapters._common import (
    command_op,
    extract_urls,
    file_op,
    get_dict,
    get_str,
    get_str_list,
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

NAME = "gemini-cli"

_BEFORE_TOOL = "BeforeTool"
_AFTER_TOOL = "AfterTool"
_PROMPT = "BeforeAgent"
_SESSION_EVENTS = frozenset(
    {"SessionStart", "SessionEnd", "AfterAgent", "PreCompress", "Notification"}
)
_MODEL_EVENTS = frozenset({"BeforeModel", "AfterModel", "BeforeToolSelection"})
_CONTEXT_EVENTS = frozenset({_AFTER_TOOL, _PROMPT, "SessionStart"})  # accept additionalContext
_MESSAGE_EVENTS = _SESSION_EVENTS | {_BEFORE_TOOL, "BeforeModel", "AfterModel"}
_W = "$.tool_input"

_TOOL_NOTE = (
    "BeforeTool: decision deny, the reason reaches the model as a tool error; ask: the docs "
    "offer none (only the source knows 'ask'), so it is that deny saying approval is required; "
    "AfterTool: decision deny replaces the result (the tool already ran). warn: systemMessage "
    "to the person (AfterTool also additionalContext to the model)."
)
CAPABILITIES: dict[str, dict[str, str]] = {
    kind.value: {"block": "yes", "ask": "as-block", "warn": "yes", "note": _TOOL_NOTE}
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
CAPABILITIES[Kind.OTHER.value]["note"] = (
    "Unknown tools as above. BeforeModel/AfterModel/BeforeToolSelection are recorded only "
    "(warn: systemMessage, except BeforeToolSelection). " + _TOOL_NOTE
)
CAPABILITIES[Kind.PROMPT.value] = {
    "block": "yes",
    "ask": "as-block",
    "warn": "yes",
    "note": "BeforeAgent: decision deny blocks the turn and discards the prompt; warn: "
    "systemMessage + additionalContext.",
}
CAPABILITIES[Kind.SESSION.value] = {
    "block": "record-only",
    "ask": "record-only",
    "warn": "yes",
    "note": "SessionStart, SessionEnd, Notification, PreCompress are advisory; AfterAgent "
    "'deny' means 'retry with this prompt', so ask/block are recorded only. warn: "
    "systemMessage (SessionStart also additionalContext).",
}


# ---------------------------------------------------------------------------- parse


def parse(payload: dict[str, Any]) -> Action:
    """A Gemini CLI hook payload."""
    p, event, cwd, common = snake_case_preamble(payload, NAME)
    if event in (_BEFORE_TOOL, _AFTER_TOOL):
        tool = get_str(p, "tool_name", "$", required=True)
        ti = get_dict(p, "tool_input", "$")
        mcp_context = get_dict(p, "mcp_context", "$")
        op = _tool_operation(tool, ti, cwd, mcp_context)
        phase = "pre"
        if event == _AFTER_TOOL:
            phase = "post"
            op = replace(op, output=output_text(p.get("tool_response")))
        return make_action(**common, tool=tool, phase=phase, operation=op)
    if event == _PROMPT:
        op = Operation(kind=Kind.PROMPT, cwd=cwd, content=get_str(p, "prompt", "$"))
        return make_action(**common, tool="", phase="prompt", operation=op)
    kind = Kind.SESSION if event in _SESSION_EVENTS else Kind.OTHER
    tool = get_str(p, "tool_name", "$")  # events we do not model may still name a tool
    return make_action(
        **common, tool=tool, phase="session", operation=Operation(kind=kind, cwd=cwd)
    )


def _first(ti: dict[str, Any], *keys: str) -> str:
    """The first of ``keys`` present in ``tool_input`` (older and newer field names)."""
    for key in keys:
        value = get_str(ti, key, _W)
        if value:
            return value
    return ""


def _shell(ti: dict[str, Any], cwd: str) -> Operation:
    command = get_str(ti, "command", _W, required=True)
    return command_op(command, cwd, get_str(ti, "dir_path", _W))


def _read_file(ti: dict[str, Any], cwd: str) -> Operation:
    path = _first(ti, "file_path", "absolute_path")
    if not path:
        raise AdapterError(f"{_W}.file_path: required string is missing")
    return file_op(Kind.FILE_READ, cwd, [path], "read")


def _read_many(ti: dict[str, Any], cwd: str) -> Operation:
    paths = get_str_list(ti, "include", _W) + get_str_list(ti, "paths", _W)
    return file_op(Kind.FILE_READ, cwd, paths, "read")


def _search(ti: dict[str, Any], cwd: str) -> Operation:
    return file_op(Kind.FILE_READ, cwd, [_first(ti, "dir_path", "path")], "read")


def _write(key: str) -> Callable[[dict[str, Any], str], Operation]:
    def op(ti: dict[str, Any], cwd: str) -> Operation:
        path = get_str(ti, "file_path", _W, required=True)
        return file_op(Kind.FILE_WRITE, cwd, [path], "write", get_str(ti, key, _W))

    return op


def _web_fetch(ti: dict[str, Any], cwd: str) -> Operation:
    urls = extract_urls(get_str(ti, "prompt", _W))
    url = get_str(ti, "url", _W)  # an older web_fetch took a url
    if url and url not in urls:
        urls = (url, *urls)
    return Operation(kind=Kind.WEB_FETCH, cwd=cwd, urls=tuple(UrlRef(raw=u) for u in urls))


def _web_search(ti: dict[str, Any], cwd: str) -> Operation:
    return Operation(kind=Kind.WEB_SEARCH, cwd=cwd, query=get_str(ti, "query", _W))


_TOOLS: dict[str, Callable[[dict[str, Any], str], Operation]] = {
    "run_shell_command": _shell,
    "read_file": _read_file,
    "read_many_files": _read_many,
    "glob": _search,
    "grep_search": _search,
    "search_file_content": _search,
    "list_directory": _search,
    "write_file": _write("content"),
    "replace": _write("new_string"),
    "web_fetch": _web_fetch,
    "google_web_search": _web_search,
}


def _mcp_name(tool: str) -> tuple[str, str] | None:
    """(server, tool) from an MCP tool's registered name, in any of its historical forms."""
    if tool.startswith("mcp__"):
        return split_mcp(tool, "mcp__", "__")
    if "__" in tool:
        return split_mcp(tool, "", "__")
    if tool.startswith("mcp_"):
        return split_mcp(tool, "mcp_", "_")
    return None


def _tool_operation(
    tool: str, ti: dict[str, Any], cwd: str, mcp_context: dict[str, Any]
) -> Operation:
    if mcp_context:
        server = get_str(mcp_context, "server_name", "$.mcp_context")
        name = get_str(mcp_context, "tool_name", "$.mcp_context")
        return Operation(kind=Kind.MCP_CALL, cwd=cwd, mcp=McpCall(server, name, ti))
    handler = _TOOLS.get(tool)
    if handler is not None:
        return handler(ti, cwd)
    parts = _mcp_name(tool)
    if parts is not None:
        return Operation(kind=Kind.MCP_CALL, cwd=cwd, mcp=McpCall(parts[0], parts[1], ti))
    return Operation(kind=Kind.OTHER, cwd=cwd)


# ---------------------------------------------------------------------------- render


def render(decision: Decision, action: Action | None) -> Reply:
    """Gemini CLI's native reply: exit 0 and at most one JSON object on stdout."""
    if action is None:
        return render_unparsed(decision)
    verdict = decision.verdict
    event = action.surface.event
    if verdict is Verdict.PASS:
        return Reply()
    if verdict is Verdict.WARN:
        return _warn(event, reason_text(decision))
    if event in (_BEFORE_TOOL, _AFTER_TOOL, _PROMPT):
        reason = non_empty(reason_text(decision, can_ask=False))
        return json_reply({"decision": "deny", "reason": reason})
    return Reply()  # session, model and unknown events: recorded only


def _warn(event: str, text: str) -> Reply:
    if event in _CONTEXT_EVENTS:
        context = {"hookEventName": event, "additionalContext": text}
        return json_reply({"systemMessage": text, "hookSpecificOutput": context})
    if event in _MESSAGE_EVENTS:
        return json_reply({"systemMessage": text})
    return Reply()
