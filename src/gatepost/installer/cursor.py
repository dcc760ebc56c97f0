"""Cursor: ``hooks.json`` version 1 (event → list of handlers, no matcher groups).

Sources: ``cursor/cookbook`` → ``hooks/.cursor/hooks.json`` and ``hooks/README.md`` (official
examples: ``"version": 1``, handlers ``{command, timeout, failClosed}``, ``timeout`` 5 or 10 in
seconds, ``failClosed: true`` makes crashes, timeouts and invalid JSON block; project file
``.cursor/hooks.json``, user ``~/.cursor``); Cursor hooks docs, ≈2.0 copy
(``pcomans/caruso`` → ``reference/cursor_hooks.md``: enterprise files
``/Library/Application Support/Cursor/hooks.json``, ``/etc/cursor/hooks.json``,
``C:\\ProgramData\\Cursor\\hooks.json``; the before* events). ``preToolUse``/``postToolUse``
/``sessionStart``/``sessionEnd`` are from third-party readings of the current page.

Both the specific events (``beforeShellExecution``, ``beforeMCPExecution``,
``beforeReadFile``) and ``preToolUse`` are registered: older builds have only the former,
and only ``preToolUse`` sees file writes. A shell command may therefore be decided twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gatepost.installer import _merge
from gatepost.installer._spec import TIMEOUT_S, Place, Source, Spec, check_scope, managed_path

NAME = "cursor"
_GATES = (  # may refuse: failClosed, so a gatepost that cannot answer blocks, loudly
    "beforeShellExecution",
    "beforeMCPExecution",
    "beforeReadFile",
    "preToolUse",
    "beforeSubmitPrompt",
)
_RECORDS = ("afterShellExecution", "afterMCPExecution", "afterFileEdit", "postToolUse")
_SESSION = ("sessionStart", "sessionEnd")
EVENTS = _GATES + _RECORDS + _SESSION
MANAGED = {
    "linux": "/etc/cursor/hooks.json",
    "darwin": "/Library/Application Support/Cursor/hooks.json",
    "win32": "C:\\ProgramData\\Cursor\\hooks.json",
}


def _entry(command: str, event: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"command": command, "timeout": TIMEOUT_S}
    if event in _GATES:
        entry["failClosed"] = True
    return entry


def plan(existing_text: str | None, command: str) -> str:
    wanted = {event: _entry(command, event) for event in EVENTS}
    return _merge.plan(existing_text, wanted, grouped=False, version=1)


def remove(text: str) -> str:
    return _merge.remove(text)


def target(scope: str, place: Place) -> Path:
    check_scope(scope)
    if scope == "user":
        return place.home / ".cursor" / "hooks.json"
    if scope == "project":
        return place.project / ".cursor" / "hooks.json"
    return managed_path(NAME, place, MANAGED)


def sources(place: Place) -> tuple[Source, ...]:
    return tuple(Source(scope, target(scope, place)) for scope in ("user", "project", "managed"))


SPEC = Spec(
    name=NAME,
    title="Cursor",
    events=EVENTS,
    plan=plan,
    remove=remove,
    target=target,
    sources=sources,
    notes=(
        "Cursor loads hooks.json at start-up: restart Cursor.",
        "Project hooks run only in trusted workspaces.",
        "The gate events are failClosed: if the gatepost command cannot run, Cursor blocks "
        "the action instead of letting it through. Run `gatepost doctor` after upgrades.",
    ),
)
