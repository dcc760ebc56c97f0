"""GitHub Copilot CLI and cloud agent: a gatepost-owned ``hooks/*.json`` file, version 1.

Sources: ``github/docs`` → ``content/copilot/reference/hooks-reference.md`` (locations:
``.github/hooks/*.json`` in the repository — the only one the cloud agent reads —,
``~/.copilot/hooks/*.json`` or ``$COPILOT_HOME/hooks/``, policy files
``/etc/github-copilot/policy.d/*.json`` / ``C:\\ProgramData\\GitHub\\Copilot\\policy.d`` that
must be root-owned and not group- or world-writable; format ``{"version": 1, "hooks": {...}}``
with handlers ``{type: "command", bash, powershell, command, cwd, env, timeoutSec}``; the
cloud agent honours only ``bash`` or ``command``; camelCase event keys get the camelCase
payload the gatepost adapter reads natively; a crashing ``preToolUse`` command hook denies,
a timed-out one lets the call through).

gatepost writes its own file (``gatepost.json``) in those folders rather than editing others'.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gatepost.installer import _merge
from gatepost.installer._spec import TIMEOUT_S, Place, Source, Spec, check_scope, managed_path

NAME = "copilot"
FILE = "gatepost.json"
EVENTS = (
    "preToolUse",
    "permissionRequest",
    "postToolUse",
    "postToolUseFailure",
    "userPromptSubmitted",
    "sessionStart",
    "sessionEnd",
)
MANAGED = {
    "linux": "/etc/github-copilot/policy.d",
    "darwin": "/etc/github-copilot/policy.d",
    "win32": "C:\\ProgramData\\GitHub\\Copilot\\policy.d",
}


def _entry(command: str) -> dict[str, Any]:
    return {"type": "command", "bash": command, "timeoutSec": TIMEOUT_S}


def plan(existing_text: str | None, command: str) -> str:
    wanted = {event: _entry(command) for event in EVENTS}
    return _merge.plan(existing_text, wanted, grouped=False, version=1)


def remove(text: str) -> str:
    return _merge.remove(text)


def _user_dir(place: Place) -> Path:
    return place.env_dir("COPILOT_HOME", place.home / ".copilot") / "hooks"


def _folder(scope: str, place: Place) -> Path:
    check_scope(scope)
    if scope == "user":
        return _user_dir(place)
    if scope == "project":
        return place.project / ".github" / "hooks"
    return managed_path(NAME, place, MANAGED)


def target(scope: str, place: Place) -> Path:
    return _folder(scope, place) / FILE


def sources(place: Place) -> tuple[Source, ...]:
    folders = tuple(
        Source(scope, _folder(scope, place), folder=True)
        for scope in ("user", "project", "managed")
    )
    claude = place.project / ".claude"  # cross-tool files Copilot CLI also reads
    return (
        *folders,
        Source("project", claude / "settings.json", own=False),
        Source("project", claude / "settings.local.json", own=False),
    )


SPEC = Spec(
    name=NAME,
    title="GitHub Copilot CLI and cloud agent",
    events=EVENTS,
    plan=plan,
    remove=remove,
    target=target,
    sources=sources,
    notes=(
        "The cloud agent reads only .github/hooks/*.json from the default branch: commit the "
        "project file, and note that the absolute path of this machine's gatepost will not "
        "exist there (install with --command 'gatepost hook copilot' after installing "
        "gatepost in the agent's environment).",
        "VS Code also reads .github/hooks/ and ~/.copilot/hooks/: run `gatepost doctor` to see "
        "how it answers there.",
    ),
)
