"""What cannot be made into an event is kept aside as a blob, and an event says so.

A quarantine file ``GATEPOST_HOME/quarantine/<id>.json`` (0600; in the journal's fallback
location when the home cannot be written) holds the reason and the untouched bytes in base64.
They are not redacted (they could not be read as an event), so the file is readable by its
owner only, like raw evidence. The quarantine event takes the record's place in the chain: it
names the file, the reason, the size and digest of the blob, and keeps the verdict that was
given.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from gatepost.action import Action, Decision, Surface, Verdict
from gatepost.errors import StoreError
from gatepost.evidence.event import Event
from gatepost.evidence.record import make_event
from gatepost.ids import new_id
from gatepost.runtime import journal

QUARANTINE_EVENT = "quarantine"
MAX_REASON = 2000


def quarantine_dir(home: Path) -> Path:
    return home / "quarantine"


def keep_blob(home: Path, blob: bytes, reason: str) -> Path:
    """Write the blob and its reason to a new quarantine file; returns its path."""
    name = f"{new_id()}.json"
    doc = json.dumps(
        {"reason": reason[:MAX_REASON], "blob": base64.b64encode(blob).decode("ascii")},
        ensure_ascii=True,
    ).encode("ascii")
    problems = []
    for d in (quarantine_dir(home), journal.fallback_dir(home).parent / "quarantine"):
        try:
            if d == quarantine_dir(home):
                d.mkdir(parents=True, exist_ok=True, mode=0o700)
            else:
                journal.private_dir(d, owned_from=journal.fallback_root())
            path = d / name
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            try:
                written = os.write(fd, doc)
            finally:
                os.close(fd)
            if written != len(doc):
                path.unlink()
                raise OSError(f"short write to {path}")
            return path
        except (OSError, StoreError) as exc:
            problems.append(str(exc))
    raise StoreError("quarantine not writable: " + "; ".join(problems))


def quarantine_event(
    home: Path, blob: bytes, reason: str, *, agent: str = "", verdict: Verdict = Verdict.PASS
) -> Event:
    """Quarantine ``blob`` and return the event recorded in its place."""
    reason = reason.encode("utf-8", "replace").decode("utf-8")[:MAX_REASON]
    try:
        where = keep_blob(home, blob, reason)
        kept = f"kept in quarantine as {where}"
    except StoreError as exc:
        where, kept = None, f"and could not be quarantined ({exc})"
    now = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    action = Action(
        id=new_id(),
        time=now,
        surface=Surface(agent=agent or "gatepost", event=QUARANTINE_EVENT),
        raw={
            "quarantine_file": str(where) if where else "",
            "reason": reason,
            "bytes": len(blob),
            "sha256": hashlib.sha256(blob).hexdigest(),
        },
    )
    decision = Decision(
        verdict=verdict,
        explanation=f"a record could not be stored as it was ({reason}); its bytes are {kept}",
        error=reason,
    )
    return make_event(action, decision)
