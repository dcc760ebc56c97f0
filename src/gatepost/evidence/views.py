"""Role-aware views of stored events (DESIGN §4): who sees what, decided in one pure projection.

Every reader of evidence — the command line now, the HTTP API and the dashboard later — shows
an event only through :func:`project`, so the rules below hold everywhere:

- **viewer**: metadata and verdicts. Time, actor ids (user, groups, host, repository, agent,
  session), surface, operation kind, risk flags, verdict, and for each match the pack, rule,
  title, severity, mode, assignment, scope, static rule message and waiver; what redaction
  removed (field, detector, length). No command text, content, paths, URLs, search query, MCP
  call, prompt, output, raw payload, nor the explanations and errors that quote them.
- **analyst**: the redacted content: the stored event as kept, minus the raw native payload.
- **investigator**: also the raw (redacted) native payload; needs a stated reason.
- **admin**: everything.

Each role may be limited to groups: an event whose actor has none of them is not visible at all.
The projection is the stored event's own JSON shape (``codec.to_dict(event)``) with the fields a
role may not see left out, so one formatter serves every role.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from gatepost import codec
from gatepost.action import Match
from gatepost.errors import GatepostError
from gatepost.evidence.event import Event

__all__ = ["AccessError", "Role", "Viewer", "project", "visible"]


class AccessError(GatepostError):
    """A view that cannot be granted as asked (an investigator without a reason)."""


class Role(StrEnum):
    VIEWER = "viewer"
    ANALYST = "analyst"
    INVESTIGATOR = "investigator"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: a role, optionally limited to groups, and why (for raw payloads)."""

    role: Role
    groups: tuple[str, ...] | None = None  # None: every group; () sees nothing
    reason: str = ""  # why raw payloads are read: required for an investigator

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "role", Role(self.role))
        except ValueError:
            roles = ", ".join(r.value for r in Role)
            raise AccessError(f"unknown role {self.role!r} (roles: {roles})") from None
        if self.groups is not None:
            object.__setattr__(self, "groups", tuple(self.groups))
        if self.role is Role.INVESTIGATOR and not self.reason.strip():
            raise AccessError("an investigator must state a reason to read raw payloads")

    @property
    def sees_raw(self) -> bool:
        return self.role in (Role.INVESTIGATOR, Role.ADMIN)


def visible(event: Event, viewer: Viewer) -> bool:
    """Whether the viewer may see the event at all (its groups limit)."""
    if viewer.groups is None:
        return True
    return not set(event.action.actor.groups).isdisjoint(viewer.groups)


def project(event: Event, viewer: Viewer) -> dict[str, Any] | None:
    """The event as this viewer may see it, or None when it is not visible to them."""
    if not visible(event, viewer):
        return None
    if viewer.role is Role.VIEWER:
        return _metadata(event)
    data: dict[str, Any] = codec.to_dict(event)
    if not viewer.sees_raw:
        del data["action"]["raw"]
    return data


def _metadata(event: Event) -> dict[str, Any]:
    action, decision = event.action, event.decision
    actor = action.actor
    return {
        "id": event.id,
        "time": event.time,
        "received_at": event.received_at,
        "seq": event.seq,
        "parent_event_id": event.parent_event_id,
        "action": {
            "id": action.id,
            "time": action.time,
            "actor": {
                "user": {"id": actor.user.id, "name": actor.user.name},
                "groups": list(actor.groups),
                "host": {"id": actor.host.id, "name": actor.host.name},
                "repository": {
                    "remote": actor.repository.remote,
                    "branch": actor.repository.branch,
                },
                "agent": {"name": actor.agent.name, "version": actor.agent.version},
                "session": actor.session,
                "parent_id": actor.parent_id,
                "tool_call_id": actor.tool_call_id,
            },
            "surface": codec.to_dict(action.surface),
            "operation": {"kind": action.operation.kind.value},
            "flags": list(action.flags),
        },
        "decision": {
            "verdict": decision.verdict.value,
            "winner": _match(decision.winner) if decision.winner is not None else None,
            "matches": [_match(m) for m in decision.matches],
            "policy_revision": decision.policy_revision,
            "evaluation_us": decision.evaluation_us,
            "fail_mode": decision.fail_mode,
        },
        "redactions": codec.to_dict(event.redactions),
    }


def _match(match: Match) -> dict[str, Any]:
    data: dict[str, Any] = codec.to_dict(match)
    del data["explanation"]  # quotes the command, paths and urls that met the condition
    return data
