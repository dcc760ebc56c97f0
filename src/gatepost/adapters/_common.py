"""Small helpers shared by the hook adapters: typed payload access, output capping, URL
extraction, and building the native reply. Nothing here knows an agent's dialect.

Every function is pure. Payload getters raise :class:`AdapterError` naming the field and the
type found, so a malformed payload is refused with a message a person can act on.
"""

from __future__ import annotations

import json
import re
from typing import Any

from gatepost.action import (
    Action,
    Actor,
    AgentInfo,
    CommandInfo,
    Decision,
    Kind,
    Operation,
    PathRef,
    Surface,
    Verdict,
)
from gatepost.adapters.base import Reply, reason_text
from gatepost.errors import AdapterError

OUTPUT_CAP = 64 * 1024  # bytes of UTF-8 kept of a tool's output
URL_SCAN_CAP = 256 * 1024  # characters of free text scanned for URLs

# Linear-time: one character class, no nesting, no backtracking across alternatives.
_URL = r"https?://[^\s<>\"'`\\|{}^]+"  # compiled on first use (re.compile caches it)
_URL_TRAILING = ".,;:!?)]}'\""


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def payload_dict(payload: Any) -> dict[str, Any]:
    """The payload itself, when it is a JSON object."""
    if not isinstance(payload, dict):
        raise AdapterError(f"hook payload must be a JSON object, got {_type_name(payload)}")
    return payload


def get_str(obj: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
    """``obj[key]`` as a string ("" when absent and not required; null counts as absent)."""
    value = obj.get(key)
    if value is None:
        if required:
            raise AdapterError(f"{where}.{key}: required string is missing")
        return ""
    if not isinstance(value, str):
        raise AdapterError(f"{where}.{key}: expected a string, got {_type_name(value)}")
    return value


def get_dict(obj: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    """``obj[key]`` as an object ({} when absent or null)."""
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AdapterError(f"{where}.{key}: expected an object, got {_type_name(value)}")
    return value


def get_str_list(obj: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """``obj[key]`` as a list of strings; a lone string counts as a list of one."""
    value = obj.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AdapterError(f"{where}.{key}: expected a string or a list of strings")
    return tuple(value)


def cap_text(text: str, limit: int = OUTPUT_CAP) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, never splitting a character."""
    if len(text) * 4 <= limit:  # fast path: cannot exceed the limit
        return text
    data = text.encode("utf-8", errors="surrogatepass")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def output_text(value: Any) -> str:
    """A tool's result as text: strings as they are, anything else as JSON; capped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return cap_text(value)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError):  # circular or too deeply nested
        text = "<tool output that cannot be written as JSON>"
    return cap_text(text)


def extract_urls(text: str) -> tuple[str, ...]:
    """The http(s) URLs written in free text, in order, each once, trailing punctuation cut."""
    seen: dict[str, None] = {}
    for match in re.finditer(_URL, text[:URL_SCAN_CAP], re.IGNORECASE):
        url = match.group(0).rstrip(_URL_TRAILING)
        if len(url) > len("https://") and url not in seen:
            seen[url] = None
    return tuple(seen)


def split_mcp(name: str, prefix: str, sep: str) -> tuple[str, str]:
    """(server, tool) from ``<prefix><server><sep><tool>``; tool is "" when there is no sep."""
    rest = name[len(prefix) :]
    server, _, tool = rest.partition(sep)
    return server, tool


def json_reply(obj: dict[str, Any]) -> Reply:
    """Exit 0 with exactly one JSON object on stdout (ASCII-escaped, so any text survives)."""
    return Reply(stdout=json.dumps(obj, ensure_ascii=True), exit_code=0)


def printable(text: str) -> str:
    """``text`` safe to write as UTF-8 (a lone surrogate from a payload becomes "?")."""
    return text.encode("utf-8", errors="replace").decode("utf-8")


def non_empty(text: str) -> str:
    """A reason some agents refuse when blank (Codex treats a blank deny reason as a failure)."""
    return text if text.strip() else "gatepost blocked this action"


def render_unparsed(decision: Decision) -> Reply:
    """Reply when the payload could not be parsed: block is exit 2 with the reason on stderr
    (honoured on the pre-tool events of Claude Code, Codex and Gemini CLI); anything else says
    nothing, so the agent's own permission flow applies."""
    if decision.verdict is Verdict.BLOCK:
        return Reply(stderr=printable(non_empty(reason_text(decision, can_ask=False))), exit_code=2)
    return Reply()


# ---------------------------------------------------------------------------- Action building


def path_refs(raws: tuple[str, ...] | list[str], access: str) -> tuple[PathRef, ...]:
    """PathRefs for paths as the agent wrote them (enrichment makes them absolute)."""
    return tuple(PathRef(path=raw, raw=raw, access=access) for raw in raws if raw)


def file_op(
    kind: Kind, cwd: str, raws: tuple[str, ...] | list[str], access: str, content: str = ""
) -> Operation:
    return Operation(kind=kind, cwd=cwd, paths=path_refs(raws, access), content=content)


def command_op(raw: str, cwd: str, command_cwd: str = "") -> Operation:
    return Operation(
        kind=Kind.COMMAND, cwd=cwd, command=CommandInfo(raw=raw, cwd=command_cwd or cwd)
    )


def make_action(
    *,
    agent: str,
    payload: dict[str, Any],
    event: str,
    tool: str,
    phase: str,
    operation: Operation,
    session_id: str = "",
    tool_call_id: str = "",
    version: str = "",
    time: str = "",
) -> Action:
    """The Action every adapter returns; identity (user, host, repository) is left to the shim."""
    return Action(
        time=time,
        actor=Actor(
            agent=AgentInfo(name=agent, version=version),
            session=f"{agent}:{session_id}" if session_id else "",
            tool_call_id=tool_call_id,
        ),
        surface=Surface(agent=agent, event=event, tool=tool, phase=phase),
        operation=operation,
        raw=payload,
    )


def snake_case_preamble(
    payload: Any, agent: str
) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
    """What the snake_case payloads of Claude Code, Codex and Gemini CLI share: the payload as
    a dict, its event name (required, non-empty), its cwd, and the keyword arguments every
    ``make_action`` call of these adapters starts from."""
    p = payload_dict(payload)
    event = get_str(p, "hook_event_name", "$", required=True)
    if not event:
        raise AdapterError("$.hook_event_name: must not be empty")
    common: dict[str, Any] = {
        "agent": agent,
        "payload": p,
        "event": event,
        "session_id": get_str(p, "session_id", "$"),
        "version": get_str(p, "version", "$"),
        "time": get_str(p, "timestamp", "$"),
    }
    return p, event, get_str(p, "cwd", "$"), common
