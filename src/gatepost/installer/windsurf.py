"""Windsurf Cascade: ``hooks.json`` (event → list of handlers ``{command, show_output}``).

Sources: https://docs.windsurf.com/windsurf/cascade/hooks (system files
``/Library/Application Support/Windsurf/hooks.json``, ``/etc/windsurf/hooks.json``,
``C:\\ProgramData\\Windsurf\\hooks.json``; user ``~/.codeium/windsurf/hooks.json``; workspace
``.windsurf/hooks.json``; all merged; pre-hooks block by exit code 2; entries ``command`` and
``show_output``). No timeout field is documented, so none is written: an unknown field is
not worth the risk of the file being refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gatepost.installer import _merge
from gatepost.installer._spec import Place, Source, Spec, check_scope, managed_path

NAME = "windsurf"
EVENTS = (
    "pre_run_command",
    "pre_read_code",
    "pre_write_code",
    "pre_mcp_tool_use",
    "pre_user_prompt",
    "post_run_command",
    "post_read_code",
    "post_write_code",
    "post_mcp_tool_use",
)
MANAGED = {
    "linux": "/etc/windsurf/hooks.json",
    "darwin": "/Library/Application Support/Windsurf/hooks.json",
    "win32": "C:\\ProgramData\\Windsurf\\hooks.json",
}


def _entry(command: str) -> dict[str, Any]:
    return {"command": command, "show_output": True}


def plan(existing_text: str | None, command: str) -> str:
    wanted = {event: _entry(command) for event in EVENTS}
    return _merge.plan(existing_text, wanted, grouped=False)


def remove(text: str) -> str:
    return _merge.remove(text)


def target(scope: str, place: Place) -> Path:
    check_scope(scope)
    if scope == "user":
        return place.home / ".codeium" / "windsurf" / "hooks.json"
    if scope == "project":
        return place.project / ".windsurf" / "hooks.json"
    return managed_path(NAME, place, MANAGED)


def sources(place: Place) -> tuple[Source, ...]:
    return tuple(Source(scope, target(scope, place)) for scope in ("user", "project", "managed"))


SPEC = Spec(
    name=NAME,
    title="Windsurf Cascade",
    events=EVENTS,
    plan=plan,
    remove=remove,
    target=target,
    sources=sources,
    notes=("Windsurf has no documented hook timeout; gatepost answers within its own deadline.",),
)
