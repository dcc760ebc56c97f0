"""Raw evidence (DESIGN §4): an event's untouched native payload, kept encrypted. Off by default.

The stored event holds only the redacted action. When raw evidence is on
(``RawEvidenceSettings.enabled``), the payload as the agent sent it, secrets included, is kept
beside the event (the store's ``raw_evidence`` rows), sealed with AES-256-GCM under a local key:
a random 96-bit nonce per payload, the event id as associated data (a sealed payload moved to
another event does not open). The key is 32 random bytes, base64 in
``GATEPOST_HOME/keys/raw.key`` (mode 600, made on first use); whoever can read that file and
the store can read raw evidence, so keep the key off machines that only hold the store.

Reading goes through ``read_raw`` only: it refuses a role other than investigator or admin and a
read without a stated reason, and appends an event recording who read which event's raw
evidence, as which role and why, before it returns the payload. Retention removes raw evidence
after ``raw_days`` (gatepost.evidence.retention).
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gatepost.action import Action, Actor, Decision, Kind, Operation, Surface, User
from gatepost.errors import ConfigError, StoreError
from gatepost.evidence.event import AUDIT_AGENT, Event
from gatepost.evidence.raw_settings import RawEvidenceSettings
from gatepost.evidence.record import make_event
from gatepost.store.base import EventStore, RawRow, time_micros

__all__ = [
    "RAW_READ_ROLES",
    "RawAccessError",
    "RawEvidenceSettings",
    "RawKey",
    "access_event",
    "load_key",
    "open_row",
    "read_raw",
    "seal",
    "store_raw",
]

RAW_READ_ROLES = ("investigator", "admin")  # gatepost.evidence.views.Role values
READ_EVENT = "raw-evidence-read"  # surface event of the access record
_KEY_BYTES = 32  # AES-256
_NONCE_BYTES = 12
_AAD = b"gatepost-raw-evidence:v1:"


class RawAccessError(StoreError):
    """A read of raw evidence that is not allowed: wrong role, or no reason or reader given."""


@dataclass(frozen=True, slots=True)
class RawKey:
    """The key that seals raw payloads, and its id (which reveals nothing of it)."""

    secret: bytes = field(repr=False)
    id: str  # first 16 hex digits of sha256(secret): names the key, reveals nothing of it

    @classmethod
    def of(cls, secret: bytes) -> RawKey:
        if len(secret) != _KEY_BYTES:
            raise ConfigError(f"a raw evidence key has {_KEY_BYTES} bytes, not {len(secret)}")
        return cls(secret, hashlib.sha256(secret).hexdigest()[:16])


# ---------------------------------------------------------------------------- key file


def load_key(path: str | os.PathLike[str], *, create: bool = False) -> RawKey:
    """The key in ``path``; with ``create``, a new random key is written there first when the
    file does not exist (mode 600, its folder 700). ConfigError for a file that cannot be read,
    holds no key, or that others than its owner may read."""
    path = Path(path)
    if create and not path.exists():
        _create_key(path)
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read raw evidence key {path}: {exc}") from None
    if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
        raise ConfigError(f"raw evidence key {path}: readable by others, chmod 600 it")
    try:
        secret = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        raise ConfigError(f"raw evidence key {path}: not base64") from None
    try:
        return RawKey.of(secret)
    except ConfigError as exc:
        raise ConfigError(f"raw evidence key {path}: {exc}") from None


def _create_key(path: Path) -> None:
    text = base64.b64encode(os.urandom(_KEY_BYTES)) + b"\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # made by another process meanwhile: use that one
    except OSError as exc:
        raise ConfigError(f"cannot create raw evidence key {path}: {exc}") from None
    with os.fdopen(fd, "wb") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())


# ---------------------------------------------------------------------------- sealing


def seal(key: RawKey, event_id: str, payload: bytes, *, now: datetime) -> RawRow:
    """The raw_evidence row of an event's payload, encrypted under ``key``."""
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = AESGCM(key.secret).encrypt(nonce, payload, _AAD + event_id.encode())
    return RawRow(event_id, _rfc3339(now), nonce, ciphertext, key.id)


def open_row(key: RawKey, row: RawRow) -> bytes:
    """The payload of a sealed row; StoreError when ``key`` cannot open it."""
    if row.key_id != key.id:
        raise StoreError(
            f"raw evidence of event {row.event_id} was sealed with key {row.key_id}, "
            f"not with this one ({key.id})"
        )
    try:
        return AESGCM(key.secret).decrypt(row.nonce, row.ciphertext, _AAD + row.event_id.encode())
    except (InvalidTag, ValueError):
        raise StoreError(
            f"raw evidence of event {row.event_id} cannot be opened: it was altered"
        ) from None


def store_raw(
    store: EventStore, event_id: str, payload: bytes, key: RawKey, *, now: datetime | None = None
) -> bool:
    """Keep an event's payload sealed; False (nothing changed) when the event has some already.

    Only call this when RawEvidenceSettings.enabled: it does not look at the settings."""
    return store.put_raw(seal(key, event_id, payload, now=_utc(now)))


# ---------------------------------------------------------------------------- reading


def read_raw(
    store: EventStore,
    event_id: str,
    *,
    viewer: str,
    viewer_role: str,
    reason: str,
    key: RawKey,
    now: datetime | None = None,
) -> bytes:
    """The raw payload of an event, for ``viewer`` (who reads: a user id) acting as
    ``viewer_role``, for ``reason``.

    RawAccessError unless the role is investigator or admin and both viewer and reason are
    given; StoreError when the event has no raw evidence or it cannot be opened. The read is
    recorded (``access_event``, appended to ``store``) before the payload is returned: when
    that cannot be recorded, the payload is not returned either.
    """
    role = str(viewer_role)
    if role not in RAW_READ_ROLES:
        raise RawAccessError(
            f"role {role!r} may not read raw evidence (only {' or '.join(RAW_READ_ROLES)})"
        )
    if not reason.strip():
        raise RawAccessError("reading raw evidence needs a stated reason")
    if not viewer.strip():
        raise RawAccessError("reading raw evidence needs the reader's identity")
    row = store.get_raw(event_id)
    if row is None:
        raise StoreError(f"no raw evidence kept for event {event_id}")
    payload = open_row(key, row)
    store.append([access_event(event_id, viewer, role, reason.strip(), key.id, now=_utc(now))])
    return payload


def access_event(
    event_id: str, viewer: str, role: str, reason: str, key_id: str, *, now: datetime
) -> Event:
    """The record of one read of raw evidence: gatepost's own event (surface agent "gatepost",
    event "raw-evidence-read", kind other) by the reader, following the event read."""
    summary = f"{viewer} ({role}) read the raw evidence of event {event_id}: {reason}"
    action = Action(
        time=_rfc3339(now),
        actor=Actor(user=User(id=viewer)),
        surface=Surface(agent=AUDIT_AGENT, event=READ_EVENT, tool="read_raw", phase="post"),
        operation=Operation(kind=Kind.OTHER, content=reason),
        raw={"event_id": event_id, "reader": viewer, "role": role, "reason": reason, "key": key_id},
    )
    decision = Decision(explanation=summary)
    ns = time_micros(_utc(now)) * 1000
    return make_event(action, decision, now_ns=ns, parent_event_id=event_id)


def _utc(moment: datetime | None) -> datetime:
    """``moment`` (now when None) in UTC; a naive one is taken as UTC."""
    if moment is None:
        return datetime.now(UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _rfc3339(moment: datetime) -> str:
    return _utc(moment).isoformat(timespec="microseconds").replace("+00:00", "Z")
