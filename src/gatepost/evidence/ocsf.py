"""Events as OCSF 1.x records (Open Cybersecurity Schema Framework), for a SIEM.

Each event becomes one activity record of the class that fits its operation kind, with the
Security Control profile (``action_id`` / ``disposition_id``) carrying gatepost's verdict, and,
when the verdict is warn, ask or block, a Detection Finding naming the rule. The mapping (and
the schema files it was checked against) is documented in docs/evidence.md.

Every record goes through ``redact_value`` once more before it leaves: events are redacted
before they are stored, and an export must not depend on that having happened. The raw native
payload is never exported.
"""

from __future__ import annotations

from typing import Any

from gatepost import __version__
from gatepost.action import Action, Kind, Match, Verdict
from gatepost.evidence.event import Event
from gatepost.evidence.redact import redact_value
from gatepost.store.base import parse_time, time_micros

__all__ = ["OCSF_VERSION", "export_records", "to_ocsf"]

OCSF_VERSION = "1.6.0"
PRODUCT = {"name": "gatepost", "vendor_name": "gatepost", "version": __version__}

FILE_SYSTEM_ACTIVITY = (1001, "File System Activity", 1, "System Activity")
PROCESS_ACTIVITY = (1007, "Process Activity", 1, "System Activity")
HTTP_ACTIVITY = (4002, "HTTP Activity", 4, "Network Activity")
API_ACTIVITY = (6003, "API Activity", 6, "Application Activity")
DETECTION_FINDING = (2004, "Detection Finding", 2, "Findings")

_CLASS = {
    Kind.FILE_READ: FILE_SYSTEM_ACTIVITY,
    Kind.FILE_WRITE: FILE_SYSTEM_ACTIVITY,
    Kind.COMMAND: PROCESS_ACTIVITY,
    Kind.WEB_FETCH: HTTP_ACTIVITY,
    Kind.WEB_SEARCH: HTTP_ACTIVITY,
}  # every other kind (mcp_call, prompt, session, other): API Activity

# verdict -> (action_id, action, disposition_id, disposition); see docs/evidence.md
DISPOSITION = {
    Verdict.PASS: (1, "Allowed", 1, "Allowed"),
    Verdict.WARN: (1, "Allowed", 1, "Allowed"),
    Verdict.ASK: (2, "Denied", 2, "Blocked"),
    Verdict.BLOCK: (2, "Denied", 2, "Blocked"),
}
SEVERITY = {"info": (1, "Informational"), "low": (2, "Low"), "medium": (3, "Medium")}
SEVERITY |= {"high": (4, "High"), "critical": (5, "Critical")}
_OTHER = 99


def export_records(event: Event) -> list[dict[str, Any]]:
    """``to_ocsf(event)`` with every text field redacted again."""
    out: list[dict[str, Any]] = []
    for record in to_ocsf(event):
        clean, _ = redact_value(record)
        out.append(clean)
    return out


def to_ocsf(event: Event) -> list[dict[str, Any]]:
    """The activity record, then a Detection Finding when the verdict is warn, ask or block."""
    activity = _activity(event)
    if event.decision.verdict is Verdict.PASS or event.decision.winner is None:
        return [activity]
    return [activity, _finding(event, event.decision.winner, activity)]


# ---------------------------------------------------------------------------- activity


def _activity(event: Event) -> dict[str, Any]:
    action, decision = event.action, event.decision
    class_uid, class_name, category_uid, category_name = _CLASS.get(action.kind, API_ACTIVITY)
    activity_id, activity_name, details = _details(action, class_uid)
    action_id, action_name, disposition_id, disposition = DISPOSITION[decision.verdict]
    severity_id, severity = _severity(event)
    record: dict[str, Any] = {
        **_base(event, class_uid, class_name, category_uid, category_name),
        "activity_id": activity_id,
        "activity_name": activity_name,
        "type_uid": class_uid * 100 + activity_id,
        "type_name": f"{class_name}: {activity_name}",
        "severity_id": severity_id,
        "severity": severity,
        "message": _message(event),
        "action_id": action_id,
        "action": action_name,
        "disposition_id": disposition_id,
        "disposition": disposition,
        "is_alert": decision.verdict is not Verdict.PASS,
        **details,
    }
    if decision.winner is not None:
        record["policy"] = _policy(decision.winner)
    return record


def _base(
    event: Event, class_uid: int, class_name: str, category_uid: int, category_name: str
) -> dict[str, Any]:
    actor = event.action.actor
    return {
        "class_uid": class_uid,
        "class_name": class_name,
        "category_uid": category_uid,
        "category_name": category_name,
        "time": _ms(event.time),
        "metadata": {
            "version": OCSF_VERSION,
            "product": PRODUCT,
            "profiles": ["host", "security_control"],
            "uid": event.id,
            "original_time": event.time,
            "logged_time": _ms(event.received_at),
            "sequence": event.seq,
            "log_name": "gatepost-events",
        },
        "actor": {
            "user": {
                "uid": actor.user.id,
                "name": actor.user.name or actor.user.id,
                "groups": [{"name": g} for g in actor.groups],
            },
            "session": {"uid": actor.session},
            "app_name": actor.agent.name or event.action.surface.agent,
        },
        "device": {"uid": actor.host.id, "hostname": actor.host.name, "type_id": 0},
        "unmapped": {"gatepost": _gatepost(event)},
    }


def _details(action: Action, class_uid: int) -> tuple[int, str, dict[str, Any]]:
    """activity_id, activity_name and the class's own objects for this action."""
    op = action.operation
    if class_uid == FILE_SYSTEM_ACTIVITY[0]:
        ref = op.paths[0] if op.paths else None
        path = ref.path or ref.raw if ref else ""
        if action.kind is Kind.FILE_READ:
            activity = (2, "Read")
        elif ref is not None and ref.access == "delete":
            activity = (4, "Delete")
        else:
            activity = (3, "Update")
        file = {"name": path.rsplit("/", 1)[-1] or path, "path": path, "type_id": 1}
        return *activity, {"file": file}
    if class_uid == PROCESS_ACTIVITY[0]:
        cmd = op.command
        programs = [c.program for c in cmd.commands] if cmd else []
        process = {
            "cmd_line": cmd.raw if cmd else "",
            "name": programs[0] if programs else "",
            "working_directory": (cmd.cwd if cmd else "") or op.cwd,
        }
        return 1, "Launch", {"process": process}
    if class_uid == HTTP_ACTIVITY[0]:
        if op.urls:
            u = op.urls[0]
            url: dict[str, Any] = {
                "url_string": u.raw,
                "scheme": u.scheme,
                "hostname": u.host,
                "path": u.path,
            }
            if u.port:
                url["port"] = u.port
        else:
            url = {"query_string": op.query}
        return 3, "Get", {"http_request": {"http_method": "GET", "url": url}}
    return _api(action)


def _api(action: Action) -> tuple[int, str, dict[str, Any]]:
    op, surface = action.operation, action.surface
    if op.mcp is not None:
        name, service = "MCP Tool Call", op.mcp.server
        operation = op.mcp.tool
    else:
        name = {Kind.PROMPT: "Prompt", Kind.SESSION: "Session"}.get(action.kind, "Other")
        service, operation = surface.agent, surface.event
    return (
        _OTHER,
        name,
        {
            "api": {
                "operation": operation or surface.tool or surface.event or action.kind.value,
                "service": {"name": service},
                "request": {"uid": action.id},
            },
            "src_endpoint": {"uid": action.actor.host.id, "hostname": action.actor.host.name},
        },
    )


def _policy(m: Match) -> dict[str, Any]:
    return {"uid": m.rule_id, "name": m.title, "version": m.pack_version, "desc": m.message}


def _severity(event: Event) -> tuple[int, str]:
    winner = event.decision.winner
    if event.decision.verdict is Verdict.PASS or winner is None:
        return 1, "Informational"
    return SEVERITY.get(winner.severity, (0, "Unknown"))


def _message(event: Event) -> str:
    d = event.decision
    if d.explanation:
        return d.explanation
    return f"{d.verdict.value}: no rule matched"


def _gatepost(event: Event) -> dict[str, Any]:
    """What OCSF has no place for: the verdict as gatepost names it, the surface, every match."""
    d, a = event.decision, event.action
    return {
        "verdict": d.verdict.value,
        "surface": a.surface.name,
        "tool": a.surface.tool,
        "kind": a.kind.value,
        "flags": list(a.flags),
        "repository": a.actor.repository.remote,
        "branch": a.actor.repository.branch,
        "policy_revision": d.policy_revision,
        "fail_mode": d.fail_mode,
        "hash": event.hash,
        "matches": [
            {
                "rule": m.rule_id,
                "pack": m.pack_id,
                "pack_version": m.pack_version,
                "rule_verdict": m.rule_verdict.value,
                "verdict": m.verdict.value,
                "mode": m.mode.value,
                "assignment": m.assignment_id,
                "scope": m.scope,
                "waiver": m.waiver.waiver_id if m.waiver else "",
            }
            for m in d.matches
        ],
        "redactions": [{"field": r.field, "detector": r.detector} for r in event.redactions],
    }


# ---------------------------------------------------------------------------- finding


def _finding(event: Event, winner: Match, activity: dict[str, Any]) -> dict[str, Any]:
    class_uid, class_name, category_uid, category_name = DETECTION_FINDING
    severity_id, severity = SEVERITY.get(winner.severity, (0, "Unknown"))
    evidence = {
        k: activity[k]
        for k in ("actor", "device", "process", "file", "http_request", "api")
        if k in activity
    }
    return {
        **_base(event, class_uid, class_name, category_uid, category_name),
        "activity_id": 1,
        "activity_name": "Create",
        "type_uid": class_uid * 100 + 1,
        "type_name": f"{class_name}: Create",
        "severity_id": severity_id,
        "severity": severity,
        "status_id": 1,
        "status": "New",
        "message": f"{event.decision.verdict.value}: {winner.title} [{winner.rule_id}]",
        "action_id": activity["action_id"],
        "action": activity["action"],
        "disposition_id": activity["disposition_id"],
        "disposition": activity["disposition"],
        "is_alert": True,
        "finding_info": {
            "uid": f"{event.id}/{winner.rule_id}",
            "title": winner.title,
            "desc": winner.message,
            "analytic": {
                "uid": winner.rule_id,
                "name": winner.title,
                "type_id": 1,
                "type": "Rule",
                "version": winner.pack_version,
            },
            "related_events": [{"uid": event.id, "type_uid": activity["type_uid"]}],
            "types": [winner.pack_id],
        },
        "evidences": [evidence],
        "policy": _policy(winner),
    }


def _ms(time: str) -> int:
    return time_micros(parse_time(time)) // 1000
