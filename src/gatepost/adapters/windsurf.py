"""Windsurf Cascade hooks: parse the stdin payload, render the reply (exit code and stderr).

Sources, read for this module:

- https://docs.windsurf.com/windsurf/cascade/hooks (and its ``.md`` copy; the stored copies
  could be read only in part): "Returns a result via exit code and output streams"; "For
  pre-hooks ... your script can block the action by exiting with exit code 2"; ``hooks.json``
  entries ``{command, show_output}``; files merged system → user → workspace.
- ``CorridorSecurity/hookshot`` → ``docs/reference-cascade.md``: the envelope
  ``agent_action_name``, ``trajectory_id``, ``execution_id``, ``timestamp`` (ISO 8601) and
  each event's ``tool_info``: ``pre_run_command``/``post_run_command`` ``{command_line, cwd,
  exit_code, output}``, ``pre_read_code``/``post_read_code`` ``{file_path, content}``,
  ``pre_write_code``/``post_write_code`` ``{file_path, edits[{old_string, new_string}]}``,
  ``pre_mcp_tool_use``/``post_mcp_tool_use`` ``{mcp_server_name, mcp_tool_name,
  mcp_tool_arguments (raw JSON), mcp_result}``, ``pre_user_prompt`` ``{user_prompt}``,
  ``post_cascade_response`` ``{response}``, ``post_setup_worktree`` ``{worktree_path}``.
- ``CorridorSecurity/hookshot`` → ``docs/hook-compatibility-issues.md``: the Windsurf docs
  describe blocking by exit code 2 only; hookshot's JSON ``{decision, message}`` helpers are
  not documented by Windsurf and may be ignored — so no JSON is ever sent here.
- Third-party adapters (Stroq 0.8.0 release notes, difflore-cli): the reason goes on stderr;
  ``show_output: true`` makes hook output visible in the Cascade UI; ``model_name`` appears in
  some payloads (kept only in ``raw``).

Windsurf has no ask: an ask is a block whose reason says approval is required. A warning
cannot reach the model; it is written to stderr with exit 0, which the Cascade UI shows only
when the hook entry sets ``show_output: true`` (not confirmed), so it counts as record-only.
"""

from __future__ import annotations

from typing import Any

from gatepost.action import Action, Decision, Kind, Operation, Verdict
from gatepost.adapters import _common_ide as c
from gatepost.adapters.base import Reply, reason_text
from gatepost.errors import AdapterError

NAME = "windsurf"

_PRE = frozenset(
    {"pre_run_command", "pre_read_code", "pre_write_code", "pre_mcp_tool_use", "pre_user_prompt"}
)
_SESSION = frozenset(
    {"post_cascade_response", "post_cascade_response_with_transcript", "post_setup_worktree"}
)

_GATE_NOTE = (
    "Exit 2 with the reason on stderr blocks (pre-hooks only); an ask is sent as that block "
    "saying approval is required. A warning goes to stderr with exit 0, visible only with "
    "show_output: true and never to the model."
)
CAPABILITIES: dict[str, dict[str, str]] = {
    Kind.COMMAND.value: c.capability("yes", "as-block", "record-only", _GATE_NOTE),
    Kind.FILE_READ.value: c.capability("yes", "as-block", "record-only", _GATE_NOTE),
    Kind.FILE_WRITE.value: c.capability("yes", "as-block", "record-only", _GATE_NOTE),
    Kind.WEB_FETCH.value: c.capability(
        "no", "no", "no", "Cascade has no hook for its web tools (fetches by command are gated)."
    ),
    Kind.WEB_SEARCH.value: c.capability("no", "no", "no", "Cascade has no hook for web search."),
    Kind.PROMPT.value: c.capability("yes", "as-block", "record-only", _GATE_NOTE),
    Kind.MCP_CALL.value: c.capability("yes", "as-block", "record-only", _GATE_NOTE),
    Kind.SESSION.value: c.capability(
        "record-only",
        "record-only",
        "record-only",
        "post_cascade_response and post_setup_worktree run after the fact.",
    ),
    Kind.OTHER.value: c.capability(
        "record-only",
        "record-only",
        "record-only",
        "Unknown events: exit 2 is still sent on block, but only pre-hooks honour it.",
    ),
}


# ---------------------------------------------------------------------------- parse


def parse(payload: dict[str, Any]) -> Action:
    """The Action of one Cascade hook payload; AdapterError when it cannot be understood."""
    p = c.payload_dict(payload, NAME)
    event = c.opt_str(p, "agent_action_name", NAME)
    if not event:
        raise AdapterError(f"{NAME}: payload has no agent_action_name")
    info = c.opt_dict(p, "tool_info", NAME)
    where = f"{NAME}.tool_info"
    cwd = c.opt_str(info, "cwd", where) or c.opt_str(p, "cwd", NAME)
    tool, operation = _operation(event, info, cwd)
    if event in _PRE:
        phase = "prompt" if event == "pre_user_prompt" else "pre"
    elif event in _SESSION:
        phase = "session"
    else:
        phase = c.phase_of_unknown(event)
    return c.build_action(
        agent=NAME,
        event=event,
        tool=tool,
        phase=phase,
        session_id=c.opt_str(p, "trajectory_id", NAME),
        tool_call_id=c.opt_str(p, "execution_id", NAME),
        operation=operation,
        raw=payload,
        time=c.rfc3339(p.get("timestamp"), f"{NAME}.timestamp"),
    )


def _operation(event: str, info: dict[str, Any], cwd: str) -> tuple[str, Operation]:
    """(native tool name, operation) of one event."""
    where = f"{NAME}.tool_info"
    if event in ("pre_run_command", "post_run_command"):
        output = c.output_text(c.opt_str(info, "output", where))
        command = c.opt_str(info, "command_line", where, required=True)
        return "", c.command_op(command, cwd, output=output)
    if event in ("pre_read_code", "post_read_code"):
        output = c.output_text(c.opt_str(info, "content", where))
        path = c.opt_str(info, "file_path", where, required=True)
        return "", c.read_op([path], cwd, output=output)
    if event in ("pre_write_code", "post_write_code"):
        paths = c.path_refs([c.opt_str(info, "file_path", where, required=True)], "write")
        edits = c.opt_list(info, "edits", where)
        content = c.edits_text(edits, "new_string", f"{where}.edits")
        return "", c.write_op(paths, cwd, content=content)
    if event in ("pre_mcp_tool_use", "post_mcp_tool_use"):
        tool = c.opt_str(info, "mcp_tool_name", where, required=True)
        server = c.opt_str(info, "mcp_server_name", where)
        args = c.object_arg(info.get("mcp_tool_arguments"), f"{where}.mcp_tool_arguments")
        output = c.output_text(info.get("mcp_result"))
        return tool, c.mcp_op(server, tool, args, cwd, output=output)
    if event == "pre_user_prompt":
        return "", c.prompt_op(c.opt_str(info, "user_prompt", where, required=True), cwd)
    if event in _SESSION:
        return "", c.session_op(cwd, output=c.output_text(info.get("response")))
    return "", c.other_op(cwd)


# ---------------------------------------------------------------------------- render


def render(decision: Decision, action: Action | None) -> Reply:
    """Cascade's reply: exit 2 with the reason on stderr blocks a pre-hook; nothing else does."""
    verdict = decision.verdict
    if action is None:
        return c.exit2(reason_text(decision)) if verdict is Verdict.BLOCK else Reply()
    if verdict is Verdict.PASS:
        return Reply()
    text = reason_text(decision, can_ask=False)
    if verdict is Verdict.WARN:
        return Reply(stderr=c.printable(text))
    if action.surface.event in _PRE:
        return c.exit2(text)
    if action.surface.event.startswith("post_"):
        return Reply(stderr=c.printable(text))  # after the fact: record-only
    return c.exit2(text)
