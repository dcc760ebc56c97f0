"""What the IDE-agent adapters (cursor, copilot, vscode, windsurf) share.

Typed field access that raises ``AdapterError`` naming the field, the tolerant decoding of
tool arguments that arrive either as an object or as a JSON string, timestamps as RFC 3339,
the 64 KiB cap on post-execution output, and the small constructors every adapter uses to
build an :class:`~gatepost.action.Action` and a :class:`~gatepost.adapters.base.Reply`.

Everything here is a pure function of its arguments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from gatepost.action import (
    Action,
    Actor,
    AgentInfo,
    CommandInfo,
    Kind,
    McpCall,
    Operation,
    PathRef,
    Surface,
    UrlRef,
)
from gatepost.adapters.base import Reply
from gatepost.errors import AdapterError

OUTPUT_CAP = 64 * 1024  # bytes of UTF-8 kept of a post-execution output

# ---------------------------------------------------------------------------- field access


def payload_dict(payload: object, agent: str) -> dict[str, Any]:
    """The payload itself, or AdapterError when it is not a JSON object."""
    if not isinstance(payload, dict):
        raise AdapterError(f"{agent}: hook payload must be a JSON object, got {_tname(payload)}")
    return payload


def opt_str(obj: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
    """``obj[key]`` as a string; "" when absent or null; AdapterError for any other type.

    ``required``: absent, null or empty is an AdapterError too.
    """
    value = obj.get(key)
    if value is None or (required and value == ""):
        if required:
            raise AdapterError(f"{where}.{key}: required string is missing")
        return ""
    if not isinstance(value, str):
        raise AdapterError(f"{where}.{key}: expected a string, got {_tname(value)}")
    return value


def first_str(
    obj: Mapping[str, Any], keys: tuple[str, ...], where: str, *, required: bool = False
) -> str:
    """The first non-empty string among ``keys`` (each type-checked), else "".

    ``required``: none of them given is an AdapterError.
    """
    for key in keys:
        value = opt_str(obj, key, where)
        if value:
            return value
    if required:
        raise AdapterError(f"{where}: none of {', '.join(keys)} is given")
    return ""


def opt_dict(obj: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AdapterError(f"{where}.{key}: expected an object, got {_tname(value)}")
    return value


def opt_list(obj: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise AdapterError(f"{where}.{key}: expected an array, got {_tname(value)}")
    return value


def str_list(obj: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    """An array of strings (nulls skipped)."""
    out: list[str] = []
    for i, item in enumerate(opt_list(obj, key, where)):
        if item is None:
            continue
        if not isinstance(item, str):
            raise AdapterError(f"{where}.{key}[{i}]: expected a string, got {_tname(item)}")
        out.append(item)
    return tuple(out)


def object_arg(value: object, where: str) -> dict[str, Any]:
    """Tool arguments given as an object or as a JSON string holding one ("" and null: {})."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        if not value.strip():
            return {}
        decoded = _loads(value)
        if isinstance(decoded, dict):
            return decoded
        raise AdapterError(f"{where}: expected a JSON object (or its JSON text)")
    raise AdapterError(f"{where}: expected an object or a JSON string, got {_tname(value)}")


def lenient_arg(value: object, where: str) -> tuple[dict[str, Any], str]:
    """Like :func:`object_arg`, but text that is not a JSON object is returned as text.

    Some tools (Copilot's ``apply_patch``) take raw text as their arguments.
    """
    if isinstance(value, str) and value.strip():
        decoded = _loads(value)
        if isinstance(decoded, dict):
            return decoded, ""
        return {}, value
    return object_arg(value, where), ""


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _tname(value: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), "null" if value is None else "number"
    )


# ---------------------------------------------------------------------------- values


def rfc3339(value: object, where: str) -> str:
    """A timestamp (epoch milliseconds or ISO 8601 text) as RFC 3339 UTC; "" if unusable."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise AdapterError(f"{where}: expected a timestamp, got {_tname(value)}")
    try:
        if isinstance(value, str):
            stamp = datetime.fromisoformat(value.strip())
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=UTC)
        else:
            stamp = datetime.fromtimestamp(value / 1000, tz=UTC)
        text = stamp.astimezone(UTC).isoformat(timespec="milliseconds")
    except (ValueError, OverflowError, OSError):
        return ""
    return text.replace("+00:00", "Z")


def cap(text: str) -> str:
    """``text`` cut to at most OUTPUT_CAP bytes of UTF-8, on a character boundary."""
    if len(text) * 4 <= OUTPUT_CAP:
        return text
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= OUTPUT_CAP:
        return text
    return data[:OUTPUT_CAP].decode("utf-8", "ignore")


def output_text(value: object) -> str:
    """A post-execution result as capped text (objects and arrays as compact JSON)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return cap(value)
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    except (ValueError, TypeError, RecursionError):
        text = str(value)
    return cap(text)


def edits_text(edits: list[Any], new_key: str, where: str) -> str:
    """The new text of an edit list (``[{old_string, new_string}, ...]``), joined by newlines."""
    parts: list[str] = []
    for i, edit in enumerate(edits):
        if not isinstance(edit, dict):
            raise AdapterError(f"{where}[{i}]: expected an object, got {_tname(edit)}")
        new = opt_str(edit, new_key, f"{where}[{i}]")
        if new:
            parts.append(new)
    return "\n".join(parts)


_PATCH_HEADER = re.compile(
    r"^\*\*\* (Add|Update|Delete) File: (.+?)\s*$|^\*\*\* Move to: (.+?)\s*$"
)


def patch_paths(patch: str) -> tuple[PathRef, ...]:
    """Files named by an ``apply_patch`` text (``*** Add/Update/Delete File:``, ``Move to:``)."""
    refs: list[PathRef] = []
    for line in patch.splitlines():
        m = _PATCH_HEADER.match(line)
        if m is None:
            continue
        if m.group(3):
            refs.append(path_ref(m.group(3), "write"))
        else:
            refs.append(path_ref(m.group(2), "delete" if m.group(1) == "Delete" else "write"))
    return dedup(refs)


# ---------------------------------------------------------------------------- action parts


def path_ref(raw: str, access: str) -> PathRef:
    """A path as the agent wrote it; enrichment makes it absolute and classifies it."""
    return PathRef(path=raw, raw=raw, access=access)


def path_refs(raws: Iterable[str], access: str) -> tuple[PathRef, ...]:
    return dedup(path_ref(r, access) for r in raws if r)


def dedup(refs: Iterable[PathRef]) -> tuple[PathRef, ...]:
    seen: set[tuple[str, str]] = set()
    out: list[PathRef] = []
    for ref in refs:
        if (ref.raw, ref.access) not in seen:
            seen.add((ref.raw, ref.access))
            out.append(ref)
    return tuple(out)


def command_op(raw: str, cwd: str, *, output: str = "") -> Operation:
    return Operation(
        kind=Kind.COMMAND, cwd=cwd, command=CommandInfo(raw=raw, cwd=cwd), output=output
    )


def read_op(raws: Iterable[str], cwd: str, *, content: str = "", output: str = "") -> Operation:
    paths = path_refs(raws, "read")
    return Operation(kind=Kind.FILE_READ, cwd=cwd, paths=paths, content=content, output=output)


def write_op(
    paths: tuple[PathRef, ...], cwd: str, *, content: str = "", output: str = ""
) -> Operation:
    return Operation(kind=Kind.FILE_WRITE, cwd=cwd, paths=paths, content=content, output=output)


def fetch_op(urls: Iterable[str], cwd: str, *, output: str = "") -> Operation:
    refs = tuple(UrlRef(raw=u) for u in dict.fromkeys(u for u in urls if u))
    return Operation(kind=Kind.WEB_FETCH, cwd=cwd, urls=refs, output=output)


def search_op(query: str, cwd: str, *, output: str = "") -> Operation:
    return Operation(kind=Kind.WEB_SEARCH, cwd=cwd, query=query, output=output)


def mcp_op(
    server: str, tool: str, arguments: dict[str, Any], cwd: str, *, output: str = ""
) -> Operation:
    call = McpCall(server=server, tool=tool, arguments=arguments)
    return Operation(kind=Kind.MCP_CALL, cwd=cwd, mcp=call, output=output)


def prompt_op(prompt: str, cwd: str, attachments: tuple[str, ...] = ()) -> Operation:
    paths = path_refs(attachments, "read")
    return Operation(kind=Kind.PROMPT, cwd=cwd, paths=paths, content=prompt)


def session_op(cwd: str, *, content: str = "", output: str = "") -> Operation:
    return Operation(kind=Kind.SESSION, cwd=cwd, content=content, output=output)


def other_op(cwd: str, *, content: str = "", output: str = "") -> Operation:
    return Operation(kind=Kind.OTHER, cwd=cwd, content=content, output=output)


def build_action(
    *,
    agent: str,
    event: str,
    tool: str,
    phase: str,
    session_id: str,
    operation: Operation,
    raw: dict[str, Any],
    time: str = "",
    version: str = "",
    tool_call_id: str = "",
) -> Action:
    """The Action of one hook call; identity (user, host, repository) is left to the shim."""
    actor = Actor(
        agent=AgentInfo(name=agent, version=version),
        session=f"{agent}:{session_id}" if session_id else "",
        tool_call_id=tool_call_id,
    )
    surface = Surface(agent=agent, event=event, tool=tool, phase=phase)
    return Action(time=time, actor=actor, surface=surface, operation=operation, raw=raw)


def phase_of_unknown(event: str) -> str:
    """Best guess of the phase of an event this adapter does not know."""
    low = event.lower()
    if low.startswith(("pre", "before")):
        return "pre"
    if low.startswith(("post", "after")):
        return "post"
    return "session"


# ---------------------------------------------------------------------------- replies


def json_reply(obj: dict[str, Any], *, exit_code: int = 0, stderr: str = "") -> Reply:
    """One JSON object on stdout (ASCII-escaped, so no text can break the stream)."""
    return Reply(stdout=json.dumps(obj), stderr=printable(stderr), exit_code=exit_code)


def exit2(reason: str) -> Reply:
    """The universal block channel: exit code 2 with the reason on stderr."""
    return Reply(stderr=printable(reason), exit_code=2)


def printable(text: str) -> str:
    """``text`` safe to write as UTF-8 (a lone surrogate from a payload becomes "?")."""
    return text.encode("utf-8", "replace").decode("utf-8")


def capability(block: str, ask: str, warn: str, note: str) -> dict[str, str]:
    """One row of an adapter's CAPABILITIES table (values: yes, no, as-block, record-only)."""
    return {"block": block, "ask": ask, "warn": warn, "note": note}
