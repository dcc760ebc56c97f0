"""JSON hook files as gatepost edits them: parsed keeping the order of keys, written back with
the file's own indentation, line endings and final newline, gatepost's entries found by their
command.

Everything here is pure. A file that cannot be read as a JSON object is refused with a
:class:`ConfigError`: gatepost never rewrites a file it does not understand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from gatepost.errors import ConfigError

# ``gatepost hook``, also when the executable path before it is quoted ("…/gatepost" hook).
_GATEPOST_HOOK = re.compile(r"gatepost[\"']?\s+hook(?:\s|$)")
# Where a hook entry keeps its command, across the agents' formats.
COMMAND_KEYS = ("command", "bash", "powershell", "linux", "osx", "windows")
_BOM = "\ufeff"


def is_gatepost_command(value: object) -> bool:
    """True for a command string that runs ``gatepost hook``."""
    return isinstance(value, str) and _GATEPOST_HOOK.search(value) is not None


def is_gatepost_handler(handler: object) -> bool:
    """True for a hook entry (an object) any of whose command fields runs ``gatepost hook``."""
    return isinstance(handler, dict) and any(
        is_gatepost_command(handler.get(k)) for k in COMMAND_KEYS
    )


def load_object(text: str | None) -> dict[str, Any]:
    """The JSON object in ``text`` ({} for no file or an empty one)."""
    if text is None:
        return {}
    body = text.removeprefix(_BOM)
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); gatepost does "
            "not rewrite a file it cannot read: fix it, or add the hooks by hand"
        ) from None
    if not isinstance(value, dict):
        raise ConfigError("the top level is not a JSON object; gatepost does not rewrite it")
    return value


def _indent(text: str | None) -> str | int:
    """The indentation unit of ``text``: that of its first indented line (default 2)."""
    for line in (text or "").splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) < len(line):
            lead = line[: len(line) - len(stripped)]
            return "\t" if lead.startswith("\t") else len(lead)
    return 2


def dump(obj: dict[str, Any], like: str | None) -> str:
    """``obj`` as JSON text in the style of ``like`` (the file's previous text, if any)."""
    text = json.dumps(obj, indent=_indent(like), ensure_ascii=False)
    if like is None or not like.strip() or like.endswith("\n"):
        text += "\n"
    if like is not None and "\r\n" in like:
        text = text.replace("\n", "\r\n")
    if like is not None and like.startswith(_BOM):
        text = _BOM + text
    return text


def hooks_object(obj: dict[str, Any], *, create: bool) -> dict[str, Any] | None:
    """``obj["hooks"]`` (created when asked), refused when it is not an object."""
    hooks = obj.get("hooks")
    if hooks is None:
        if not create:
            return None
        hooks = obj["hooks"] = {}
    if not isinstance(hooks, dict):
        raise ConfigError('"hooks" is not an object; gatepost does not rewrite it')
    return hooks


def event_list(hooks: dict[str, Any], event: str) -> list[Any] | None:
    """``hooks[event]``, refused when it is not a list."""
    entries = hooks.get(event)
    if entries is None:
        return None
    if not isinstance(entries, list):
        raise ConfigError(f'"hooks.{event}" is not a list; gatepost does not rewrite it')
    return entries


def handlers(entry: object) -> Iterator[dict[str, Any]]:
    """The handler objects of one event entry: a matcher group's ``hooks`` (Claude Code, Codex,
    Gemini CLI) or the entry itself (Cursor, Copilot, VS Code, Windsurf)."""
    if not isinstance(entry, dict):
        return
    inner = entry.get("hooks")
    if isinstance(inner, list):
        yield from (h for h in inner if isinstance(h, dict))
    else:
        yield entry


def gatepost_commands(text: str | None, platform: str = "linux") -> dict[str, list[str]]:
    """Event → the gatepost commands registered for it (as ``platform`` runs them), in a file
    of any supported format."""
    found: dict[str, list[str]] = {}
    hooks = load_object(text).get("hooks")
    if not isinstance(hooks, dict):
        return found
    for event, entries in hooks.items():
        if not isinstance(entries, list):
            continue
        for entry in entries:
            for handler in handlers(entry):
                if is_gatepost_handler(handler):
                    found.setdefault(event, []).append(command_for(handler, platform))
    return found


def command_for(handler: dict[str, Any], platform: str) -> str:
    """The command a POSIX agent runs for ``handler``: the platform override (VS Code's
    ``linux``/``osx``), then Copilot's ``bash``, then ``command``."""
    override = "osx" if platform == "darwin" else "linux"
    for key in (override, "bash", "command"):
        value = handler.get(key)
        if isinstance(value, str) and value:
            return value
    return ""
