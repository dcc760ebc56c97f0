"""Keeping one decision: redact it into an event and append it to the journal, before the reply.

Whatever cannot be made into an event or a journal record (a value JSON cannot hold, nesting
too deep for the redactor, text that is not Unicode) is quarantined with its payload and the
quarantine event is journaled in its place.
"""

from __future__ import annotations

from pathlib import Path

from gatepost import codec
from gatepost.action import Action, Decision
from gatepost.errors import GatepostError
from gatepost.evidence.event import Event
from gatepost.evidence.record import make_event
from gatepost.runtime import journal

_UNRECORDABLE = (GatepostError, ValueError, TypeError, RecursionError, UnicodeError)


def frame_of(event: Event, raw: bytes | None) -> bytes:
    return journal.encode(codec.to_dict(event), raw)


def journal_decision(
    home: Path,
    action: Action,
    decision: Decision,
    payload: bytes,
    *,
    now_ns: int,
    raw: bool,
    fsync: bool = False,
) -> Event:
    """The event of this decision, appended to the journal (or its quarantine event, when the
    decision cannot be made into a record), synced first with ``fsync``. Raises StoreError
    when no journal takes it."""
    try:
        event = make_event(action, decision, now_ns=now_ns)
        frame = frame_of(event, payload if raw else None)
    except _UNRECORDABLE as exc:
        from gatepost.runtime.quarantine import quarantine_event

        reason = f"cannot be recorded as an event: {type(exc).__name__}: {exc}"
        event = quarantine_event(
            home, payload, reason, agent=action.surface.agent, verdict=decision.verdict
        )
        frame = frame_of(event, None)
    journal.append(home, frame, fsync=fsync)
    return event
