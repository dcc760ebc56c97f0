"""Turning a decided action into an Event fit for storage: redacted before anything is kept."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from gatepost import codec
from gatepost.action import Action, Decision
from gatepost.evidence.event import Event, RedactionRecord, new_event_id
from gatepost.evidence.redact import redact_value


def redact_action(action: Action) -> tuple[Action, tuple[RedactionRecord, ...]]:
    """The action with every secret replaced in every text field, the raw payload included."""
    redacted, found = redact_value(codec.to_dict(action))
    records = tuple(
        RedactionRecord(field=r.field, detector=r.detector, length=r.length) for r in found
    )
    if not records:
        return action, ()
    return codec.from_dict(Action, redacted), records


def redact_decision(decision: Decision) -> Decision:
    """Explanations quote the command; they are redacted like the action."""
    redacted, found = redact_value(codec.to_dict(decision))
    return codec.from_dict(Decision, redacted) if found else decision


def make_event(
    action: Action, decision: Decision, *, now_ns: int | None = None, parent_event_id: str = ""
) -> Event:
    ns = time.time_ns() if now_ns is None else now_ns
    received = datetime.fromtimestamp(ns / 1e9, UTC).isoformat(timespec="microseconds")
    clean, records = redact_action(action)
    return Event(
        id=new_event_id(ns),
        time=action.time or received,
        received_at=received.replace("+00:00", "Z"),
        action=clean,
        decision=redact_decision(decision),
        redactions=records,
        parent_event_id=parent_event_id,
    )
