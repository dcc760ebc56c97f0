"""GitHub Copilot CLI and Copilot cloud (coding) agent hooks: parse the payload, render the reply.

Sources, read for this module:

- ``github/docs`` → ``content/copilot/reference/hooks-reference.md`` (current): events and
  both payload formats — camelCase keys (``preToolUse``) deliver ``sessionId``, ``timestamp``
  (epoch ms), ``cwd``, ``toolName``, ``toolArgs`` (typed ``unknown``), ``toolResult
  {resultType, textResultForLlm}``; PascalCase keys (``PreToolUse``, "VS Code compatible")
  deliver ``hook_event_name``, ``session_id``, ISO ``timestamp``, ``tool_name`` (the Claude
  name: ``bash``→``Bash``, ``view``→``Read``, ``create``→``Write``, ``edit``→``Edit``, ...),
  ``tool_input`` "parsed from JSON string when possible". Outputs: ``preToolUse``
  ``{permissionDecision: allow|deny|ask, permissionDecisionReason, modifiedArgs}`` ("Empty
  output uses default behavior"; under the cloud agent "ask" is treated as "deny");
  ``permissionRequest`` ``{behavior, message, interrupt}``; ``postToolUse``
  ``{additionalContext}``; ``sessionStart``/``subagentStart`` ``{additionalContext}``;
  ``userPromptSubmitted`` output is dropped for config-file hooks. Exit 2 denies on
  ``preToolUse``/``permissionRequest`` (stdout JSON merged with the deny) and is a warning
  shown to the user elsewhere; timeouts always fail open.
- ``github/docs`` → ``content/copilot/reference/hooks-configuration.md`` (older): ``toolArgs``
  as a JSON-encoded string — both forms are accepted.
- FailproofAI ``src/hooks/types.ts`` (verified against CLI 1.0.41/1.0.71): tool argument keys
  are Copilot's own in both formats (``path``, ``file_text``, ``old_str``/``new_str``);
  ``apply_patch`` may carry raw patch text instead of JSON.
- ``github/copilot-sdk`` issue #861: MCP tools are exposed as ``<server>-<tool>``; the split
  at the last ``-`` is an inference (server names may contain ``-``; tool names rarely do).

The camelCase payloads carry no event name. The shim should put it in ``hookEventName``
(it knows which event the installed hook command was registered for); without it the event is
inferred from the payload's shape, and ``permissionRequest`` is recognised only by its
``toolInput`` key (inferred, not documented).

No payload field tells the CLI from the cloud agent (same fields in both, per the reference).
``render`` therefore sends a native ``ask``, which the cloud agent itself turns into a deny;
the shim, which may look at its environment (the cloud sandbox sets ``COPILOT_AGENT_PROMPT``),
can call ``render(..., cloud_agent=True)`` to send the deny with the approval-required reason.
"""

from __future__ import annotations

from typing import Any

from gatepost.action import Action, Decision, Kind, Operation, Verdict
from gatepost.adapters import _common_ide as c
from gatepost.adapters.base import Reply, reason_text
from gatepost.errors import AdapterError

NAME = "copilot"

# Both spellings of each event, mapped to the camelCase name.
_CANON = {
    "sessionStart": "sessionStart",
    "SessionStart": "sessionStart",
    "sessionEnd": "sessionEnd",
    "SessionEnd": "sessionEnd",
    "userPromptSubmitted": "userPromptSubmitted",
    "UserPromptSubmit": "userPromptSubmitted",
    "userPromptTransformed": "userPromptTransformed",
    "preToolUse": "preToolUse",
    "PreToolUse": "preToolUse",
    "postToolUse": "postToolUse",
    "PostToolUse": "postToolUse",
    "postToolUseFailure": "postToolUseFailure",
    "PostToolUseFailure": "postToolUseFailure",
    "permissionRequest": "permissionRequest",
    "PermissionRequest": "permissionRequest",
    "agentStop": "agentStop",
    "Stop": "agentStop",
    "subagentStart": "subagentStart",
    "SubagentStart": "subagentStart",
    "subagentStop": "subagentStop",
    "SubagentStop": "subagentStop",
    "preCompact": "preCompact",
    "PreCompact": "preCompact",
    "errorOccurred": "errorOccurred",
    "ErrorOccurred": "errorOccurred",
    "notification": "notification",
    "Notification": "notification",
}
_TOOL_EVENTS = frozenset({"preToolUse", "permissionRequest", "postToolUse", "postToolUseFailure"})
_PROMPTS = frozenset({"userPromptSubmitted", "userPromptTransformed"})
_CONTEXT = frozenset({"postToolUse", "postToolUseFailure", "sessionStart", "subagentStart"})

_SHELL = frozenset({"bash", "powershell", "Bash", "PowerShell"})
_SHELL_INPUT = frozenset({"write_bash", "write_powershell"})
_READ = frozenset({"view", "read", "show_file", "Read", "grep", "rg", "glob", "Grep", "Glob"})
_WRITE = frozenset({"create", "write", "edit", "str_replace_editor", "Write", "Edit"})
_PATCH = frozenset({"apply_patch", "Edit"})
_FETCH = frozenset({"web_fetch", "WebFetch"})
_SEARCH = frozenset({"web_search", "WebSearch"})
_PATH_KEYS = ("path", "file_path", "filePath")
_KNOWN = _SHELL | _SHELL_INPUT | _READ | _WRITE | _PATCH | _FETCH | _SEARCH

_TOOLS_NOTE = (
    "preToolUse deny (exit 2 with the deny JSON, which the CLI and cloud agent both treat as "
    "deny). ask is native on the CLI; the cloud agent turns it into a deny. preToolUse has no "
    "advisory field for config-file hooks, so a warning is record-only (postToolUse can add "
    "additionalContext after the fact). permissionRequest gets deny on block and no opinion on "
    "ask, so the person's answer to the preToolUse ask is not overridden."
)
CAPABILITIES: dict[str, dict[str, str]] = {
    **{
        k.value: c.capability("yes", "yes", "record-only", _TOOLS_NOTE)
        for k in (Kind.COMMAND, Kind.FILE_READ, Kind.FILE_WRITE, Kind.WEB_FETCH)
    },
    **{
        k.value: c.capability("yes", "yes", "record-only", _TOOLS_NOTE)
        for k in (Kind.WEB_SEARCH, Kind.MCP_CALL, Kind.OTHER)
    },
    Kind.PROMPT.value: c.capability(
        "record-only",
        "record-only",
        "yes",
        "Config-file userPromptSubmitted output is dropped, so a prompt cannot be stopped; the "
        "reason is sent as exit 2 + stderr, which Copilot shows the user as a warning.",
    ),
    Kind.SESSION.value: c.capability(
        "record-only",
        "record-only",
        "record-only",
        "sessionStart/subagentStart get the reason as additionalContext (the model sees it); "
        "stop, end, error and compaction events cannot refuse anything.",
    ),
}


# ---------------------------------------------------------------------------- parse


def parse(payload: dict[str, Any]) -> Action:
    """The Action of one Copilot hook payload (either format); AdapterError when unusable."""
    p = c.payload_dict(payload, NAME)
    event = c.first_str(p, ("hook_event_name", "hookEventName"), NAME) or _infer_event(p)
    if not event:
        raise AdapterError(f"{NAME}: payload has no hook_event_name / hookEventName")
    canon = _CANON.get(event, "")
    cwd = c.opt_str(p, "cwd", NAME)
    tool = ""
    if canon in _TOOL_EVENTS:
        tool, operation = _tool_operation(p, canon, cwd)
        phase = "post" if canon.startswith("post") else "pre"
    elif canon in _PROMPTS:
        key = "transformedPrompt" if canon == "userPromptTransformed" else "prompt"
        operation, phase = c.prompt_op(c.opt_str(p, key, NAME), cwd), "prompt"
    elif canon:
        operation, phase = _session_operation(p, canon, cwd), "session"
    else:
        operation, phase = c.other_op(cwd), c.phase_of_unknown(event)
    return c.build_action(
        agent=NAME,
        event=event,
        tool=tool,
        phase=phase,
        session_id=c.first_str(p, ("sessionId", "session_id"), NAME),
        tool_call_id=c.first_str(p, ("toolCallId", "tool_use_id", "tool_call_id"), NAME),
        operation=operation,
        raw=payload,
        time=c.rfc3339(p.get("timestamp"), f"{NAME}.timestamp"),
    )


def _infer_event(p: dict[str, Any]) -> str:
    """The camelCase event of a payload that does not name it, from its documented shape."""
    if "toolName" in p:
        if "toolResult" in p:
            return "postToolUse"
        if "error" in p:
            return "postToolUseFailure"
        return "permissionRequest" if "toolInput" in p and "toolArgs" not in p else "preToolUse"
    for key, event in (
        ("transformedPrompt", "userPromptTransformed"),
        ("prompt", "userPromptSubmitted"),
        ("errorContext", "errorOccurred"),
        ("notification_type", "notification"),
        ("response", "subagentStop"),
        ("agentName", "subagentStart"),
        ("stopReason", "agentStop"),
        ("trigger", "preCompact"),
        ("reason", "sessionEnd"),
        ("source", "sessionStart"),
    ):
        if key in p:
            return event
    return ""


def _tool_operation(p: dict[str, Any], canon: str, cwd: str) -> tuple[str, Operation]:
    key = next((k for k in ("toolArgs", "tool_input", "toolInput") if k in p), "toolArgs")
    where = f"{NAME}.{key}"
    tool = c.first_str(p, ("toolName", "tool_name"), NAME, required=True)
    args, text = c.lenient_arg(p.get(key), where)
    output = _result_text(p) if canon.startswith("post") else ""
    path = c.first_str(args, _PATH_KEYS, where)
    if tool in _SHELL:
        command = c.opt_str(args, "command", where, required=True)
        return tool, c.command_op(command, cwd, output=output)
    if tool in _SHELL_INPUT:
        return tool, c.command_op(c.opt_str(args, "input", where), cwd, output=output)
    if tool in _PATCH and text:
        return tool, c.write_op(c.patch_paths(text), cwd, content=text, output=output)
    if tool in _READ or (tool == "str_replace_editor" and args.get("command") == "view"):
        required = tool in ("view", "Read")
        path = c.first_str(args, _PATH_KEYS, where, required=required)
        return tool, c.read_op([path], cwd, output=output)
    if tool in _WRITE or tool in _PATCH:
        keys = ("file_text", "new_str", "content", "new_string", "input", "patch")
        content = c.first_str(args, keys, where)
        paths = c.path_refs([path], "write") or c.patch_paths(content)
        if not paths:
            raise AdapterError(f"{where}: names no file to write")
        return tool, c.write_op(paths, cwd, content=content, output=output)
    if tool in _FETCH:
        url = c.opt_str(args, "url", where, required=True)
        return tool, c.fetch_op([url], cwd, output=output)
    if tool in _SEARCH:
        return tool, c.search_op(c.opt_str(args, "query", where), cwd, output=output)
    server, tool_name = _mcp_name(tool)
    if server:
        return tool, c.mcp_op(server, tool_name, args, cwd, output=output)
    prompt = c.first_str(args, ("prompt", "description"), where)  # task: the subagent's brief
    return tool, c.other_op(cwd, content=prompt, output=output)


def _mcp_name(tool: str) -> tuple[str, str]:
    """(server, tool) of an MCP tool name, or ("", "") for a built-in tool."""
    if tool.startswith("mcp__") and "__" in tool[5:]:
        server, _, name = tool[5:].partition("__")
        return server, name
    if tool not in _KNOWN and "-" in tool.strip("-"):
        server, _, name = tool.rpartition("-")
        return server, name
    return "", ""


def _result_text(p: dict[str, Any]) -> str:
    result = p.get("toolResult", p.get("tool_result"))
    if isinstance(result, dict):
        keys = ("textResultForLlm", "text_result_for_llm")
        text = c.first_str(result, keys, f"{NAME}.toolResult")
        return c.output_text(text if text else result)
    if result is None:
        return c.output_text(p.get("error"))
    return c.output_text(result)


def _session_operation(p: dict[str, Any], canon: str, cwd: str) -> Operation:
    if canon == "sessionStart":
        prompt = c.first_str(p, ("initialPrompt", "initial_prompt"), NAME)
        return Operation(kind=Kind.SESSION, cwd=cwd, content=prompt)
    if canon == "subagentStop":
        text = c.first_str(p, ("response", "last_assistant_message"), NAME)
        return c.session_op(cwd, output=c.output_text(text))
    if canon == "errorOccurred":
        error = p.get("error")
        message = c.opt_str(error, "message", f"{NAME}.error") if isinstance(error, dict) else ""
        return c.session_op(cwd, output=c.output_text(message or error))
    if canon == "notification":
        return c.session_op(cwd, output=c.output_text(c.opt_str(p, "message", NAME)))
    return c.session_op(cwd)


# ---------------------------------------------------------------------------- render


def render(decision: Decision, action: Action | None, *, cloud_agent: bool = False) -> Reply:
    """Copilot's reply to ``decision``; empty output is "no opinion".

    ``cloud_agent`` True renders ask as a deny saying that approval is required (the cloud
    agent has no person to ask); the payload cannot tell, so the shim decides.
    """
    verdict = decision.verdict
    if action is None:
        return c.exit2(reason_text(decision)) if verdict is Verdict.BLOCK else Reply()
    if verdict is Verdict.PASS:
        return Reply()
    event = action.surface.event
    canon = _CANON.get(event, "")
    if canon == "preToolUse":
        if verdict is Verdict.WARN:
            return Reply()
        if verdict is Verdict.ASK and not cloud_agent:
            return _permission(event, "ask", reason_text(decision), exit_code=0)
        return _permission(event, "deny", reason_text(decision, can_ask=False), exit_code=2)
    if canon == "permissionRequest":
        if verdict is not Verdict.BLOCK:
            return Reply()
        text = reason_text(decision)
        return c.json_reply({"behavior": "deny", "message": text}, exit_code=2, stderr=text)
    if canon in _CONTEXT:
        return c.json_reply({"additionalContext": reason_text(decision, can_ask=False)})
    if canon in _PROMPTS:
        return c.exit2(reason_text(decision, can_ask=False))
    if canon or verdict is Verdict.WARN:
        return Reply()
    return c.exit2(reason_text(decision, can_ask=False))


def _permission(event: str, decision: str, text: str, *, exit_code: int) -> Reply:
    body: dict[str, Any] = {"permissionDecision": decision, "permissionDecisionReason": text}
    if event == "PreToolUse":  # "VS Code compatible" mode: also the Claude-shaped field
        body["hookSpecificOutput"] = {"hookEventName": "PreToolUse", **body}
    return c.json_reply(body, exit_code=exit_code, stderr=text if exit_code == 2 else "")
