"""Raw evidence on both backends: kept encrypted, read only by the right role with a reason, and
every read recorded as an event. The key file, the settings, sealing."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from gatepost.action import Kind
from gatepost.errors import ConfigError, StoreError
from gatepost.evidence.chain import VerifyResult, verify
from gatepost.evidence.event import AUDIT_AGENT, Event
from gatepost.evidence.raw import (
    RawAccessError,
    RawEvidenceSettings,
    RawKey,
    load_key,
    open_row,
    read_raw,
    seal,
    store_raw,
)
from gatepost.evidence.record import make_event as record_event
from gatepost.store.base import EventQuery, EventStore, RawRow
from tests.store.backends import Backend
from tests.store.factories import make_event

NOW = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)
TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"  # a GitHub token shape
COMMAND = f"curl -H 'Authorization: Bearer {TOKEN}' https://api.github.com/user"
PAYLOAD = json.dumps(
    {"session_id": "s1", "tool_name": "Bash", "tool_input": {"command": COMMAND}}
).encode()


@pytest.fixture
def key(tmp_path: Path) -> RawKey:
    return load_key(tmp_path / "keys" / "raw.key", create=True)


@pytest.fixture
def recorded(store: EventStore, key: RawKey) -> Event:
    """One event recorded as the hook records it (redacted), with its raw payload kept."""
    event = make_event(1, text=COMMAND)
    action = dataclasses.replace(event.action, raw=json.loads(PAYLOAD))
    stored = record_event(action, event.decision, now_ns=1_740_900_000_000_000_000)
    assert TOKEN not in json.dumps(stored.action.raw)  # the chained event is redacted
    store.append([stored])
    assert store_raw(store, stored.id, PAYLOAD, key, now=NOW)
    return stored


# ---------------------------------------------------------------------------- at rest


def test_raw_evidence_is_encrypted_at_rest(
    backend: Backend, store: EventStore, recorded: Event, key: RawKey
) -> None:
    row = store.get_raw(recorded.id)
    assert row is not None
    assert (row.event_id, row.created_at, row.key_id) == (
        recorded.id,
        "2025-03-02T12:00:00.000000Z",
        key.id,
    )
    assert len(row.nonce) == 12
    assert len(row.ciphertext) == len(PAYLOAD) + 16  # AES-GCM: same length plus the tag
    assert TOKEN.encode() not in row.ciphertext
    if backend.name == "sqlite":
        store.close()  # everything is in the file (and its WAL) as written
        path = Path(backend.url.removeprefix("sqlite://"))
        files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
        data = b"".join(p.read_bytes() for p in files)
        assert row.ciphertext in data
        assert TOKEN.encode() not in data
        assert b"tool_input" in data  # the redacted event is there in clear
    else:
        hits = backend.rows(
            "SELECT count(*) FROM raw_evidence WHERE position(?::bytea in ciphertext) > 0",
            (TOKEN.encode(),),
        )
        assert hits == [(0,)]
        docs = backend.rows("SELECT doc::text FROM events")
        assert len(docs) == 1 and TOKEN not in docs[0][0]


def test_one_raw_payload_per_event(store: EventStore, recorded: Event, key: RawKey) -> None:
    first = store.get_raw(recorded.id)
    assert not store_raw(store, recorded.id, b"another payload", key, now=NOW)
    assert store.get_raw(recorded.id) == first
    assert store.get_raw("no-such-event") is None


# ---------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("role", "reason", "viewer", "message"),
    [
        ("viewer", "incident 114", "ines@acme.com", "role 'viewer' may not read raw evidence"),
        ("analyst", "incident 114", "ines@acme.com", "role 'analyst' may not read raw evidence"),
        ("root", "incident 114", "ines@acme.com", "role 'root' may not read raw evidence"),
        ("investigator", "", "ines@acme.com", "reading raw evidence needs a stated reason"),
        ("investigator", "  \n", "ines@acme.com", "reading raw evidence needs a stated reason"),
        ("admin", "incident 114", " ", "reading raw evidence needs the reader's identity"),
    ],
)
def test_a_read_without_the_role_or_a_reason_is_refused(
    store: EventStore,
    recorded: Event,
    key: RawKey,
    role: str,
    reason: str,
    viewer: str,
    message: str,
) -> None:
    head = store.head()
    with pytest.raises(RawAccessError, match=message):
        read_raw(
            store, recorded.id, viewer=viewer, viewer_role=role, reason=reason, key=key, now=NOW
        )
    assert store.head() == head  # nothing read, nothing recorded


@pytest.mark.parametrize("role", ["investigator", "admin"])
def test_a_read_with_the_role_and_a_reason_is_recorded(
    store: EventStore, recorded: Event, key: RawKey, role: str
) -> None:
    later = NOW + timedelta(hours=3)
    payload = read_raw(
        store,
        recorded.id,
        viewer="ines@acme.com",
        viewer_role=role,
        reason="incident 2025-114: what did the agent send?",
        key=key,
        now=later,
    )
    assert payload == PAYLOAD
    assert store.head()[0] == 2
    access = store.query(EventQuery(agent=AUDIT_AGENT))
    assert len(access) == 1
    event = access[0]
    assert event.seq == 2
    assert event.parent_event_id == recorded.id
    assert event.time == event.received_at == "2025-03-02T15:00:00.000000Z"
    assert event.action.actor.user.id == "ines@acme.com"
    assert event.action.surface.agent == "gatepost"
    assert event.action.surface.event == "raw-evidence-read"
    assert event.action.operation.kind is Kind.OTHER
    assert event.action.operation.content == "incident 2025-114: what did the agent send?"
    assert event.action.raw == {
        "event_id": recorded.id,
        "reader": "ines@acme.com",
        "role": role,
        "reason": "incident 2025-114: what did the agent send?",
        "key": key.id,
    }
    assert recorded.id in event.decision.explanation
    assert TOKEN not in json.dumps(event.action.raw)  # the access record holds no payload
    assert verify(store, key=None) == VerifyResult(True, 2, None)


def test_reading_raw_evidence_that_is_not_there(store: EventStore, key: RawKey) -> None:
    with pytest.raises(StoreError, match="no raw evidence kept for event 01JNX"):
        read_raw(store, "01JNX", viewer="i", viewer_role="admin", reason="r", key=key, now=NOW)
    assert store.head()[0] == 0


def test_a_payload_does_not_open_with_another_key_or_altered(
    backend: Backend, store: EventStore, recorded: Event, key: RawKey, tmp_path: Path
) -> None:
    other = load_key(tmp_path / "other.key", create=True)
    args: dict[str, Any] = {"viewer": "i", "viewer_role": "admin", "reason": "r", "now": NOW}
    with pytest.raises(StoreError, match=f"sealed with key {key.id}, not with this one"):
        read_raw(store, recorded.id, key=other, **args)
    flipped = bytes([recorded.id.encode()[0] ^ 1]) + recorded.id.encode()[1:]
    backend.sql(
        "UPDATE raw_evidence SET ciphertext = ? WHERE event_id = ?", (b"x" * 40, recorded.id)
    )
    with pytest.raises(StoreError, match="cannot be opened: it was altered"):
        read_raw(store, recorded.id, key=key, **args)
    assert store.head()[0] == 1  # failed reads record nothing: nothing was read
    row = seal(key, recorded.id, PAYLOAD, now=NOW)
    moved = RawRow(flipped.decode(), row.created_at, row.nonce, row.ciphertext, row.key_id)
    with pytest.raises(StoreError, match="cannot be opened"):  # bound to its event id
        open_row(key, moved)
    assert open_row(key, row) == PAYLOAD


# ---------------------------------------------------------------------------- key, settings


def test_the_key_file_is_made_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "home" / "keys" / "raw.key"
    key = load_key(path, create=True)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert len(base64.b64decode(path.read_text())) == 32
    assert load_key(path, create=True) == key == load_key(path)
    assert key.id == RawKey.of(key.secret).id and len(key.id) == 16
    assert key.secret.hex() not in repr(key)


def test_a_bad_key_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "raw.key"
    with pytest.raises(ConfigError, match="cannot read raw evidence key"):
        load_key(path)
    path.write_text(base64.b64encode(os.urandom(32)).decode())
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="readable by others, chmod 600 it"):
        load_key(path)
    path.chmod(0o600)
    path.write_text("not base64!")
    with pytest.raises(ConfigError, match="not base64"):
        load_key(path)
    path.write_text(base64.b64encode(b"short").decode())
    with pytest.raises(ConfigError, match="a raw evidence key has 32 bytes, not 5"):
        load_key(path)


def test_settings(tmp_path: Path) -> None:
    assert RawEvidenceSettings.from_value(None) == RawEvidenceSettings(enabled=False)
    assert RawEvidenceSettings.from_value(True) == RawEvidenceSettings(enabled=True)
    settings = RawEvidenceSettings.from_value({"enabled": True, "key_file": "/k/raw.key"})
    assert settings == RawEvidenceSettings(True, "/k/raw.key")
    assert settings.key_path(tmp_path) == Path("/k/raw.key")
    assert RawEvidenceSettings().key_path(tmp_path) == tmp_path / "keys" / "raw.key"
    assert RawEvidenceSettings(True, "k.key").key_path(tmp_path) == tmp_path / "k.key"
    for value, message in [
        ("yes", "raw_evidence: must be true, false or a mapping"),
        ({"enabled": "yes"}, r"raw_evidence.enabled: must be true or false"),
        ({"key_file": 3}, r"raw_evidence.key_file: must be a path"),
        ({"enable": True}, "raw_evidence: unknown setting.s. enable"),
    ]:
        with pytest.raises(ConfigError, match=message):
            RawEvidenceSettings.from_value(value)
