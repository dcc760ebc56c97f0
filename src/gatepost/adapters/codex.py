"""OpenAI Codex CLI hooks (``hooks.json`` / ``[hooks]`` in ``config.toml``; JSON on stdin).

Sources checked (see also tests/fixtures/payloads/codex/SOURCE.md):

- ``openai/codex`` → ``codex-rs/hooks/schema/generated/*.command.{input,output}.schema.json``:
  input fields per event (``session_id``, ``turn_id``, ``transcript_path`` string or null,
  ``cwd``, ``model``, ``permission_mode``, ``tool_name``, ``tool_use_id``, ``tool_input``,
  ``tool_response``; PermissionRequest has no ``tool_use_id``); every output object has
  ``additionalProperties: false``; PreToolUse ``hookSpecificOutput`` = permissionDecision /
  permissionDecisionReason / updatedInput / additionalContext; PermissionRequest
  ``hookSpecificOutput.decision`` = {behavior allow|deny, message, ...}; PostToolUse and
  UserPromptSubmit top-level ``decision:"block"`` + ``reason`` and ``additionalContext``; Stop
  has no ``hookSpecificOutput``.
- ``codex-rs/hooks/src/engine/output_parser.rs`` and ``events/pre_tool_use.rs``: a deny needs a
  non-empty reason (else the hook "failed" and the call continues); ``permissionDecision:"ask"``
  and a plain ``allow`` are unsupported (fail open); exit 2 blocks only with a non-empty stderr;
  ``systemMessage`` is shown to the person as a warning on every event.
- Several integrators (2026-05) quote the release parser rejecting ``additionalContext`` on
  PreToolUse ("PreToolUse hook returned unsupported additionalContext", hook marked failed);
  ``main`` accepts it. So PreToolUse warnings use ``systemMessage`` only.
- ``codex-rs/apply-patch/apply_patch_tool_instructions.md``: the patch grammar (``*** Add
  File:``, ``*** Update File:`` [+ ``*** Move to:``], ``*** Delete File:``, ``+`` lines);
  earlier shell calls carried ``command`` as an argv array (``["apply_patch", "..."]``).
- developers.openai.com/codex/hooks (docs copy in the project's reference): Bash, apply_patch
  and ``mcp__<server>__<tool>`` are the hooked tools; hosted tools such as WebSearch are not.

Codex cannot ask from a hook: ask is rendered as a block whose reason says that a person's
approval is required (except on PermissionRequest, which *is* the approval prompt).
"""

from __future__ import annotations

import shlex
from dataclasses import replace
from typing import Any

from gatepost.action import Action, Decision, Kind, McpCall, Operation, Verdict
from gatepost.adapters._common import (
    command_op,
    get_dict,
    get_str,
    json_reply,
    make_action,
    non_empty,
    output_text,
    path_refs,
    render_unparsed,
    snake_case_preamble,
    split_mcp,
)
from gatepost.adapters.base import Reply, reason_text
from gatepost.errors import AdapterError

NAME = "codex"

_PRE_TOOL = "PreToolUse"
_PERMISSION = "PermissionRequest"
_POST_TOOL = "PostToolUse"
_PROMPT = "UserPromptSubmit"
_TOOL_EVENTS = frozenset({_PRE_TOOL, _PERMISSION, _POST_TOOL})
_SESSION_EVENTS = frozenset({"SessionStart", "SessionEnd", "Stop"})
_CONTEXT_EVENTS = frozenset({_POST_TOOL, _PROMPT, "SessionStart"})  # accept additionalContext
_W = "$.tool_input"

_TOOL_NOTE = (
    "PreToolUse: permissionDecision deny with a non-empty reason; ask becomes that deny saying "
    "approval is required (Codex has no ask); PermissionRequest: decision.behavior deny, and ask "
    "is left to Codex's own approval prompt; PostToolUse: decision block replaces the result "
    "(the tool already ran). warn: systemMessage to the person; additionalContext to the model "
    "only on PostToolUse (release builds reject it on PreToolUse)."
)
CAPABILITIES: dict[str, dict[str, str]] = {
    kind.value: {"block": "yes", "ask": "as-block", "warn": "yes", "note": _TOOL_NOTE}
    for kind in (Kind.COMMAND, Kind.FILE_WRITE, Kind.MCP_CALL, Kind.OTHER)
}
CAPABILITIES[Kind.FILE_WRITE.value]["note"] = "apply_patch. " + _TOOL_NOTE
CAPABILITIES[Kind.OTHER.value]["note"] = (
    "local function tools (update_plan, spawn_agent, ...) as for commands; unknown events are "
    "recorded only. " + _TOOL_NOTE
)
for _kind, _why in (
    (Kind.FILE_READ, "Codex has no file-read tool; reads run through Bash and are seen there."),
    (Kind.WEB_FETCH, "Codex has no web-fetch tool hooks can see; fetches run through Bash."),
    (Kind.WEB_SEARCH, "Codex's hosted web search is not passed to hooks."),
):
    CAPABILITIES[_kind.value] = {"block": "no", "ask": "no", "warn": "no", "note": _why}
CAPABILITIES[Kind.PROMPT.value] = {
    "block": "yes",
    "ask": "as-block",
    "warn": "yes",
    "note": "UserPromptSubmit: decision block with a non-empty reason rejects the prompt; "
    "warn: systemMessage + additionalContext.",
}
CAPABILITIES[Kind.SESSION.value] = {
    "block": "record-only",
    "ask": "record-only",
    "warn": "yes",
    "note": "SessionStart/SessionEnd cannot block; Stop 'block' means 'continue with this "
    "prompt', so ask/block are recorded only. warn: systemMessage (SessionStart also "
    "additionalContext).",
}


# ---------------------------------------------------------------------------- parse


def parse(payload: dict[str, Any]) -> Action:
    """A Codex hook payload."""
    p, event, cwd, common = snake_case_preamble(payload, NAME)
    if event in _TOOL_EVENTS:
        tool = get_str(p, "tool_name", "$", required=True)
        op = _tool_operation(tool, get_dict(p, "tool_input", "$"), cwd)
        phase = "pre"
        if event == _POST_TOOL:
            phase = "post"
            op = replace(op, output=output_text(p.get("tool_response")))
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


def _command_text(ti: dict[str, Any]) -> str:
    """``tool_input.command``: a string, or (older builds) an argv array joined for a shell."""
    command = ti.get("command")
    if isinstance(command, str):
        return command
    if isinstance(command, list) and all(isinstance(a, str) for a in command):
        return shlex.join(command)
    if command is None:
        raise AdapterError(f"{_W}.command: required string is missing")
    raise AdapterError(f"{_W}.command: expected a string or a list of strings")


def _tool_operation(tool: str, ti: dict[str, Any], cwd: str) -> Operation:
    if tool in ("Bash", "NetworkAccess"):
        return command_op(_command_text(ti), cwd)
    if tool == "apply_patch":
        refs, added = parse_patch(get_str(ti, "command", _W, required=True))
        paths = tuple(ref for path, access in refs for ref in path_refs([path], access))
        return Operation(kind=Kind.FILE_WRITE, cwd=cwd, paths=paths, content=added)
    if tool.startswith("mcp__"):
        server, name = split_mcp(tool, "mcp__", "__")
        return Operation(kind=Kind.MCP_CALL, cwd=cwd, mcp=McpCall(server, name, ti))
    return Operation(kind=Kind.OTHER, cwd=cwd)


_ADD, _UPDATE, _DELETE, _MOVE = (
    "*** Add File:",
    "*** Update File:",
    "*** Delete File:",
    "*** Move to:",
)


def parse_patch(text: str) -> tuple[list[tuple[str, str]], str]:
    """(path, access) per file named by an apply_patch text, and the lines it adds.

    ``Add``/``Update`` write, ``Delete`` deletes, ``Move to`` deletes the updated file and
    writes the new one. Header lines may be padded with whitespace, as Codex accepts.
    """
    refs: list[tuple[str, str]] = []
    added: list[str] = []
    in_file = False
    for line in text.splitlines():
        head = line.strip()
        if head.startswith(_ADD) or head.startswith(_UPDATE):
            refs.append((head.partition(":")[2].strip(), "write"))
            in_file = True
        elif head.startswith(_DELETE):
            refs.append((head.partition(":")[2].strip(), "delete"))
            in_file = False
        elif head.startswith(_MOVE) and in_file and refs:
            refs[-1] = (refs[-1][0], "delete")
            refs.append((head.partition(":")[2].strip(), "write"))
        elif in_file and line.startswith("+"):
            added.append(line[1:])
    return refs, "\n".join(added)


# ---------------------------------------------------------------------------- render


def render(decision: Decision, action: Action | None) -> Reply:
    """Codex's native reply; exit 0 with at most one JSON object on stdout."""
    if action is None:
        return render_unparsed(decision)
    verdict = decision.verdict
    event = action.surface.event
    if verdict is Verdict.PASS:
        return Reply()
    if verdict is Verdict.WARN:
        return _warn(event, reason_text(decision, can_ask=False))
    if event == _PERMISSION:
        if verdict is Verdict.ASK:  # Codex's approval prompt follows: a person decides
            return json_reply({"systemMessage": reason_text(decision)})
        denial = {"behavior": "deny", "message": non_empty(reason_text(decision))}
        return json_reply({"hookSpecificOutput": {"hookEventName": event, "decision": denial}})
    reason = non_empty(reason_text(decision, can_ask=False))
    if event == _PRE_TOOL:
        out = {"hookEventName": event, "permissionDecision": "deny"}
        out["permissionDecisionReason"] = reason
        return json_reply({"hookSpecificOutput": out})
    if event in (_POST_TOOL, _PROMPT):
        return json_reply({"decision": "block", "reason": reason})
    return Reply()  # session and unknown events: recorded only


def _warn(event: str, text: str) -> Reply:
    if event in _CONTEXT_EVENTS:
        context = {"hookEventName": event, "additionalContext": text}
        return json_reply({"systemMessage": text, "hookSpecificOutput": context})
    if event in (_PRE_TOOL, _PERMISSION) or event in _SESSION_EVENTS:
        return json_reply({"systemMessage": text})
    return Reply()
