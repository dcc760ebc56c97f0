"""VS Code agent hooks (Copilot Chat "Local" harness): parse the payload, render the reply.

Sources, read for this module:

- ``microsoft/vscode-docs`` → ``docs/agent-customization/hooks.md`` (DateApproved 6/3/2026):
  the eight events ``SessionStart``, ``UserPromptSubmit``, ``PreToolUse``, ``PostToolUse``,
  ``PreCompact``, ``SubagentStart``, ``SubagentStop``, ``Stop``; common input ``timestamp``
  (ISO), ``cwd``, ``sessionId``, ``hookEventName``, ``transcript_path``; ``PreToolUse`` adds
  ``tool_name``, ``tool_input``, ``tool_use_id``; ``PostToolUse`` adds ``tool_response``;
  ``UserPromptSubmit`` adds ``prompt``. Exit 0 parses stdout as JSON, exit 2 blocks and shows
  stderr to the model, other codes warn the user. Common output ``continue`` (false stops
  processing), ``stopReason`` (shown to the user), ``systemMessage`` (a warning shown to the
  user); ``PreToolUse`` output ``hookSpecificOutput{hookEventName, permissionDecision:
  allow|deny|ask, permissionDecisionReason, updatedInput, additionalContext}``; ``PostToolUse``
  output ``decision: "block"``, ``reason``, ``hookSpecificOutput.additionalContext``. VS Code
  tools use camelCase argument keys (``filePath``) and their own names (``create_file``,
  ``replace_string_in_file``); matchers are ignored, so every tool reaches the hook.
- ``microsoft/vscode-copilot-chat`` → ``src/extension/tools/common/toolNames.ts``: the tool
  ids (``run_in_terminal``, ``read_file``, ``create_file``, ``replace_string_in_file``,
  ``multi_replace_string_in_file``, ``insert_edit_into_file``, ``apply_patch``,
  ``fetch_webpage``, ``list_dir``, ``grep_search``, ...) and their ``copilot_*`` contributed
  aliases; the docs' own examples use ``editFiles``, ``createFile``, ``runTerminalCommand``,
  ``deleteFile``. Argument keys per tool follow the tools' schemas (``command``,
  ``filePath``, ``content``, ``newString``, ``replacements``, ``code``, ``input``, ``urls``)
  and are read leniently; MCP tools as ``mcp_<server>_<tool>`` is an inference.

"No opinion" is ``{}`` with exit 0: valid JSON (the docs' troubleshooting flags unparseable
stdout) carrying no decision, so VS Code's own approval flow runs.
"""

from __future__ import annotations

from typing import Any

from gatepost.action import Action, Decision, Kind, Operation, Verdict
from gatepost.adapters import _common_ide as c
from gatepost.adapters.base import Reply, reason_text
from gatepost.errors import AdapterError

NAME = "vscode"

_PHASES = {
    "PreToolUse": "pre",
    "PostToolUse": "post",
    "UserPromptSubmit": "prompt",
    "SessionStart": "session",
    "SubagentStart": "session",
    "SubagentStop": "session",
    "Stop": "session",
    "PreCompact": "session",
}
_STOPPABLE = frozenset({"UserPromptSubmit", "SessionStart", "SubagentStart"})  # continue:false
_CONTEXT = frozenset({"SessionStart", "SubagentStart"})

_COMMAND = frozenset(
    {"run_in_terminal", "runInTerminal", "runTerminalCommand", "copilot_runInTerminal"}
)
_READ = frozenset(
    {
        "read_file",
        "readFile",
        "copilot_readFile",
        "list_dir",
        "listDirectory",
        "copilot_listDirectory",
        "grep_search",
        "copilot_findTextInFiles",
        "file_search",
        "copilot_findFiles",
    }
)
_WRITE = frozenset(
    {
        "create_file",
        "createFile",
        "copilot_createFile",
        "replace_string_in_file",
        "copilot_replaceString",
        "insert_edit_into_file",
        "copilot_insertEdit",
        "edit_notebook_file",
        "copilot_editNotebook",
        "create_directory",
        "copilot_createDirectory",
    }
)
_MULTI = frozenset({"multi_replace_string_in_file", "copilot_multiReplaceString"})
_PATCH = frozenset({"apply_patch", "copilot_applyPatch"})
_EDIT_FILES = frozenset({"editFiles", "edit_files", "copilot_editFiles"})
_DELETE = frozenset({"deleteFile", "delete_file"})
_FETCH = frozenset(
    {
        "fetch_webpage",
        "fetchWebpage",
        "copilot_fetchWebPage",
        "open_simple_browser",
        "copilot_openSimpleBrowser",
    }
)
_PATH_KEYS = ("filePath", "file_path", "path", "dirPath")
_NEEDS_PATH = (_WRITE | _DELETE | {"read_file", "readFile", "copilot_readFile"}) - {
    "edit_notebook_file",
    "copilot_editNotebook",
}
_TEXT_KEYS = ("content", "newString", "code", "newCode", "new_string")

_TOOLS_NOTE = (
    "PreToolUse hookSpecificOutput.permissionDecision deny|ask; a warning is systemMessage "
    "(shown to the user) plus additionalContext (for the model), with no decision so VS "
    "Code's own approval flow still runs."
)
CAPABILITIES: dict[str, dict[str, str]] = {
    **{
        k.value: c.capability("yes", "yes", "yes", _TOOLS_NOTE)
        for k in (Kind.COMMAND, Kind.FILE_READ, Kind.FILE_WRITE, Kind.WEB_FETCH)
    },
    **{
        k.value: c.capability("yes", "yes", "yes", _TOOLS_NOTE) for k in (Kind.MCP_CALL, Kind.OTHER)
    },
    Kind.WEB_SEARCH.value: c.capability(
        "no",
        "no",
        "no",
        "VS Code's built-in tools have no web search; a search tool from an extension or MCP "
        "server arrives as an MCP call or an other-kind tool and is judged as that.",
    ),
    Kind.PROMPT.value: c.capability(
        "yes",
        "as-block",
        "yes",
        'UserPromptSubmit has only the common output: {"continue": false, "stopReason"} '
        "stops processing; there is no ask; a warning is systemMessage.",
    ),
    Kind.SESSION.value: c.capability(
        "record-only",
        "record-only",
        "yes",
        "SessionStart/SubagentStart: continue:false stops the session; Stop, SubagentStop and "
        "PreCompact cannot refuse anything (their 'block' means 'keep going'). A warning is "
        "systemMessage.",
    ),
}


# ---------------------------------------------------------------------------- parse


def parse(payload: dict[str, Any]) -> Action:
    """The Action of one VS Code hook payload; AdapterError when it cannot be understood."""
    p = c.payload_dict(payload, NAME)
    event = c.first_str(p, ("hookEventName", "hook_event_name"), NAME)
    if not event:
        raise AdapterError(f"{NAME}: payload has no hookEventName")
    cwd = c.opt_str(p, "cwd", NAME)
    tool = ""
    if event in ("PreToolUse", "PostToolUse"):
        tool, operation = _tool_operation(p, cwd)
    elif event == "UserPromptSubmit":
        operation = c.prompt_op(c.opt_str(p, "prompt", NAME), cwd)
    elif event in _PHASES:
        operation = c.session_op(cwd)
    else:
        operation = c.other_op(cwd)
    return c.build_action(
        agent=NAME,
        event=event,
        tool=tool,
        phase=_PHASES.get(event) or c.phase_of_unknown(event),
        session_id=c.first_str(p, ("sessionId", "session_id"), NAME),
        tool_call_id=c.opt_str(p, "tool_use_id", NAME),
        operation=operation,
        raw=payload,
        time=c.rfc3339(p.get("timestamp"), f"{NAME}.timestamp"),
    )


def _tool_operation(p: dict[str, Any], cwd: str) -> tuple[str, Operation]:
    tool = c.opt_str(p, "tool_name", NAME, required=True)
    where = f"{NAME}.tool_input"
    args = c.object_arg(p.get("tool_input"), where)
    output = c.output_text(p.get("tool_response"))
    path = c.first_str(args, _PATH_KEYS, where, required=tool in _NEEDS_PATH)
    if tool in _COMMAND:
        command = c.opt_str(args, "command", where, required=True)
        return tool, c.command_op(command, cwd, output=output)
    if tool in _READ:
        return tool, c.read_op([path], cwd, output=output)
    if tool in _WRITE or tool in _DELETE:
        access = "delete" if tool in _DELETE else "write"
        content = c.first_str(args, _TEXT_KEYS, where)
        return tool, c.write_op(c.path_refs([path], access), cwd, content=content, output=output)
    if tool in _MULTI:
        edits = [
            _as_object(e, f"{where}.replacements") for e in c.opt_list(args, "replacements", where)
        ]
        paths = c.path_refs((c.first_str(e, _PATH_KEYS, where) for e in edits), "write")
        content = c.edits_text(edits, "newString", f"{where}.replacements")
        return tool, c.write_op(paths, cwd, content=content, output=output)
    if tool in _PATCH:
        patch = c.first_str(args, ("input", "patch"), where)
        return tool, c.write_op(c.patch_paths(patch), cwd, content=patch, output=output)
    if tool in _EDIT_FILES:
        files = c.str_list(args, "files", where) or (path,)
        return tool, c.write_op(c.path_refs(files, "write"), cwd, output=output)
    if tool in _FETCH:
        urls = c.str_list(args, "urls", where) or (c.opt_str(args, "url", where),)
        return tool, c.fetch_op(urls, cwd, output=output)
    server, name = _mcp_name(tool)
    if server:
        return tool, c.mcp_op(server, name, args, cwd, output=output)
    prompt = c.opt_str(args, "prompt", where)  # runSubagent: the subagent's brief
    return tool, c.other_op(cwd, content=prompt, output=output)


def _as_object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise AdapterError(f"{where}: expected an array of objects")
    return value


def _mcp_name(tool: str) -> tuple[str, str]:
    """(server, tool) of ``mcp__server__tool`` or ``mcp_server_tool``; ("", "") otherwise."""
    if tool.startswith("mcp__") and "__" in tool[5:]:
        server, _, name = tool[5:].partition("__")
        return server, name
    if tool.startswith("mcp_") and "_" in tool[4:].strip("_"):
        server, _, name = tool[4:].partition("_")
        return server, name
    return "", ""


# ---------------------------------------------------------------------------- render


def render(decision: Decision, action: Action | None) -> Reply:
    """VS Code's reply to ``decision``: exit 0 with one JSON object, or exit 2 on a blind block."""
    verdict = decision.verdict
    if action is None:
        if verdict is Verdict.BLOCK:
            return c.exit2(reason_text(decision))
        return c.json_reply({})
    if verdict is Verdict.PASS:
        return c.json_reply({})
    event = action.surface.event
    if event == "PreToolUse":
        text = reason_text(decision)
        if verdict is Verdict.WARN:
            return c.json_reply({"systemMessage": text, **_specific(event, additionalContext=text)})
        permission = "ask" if verdict is Verdict.ASK else "deny"
        specific = _specific(event, permissionDecision=permission, permissionDecisionReason=text)
        return c.json_reply(specific)
    text = reason_text(decision, can_ask=False)
    if event == "PostToolUse":
        body = _specific(event, additionalContext=text)
        if verdict is Verdict.WARN:
            return c.json_reply({"systemMessage": text, **body})
        return c.json_reply({"decision": "block", "reason": text, **body})
    if verdict is Verdict.WARN:
        if event in _CONTEXT:
            return c.json_reply({"systemMessage": text, **_specific(event, additionalContext=text)})
        return c.json_reply({"systemMessage": text})
    if event in _STOPPABLE:
        return c.json_reply({"continue": False, "stopReason": text})
    if event in _PHASES:
        return c.json_reply({})  # Stop, SubagentStop, PreCompact: record-only
    return c.exit2(text)


def _specific(event: str, **fields: str) -> dict[str, Any]:
    return {"hookSpecificOutput": {"hookEventName": event, **fields}}
