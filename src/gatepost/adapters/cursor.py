"""Cursor agent hooks (``hooks.json`` version 1): parse the stdin payload, render the reply.

Sources, read for this module:

- Cursor hooks docs, ≈Cursor 2.0 copy: ``pcomans/caruso`` → ``reference/cursor_hooks.md``
  (common fields ``conversation_id``, ``generation_id``, ``model``, ``hook_event_name``,
  ``cursor_version``, ``workspace_roots``, ``user_email``; ``beforeShellExecution``
  ``{command, cwd}``; ``beforeMCPExecution`` ``{tool_name, tool_input: "<json params>"}`` plus
  ``url`` or ``command``; ``afterMCPExecution`` ``result_json``; ``afterFileEdit``
  ``{file_path, edits[{old_string, new_string}]}``; ``beforeSubmitPrompt``
  ``{prompt, attachments[{type, filePath}]}`` → ``{continue, user_message}``; permission
  output ``{permission: allow|deny|ask, user_message, agent_message}``).
- ``cursor/cookbook`` → ``hooks/README.md``, ``hooks/.cursor/hooks/audit-mcp-execution.mjs``
  (``tool_input``/``result_json`` are JSON strings; ``failClosed``: crashes, timeouts and
  invalid JSON block; the ``afterMCPExecution`` payload names no server).
- Third-party readings of the current page (https://cursor.com/docs/hooks), not verbatim:
  cupcake.eqtylab.io harness reference (``tool_input`` sometimes an object; snake_case
  response fields), FailproofAI ``src/hooks/types.ts`` (``preToolUse``/``postToolUse`` tool
  names ``Shell | Read | Write | Grep | Delete | Task | MCP:*``), ``jedarden/
  irreversible-command-gate`` notes (``tool_use_id``, ``cwd``, ``additional_context``;
  exit 2 denies; invalid JSON from a permission hook blocks). Shapes of ``preToolUse``
  ``tool_input`` per tool are not documented anywhere seen; several spellings are accepted.

``beforeReadFile`` hands over the file's text; it is kept as ``operation.content`` (what is
about to reach the model), capped at 64 KiB like every output.

"No opinion" is ``{}`` on stdout with exit 0: valid JSON (Cursor may fail closed on anything
else) that carries no ``permission``, so Cursor's own approval flow runs. ``{"permission":
"allow"}`` would auto-approve and is never sent. For ``beforeSubmitPrompt`` it is
``{"continue": true}`` — prompts have no approval step to skip, and the cookbook's prompt
guard answers exactly that when it has no finding.
"""

from __future__ import annotations

from typing import Any

from gatepost.action import Action, Decision, Kind, Operation, Verdict
from gatepost.adapters import _common_ide as c
from gatepost.adapters.base import Reply, reason_text
from gatepost.errors import AdapterError

NAME = "cursor"

_PRE = frozenset(
    {
        "beforeShellExecution",
        "beforeMCPExecution",
        "beforeReadFile",
        "beforeTabFileRead",
        "preToolUse",
    }
)
_POST = frozenset(
    {
        "afterShellExecution",
        "afterMCPExecution",
        "afterFileEdit",
        "afterTabFileEdit",
        "postToolUse",
        "postToolUseFailure",
        "afterAgentResponse",
        "afterAgentThought",
    }
)
_SESSION = frozenset(
    {"sessionStart", "sessionEnd", "stop", "subagentStart", "subagentStop", "preCompact"}
)
# Events whose reply carries a permission with both messages / only allow|deny.
_PERMISSION = frozenset({"beforeShellExecution", "beforeMCPExecution", "preToolUse"})
_READ_GATE = frozenset({"beforeReadFile", "beforeTabFileRead"})
_CONTEXT = frozenset({"postToolUse", "postToolUseFailure", "sessionStart"})  # additional_context
# Fire-and-forget or lifecycle events: nothing we answer changes what happens.
_RECORD = (_POST | _SESSION) - _CONTEXT - {"subagentStart"}

_WRITE_TOOLS = frozenset({"Write", "Edit", "StrReplace", "MultiEdit", "Delete"})
_READ_TOOLS = frozenset({"Read", "Grep", "Glob", "LS"})
_PATH_KEYS = ("file_path", "path", "target_file", "filePath")

CAPABILITIES: dict[str, dict[str, str]] = {
    Kind.COMMAND.value: c.capability(
        "yes",
        "yes",
        "record-only",
        "beforeShellExecution / preToolUse Shell: permission deny|ask. A warning is sent as "
        "user_message/agent_message without a permission; Cursor documents those fields for "
        "deny/ask, so their delivery on a pass is unconfirmed.",
    ),
    Kind.FILE_READ.value: c.capability(
        "yes",
        "as-block",
        "record-only",
        "beforeReadFile accepts only allow|deny, so ask is sent as deny saying approval is "
        "required; preToolUse Read/Grep gets a native ask.",
    ),
    Kind.FILE_WRITE.value: c.capability(
        "yes",
        "yes",
        "record-only",
        "Only preToolUse Write/Edit/Delete can stop a write; afterFileEdit comes after the "
        "edit and is record-only.",
    ),
    Kind.WEB_FETCH.value: c.capability(
        "yes",
        "yes",
        "record-only",
        "Through preToolUse when Cursor routes its web tool there (tool name WebFetch "
        "inferred, not documented).",
    ),
    Kind.WEB_SEARCH.value: c.capability(
        "yes",
        "yes",
        "record-only",
        "Through preToolUse (tool name WebSearch inferred, not documented).",
    ),
    Kind.PROMPT.value: c.capability(
        "yes",
        "as-block",
        "record-only",
        'beforeSubmitPrompt: {"continue": false, "user_message"}; it has no ask and no '
        "context injection.",
    ),
    Kind.MCP_CALL.value: c.capability(
        "yes", "yes", "record-only", "beforeMCPExecution / preToolUse MCP:<server>:<tool>."
    ),
    Kind.SESSION.value: c.capability(
        "record-only",
        "record-only",
        "record-only",
        "sessionStart gets the reason as additional_context (third-party reading); stop, "
        "subagentStop, sessionEnd and preCompact cannot refuse anything.",
    ),
    Kind.OTHER.value: c.capability(
        "yes",
        "yes",
        "record-only",
        "Other preToolUse tools (e.g. Task); an unknown event gets exit 2 on block.",
    ),
}


# ---------------------------------------------------------------------------- parse


def parse(payload: dict[str, Any]) -> Action:
    """The Action of one Cursor hook payload; AdapterError when it cannot be understood."""
    p = c.payload_dict(payload, NAME)
    event = c.opt_str(p, "hook_event_name", NAME)
    if not event:
        raise AdapterError(f"{NAME}: payload has no hook_event_name")
    roots = c.str_list(p, "workspace_roots", NAME)
    cwd = c.opt_str(p, "cwd", NAME) or (roots[0] if roots else "")
    tool, operation = _operation(event, p, cwd)
    if event in _PRE:
        phase = "pre"
    elif event in _POST:
        phase = "post"
    elif event == "beforeSubmitPrompt":
        phase = "prompt"
    elif event in _SESSION:
        phase = "session"
    else:
        phase = c.phase_of_unknown(event)
    return c.build_action(
        agent=NAME,
        event=event,
        tool=tool,
        phase=phase,
        session_id=c.opt_str(p, "conversation_id", NAME),
        version=c.opt_str(p, "cursor_version", NAME),
        tool_call_id=c.opt_str(p, "tool_use_id", NAME),
        operation=operation,
        raw=payload,
        time=c.rfc3339(p.get("timestamp"), f"{NAME}.timestamp"),
    )


def _operation(event: str, p: dict[str, Any], cwd: str) -> tuple[str, Operation]:
    """(native tool name, operation) of one event."""
    if event in ("beforeShellExecution", "afterShellExecution"):
        output = c.output_text(c.opt_str(p, "output", NAME))
        command = c.opt_str(p, "command", NAME, required=True)
        return "", c.command_op(command, cwd, output=output)
    if event in ("beforeMCPExecution", "afterMCPExecution"):
        name = c.opt_str(p, "tool_name", NAME, required=True)
        args = c.object_arg(p.get("tool_input"), f"{NAME}.tool_input")
        server = c.first_str(p, ("url", "command", "server_name"), NAME)
        output = c.output_text(c.opt_str(p, "result_json", NAME))
        return name, c.mcp_op(server, name, args, cwd, output=output)
    if event in ("beforeReadFile", "beforeTabFileRead"):
        files = (c.opt_str(p, "file_path", NAME, required=True), *_attachments(p))
        return "", c.read_op(files, cwd, content=c.cap(c.opt_str(p, "content", NAME)))
    if event in ("afterFileEdit", "afterTabFileEdit"):
        path = c.path_refs([c.opt_str(p, "file_path", NAME, required=True)], "write")
        edits = c.opt_list(p, "edits", NAME)
        content = c.edits_text(edits, "new_string", f"{NAME}.edits")
        return "", c.write_op(path, cwd, content=content)
    if event == "beforeSubmitPrompt":
        return "", c.prompt_op(c.opt_str(p, "prompt", NAME, required=True), cwd, _attachments(p))
    if event in ("preToolUse", "postToolUse", "postToolUseFailure"):
        return _tool_operation(p, cwd)
    if event in ("afterAgentResponse", "afterAgentThought"):
        return "", c.other_op(cwd, output=c.output_text(c.opt_str(p, "text", NAME)))
    if event in _SESSION:
        return "", c.session_op(cwd)
    return c.opt_str(p, "tool_name", NAME), c.other_op(cwd)


def _attachments(p: dict[str, Any]) -> tuple[str, ...]:
    files: list[str] = []
    for i, item in enumerate(c.opt_list(p, "attachments", NAME)):
        if not isinstance(item, dict):
            raise AdapterError(f"{NAME}.attachments[{i}]: expected an object")
        files.append(c.first_str(item, ("filePath", "file_path"), f"{NAME}.attachments[{i}]"))
    return tuple(f for f in files if f)


def _tool_operation(p: dict[str, Any], cwd: str) -> tuple[str, Operation]:
    tool = c.opt_str(p, "tool_name", NAME, required=True)
    args = c.object_arg(p.get("tool_input"), f"{NAME}.tool_input")
    where = f"{NAME}.tool_input"
    output = c.output_text(p.get("tool_output") if "tool_output" in p else p.get("error"))
    if tool == "Shell":
        command = c.opt_str(args, "command", where, required=True)
        run_in = c.first_str(args, ("working_directory", "cwd"), where) or cwd
        return tool, c.command_op(command, run_in, output=output)
    if tool in _READ_TOOLS:
        path = c.first_str(args, _PATH_KEYS, where, required=tool == "Read")
        return tool, c.read_op([path], cwd, output=output)
    if tool in _WRITE_TOOLS:
        path = c.first_str(args, _PATH_KEYS, where, required=True)
        access = "delete" if tool == "Delete" else "write"
        content = c.first_str(args, ("contents", "content", "new_string", "file_text"), where)
        edits = c.edits_text(c.opt_list(args, "edits", where), "new_string", f"{where}.edits")
        paths = c.path_refs([path], access)
        return tool, c.write_op(paths, cwd, content=content or edits, output=output)
    if tool == "WebFetch":
        return tool, c.fetch_op([c.opt_str(args, "url", where)], cwd, output=output)
    if tool == "WebSearch":
        query = c.first_str(args, ("query", "search_term"), where)
        return tool, c.search_op(query, cwd, output=output)
    if tool.startswith("MCP:"):
        server, _, name = tool[4:].partition(":")
        return tool, c.mcp_op(server, name, args, cwd, output=output)
    prompt = c.first_str(args, ("prompt", "description"), where)  # Task: the subagent's brief
    return tool, c.other_op(cwd, content=prompt, output=output)


# ---------------------------------------------------------------------------- render


def render(decision: Decision, action: Action | None) -> Reply:
    """Cursor's reply to ``decision``: exit 0 with one JSON object, or exit 2 on a blind block."""
    verdict = decision.verdict
    if action is None:
        if verdict is Verdict.BLOCK:
            return c.exit2(reason_text(decision))
        return c.json_reply({})
    event = action.surface.event
    if event == "beforeSubmitPrompt":
        if verdict in (Verdict.BLOCK, Verdict.ASK):
            text = reason_text(decision, can_ask=False)
            return c.json_reply({"continue": False, "user_message": text})
        return c.json_reply({"continue": True})
    if verdict is Verdict.PASS or event in _RECORD:
        return c.json_reply({})
    if event in _PERMISSION:
        text = reason_text(decision)
        messages = {"user_message": text, "agent_message": text}
        if verdict is Verdict.WARN:
            return c.json_reply(messages)  # no permission: Cursor's own approval flow runs
        return c.json_reply({"permission": "ask" if verdict is Verdict.ASK else "deny", **messages})
    if event in _READ_GATE:
        if verdict is Verdict.WARN:
            return c.json_reply({})  # allow|deny only: extra fields risk a schema mismatch
        text = reason_text(decision, can_ask=False)
        return c.json_reply({"permission": "deny", "user_message": text, "agent_message": text})
    if event in _CONTEXT:
        return c.json_reply({"additional_context": reason_text(decision, can_ask=False)})
    if verdict is Verdict.WARN:
        return c.json_reply({})
    return c.exit2(reason_text(decision, can_ask=False))
